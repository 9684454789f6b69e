package compile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"text/template"

	"github.com/soulc/soulc/compiler/fit"
	"github.com/soulc/soulc/compiler/ir"
)

// Options describe the target and the budget. The CLI fills them from a
// targets.Target; tests can fill them directly.
type Options struct {
	Target    string
	Family    string
	Tokenizer string
	Exact     bool
	Role      string
	// Count counts tokens the way the target does (exactly or as a
	// conservative estimate). It must be deterministic.
	Count func(string) int
	// For an estimated tokenizer defined as a scaled base encoding, the
	// fitter's per-item estimates can be made from the base counts
	// (BaseCount, named BaseTokenizer) scaled by Scale, and shared with every
	// target on the same base. The final prompt is always counted by Count.
	BaseTokenizer string
	BaseCount     func(string) int
	Scale         func(int) int
	Template      *template.Template
	Style         Style
	// Preamble is text the prompt must start with (the template prints it).
	Preamble string
	// OverheadTokens is what the request adds around the prompt (message
	// framing, injected chat-template headers); it counts against Budget.
	OverheadTokens int
	// Budget is the most tokens the model may be sent; 0 means no limit.
	Budget     int
	Priorities map[string]int // section id (or lower-case custom heading) -> 0..100
	Include    []string       // section keys to keep (Core Mission always stays)
	Exclude    []string       // section keys to drop
}

// MinimumError says the smallest prompt (title + Core Mission) is larger
// than the budget.
type MinimumError struct {
	Target  string
	Minimum int
	Budget  int
}

func (e *MinimumError) Error() string {
	return fmt.Sprintf("budget %d is too small for target %s: the minimum prompt (title + Core Mission, with framing) needs %d tokens; use -b %d or more", e.Budget, e.Target, e.Minimum, e.Minimum)
}

// Compile fits s into opt.Budget and renders it.
func Compile(s *ir.Soul, opt Options) (*Result, error) {
	if opt.Count == nil || opt.Template == nil {
		return nil, errors.New("compile: Options.Count and Options.Template are required")
	}
	if opt.Style == "" {
		opt.Style = StyleMarkdown
	}
	prep := prepare(s, &opt)
	secs, units := prep.secs, prep.units
	r := &renderer{tmpl: opt.Template, style: opt.Style, secs: secs, units: units,
		base: Data{Title: s.Title, Slug: s.Slug, Summary: s.Meta.Summary, Preamble: opt.Preamble}}

	lines := map[string]int{}
	count := func(text string) int {
		if n, ok := lines[text]; ok {
			return n
		}
		n := opt.Count(text)
		lines[text] = n
		return n
	}

	// Estimated costs: each notch counted alone, each section's opening
	// measured by rendering it empty.
	groupCost, err := prep.groupCosts(r, opt.Tokenizer, count)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", opt.Template.Name(), err)
	}
	fu := make([]fit.Unit, len(units))
	mandatory := mandatoryUnits(secs, units)
	var costs [][]int
	if opt.BaseCount == nil || opt.Scale == nil {
		costs = prep.notchCosts(opt.Tokenizer, count)
	} else {
		base := prep.notchCosts(opt.BaseTokenizer, opt.BaseCount)
		costs = make([][]int, len(base))
		for i, c := range base {
			costs[i] = make([]int, len(c))
			for j, n := range c {
				costs[i][j] = opt.Scale(n)
			}
		}
	}
	for i, u := range units {
		fu[i] = fit.Unit{Group: u.section, Index: u.index, Priority: weight(secs[u.section].priority), Costs: costs[i], Fidelity: u.fidelity, Mandatory: mandatory[i]}
	}

	st0 := make(state, len(units))
	for i := range units {
		if mandatory[i] {
			st0[i] = len(units[i].notches)
		}
	}
	exactCount := func(st state) (int, string, error) {
		text, err := r.render(r.data(st))
		if err != nil {
			return 0, "", fmt.Errorf("template %s: %w", opt.Template.Name(), err)
		}
		return opt.Count(text) + opt.OverheadTokens, text, nil
	}
	base, baseText, err := exactCount(st0)
	if err != nil {
		return nil, err
	}
	seq := fit.Sequence(fu, groupCost, base)

	// est[k]: estimated tokens after k steps.
	est := make([]int, len(seq)+1)
	est[0] = base
	{
		lvl := append(state(nil), st0...)
		open := make([]bool, len(secs))
		for i := range units {
			if st0[i] > 0 {
				open[units[i].section] = true
			}
		}
		for k, step := range seq {
			u := fu[step.Unit]
			prev := 0
			if lvl[step.Unit] > 0 {
				prev = u.Costs[lvl[step.Unit]-1]
			}
			d := u.Costs[step.Notch-1] - prev
			if !open[u.Group] {
				d += groupCost[u.Group]
				open[u.Group] = true
			}
			lvl[step.Unit] = step.Notch
			est[k+1] = est[k] + d
		}
	}
	stateAt := func(k int) state {
		st := append(state(nil), st0...)
		for _, step := range seq[:k] {
			st[step.Unit] = step.Notch
		}
		return st
	}
	// The minimum prompt (k = 0) was already rendered and counted above.
	texts := map[int]string{0: baseText}
	counts := map[int]int{0: base}
	countK := func(k int) (int, error) {
		if n, ok := counts[k]; ok {
			return n, nil
		}
		n, text, err := exactCount(stateAt(k))
		if err != nil {
			return 0, err
		}
		counts[k], texts[k] = n, text
		return n, nil
	}

	k := len(seq)
	tokens := 0
	if opt.Budget > 0 {
		k, tokens, err = fit.Search(len(seq), opt.Budget, func(k int) int { return est[k] }, countK)
		if errors.Is(err, fit.ErrMinimum) {
			return nil, &MinimumError{Target: opt.Target, Minimum: tokens, Budget: opt.Budget}
		}
		if err != nil {
			return nil, err
		}
	} else if tokens, err = countK(k); err != nil {
		return nil, err
	}
	final := stateAt(k)
	prompt := texts[k]
	res := report(s, &opt, secs, units, fu, groupCost, final, prompt, tokens)
	if k < len(seq) {
		// The budget at which the next step would be added: what -b needs
		// to be for the prompt to grow.
		if res.NextBudget, err = countK(k + 1); err != nil {
			return nil, err
		}
		res.NextItem = units[seq[k].Unit].name
	}
	return res, nil
}

