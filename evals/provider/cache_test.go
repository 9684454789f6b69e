package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/soulc/soulc/evals/fakeapi"
)

func cachedClient(t *testing.T, url, dir string, mode Mode, opts Options) *Client {
	t.Helper()
	cache, err := OpenCache(dir, mode)
	if err != nil {
		t.Fatal(err)
	}
	opts.Cache = cache
	return mustClient(t, testEndpoint(url), opts)
}

func TestCacheReadWriteThenReplay(t *testing.T) {
	srv := newFake(t, fakeapi.Config{SystemFingerprint: "fp_x"})
	dir := t.TempDir()
	c := cachedClient(t, srv.URL(), dir, ReadWrite, fastOpts())
	req := userReq("what now?")
	req.Params = Params{Temperature: Float64(0), Seed: Int(1), MaxTokens: 50}

	first, err := c.Complete(context.Background(), req)
	if err != nil || first.Cached {
		t.Fatalf("first: %+v %v", first, err)
	}
	second, err := c.Complete(context.Background(), req)
	if err != nil || !second.Cached || len(second.Attempts) != 0 {
		t.Fatalf("second not served from cache: %+v %v", second, err)
	}
	if second.Content != first.Content || second.Model != first.Model || second.SystemFingerprint != "fp_x" ||
		second.PromptTokens != first.PromptTokens || second.CacheKey != first.CacheKey {
		t.Fatalf("cached response differs:\n%+v\n%+v", first, second)
	}
	if srv.Stats().Requests != 1 {
		t.Fatalf("server saw %d requests, want 1", srv.Stats().Requests)
	}

	// Layout: <dir>/ab/abcdef....json, deterministic content with the
	// canonical request but no secrets.
	key := first.CacheKey
	p := filepath.Join(dir, key[:2], key+".json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("cache file not at %s: %v", p, err)
	}
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil || e.Key != key || e.Response.Attempts != 1 {
		t.Fatalf("entry: %+v %v", e, err)
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, e.Request)
	if !strings.Contains(compact.String(), `"what now?"`) || !strings.Contains(compact.String(), `"temperature":0`) {
		t.Errorf("canonical request not stored: %s", compact.String())
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, key[:2], ".tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temp files left behind: %v", leftovers)
	}

	// Replay: no key in the environment, no server needed.
	ro := fastOpts()
	ro.Getenv = envWith(nil)
	// The endpoint is part of the key: another host misses...
	other := cachedClient(t, "http://127.0.0.1:1/v1", dir, Replay, ro)
	if _, err := other.Complete(context.Background(), req); !errors.Is(err, ErrCacheMiss) {
		t.Fatalf("replay against another endpoint should miss: %v", err)
	}
	// ...the same endpoint hits.
	rc := cachedClient(t, srv.URL(), dir, Replay, ro)
	got, err := rc.Complete(context.Background(), req)
	if err != nil || !got.Cached || got.Content != first.Content {
		t.Fatalf("replay hit: %+v %v", got, err)
	}
	miss := req
	miss.SampleIndex = 3
	_, err = rc.Complete(context.Background(), miss)
	if !errors.Is(err, ErrCacheMiss) {
		t.Fatalf("replay miss: %v", err)
	}
	for _, want := range []string{"fake-model", "sample 3", "what now?"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("miss error %q does not name %q", err, want)
		}
	}
	if srv.Stats().Requests != 1 {
		t.Fatalf("replay touched the network")
	}
}

func TestCacheNamespaceOverrideAllowsReplayElsewhere(t *testing.T) {
	srv := newFake(t, fakeapi.Config{})
	dir := t.TempDir()
	o := fastOpts()
	o.CacheNamespace = "ci-recorded"
	c := cachedClient(t, srv.URL(), dir, ReadWrite, o)
	if _, err := c.Complete(context.Background(), userReq("x")); err != nil {
		t.Fatal(err)
	}
	rc := cachedClient(t, "http://other-host:9/v1", dir, Replay, o)
	if r, err := rc.Complete(context.Background(), userReq("x")); err != nil || !r.Cached {
		t.Fatalf("replay under another host with a fixed namespace: %v", err)
	}
}

func TestCacheKeyDistinguishes(t *testing.T) {
	base := userReq("q")
	base.Model = "m"
	variants := map[string]func(r *Request){
		"sample index":    func(r *Request) { r.SampleIndex = 1 },
		"temperature 0":   func(r *Request) { r.Params.Temperature = Float64(0) },
		"temperature 0.5": func(r *Request) { r.Params.Temperature = Float64(0.5) },
		"seed":            func(r *Request) { r.Params.Seed = Int(0) },
		"max tokens":      func(r *Request) { r.Params.MaxTokens = 10 },
		"model":           func(r *Request) { r.Model = "m2" },
		"message role":    func(r *Request) { r.Messages[0].Role = "user" },
		"message content": func(r *Request) { r.Messages[1].Content = "q " },
		"json schema":     func(r *Request) { r.Params.JSONSchema = &JSONSchema{Name: "v", Schema: json.RawMessage(`{}`)} },
	}
	k0, _, err := cacheKey("ns", base.Model, base)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{k0: "base"}
	for name, mut := range variants {
		r := base
		r.Messages = append([]Message(nil), base.Messages...)
		mut(&r)
		k, _, err := cacheKey("ns", r.Model, r)
		if err != nil {
			t.Fatal(err)
		}
		if prev, dup := seen[k]; dup {
			t.Errorf("%s collides with %s", name, prev)
		}
		seen[k] = name
	}
	if k, _, _ := cacheKey("other-ns", base.Model, base); k == k0 {
		t.Error("namespace not in key")
	}
}

