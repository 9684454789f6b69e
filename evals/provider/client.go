package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Options tune a Client. Zero values take the documented defaults.
type Options struct {
	// MaxAttempts is the total number of attempts per request (default 6).
	MaxAttempts int
	// RequestTimeout bounds each attempt, including reading the body
	// (default 120s). A hang becomes a KindTimeout attempt and is retried.
	RequestTimeout time.Duration
	// BackoffBase and BackoffMax shape exponential backoff with full jitter:
	// wait = U[0, min(BackoffMax, BackoffBase·2^(attempt-1))). Defaults 1s, 60s.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// MaxRetryAfter caps a server's Retry-After (default 120s).
	MaxRetryAfter time.Duration
	// Concurrency bounds in-flight attempts for this client (default 8).
	Concurrency int
	// RequestsPerMinute, if > 0, spaces attempts with a token bucket of
	// RPMBurst tokens (default burst 1). Every attempt, retries included,
	// takes a token.
	RequestsPerMinute float64
	RPMBurst          int
	// Cache, if non-nil and not Off, serves and stores responses.
	Cache *Cache
	// CacheNamespace replaces the endpoint part of the cache key (default:
	// scheme://host/path of the base URL).
	CacheNamespace string
	// HTTPTransport is the underlying transport (default: a clone of
	// http.DefaultTransport).
	HTTPTransport http.RoundTripper
	// Getenv and ReadFile are used to load the API key (defaults os.Getenv,
	// os.ReadFile).
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	// Sleep waits d or until ctx is done (default: a real timer). Tests
	// inject it to observe or skip waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a uniform float in [0,1) (default math/rand/v2).
	Jitter func() float64
}

// Client sends chat completions to one Endpoint with retries, limits and
// caching. Safe for concurrent use. The API key lives only in unexported
// fields and is redacted from everything the Client returns.
type Client struct {
	ep     Endpoint
	opts   Options
	oa     *openai.Client
	redact func(string) string // key + credential shapes: errors, attempts
	scrub  func(string) string // exact key only: response content
	sem    chan struct{}
	lim    *tokenBucket
	ns     string
}

// NewClient builds a Client for ep. The key is loaded now (from
// ep.APIKeyFile or ep.APIKeyEnv); a missing required key is an error unless
// the cache is in Replay mode.
func NewClient(ep Endpoint, opts Options) (*Client, error) {
	if err := ep.Validate(); err != nil {
		return nil, err
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 6
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 120 * time.Second
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = time.Second
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = 60 * time.Second
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = 120 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Jitter == nil {
		opts.Jitter = rand.Float64
	}
	if opts.HTTPTransport == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// The default of 2 idle connections per host makes a pool of N
		// concurrent requests churn TCP connections.
		tr.MaxIdleConnsPerHost = max(opts.Concurrency, 2)
		opts.HTTPTransport = tr
	}

	key, err := ep.loadKey(opts.Getenv, opts.ReadFile)
	if err != nil {
		return nil, err
	}
	if key == "" && ep.KeyRequired && opts.Cache.Mode() != Replay {
		return nil, fmt.Errorf("provider %s: no API key: set %s (or an API key file)", ep.Name, ep.keySourceName())
	}

	var cfg openai.ClientConfig
	if ep.Azure {
		cfg = openai.DefaultAzureConfig(key, ep.BaseURL)
		if ep.AzureAPIVersion != "" {
			cfg.APIVersion = ep.AzureAPIVersion
		}
	} else {
		cfg = openai.DefaultConfig(key)
		cfg.BaseURL = ep.BaseURL
	}
	cfg.HTTPClient = &http.Client{Transport: &wireTransport{base: opts.HTTPTransport}}

	c := &Client{
		ep:     ep,
		opts:   opts,
		oa:     openai.NewClientWithConfig(cfg),
		redact: newRedactor(key),
		scrub:  func(s string) string { return scrubKey(s, key) },
		sem:    make(chan struct{}, opts.Concurrency),
		ns:     opts.CacheNamespace,
	}
	if c.ns == "" {
		c.ns = cacheNamespace(ep)
	}
	if opts.RequestsPerMinute > 0 {
		c.lim = newTokenBucket(opts.RequestsPerMinute, opts.RPMBurst)
	}
	return c, nil
}

// Endpoint returns the endpoint (which never contains the key).
func (c *Client) Endpoint() Endpoint { return c.ep }

// String never includes the key.
func (c *Client) String() string {
	return fmt.Sprintf("provider.Client{%s %s}", c.ep.Name, sanitizeURL(c.ep.BaseURL))
}

