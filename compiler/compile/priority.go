package compile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/soulc/soulc/compiler/atlas"
	"github.com/soulc/soulc/compiler/ir"
)

// DefaultPriorities rank sections for the fitter (0..100). Identity comes
// first; then the operational content experts reason with; then the
// material a model needs least at run time. Research on persona prompts
// (docs/compile.md) finds identity text alone buys little, so the budget
// goes to how the expert decides, not to biography.
var DefaultPriorities = map[string]int{
	"core-mission":                     100,
	"purpose":                          95,
	"preamble":                         85,
	"guiding-principles":               80,
	"decision-frameworks":              78,
	"mental-models":                    76,
	"questions-experts-constantly-ask": 74,
	"first-principles":                 68,
	"ethics":                           66,
	"workflow":                         64,
	"failure-modes":                    62,
	"anti-patterns":                    60,
	"rules-of-thumb":                   58,
	"primary-responsibilities":         56,
	"common-tradeoffs":                 54,
	ir.Custom:                          50,
	"collaboration":                    40,
	"scenarios":                        30,
	"vocabulary":                       26,
	"tools":                            22,
	"related-occupations":              10,
	"references":                       5,
}

// ParsePriorities reads --priority values like "Mental Models=90" or
// "mental-models=90" into section-id keys.
func ParsePriorities(specs []string) (map[string]int, error) {
	out := map[string]int{}
	for _, spec := range specs {
		name, val, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, fmt.Errorf("priority %q: want SECTION=NUMBER, like \"Mental Models=90\"", spec)
		}
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 0 || n > 100 {
			return nil, fmt.Errorf("priority %q: the number must be 0..100", spec)
		}
		out[SectionKey(name)] = n
	}
	return out, nil
}

// SectionKey normalises a section name given by a user: a canonical heading
// or id maps to the canonical id; anything else to its lower-case heading.
func SectionKey(name string) string {
	name = strings.TrimSpace(name)
	if s, ok := atlas.Lookup(name); ok {
		return s.ID
	}
	if s, ok := atlas.ByID(strings.ToLower(name)); ok {
		return s.ID
	}
	return strings.ToLower(name)
}

func sectionPriority(kind, heading string, user map[string]int) int {
	if p, ok := user[strings.ToLower(heading)]; ok && kind == ir.Custom {
		return p
	}
	if p, ok := user[kind]; ok {
		return p
	}
	if p, ok := DefaultPriorities[kind]; ok {
		return p
	}
	return DefaultPriorities[ir.Custom]
}
