package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Fault is a failure the fake server can inject into one request.
type Fault string

const (
	FaultNone        Fault = ""
	FaultRateLimit   Fault = "429"          // 429 + Retry-After / retry-after-ms
	FaultServerError Fault = "500"          // 500 with an OpenAI-style error body
	FaultUnavailable Fault = "503"          // 503 with an OpenAI-style error body
	FaultHang        Fault = "hang"         // never answers until the client gives up
	FaultTruncated   Fault = "truncated"    // 200, valid response cut in half, connection aborted
	FaultInvalidJSON Fault = "invalid_json" // 200, body is not JSON
)

// AllFaults lists every injectable fault, in the fixed order used when
// drawing faults by rate.
var AllFaults = []Fault{FaultRateLimit, FaultServerError, FaultUnavailable, FaultHang, FaultTruncated, FaultInvalidJSON}

// Responder scripts the assistant's content for a request.
type Responder func(req openai.ChatCompletionRequest) (content string)

// Config configures a Server. The zero value is a fast, fault-free server.
type Config struct {
	// Latency is added before every answer (including error answers).
	Latency time.Duration
	// LatencyJitter adds a deterministic extra in [0, LatencyJitter).
	LatencyJitter time.Duration
	// Seed makes fault draws, jitter and default answers deterministic.
	Seed int64
	// Rates is the probability of each fault per request (sum <= 1).
	Rates map[Fault]float64
	// Schedule forces the fault of the i-th request to arrive (0-based);
	// requests beyond the schedule fall back to Rates.
	Schedule []Fault
	// FaultFunc, if set, decides the fault for every request instead of
	// Schedule and Rates. ordinal is the 0-based arrival index.
	FaultFunc func(ordinal int64, req openai.ChatCompletionRequest) Fault
	// RetryAfter is advertised on 429s: "Retry-After" in whole seconds
	// (rounded up) and "retry-after-ms" in milliseconds.
	RetryAfter time.Duration
	// Responder produces the assistant content; nil uses a deterministic echo.
	Responder Responder
	// KeepLast is how many recent requests keep their raw body and headers:
	// 0 means 32, negative means none. Counters are kept regardless.
	KeepLast int
	// SystemFingerprint is returned on every success; default "fp_fake".
	SystemFingerprint string
	// Model, if set, is returned instead of echoing the request's model.
	Model string
	// RequireAPIKey, if set, makes requests without "Authorization: Bearer
	// <key>" or "api-key: <key>" fail with 401.
	RequireAPIKey string
	// EchoAuthInErrors simulates a hostile/buggy server that quotes the
	// credentials it received in error messages (for redaction tests).
	EchoAuthInErrors bool
	// MaxHang bounds a hang so a leaked client cannot wedge Close; default 30s.
	MaxHang time.Duration
}

// Recorded is one request as received on the wire.
type Recorded struct {
	Ordinal int64
	Method  string
	Path    string
	Query   string
	Header  http.Header
	Body    []byte // raw wire JSON exactly as received
	Fault   Fault
	Status  int
}

// Field returns the raw JSON of a top-level field of the body, and whether
// it was present on the wire at all (omitempty drops show up as absent).
func (r Recorded) Field(name string) (json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &m); err != nil {
		return nil, false
	}
	v, ok := m[name]
	return v, ok
}

// Stats are the server's counters since start (or the last Reset).
type Stats struct {
	Requests  int64           // every request that reached the handler
	Succeeded int64           // 200 with a complete, valid body
	ByFault   map[Fault]int64 // injected faults, by kind
	ByStatus  map[int]int64   // HTTP status written (hangs count as 0)
	Rejected  int64           // 400/401/404/405 from bad requests
}

// Server is a running fake. Use URL as the client's base URL.
type Server struct {
	cfg  Config
	ts   *httptest.Server
	done chan struct{}
	once sync.Once

	ordinal   atomic.Int64
	succeeded atomic.Int64
	rejected  atomic.Int64

	mu       sync.Mutex
	byFault  map[Fault]int64
	byStatus map[int]int64
	ring     []Recorded
	ringNext int
	ringFull bool
}

// New starts a fake server. Close it when done.
func New(cfg Config) *Server {
	s := NewUnstarted(cfg)
	s.ts = httptest.NewServer(s)
	return s
}

