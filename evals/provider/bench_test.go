package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soulc/soulc/evals/fakeapi"
)

// BenchmarkClientLatency measures Complete end to end against the fake
// server at several injected latencies: the client's own overhead is
// ns/op minus the latency. "parallel" runs GOMAXPROCS×8 goroutines through
// one Client (Concurrency 16).
func BenchmarkClientLatency(b *testing.B) {
	for _, lat := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond} {
		for _, parallel := range []bool{false, true} {
			name := fmt.Sprintf("latency=%v/parallel=%v", lat, parallel)
			b.Run(name, func(b *testing.B) {
				srv := newFake(b, fakeapi.Config{Latency: lat, KeepLast: -1})
				c := mustClient(b, testEndpoint(srv.URL()), fastOpts())
				req := userReq("benchmark question with a few words in it")
				req.Params.Temperature = Float64(0)
				b.ReportAllocs()
				b.ResetTimer()
				if !parallel {
					for b.Loop() {
						if _, err := c.Complete(context.Background(), req); err != nil {
							b.Fatal(err)
						}
					}
					return
				}
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := c.Complete(context.Background(), req); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkCacheHit measures a ReadWrite cache hit (no network).
func BenchmarkCacheHit(b *testing.B) {
	srv := newFake(b, fakeapi.Config{KeepLast: -1})
	cache, err := OpenCache(b.TempDir(), ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	o := fastOpts()
	o.Cache = cache
	c := mustClient(b, testEndpoint(srv.URL()), o)
	req := userReq("cached question")
	if _, err := c.Complete(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := c.Complete(context.Background(), req)
		if err != nil || !r.Cached {
			b.Fatal("miss", err)
		}
	}
}
