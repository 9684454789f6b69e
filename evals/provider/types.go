package provider

import (
	"encoding/json"
	"time"
)

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// JSONSchema requests structured output (response_format json_schema).
type JSONSchema struct {
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema"`
	Strict bool            `json:"strict"`
}

// Params are the sampling parameters. They are sent, recorded in every
// Response, and part of the cache key.
type Params struct {
	// Temperature nil means "provider default" (nothing sent). A non-nil
	// value, including 0, is always sent exactly, e.g. "temperature":0.
	Temperature *float64 `json:"temperature,omitempty"`
	// MaxTokens 0 means no limit sent.
	MaxTokens int `json:"max_tokens,omitempty"`
	// Seed nil means none sent. With a fixed seed, repeated samples of the
	// same request may be identical: vary it per sample index if you want
	// independent draws (the cache already separates sample indices).
	Seed *int `json:"seed,omitempty"`
	// JSONSchema, if set, asks for strict structured output.
	JSONSchema *JSONSchema `json:"json_schema,omitempty"`
}

// Float64 and Int return pointers, for Params literals.
func Float64(v float64) *float64 { return &v }
func Int(v int) *int             { return &v }

// Request is one completion request.
type Request struct {
	// Model overrides the endpoint's default model.
	Model    string    `json:"model,omitempty"`
	Messages []Message `json:"messages"`
	Params   Params    `json:"params"`
	// SampleIndex distinguishes repeated samples of the same request in the
	// cache (repeat i of N), so repeats are independent draws and re-runs
	// replay each of them.
	SampleIndex int `json:"sample_index"`
}

// Attempt kinds.
const (
	KindOK          = "ok"
	KindRateLimited = "rate_limited" // 429
	KindServerError = "server_error" // 5xx, 408, 409
	KindTimeout     = "timeout"      // per-attempt timeout
	KindBadBody     = "bad_body"     // 200 with truncated/invalid JSON or no choices
	KindNetwork     = "network"      // connection errors
	KindClientError = "client_error" // other 4xx and local validation: not retried
	KindCanceled    = "canceled"     // the caller's context ended
)

// Attempt records one HTTP attempt.
type Attempt struct {
	// Status is the HTTP status, 0 if no response arrived.
	Status int `json:"status"`
	// Kind classifies the outcome (KindOK, KindRateLimited, ...).
	Kind string `json:"kind"`
	// Err is the redacted error text, "" on success.
	Err string `json:"err,omitempty"`
	// Latency is the time from sending to the end of the attempt.
	Latency time.Duration `json:"latency_ns"`
	// RetryAfter is what the server asked for on this attempt, if anything.
	RetryAfter time.Duration `json:"retry_after_ns,omitempty"`
	// Wait is how long the client waited after this attempt before the next.
	Wait time.Duration `json:"wait_ns,omitempty"`
}

// Response is the outcome of Complete. On error it still carries Attempts.
type Response struct {
	Content           string    `json:"content"`
	Model             string    `json:"model"`
	SystemFingerprint string    `json:"system_fingerprint,omitempty"`
	FinishReason      string    `json:"finish_reason,omitempty"`
	PromptTokens      int       `json:"prompt_tokens"`
	CompletionTokens  int       `json:"completion_tokens"`
	Attempts          []Attempt `json:"attempts,omitempty"`
	// Cached is true when the answer came from the cache (no attempts made).
	Cached   bool   `json:"cached"`
	CacheKey string `json:"cache_key,omitempty"`
	// CacheWriteErr is set when the response could not be stored (the
	// response itself is still good; a re-run will pay for it again).
	CacheWriteErr string `json:"cache_write_error,omitempty"`
	// Endpoint is the endpoint name; RequestModel the model asked for;
	// Params the parameters sent (recorded for reports).
	Endpoint     string `json:"endpoint"`
	RequestModel string `json:"request_model"`
	Params       Params `json:"params"`
}
