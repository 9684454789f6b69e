package bpe

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/dlclark/regexp2"
	tiktoken "github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// The reference implementation is tiktoken-go's EncodeOrdinary with the
// same embedded vocabularies.

func TestMain(m *testing.M) {
	tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
	os.Exit(m.Run())
}

type refEnc struct {
	ours *Encoding
	tk   *tiktoken.Tiktoken
	re   *regexp2.Regexp // the split pattern, for piece-level diagnostics
}

var (
	refOnce sync.Once
	refs    []refEnc
	refErr  error
)

// references returns o200k_base and cl100k_base with their references.
func references(tb testing.TB) []refEnc {
	tb.Helper()
	refOnce.Do(func() {
		for _, e := range []*Encoding{O200k(), Cl100k()} {
			tk, err := tiktoken.GetEncoding(e.Name())
			if err != nil {
				refErr = err
				return
			}
			var pat string
			switch e.Name() {
			case O200kBase:
				pat = strings.Join([]string{
					`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
					`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
					`\p{N}{1,3}`,
					` ?[^\s\p{L}\p{N}]+[\r\n/]*`,
					`\s*[\r\n]+`,
					`\s+(?!\S)`,
					`\s+`,
				}, "|")
			case Cl100kBase:
				pat = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
			}
			refs = append(refs, refEnc{ours: e, tk: tk, re: regexp2.MustCompile(pat, regexp2.None)})
		}
	})
	if refErr != nil {
		tb.Fatalf("loading tiktoken-go reference: %v", refErr)
	}
	return refs
}

// refPieces splits text with regexp2 exactly as tiktoken-go does.
func (r refEnc) refPieces(text string) []string {
	runes := []rune(text)
	var out []string
	m, _ := r.re.FindStringMatch(text)
	for m != nil {
		out = append(out, string(runes[m.Index:m.Index+m.Length]))
		m, _ = r.re.FindNextMatch(m)
	}
	return out
}

