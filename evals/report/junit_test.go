package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/soulc/soulc/internal/golden"
)

// parsed JUnit, read back with encoding/xml the way a CI reader would.
type pSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []pSuite `xml:"testsuite"`
}

type pSuite struct {
	Name     string  `xml:"name,attr"`
	Tests    int     `xml:"tests,attr"`
	Failures int     `xml:"failures,attr"`
	Errors   int     `xml:"errors,attr"`
	Skipped  int     `xml:"skipped,attr"`
	Time     float64 `xml:"time,attr"`
	Cases    []pCase `xml:"testcase"`
}

type pCase struct {
	Classname string  `xml:"classname,attr"`
	Name      string  `xml:"name,attr"`
	Time      float64 `xml:"time,attr"`
	Failure   *pMsg   `xml:"failure"`
	Error     *pMsg   `xml:"error"`
	Skipped   *pMsg   `xml:"skipped"`
	SystemOut string  `xml:"system-out"`
}

type pMsg struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

func renderJUnit(t *testing.T) []byte {
	t.Helper()
	sum, recs := fixture()
	var buf bytes.Buffer
	if err := JUnit(&buf, sum, Records(recs)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestJUnitGolden(t *testing.T) {
	golden.Check(t, "testdata/junit.xml.golden", renderJUnit(t))
}

// The XML parses back; the counts on every suite and on the root agree with
// the test cases; each verdict maps to the element the brief asks for.
func TestJUnitParsesBackWithConsistentCounts(t *testing.T) {
	out := renderJUnit(t)
	var root pSuites
	if err := xml.Unmarshal(out, &root); err != nil {
		t.Fatalf("junit.xml does not parse: %v\n%s", err, out)
	}
	sum, _ := fixture()
	var tests, failures, errs, skipped int
	seen := map[string]bool{}
	byName := map[string]pCase{}
	for _, s := range root.Suites {
		var f, e, sk int
		var tm float64
		for _, c := range s.Cases {
			key := c.Classname + "\x00" + c.Name
			if seen[key] {
				t.Errorf("duplicate test %q in %q: GitLab keeps only the first", c.Name, c.Classname)
			}
			seen[key] = true
			byName[key] = c
			n := 0
			if c.Failure != nil {
				f++
				n++
			}
			if c.Error != nil {
				e++
				n++
			}
			if c.Skipped != nil {
				sk++
				n++
			}
			if n > 1 {
				t.Errorf("%s has %d outcome elements", c.Name, n)
			}
			tm += c.Time
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s: attrs tests=%d failures=%d errors=%d skipped=%d, cases say %d/%d/%d/%d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		if d := s.Time - tm; d > 0.002 || d < -0.002 {
			t.Errorf("suite %s time %.3f, cases sum to %.3f", s.Name, s.Time, tm)
		}
		tests += s.Tests
		failures += s.Failures
		errs += s.Errors
		skipped += s.Skipped
	}
	if root.Tests != tests || root.Failures != failures || root.Errors != errs || root.Skipped != skipped {
		t.Errorf("root attrs %d/%d/%d/%d, suites sum to %d/%d/%d/%d", root.Tests, root.Failures, root.Errors, root.Skipped, tests, failures, errs, skipped)
	}
	if root.Time != "12.500" {
		t.Errorf("root time %q, want the wall time 12.500", root.Time)
	}
	if want := len(sum.Cells) + 1; tests != want { // + the gate test
		t.Errorf("%d tests, want %d (one per cell plus the gate)", tests, want)
	}

	get := func(soul, name string) pCase {
		t.Helper()
		c, ok := byName[soul+"\x00"+name]
		if !ok {
			t.Fatalf("no test %q in %q", name, soul)
		}
		return c
	}
	if c := get("ada", "debug-loop [persona@512]"); c.Failure != nil || c.Skipped != nil || c.Error != nil {
		t.Errorf("PASS cell is not a passed test: %+v", c)
	}
	fc := get("ada", "debug-loop [baseline:none]")
	if fc.Failure == nil {
		t.Fatal("FAIL cell has no <failure>")
	}
	for _, want := range []string{"1/6 pass (17%)", "95% CI [", "Asks for the failing input", "must not: Claims to be an AI"} {
		if !strings.Contains(fc.Failure.Message, want) {
			t.Errorf("failure message lacks %q: %s", want, fc.Failure.Message)
		}
	}
	// The untrusted answer survives the round trip intact (bar the NUL,
	// which XML cannot carry), so it was escaped, not injected.
	if want := strings.ReplaceAll(hostileAn, "\x00", "\uFFFD"); !strings.Contains(fc.Failure.Body, want) {
		t.Errorf("failure body lacks the answer %q:\n%s", want, fc.Failure.Body)
	}
	if strings.Contains(fc.Failure.Body, "Names the loop bound (not met)") || !strings.Contains(fc.Failure.Body, "voided") {
		t.Errorf("voided criterion not explained:\n%s", fc.Failure.Body)
	}
	ic := get("ada", "explain-closures [persona@512]")
	if ic.Skipped == nil || ic.Failure != nil {
		t.Fatalf("INCONCLUSIVE cell is not a skip: %+v", ic)
	}
	if !strings.HasPrefix(ic.Skipped.Message, "inconclusive: 3/5 pass (60%), 95% CI [") || !strings.Contains(ic.Skipped.Message, "more samples would settle it") {
		t.Errorf("skip message: %q", ic.Skipped.Message)
	}
	if !strings.Contains(ic.SystemOut, "sample 5: unscored: judge reply did not match the schema") {
		t.Errorf("unscored sample not in system-out: %q", ic.SystemOut)
	}
	if c := get("ada", "explain-closures [persona@full] (paraphrase)"); c.Skipped == nil || !strings.Contains(c.Skipped.Message, "would not settle it") {
		t.Errorf("unsettleable INCONCLUSIVE: %+v", c)
	}
	if c := get("ada", "explain-closures [persona@256]"); !strings.Contains(c.SystemOut, "request failed: 429") {
		t.Errorf("request error not in system-out: %q", c.SystemOut)
	}
	if c := get("bob", "odd-verdict [persona@512]"); c.Error == nil {
		t.Errorf("unknown verdict is not an <error>: %+v", c)
	}
	if c := get("bob", "tax|return [persona@512]"); c.Failure != nil || c.Skipped != nil {
		t.Errorf("PASS cell with odd name: %+v", c)
	}
	g := get(gateSuite, "CI gate")
	if g.Failure == nil || !strings.Contains(g.Failure.Message, "judge calibration unreliable") {
		t.Errorf("gate not met is not a failure: %+v", g)
	}
	if !strings.Contains(g.SystemOut, "UNRELIABLE") || !strings.Contains(g.SystemOut, "stopped early (max-cost)") {
		t.Errorf("gate system-out: %q", g.SystemOut)
	}
}

func TestJUnitGateMetPasses(t *testing.T) {
	sum, recs := fixture()
	sum.Gate = gateOf(true)
	var buf bytes.Buffer
	if err := JUnit(&buf, sum, Records(recs)); err != nil {
		t.Fatal(err)
	}
	var root pSuites
	if err := xml.Unmarshal(buf.Bytes(), &root); err != nil {
		t.Fatal(err)
	}
	last := root.Suites[len(root.Suites)-1]
	if last.Name != gateSuite || last.Failures != 0 || last.Cases[0].Failure != nil {
		t.Errorf("met gate: %+v", last)
	}
}
