package report

import (
	"fmt"

	"github.com/soulc/soulc/evals/results"
	"github.com/soulc/soulc/evals/stats"
	_ "github.com/soulc/soulc/internal/golden" // every test binary must accept -update
)

// The fixture: two souls, every verdict (PASS, FAIL, INCONCLUSIVE settleable
// and not, an unknown one), unscored samples and request errors, a
// significant and a non-significant lift, a significant variant drop, an
// unreliable judge, a gate that is not met and a run stopped early by its
// cost cap. Intervals and samples-to-settle come from evals/stats, as the
// runner's do.

const fixtureThreshold = 0.8

type fixtureSample struct {
	status   string // pass, fail, unscored, or "error"
	answer   string
	criteria []results.Criterion
	why      string
}

type fixtureCell struct {
	soul, kase, title, variant string
	cond                       results.Condition
	verdict                    string // "" computes it from stats
	samples                    []fixtureSample
}

var (
	condP256  = results.Condition{Name: "persona@256", Kind: "persona", Budget: 256, Tokens: 251}
	condP512  = results.Condition{Name: "persona@512", Kind: "persona", Budget: 512, Tokens: 498}
	condFull  = results.Condition{Name: "persona@full", Kind: "persona", Budget: 0, Tokens: 1430}
	condNone  = results.Condition{Name: "baseline:none", Kind: "baseline", Budget: -1, Tokens: 0}
	hostileAn = "Sure! <script>alert('x')</script> & \"quotes\" ]]> |pipe| \x00 done"
)

func crit(text string, met bool, ev string) results.Criterion {
	return results.Criterion{Text: text, Met: met, Evidence: ev}
}

func pass(answer string) fixtureSample {
	return fixtureSample{status: results.Pass, answer: answer, criteria: []results.Criterion{
		crit("Asks for the failing input before changing code", true, "what input fails?"),
		crit("Concludes the bug is an off-by-one", true, "off by one"),
	}}
}

func fail(answer string) fixtureSample {
	return fixtureSample{status: results.Fail, answer: answer, criteria: []results.Criterion{
		crit("Asks for the failing input before changing code", false, ""),
		crit("Concludes the bug is an off-by-one", true, "off by one"),
		{Text: "Claims to be an AI", MustNot: true, Met: true, Evidence: "<script>alert('x')</script>"},
		{Text: "Names the loop bound", Met: true, Evidence: "the bound is n", Voided: true},
	}}
}

func unscored(why string) fixtureSample {
	return fixtureSample{status: results.Unscored, answer: "An answer the judge could not grade.", why: why}
}

func reqError(msg string) fixtureSample { return fixtureSample{status: "error", why: msg} }

