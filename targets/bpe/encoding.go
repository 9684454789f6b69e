package bpe

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/pkoukk/tiktoken-go-loader/assets"
)

// Encoding names.
const (
	O200kBase  = "o200k_base"
	Cl100kBase = "cl100k_base"
)

// Encoding is an exact tiktoken BPE encoding. It is immutable after
// construction (apart from an internal lock-free piece cache, which never
// changes results) and safe for concurrent use.
type Encoding struct {
	name  string
	ranks *rankTable
	next  func(s string, i int) int // pre-tokeniser: end of the piece at i
	cache *pieceCache
}

var (
	o200kOnce, cl100kOnce sync.Once
	o200k, cl100k         *Encoding
)

// O200k returns the o200k_base encoding (GPT-4o, GPT-4.1, o-series). It is
// built once, from tiktoken-go-loader's embedded vocabulary.
func O200k() *Encoding {
	o200kOnce.Do(func() { o200k = mustLoad(O200kBase, nextO200k) })
	return o200k
}

// Cl100k returns the cl100k_base encoding (GPT-4, GPT-3.5-turbo). It is
// built once, from tiktoken-go-loader's embedded vocabulary.
func Cl100k() *Encoding {
	cl100kOnce.Do(func() { cl100k = mustLoad(Cl100kBase, nextCl100k) })
	return cl100k
}

// ByName returns the encoding called name ("o200k_base" or "cl100k_base").
func ByName(name string) (*Encoding, bool) {
	switch name {
	case O200kBase:
		return O200k(), true
	case Cl100kBase:
		return Cl100k(), true
	}
	return nil, false
}

func mustLoad(name string, next func(string, int) int) *Encoding {
	e, err := load(name, next)
	if err != nil {
		// The vocabulary is embedded in the binary; failing here means the
		// build is broken, not that the input is bad.
		panic(err)
	}
	return e
}

func load(name string, next func(string, int) int) (*Encoding, error) {
	buildClassTable()
	// The vocabularies are the files tiktoken-go-loader embeds; they are
	// parsed straight into the rank table (the loader's own API would first
	// build a 200K-entry map, ~40 MB of garbage at start-up).
	data, err := assets.Assets.ReadFile(name + ".tiktoken")
	if err != nil {
		return nil, fmt.Errorf("bpe: loading %s: %w", name, err)
	}
	ranks, err := newRankTableFrom(tiktokenFile(data))
	if err != nil {
		return nil, fmt.Errorf("bpe: loading %s: %w", name, err)
	}
	// Every byte must be a token, so that merging always terminates in
	// known tokens (tiktoken relies on this too).
	for b := 0; b < 256; b++ {
		if ranks.byte1[b] == noRank {
			return nil, fmt.Errorf("bpe: %s: byte %#x has no rank", name, b)
		}
	}
	return &Encoding{name: name, ranks: ranks, next: next, cache: newPieceCache()}, nil
}

// Name returns the encoding name, e.g. "o200k_base".
func (e *Encoding) Name() string { return e.name }

// valid returns text as tiktoken-go sees it: it converts the text to []rune,
// which turns every invalid UTF-8 byte into U+FFFD.
func valid(text string) string {
	if utf8.ValidString(text) {
		return text
	}
	return string([]rune(text))
}

// end returns the end of the piece starting at i. The scanners always
// advance (every rune matches some alternative, which the tests check); the
// guard only turns a would-be scanner bug into a miscount instead of a hang.
func (e *Encoding) end(text string, i int) int {
	j := e.next(text, i)
	if j <= i {
		_, w := utf8.DecodeRuneInString(text[i:])
		j = i + w
	}
	return j
}

// Count returns len(tiktoken EncodeOrdinary(text)) for this encoding.
// Special-token look-alikes such as "<|endoftext|>" are ordinary text.
func (e *Encoding) Count(text string) int {
	text = valid(text)
	var scratch [smallPiece + 1]part
	n := 0
	for i := 0; i < len(text); {
		j := e.end(text, i)
		n += e.pieceCount(text[i:j], scratch[:0])
		i = j
	}
	return n
}

func (e *Encoding) pieceCount(p string, scratch []part) int {
	if len(p) == 1 {
		return 1
	}
	if e.ranks.get(p) != noRank {
		return 1
	}
	if n, ok := e.cache.get(p); ok {
		return n
	}
	n := e.mergeCount(p, scratch)
	e.cache.put(p, n)
	return n
}

func (e *Encoding) mergeCount(p string, scratch []part) int {
	if len(p) <= smallPiece {
		return len(e.mergeSmall(p, scratch)) - 1
	}
	return len(e.mergeLarge(p)) - 1
}

// Encode returns the token ids of tiktoken EncodeOrdinary(text).
func (e *Encoding) Encode(text string) []int {
	text = valid(text)
	var scratch [smallPiece + 1]part
	out := make([]int, 0, len(text)/4+1)
	for i := 0; i < len(text); {
		j := e.end(text, i)
		p := text[i:j]
		i = j
		if r := e.ranks.get(p); r != noRank {
			out = append(out, int(r))
			continue
		}
		if len(p) <= smallPiece {
			parts := e.mergeSmall(p, scratch[:0])
			for k := 0; k+1 < len(parts); k++ {
				out = append(out, int(e.ranks.get(p[parts[k].start:parts[k+1].start])))
			}
			continue
		}
		b := e.mergeLarge(p)
		for k := 0; k+1 < len(b); k++ {
			out = append(out, int(e.ranks.get(p[b[k]:b[k+1]])))
		}
	}
	return out
}

// pieces splits text into pre-tokens (for tests and debugging).
func (e *Encoding) pieces(text string) []string {
	text = valid(text)
	var out []string
	for i := 0; i < len(text); {
		j := e.end(text, i)
		out = append(out, text[i:j])
		i = j
	}
	return out
}

// tiktokenFile reads a .tiktoken file: one "base64(token) rank" per line.
func tiktokenFile(data []byte) rankSource {
	return func(yield func(string, int)) error {
		var buf [512]byte
		rest := data // each pass reads the file from the start
		for len(rest) > 0 {
			line := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			if len(line) == 0 {
				continue
			}
			sp := bytes.IndexByte(line, ' ')
			if sp < 0 {
				return fmt.Errorf("malformed line %q", line)
			}
			n, err := base64.StdEncoding.Decode(buf[:], line[:sp])
			if err != nil {
				return err
			}
			r, err := strconv.Atoi(string(line[sp+1:]))
			if err != nil {
				return err
			}
			yield(string(buf[:n]), r)
		}
		return nil
	}
}
