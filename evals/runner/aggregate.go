package runner

import (
	"fmt"
	"math"
	"sort"

	"github.com/soulc/soulc/evals/results"
	"github.com/soulc/soulc/evals/stats"
)

// Line is one line of results.jsonl. It wraps results.Record (which now
// has every field the runner writes, judge usage included) so callers keep
// using l.Record.
type Line struct {
	results.Record
}

// JudgeUsage is results.JudgeUsage.
type JudgeUsage = results.JudgeUsage

// SummaryFile is results.json. It wraps *results.Summary (which now has
// ScoreThreshold, UnknownPrices and Shards) so callers keep using
// sum.Summary.
type SummaryFile struct {
	*results.Summary
}

// DefaultCaseThreshold is the cell verdict threshold without --min-pass.
const DefaultCaseThreshold = 0.5

// DefaultCalibrationThreshold is the rate both judge controls must reach.
const DefaultCalibrationThreshold = 0.8

type cellKey struct{ soul, cas, variant, cond string }

type cellAgg struct {
	title     string
	cond      results.Condition
	passes    int
	scored    int
	unscored  int
	ungraded  int
	errors    int
	scoreSum  float64
	tokensSum int
	n         int
}

// Aggregator folds records into the counters a Summary needs. It keeps
// no answers. Not safe for concurrent use.
type Aggregator struct {
	cells  map[cellKey]*cellAgg
	cal    results.Calibration
	totals results.Totals
}

// NewAggregator returns an empty aggregator.
func NewAggregator() *Aggregator { return &Aggregator{cells: map[cellKey]*cellAgg{}} }

// Add counts one line.
func (a *Aggregator) Add(l *Line) {
	r := &l.Record
	t := &a.totals
	if r.Kind != results.KindCalibration && (len(r.Attempts) > 0 || r.Cached) {
		t.Requests++
	}
	t.Attempts += len(r.Attempts)
	if r.Cached {
		t.CachedRequests++
	}
	t.PromptTokens += r.PromptTokens
	t.CompletionTokens += r.CompletionTokens
	t.CostUSD += r.CostUSD
	if j := l.Judge; j != nil {
		t.Requests += j.Requests
		t.Attempts += j.Attempts
		t.CachedRequests += j.Cached
		t.PromptTokens += j.PromptTokens
		t.CompletionTokens += j.CompletionTokens
	}
	if r.Error != "" {
		t.Errors++
	}
	status := ""
	if r.Grade != nil {
		status = r.Grade.Status
	}
	if status == results.Unscored && r.Error == "" {
		t.Unscored++
	}
	if r.Kind == results.KindCalibration {
		switch {
		case r.Control == "positive" && (status == results.Pass || status == results.Fail):
			a.cal.PositiveN++
			if status == results.Pass {
				a.cal.PositivePass++
			}
		case r.Control == "negative" && (status == results.Pass || status == results.Fail):
			a.cal.NegativeN++
			if status == results.Fail {
				a.cal.NegativeFail++
			}
		}
		return
	}
	k := cellKey{r.Soul, r.Case, r.Variant, r.Condition.Name}
	c := a.cells[k]
	if c == nil {
		c = &cellAgg{title: r.CaseTitle, cond: r.Condition}
		a.cells[k] = c
	}
	c.n++
	c.tokensSum += r.Condition.Tokens
	switch {
	case r.Error != "":
		c.errors++
	case status == results.Pass || status == results.Fail:
		c.scored++
		c.scoreSum += r.Grade.Score
		if status == results.Pass {
			c.passes++
		}
	case status == results.Unscored:
		c.unscored++
	default:
		c.ungraded++
	}
}

// SummaryOptions are what the summary needs beyond the records.
type SummaryOptions struct {
	Config       results.Config
	SoulcVersion string
	// CaseThreshold is the pass rate a cell's Wilson interval is compared
	// with for its verdict (0 means DefaultCaseThreshold); it is written as
	// Config.Threshold.
	CaseThreshold        float64
	CalibrationThreshold float64 // 0 means DefaultCalibrationThreshold
	// MinPass and MinLift gate the run when set.
	MinPass, MinLift *float64
	Graded           bool // false with --judge-model none
	WallSeconds      float64
	Stopped          string
}

// condOrder sorts persona conditions by budget (full last), then baselines.
func condLess(a, b results.Condition) bool {
	if a.Kind != b.Kind {
		return a.Kind == "persona"
	}
	ab, bb := a.Budget, b.Budget
	if ab == 0 {
		ab = math.MaxInt
	}
	if bb == 0 {
		bb = math.MaxInt
	}
	if ab != bb {
		return ab < bb
	}
	return a.Name < b.Name
}