// NewUnstarted returns a Server usable as an http.Handler (e.g. wrapped in
// a test's own middleware and httptest server). URL and Close only work on
// servers made by New.
func NewUnstarted(cfg Config) *Server {
	if cfg.KeepLast == 0 {
		cfg.KeepLast = 32
	}
	if cfg.SystemFingerprint == "" {
		cfg.SystemFingerprint = "fp_fake"
	}
	if cfg.MaxHang <= 0 {
		cfg.MaxHang = 30 * time.Second
	}
	s := &Server{
		cfg:      cfg,
		done:     make(chan struct{}),
		byFault:  map[Fault]int64{},
		byStatus: map[int]int64{},
	}
	if cfg.KeepLast > 0 {
		s.ring = make([]Recorded, cfg.KeepLast)
	}
	return s
}

// URL is the OpenAI-style base URL, ending in /v1.
func (s *Server) URL() string { return s.ts.URL + "/v1" }

// RootURL is the server root without /v1 (for Azure-style paths).
func (s *Server) RootURL() string { return s.ts.URL }

// Close releases hanging handlers and shuts the server down.
func (s *Server) Close() {
	s.once.Do(func() { close(s.done) })
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{
		Requests:  s.ordinal.Load(),
		Succeeded: s.succeeded.Load(),
		Rejected:  s.rejected.Load(),
		ByFault:   make(map[Fault]int64, len(s.byFault)),
		ByStatus:  make(map[int]int64, len(s.byStatus)),
	}
	for k, v := range s.byFault {
		st.ByFault[k] = v
	}
	for k, v := range s.byStatus {
		st.ByStatus[k] = v
	}
	return st
}

// Requests returns the last KeepLast recorded requests, oldest first.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Recorded
	if s.ringFull {
		out = append(out, s.ring[s.ringNext:]...)
	}
	out = append(out, s.ring[:s.ringNext]...)
	return slices.Clone(out)
}

// LastRequest returns the most recently completed recorded request.
func (s *Server) LastRequest() (Recorded, bool) {
	rs := s.Requests()
	if len(rs) == 0 {
		return Recorded{}, false
	}
	return rs[len(rs)-1], true
}

// Reset clears counters and recorded requests (the fault sequence restarts).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ordinal.Store(0)
	s.succeeded.Store(0)
	s.rejected.Store(0)
	s.byFault = map[Fault]int64{}
	s.byStatus = map[int]int64{}
	if s.ring != nil {
		clear(s.ring)
	}
	s.ringNext, s.ringFull = 0, false
}

func (s *Server) record(rec Recorded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec.Fault != FaultNone {
		s.byFault[rec.Fault]++
	}
	s.byStatus[rec.Status]++
	if s.ring == nil {
		return
	}
	s.ring[s.ringNext] = rec
	s.ringNext++
	if s.ringNext == len(s.ring) {
		s.ringNext, s.ringFull = 0, true
	}
}

// splitmix64 gives a well-mixed, stateless pseudo-random value per input.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit returns a deterministic float in [0,1) for (seed, ordinal, stream).
func (s *Server) unit(ord int64, stream uint64) float64 {
	v := splitmix64(uint64(s.cfg.Seed) ^ splitmix64(uint64(ord)*0x100+stream))
	return float64(v>>11) / float64(1<<53)
}

