package cases

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/internal/golden"
)

// Every test package imports golden: `go test ./... -update` passes -update
// to every test binary.
var _ = golden.Check

const (
	exampleSOUL = "../../examples/ai-safety-researcher"
	atlasSouls  = "../../../shared/atlas/souls"
)

func loadSoul(t testing.TB, path string) *ir.Soul {
	t.Helper()
	s, err := load.Load(path, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// loadMarkdown loads a SOUL given as Markdown text (as from stdin).
func loadMarkdown(t testing.TB, md string) *ir.Soul {
	t.Helper()
	s, err := load.Load("-", load.Options{Stdin: strings.NewReader(md)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func exampleCases(t testing.TB, kinds ...string) *CaseFile {
	t.Helper()
	cf, _, err := Extract(loadSoul(t, exampleSOUL), ExtractOptions{SourceRoot: "../..", Variants: kinds})
	if err != nil {
		t.Fatal(err)
	}
	return cf
}

func atlasDirs(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(atlasSouls); err != nil {
		t.Skipf("SOUL Atlas not found at %s (relative to evals/cases): skipping the all-atlas test", atlasSouls)
	}
	dirs, err := filepath.Glob(filepath.Join(atlasSouls, "*"))
	if err != nil || len(dirs) == 0 {
		t.Skipf("no SOULs under %s", atlasSouls)
	}
	return dirs
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
