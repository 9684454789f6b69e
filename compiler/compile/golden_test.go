package compile_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/internal/golden"
	"github.com/soulc/soulc/targets"
)

// TestGoldenTargets pins the example SOUL's prompt for every built-in target
// at two budgets, with the fit decisions, so any change to templates,
// priorities or the fitter shows up as a reviewed diff.
func TestGoldenTargets(t *testing.T) {
	s, err := load.Load("../../examples/ai-safety-researcher", load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets.Builtin() {
		for _, b := range []int{500, 2000} {
			t.Run(fmt.Sprintf("%s-%d", tg.Name, b), func(t *testing.T) {
				opt := optionsFor(t, tg.Name)
				opt.Budget = b
				res, err := compile.Compile(s, opt)
				if err != nil {
					t.Fatal(err)
				}
				if res.Tokens > b {
					t.Fatalf("%d tokens over budget %d", res.Tokens, b)
				}
				var out strings.Builder
				fmt.Fprintf(&out, "# target=%s tokenizer=%s exact=%v budget=%d tokens=%d (body %d + overhead %d)\n", res.Target, res.Tokenizer, res.Exact, res.Budget, res.Tokens, res.BodyTokens, res.OverheadTokens)
				fmt.Fprintf(&out, "# kept=%d condensed=%d dropped=%d\n", len(res.Kept), len(res.Condensed), len(res.Dropped))
				for _, d := range res.Decisions {
					if d.Level > 0 && d.Level < d.Levels {
						fmt.Fprintf(&out, "# condensed %d/%d: %s\n", d.Level, d.Levels, d.Item)
					}
				}
				out.WriteString(res.Prompt)
				out.WriteString("\n")
				golden.Check(t, filepath.Join("testdata", fmt.Sprintf("%s-%d.golden", tg.Name, b)), []byte(out.String()))
			})
		}
	}
}

// TestMinimumTooLarge: a budget below title + Core Mission is an error that
// names the minimum.
func TestMinimumTooLarge(t *testing.T) {
	s, err := load.Load("../../examples/ai-safety-researcher", load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opt := optionsFor(t, "openai")
	opt.Budget = 20
	_, err = compile.Compile(s, opt)
	me, ok := err.(*compile.MinimumError)
	if !ok || me.Minimum <= 20 || !strings.Contains(err.Error(), "minimum prompt") {
		t.Fatalf("want MinimumError, got %v", err)
	}
}

// TestEstimatedTargetsAreMarked: targets without an offline tokenizer say so.
func TestEstimatedTargetsAreMarked(t *testing.T) {
	for _, name := range []string{"claude", "gemini", "llama3", "mistral"} {
		tg, _ := targets.NewRegistry().Lookup(name)
		tok, err := tg.Counter()
		if err != nil {
			t.Fatal(err)
		}
		if tok.Exact() {
			t.Errorf("%s: counted exactly? it has no offline tokenizer", name)
		}
	}
}

func TestPrioritiesAndExclude(t *testing.T) {
	s, _ := load.Load("../../examples/ai-safety-researcher", load.Options{})
	opt := optionsFor(t, "openai")
	opt.Budget = 800
	opt.Exclude = []string{"guiding-principles"}
	pr, err := compile.ParsePriorities([]string{"Scenarios=99"})
	if err != nil {
		t.Fatal(err)
	}
	opt.Priorities = pr
	res, err := compile.Compile(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(res.Prompt, "## Guiding Principles") {
		t.Error("excluded section rendered")
	}
	if !strings.Contains(res.Prompt, "## Scenarios") {
		t.Error("Scenarios at priority 99 should make it into 800 tokens")
	}
	if _, err := compile.ParsePriorities([]string{"Mental Models"}); err == nil {
		t.Error("want error for a priority without =N")
	}
}
