package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

const body = `{"model":"m","messages":[{"role":"user","content":"hello there"}],"temperature":0}`

func post(t *testing.T, ctx context.Context, url, b string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(b))
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestPathsAndSuccessShape(t *testing.T) {
	s := New(Config{SystemFingerprint: "fp_1", Responder: func(r openai.ChatCompletionRequest) string {
		return `{"verdict":"pass","model":"` + r.Model + `"}`
	}})
	defer s.Close()
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"v1", http.MethodPost, "/v1/chat/completions", 200},
		{"no v1", http.MethodPost, "/chat/completions", 200},
		{"azure", http.MethodPost, "/openai/deployments/d/chat/completions", 200},
		{"unknown", http.MethodPost, "/v1/completions", 404},
		{"GET", http.MethodGet, "/v1/chat/completions", 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, s.RootURL()+tc.path, strings.NewReader(body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			var out openai.ChatCompletionResponse
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			if out.Model != "m" || out.SystemFingerprint != "fp_1" || len(out.Choices) != 1 ||
				out.Choices[0].Message.Content != `{"verdict":"pass","model":"m"}` ||
				out.Usage.PromptTokens == 0 || out.Usage.CompletionTokens == 0 ||
				out.Usage.TotalTokens != out.Usage.PromptTokens+out.Usage.CompletionTokens {
				t.Fatalf("response = %+v", out)
			}
		})
	}
	if st := s.Stats(); st.Requests != 5 || st.Succeeded != 3 || st.Rejected != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestFaultsOnTheWire(t *testing.T) {
	tests := []struct {
		fault Fault
		check func(t *testing.T, resp *http.Response, data []byte, err error)
	}{
		{FaultRateLimit, func(t *testing.T, resp *http.Response, data []byte, err error) {
			if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || resp.Header.Get("retry-after-ms") != "1500" {
				t.Fatalf("429: %v %v %v", err, resp.StatusCode, resp.Header)
			}
			if !bytes.Contains(data, []byte(`"rate_limit_exceeded"`)) {
				t.Fatalf("429 body: %s", data)
			}
		}},
		{FaultServerError, func(t *testing.T, resp *http.Response, data []byte, err error) {
			if err != nil || resp.StatusCode != 500 || !json.Valid(data) {
				t.Fatalf("500: %v %d %s", err, resp.StatusCode, data)
			}
		}},
		{FaultUnavailable, func(t *testing.T, resp *http.Response, data []byte, err error) {
			if err != nil || resp.StatusCode != 503 {
				t.Fatalf("503: %v %d", err, resp.StatusCode)
			}
		}},
		{FaultTruncated, func(t *testing.T, resp *http.Response, data []byte, err error) {
			if err == nil && json.Valid(data) {
				t.Fatalf("truncated body is complete: %s", data)
			}
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Logf("truncated read error: %v", err)
			}
		}},
		{FaultInvalidJSON, func(t *testing.T, resp *http.Response, data []byte, err error) {
			if err != nil || resp.StatusCode != 200 || json.Valid(data) {
				t.Fatalf("invalid json: %v %d %s", err, resp.StatusCode, data)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(string(tc.fault), func(t *testing.T) {
			s := New(Config{Schedule: []Fault{tc.fault}, RetryAfter: 1500 * time.Millisecond})
			defer s.Close()
			resp, data, err := post(t, context.Background(), s.URL()+"/chat/completions", body)
			tc.check(t, resp, data, err)
			if got := s.Stats().ByFault[tc.fault]; got != 1 {
				t.Fatalf("ByFault[%s] = %d", tc.fault, got)
			}
			// The schedule is used up: the next request succeeds.
			resp, _, err = post(t, context.Background(), s.URL()+"/chat/completions", body)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("after schedule: %v", err)
			}
		})
	}
}

func TestHangEndsWhenClientGivesUpOrServerCloses(t *testing.T) {
	s := New(Config{Rates: map[Fault]float64{FaultHang: 1}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := post(t, ctx, s.URL()+"/chat/completions", body)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	// A hang still outstanding must not wedge Close.
	go func() { _, _, _ = post(t, context.Background(), s.URL()+"/chat/completions", body) }()
	time.Sleep(50 * time.Millisecond)
	s.Close()
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("hang/close took %v", el)
	}
	if s.Stats().ByFault[FaultHang] < 1 {
		t.Fatal("hang not counted")
	}
}

func TestLatency(t *testing.T) {
	s := New(Config{Latency: 30 * time.Millisecond})
	defer s.Close()
	start := time.Now()
	if _, _, err := post(t, context.Background(), s.URL()+"/chat/completions", body); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 30*time.Millisecond {
		t.Fatalf("answered in %v, before the configured latency", el)
	}
}

func TestDeterministicFaultsAndRates(t *testing.T) {
	rates := map[Fault]float64{FaultRateLimit: 0.1, FaultServerError: 0.1, FaultHang: 0.02, FaultTruncated: 0.02}
	seq := func(seed int64) []Fault {
		s := NewUnstarted(Config{Seed: seed, Rates: rates, Schedule: []Fault{FaultInvalidJSON}})
		out := make([]Fault, 5000)
		for i := range out {
			out[i] = s.pickFault(int64(i), openai.ChatCompletionRequest{})
		}
		return out
	}
	a, b, c := seq(1), seq(1), seq(2)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed, different fault sequence")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Fatal("different seeds, same fault sequence")
	}
	if a[0] != FaultInvalidJSON {
		t.Fatal("schedule not applied first")
	}
	counts := map[Fault]int{}
	for _, f := range a[1:] {
		counts[f]++
	}
	for f, p := range rates {
		want := p * float64(len(a)-1)
		if got := float64(counts[f]); got < want*0.7 || got > want*1.3 {
			t.Errorf("%s: %v of %d, want about %v", f, got, len(a)-1, want)
		}
	}
}

func TestRecordingBoundedAndConcurrent(t *testing.T) {
	s := New(Config{KeepLast: 4})
	defer s.Close()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := fmt.Sprintf(`{"model":"m","messages":[{"role":"user","content":"n%d"}],"temperature":0}`, i)
			if _, _, err := post(t, context.Background(), s.URL()+"/chat/completions", b); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if st := s.Stats(); st.Requests != 50 || st.Succeeded != 50 || st.ByStatus[200] != 50 {
		t.Fatalf("stats = %+v", st)
	}
	recs := s.Requests()
	if len(recs) != 4 {
		t.Fatalf("kept %d bodies, want 4", len(recs))
	}
	for _, r := range recs {
		v, ok := r.Field("temperature")
		if !ok || string(v) != "0" || r.Header.Get("Authorization") != "Bearer k" {
			t.Fatalf("recorded request lacks raw wire data: %s", r.Body)
		}
		if _, ok := r.Field("max_tokens"); ok {
			t.Fatal("Field reports an absent field")
		}
	}
	s.Reset()
	if st := s.Stats(); st.Requests != 0 || len(s.Requests()) != 0 {
		t.Fatal("Reset did not clear")
	}
	none := New(Config{KeepLast: -1})
	defer none.Close()
	_, _, _ = post(t, context.Background(), none.URL()+"/chat/completions", body)
	if len(none.Requests()) != 0 || none.Stats().Requests != 1 {
		t.Fatal("KeepLast<0 should keep counters only")
	}
}

func TestRequireAPIKey(t *testing.T) {
	s := New(Config{RequireAPIKey: "right"})
	defer s.Close()
	resp, data, err := post(t, context.Background(), s.URL()+"/chat/completions", body)
	if err != nil || resp.StatusCode != 401 || bytes.Contains(data, []byte("Bearer k")) {
		t.Fatalf("want a 401 that does not echo the key: %v %s", err, data)
	}
	echo := New(Config{RequireAPIKey: "right", EchoAuthInErrors: true})
	defer echo.Close()
	_, data, _ = post(t, context.Background(), echo.URL()+"/chat/completions", body)
	if !bytes.Contains(data, []byte("Bearer k")) {
		t.Fatalf("EchoAuthInErrors should quote the header: %s", data)
	}
}

func TestDefaultAnswerDeterministic(t *testing.T) {
	r := openai.ChatCompletionRequest{Model: "m", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "q"}}}
	if DefaultAnswer(1, r) != DefaultAnswer(1, r) || DefaultAnswer(1, r) == DefaultAnswer(2, r) {
		t.Fatal("DefaultAnswer not a deterministic function of seed and request")
	}
}
