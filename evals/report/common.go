package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/soulc/soulc/evals/results"
)

// Verdict words in results.Cell.Verdict.
const (
	verdictPass         = "PASS"
	verdictFail         = "FAIL"
	verdictInconclusive = "INCONCLUSIVE"
	// verdictUngraded marks the cells of a run without a judge
	// (--judge-model none): answers were collected, nothing was graded.
	verdictUngraded = "UNGRADED"
)

type cellKey struct{ soul, kase, variant, cond string }

func keyOfCell(c *results.Cell) cellKey {
	return cellKey{c.Soul, c.Case, c.Variant, c.Condition.Name}
}

func keyOfRecord(r *results.Record) cellKey {
	return cellKey{r.Soul, r.Case, r.Variant, r.Condition.Name}
}

// testName is a cell's JUnit test name and its label everywhere else:
// "case [condition]" or "case [condition] (variant)".
func testName(c *results.Cell) string {
	s := c.Case + " [" + c.Condition.Name + "]"
	if c.Variant != "" {
		s += " (" + c.Variant + ")"
	}
	return s
}

// pct formats a rate in [0, 1] as a whole percentage; NaN is "n/a".
func pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

// interval formats a 95% interval of rates: "[57%, 100%]".
func interval(lo, hi float64) string {
	return "[" + pct(lo) + ", " + pct(hi) + "]"
}

// pp formats a difference of rates in signed percentage points.
func pp(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	v := 100 * x
	if math.Abs(v) < 0.05 {
		v = 0
	}
	return fmt.Sprintf("%+.1f pp", v)
}

func ppInterval(lo, hi float64) string {
	return "[" + pp(lo) + ", " + pp(hi) + "]"
}

func significance(sig bool) string {
	if sig {
		return "significant"
	}
	return "not significant"
}

// budgetLabel names a budget: "512" or "full".
func budgetLabel(b int) string {
	if b == 0 {
		return "full"
	}
	return fmt.Sprint(b)
}

// settleText says what more sampling would do for an INCONCLUSIVE cell.
func settleText(n int) string {
	switch {
	case n > 0:
		return fmt.Sprintf("%d more samples would settle it", n)
	case n < 0:
		return "more samples at this rate would not settle it"
	default:
		return "settled"
	}
}

// ungradedMessage explains an UNGRADED cell (JUnit <skipped>, Markdown,
// HTML).
const ungradedMessage = "ungraded: answers collected without a judge"

// ungradedRun reports whether the run had no judge (--judge-model none).
func ungradedRun(sum *results.Summary) bool {
	return sum.Config.JudgeModel == "none"
}

// verdictRank orders cells worst first: FAIL, anything unknown,
// INCONCLUSIVE, UNGRADED, PASS.
func verdictRank(v string) int {
	switch v {
	case verdictFail:
		return 0
	case verdictInconclusive:
		return 2
	case verdictUngraded:
		return 3
	case verdictPass:
		return 4
	default:
		return 1
	}
}

// sortedCells returns the cells worst verdict first, keeping the summary's
// order within a verdict.
func sortedCells(cells []results.Cell) []*results.Cell {
	out := make([]*results.Cell, len(cells))
	for i := range cells {
		out[i] = &cells[i]
	}
	sort.SliceStable(out, func(i, j int) bool {
		return verdictRank(out[i].Verdict) < verdictRank(out[j].Verdict)
	})
	return out
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… [%d more bytes]", len(s)-cut)
}

// failing reports whether a criterion counts against the answer, following
// results.Criterion: a voided quote makes a criterion not met, and a
// must_not criterion not violated.
func failing(c results.Criterion) bool {
	if c.MustNot {
		return c.Met && !c.Voided
	}
	return !c.Met || c.Voided
}

// criterionLine describes one judged criterion in plain text.
func criterionLine(c results.Criterion) string {
	var b strings.Builder
	if failing(c) {
		b.WriteString("✗ ")
	} else {
		b.WriteString("✓ ")
	}
	if c.MustNot {
		b.WriteString("must not: ")
	}
	b.WriteString(c.Text)
	switch {
	case c.Voided:
		b.WriteString(" (judge's quote not found in the answer: voided)")
	case c.MustNot && c.Met:
		b.WriteString(" (violated)")
	case !c.MustNot && !c.Met:
		b.WriteString(" (not met)")
	}
	if c.Evidence != "" {
		b.WriteString(" — evidence: \"")
		b.WriteString(truncate(c.Evidence, 300))
		b.WriteString("\"")
	}
	return b.String()
}

