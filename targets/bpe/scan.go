package bpe

import (
	"unicode"
	"unicode/utf8"
)

// The scanners below return the end (byte offset) of the pre-token that the
// encoding's split pattern matches at byte offset i of s. s must be valid
// UTF-8 and i < len(s). They reproduce the leftmost-first alternation and
// greedy backtracking of the patterns as regexp2 executes them:
//
// o200k_base:
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// cl100k_base:
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
//	| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// Every rune is matched by some alternative, so the pieces tile the text.

// lowerAt returns unicode.ToLower of the rune at i (regexp2's IgnoreCase
// comparison) and its width.
func lowerAt(s string, i int) (rune, int) {
	if b := s[i]; b < 0x80 {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return rune(b), 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	return unicode.ToLower(r), w
}

// contraction matches (?i:'s|'t|'re|'ve|'m|'ll|'d) at q and returns its end,
// or q when it does not match (the group is optional or an alternative).
func contraction(s string, q int) int {
	if q+1 >= len(s) || s[q] != '\'' {
		return q
	}
	r1, w1 := lowerAt(s, q+1)
	switch r1 {
	case 's', 't', 'm', 'd':
		return q + 1 + w1
	case 'r', 'v', 'l':
		k := q + 1 + w1
		if k >= len(s) {
			return q
		}
		want := 'e'
		if r1 == 'l' {
			want = 'l'
		}
		if r2, w2 := lowerAt(s, k); r2 == want {
			return k + w2
		}
	}
	return q
}

// o200kAlt1 matches [U]*[Lc]+C? at p (U, Lc as in the o200k pattern).
func o200kAlt1(s string, p int) int {
	i := p
	lastLcEnd := -1
	for i < len(s) {
		w, c := 1, asciiClass[s[i]] // at(s, i), inlined
		if s[i] >= utf8.RuneSelf {
			w, c = atSlow(s, i)
		}
		if c&cU == 0 {
			break
		}
		i += w
		if c&cLc != 0 {
			lastLcEnd = i
		}
	}
	if i < len(s) {
		if w, c := at(s, i); c&cLc != 0 {
			// The greedy U* run stopped before an Lc rune: Lc+ takes the
			// maximal Lc run from here.
			i += w
			for i < len(s) {
				w, c := 1, asciiClass[s[i]] // at(s, i), inlined
				if s[i] >= utf8.RuneSelf {
					w, c = atSlow(s, i)
				}
				if c&cLc == 0 {
					break
				}
				i += w
			}
			return contraction(s, i)
		}
	}
	// Backtrack U*: Lc+ is the last Lc rune inside the U run (a single rune,
	// since the rune after it is not Lc).
	if lastLcEnd < 0 {
		return -1
	}
	return contraction(s, lastLcEnd)
}

// o200kAlt2 matches [U]+[Lc]*C? at p.
func o200kAlt2(s string, p int) int {
	i := p
	for i < len(s) {
		w, c := 1, asciiClass[s[i]] // at(s, i), inlined
		if s[i] >= utf8.RuneSelf {
			w, c = atSlow(s, i)
		}
		if c&cU == 0 {
			break
		}
		i += w
	}
	if i == p {
		return -1
	}
	for i < len(s) {
		w, c := 1, asciiClass[s[i]] // at(s, i), inlined
		if s[i] >= utf8.RuneSelf {
			w, c = atSlow(s, i)
		}
		if c&cLc == 0 {
			break
		}
		i += w
	}
	return contraction(s, i)
}

// digits matches the rest of \p{N}{1,3} after the first digit ends at j.
func digits(s string, j int) int {
	for k := 0; k < 2 && j < len(s); k++ {
		w, c := 1, asciiClass[s[j]] // at(s, j), inlined
		if s[j] >= utf8.RuneSelf {
			w, c = atSlow(s, j)
		}
		if c&cN == 0 {
			break
		}
		j += w
	}
	return j
}

// punct matches ` ?[^\s\p{L}\p{N}]+[\r\n]*` (slash=false) or
// ` ?[^\s\p{L}\p{N}]+[\r\n/]*` (slash=true) at i, or returns -1.
func punct(s string, i int, c0 uint8, slash bool) int {
	p := i
	if s[i] == ' ' {
		p++
		if p >= len(s) {
			return -1
		}
		if _, c := at(s, p); c&(cS|cL|cN) != 0 {
			return -1
		}
	} else if c0&(cS|cL|cN) != 0 {
		return -1
	}
	for p < len(s) {
		w, c := 1, asciiClass[s[p]] // at(s, p), inlined
		if s[p] >= utf8.RuneSelf {
			w, c = atSlow(s, p)
		}
		if c&(cS|cL|cN) != 0 {
			break
		}
		p += w
	}
	for p < len(s) {
		b := s[p]
		if b == '\r' || b == '\n' || (slash && b == '/') {
			p++
			continue
		}
		break
	}
	return p
}

// spaces matches `\s*[\r\n]+|\s+(?!\S)|\s+` at i, where the rune at i is
// whitespace.
func spaces(s string, i int) int {
	lastNL := -1   // end of the last \r or \n in the run
	lastStart := i // start of the last rune in the run
	p := i
	for p < len(s) {
		w, c := 1, asciiClass[s[p]] // at(s, p), inlined
		if s[p] >= utf8.RuneSelf {
			w, c = atSlow(s, p)
		}
		if c&cS == 0 {
			break
		}
		if b := s[p]; b == '\r' || b == '\n' {
			lastNL = p + w
		}
		lastStart = p
		p += w
	}
	switch {
	case lastNL >= 0: // \s*[\r\n]+ backtracks to the last newline
		return lastNL
	case p == len(s): // \s+(?!\S) at end of text
		return p
	case lastStart > i: // \s+(?!\S) gives back the last whitespace rune
		return lastStart
	default: // \s+ (a single whitespace rune before a non-space)
		return p
	}
}

func nextO200k(s string, i int) int {
	w0, c0 := 1, asciiClass[s[i]] // at(s, i), inlined
	if s[i] >= utf8.RuneSelf {
		w0, c0 = atSlow(s, i)
	}
	j := i + w0
	if c0&cL != 0 {
		// Letters are never a prefix, so only the no-prefix branches apply.
		if e := o200kAlt1(s, i); e >= 0 {
			return e
		}
		if e := o200kAlt2(s, i); e >= 0 {
			return e
		}
		return j // unreachable: every letter is U or Lc
	}
	pfx := c0&cN == 0 && s[i] != '\r' && s[i] != '\n'
	if pfx && j < len(s) {
		if e := o200kAlt1(s, j); e >= 0 {
			return e
		}
	}
	if c0&cM != 0 {
		if e := o200kAlt1(s, i); e >= 0 {
			return e
		}
	}
	if pfx && j < len(s) {
		if e := o200kAlt2(s, j); e >= 0 {
			return e
		}
	}
	if c0&cM != 0 {
		if e := o200kAlt2(s, i); e >= 0 {
			return e
		}
	}
	if c0&cN != 0 {
		return digits(s, j)
	}
	if e := punct(s, i, c0, true); e >= 0 {
		return e
	}
	if c0&cS != 0 {
		return spaces(s, i)
	}
	return j // unreachable
}

func nextCl100k(s string, i int) int {
	w0, c0 := 1, asciiClass[s[i]] // at(s, i), inlined
	if s[i] >= utf8.RuneSelf {
		w0, c0 = atSlow(s, i)
	}
	j := i + w0
	if s[i] == '\'' {
		if e := contraction(s, i); e > i {
			return e
		}
	}
	if c0&cL != 0 {
		return letters(s, j)
	}
	if c0&cN == 0 && s[i] != '\r' && s[i] != '\n' && j < len(s) {
		if w, c := at(s, j); c&cL != 0 {
			return letters(s, j+w)
		}
	}
	if c0&cN != 0 {
		return digits(s, j)
	}
	if e := punct(s, i, c0, false); e >= 0 {
		return e
	}
	if c0&cS != 0 {
		return spaces(s, i)
	}
	return j // unreachable
}

// letters extends a \p{L}+ run from p.
func letters(s string, p int) int {
	for p < len(s) {
		w, c := 1, asciiClass[s[p]] // at(s, p), inlined
		if s[p] >= utf8.RuneSelf {
			w, c = atSlow(s, p)
		}
		if c&cL == 0 {
			break
		}
		p += w
	}
	return p
}
