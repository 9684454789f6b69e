package provider

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Why a transport: go-openai v1.43.0 declares
//
//	Temperature float32 `json:"temperature,omitempty"`
//
// so Temperature: 0 never reaches the wire and the provider's default
// (usually 1.0) applies exactly where a judge must be deterministic
// (go-openai#9, #678; pointer PR #922 unmerged). The library has no
// extra-body hook for chat completions in this version (withExtraBody is
// unexported and only used for map bodies), so Complete attaches a wireCtl
// to each attempt's context and this RoundTripper rewrites the JSON body to
// set the fields in wireCtl.patch verbatim. It also observes the status and
// Retry-After headers, which go-openai's errors do not expose.

type wireCtlKey struct{}

type wireCtl struct {
	patch map[string]json.RawMessage

	mu         sync.Mutex
	status     int
	retryAfter time.Duration
	hasRA      bool
}

func (w *wireCtl) observe(resp *http.Response, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.status = resp.StatusCode
	w.retryAfter, w.hasRA = parseRetryAfter(resp.Header, now)
}

func (w *wireCtl) result() (status int, retryAfter time.Duration, hasRA bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status, w.retryAfter, w.hasRA
}

type wireTransport struct {
	base http.RoundTripper
}

func (t *wireTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctl, _ := req.Context().Value(wireCtlKey{}).(*wireCtl)
	if ctl != nil && len(ctl.patch) > 0 && req.Body != nil && req.Body != http.NoBody {
		patched, err := patchBody(req, ctl.patch)
		if err != nil {
			return nil, err
		}
		req = patched
	}
	resp, err := t.base.RoundTrip(req)
	if ctl != nil && resp != nil {
		ctl.observe(resp, time.Now())
	}
	return resp, err
}

// patchBody returns a clone of req whose JSON object body has the given
// top-level fields set. The original body is consumed and closed.
func patchBody(req *http.Request, patch map[string]json.RawMessage) (*http.Request, error) {
	raw, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	out := raw
	if json.Unmarshal(raw, &obj) == nil && obj != nil {
		for k, v := range patch {
			obj[k] = v
		}
		if b, err := json.Marshal(obj); err == nil {
			out = b
		}
	}
	r2 := req.Clone(req.Context())
	r2.Body = io.NopCloser(bytes.NewReader(out))
	r2.ContentLength = int64(len(out))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(out)), nil }
	return r2, nil
}

// parseRetryAfter reads retry-after-ms (OpenAI, milliseconds) first, then
// Retry-After (seconds, possibly fractional, or an HTTP date).
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
