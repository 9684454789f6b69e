// Package provider owns soulc's connection to models: every chat-completion
// request to a model under test or to a judge goes through a *Client.
//
// It owns:
//   - Endpoint and the named presets (openai, ollama, vllm, llamacpp,
//     lmstudio, openrouter, azure, anthropic, gemini), the OPENAI_BASE_URL /
//     AZURE_OPENAI_ENDPOINT overrides and --base-url precedence
//     (ResolveEndpoint);
//   - API keys, read from the environment or a file, held only in unexported
//     fields and redacted from every error and attempt record;
//   - Params (temperature, max tokens, seed, JSON schema), including sending
//     "temperature":0 on the wire even though go-openai v1.43.0 declares the
//     field `omitempty` (see transport.go);
//   - retries (exponential backoff with full jitter, Retry-After on 429, 5xx,
//     per-attempt timeout, truncated/invalid bodies), every attempt recorded;
//     bounded concurrency and an optional requests-per-minute limit;
//   - the content-addressed response cache (ReadWrite, Replay, Off).
//
// Model and judge use separate Clients (separate endpoints, concurrency
// pools and rate limits).
//
// Import rules: standard library, github.com/sashabaranov/go-openai and
// golang.org/x/* only. It must not import cobra, anything under compiler/,
// or evals/stats; it may import evals/fakeapi in _test files only.
package provider