// mandatoryUnits marks the minimum prompt: the Core Mission, or when a
// free-form persona has none, the first item of Purpose, the preamble or
// the first section.
func mandatoryUnits(secs []section, units []unit) []bool {
	m := make([]bool, len(units))
	for _, sec := range secs {
		if sec.kind == "core-mission" {
			for _, u := range sec.units {
				m[u] = true
			}
			return m
		}
	}
	for _, kind := range []string{"purpose", "preamble"} {
		for _, sec := range secs {
			if sec.kind == kind {
				m[sec.units[0]] = true
				return m
			}
		}
	}
	if len(secs) > 0 {
		m[secs[0].units[0]] = true
	}
	return m
}

func report(s *ir.Soul, opt *Options, secs []section, units []unit, fu []fit.Unit, groupCost []int, st state, prompt string, tokens int) *Result {
	sum := sha256.Sum256([]byte(prompt))
	res := &Result{
		Soul:   SoulRef{Slug: s.Slug, Title: s.Title, Summary: strings.TrimSpace(s.Meta.Summary), Source: s.Source, SHA256: s.SHA256},
		Target: opt.Target, Family: opt.Family, Tokenizer: opt.Tokenizer, Exact: opt.Exact, Role: opt.Role,
		Budget: opt.Budget, Tokens: tokens, OverheadTokens: opt.OverheadTokens, BodyTokens: tokens - opt.OverheadTokens,
		SHA256: hex.EncodeToString(sum[:]), Prompt: prompt,
		Kept: []string{}, Condensed: []string{}, Dropped: []string{},
	}
	for si, sec := range secs {
		rep := SectionReport{Heading: sec.heading, Kind: sec.kind, Priority: sec.priority, Items: len(sec.units), FullTokens: groupCost[si]}
		opened := false
		for _, ui := range sec.units {
			u := units[ui]
			costs := fu[ui].Costs
			rep.FullTokens += costs[len(costs)-1]
			res.Decisions = append(res.Decisions, Decision{Item: u.name, Level: st[ui], Levels: len(u.notches)})
			switch lvl := st[ui]; {
			case lvl == 0:
				rep.Dropped++
				res.Dropped = append(res.Dropped, u.name)
			case lvl == len(u.notches):
				rep.Kept++
				rep.KeptTokens += costs[lvl-1]
				res.Kept = append(res.Kept, u.name)
				opened = true
			default:
				rep.Condensed++
				rep.KeptTokens += costs[lvl-1]
				res.Condensed = append(res.Condensed, u.name)
				opened = true
			}
		}
		if opened {
			rep.KeptTokens += groupCost[si]
		}
		res.Sections = append(res.Sections, rep)
	}
	return res
}

// weight turns a 0..100 priority into the fitter's value scale. Priorities
// are logarithmic: ten points more is worth e (≈2.7) times as much per
// token, so a higher section's prose outranks a lower section's bare titles.
func weight(priority int) float64 {
	return 100 * math.Exp(float64(priority-100)/10)
}
