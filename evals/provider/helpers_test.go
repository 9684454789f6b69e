package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/soulc/soulc/evals/fakeapi"
)

const testKey = "sk-test-SECRET-0123456789abcdefXYZ"

func envWith(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// newFake starts a fake server closed at test end.
func newFake(t testing.TB, cfg fakeapi.Config) *fakeapi.Server {
	t.Helper()
	s := fakeapi.New(cfg)
	t.Cleanup(s.Close)
	return s
}

// testEndpoint points at the fake with the key in $SOULC_TEST_KEY.
func testEndpoint(url string) Endpoint {
	return Endpoint{Name: "fake", BaseURL: url, APIKeyEnv: "SOULC_TEST_KEY", KeyRequired: true, Model: "fake-model"}
}

// fastOpts: tiny backoff, short timeout, the key in a fake environment.
func fastOpts() Options {
	return Options{
		MaxAttempts:    8,
		RequestTimeout: 5 * time.Second, // hang tests override; the machine may be loaded
		BackoffBase:    time.Millisecond,
		BackoffMax:     10 * time.Millisecond,
		Concurrency:    16,
		Getenv:         envWith(map[string]string{"SOULC_TEST_KEY": testKey}),
	}
}

func mustClient(t testing.TB, ep Endpoint, opts Options) *Client {
	t.Helper()
	c, err := NewClient(ep, opts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func userReq(text string) Request {
	return Request{Messages: []Message{{Role: "system", Content: "You are a careful expert."}, {Role: "user", Content: text}}}
}

// recordingSleep records requested waits and returns immediately.
type recordingSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recordingSleep) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}
