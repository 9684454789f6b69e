package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/soulc/soulc/evals/fakeapi"
)

// Negative control: plain go-openai v1.43.0 drops temperature 0. If this
// ever fails, the library fixed the bug and wireTransport may be retired.
func TestGoOpenAIDropsZeroTemperature(t *testing.T) {
	srv := newFake(t, fakeapi.Config{})
	cfg := openai.DefaultConfig("k")
	cfg.BaseURL = srv.URL()
	_, err := openai.NewClientWithConfig(cfg).CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model: "m", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}, Temperature: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := srv.LastRequest()
	if _, ok := rec.Field("temperature"); ok {
		t.Fatalf("go-openai now sends temperature 0 by itself: %s", rec.Body)
	}
}

// The key must never appear in errors, attempt records, responses, caches
// or the client's string forms, whatever fails — even when the server
// echoes the credentials it received.
func TestSecretsNeverLeak(t *testing.T) {
	var leaks []string
	check := func(where, s string) {
		if strings.Contains(s, testKey) {
			leaks = append(leaks, where+": "+s)
		}
		// Also the distinctive middle of the key, in case of partial echoes.
		if strings.Contains(s, "SECRET-0123456789") {
			leaks = append(leaks, where+" (partial): "+s)
		}
	}
	checkResult := func(where string, resp Response, err error) {
		if err != nil {
			check(where+" error", err.Error())
			check(where+" error %+v", fmt.Sprintf("%+v", err))
			check(where+" error %#v", fmt.Sprintf("%#v", err))
			for e := err; e != nil; e = errors.Unwrap(e) {
				check(where+" unwrapped", e.Error())
			}
		}
		b, _ := json.Marshal(resp)
		check(where+" response json", string(b))
		check(where+" response %+v", fmt.Sprintf("%+v", resp))
	}

	cacheDir := t.TempDir()
	// Every fault, each echoing the Authorization header in its error text.
	faults := []fakeapi.Fault{fakeapi.FaultRateLimit, fakeapi.FaultServerError, fakeapi.FaultUnavailable,
		fakeapi.FaultHang, fakeapi.FaultTruncated, fakeapi.FaultInvalidJSON}
	srv := newFake(t, fakeapi.Config{Schedule: faults, EchoAuthInErrors: true, RetryAfter: time.Millisecond})
	cache, err := OpenCache(cacheDir, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	opts := fastOpts()
	opts.RequestTimeout = time.Second
	opts.MaxAttempts = 3 // give up mid-schedule: returns an error
	opts.Cache = cache
	c := mustClient(t, testEndpoint(srv.URL()), opts)
	check("client String", c.String())
	check("client %+v", fmt.Sprintf("%+v", c))
	check("endpoint json", func() string { b, _ := json.Marshal(c.Endpoint()); return string(b) }())

	for i := range 4 { // 3 failing calls then a success (cached)
		resp, err := c.Complete(context.Background(), userReq(fmt.Sprint("q", i)))
		checkResult(fmt.Sprint("fault call ", i), resp, err)
		for _, a := range resp.Attempts {
			check("attempt", a.Err)
		}
	}
	// The server did receive the key (so the test is not vacuous).
	sawKey := false
	for _, r := range srv.Requests() {
		if r.Header.Get("Authorization") == "Bearer "+testKey {
			sawKey = true
		}
	}
	if !sawKey {
		t.Fatal("the fake never saw the key; test is vacuous")
	}

	// 401 that quotes the key back.
	srv401 := newFake(t, fakeapi.Config{RequireAPIKey: "another", EchoAuthInErrors: true})
	c401 := mustClient(t, testEndpoint(srv401.URL()), opts)
	resp, err := c401.Complete(context.Background(), userReq("auth"))
	if err == nil {
		t.Fatal("want 401")
	}
	checkResult("401", resp, err)

	// Connection refused.
	dead := fakeapi.New(fakeapi.Config{})
	deadURL := dead.URL()
	dead.Close()
	cDead := mustClient(t, testEndpoint(deadURL), opts)
	resp, err = cDead.Complete(context.Background(), userReq("dead"))
	if err == nil {
		t.Fatal("want network error")
	}
	checkResult("network", resp, err)

	// Replay miss.
	replay, _ := OpenCache(cacheDir, Replay)
	ro := opts
	ro.Cache = replay
	cr := mustClient(t, testEndpoint(srv.URL()), ro)
	resp, err = cr.Complete(context.Background(), userReq("never asked"))
	if !errors.Is(err, ErrCacheMiss) {
		t.Fatalf("want cache miss, got %v", err)
	}
	checkResult("replay miss", resp, err)

	// Key file that cannot be read: the error names the path, not contents.
	ep := testEndpoint(srv.URL())
	ep.APIKeyFile = filepath.Join(t.TempDir(), "missing")
	_, err = NewClient(ep, opts)
	if err == nil {
		t.Fatal("want key file error")
	}
	check("key file error", err.Error())

	// Nothing in the cache directory mentions the key.
	files := 0
	_ = filepath.WalkDir(cacheDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, _ := os.ReadFile(p)
		check("cache file "+p, string(b))
		if strings.Contains(strings.ToLower(string(b)), "authorization") {
			leaks = append(leaks, "cache file mentions authorization: "+p)
		}
		return nil
	})
	if files == 0 {
		t.Fatal("no cache file written; test is vacuous")
	}
	if len(leaks) > 0 {
		t.Fatalf("API key leaked:\n%s", strings.Join(leaks, "\n"))
	}
}

func TestRedactorCatchesForeignCredentials(t *testing.T) {
	r := newRedactor(testKey)
	in := `proxy said: Authorization: Bearer abcdefghijklmnop1234 and key sk-proj-AAAAAAAAAAAAAAAAAAAA and ` + testKey
	out := r(in)
	for _, bad := range []string{"abcdefghijklmnop1234", "sk-proj-AAAAAAAAAAAAAAAAAAAA", testKey} {
		if strings.Contains(out, bad) {
			t.Errorf("%q survived redaction: %s", bad, out)
		}
	}
	if !strings.Contains(out, "proxy said") {
		t.Errorf("redaction removed ordinary text: %s", out)
	}
}