// Limits on what is kept per cell while streaming records.
const (
	maxNotesPerCell    = 10   // unscored / error notes
	maxAnswerBytes     = 2000 // answer excerpt in JUnit and HTML
	maxExampleCells    = 60   // cells whose examples the HTML shows
	maxFailExamples    = 2
	maxPassExamples    = 1
	maxUnscoredExample = 1
)

// sampleInfo is what a report keeps of one record.
type sampleInfo struct {
	Sample    int
	Status    string // grade status, or "error"
	Score     float64
	Threshold float64
	Answer    string // truncated
	Criteria  []results.Criterion
	Note      string // why unscored, or the request error
	Verdict   string // the judge's own verdict, for audit
}

// cellDetail accumulates one cell's records.
type cellDetail struct {
	latencyMS  float64
	records    int
	notes      []string // unscored and error samples
	moreNotes  int
	firstFail  *sampleInfo
	fails      []sampleInfo
	passes     []sampleInfo
	unscored   []sampleInfo
	wantDetail bool // keep examples (HTML): the cell is not PASS
}

func (d *cellDetail) examples() []sampleInfo {
	out := make([]sampleInfo, 0, len(d.fails)+len(d.passes)+len(d.unscored))
	out = append(out, d.fails...)
	out = append(out, d.unscored...)
	out = append(out, d.passes...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Sample < out[j].Sample })
	return out
}

func infoOf(r *results.Record) sampleInfo {
	si := sampleInfo{Sample: r.Sample, Answer: truncate(r.Answer, maxAnswerBytes)}
	switch {
	case r.Error != "":
		si.Status, si.Note = "error", r.Error
	case r.Grade == nil:
		si.Status = results.Ungraded
	default:
		si.Status = r.Grade.Status
		si.Score, si.Threshold = r.Grade.Score, r.Grade.Threshold
		si.Criteria = r.Grade.Criteria
		si.Note = r.Grade.Error
		si.Verdict = r.Grade.JudgeVerdict
	}
	return si
}

// collect streams the records once and gathers, per cell of sum, the
// latency, notes on unscored and failed samples, a failing sample and (for
// cells that are not PASS, up to maxExampleCells of them) a few examples.
// Calibration records and records of no cell are ignored. Memory is bounded
// by the number of cells, not records.
func collect(sum *results.Summary, recs RecordSource) (map[cellKey]*cellDetail, error) {
	details := make(map[cellKey]*cellDetail, len(sum.Cells))
	exampleCells := 0
	for _, c := range sortedCells(sum.Cells) {
		d := &cellDetail{}
		if c.Verdict != verdictPass && c.Verdict != verdictUngraded && exampleCells < maxExampleCells {
			d.wantDetail = true
			exampleCells++
		}
		details[keyOfCell(c)] = d
	}
	if recs == nil {
		return details, nil
	}
	err := recs(func(r results.Record) error {
		if r.Kind == results.KindCalibration {
			return nil
		}
		d := details[keyOfRecord(&r)]
		if d == nil {
			return nil
		}
		d.records++
		d.latencyMS += r.LatencyMS
		status := ""
		if r.Grade != nil {
			status = r.Grade.Status
		}
		switch {
		case r.Error != "":
			d.note(fmt.Sprintf("sample %d: request failed: %s", r.Sample, truncate(r.Error, 500)))
		case status == results.Unscored:
			why := "no reason given"
			if r.Grade.Error != "" {
				why = r.Grade.Error
			}
			d.note(fmt.Sprintf("sample %d: unscored: %s", r.Sample, truncate(why, 500)))
		}
		if status == results.Fail && d.firstFail == nil {
			si := infoOf(&r)
			d.firstFail = &si
		}
		if !d.wantDetail {
			return nil
		}
		switch {
		case r.Error != "" || status == results.Unscored || status == results.Ungraded || r.Grade == nil:
			if len(d.unscored) < maxUnscoredExample {
				d.unscored = append(d.unscored, infoOf(&r))
			}
		case status == results.Fail:
			if len(d.fails) < maxFailExamples {
				d.fails = append(d.fails, infoOf(&r))
			}
		case status == results.Pass:
			if len(d.passes) < maxPassExamples {
				d.passes = append(d.passes, infoOf(&r))
			}
		}
		return nil
	})
	return details, err
}

func (d *cellDetail) note(s string) {
	if len(d.notes) < maxNotesPerCell {
		d.notes = append(d.notes, s)
		return
	}
	d.moreNotes++
}
