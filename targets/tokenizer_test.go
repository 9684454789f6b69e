package targets

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
)

func TestNamesAndGet(t *testing.T) {
	want := []string{"chars4-estimate", "cl100k_base", "claude-estimate", "gemini-estimate", "llama3-estimate", "mistral-estimate", "o200k_base"}
	if got := Names(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	exact := map[string]bool{O200kBase: true, Cl100kBase: true}
	for _, n := range want {
		tok := mustGet(t, n)
		if tok.Name() != n {
			t.Errorf("Get(%q).Name() = %q", n, tok.Name())
		}
		if tok.Exact() != exact[n] {
			t.Errorf("%s: Exact() = %v, want %v", n, tok.Exact(), exact[n])
		}
	}
}

func TestGetUnknown(t *testing.T) {
	tests := []struct{ name, want string }{
		{"o200k", `did you mean "o200k_base"?`},
		{"cl100k-base", `did you mean "cl100k_base"?`},
		{"claude", `did you mean "claude-estimate"?`},
		{"gemni-estimate", `did you mean "gemini-estimate"?`},
		{"zzzzzzzzzzzzzz", `known: chars4-estimate, cl100k_base`},
	}
	for _, tc := range tests {
		_, err := Get(tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Get(%q) error = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	if _, err := Get("zzzzzzzzzzzzzz"); strings.Contains(err.Error(), "did you mean") {
		t.Errorf("unrelated name got a suggestion: %v", err)
	}
}

// Special-token look-alikes, broken UTF-8 and pathological inputs must count
// as text, never panic.
func TestCountNeverPanics(t *testing.T) {
	inputs := []string{
		"", "<|endoftext|>", "<|endofprompt|>", "<|endoftext|><|endoftext|>",
		"<|im_start|>system<|im_sep|>x<|im_end|>", "<|start|>developer<|message|>x<|end|>",
		"<|begin_of_text|><|eot_id|>", "<|fim_prefix|>", "<|", "|>",
		"\xff\xfe\xfd", "a\x00b", "\xed\xa0\x80", // invalid UTF-8, NUL, surrogate half
		strings.Repeat(" ", 10000) + "x", strings.Repeat("a", 20000), strings.Repeat("🎉", 3000),
		strings.Repeat("<|endoftext|>", 500),
	}
	for _, name := range Names() {
		tok := mustGet(t, name)
		for _, in := range inputs {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s.Count(%.40q) panicked: %v", name, in, r)
					}
				}()
				n := tok.Count(in)
				if n < 0 || (in == "" && n != 0) || (in != "" && n == 0) {
					t.Errorf("%s.Count(%.40q) = %d", name, in, n)
				}
			}()
		}
	}
}

func TestSpecialTokensCountAsText(t *testing.T) {
	o := mustGet(t, O200kBase)
	// As a special token <|endoftext|> would be 1 token; as text it is several.
	if n := o.Count("<|endoftext|>"); n <= 1 {
		t.Errorf("o200k_base counted <|endoftext|> as %d token(s); want ordinary-text encoding", n)
	}
}

// TestEstimateIsUpperBoundOfBase: estimate >= base * ratio, for any text.
func TestEstimateIsUpperBoundOfBase(t *testing.T) {
	base := mustGet(t, O200kBase)
	texts := []string{"", "a", "Hello, world!", strings.Repeat("persona rule ", 97), "中文 🎉 <|endoftext|>\r\n"}
	for _, name := range []string{ClaudeEstimate, GeminiEstimate, Llama3Estimate, MistralEstimate} {
		ratio, baseName, ok := EstimateRatio(name)
		if !ok || baseName != O200kBase || ratio < 1 {
			t.Fatalf("EstimateRatio(%q) = %v, %q, %v", name, ratio, baseName, ok)
		}
		est := mustGet(t, name)
		for _, s := range texts {
			b := base.Count(s)
			got := est.Count(s)
			if float64(got) < float64(b)*ratio || got > int(math.Ceil(float64(b)*ratio))+1 {
				t.Errorf("%s.Count(%q) = %d; base %d x %.3f = %.2f", name, s, got, b, ratio, float64(b)*ratio)
			}
		}
	}
	for _, name := range []string{O200kBase, Cl100kBase, Chars4Estimate} {
		if _, _, ok := EstimateRatio(name); ok {
			t.Errorf("EstimateRatio(%q) reported a ratio", name)
		}
	}
}

