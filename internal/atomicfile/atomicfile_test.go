package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	_ "github.com/soulc/soulc/internal/golden"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b.txt")
	if err := Write(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "two" {
		t.Fatalf("got %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	// A folder in the way makes the rename fail; no temp file may remain.
	if err := os.MkdirAll(filepath.Join(dir, "c", "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(dir, "c", "d"), []byte("x"), 0o644); err == nil {
		t.Fatal("want error writing over a folder")
	}
	entries, _ = os.ReadDir(filepath.Join(dir, "c"))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