func TestCacheKeyCanonicalAndStable(t *testing.T) {
	a := userReq("q")
	a.Params.JSONSchema = &JSONSchema{Name: "v", Schema: json.RawMessage(`{"b": 1, "a": [1.50, {"y":2,"x":1}]}`)}
	b := userReq("q")
	b.Params.JSONSchema = &JSONSchema{Name: "v", Schema: json.RawMessage(`{"a":[1.50,{"x":1,"y":2}],"b":1}`)}
	ka, _, _ := cacheKey("ns", "m", a)
	kb, _, _ := cacheKey("ns", "m", b)
	if ka != kb {
		t.Error("schema key order/whitespace changes the cache key")
	}
	// Golden: changing the key derivation silently invalidates every
	// committed cache. Bump cacheSchema and this value together.
	r := userReq("golden")
	r.Params = Params{Temperature: Float64(0), Seed: Int(7), MaxTokens: 32}
	r.SampleIndex = 2
	k, doc, _ := cacheKey("https://api.openai.com/v1", "gpt-x", r)
	const golden = "10797db2ef4a80cbe7f282728304c84770d6d46d62a78971da4210d5f0e47609"
	if k != golden {
		t.Errorf("cache key derivation changed: %s (doc %s)", k, doc)
	}
}

func TestCacheConcurrentSameKeys(t *testing.T) {
	srv := newFake(t, fakeapi.Config{})
	dir := t.TempDir()
	c := cachedClient(t, srv.URL(), dir, ReadWrite, fastOpts())
	var wg sync.WaitGroup
	contents := make([]string, 60)
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.Complete(context.Background(), userReq(fmt.Sprint("k", i%5)))
			if err != nil {
				t.Error(err)
				return
			}
			contents[i] = r.Content
		}()
	}
	wg.Wait()
	for i := range 60 {
		if contents[i] != contents[i%5] {
			t.Fatalf("same request, different content: %q vs %q", contents[i], contents[i%5])
		}
	}
	n := 0
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return err
	})
	if n != 5 {
		t.Fatalf("%d files in cache, want 5 (one per key, no temp leftovers)", n)
	}
}

func TestCacheCorruptEntry(t *testing.T) {
	srv := newFake(t, fakeapi.Config{})
	dir := t.TempDir()
	c := cachedClient(t, srv.URL(), dir, ReadWrite, fastOpts())
	r1, err := c.Complete(context.Background(), userReq("x"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, r1.CacheKey[:2], r1.CacheKey+".json")
	if err := os.WriteFile(p, []byte(`{"schema":1,"key":"trunc`), 0o644); err != nil {
		t.Fatal(err)
	}
	rc := cachedClient(t, srv.URL(), dir, Replay, fastOpts())
	if _, err := rc.Complete(context.Background(), userReq("x")); !errors.Is(err, ErrCacheMiss) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("replay of corrupt entry: %v", err)
	}
	r2, err := c.Complete(context.Background(), userReq("x"))
	if err != nil || r2.Cached {
		t.Fatalf("readwrite should refetch a corrupt entry: %+v %v", r2, err)
	}
	if r3, err := rc.Complete(context.Background(), userReq("x")); err != nil || !r3.Cached {
		t.Fatalf("entry not repaired: %v", err)
	}
}

func TestCacheOffAndErrorsNotCached(t *testing.T) {
	srv := newFake(t, fakeapi.Config{Rates: map[fakeapi.Fault]float64{fakeapi.FaultServerError: 1}})
	dir := t.TempDir()
	o := fastOpts()
	o.MaxAttempts = 2
	c := cachedClient(t, srv.URL(), dir, ReadWrite, o)
	if _, err := c.Complete(context.Background(), userReq("x")); err == nil {
		t.Fatal("want error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("a failure was cached: %v", entries)
	}
	ok := newFake(t, fakeapi.Config{})
	off := cachedClient(t, ok.URL(), t.TempDir(), Off, fastOpts())
	for range 2 {
		if r, err := off.Complete(context.Background(), userReq("x")); err != nil || r.Cached {
			t.Fatalf("off mode: %+v %v", r, err)
		}
	}
	if ok.Stats().Requests != 2 {
		t.Fatal("off mode served from cache")
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ReadWrite, "readwrite": ReadWrite, "REPLAY": Replay, "off": Off} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseMode("sometimes"); err == nil {
		t.Error("bad mode accepted")
	}
}
