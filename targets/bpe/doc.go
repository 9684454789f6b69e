// Package bpe owns exact token counting for tiktoken BPE encodings
// (o200k_base and cl100k_base).
//
// It reproduces github.com/pkoukk/tiktoken-go's EncodeOrdinary bit for bit
// but replaces its regexp2-based pre-tokenisation with hand-written scanners
// that implement the leftmost-first, backtracking semantics of the two
// split patterns, and it runs tiktoken's byte_pair_merge over each piece.
// Special-token look-alikes such as "<|endoftext|>" are ordinary text.
//
// Unicode: character classes (\s, \p{L}, \p{N}, \p{M}, \p{Lu}, ...) come from
// Go's unicode package (unicode.Version), exactly as regexp2 -- and therefore
// tiktoken-go -- uses them. \s is unicode.IsSpace. OpenAI's Python/Rust
// tiktoken uses the Rust regex crate's tables, which may be a newer Unicode
// version; for characters assigned or re-categorised after Go's version the
// counts can differ from Python tiktoken (they never differ from tiktoken-go).
//
// Invalid UTF-8: tiktoken-go converts the text to []rune, so every invalid
// byte becomes U+FFFD (encoded as EF BF BD) before splitting and merging.
// Count and Encode do the same, so they match tiktoken-go on any input.
//
// Speed: rank lookups dominate, so ranks live in a purpose-built table (one-
// and two-byte tokens by index, 3..8-byte tokens in 16-byte open-addressing
// slots with the frequent low ranks in a small cache-resident table, 9..16-
// byte tokens in 24-byte slots, longer ones in a map) instead of a
// map[string]int. Pieces that are not a single token are merged with
// tiktoken's byte_pair_merge (a heap-based equivalent above 256 bytes, so
// huge pieces stay O(n log n)), and their counts are remembered in a bounded,
// lock-free piece cache shared by all goroutines.
//
// The package depends only on the standard library and the embedded
// vocabularies of github.com/pkoukk/tiktoken-go-loader. It must not import
// compiler/, evals/ or cobra; tiktoken-go itself is used only in tests, as the
// reference implementation.
package bpe