// Summary computes the statistics. It is deterministic for the same set of
// records, whatever order they arrived in.
func (a *Aggregator) Summary(o SummaryOptions) *SummaryFile {
	thr := o.CaseThreshold
	if thr <= 0 {
		thr = DefaultCaseThreshold
	}
	calThr := o.CalibrationThreshold
	if calThr <= 0 {
		calThr = DefaultCalibrationThreshold
	}
	sum := &results.Summary{Schema: results.SchemaVersion, SoulcVersion: o.SoulcVersion, Config: o.Config}
	sum.Config.Threshold = thr

	// Conditions, in display order.
	conds := map[string]results.Condition{}
	keys := make([]cellKey, 0, len(a.cells))
	for k, c := range a.cells {
		keys = append(keys, k)
		if _, ok := conds[k.cond]; !ok {
			conds[k.cond] = results.Condition{Name: c.cond.Name, Kind: c.cond.Kind, Budget: c.cond.Budget}
		}
	}
	var condList []results.Condition
	for _, c := range conds {
		condList = append(condList, c)
	}
	sort.Slice(condList, func(i, j int) bool { return condLess(condList[i], condList[j]) })
	rank := map[string]int{}
	for i, c := range condList {
		rank[c.Name] = i
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		if x.soul != y.soul {
			return x.soul < y.soul
		}
		if x.cas != y.cas {
			return x.cas < y.cas
		}
		if x.variant != y.variant {
			return x.variant < y.variant
		}
		return rank[x.cond] < rank[y.cond]
	})

	type pool struct {
		passes, scored, tokens, n int
	}
	pools := map[string]*pool{}
	rate := map[cellKey]float64{} // per scored cell
	variants := map[string]bool{}
	for _, k := range keys {
		c := a.cells[k]
		cell := results.Cell{
			Case: k.cas, CaseTitle: c.title, Soul: k.soul, Variant: k.variant, Condition: c.cond,
			Passes: c.passes, Scored: c.scored, Unscored: c.unscored, Errors: c.errors,
		}
		if c.n > 0 {
			cell.Condition.Tokens = c.tokensSum / c.n
		}
		cell.Lo, cell.Hi = stats.Wilson(c.passes, c.scored, stats.Z95)
		if c.scored > 0 {
			cell.Rate = float64(c.passes) / float64(c.scored)
			cell.MeanScore = c.scoreSum / float64(c.scored)
			rate[k] = cell.Rate
		}
		if o.Graded {
			cell.Verdict = string(stats.Verdict(c.passes, c.scored, thr))
			cell.SamplesToSettle = stats.SamplesToSettle(c.passes, c.scored, thr)
		} else {
			cell.Verdict = "UNGRADED"
			cell.SamplesToSettle = stats.CannotSettle
		}
		sum.Cells = append(sum.Cells, cell)
		if k.variant != "" {
			variants[k.variant] = true
			continue
		}
		p := pools[k.cond]
		if p == nil {
			p = &pool{}
			pools[k.cond] = p
		}
		p.passes += c.passes
		p.scored += c.scored
		p.tokens += c.tokensSum
		p.n += c.n
	}
	for _, c := range condList {
		p := pools[c.Name]
		if p == nil {
			p = &pool{}
		}
		cs := results.ConditionSum{Condition: c, Passes: p.passes, Scored: p.scored}
		if p.n > 0 {
			cs.Condition.Tokens = p.tokens / p.n
		}
		cs.Lo, cs.Hi = stats.Wilson(p.passes, p.scored, stats.Z95)
		if p.scored > 0 {
			cs.Rate = float64(p.passes) / float64(p.scored)
		}
		sum.Conditions = append(sum.Conditions, cs)
		if c.Kind == "persona" {
			cp := results.CurvePoint{Budget: c.Budget, Rate: cs.Rate, Lo: cs.Lo, Hi: cs.Hi}
			if p.n > 0 {
				cp.Tokens = float64(p.tokens) / float64(p.n)
			}
			sum.BudgetCurve = append(sum.BudgetCurve, cp)
		}
	}

	// paired collects per-case rates of two cells that were both scored.
	type caseRef struct{ soul, cas string }
	var cases []caseRef
	seenCase := map[caseRef]bool{}
	for _, k := range keys {
		cr := caseRef{k.soul, k.cas}
		if !seenCase[cr] {
			seenCase[cr] = true
			cases = append(cases, cr)
		}
	}
	paired := func(av, ac, bv, bc string) (x, y []float64) {
		for _, cr := range cases {
			ra, okA := rate[cellKey{cr.soul, cr.cas, av, ac}]
			rb, okB := rate[cellKey{cr.soul, cr.cas, bv, bc}]
			if okA && okB {
				x, y = append(x, ra), append(y, rb)
			}
		}
		return x, y
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	for _, b := range condList {
		if b.Kind != "baseline" {
			continue
		}
		for _, p := range condList {
			if p.Kind != "persona" {
				continue
			}
			x, y := paired("", p.Name, "", b.Name)
			if len(x) == 0 {
				continue
			}
			m, lo, hi := stats.PairedBootstrapDiff(x, y, 2000, 1)
			sum.Lift = append(sum.Lift, results.Lift{Condition: p.Name, Baseline: b.Name, Mean: m, Lo: lo, Hi: hi,
				Cases: len(x), Significant: stats.Significant(lo, hi)})
		}
	}
	var vkinds []string
	for v := range variants {
		vkinds = append(vkinds, v)
	}
	sort.Strings(vkinds)
	for _, v := range vkinds {
		for _, c := range condList {
			x, y := paired(v, c.Name, "", c.Name)
			if len(x) == 0 {
				continue
			}
			m, lo, hi := stats.PairedBootstrapDiff(x, y, 2000, 1)
			sum.VariantDrop = append(sum.VariantDrop, results.Drop{Variant: v, Condition: c.Name,
				Original: mean(y), VariantRate: mean(x), Mean: m, Lo: lo, Hi: hi, Significant: stats.Significant(lo, hi)})
		}
	}

	cal := a.cal
	cal.Threshold = calThr
	switch {
	case !o.Graded:
		cal.Note = "no judge (--judge-model none): nothing graded"
	case cal.PositiveN == 0:
		cal.Note = "no calibration control was scored: judge reliability unknown"
	default:
		pos := float64(cal.PositivePass) / float64(cal.PositiveN)
		cal.Reliable = pos >= calThr
		cal.Note = fmt.Sprintf("positive control (reference answers) pass %.0f%%", 100*pos)
		if cal.NegativeN > 0 {
			neg := float64(cal.NegativeFail) / float64(cal.NegativeN)
			cal.Reliable = cal.Reliable && neg >= calThr
			cal.Note += fmt.Sprintf("; negative control (other scenarios' answers) fail %.0f%%", 100*neg)
		} else {
			cal.Note += "; no negative control (only one case)"
		}
		if !cal.Reliable {
			cal.Note += fmt.Sprintf(": below %.0f%%, the judge is UNRELIABLE for this rubric set", 100*calThr)
		}
	}
	sum.Calibration = cal

	sum.Totals = a.totals
	sum.Totals.WallSeconds = o.WallSeconds
	sum.Totals.Stopped = o.Stopped
	sum.Gate = gate(sum, o, thr)
	return &SummaryFile{Summary: sum}
}

