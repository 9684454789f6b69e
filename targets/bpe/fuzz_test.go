package bpe

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// trickyRunes covers every class boundary the split patterns care about.
var trickyRunes = []rune{
	'a', 'z', 'A', 'Z', 's', 'S', 't', 'T', 'r', 'R', 'e', 'E', 'v', 'V', 'm', 'M', 'l', 'L', 'd', 'D',
	'\'', ' ', ' ', ' ', '\t', '\n', '\n', '\r', '\v', '\f', '/', '!', '.', ',', '<', '|', '>', '_', '-', '"',
	'0', '1', '9', '٣', 'Ⅻ', '½', '①', // Nd, Nl, No
	'é', '\u0301', '\u0308', '\u093f', // Ll, Mn, Mn, Mc
	'ǅ', 'ʰ', '日', 'ا', 'ß', 'İ', 'K', 'ﬁ', // Lt, Lm, Lo, Lo, Ll, Lu (lowers to i), Kelvin, Ll ligature
	'\u00a0', '\u3000', '\u2028', '\u0085', '\u200b', '\u200d', '\ufeff', '\u180e',
	'😀', '👩', '💻', '\U0001F3FD', '\U0001D400', '\U0001D41A', '\U00010400', '\U00010428', '\U00020000', // emoji, math Lu/Ll, Deseret, CJK ext B
	'\ufffd', 0, 0x7f, 0x10ffff,
}

func randomText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch rng.IntN(10) {
		case 0: // any valid rune
			r := rune(rng.IntN(0x30000))
			if !utf8.ValidRune(r) {
				r = 'x'
			}
			b.WriteRune(r)
		case 1: // a contraction
			b.WriteString([]string{"'s", "'T", "'rE", "'Ve", "'M", "'lL", "'d", "'"}[rng.IntN(8)])
		default:
			b.WriteRune(trickyRunes[rng.IntN(len(trickyRunes))])
		}
	}
	return b.String()
}

// TestRandom compares many random strings over the tricky alphabet.
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 8000
	if testing.Short() {
		n = 1000
	}
	for _, r := range references(t) {
		for i := 0; i < n; i++ {
			s := randomText(rng, 1+rng.IntN(40))
			if msg := r.check(s); msg != "" {
				t.Fatal(msg)
			}
		}
	}
	t.Logf("compared %d random strings per encoding", n)
}

// TestMergeLargeMatchesSmall checks the heap-based merge against tiktoken's
// quadratic merge on pieces of every size.
func TestMergeLargeMatchesSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alpha := []string{"a", "b", "ab", " ", "=", "-", "th", "e", "\n", "é", "日", "😀", "\xff", "0"}
	for _, e := range []*Encoding{O200k(), Cl100k()} {
		for i := 0; i < 3000; i++ {
			var b strings.Builder
			n := 1 + rng.IntN(300)
			for b.Len() < n {
				b.WriteString(alpha[rng.IntN(len(alpha))])
			}
			p := b.String()
			if len(p) > smallPiece {
				p = p[:smallPiece]
			}
			small := e.mergeSmall(p, nil)
			large := e.mergeLarge(p)
			if len(small) != len(large) {
				t.Fatalf("%s %q: small %d parts, large %d", e.Name(), p, len(small)-1, len(large)-1)
			}
			for k := range small {
				if small[k].start != large[k] {
					t.Fatalf("%s %q: boundary %d: small %d, large %d", e.Name(), p, k, small[k].start, large[k])
				}
			}
		}
	}
}

// TestPiecesTile checks that pieces are non-empty and cover the text.
func TestPiecesTile(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, e := range []*Encoding{O200k(), Cl100k()} {
		for i := 0; i < 20000; i++ {
			s := randomText(rng, rng.IntN(60))
			ps := e.pieces(s)
			if strings.Join(ps, "") != s || slices.Contains(ps, "") {
				t.Fatalf("%s %q: pieces %q do not tile", e.Name(), s, ps)
			}
		}
	}
}

// TestContractionFolding documents why ASCII folding suffices in practice:
// regexp2 compares unicode.ToLower(rune) with the pattern, and no non-ASCII
// rune lowers to a letter of 's|'t|'re|'ve|'m|'ll|'d (lowerAt still handles
// them generally).
func TestContractionFolding(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); l < 0x80 && strings.ContainsRune("strevmld'", l) {
			t.Errorf("%U lowers to %q", r, l)
		}
	}
}

func TestConcurrent(t *testing.T) {
	_, texts, _ := atlasFiles(t)
	if len(texts) > 40 {
		texts = texts[:40]
	}
	for _, e := range []*Encoding{O200k(), Cl100k()} {
		want := make([]int, len(texts))
		for i, s := range texts {
			want[i] = e.Count(s)
		}
		e.cache.reset()
		done := make(chan struct{})
		for g := 0; g < 8; g++ {
			go func() {
				defer func() { done <- struct{}{} }()
				for k := range texts {
					i := (k + g*5) % len(texts)
					if n := e.Count(texts[i]); n != want[i] {
						t.Errorf("%s: concurrent Count=%d, want %d", e.Name(), n, want[i])
					}
				}
			}()
		}
		for g := 0; g < 8; g++ {
			<-done
		}
	}
}

func TestName(t *testing.T) {
	if O200k().Name() != "o200k_base" || Cl100k().Name() != "cl100k_base" {
		t.Fatal("wrong names")
	}
	if e, ok := ByName("cl100k_base"); !ok || e != Cl100k() {
		t.Fatal("ByName")
	}
	if _, ok := ByName("p50k_base"); ok {
		t.Fatal("ByName accepted p50k_base")
	}
}

func FuzzCount(f *testing.F) {
	for _, s := range adversarial {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Both valid and invalid UTF-8 are compared: tiktoken-go maps each
		// invalid byte to U+FFFD and so do we.
		if len(s) > 4096 {
			return
		}
		for _, r := range references(t) {
			if msg := r.check(s); msg != "" {
				t.Fatal(msg)
			}
		}
	})
}
