package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/soulc/soulc/evals/results"
)

// JUnit XML shapes. The subset used is the one GitHub's and GitLab's JUnit
// readers agree on: <testsuites> holding <testsuite> elements with
// tests/failures/errors/skipped/time, <testcase classname name time> with at
// most one of <failure>, <error> or <skipped>, and <system-out>. GitLab shows
// classname as the suite and name as the test, and keeps only the first of
// duplicate names, so classname+name is unique per cell.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
	timeMS     float64
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitText is element text written as CDATA so that multi-line output
// stays readable in the raw file; encoding/xml splits any "]]>" in it.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

// gateSuite is the name of the extra suite holding the CI gate test.
const gateSuite = "soulc.gate"

// JUnit writes junit.xml: one <testsuite> per soul, one <testcase> per cell
// (case × condition × variant) with classname = soul and name = "case
// [condition] (variant)". PASS passes; FAIL is a <failure> with the rate,
// interval and the failing criteria of one failing sample; INCONCLUSIVE is a
// <skipped> that says how many more samples would settle it (not enough
// evidence either way is neither a pass nor a failure); UNGRADED (a run
// with --judge-model none) is a <skipped> too, "ungraded: answers collected
// without a judge"; an unknown verdict is an <error>. Unscored and failed requests are listed in <system-out>.
// A last suite, soulc.gate, holds one test for the CI gate, so a run that
// misses --min-pass/--min-lift (or whose judge is unreliable, when the gate
// says so) fails in the test report as it does in the exit code. Time is the
// sum of request latencies per test; the root's time is the wall time.
func JUnit(w io.Writer, sum *results.Summary, records RecordSource) error {
	if sum == nil {
		return fmt.Errorf("report: nil summary")
	}
	details, err := collect(sum, records)
	if err != nil {
		return fmt.Errorf("report: reading records: %w", err)
	}
	root := junitSuites{Name: "soulc eval", Time: seconds(sum.Totals.WallSeconds * 1000)}
	if sum.Config.Target != "" {
		root.Name += " " + sum.Config.Target
	}
	bySoul := map[string]int{}
	for i := range sum.Cells {
		c := &sum.Cells[i]
		si, ok := bySoul[c.Soul]
		if !ok {
			si = len(root.Suites)
			bySoul[c.Soul] = si
			root.Suites = append(root.Suites, junitSuite{Name: c.Soul, Properties: properties(sum)})
		}
		s := &root.Suites[si]
		d := details[keyOfCell(c)]
		tc := junitCase{Classname: c.Soul, Name: testName(c), Time: seconds(d.latencyMS)}
		s.timeMS += d.latencyMS
		s.Tests++
		switch c.Verdict {
		case verdictPass:
		case verdictFail:
			s.Failures++
			tc.Failure = &junitMessage{
				Type:    "FAIL",
				Message: fmt.Sprintf("FAIL: %s; %s", rateText(c, sum.Config.Threshold), failingCriteriaSummary(d.firstFail)),
				Body:    xmlSafe(failureBody(c, d.firstFail, sum.Config.Threshold)),
			}
		case verdictInconclusive:
			s.Skipped++
			tc.Skipped = &junitMessage{Message: "inconclusive: " + rateText(c, sum.Config.Threshold) + ", " + settleText(c.SamplesToSettle)}
		case verdictUngraded:
			s.Skipped++
			tc.Skipped = &junitMessage{Message: ungradedMessage}
		default:
			s.Errors++
			tc.Error = &junitMessage{Type: "verdict", Message: fmt.Sprintf("unknown verdict %q: %s", c.Verdict, rateText(c, sum.Config.Threshold))}
		}
		tc.SystemOut = textElem(systemOut(c, d))
		s.Cases = append(s.Cases, tc)
	}
	root.Suites = append(root.Suites, gateTestSuite(sum))
	for i := range root.Suites {
		s := &root.Suites[i]
		s.Time = seconds(s.timeMS)
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

func gateTestSuite(sum *results.Summary) junitSuite {
	g := sum.Gate
	tc := junitCase{Classname: gateSuite, Name: "CI gate", Time: seconds(0)}
	var out []string
	if g.MinPass > 0 {
		out = append(out, "min pass rate: "+pct(g.MinPass))
	}
	if g.MinLift > 0 {
		out = append(out, "min lift: "+pp(g.MinLift))
	}
	out = append(out, calibrationLine(&sum.Calibration))
	if sum.Totals.Stopped != "" {
		out = append(out, "run stopped early ("+sum.Totals.Stopped+"): results are partial")
	}
	s := junitSuite{Name: gateSuite, Tests: 1}
	if !g.Met {
		s.Failures = 1
		msg := "gate not met"
		if len(g.Reasons) > 0 {
			msg += ": " + strings.Join(g.Reasons, "; ")
		}
		tc.Failure = &junitMessage{Type: "gate", Message: msg, Body: xmlSafe(strings.Join(g.Reasons, "\n"))}
	}
	tc.SystemOut = textElem(strings.Join(out, "\n") + "\n")
	s.Cases = []junitCase{tc}
	return s
}

func properties(sum *results.Summary) *junitProperties {
	cfg := sum.Config
	var ps []junitProperty
	add := func(k, v string) {
		if v != "" {
			ps = append(ps, junitProperty{k, v})
		}
	}
	add("soulc_version", sum.SoulcVersion)
	add("model", cfg.Model)
	add("judge_model", cfg.JudgeModel)
	add("samples", fmt.Sprint(cfg.Samples))
	add("threshold", fmt.Sprint(cfg.Threshold))
	add("shard", cfg.Shard)
	return &junitProperties{ps}
}

// rateText is "3/5 pass (60%), 95% CI [23%, 88%], threshold 80%".
func rateText(c *results.Cell, threshold float64) string {
	s := fmt.Sprintf("%d/%d pass (%s), 95%% CI %s", c.Passes, c.Scored, pct(c.Rate), interval(c.Lo, c.Hi))
	if threshold > 0 {
		s += ", threshold " + pct(threshold)
	}
	return s
}

func failingCriteriaSummary(si *sampleInfo) string {
	if si == nil {
		return "no failing sample in the records"
	}
	var failed []string
	for _, c := range si.Criteria {
		if failing(c) {
			t := c.Text
			if c.MustNot {
				t = "must not: " + t
			}
			failed = append(failed, truncate(t, 120))
		}
	}
	if len(failed) == 0 {
		return fmt.Sprintf("sample %d failed (score %.2f < %.2f)", si.Sample, si.Score, si.Threshold)
	}
	return fmt.Sprintf("sample %d failed: %s", si.Sample, strings.Join(failed, "; "))
}

func failureBody(c *results.Cell, si *sampleInfo, threshold float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", testName(c), rateText(c, threshold))
	fmt.Fprintf(&b, "mean criteria score %.2f; %d unscored, %d errors\n", c.MeanScore, c.Unscored, c.Errors)
	if si == nil {
		b.WriteString("(no failing sample found in the records)\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nexample: sample %d, score %.2f (threshold %.2f)\n", si.Sample, si.Score, si.Threshold)
	for _, cr := range si.Criteria {
		b.WriteString("  " + criterionLine(cr) + "\n")
	}
	b.WriteString("\nanswer:\n" + si.Answer + "\n")
	return b.String()
}

func systemOut(c *results.Cell, d *cellDetail) string {
	if c.Unscored == 0 && c.Errors == 0 && len(d.notes) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d scored, %d unscored (never counted as pass or fail), %d request errors\n", c.Scored, c.Unscored, c.Errors)
	for _, n := range d.notes {
		b.WriteString(n + "\n")
	}
	if d.moreNotes > 0 {
		fmt.Fprintf(&b, "… and %d more\n", d.moreNotes)
	}
	return b.String()
}

func seconds(ms float64) string {
	if ms < 0 || ms != ms {
		ms = 0
	}
	return fmt.Sprintf("%.3f", ms/1000)
}

// calibrationLine is the judge calibration in one sentence.
func calibrationLine(c *results.Calibration) string {
	state := "reliable"
	if !c.Reliable {
		state = "UNRELIABLE"
	}
	return "judge calibration " + state + ": " + calibrationCounts(c)
}

// calibrationCounts is what the judge calibration counted, and its note.
func calibrationCounts(c *results.Calibration) string {
	s := fmt.Sprintf("reference answers judged pass %d/%d, other scenarios' answers judged fail %d/%d (both must reach %s)",
		c.PositivePass, c.PositiveN, c.NegativeFail, c.NegativeN, pct(c.Threshold))
	if c.Note != "" {
		s += "; " + c.Note
	}
	return s
}

func textElem(s string) *junitText {
	if s == "" {
		return nil
	}
	return &junitText{xmlSafe(s)}
}

// xmlSafe replaces what XML 1.0 cannot carry at all (NUL and other control
// characters, invalid UTF-8) with U+FFFD. encoding/xml does this for
// escaped text but not for CDATA.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}
