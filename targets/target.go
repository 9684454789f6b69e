package targets

import (
	"fmt"
	"slices"
)

// Target describes one compilation target: which tokenizer budgets are counted
// in, how the compiler should lay the prompt out, and which channel it goes in.
type Target struct {
	Name        string   `yaml:"name" json:"name"`
	Family      string   `yaml:"family" json:"family"` // openai, claude, gemini, llama, mistral, plain
	Description string   `yaml:"description" json:"description"`
	Models      []string `yaml:"models" json:"models"` // example model ids this target is for
	Tokenizer   string   `yaml:"tokenizer" json:"tokenizer"`
	// Exact mirrors the tokenizer's Exact(); it is derived, so user YAML that
	// sets it is rejected as an unknown field.
	Exact         bool     `yaml:"-" json:"exact"`
	Layout        string   `yaml:"layout" json:"layout"` // markdown, xml, terse, plain
	Role          string   `yaml:"role" json:"role"`     // system, developer, system_instruction
	ContextWindow int      `yaml:"context_window" json:"context_window"`
	DefaultBudget int      `yaml:"default_budget" json:"default_budget"`
	Overhead      Overhead `yaml:"overhead" json:"overhead"`
}

// Overhead is what the model is sent beyond the compiled body.
type Overhead struct {
	// Tokens is fixed framing (role markers, reply priming, injected
	// headers) counted against the budget, in the target's tokenizer units.
	Tokens int `yaml:"tokens" json:"tokens"`
	// Preamble is text the prompt must start with. The template renders it,
	// so it is counted as part of the body, not in Tokens.
	Preamble string `yaml:"preamble" json:"preamble"`
	// Notes explains the numbers for --explain.
	Notes string `yaml:"notes" json:"notes"`
}

var (
	families    = []string{"claude", "gemini", "llama", "mistral", "openai", "plain"}
	layouts     = []string{"markdown", "plain", "terse", "xml"}
	roles       = []string{"developer", "system", "system_instruction"}
	budgetTiers = []int{500, 1000, 2000, 4000, 8000}
)

// Families lists the valid Target.Family values.
func Families() []string { return slices.Clone(families) }

// Layouts lists the valid Target.Layout values (template names the compiler
// must provide).
func Layouts() []string { return slices.Clone(layouts) }

// Roles lists the valid Target.Role values.
func Roles() []string { return slices.Clone(roles) }

// BudgetTiers lists the budget sizes built-in defaults are chosen from.
func BudgetTiers() []int { return slices.Clone(budgetTiers) }

// BodyBudget is the part of budget left for the compiled body once the fixed
// framing is paid. It never goes below zero.
func (t Target) BodyBudget(budget int) int {
	return max(0, budget-t.Overhead.Tokens)
}

// Counter returns the target's tokenizer (Get(t.Tokenizer)).
func (t Target) Counter() (Tokenizer, error) { return Get(t.Tokenizer) }

// Validate checks the fields a user may set and fills in Exact from the
// tokenizer. Errors name the offending field by its YAML key.
func (t *Target) Validate() error {
	switch {
	case t.Name == "":
		return fieldError{"name", "is required"}
	case !validName(t.Name):
		return fieldError{"name", fmt.Sprintf("%q: use lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", t.Name)}
	case !slices.Contains(families, t.Family):
		return fieldError{"family", fmt.Sprintf("unknown family %q%s", t.Family, didYouMean(t.Family, families))}
	case !slices.Contains(layouts, t.Layout):
		return fieldError{"layout", fmt.Sprintf("unknown layout %q%s", t.Layout, didYouMean(t.Layout, layouts))}
	case !slices.Contains(roles, t.Role):
		return fieldError{"role", fmt.Sprintf("unknown role %q%s", t.Role, didYouMean(t.Role, roles))}
	case t.ContextWindow < 0:
		return fieldError{"context_window", "must not be negative (0 means unknown)"}
	case t.DefaultBudget <= 0:
		return fieldError{"default_budget", "must be positive"}
	case t.ContextWindow > 0 && t.DefaultBudget > t.ContextWindow:
		return fieldError{"default_budget", fmt.Sprintf("%d exceeds context_window %d", t.DefaultBudget, t.ContextWindow)}
	case t.Overhead.Tokens < 0:
		return fieldError{"overhead", "tokens must not be negative"}
	case t.Overhead.Tokens >= t.DefaultBudget:
		return fieldError{"overhead", fmt.Sprintf("tokens %d leave nothing of default_budget %d", t.Overhead.Tokens, t.DefaultBudget)}
	}
	tok, err := lookupTokenizer(t.Tokenizer)
	if err != nil {
		return fieldError{"tokenizer", err.Error()}
	}
	t.Exact = tok.Exact()
	return nil
}

// fieldError is a validation failure tied to one YAML key, so the loader can
// point at its line.
type fieldError struct{ field, msg string }

func (e fieldError) Error() string { return e.field + ": " + e.msg }

func validName(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case i > 0 && (r == '-' || r == '_' || r == '.'):
		default:
			return false
		}
	}
	return len(s) <= 64
}
