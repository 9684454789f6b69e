package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/soulc/soulc/internal/golden"
)

func renderMarkdown(t *testing.T) string {
	t.Helper()
	sum, _ := fixture()
	var buf bytes.Buffer
	if err := Markdown(&buf, sum); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestMarkdownGolden(t *testing.T) {
	golden.Check(t, "testdata/summary.md.golden", []byte(renderMarkdown(t)))
}

var unescapedPipe = regexp.MustCompile(`(^|[^\\])\|`)

// Every table row has as many cell separators as its header: a `|` or a
// newline in a case name or title cannot break the table.
func TestMarkdownTablesAreWellFormed(t *testing.T) {
	md := renderMarkdown(t)
	var cols int
	inTable := false
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		n := len(unescapedPipe.FindAllString(line, -1))
		if strings.HasPrefix(line, "||") {
			n++ // the regexp cannot match two adjacent separators
		}
		if !inTable {
			cols, inTable = n, true
			continue
		}
		if n != cols {
			t.Errorf("line %d has %d separators, its header %d: %s", i+1, n, cols, line)
		}
	}
	for _, want := range []string{
		"**CI gate: NOT MET.**",
		"- judge calibration unreliable",
		"> **JUDGE CALIBRATION UNRELIABLE: do not trust the verdicts below.**",
		"**The run stopped early (max-cost).**",
		"| persona@512 | baseline:none | +62.0 pp | [+35.0 pp, +88.0 pp] | 3 | significant |",
		"| persona@full | baseline:none | +12.0 pp | [-20.0 pp, +41.0 pp] | 3 | not significant |",
		"| full | 1430 | 50% | [15%, 85%] |",
		"| paraphrase | persona@full | 100% | 80% | -20.0 pp | [-38.0 pp, -4.0 pp] | significant |",
		"INCONCLUSIVE (11 more samples would settle it)",
		"INCONCLUSIVE (more samples at this rate would not settle it)",
		`tax\|return: Tax \| return with a newline`,
		"| yes (max-cost) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("summary.md lacks %q", want)
		}
	}
	// Worst first: the FAIL row comes before any PASS row.
	if f, p := strings.Index(md, "| FAIL |"), strings.Index(md, "| PASS |"); f < 0 || p < 0 || f > p {
		t.Errorf("FAIL row at %d, PASS row at %d: want worst first", f, p)
	}
	for _, bad := range []string{"✅", "❌", "⚠"} {
		if strings.Contains(md, bad) {
			t.Errorf("summary.md uses emoji %q for a verdict", bad)
		}
	}
}

func TestMarkdownReliableJudgeIsQuiet(t *testing.T) {
	sum, _ := fixture()
	sum.Calibration.Reliable = true
	sum.Gate = gateOf(true)
	sum.Totals.Stopped = ""
	var buf bytes.Buffer
	if err := Markdown(&buf, sum); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	if strings.Contains(md, "UNRELIABLE") || strings.Contains(md, "[!CAUTION]") || strings.Contains(md, "stopped early") {
		t.Errorf("warnings on a clean run:\n%s", md)
	}
	if !strings.Contains(md, "**CI gate: met.**") || !strings.Contains(md, "Judge calibration: reliable.") || !strings.Contains(md, "| no |") {
		t.Errorf("clean run headline:\n%s", md[:min(len(md), 600)])
	}
}

// A huge run's summary stays under the limit, keeps the failing rows and
// says how many rows it left out.
func TestMarkdownCutsHugeCaseTable(t *testing.T) {
	defer func(n int) { maxMarkdownBytes = n }(maxMarkdownBytes)
	maxMarkdownBytes = 20 << 10
	sum := bigSummary(5000)
	var buf bytes.Buffer
	if err := Markdown(&buf, sum); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	if buf.Len() > maxMarkdownBytes {
		t.Errorf("summary.md is %d bytes, limit %d", buf.Len(), maxMarkdownBytes)
	}
	if !regexp.MustCompile(`\d+ more cells not shown \(\d+ FAIL, \d+ INCONCLUSIVE, \d+ PASS\)`).MatchString(md) {
		t.Errorf("no cut note")
	}
	if strings.Contains(md, "| PASS |") {
		t.Errorf("PASS rows kept while FAIL rows were cut")
	}
	if !strings.Contains(md, "## Totals") {
		t.Errorf("totals lost in the cut")
	}

	// At the real limit, 5000 cells fit without a cut; 50000 do not.
	maxMarkdownBytes = 900 << 10
	buf.Reset()
	if err := Markdown(&buf, bigSummary(50000)); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 || !strings.Contains(buf.String(), "more cells not shown") {
		t.Errorf("50000 cells: %d bytes", buf.Len())
	}
}