func TestChars4(t *testing.T) {
	c := mustGet(t, Chars4Estimate)
	tests := []struct {
		in   string
		want int
	}{{"", 0}, {"abcd", 1}, {"abcde", 2}, {"中文", 2}, {"ab中", 2}, {"\xff", 1}}
	for _, tc := range tests {
		if got := c.Count(tc.in); got != tc.want {
			t.Errorf("chars4(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// Memoised counts must equal fresh ones, including for substrings of a
// larger string (the memo clones keys).
func TestMemoConsistent(t *testing.T) {
	doc := strings.Repeat("The expert asks: what would falsify this? ", 50)
	for i := 0; i < 3; i++ {
		for _, enc := range []*bpeTokenizer{o200k, cl100k} {
			for _, s := range []string{doc, doc[:100], doc[7:613]} {
				if got, want := enc.Count(s), enc.count(s); got != want {
					t.Fatalf("%s: memoised %d != fresh %d", enc.name, got, want)
				}
			}
		}
	}
}

func TestMemoBounded(t *testing.T) {
	m := newMemo()
	key := strings.Repeat("x", 100<<10)
	for i := 0; i < 2000; i++ {
		m.put(fmt.Sprintf("%d%s", i, key), i)
	}
	total := 0
	for i := range m.shards {
		sh := &m.shards[i]
		if sh.bytes > memoBytesPerShard {
			t.Errorf("shard %d holds %d bytes, limit %d", i, sh.bytes, memoBytesPerShard)
		}
		n := 0
		for k := range sh.m {
			n += len(k)
		}
		if n != sh.bytes {
			t.Errorf("shard %d: accounted %d bytes, holds %d", i, sh.bytes, n)
		}
		total += sh.bytes
	}
	if total > memoShards*memoBytesPerShard {
		t.Errorf("memo holds %d bytes", total)
	}
	m.put(strings.Repeat("y", memoMaxKey+1), 1)
	if _, ok := m.get(strings.Repeat("y", memoMaxKey+1)); ok {
		t.Error("oversized key was cached")
	}
}

// Run under -race: first use, memo hits and misses from many goroutines.
func TestConcurrentCount(t *testing.T) {
	texts := []string{"alpha <|endoftext|> beta", "中文 emoji 🎉", strings.Repeat("rule ", 200), "CRLF\r\nline"}
	want := map[string][]int{}
	for _, name := range Names() {
		tok := mustGet(t, name)
		for _, s := range texts {
			want[name] = append(want[name], tok.Count(s))
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				for _, name := range Names() {
					tok, err := Get(name)
					if err != nil {
						t.Error(err)
						return
					}
					for j, s := range texts {
						// a fresh string per goroutine exercises memo misses too
						s2 := fmt.Sprintf("%s %d", s, (g+i)%5)
						tok.Count(s2)
						if got := tok.Count(s); got != want[name][j] {
							t.Errorf("%s: concurrent Count = %d, want %d", name, got, want[name][j])
						}
					}
				}
			}
		}(g)
	}
	wg.Wait()
}

// First use from many goroutines at once: the loader and the encoding are
// each initialised exactly once.
func TestConcurrentFirstUse(t *testing.T) {
	fresh := &bpeTokenizer{name: Cl100kBase, memo: newMemo()}
	want := mustGet(t, Cl100kBase).Count("first use <|endoftext|>")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := fresh.Count("first use <|endoftext|>"); got != want {
				t.Errorf("fresh encoding counted %d, want %d", got, want)
			}
		}()
	}
	wg.Wait()
}
