// Package layers holds one test: the import rules between soulc's packages
// (docs/architecture.md), checked with `go list -deps` on the real build
// graph, the way buf keeps its own layering honest.
package layers

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	_ "github.com/soulc/soulc/internal/golden"
)

const mod = "github.com/soulc/soulc/"

// rules: packages under a prefix must not depend on these (non-test deps).
var rules = []struct {
	prefix    string
	forbidden []string
}{
	{mod + "compiler/", []string{"github.com/spf13/cobra", "github.com/sashabaranov/go-openai", mod + "targets", mod + "evals", mod + "cmd", mod + "internal/pipeline"}},
	{mod + "targets", []string{"github.com/spf13/cobra", "github.com/sashabaranov/go-openai", mod + "compiler", mod + "evals", mod + "cmd"}},
	{mod + "templates", []string{"github.com/spf13/cobra", mod + "compiler", mod + "targets", mod + "evals"}},
	{mod + "evals/", []string{"github.com/spf13/cobra", mod + "cmd"}},
	{mod + "evals/stats", []string{"github.com/"}},
	{mod + "evals/results", []string{"github.com/sashabaranov/go-openai", mod + "compiler"}},
}

func TestImportLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		for _, r := range rules {
			if !strings.HasPrefix(p.ImportPath, r.prefix) {
				continue
			}
			checked++
			for _, d := range p.Deps {
				for _, f := range r.forbidden {
					if strings.HasPrefix(d, f) && !strings.HasPrefix(p.ImportPath, f) {
						t.Errorf("%s depends on %s", p.ImportPath, d)
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d packages; is go list finding the module?", checked)
	}
}