// gate decides the CI outcome. --min-pass P: every persona condition's
// pooled pass rate (original wording) is at least P and no persona cell's
// verdict is FAIL. --min-lift L: every persona condition's lift interval
// over the baseline lies entirely above L. Either gate also needs a
// reliable judge. Without either flag the gate is met.
func gate(sum *results.Summary, o SummaryOptions, thr float64) results.Gate {
	g := results.Gate{Met: true}
	if o.MinPass == nil && o.MinLift == nil {
		return g
	}
	fail := func(format string, args ...any) {
		g.Met = false
		g.Reasons = append(g.Reasons, fmt.Sprintf(format, args...))
	}
	if !o.Graded {
		fail("no judge: --min-pass and --min-lift need graded answers")
		return g
	}
	if !sum.Calibration.Reliable {
		fail("judge unreliable: %s", sum.Calibration.Note)
	}
	if o.MinPass != nil {
		g.MinPass = *o.MinPass
		for _, c := range sum.Conditions {
			if c.Condition.Kind != "persona" {
				continue
			}
			if c.Scored == 0 {
				fail("%s: no scored answers", c.Condition.Name)
			} else if c.Rate < *o.MinPass {
				fail("%s: pass rate %.1f%% is below --min-pass %.1f%%", c.Condition.Name, 100*c.Rate, 100**o.MinPass)
			}
		}
		nf := 0
		for _, c := range sum.Cells {
			if c.Condition.Kind == "persona" && c.Variant == "" && c.Verdict == string(stats.Fail) {
				nf++
			}
		}
		if nf > 0 {
			fail("%d persona case(s) FAIL: their whole 95%% interval is below %.1f%%", nf, 100*thr)
		}
	}
	if o.MinLift != nil {
		g.MinLift = *o.MinLift
		n := 0
		for _, l := range sum.Lift {
			n++
			if !(l.Lo > *o.MinLift) {
				fail("%s over %s: lift %+.1f points, 95%% CI [%+.1f, %+.1f] does not lie above %+.1f", l.Condition, l.Baseline,
					100*l.Mean, 100*l.Lo, 100*l.Hi, 100**o.MinLift)
			}
		}
		if n == 0 {
			fail("--min-lift: no lift measured (no baseline, or nothing scored under both conditions)")
		}
	}
	return g
}