// CacheKey returns the cache key Complete would use for req.
func (c *Client) CacheKey(req Request) (string, error) {
	k, _, err := cacheKey(c.ns, c.model(req), req)
	return k, err
}

func (c *Client) model(req Request) string {
	if req.Model != "" {
		return req.Model
	}
	return c.ep.Model
}

// Error is returned by Complete. Its text is redacted. It unwraps only to
// context errors and ErrCacheMiss, never to the underlying HTTP/library
// error (which could carry unredacted response bodies).
type Error struct {
	Endpoint string
	Model    string
	Attempts int
	Kind     string // kind of the last attempt
	Status   int    // status of the last attempt
	msg      string
	wrapped  error
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.wrapped }

// Retryable reports whether a later run might succeed (the last failure was
// transient), as opposed to a permanent client error or a cache miss.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindServerError, KindTimeout, KindBadBody, KindNetwork, KindCanceled:
		return true
	}
	return false
}

// Complete sends req, retrying transient failures, and returns exactly one
// final Response. Resp.Attempts lists every attempt, also on error.
func (c *Client) Complete(ctx context.Context, req Request) (Response, error) {
	model := c.model(req)
	resp := Response{Endpoint: c.ep.Name, RequestModel: model, Params: req.Params}
	if model == "" {
		return resp, c.newError(model, nil, KindClientError, 0, "no model given (set Endpoint.Model or Request.Model)", nil)
	}
	if len(req.Messages) == 0 {
		return resp, c.newError(model, nil, KindClientError, 0, "no messages", nil)
	}

	cache := c.opts.Cache
	useCache := cache.Mode() != Off
	var key string
	var keyDocJSON []byte
	if useCache {
		var err error
		key, keyDocJSON, err = cacheKey(c.ns, model, req)
		if err != nil {
			return resp, c.newError(model, nil, KindClientError, 0, err.Error(), nil)
		}
		resp.CacheKey = key
		e, ok, gerr := cache.get(key)
		if ok {
			r := e.Response
			resp.Content, resp.Model, resp.SystemFingerprint = r.Content, r.Model, r.SystemFingerprint
			resp.FinishReason, resp.PromptTokens, resp.CompletionTokens = r.FinishReason, r.PromptTokens, r.CompletionTokens
			resp.Cached = true
			return resp, nil
		}
		if cache.Mode() == Replay {
			why := "no cached response"
			if gerr != nil {
				why = gerr.Error()
			}
			return resp, c.newError(model, nil, KindClientError, 0,
				fmt.Sprintf("replay: %s for %s (key %s)", why, describe(model, req), key), ErrCacheMiss)
		}
		// ReadWrite with a corrupt entry: fall through, the put overwrites it.
	}

	oreq, patch, err := c.buildRequest(model, req)
	if err != nil {
		return resp, c.newError(model, nil, KindClientError, 0, err.Error(), nil)
	}

	for n := 1; ; n++ {
		// Waiting for the limiter or a slot is not an attempt: nothing is
		// sent, so nothing is appended to Attempts.
		if err := c.lim.wait(ctx, c.opts.Sleep); err != nil {
			return resp, c.newError(model, resp.Attempts, KindCanceled, 0, "canceled while rate limiting: "+err.Error(), err)
		}
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			return resp, c.newError(model, resp.Attempts, KindCanceled, 0, "canceled while waiting for a slot: "+ctx.Err().Error(), ctx.Err())
		}
		att, out := c.attempt(ctx, oreq, patch)
		<-c.sem

		if att.Kind == KindOK {
			resp.Attempts = append(resp.Attempts, att)
			fillResponse(&resp, out)
			resp.Content = c.scrub(resp.Content)
			if useCache && cache.Mode() == ReadWrite {
				e := &cacheEntry{Schema: cacheSchema, Key: key, Request: keyDocJSON, Response: cachedResponse{
					Content: resp.Content, Model: resp.Model, SystemFingerprint: resp.SystemFingerprint,
					FinishReason: resp.FinishReason, PromptTokens: resp.PromptTokens,
					CompletionTokens: resp.CompletionTokens, Attempts: len(resp.Attempts),
				}}
				// A failed cache write costs a re-request later, not this
				// result; it is reported on the response.
				if err := cache.put(e); err != nil {
					resp.CacheWriteErr = c.redact(err.Error())
				}
			}
			return resp, nil
		}
		if ctx.Err() != nil {
			att.Kind = KindCanceled
			resp.Attempts = append(resp.Attempts, att)
			return resp, c.newError(model, resp.Attempts, KindCanceled, att.Status, "canceled: "+ctx.Err().Error(), ctx.Err())
		}
		if !retryable(att.Kind) {
			resp.Attempts = append(resp.Attempts, att)
			return resp, c.newError(model, resp.Attempts, att.Kind, att.Status, "not retried: "+att.Err, nil)
		}
		if n >= c.opts.MaxAttempts {
			resp.Attempts = append(resp.Attempts, att)
			return resp, c.newError(model, resp.Attempts, att.Kind, att.Status,
				fmt.Sprintf("giving up after %d attempts; last: %s", n, att.Err), nil)
		}
		wait := c.backoff(n)
		if att.RetryAfter > 0 && (att.Kind == KindRateLimited || att.Kind == KindServerError) {
			// Honour the server's Retry-After on 429 (and on 503 & co.,
			// which send it during maintenance), capped by MaxRetryAfter.
			wait = min(att.RetryAfter, c.opts.MaxRetryAfter)
		}
		att.Wait = wait
		resp.Attempts = append(resp.Attempts, att)
		if err := c.opts.Sleep(ctx, wait); err != nil {
			return resp, c.newError(model, resp.Attempts, KindCanceled, att.Status, "canceled during backoff: "+err.Error(), err)
		}
	}
}