func (s *Server) pickFault(ord int64, req openai.ChatCompletionRequest) Fault {
	if s.cfg.FaultFunc != nil {
		return s.cfg.FaultFunc(ord, req)
	}
	if ord < int64(len(s.cfg.Schedule)) {
		return s.cfg.Schedule[ord]
	}
	if len(s.cfg.Rates) == 0 {
		return FaultNone
	}
	u := s.unit(ord, 1)
	acc := 0.0
	for _, f := range AllFaults {
		acc += s.cfg.Rates[f]
		if u < acc {
			return f
		}
	}
	return FaultNone
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ord := s.ordinal.Add(1) - 1
	rec := Recorded{Ordinal: ord, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	keep := s.ring != nil
	if keep {
		rec.Header = r.Header.Clone()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if keep {
		rec.Body = body
	}
	defer func() { s.record(rec) }()

	if err != nil {
		rec.Status = s.reject(w, http.StatusBadRequest, "cannot read body")
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		rec.Status = s.reject(w, http.StatusNotFound, "unknown path "+r.URL.Path)
		return
	}
	if r.Method != http.MethodPost {
		rec.Status = s.reject(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if key := s.cfg.RequireAPIKey; key != "" {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if got != key && r.Header.Get("api-key") != key {
			msg := "Incorrect API key provided."
			if s.cfg.EchoAuthInErrors {
				msg = fmt.Sprintf("Incorrect API key provided: Authorization=%q api-key=%q", r.Header.Get("Authorization"), r.Header.Get("api-key"))
			}
			rec.Status = s.reject(w, http.StatusUnauthorized, msg)
			return
		}
	}
	var req openai.ChatCompletionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		rec.Status = s.reject(w, http.StatusBadRequest, "invalid request JSON: "+err.Error())
		return
	}

	if d := s.cfg.Latency + time.Duration(s.unit(ord, 2)*float64(s.cfg.LatencyJitter)); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			rec.Status = 0
			return
		case <-s.done:
			t.Stop()
			return
		}
	}

	fault := s.pickFault(ord, req)
	rec.Fault = fault
	authEcho := ""
	if s.cfg.EchoAuthInErrors {
		authEcho = fmt.Sprintf(" (request had Authorization=%q api-key=%q)", r.Header.Get("Authorization"), r.Header.Get("api-key"))
	}
	switch fault {
	case FaultRateLimit:
		ra := s.cfg.RetryAfter
		w.Header().Set("Retry-After", strconv.FormatInt(int64(math.Ceil(ra.Seconds())), 10))
		w.Header().Set("retry-after-ms", strconv.FormatInt(ra.Milliseconds(), 10))
		rec.Status = writeError(w, http.StatusTooManyRequests, "Rate limit reached for requests"+authEcho, "requests", "rate_limit_exceeded")
		return
	case FaultServerError:
		rec.Status = writeError(w, http.StatusInternalServerError, "The server had an error while processing your request."+authEcho, "server_error", "")
		return
	case FaultUnavailable:
		rec.Status = writeError(w, http.StatusServiceUnavailable, "The engine is currently overloaded, please try again later"+authEcho, "server_error", "")
		return
	case FaultHang:
		t := time.NewTimer(s.cfg.MaxHang)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-s.done:
		case <-t.C:
		}
		rec.Status = 0
		return
	case FaultInvalidJSON:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<html><body>upstream proxy said: not json</body></html>")
		rec.Status = http.StatusOK
		return
	}

	full, err := s.success(ord, req)
	if err != nil {
		rec.Status = writeError(w, http.StatusInternalServerError, "fake encode: "+err.Error(), "server_error", "")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if fault == FaultTruncated {
		// Send half the body, then abort the connection mid-body so the
		// client sees an unexpected EOF (as a dropped proxy would cause).
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(full[:len(full)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		rec.Status = http.StatusOK
		panic(http.ErrAbortHandler) // the deferred record still runs

	}
	w.Header().Set("Content-Length", strconv.Itoa(len(full)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(full)
	rec.Status = http.StatusOK
	s.succeeded.Add(1)
}

func (s *Server) reject(w http.ResponseWriter, status int, msg string) int {
	s.rejected.Add(1)
	return writeError(w, status, msg, "invalid_request_error", "")
}

func writeError(w http.ResponseWriter, status int, msg, typ, code string) int {
	e := map[string]any{"message": msg, "type": typ}
	if code != "" {
		e["code"] = code
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

func (s *Server) success(ord int64, req openai.ChatCompletionRequest) ([]byte, error) {
	content := ""
	if s.cfg.Responder != nil {
		content = s.cfg.Responder(req)
	} else {
		content = DefaultAnswer(s.cfg.Seed, req)
	}
	model := req.Model
	if s.cfg.Model != "" {
		model = s.cfg.Model
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += countTokens(m.Content) + 4
	}
	completion := countTokens(content)
	resp := openai.ChatCompletionResponse{
		ID:      fmt.Sprintf("chatcmpl-fake-%d", ord),
		Object:  "chat.completion",
		Created: 1_700_000_000,
		Model:   model,
		Choices: []openai.ChatCompletionChoice{{
			Index:        0,
			Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: content},
			FinishReason: openai.FinishReasonStop,
		}},
		Usage: openai.Usage{
			PromptTokens:     prompt,
			CompletionTokens: completion,
			TotalTokens:      prompt + completion,
		},
		SystemFingerprint: s.cfg.SystemFingerprint,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DefaultAnswer is the fake's deterministic answer when no Responder is set:
// a function of the seed, the model and the messages only.
func DefaultAnswer(seed int64, req openai.ChatCompletionRequest) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s", seed, req.Model)
	last := ""
	for _, m := range req.Messages {
		fmt.Fprintf(h, "\x00%s\x00%s", m.Role, m.Content)
		if m.Role == openai.ChatMessageRoleUser {
			last = m.Content
		}
	}
	if r := []rune(last); len(r) > 60 {
		last = string(r[:60])
	}
	return fmt.Sprintf("fake answer %016x to: %s", h.Sum64(), last)
}

func countTokens(s string) int { return len(strings.Fields(s)) }
