package lint_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/lint"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/internal/golden"
)

// TestAtlasHasNoErrors: the Atlas's own SOULs satisfy its own rules.
func TestAtlasHasNoErrors(t *testing.T) {
	paths := atlasPaths(t)
	if len(paths) != 643 {
		t.Errorf("atlas has %d SOULs, want 643", len(paths))
	}
	for _, p := range paths {
		s, err := load.Load(p, load.Options{})
		if err != nil {
			t.Errorf("load: %v", err)
			continue
		}
		for _, d := range lint.Check(s) {
			if d.Severity == diag.Error {
				t.Errorf("%s", d)
			}
		}
	}
}

func TestExampleIsClean(t *testing.T) {
	s, err := load.Load("../../examples/ai-safety-researcher", load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := lint.Check(s); len(got) != 0 {
		t.Errorf("example has findings: %v", got)
	}
}

// TestFindings pins every rule's message on a deliberately broken SOUL.
func TestFindings(t *testing.T) {
	for _, name := range []string{"broken", "freeform.md"} {
		s, err := load.Load(filepath.Join("testdata", name), load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, d := range lint.Check(s) {
			b.WriteString(d.String())
			b.WriteByte('\n')
		}
		golden.Check(t, filepath.Join("testdata", name+".golden"), []byte(b.String()))
	}
}

func TestRulesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range lint.Rules {
		if seen[r.Code] || seen[r.Name] {
			t.Errorf("duplicate rule %s %s", r.Code, r.Name)
		}
		seen[r.Code], seen[r.Name] = true, true
	}
}
