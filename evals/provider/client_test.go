package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/soulc/soulc/evals/fakeapi"
)

// The go-openai pitfall: Temperature 0 must be on the wire as "temperature":0.
func TestParamsOnTheWire(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{"pass":{"type":"boolean"}},"required":["pass"]}`)
	tests := []struct {
		name     string
		ep       func(Endpoint) Endpoint
		params   Params
		present  map[string]string // field -> exact raw JSON
		absent   []string
		checkRaw func(t *testing.T, body string)
	}{
		{
			name:    "temperature 0 is sent explicitly",
			params:  Params{Temperature: Float64(0)},
			present: map[string]string{"temperature": "0"},
			checkRaw: func(t *testing.T, body string) {
				if !strings.Contains(body, `"temperature":0`) {
					t.Errorf(`wire body lacks "temperature":0: %s`, body)
				}
			},
		},
		{
			name:   "nil temperature is omitted (provider default)",
			params: Params{},
			absent: []string{"temperature", "seed", "max_tokens", "response_format"},
		},
		{
			name:    "non-zero temperature is exact, not float32-rounded",
			params:  Params{Temperature: Float64(0.7)},
			present: map[string]string{"temperature": "0.7"},
		},
		{
			name:    "seed 0 and max tokens are sent",
			params:  Params{Temperature: Float64(0), Seed: Int(0), MaxTokens: 256},
			present: map[string]string{"temperature": "0", "seed": "0", "max_tokens": "256"},
		},
		{
			name:    "max_completion_tokens for reasoning endpoints",
			ep:      func(e Endpoint) Endpoint { e.UseMaxCompletionTokens = true; return e },
			params:  Params{MaxTokens: 64},
			present: map[string]string{"max_completion_tokens": "64"},
			absent:  []string{"max_tokens"},
		},
		{
			name:   "json schema becomes response_format",
			params: Params{Temperature: Float64(0), JSONSchema: &JSONSchema{Name: "verdict", Schema: schema, Strict: true}},
			checkRaw: func(t *testing.T, body string) {
				var m struct {
					RF struct {
						Type string `json:"type"`
						JS   struct {
							Name   string          `json:"name"`
							Strict bool            `json:"strict"`
							Schema json.RawMessage `json:"schema"`
						} `json:"json_schema"`
					} `json:"response_format"`
				}
				if err := json.Unmarshal([]byte(body), &m); err != nil {
					t.Fatal(err)
				}
				if m.RF.Type != "json_schema" || m.RF.JS.Name != "verdict" || !m.RF.JS.Strict || !strings.Contains(string(m.RF.JS.Schema), `"required":["pass"]`) {
					t.Errorf("response_format wrong: %+v", m.RF)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, fakeapi.Config{})
			ep := testEndpoint(srv.URL())
			if tc.ep != nil {
				ep = tc.ep(ep)
			}
			c := mustClient(t, ep, fastOpts())
			req := userReq("hello")
			req.Params = tc.params
			resp, err := c.Complete(context.Background(), req)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if resp.Params.Temperature != tc.params.Temperature {
				t.Errorf("params not recorded in response")
			}
			rec, ok := srv.LastRequest()
			if !ok {
				t.Fatal("no request recorded")
			}
			for f, want := range tc.present {
				got, ok := rec.Field(f)
				if !ok {
					t.Errorf("field %q missing on the wire: %s", f, rec.Body)
					continue
				}
				if string(got) != want {
					t.Errorf("field %q = %s, want %s", f, got, want)
				}
			}
			for _, f := range tc.absent {
				if _, ok := rec.Field(f); ok {
					t.Errorf("field %q present, want absent: %s", f, rec.Body)
				}
			}
			if tc.checkRaw != nil {
				tc.checkRaw(t, string(rec.Body))
			}
			if got := rec.Header.Get("Authorization"); got != "Bearer "+testKey {
				t.Errorf("Authorization header = %q", got)
			}
		})
	}
}

func TestResponseRecordsModelFingerprintUsage(t *testing.T) {
	srv := newFake(t, fakeapi.Config{
		Model:             "served-model-2026-01-01",
		SystemFingerprint: "fp_abc123",
		Responder:         func(openai.ChatCompletionRequest) string { return `{"pass": true}` },
	})
	c := mustClient(t, testEndpoint(srv.URL()), fastOpts())
	req := userReq("one two three")
	req.Params = Params{Temperature: Float64(0), Seed: Int(42), MaxTokens: 100}
	resp, err := c.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != `{"pass": true}` || resp.Model != "served-model-2026-01-01" || resp.SystemFingerprint != "fp_abc123" {
		t.Errorf("resp = %+v", resp)
	}
	if resp.RequestModel != "fake-model" || resp.Endpoint != "fake" {
		t.Errorf("request model/endpoint not recorded: %+v", resp)
	}
	if resp.PromptTokens <= 0 || resp.CompletionTokens != 2 || resp.FinishReason != "stop" {
		t.Errorf("usage/finish not recorded: %+v", resp)
	}
	if len(resp.Attempts) != 1 || resp.Attempts[0].Kind != KindOK || resp.Attempts[0].Status != 200 {
		t.Errorf("attempts = %+v", resp.Attempts)
	}
	if *resp.Params.Seed != 42 || *resp.Params.Temperature != 0 || resp.Params.MaxTokens != 100 {
		t.Errorf("params not recorded: %+v", resp.Params)
	}
}

// Each transient fault is retried and classified; permanent ones are not.
func TestRetryClassification(t *testing.T) {
	tests := []struct {
		name      string
		schedule  []fakeapi.Fault
		wantKinds []string
		wantErr   bool
	}{
		{"429 then ok", []fakeapi.Fault{fakeapi.FaultRateLimit}, []string{KindRateLimited, KindOK}, false},
		{"500 then ok", []fakeapi.Fault{fakeapi.FaultServerError}, []string{KindServerError, KindOK}, false},
		{"503 then ok", []fakeapi.Fault{fakeapi.FaultUnavailable}, []string{KindServerError, KindOK}, false},
		{"hang then ok", []fakeapi.Fault{fakeapi.FaultHang}, []string{KindTimeout, KindOK}, false},
		{"truncated then ok", []fakeapi.Fault{fakeapi.FaultTruncated}, []string{KindBadBody, KindOK}, false},
		{"invalid json then ok", []fakeapi.Fault{fakeapi.FaultInvalidJSON}, []string{KindBadBody, KindOK}, false},
		{"everything then ok", []fakeapi.Fault{
			fakeapi.FaultRateLimit, fakeapi.FaultServerError, fakeapi.FaultHang, fakeapi.FaultTruncated, fakeapi.FaultInvalidJSON, fakeapi.FaultUnavailable,
		}, []string{KindRateLimited, KindServerError, KindTimeout, KindBadBody, KindBadBody, KindServerError, KindOK}, false},
		{"gives up after MaxAttempts", []fakeapi.Fault{
			fakeapi.FaultServerError, fakeapi.FaultServerError, fakeapi.FaultServerError, fakeapi.FaultServerError,
			fakeapi.FaultServerError, fakeapi.FaultServerError, fakeapi.FaultServerError, fakeapi.FaultServerError, fakeapi.FaultServerError,
		}, []string{KindServerError, KindServerError, KindServerError, KindServerError, KindServerError, KindServerError, KindServerError, KindServerError}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, fakeapi.Config{Schedule: tc.schedule, RetryAfter: 3 * time.Millisecond})
			opts := fastOpts()
			// Generous: the build machine may be heavily loaded, and a spurious
			// timeout would change the attempt sequence asserted below.
			opts.RequestTimeout = time.Second
			c := mustClient(t, testEndpoint(srv.URL()), opts)
			resp, err := c.Complete(context.Background(), userReq("hi"))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			var kinds []string
			for _, a := range resp.Attempts {
				kinds = append(kinds, a.Kind)
			}
			if strings.Join(kinds, ",") != strings.Join(tc.wantKinds, ",") {
				t.Fatalf("attempt kinds = %v, want %v", kinds, tc.wantKinds)
			}
			if got := srv.Stats().Requests; got != int64(len(tc.wantKinds)) {
				t.Errorf("server saw %d requests, client recorded %d attempts", got, len(tc.wantKinds))
			}
			for i, a := range resp.Attempts[:len(resp.Attempts)-1] {
				if a.Err == "" {
					t.Errorf("attempt %d (%s) has no error text", i, a.Kind)
				}
			}
			if tc.wantErr {
				var pe *Error
				if !errors.As(err, &pe) || pe.Kind != KindServerError || pe.Status != 500 || !pe.Retryable() || pe.Attempts != 8 {
					t.Errorf("error = %#v", err)
				}
			} else if resp.Content == "" {
				t.Error("no content after retries")
			}
		})
	}
}

func TestNonRetryableClientErrors(t *testing.T) {
	srv := newFake(t, fakeapi.Config{RequireAPIKey: "some-other-key"})
	c := mustClient(t, testEndpoint(srv.URL()), fastOpts())
	resp, err := c.Complete(context.Background(), userReq("hi"))
	var pe *Error
	if !errors.As(err, &pe) || pe.Kind != KindClientError || pe.Status != 401 || pe.Retryable() {
		t.Fatalf("err = %#v", err)
	}
	if len(resp.Attempts) != 1 || srv.Stats().Requests != 1 {
		t.Fatalf("401 was retried: %d attempts", len(resp.Attempts))
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter time.Duration
		maxRA      time.Duration
		wantWait   time.Duration
	}{
		{"2s from server", 2 * time.Second, 0, 2 * time.Second},
		{"capped by MaxRetryAfter", 10 * time.Minute, 5 * time.Second, 5 * time.Second},
		{"sub-second via retry-after-ms", 250 * time.Millisecond, 0, 250 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, fakeapi.Config{Schedule: []fakeapi.Fault{fakeapi.FaultRateLimit}, RetryAfter: tc.retryAfter})
			rs := &recordingSleep{}
			opts := fastOpts()
			opts.Sleep = rs.sleep
			opts.MaxRetryAfter = tc.maxRA
			c := mustClient(t, testEndpoint(srv.URL()), opts)
			resp, err := c.Complete(context.Background(), userReq("hi"))
			if err != nil {
				t.Fatal(err)
			}
			if len(rs.waits) != 1 || rs.waits[0] != tc.wantWait {
				t.Fatalf("waits = %v, want [%v]", rs.waits, tc.wantWait)
			}
			a := resp.Attempts[0]
			if a.Status != 429 || a.RetryAfter != tc.retryAfter || a.Wait != tc.wantWait {
				t.Fatalf("attempt = %+v", a)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{"fractional seconds", map[string]string{"Retry-After": "1.5"}, 1500 * time.Millisecond, true},
		{"ms wins", map[string]string{"Retry-After": "3", "retry-after-ms": "20"}, 20 * time.Millisecond, true},
		{"http date", map[string]string{"Retry-After": now.Add(7 * time.Second).Format(http.TimeFormat)}, 7 * time.Second, true},
		{"past date is zero", map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0, true},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0, false},
		{"absent", nil, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			got, ok := parseRetryAfter(h, now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("got %v,%v want %v,%v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestBackoffIsExponentialFullJitter(t *testing.T) {
	c := mustClient(t, testEndpoint("http://127.0.0.1:1/v1"), Options{
		BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second,
		Getenv: envWith(map[string]string{"SOULC_TEST_KEY": testKey}),
		Jitter: func() float64 { return 0.999999 },
	})
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		got := c.backoff(i + 1)
		if d := w*time.Millisecond - got; d < 0 || d > time.Millisecond {
			t.Errorf("backoff(%d) = %v, want just under %v", i+1, got, w*time.Millisecond)
		}
	}
	c.opts.Jitter = func() float64 { return 0 }
	if c.backoff(5) != 0 {
		t.Error("full jitter must reach zero")
	}
}

func TestCancelStopsRetries(t *testing.T) {
	srv := newFake(t, fakeapi.Config{Rates: map[fakeapi.Fault]float64{fakeapi.FaultServerError: 1}})
	opts := fastOpts()
	opts.BackoffBase, opts.BackoffMax = time.Hour, time.Hour // would wait forever
	opts.Jitter = func() float64 { return 0.5 }
	c := mustClient(t, testEndpoint(srv.URL()), opts)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	resp, err := c.Complete(ctx, userReq("hi"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("did not stop promptly on ctx.Done()")
	}
	if len(resp.Attempts) != 1 || resp.Attempts[0].Wait != 30*time.Minute {
		t.Fatalf("attempts = %+v", resp.Attempts)
	}
}

func TestCancelDuringHang(t *testing.T) {
	srv := newFake(t, fakeapi.Config{Rates: map[fakeapi.Fault]float64{fakeapi.FaultHang: 1}})
	opts := fastOpts()
	opts.RequestTimeout = time.Hour
	c := mustClient(t, testEndpoint(srv.URL()), opts)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	resp, err := c.Complete(ctx, userReq("hi"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if len(resp.Attempts) != 1 || resp.Attempts[0].Kind != KindCanceled {
		t.Fatalf("attempts = %+v", resp.Attempts)
	}
}

// The headline fault-injection run: 200 requests, 10% 500, 10% 429, 2% hangs,
// 2% truncated bodies, bounded concurrency, short timeout, fast backoff.
func TestFaultInjection200(t *testing.T) {
	srv := newFake(t, fakeapi.Config{
		Seed: 7,
		Rates: map[fakeapi.Fault]float64{
			fakeapi.FaultServerError: 0.10,
			fakeapi.FaultRateLimit:   0.10,
			fakeapi.FaultHang:        0.02,
			fakeapi.FaultTruncated:   0.02,
		},
		RetryAfter: 5 * time.Millisecond,
		KeepLast:   8,
	})
	opts := fastOpts()
	opts.RequestTimeout = 2 * time.Second
	opts.MaxAttempts = 10
	opts.Concurrency = 16
	c := mustClient(t, testEndpoint(srv.URL()), opts)

	const N = 200
	resps := make([]Response, N)
	errs := make([]error, N)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range N {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := userReq(fmt.Sprintf("case %d", i))
			req.Params.Temperature = Float64(0)
			resps[i], errs[i] = c.Complete(context.Background(), req)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	kinds := map[string]int{}
	total := 0
	for i := range N {
		if errs[i] != nil {
			t.Fatalf("request %d failed: %v (attempts %+v)", i, errs[i], resps[i].Attempts)
		}
		r := resps[i]
		if want := fmt.Sprintf("case %d", i); !strings.HasSuffix(r.Content, want) {
			t.Fatalf("request %d got someone else's answer: %q", i, r.Content)
		}
		oks := 0
		for j, a := range r.Attempts {
			kinds[a.Kind]++
			if a.Kind == KindOK {
				oks++
				if j != len(r.Attempts)-1 {
					t.Fatalf("request %d: ok attempt is not the last", i)
				}
			}
		}
		if oks != 1 {
			t.Fatalf("request %d: %d ok attempts, want exactly 1", i, oks)
		}
		total += len(r.Attempts)
	}
	st := srv.Stats()
	// Under machine load (race detector, other packages' tests) an attempt
	// can time out that the server did not hang: before reaching the
	// handler, or before its answer was read. Those are real timeouts and
	// are recorded as such; the bookkeeping below allows for exactly them.
	hangs := st.ByFault[fakeapi.FaultHang]
	spurious := int64(kinds[KindTimeout]) - hangs
	if spurious < 0 {
		t.Errorf("client saw %d timeouts but the server hung %d requests", kinds[KindTimeout], hangs)
	}
	if spurious > int64(total)/10 {
		t.Errorf("%d unexplained timeouts out of %d attempts", spurious, total)
	}
	if int64(total) < st.Requests || int64(total)-st.Requests > spurious {
		t.Errorf("client recorded %d attempts, server saw %d requests (spurious timeouts %d)", total, st.Requests, spurious)
	}
	if kinds[KindOK] != N || st.Succeeded < N || st.Succeeded-N > spurious {
		t.Errorf("ok attempts %d, server successes %d, want %d", kinds[KindOK], st.Succeeded, N)
	}
	checks := []struct {
		kind  string
		fault int64
	}{
		{KindServerError, st.ByFault[fakeapi.FaultServerError]},
		{KindRateLimited, st.ByFault[fakeapi.FaultRateLimit]},
		{KindTimeout, hangs},
		{KindBadBody, st.ByFault[fakeapi.FaultTruncated]},
	}
	for _, ck := range checks {
		got := int64(kinds[ck.kind])
		if ck.kind == KindTimeout {
			got -= spurious
		}
		if got > ck.fault || got < ck.fault-spurious {
			t.Errorf("client %s attempts = %d, server injected %d (spurious timeouts %d)", ck.kind, kinds[ck.kind], ck.fault, spurious)
		}
		if ck.fault == 0 {
			t.Errorf("no %s faults were injected; test is not exercising them", ck.kind)
		}
	}
	t.Logf("200 requests, %d attempts in %v: %v; server faults %v; spurious timeouts %d", total, elapsed, kinds, st.ByFault, spurious)
}

func TestConcurrencyIsBounded(t *testing.T) {
	fake := fakeapi.NewUnstarted(fakeapi.Config{Latency: 20 * time.Millisecond})
	var inflight, peak atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		defer inflight.Add(-1)
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { fake.Close(); ts.Close() })
	opts := fastOpts()
	opts.Concurrency = 3
	c := mustClient(t, testEndpoint(ts.URL+"/v1"), opts)
	var wg sync.WaitGroup
	for i := range 15 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Complete(context.Background(), userReq(fmt.Sprint(i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > 3 || p < 2 {
		t.Fatalf("peak in-flight = %d, want <= 3 (and some parallelism)", p)
	}
}

func TestRequestsPerMinuteLimit(t *testing.T) {
	srv := newFake(t, fakeapi.Config{})
	opts := fastOpts()
	opts.RequestsPerMinute = 1200 // one per 50ms
	c := mustClient(t, testEndpoint(srv.URL()), opts)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Complete(context.Background(), userReq(fmt.Sprint(i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Burst 1: first immediately, then 4 × 50ms.
	if el := time.Since(start); el < 190*time.Millisecond {
		t.Fatalf("5 requests at 1200 rpm took %v, want >= 200ms", el)
	}
}

func TestAzureWire(t *testing.T) {
	srv := newFake(t, fakeapi.Config{})
	ep, err := ResolveEndpoint("azure", "", "my-deployment", envWith(map[string]string{
		"AZURE_OPENAI_ENDPOINT": srv.RootURL(),
	}))
	if err != nil {
		t.Fatal(err)
	}
	ep.AzureAPIVersion = "2024-10-21"
	opts := fastOpts()
	opts.Getenv = envWith(map[string]string{"AZURE_OPENAI_API_KEY": testKey})
	c := mustClient(t, ep, opts)
	req := userReq("hi")
	req.Params.Temperature = Float64(0)
	if _, err := c.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	rec, _ := srv.LastRequest()
	if rec.Path != "/openai/deployments/my-deployment/chat/completions" || rec.Query != "api-version=2024-10-21" {
		t.Errorf("path %q query %q", rec.Path, rec.Query)
	}
	if rec.Header.Get("api-key") != testKey || rec.Header.Get("Authorization") != "" {
		t.Errorf("azure auth headers wrong: api-key set=%v Authorization=%q", rec.Header.Get("api-key") != "", rec.Header.Get("Authorization"))
	}
	if v, ok := rec.Field("temperature"); !ok || string(v) != "0" {
		t.Errorf("temperature not on the Azure wire: %s", rec.Body)
	}
}

func TestAPIKeyFile(t *testing.T) {
	srv := newFake(t, fakeapi.Config{RequireAPIKey: testKey})
	ep := testEndpoint(srv.URL())
	ep.APIKeyFile = "/secrets/key"
	opts := fastOpts()
	opts.Getenv = envWith(nil)
	opts.ReadFile = func(p string) ([]byte, error) {
		if p != "/secrets/key" {
			return nil, errors.New("unexpected path")
		}
		return []byte("  " + testKey + "\n"), nil
	}
	c := mustClient(t, ep, opts)
	if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
}

func TestMissingKey(t *testing.T) {
	ep, err := ResolveEndpoint("openrouter", "", "m", envWith(nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewClient(ep, Options{Getenv: envWith(nil)})
	if err == nil || !strings.Contains(err.Error(), "OPENROUTER_API_KEY") {
		t.Fatalf("err = %v, want it to name OPENROUTER_API_KEY", err)
	}
	// Local presets need no key.
	ep, _ = ResolveEndpoint("ollama", "", "llama3", envWith(nil))
	if _, err := NewClient(ep, Options{Getenv: envWith(nil)}); err != nil {
		t.Fatalf("ollama without key: %v", err)
	}
}

func TestRequestValidation(t *testing.T) {
	srv := newFake(t, fakeapi.Config{})
	ep := testEndpoint(srv.URL())
	ep.Model = ""
	c := mustClient(t, ep, fastOpts())
	if _, err := c.Complete(context.Background(), userReq("x")); err == nil {
		t.Error("no model accepted")
	}
	if _, err := c.Complete(context.Background(), Request{Model: "m"}); err == nil {
		t.Error("no messages accepted")
	}
	r := userReq("x")
	r.Model = "m"
	r.Params.Temperature = Float64(-1)
	if _, err := c.Complete(context.Background(), r); err == nil {
		t.Error("negative temperature accepted")
	}
	if srv.Stats().Requests != 0 {
		t.Error("invalid requests reached the server")
	}
}

// A proxy's HTML 502 (not OpenAI JSON) and a 200 carrying an error object
// instead of choices are both transient; a 503 with Retry-After is honoured.
func TestProxyShapedFailures(t *testing.T) {
	var n atomic.Int64
	ok := fakeapi.NewUnstarted(fakeapi.Config{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><h1>502 Bad Gateway</h1></html>"))
		case 2:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"error":{"message":"upstream overloaded"}}`))
		case 3:
			w.Header().Set("Retry-After", "4")
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			ok.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	rs := &recordingSleep{}
	opts := fastOpts()
	opts.Sleep = rs.sleep
	c := mustClient(t, testEndpoint(ts.URL+"/v1"), opts)
	resp, err := c.Complete(context.Background(), userReq("hi"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range resp.Attempts {
		got = append(got, fmt.Sprintf("%s/%d", a.Kind, a.Status))
	}
	want := "server_error/502,bad_body/200,server_error/503,ok/200"
	if strings.Join(got, ",") != want {
		t.Fatalf("attempts %v, want %s", got, want)
	}
	if len(rs.waits) != 3 || rs.waits[2] != 4*time.Second {
		t.Fatalf("waits %v: 503 Retry-After not honoured", rs.waits)
	}
}
