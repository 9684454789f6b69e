// Package fakeapi is an in-process fake of an OpenAI-compatible chat
// completions server, built on net/http/httptest, for soulc's tests and
// benchmarks. No real model is ever reached through it.
//
// It owns:
//   - POST {base}/chat/completions on any prefix (/v1/chat/completions,
//     /chat/completions, Azure's /openai/deployments/{d}/chat/completions);
//   - configurable latency (+ deterministic jitter);
//   - injected faults, by rate or by a deterministic schedule: 429 with
//     Retry-After (seconds) and retry-after-ms, 500, 503, hangs until the
//     client gives up, truncated JSON bodies, invalid JSON bodies;
//   - a pluggable Responder so tests can script answers (e.g. judge JSON);
//   - a concurrency-safe record of requests with bounded memory: counters for
//     everything, raw wire bodies for only the last N;
//   - responses carrying model, system_fingerprint and usage.
//
// Given the same Config (including Seed), the sequence of faults and
// latencies by arrival order is identical from run to run.
//
// Import rules: standard library plus github.com/sashabaranov/go-openai
// (for the wire types). It must not import cobra, anything under compiler/,
// or other soulc packages (in particular not evals/provider: the fake must
// stay an independent implementation of the wire protocol).
package fakeapi
