// Package targets owns what soulc knows about the models it compiles for:
// tokenizers (exact BPE counts for OpenAI encodings, calibrated upper-bound
// estimates for families without an offline vocabulary), the built-in target
// table (layout, role, context window, default budget, framing overhead),
// user-defined targets loaded from YAML, and a model-id to encoding table.
//
// It is a leaf package: it must not import cobra, go-openai, or anything under
// compiler/ or evals/, and it never makes a network call (the tiktoken
// vocabularies are embedded through tiktoken-go-loader's offline loader).
// Templates belong to the compiler; a Target only names its layout.
package targets