// attempt performs one HTTP attempt under the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, oreq openai.ChatCompletionRequest, patch map[string]json.RawMessage) (Attempt, openai.ChatCompletionResponse) {
	actx, cancel := context.WithTimeout(ctx, c.opts.RequestTimeout)
	defer cancel()
	ctl := &wireCtl{patch: patch}
	actx = context.WithValue(actx, wireCtlKey{}, ctl)
	start := time.Now()
	out, err := c.oa.CreateChatCompletion(actx, oreq)
	att := Attempt{Latency: time.Since(start)}
	status, ra, hasRA := ctl.result()
	att.Status = status
	if hasRA {
		att.RetryAfter = ra
	}
	if err == nil {
		if len(out.Choices) == 0 {
			att.Kind, att.Err = KindBadBody, "response has no choices"
			return att, out
		}
		att.Kind = KindOK
		return att, out
	}
	att.Err = c.redact(err.Error())

	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		att.Status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		att.Status = reqErr.HTTPStatusCode
	}
	switch {
	case ctx.Err() != nil:
		att.Kind = KindCanceled
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		att.Kind = KindTimeout
		att.Err = c.redact(fmt.Sprintf("attempt timed out after %s: %v", c.opts.RequestTimeout, err))
	case att.Status == http.StatusTooManyRequests:
		att.Kind = KindRateLimited
	case att.Status >= 500, att.Status == http.StatusRequestTimeout, att.Status == http.StatusConflict:
		att.Kind = KindServerError
	case att.Status >= 400:
		att.Kind = KindClientError
	case att.Status >= 200 && att.Status < 300:
		att.Kind = KindBadBody // truncated or invalid JSON body
	case isLocalValidation(err):
		att.Kind = KindClientError
	default:
		att.Kind = KindNetwork
	}
	return att, out
}

func isLocalValidation(err error) bool {
	return errors.Is(err, openai.ErrChatCompletionInvalidModel) ||
		errors.Is(err, openai.ErrChatCompletionStreamNotSupported) ||
		errors.Is(err, openai.ErrReasoningModelMaxTokensDeprecated) ||
		errors.Is(err, openai.ErrReasoningModelLimitationsOther) ||
		errors.Is(err, openai.ErrReasoningModelLimitationsLogprobs) ||
		errors.Is(err, openai.ErrReasoningEffortUnsupported) ||
		errors.Is(err, openai.ErrReasoningSamplingUnsupported)
}

func retryable(kind string) bool {
	switch kind {
	case KindRateLimited, KindServerError, KindTimeout, KindBadBody, KindNetwork:
		return true
	}
	return false
}

// backoff is full jitter: U[0, min(max, base·2^(n-1))).
func (c *Client) backoff(n int) time.Duration {
	ceil := float64(c.opts.BackoffBase) * math.Pow(2, float64(n-1))
	ceil = math.Min(ceil, float64(c.opts.BackoffMax))
	return time.Duration(c.opts.Jitter() * ceil)
}

