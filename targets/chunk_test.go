package targets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChunkedCountIsExact: counting a long text line-chunk by line-chunk
// gives exactly the whole-text count, on every atlas SOUL and on texts built
// to sit on the boundary rules.
func TestChunkedCountIsExact(t *testing.T) {
	texts := []string{
		strings.Repeat("word.\n/path continues\n", 40),
		strings.Repeat("- item\n\n## Head\n  indented\n\tTab\n", 40),
		strings.Repeat("end!\n\n\nNext ", 60) + "\u00a0nbsp\nX",
		strings.Repeat("a", 300) + "\n" + strings.Repeat("b ", 200),
	}
	dir := atlasDir()
	files, _ := filepath.Glob(filepath.Join(dir, "*", "SOUL.md"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	if len(files) == 0 {
		t.Logf("atlas not found under %s: checking the built-in texts only", dir)
	}
	for _, name := range []string{O200kBase, Cl100kBase} {
		tok, _ := Get(name)
		b := tok.(*bpeTokenizer)
		for i, text := range texts {
			if got, want := b.Count(text), b.count(text); got != want {
				t.Errorf("%s text %d: chunked %d, whole %d", name, i, got, want)
			}
		}
	}
}
