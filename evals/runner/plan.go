package runner

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/evals/judge"
	"github.com/soulc/soulc/evals/results"
)

// Condition is one way the cases are asked: a persona prompt at a budget,
// or a baseline.
type Condition struct {
	results.Condition
	// Role is the role of the system message ("system" or "developer");
	// unused when System is empty.
	Role string
	// System is the system prompt; "" sends none (baseline:none).
	System string
}

// Suite is one SOUL's cases and the conditions they are asked under.
type Suite struct {
	Soul       string
	Cases      []cases.Case
	Conditions []Condition
}

// Item is one unit of work: a sample of a case (or variant) under a
// condition, or a calibration control for the judge.
type Item struct {
	Kind    string // results.KindSample or results.KindCalibration
	Suite   int
	Case    int
	Variant int // -1 for the original wording, else an index into Case.Variants
	Cond    int // index into Suite.Conditions; -1 for calibration
	Sample  int
	Control string // judge.ControlPositive or judge.ControlNegative
	// OtherSuite and OtherCase name the case whose reference answer a
	// negative control grades.
	OtherSuite, OtherCase int
}

// PlanOptions shape the plan.
type PlanOptions struct {
	Samples  int  // per case × variant × condition; < 1 means 1
	Variants bool // include each case's variants
	// Calibration adds one positive and (when another case exists) one
	// negative control per case.
	Calibration bool
	Shard       Shard
}

// Shard selects part of a plan: index I of N (1-based). The zero value
// selects everything.
type Shard struct{ I, N int }

// ParseShard reads "i/n" with 1 <= i <= n.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("shard %q is not i/n with 1 <= i <= n", s)
	}
	return Shard{I: i, N: n}, nil
}

func (s Shard) String() string {
	if s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// Has reports whether the shard holds the case soul/id. Whole cases go to
// one shard, so every shard can pair a case's persona and baseline cells.
func (s Shard) Has(soul, caseID string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(soul))
	h.Write([]byte{0})
	h.Write([]byte(caseID))
	return int(h.Sum64()%uint64(s.N)) == s.I-1
}

// Plan lists the work items in a fixed order: by suite, case, variant,
// condition and sample, then the case's calibration controls.
func Plan(suites []Suite, opt PlanOptions) []Item {
	k := max(opt.Samples, 1)
	type ref struct{ s, c int }
	var all []ref
	for si, s := range suites {
		for ci := range s.Cases {
			all = append(all, ref{si, ci})
		}
	}
	var items []Item
	for n, r := range all {
		s := suites[r.s]
		c := s.Cases[r.c]
		if !opt.Shard.Has(s.Soul, c.ID) {
			continue
		}
		nv := 0
		if opt.Variants {
			nv = len(c.Variants)
		}
		for v := -1; v < nv; v++ {
			for cond := range s.Conditions {
				for i := range k {
					items = append(items, Item{Kind: results.KindSample, Suite: r.s, Case: r.c, Variant: v, Cond: cond, Sample: i})
				}
			}
		}
		if !opt.Calibration {
			continue
		}
		items = append(items, Item{Kind: results.KindCalibration, Suite: r.s, Case: r.c, Variant: -1, Cond: -1, Control: judge.ControlPositive})
		if len(all) > 1 {
			o := all[(n+1)%len(all)]
			items = append(items, Item{Kind: results.KindCalibration, Suite: r.s, Case: r.c, Variant: -1, Cond: -1,
				Control: judge.ControlNegative, OtherSuite: o.s, OtherCase: o.c})
		}
	}
	return items
}

// Control conditions name calibration records.
func controlCondition(control string) results.Condition {
	return results.Condition{Name: "control:" + control, Kind: "control", Budget: -1}
}

// variantName is the record's Variant for an item.
func variantName(c *cases.Case, v int) string {
	if v < 0 {
		return ""
	}
	return c.Variants[v].Kind
}

// Key identifies a record for resume and merge: two records with the same
// key are the same work.
func Key(r *results.Record) string {
	return strings.Join([]string{r.Kind, r.Soul, r.Case, r.Variant, r.Condition.Name,
		strconv.Itoa(r.Sample), r.Control, r.Model}, "\x1f")
}

// itemKey is Key for the record an item will produce.
func itemKey(suites []Suite, it Item, model, judgeModel string) string {
	s := &suites[it.Suite]
	c := &s.Cases[it.Case]
	r := results.Record{Kind: it.Kind, Soul: s.Soul, Case: c.ID, Variant: variantName(c, it.Variant), Sample: it.Sample, Control: it.Control, Model: model}
	if it.Kind == results.KindCalibration {
		r.Condition = controlCondition(it.Control)
		r.Model = judgeModel
	} else {
		r.Condition = s.Conditions[it.Cond].Condition
	}
	return Key(&r)
}
