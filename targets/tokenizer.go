package targets

import (
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/soulc/soulc/targets/bpe"
)

// Tokenizer counts tokens for one vocabulary. Implementations are safe for
// concurrent use and Count never panics.
type Tokenizer interface {
	// Name is the registry name, e.g. "o200k_base" or "claude-estimate".
	Name() string
	// Count returns the number of tokens in text. Special-token look-alikes
	// such as "<|endoftext|>" are counted as ordinary text.
	Count(text string) int
	// Exact reports whether Count is the vendor's real count for the text
	// (true) or a calibrated upper-bound estimate (false).
	Exact() bool
}

// Tokenizer names.
const (
	O200kBase       = "o200k_base"
	Cl100kBase      = "cl100k_base"
	ClaudeEstimate  = "claude-estimate"
	GeminiEstimate  = "gemini-estimate"
	Llama3Estimate  = "llama3-estimate"
	MistralEstimate = "mistral-estimate"
	Chars4Estimate  = "chars4-estimate"
)

// Estimate ratios in thousandths, applied to the o200k_base count and rounded
// up. Each is max(family/o200k) over the 643 atlas SOUL.md files times a
// safety margin; see CALIBRATION.md for the numbers and the command.
const (
	claudeRatioMilli  = 1630 // old Claude tokenizer max 1.0976 × 1.35 (newer tokenizers) × 1.10
	geminiRatioMilli  = 1187 // Gemma 3 max 1.0788 × 1.10
	llama3RatioMilli  = 1134 // Llama 3.1 max 1.0301 × 1.10
	mistralRatioMilli = 1347 // SentencePiece v3 max 1.2241 × 1.10 (Tekken max 1.0619)
)

// bpeTokenizer is an exact tiktoken encoding. Counting goes through
// targets/bpe, soulc's own scanner and merge over the same embedded
// vocabularies (tiktoken-go-loader), equal to tiktoken-go and the reference
// tiktoken on every atlas SOUL and ~20x faster; tiktoken-go stays the
// reference in tests. Each encoding is built lazily, once, and shared.
type bpeTokenizer struct {
	name string
	once sync.Once
	enc  *bpe.Encoding
	err  error
	memo *memo
}

func (b *bpeTokenizer) load() error {
	b.once.Do(func() {
		var ok bool
		if b.enc, ok = bpe.ByName(b.name); !ok {
			b.err = fmt.Errorf("targets: no encoding %s", b.name)
		}
	})
	return b.err
}

func (b *bpeTokenizer) Name() string { return b.name }
func (b *bpeTokenizer) Exact() bool  { return true }

// Count counts text exactly. Long texts are cut into lines at boundaries
// that no pre-token of either encoding can cross (see splitSafe), and the
// lines are counted and memoised separately: a prompt re-rendered while
// fitting a budget shares almost all its lines with the previous render, so
// only the changed lines are encoded again. The sum equals the whole-text
// count because BPE never merges across pre-tokens (tested on the atlas).
func (b *bpeTokenizer) Count(text string) int {
	if len(text) < chunkMin {
		return b.countMemo(text)
	}
	n := 0
	for len(text) > 0 {
		// Every safe line start is a boundary, so chunks depend only on
		// their own content: an edit early in the text does not shift the
		// chunks after it, and they stay memo hits.
		i := splitSafe(text, 1)
		n += b.countMemo(text[:i])
		text = text[i:]
	}
	return n
}

func (b *bpeTokenizer) countMemo(text string) int {
	if text == "" {
		return 0
	}
	if n, ok := b.memo.get(text); ok {
		return n
	}
	n := b.count(text)
	b.memo.put(text, n)
	return n
}

// chunkMin is the shortest text worth cutting into lines.
const chunkMin = 256

