package compile

import (
	"os"
	"testing"

	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/targets"
)

// TestIncrementalCostsAreExact: counting sentence-prefix notches
// incrementally gives exactly the whole-string counts.
func TestIncrementalCostsAreExact(t *testing.T) {
	paths := []string{"../../examples/ai-safety-researcher", "testdata/../../load/testdata/forms/freeform.md"}
	const atlasDir = "../../../shared/atlas/souls"
	if _, err := os.Stat(atlasDir); err != nil {
		t.Logf("atlas not found at %s: checking the example SOULs only", atlasDir)
	} else if atlas, err := load.Expand([]string{atlasDir}); err == nil {
		for i := 0; i < len(atlas); i += 16 {
			paths = append(paths, atlas[i])
		}
	}
	for _, name := range []string{targets.O200kBase, targets.Cl100kBase} {
		tok, err := targets.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			s, err := load.Load(p, load.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, style := range []Style{StyleMarkdown, StylePlain} {
				_, units := buildUnits(s, &Options{Style: style})
				for _, u := range units {
					got := unitCosts(u, tok.Count)
					sep := "\n"
					if u.block() {
						sep = "\n\n"
					}
					for j, n := range u.notches {
						if want := tok.Count(n + sep); got[j] != want {
							t.Errorf("%s %s %s notch %d: incremental %d, whole %d", name, p, u.name, j+1, got[j], want)
						}
					}
				}
			}
		}
	}
}
