package runner

import (
	"testing"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/targets"
)

func TestNewSuiteFromExample(t *testing.T) {
	s, err := load.Load("../../examples/ai-safety-researcher", load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cf, _, err := cases.Extract(s, cases.ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ target, role string }{{"openai", "system"}, {"openai-reasoning", ""}} {
		tgt, err := targets.NewRegistry().Lookup(tc.target)
		if err != nil {
			t.Fatal(err)
		}
		budgets, err := ParseBudgets("512, full,512", tgt)
		if err != nil || len(budgets) != 2 || budgets[1] != 0 {
			t.Fatalf("budgets %v %v", budgets, err)
		}
		st, err := NewSuite(s, cf, PrepareOptions{Target: tgt, Budgets: budgets, Baseline: BaselineGeneric, Compile: compile.Options{}})
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"persona@512", "persona@full", "baseline:generic"}
		if len(st.Conditions) != 3 || st.Soul != "ai-safety-researcher" || len(st.Cases) != len(cf.Cases) {
			t.Fatalf("suite %+v", st.Conditions)
		}
		for i, c := range st.Conditions {
			if c.Name != names[i] || c.System == "" {
				t.Errorf("condition %d = %s", i, c.Name)
			}
		}
		p512, full := st.Conditions[0], st.Conditions[1]
		if p512.Tokens > 512 || full.Tokens <= p512.Tokens || p512.Budget != 512 || full.Budget != 0 {
			t.Errorf("tokens 512:%d full:%d", p512.Tokens, full.Tokens)
		}
		want := tc.role
		if want == "" {
			want = "developer"
			if tgt.Role != "developer" {
				want = "system"
			}
		}
		if p512.Role != want {
			t.Errorf("%s: role %q, want %q (target role %q)", tc.target, p512.Role, want, tgt.Role)
		}
	}
	if _, err := NewSuite(s, cf, PrepareOptions{Baseline: "weird"}); err == nil {
		t.Error("bad baseline accepted")
	}
	if _, err := ParseBudgets("12x", targets.Target{}); err == nil {
		t.Error("bad budget accepted")
	}
}