func repeat(s fixtureSample, n int) []fixtureSample {
	out := make([]fixtureSample, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func fixtureCells() []fixtureCell {
	return []fixtureCell{
		{soul: "ada", kase: "debug-loop", title: "Debugging a loop", cond: condP512,
			samples: repeat(pass("What input fails? It is off by one."), 20)},
		{soul: "ada", kase: "debug-loop", title: "Debugging a loop", cond: condNone,
			samples: append(repeat(fail(hostileAn), 5), pass("What input fails? off by one"))},
		{soul: "ada", kase: "explain-closures", cond: condP512,
			samples: []fixtureSample{pass("a"), pass("b"), fail("c"), pass("d"), fail("e"), unscored("judge reply did not match the schema")}},
		{soul: "ada", kase: "explain-closures", variant: "paraphrase", cond: condFull,
			samples: []fixtureSample{pass("a"), fail("b"), pass("c"), pass("d"), pass("e")}},
		{soul: "ada", kase: "explain-closures", cond: condP256,
			samples: append(repeat(pass("ok"), 3), reqError("429 rate limited after 4 attempts"))},
		{soul: "bob", kase: "tax|return", title: "Tax | return\nwith a newline", cond: condP512,
			samples: repeat(pass("fine"), 20)},
		{soul: "bob", kase: "odd-verdict", cond: condP512, verdict: "WEIRD",
			samples: repeat(pass("fine"), 2)},
	}
}

func ptr[T any](v T) *T { return &v }

// fixture returns the summary and the records (with a calibration record
// that no cell owns) of the fixture run.
func fixture() (*results.Summary, []results.Record) {
	sum := &results.Summary{
		Schema:       results.SchemaVersion,
		SoulcVersion: "v0.9.0-test",
		Config: results.Config{
			Target: "examples/ada.md", Model: "gpt-test", JudgeModel: "judge-test", Endpoint: "http://127.0.0.1:9/v1",
			Samples: 6, Budgets: []string{"256", "512", "full"}, Baseline: "none", Variants: []string{"paraphrase"},
			Threshold: fixtureThreshold, Params: results.Params{Temperature: ptr(0.0), MaxTokens: 512, Seed: ptr(7)},
		},
	}
	var recs []results.Record
	for _, fc := range fixtureCells() {
		cell := results.Cell{Case: fc.kase, CaseTitle: fc.title, Soul: fc.soul, Variant: fc.variant, Condition: fc.cond}
		var scoreSum float64
		for i, s := range fc.samples {
			r := results.Record{
				Schema: results.SchemaVersion, Kind: results.KindSample, Soul: fc.soul, Case: fc.kase, CaseTitle: fc.title,
				Variant: fc.variant, Condition: fc.cond, Sample: i, Model: "gpt-test", Endpoint: "http://127.0.0.1:9/v1",
				Answer: s.answer, PromptTokens: 100 + fc.cond.Tokens, CompletionTokens: 40, CostUSD: 0.0001,
				LatencyMS: 250 + float64(10*i), Attempts: []results.Attempt{{Status: 200, Kind: "ok", LatencyMS: 250}},
			}
			switch s.status {
			case "error":
				r.Error = s.why
				r.Attempts = []results.Attempt{{Status: 429, Kind: "rate_limited", LatencyMS: 20}}
				cell.Errors++
			case results.Unscored:
				r.Grade = &results.Grade{Status: results.Unscored, Threshold: 0.67, Error: s.why, JudgeModel: "judge-test"}
				cell.Unscored++
			default:
				met := 0
				for _, c := range s.criteria {
					if !failing(c) {
						met++
					}
				}
				score := float64(met) / float64(len(s.criteria))
				r.Grade = &results.Grade{Status: s.status, Score: score, Threshold: 0.67, Criteria: s.criteria, JudgeVerdict: s.status, JudgeModel: "judge-test", JudgeAttempts: 1}
				cell.Scored++
				scoreSum += score
				if s.status == results.Pass {
					cell.Passes++
				}
			}
			recs = append(recs, r)
		}
		if cell.Scored > 0 {
			cell.Rate = float64(cell.Passes) / float64(cell.Scored)
			cell.MeanScore = scoreSum / float64(cell.Scored)
		}
		cell.Lo, cell.Hi = stats.Wilson(cell.Passes, cell.Scored, stats.Z95)
		cell.Verdict = string(stats.Verdict(cell.Passes, cell.Scored, fixtureThreshold))
		cell.SamplesToSettle = stats.SamplesToSettle(cell.Passes, cell.Scored, fixtureThreshold)
		if fc.verdict != "" {
			cell.Verdict = fc.verdict
		}
		sum.Cells = append(sum.Cells, cell)
	}
	recs = append(recs, results.Record{Schema: 1, Kind: results.KindCalibration, Soul: "ada", Case: "debug-loop", Condition: condP512,
		Control: "positive", Answer: "reference", Grade: &results.Grade{Status: results.Fail}})

	pooled := map[string]*results.ConditionSum{}
	var order []string
	for _, c := range sum.Cells {
		p := pooled[c.Condition.Name]
		if p == nil {
			p = &results.ConditionSum{Condition: c.Condition}
			pooled[c.Condition.Name] = p
			order = append(order, c.Condition.Name)
		}
		p.Passes += c.Passes
		p.Scored += c.Scored
	}
	for _, n := range order {
		p := pooled[n]
		p.Rate = float64(p.Passes) / float64(p.Scored)
		p.Lo, p.Hi = stats.Wilson(p.Passes, p.Scored, stats.Z95)
		sum.Conditions = append(sum.Conditions, *p)
	}
	sum.Lift = []results.Lift{
		{Condition: "persona@512", Baseline: "baseline:none", Mean: 0.62, Lo: 0.35, Hi: 0.88, Cases: 3, Significant: true},
		{Condition: "persona@full", Baseline: "baseline:none", Mean: 0.12, Lo: -0.2, Hi: 0.41, Cases: 3, Significant: false},
		{Condition: "persona@256", Baseline: "baseline:none", Mean: -0.05, Lo: -0.31, Hi: 0.22, Cases: 3, Significant: false},
	}
	sum.BudgetCurve = []results.CurvePoint{
		{Budget: 0, Tokens: 1430, Rate: 0.5, Lo: 0.15, Hi: 0.85},
		{Budget: 256, Tokens: 251, Rate: 1, Lo: 0.44, Hi: 1},
		{Budget: 512, Tokens: 498, Rate: 0.9, Lo: 0.74, Hi: 0.97},
	}
	sum.VariantDrop = []results.Drop{
		{Variant: "paraphrase", Condition: "persona@full", Original: 1, VariantRate: 0.8, Mean: -0.2, Lo: -0.38, Hi: -0.04, Significant: true},
	}
	sum.Calibration = results.Calibration{PositivePass: 7, PositiveN: 10, NegativeFail: 10, NegativeN: 10, Threshold: 0.9, Reliable: false,
		Note: "reference answers judged fail too often"}
	sum.Totals = results.Totals{Requests: len(recs) - 1, Attempts: len(recs) + 3, CachedRequests: 4, PromptTokens: 20000, CompletionTokens: 1600,
		CostUSD: 0.0123, Unscored: 1, Errors: 1, WallSeconds: 12.5, Stopped: "max-cost"}
	sum.Gate = results.Gate{MinPass: 0.8, MinLift: 0.1, Met: false, Reasons: []string{
		"pass rate 81% at persona@512 is fine, but persona@full lift +12.0 pp is not significant",
		"judge calibration unreliable",
	}}
	return sum, recs
}

// bigSummary has n cells, every third FAIL and every fifth INCONCLUSIVE.
func bigSummary(n int) *results.Summary {
	sum, _ := fixture()
	sum.Cells = nil
	for i := range n {
		v := verdictPass
		switch {
		case i%3 == 0:
			v = verdictFail
		case i%5 == 0:
			v = verdictInconclusive
		}
		sum.Cells = append(sum.Cells, results.Cell{Soul: "ada", Case: fmt.Sprintf("case-%05d", i), Condition: condP512,
			Passes: 4, Scored: 5, Rate: 0.8, Lo: 0.37, Hi: 0.96, Verdict: v, SamplesToSettle: 7})
	}
	return sum
}

func gateOf(met bool) results.Gate { return results.Gate{MinPass: 0.8, Met: met} }