// splitSafe returns the end of the first chunk of text that is at least
// min bytes long (or all of it): a position just after a newline where the
// next byte is printable ASCII other than '/'. No o200k_base or cl100k_base
// pre-token continues past a newline into such a byte: words and numbers
// never contain a newline, whitespace runs stop at non-space, and the only
// rule that runs on after newlines is o200k's punctuation rule, whose tail
// is [\r\n/]* (hence the '/').
func splitSafe(text string, min int) int {
	for i := min; i < len(text); i++ {
		if text[i-1] == '\n' {
			c := text[i]
			if c > ' ' && c < 0x7f && c != '/' {
				return i
			}
		}
	}
	return len(text)
}

// count is the uncached path. A byte-level BPE never emits more tokens than
// bytes, so len(text) is a safe upper bound if the encoder is unusable.
func (b *bpeTokenizer) count(text string) (n int) {
	if b.load() != nil {
		return len(text)
	}
	defer func() {
		if recover() != nil {
			n = len(text)
		}
	}()
	return b.enc.Count(text)
}

// estimate is ceil(base.Count(text) * ratio) with ratio = milli/1000.
type estimate struct {
	name  string
	base  *bpeTokenizer
	milli int
}

func (e *estimate) Name() string          { return e.name }
func (e *estimate) Exact() bool           { return false }
func (e *estimate) Count(text string) int { return e.fromBase(e.base.Count(text)) }

// fromBase scales a base count, rounding up in integer arithmetic so the
// result is never below n*ratio.
func (e *estimate) fromBase(n int) int { return (n*e.milli + 999) / 1000 }

// Ratio is the multiplier applied to the base count.
func (e *estimate) Ratio() float64 { return float64(e.milli) / 1000 }

// chars4 is the classic "4 characters per token" heuristic, made safer for
// non-Latin text by charging every non-ASCII rune a full token. It has no
// calibration behind it and is not an upper bound; no built-in target uses it.
type chars4 struct{}

func (chars4) Name() string { return Chars4Estimate }
func (chars4) Exact() bool  { return false }
func (chars4) Count(text string) int {
	ascii, other := 0, 0
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			ascii++
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		other++
		i += size
	}
	return (ascii+3)/4 + other
}

var (
	o200k  = &bpeTokenizer{name: O200kBase, memo: newMemo()}
	cl100k = &bpeTokenizer{name: Cl100kBase, memo: newMemo()}

	tokenizers = map[string]Tokenizer{
		O200kBase:       o200k,
		Cl100kBase:      cl100k,
		ClaudeEstimate:  &estimate{name: ClaudeEstimate, base: o200k, milli: claudeRatioMilli},
		GeminiEstimate:  &estimate{name: GeminiEstimate, base: o200k, milli: geminiRatioMilli},
		Llama3Estimate:  &estimate{name: Llama3Estimate, base: o200k, milli: llama3RatioMilli},
		MistralEstimate: &estimate{name: MistralEstimate, base: o200k, milli: mistralRatioMilli},
		Chars4Estimate:  chars4{},
	}
)

// Get returns the named tokenizer, loading its vocabulary on first use.
// Unknown names yield an error with a "did you mean" hint.
func Get(name string) (Tokenizer, error) {
	t, err := lookupTokenizer(name)
	if err != nil {
		return nil, err
	}
	var base *bpeTokenizer
	switch v := t.(type) {
	case *bpeTokenizer:
		base = v
	case *estimate:
		base = v.base
	}
	if base != nil {
		if err := base.load(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// lookupTokenizer resolves a name without loading any vocabulary.
func lookupTokenizer(name string) (Tokenizer, error) {
	t, ok := tokenizers[name]
	if !ok {
		return nil, fmt.Errorf("unknown tokenizer %q%s", name, didYouMean(name, Names()))
	}
	return t, nil
}

// Names lists the tokenizer names accepted by Get, sorted.
func Names() []string {
	names := make([]string, 0, len(tokenizers))
	for n := range tokenizers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// EstimateRatio returns the multiplier an estimated tokenizer applies to its
// exact base encoding, and the base's name. ok is false for exact tokenizers
// and for chars4-estimate, which has no base.
func EstimateRatio(name string) (ratio float64, base string, ok bool) {
	e, isEst := tokenizers[name].(*estimate)
	if !isEst {
		return 0, "", false
	}
	return e.Ratio(), e.base.name, true
}
