package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/internal/pipeline"
	"github.com/soulc/soulc/targets"
)

// Baselines.
const (
	BaselineNone    = "none"    // no system prompt
	BaselineGeneric = "generic" // GenericPrompt as the system prompt
	BaselineOff     = "off"     // no baseline condition (no lift)
)

// GenericPrompt is the generic baseline's system prompt.
const GenericPrompt = "You are a helpful assistant."

// PrepareOptions say how a SOUL becomes conditions.
type PrepareOptions struct {
	Target targets.Target
	// Budgets are persona budgets in tokens; 0 is "full" (no limit).
	Budgets  []int
	Baseline string // BaselineNone, BaselineGeneric or BaselineOff
	Compile  compile.Options
}

// ParseBudgets reads "512,2048,full"; empty means the target's default.
func ParseBudgets(s string, t targets.Target) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return []int{t.DefaultBudget}, nil
	}
	var out []int
	seen := map[int]bool{}
	for _, f := range strings.Split(s, ",") {
		b, err := pipeline.ParseBudget(f, t)
		if err != nil {
			return nil, err
		}
		if !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	return out, nil
}

// BudgetName is "512" or "full".
func BudgetName(b int) string {
	if b == 0 {
		return "full"
	}
	return strconv.Itoa(b)
}

// NewSuite compiles s for every budget and adds the baseline. cf holds
// the SOUL's cases (from cases.Extract or a parsed case file).
func NewSuite(s *ir.Soul, cf *cases.CaseFile, opt PrepareOptions) (Suite, error) {
	st := Suite{Soul: s.Slug, Cases: cf.Cases}
	if st.Soul == "" {
		st.Soul = cf.Soul
	}
	for _, b := range opt.Budgets {
		res, err := pipeline.Compile(s, opt.Target, b, opt.Compile)
		if err != nil {
			return Suite{}, err
		}
		role := "system"
		if res.Role == "developer" {
			role = "developer"
		}
		c := Condition{Role: role, System: res.Prompt}
		c.Name, c.Kind, c.Budget, c.Tokens = "persona@"+BudgetName(b), "persona", b, res.Tokens
		st.Conditions = append(st.Conditions, c)
	}
	switch opt.Baseline {
	case BaselineOff:
	case BaselineNone:
		c := Condition{}
		c.Name, c.Kind, c.Budget = "baseline:none", "baseline", -1
		st.Conditions = append(st.Conditions, c)
	case BaselineGeneric:
		c := Condition{Role: "system", System: GenericPrompt}
		c.Name, c.Kind, c.Budget = "baseline:generic", "baseline", -1
		if tok, err := opt.Target.Counter(); err == nil {
			c.Tokens = tok.Count(GenericPrompt)
		}
		st.Conditions = append(st.Conditions, c)
	default:
		return Suite{}, fmt.Errorf("baseline %q is not none, generic or off", opt.Baseline)
	}
	return st, nil
}
