package load_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/lint"
	"github.com/soulc/soulc/compiler/load"
)

var fuzzForms = []ir.Form{"", ir.FormYAML, ir.FormJSON, ir.FormMarkdown}

// FuzzLoad feeds arbitrary bytes to the loader in every form: it must return
// a SOUL or an error, never panic or hang, and what it returns must lint and
// encode. Seeds: the examples, the bad inputs, and testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"../../examples/exports/*", "testdata/forms/*", "testdata/bad/*", "../../examples/ai-safety-researcher/*"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, uint8(0))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, form uint8) {
		s, err := load.LoadBytes("fuzz", data, fuzzForms[int(form)%len(fuzzForms)])
		if err != nil {
			return
		}
		if s.Title == "" || s.Slug == "" {
			t.Fatalf("loaded a SOUL with no title or slug: %q %q", s.Title, s.Slug)
		}
		if !load.SlugPattern.MatchString(s.Slug) {
			t.Fatalf("invalid slug %q", s.Slug)
		}
		lint.Check(s)
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("IR does not encode: %v", err)
		}
	})
}
