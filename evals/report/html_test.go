package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/soulc/soulc/evals/results"
)

func renderHTML(t testing.TB) string {
	t.Helper()
	sum, recs := fixture()
	var buf bytes.Buffer
	if err := HTML(&buf, sum, Records(recs)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// elem is a parsed HTML element: name, attributes, text inside, children.
type elem struct {
	Name     string
	Attr     map[string]string
	Text     string
	Children []*elem
	Parent   *elem
}

// parseHTML builds a tree with encoding/xml in its lenient HTML mode (the
// module has no HTML parser; the report is written to also be well-formed).
func parseHTML(t testing.TB, page string) *elem {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	root := &elem{Name: "#root"}
	cur := root
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("report.html does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &elem{Name: strings.ToLower(tok.Name.Local), Attr: map[string]string{}, Parent: cur}
			for _, a := range tok.Attr {
				e.Attr[strings.ToLower(a.Name.Local)] = a.Value
			}
			cur.Children = append(cur.Children, e)
			cur = e
		case xml.EndElement:
			if cur.Parent == nil {
				t.Fatalf("unbalanced </%s>", tok.Name.Local)
			}
			cur = cur.Parent
		case xml.CharData:
			for e := cur; e != nil; e = e.Parent {
				e.Text += string(tok)
			}
		}
	}
	if cur != root {
		t.Fatalf("unclosed <%s>", cur.Name)
	}
	return root
}

func (e *elem) all(pred func(*elem) bool) []*elem {
	var out []*elem
	var walk func(*elem)
	walk = func(x *elem) {
		if pred(x) {
			out = append(out, x)
		}
		for _, c := range x.Children {
			walk(c)
		}
	}
	walk(e)
	return out
}

func byName(n string) func(*elem) bool { return func(e *elem) bool { return e.Name == n } }

func hasClass(e *elem, c string) bool {
	for _, f := range strings.Fields(e.Attr["class"]) {
		if f == c {
			return true
		}
	}
	return false
}

func (e *elem) byID(id string) *elem {
	r := e.all(func(x *elem) bool { return x.Attr["id"] == id })
	if len(r) == 0 {
		return nil
	}
	return r[0]
}

func TestHTMLStructure(t *testing.T) {
	page := renderHTML(t)
	doc := parseHTML(t, page)

	// Self-contained: no scripts, no external resources of any kind.
	if n := len(doc.all(byName("script"))); n != 0 {
		t.Errorf("%d <script> elements", n)
	}
	for _, e := range doc.all(func(*elem) bool { return true }) {
		for _, a := range []string{"src", "href"} {
			if v, ok := e.Attr[a]; ok {
				t.Errorf("<%s %s=%q>: the report must load nothing", e.Name, a, v)
			}
		}
		if e.Name == "link" {
			t.Errorf("<link> in a self-contained report")
		}
	}
	if strings.Contains(page, "@import") || strings.Contains(page, "url(") {
		t.Errorf("CSS loads something")
	}

	// The four charts: labelled SVGs with marks.
	for _, id := range []string{"chart-conditions", "chart-lift", "chart-budget", "chart-variants"} {
		svg := doc.byID(id)
		if svg == nil || svg.Name != "svg" {
			t.Errorf("no <svg id=%q>", id)
			continue
		}
		if svg.Attr["role"] != "img" || svg.Attr["aria-labelledby"] == "" {
			t.Errorf("%s: not labelled for assistive technology: %v", id, svg.Attr)
		}
		if len(svg.all(byName("title"))) == 0 || len(svg.all(byName("desc"))) == 0 {
			t.Errorf("%s: no <title>/<desc>", id)
		}
		if len(svg.all(byName("line"))) < 4 {
			t.Errorf("%s: %d lines", id, len(svg.all(byName("line"))))
		}
	}
	cond := doc.byID("chart-conditions")
	sum, _ := fixture()
	if rows := cond.all(func(e *elem) bool { return hasClass(e, "row") }); len(rows) != len(sum.Conditions) {
		t.Errorf("condition chart: %d rows for %d conditions", len(rows), len(sum.Conditions))
	}
	if n := len(cond.all(func(e *elem) bool { return e.Name == "line" && hasClass(e, "threshold") })); n != 1 {
		t.Errorf("condition chart: %d threshold lines", n)
	}
	lift := doc.byID("chart-lift")
	if n := len(lift.all(func(e *elem) bool { return e.Name == "line" && hasClass(e, "zero") })); n != 1 {
		t.Errorf("lift chart: %d zero lines", n)
	}
	// Colour is never the only cue: significance is written out.
	if !strings.Contains(lift.Text, "+62.0 pp, significant") || !strings.Contains(lift.Text, "+12.0 pp, not significant") {
		t.Errorf("lift chart text: %q", lift.Text)
	}
	budget := doc.byID("chart-budget")
	if len(budget.all(byName("polygon"))) != 1 || len(budget.all(byName("polyline"))) != 1 || len(budget.all(byName("circle"))) != len(sum.BudgetCurve) {
		t.Errorf("budget chart: want a band, a line and %d points", len(sum.BudgetCurve))
	}
	// Smallest prompt first, full last.
	var labels []string
	for _, g := range budget.all(func(e *elem) bool { return hasClass(e, "point") }) {
		labels = append(labels, g.all(byName("text"))[0].Text)
	}
	if strings.Join(labels, ",") != "256,512,full" {
		t.Errorf("budget order %v", labels)
	}
	if v := doc.byID("chart-variants"); v != nil && !strings.Contains(v.Text, "-20.0 pp, significant") {
		t.Errorf("variant chart text: %q", v.Text)
	}

	// The case table: one row per cell, worst first, verdict as a word.
	table := doc.byID("cases")
	rows := table.all(func(e *elem) bool { return e.Name == "tr" && hasClass(e, "case") })
	if len(rows) != len(sum.Cells) {
		t.Fatalf("%d case rows for %d cells", len(rows), len(sum.Cells))
	}
	if !hasClass(rows[0], "v-fail") || !strings.Contains(rows[0].Text, "FAIL") {
		t.Errorf("first row is not the FAIL: %q", rows[0].Text)
	}
	if !strings.Contains(table.Text, "11 more samples would settle it") {
		t.Errorf("INCONCLUSIVE rows lack samples-to-settle")
	}

	// Examples: the untrusted answer is text, never markup.
	ex := doc.all(func(e *elem) bool { return e.Name == "details" && hasClass(e, "example") })
	if len(ex) != 5 { // FAIL, unknown, 3 × INCONCLUSIVE
		t.Errorf("%d example blocks, want 5", len(ex))
	}
	if strings.Contains(page, "<script>alert") {
		t.Errorf("the model's answer was injected as markup")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") {
		t.Errorf("escaped answer not found")
	}
	answers := doc.all(func(e *elem) bool { return e.Name == "pre" && hasClass(e, "answer") })
	found := false
	for _, a := range answers {
		if strings.Contains(a.Text, "<script>alert('x')</script> & \"quotes\" ]]>") {
			found = true
		}
	}
	if !found {
		t.Errorf("the answer does not read back as text")
	}
	if q := doc.all(func(e *elem) bool { return e.Name == "q" && hasClass(e, "evidence") }); len(q) == 0 {
		t.Errorf("no quoted evidence")
	}
	if n := len(doc.all(func(e *elem) bool { return e.Name == "li" && hasClass(e, "crit-fail") })); n == 0 {
		t.Errorf("no failing criteria shown")
	}
	if !strings.Contains(page, "judge's quote not found in the answer: voided") {
		t.Errorf("voided criterion not explained")
	}
	if !strings.Contains(page, "unscored: judge reply did not match the schema") {
		t.Errorf("unscored note missing")
	}

	// Headline banners.
	if g := doc.byID("gate"); g == nil || !hasClass(g, "bad") || !strings.Contains(g.Text, "CI gate: NOT MET") {
		t.Errorf("gate banner")
	}
	if c := doc.byID("calibration"); c == nil || !strings.Contains(c.Text, "JUDGE CALIBRATION UNRELIABLE") {
		t.Errorf("calibration banner")
	}
	if s := doc.byID("stopped"); s == nil || !strings.Contains(s.Text, "max-cost") {
		t.Errorf("stopped banner")
	}
}

// An empty run renders: every chart says why it is empty.
func TestHTMLEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	sum := &results.Summary{Schema: results.SchemaVersion}
	if err := HTML(&buf, sum, nil); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, buf.String())
	if n := len(doc.all(byName("svg"))); n != 0 {
		t.Errorf("%d charts for an empty run", n)
	}
	for _, want := range []string{"No conditions in this run.", "No lift: the run had no baseline.", "No budget curve", "No variants in this run.", "None: every cell passed."} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("empty run lacks %q", want)
		}
	}
	for _, f := range []func() error{
		func() error { return JUnit(io.Discard, sum, nil) },
		func() error { return Markdown(io.Discard, sum) },
	} {
		if err := f(); err != nil {
			t.Error(err)
		}
	}
}

// A huge run keeps the worst rows and says how many it left out.
func TestHTMLCutsHugeCaseTable(t *testing.T) {
	defer func(n int) { maxHTMLRows = n }(maxHTMLRows)
	maxHTMLRows = 100
	var buf bytes.Buffer
	if err := HTML(&buf, bigSummary(1000), nil); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, buf.String())
	rows := doc.all(func(e *elem) bool { return e.Name == "tr" && hasClass(e, "case") })
	if len(rows) != 100 {
		t.Errorf("%d rows, want 100", len(rows))
	}
	for _, r := range rows {
		if !hasClass(r, "v-fail") {
			t.Fatalf("a non-FAIL row kept while FAIL rows were cut: %q", r.Text)
		}
	}
	if c := doc.byID("rows-cut"); c == nil || !strings.Contains(c.Text, "900 more cells") {
		t.Errorf("no cut note")
	}
	if !strings.Contains(buf.String(), "1000 cells:") {
		t.Errorf("headline counts the shown rows, not the cells")
	}
}