// check compares Count and Encode with tiktoken-go and returns a
// description of the first mismatch, or "".
func (r refEnc) check(text string) string {
	want := r.tk.EncodeOrdinary(text)
	got := r.ours.Encode(text)
	n := r.ours.Count(text)
	if n == len(want) && slices.Equal(got, want) {
		return ""
	}
	msg := fmt.Sprintf("%s %q: Count=%d Encode len=%d, tiktoken-go=%d", r.ours.Name(), trunc(text), n, len(got), len(want))
	wp, gp := r.refPieces(text), r.ours.pieces(text)
	for i := 0; i < len(wp) || i < len(gp); i++ {
		var w, g string
		if i < len(wp) {
			w = wp[i]
		}
		if i < len(gp) {
			g = gp[i]
		}
		if w != g {
			return msg + fmt.Sprintf("; first differing piece #%d: ours %q, regexp2 %q", i, g, w)
		}
	}
	return msg + "; pieces agree, merge differs"
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

var adversarial = []string{
	"",
	"hello world",
	"Hello, World!",
	"it's It'S IT'S they're THEY'RE we've WE'VE I'm I'M you'll YOU'LL he'd HE'D",
	"'s 'S 't 'T 're 'RE 'Re 'rE 've 'VE 'm 'M 'll 'LL 'Ll 'lL 'd 'D",
	"'s", "'S", "'Ll", "'ll", "'l", "'r", "'", "''", "'''s", "x'", "x''s", "don't", "DON'T", "Don'T", "rock'n'roll",
	"'sup", "'tis", "'relative", "'velvet", "'mmm", "'lla", "'dd", " 's", "\n's", "1's", "_'s", "é's", "日本's",
	"<|endoftext|>", "<|endofprompt|>", "<|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>", "a<|endoftext|>b",
	"line1\r\nline2\r\n", "\r\n", "\r\n\r\n", "\r", "a\rb", "\r\r\n\n", "x\r\n/", "\r\n/", "a/\n/b",
	"\t", "\tx", "\t\tx", "a\tb", "\t\n", " \t \n",
	"trailing   \nspaces  \n", "x   ", "x \n", "x  \n\n  y", "  \n\n  x", "   ", " ", "  x", " x", "x  y", "x\n \ny",
	"\n", "\n\n\n", "\n \n", " \n", "\n x", "\u00a0x", "x\u00a0\u00a0y", "\u3000\u3000日本", "a\u2028b", "a\u0085b", "\v\f x",
	"1", "12", "123", "1234", "1234567", "12345678901234567890", " 1234", "x1234y", "3.14159", "1,000,000", "٣٤٥٦", "ⅫⅫ", "½¼¾", "①②③④",
	"😀", "😀😀😀", " 😀", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "x😀y", "a 👩‍💻 b", "🇺🇸🇫🇷",
	"日本語のテキスト", "中文文本，标点。", "한국어 텍스트", "ภาษาไทย", "हिन्दी भाषा",
	"مرحبا بالعالم", "שלום עולם", "Привет, мир!", "Ελληνικά",
	"é", "e\u0301", "cafe\u0301", "CAFE\u0301", "\u0301", "\u0301\u0301x", " \u0301", "x \u0301y", "\u0301'S", "A\u0301B\u0301c",
	"//", "///", "// comment", "http://example.com/a/b", " //", "a//b", "/\n/", "!/\r\n",
	"HTTPServer", "McDonald's", "iPhone", "XMLHttpRequest", "camelCaseWord", "ALLCAPS", "ǅungla", "ǅ", "ʰʰx", "Aʰb", "ABʰ",
	"!!!\n\n", "!!!", "...", " ...", "?!\n", "--- \n", "***bold***", "`code`", "```go\nfunc main() {}\n```\n",
	"# Heading\n\n- item one\n- item two\n\n> quote\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
	" hello", "  hello", "   hello", "\thello", "\nhello", " Hello", " 'hello'", " \"quoted\"", " (paren)", "$100", " $100",
	"İstanbul", "\u212Aelvin", "straße STRASSE", "ﬁnance", "𝐀𝐁𝐂 𝐚𝐛𝐜", "𐐀𐐨", "x\x00y", "\x7f", "a\u200bb", "a\u200db", "\ufeffBOM",
	strings.Repeat("a", 300), strings.Repeat(" ", 300) + "x", strings.Repeat("=", 400), strings.Repeat("ab", 200), strings.Repeat("😀", 100),
	strings.Repeat("1", 100), strings.Repeat("\n", 100), strings.Repeat(" \n", 100), strings.Repeat("-", 1000) + "\n",
	"invalid \xff utf8", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80", "a\xffb's", "\xff\xfe", "x\x80\x80\x80",
}

func TestAdversarial(t *testing.T) {
	compared := 0
	for _, r := range references(t) {
		for _, s := range adversarial {
			if msg := r.check(s); msg != "" {
				t.Error(msg)
			}
			compared++
		}
		// Pairwise concatenations exercise every boundary between classes.
		for _, a := range adversarial {
			for _, b := range adversarial {
				if len(a)+len(b) > 100 {
					continue
				}
				if msg := r.check(a + b); msg != "" {
					t.Error(msg)
				}
				compared++
			}
		}
	}
	t.Logf("compared %d strings", compared)
}

// atlasDir holds the persona atlas relative to this package.
const atlasDir = "../../../shared/atlas/souls"

func atlasFiles(tb testing.TB) (names []string, texts []string, total int) {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(atlasDir, "*", "SOUL.md"))
	if err != nil || len(paths) == 0 {
		tb.Skipf("atlas not found at %s (expected */SOUL.md); skipping atlas comparison", atlasDir)
	}
	sort.Strings(paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		names = append(names, p)
		texts = append(texts, string(b))
		total += len(b)
	}
	return names, texts, total
}

func TestMatchesTiktokenGo(t *testing.T) {
	names, texts, total := atlasFiles(t)
	for _, r := range references(t) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		tokens := 0
		work := make(chan int)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					msg := r.check(texts[i])
					mu.Lock()
					tokens += r.ours.Count(texts[i])
					mu.Unlock()
					if msg != "" {
						t.Errorf("%s: %s", names[i], msg)
					}
				}
			}()
		}
		for i := range texts {
			work <- i
		}
		close(work)
		wg.Wait()
		t.Logf("%s: %d files, %d bytes, %d tokens: all match tiktoken-go", r.ours.Name(), len(texts), total, tokens)
	}
}
