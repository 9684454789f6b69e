package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/soulc/soulc/evals/results"
	"github.com/soulc/soulc/internal/golden"
)

// ungradedFixture is a run with --judge-model none: answers collected,
// every cell UNGRADED, no gate.
func ungradedFixture() (*results.Summary, []results.Record) {
	conds := []results.Condition{
		{Name: "persona@full", Kind: "persona", Budget: 0, Tokens: 900},
		{Name: "baseline:none", Kind: "baseline", Budget: -1},
	}
	sum := &results.Summary{
		Schema: results.SchemaVersion, SoulcVersion: "v0.9.0-test",
		Config: results.Config{Target: "openai", Model: "gpt-test", JudgeModel: "none", Endpoint: "http://127.0.0.1:9/v1",
			Samples: 2, Budgets: []string{"full"}, Baseline: "none", Threshold: 0.5},
		Calibration: results.Calibration{Threshold: 0.8, Note: "no judge (--judge-model none): nothing graded"},
		Totals:      results.Totals{Requests: 4, Attempts: 4, PromptTokens: 2000, CompletionTokens: 160, WallSeconds: 1.5},
		Gate:        results.Gate{Met: true},
	}
	var recs []results.Record
	for _, cond := range conds {
		sum.Cells = append(sum.Cells, results.Cell{Case: "publish-or-not", CaseTitle: "Publish or not", Soul: "ada",
			Condition: cond, Lo: 0, Hi: 1, Verdict: verdictUngraded, SamplesToSettle: -1})
		sum.Conditions = append(sum.Conditions, results.ConditionSum{Condition: cond, Lo: 0, Hi: 1})
		for i := range 2 {
			recs = append(recs, results.Record{Schema: results.SchemaVersion, Kind: results.KindSample, Soul: "ada",
				Case: "publish-or-not", CaseTitle: "Publish or not", Condition: cond, Sample: i, Model: "gpt-test",
				Answer: "An answer.", PromptTokens: 500, CompletionTokens: 40, LatencyMS: 300,
				Attempts: []results.Attempt{{Status: 200, Kind: "ok", LatencyMS: 300}},
				Grade:    &results.Grade{Status: results.Ungraded}})
		}
	}
	return sum, recs
}

func TestUngradedJUnitGolden(t *testing.T) {
	sum, recs := ungradedFixture()
	var buf bytes.Buffer
	if err := JUnit(&buf, sum, Records(recs)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "unknown verdict") || strings.Count(out, `<skipped message="ungraded: answers collected without a judge">`) != 2 {
		t.Errorf("UNGRADED cells are not <skipped>:\n%s", out)
	}
	golden.Check(t, "testdata/junit-ungraded.xml.golden", buf.Bytes())
}

func TestUngradedMarkdownGolden(t *testing.T) {
	sum, _ := ungradedFixture()
	var buf bytes.Buffer
	if err := Markdown(&buf, sum); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	// Ungraded rows have no pass counts or rates to show: dashes, not 0/0 and 0%.
	for _, bad := range []string{"unknown verdict", "UNRELIABLE", `<td class="num">0/0</td>`} {
		if strings.Contains(md, bad) {
			t.Errorf("summary.md says %q for an ungraded run:\n%s", bad, md)
		}
	}
	if !strings.Contains(md, "all UNGRADED") || !strings.Contains(md, "UNGRADED (no judge)") {
		t.Errorf("summary.md does not name UNGRADED:\n%s", md)
	}
	golden.Check(t, "testdata/summary-ungraded.md.golden", buf.Bytes())
}

func TestUngradedHTML(t *testing.T) {
	sum, recs := ungradedFixture()
	var buf bytes.Buffer
	if err := HTML(&buf, sum, Records(recs)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`class="verdict v-ungraded">2 UNGRADED`, `No judge (--judge-model none):`, `class="case v-ungraded"`, ungradedMessage} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	// Ungraded rows have no pass counts or rates to show: dashes, not 0/0 and 0%.
	for _, bad := range []string{"unknown verdict", "UNRELIABLE", `<td class="num">0/0</td>`} {
		if strings.Contains(page, bad) {
			t.Errorf("report.html says %q for an ungraded run", bad)
		}
	}
}
