package bpe

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// Character-class bits, as regexp2 (tiktoken-go's regex engine) defines them:
// \s is unicode.IsSpace and \p{X} is the Go unicode table X.
const (
	cS  uint8 = 1 << iota // \s
	cL                    // \p{L}
	cN                    // \p{N}
	cM                    // \p{M}
	cU                    // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
	cLc                   // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
)

var (
	bmpOnce    sync.Once
	bmpClass   *[0x10000]uint8
	asciiClass [256]uint8 // indexed by any byte (no bounds check); only ASCII entries are used
)

func buildClassTable() {
	bmpOnce.Do(func() {
		t := new([0x10000]uint8)
		for r := rune(0); r < 0x10000; r++ {
			t[r] = slowClass(r)
		}
		bmpClass = t
		copy(asciiClass[:], t[:utf8.RuneSelf])
	})
}

func slowClass(r rune) uint8 {
	var c uint8
	if unicode.IsSpace(r) {
		c |= cS
	}
	if unicode.Is(unicode.L, r) {
		c |= cL
	}
	if unicode.Is(unicode.N, r) {
		c |= cN
	}
	if unicode.Is(unicode.M, r) {
		c |= cM | cU | cLc
	}
	if unicode.Is(unicode.Lu, r) || unicode.Is(unicode.Lt, r) {
		c |= cU
	}
	if unicode.Is(unicode.Ll, r) {
		c |= cLc
	}
	if unicode.Is(unicode.Lm, r) || unicode.Is(unicode.Lo, r) {
		c |= cU | cLc
	}
	return c
}

func class(r rune) uint8 {
	if r < 0x10000 {
		return bmpClass[r]
	}
	return slowClass(r)
}

// at returns the width and class bits of the rune at byte offset i of s
// (which must be valid UTF-8, with i < len(s)). Callers compare ASCII runes
// by looking at s[i] directly: in valid UTF-8 an ASCII byte is a whole rune.
func at(s string, i int) (int, uint8) {
	if b := s[i]; b < utf8.RuneSelf {
		return 1, asciiClass[b]
	}
	return atSlow(s, i)
}

func atSlow(s string, i int) (int, uint8) {
	r, w := utf8.DecodeRuneInString(s[i:])
	return w, class(r)
}