func (c *Client) buildRequest(model string, req Request) (openai.ChatCompletionRequest, map[string]json.RawMessage, error) {
	msgs := make([]openai.ChatCompletionMessage, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	o := openai.ChatCompletionRequest{Model: model, Messages: msgs, Seed: req.Params.Seed}
	p := req.Params
	if p.MaxTokens > 0 {
		if c.ep.UseMaxCompletionTokens {
			o.MaxCompletionTokens = p.MaxTokens
		} else {
			o.MaxTokens = p.MaxTokens
		}
	}
	patch := map[string]json.RawMessage{}
	if p.Temperature != nil {
		t := *p.Temperature
		if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
			return o, nil, fmt.Errorf("invalid temperature %v", t)
		}
		o.Temperature = float32(t)
		// Exact float64 text on the wire, and present even when zero.
		patch["temperature"] = json.RawMessage(strconv.FormatFloat(t, 'g', -1, 64))
	}
	if js := p.JSONSchema; js != nil {
		if !json.Valid(js.Schema) {
			return o, nil, errors.New("JSON schema is not valid JSON")
		}
		name := js.Name
		if name == "" {
			name = "response"
		}
		o.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: name, Schema: js.Schema, Strict: js.Strict,
			},
		}
	}
	return o, patch, nil
}

func fillResponse(r *Response, o openai.ChatCompletionResponse) {
	ch := o.Choices[0]
	r.Content = ch.Message.Content
	r.FinishReason = string(ch.FinishReason)
	r.Model = o.Model
	r.SystemFingerprint = o.SystemFingerprint
	r.PromptTokens = o.Usage.PromptTokens
	r.CompletionTokens = o.Usage.CompletionTokens
}

func (c *Client) newError(model string, atts []Attempt, kind string, status int, msg string, wrapped error) *Error {
	full := fmt.Sprintf("provider %s: model %q: %s", c.ep.Name, model, msg)
	return &Error{
		Endpoint: c.ep.Name, Model: model, Attempts: len(atts), Kind: kind, Status: status,
		msg: c.redact(full), wrapped: wrapped,
	}
}

// describe names a request for errors without dumping the whole prompt.
func describe(model string, req Request) string {
	last := ""
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			last = req.Messages[i].Content
			break
		}
	}
	if r := []rune(last); len(r) > 60 {
		last = string(r[:60]) + "…"
	}
	return fmt.Sprintf("model %q, sample %d, %d messages, last user message %q", model, req.SampleIndex, len(req.Messages), last)
}

// keyShapes catches credentials that are not our own key (e.g. echoed from a
// proxy): bearer tokens and common provider key prefixes.
var keyShapes = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}|\b(sk|sk-ant|sk-or|sk-proj|AIza)[A-Za-z0-9_-]{12,}`)

// scrubKey removes the exact key only, leaving other text untouched, so
// that live and replayed content are identical.
func scrubKey(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[REDACTED]")
}

func newRedactor(key string) func(string) string {
	return func(s string) string {
		if key != "" {
			s = strings.ReplaceAll(s, key, "[REDACTED]")
		}
		return keyShapes.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasPrefix(strings.ToLower(m), "bearer") {
				return "Bearer [REDACTED]"
			}
			return "[REDACTED]"
		})
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tokenBucket is a minimal requests-per-minute limiter.
type tokenBucket struct {
	mu       sync.Mutex
	interval time.Duration // time to earn one token
	burst    float64
	tokens   float64
	last     time.Time
}

func newTokenBucket(rpm float64, burst int) *tokenBucket {
	if burst <= 0 {
		burst = 1
	}
	return &tokenBucket{
		interval: time.Duration(float64(time.Minute) / rpm),
		burst:    float64(burst),
		tokens:   float64(burst),
		last:     time.Now(),
	}
}

// wait reserves a token and sleeps until it is earned. A nil bucket never
// waits.
func (b *tokenBucket) wait(ctx context.Context, sleep func(context.Context, time.Duration) error) error {
	if b == nil {
		return ctx.Err()
	}
	b.mu.Lock()
	now := time.Now()
	b.tokens = math.Min(b.burst, b.tokens+float64(now.Sub(b.last))/float64(b.interval))
	b.last = now
	b.tokens--
	var d time.Duration
	if b.tokens < 0 {
		d = time.Duration(-b.tokens * float64(b.interval))
	}
	b.mu.Unlock()
	if d == 0 {
		return ctx.Err()
	}
	if err := sleep(ctx, d); err != nil {
		b.mu.Lock()
		b.tokens++ // give the reservation back
		b.mu.Unlock()
		return err
	}
	return nil
}
