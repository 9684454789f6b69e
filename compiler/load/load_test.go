package load_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/internal/golden"
)

const examples = "../../examples"

func mustLoad(t *testing.T, path string) *ir.Soul {
	t.Helper()
	s, err := load.Load(path, load.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return s
}

func irJSON(t *testing.T, s *ir.Soul) []byte {
	t.Helper()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestForms loads each input form and compares the IR with its golden file.
func TestForms(t *testing.T) {
	cases := map[string]string{
		"folder":    filepath.Join(examples, "ai-safety-researcher"),
		"yaml":      filepath.Join(examples, "exports/ai-safety-researcher.yaml"),
		"json":      filepath.Join(examples, "exports/ai-safety-researcher.json"),
		"markdown":  filepath.Join(examples, "exports/ai-safety-researcher.md"),
		"crlf-bom":  "testdata/forms/crlf-bom.md",
		"free-form": "testdata/forms/freeform.md",
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			golden.Check(t, filepath.Join("testdata/golden", name+".ir.json"), irJSON(t, mustLoad(t, path)))
		})
	}
}

// comparable strips what legitimately differs between forms of one SOUL:
// where each piece came from and how it was supplied.
func comparable(s *ir.Soul) *ir.Soul {
	c := *s
	c.Form, c.Source, c.SHA256, c.TitlePos = "", "", "", ir.Pos{}
	c.Meta.Pos, c.Meta.FieldPos, c.Meta.Node = ir.Pos{}, nil, nil
	var strip func([]ir.Item) []ir.Item
	strip = func(items []ir.Item) []ir.Item {
		out := make([]ir.Item, len(items))
		for i, it := range items {
			it.Pos = ir.Pos{}
			it.Children = strip(it.Children)
			if it.Children != nil && len(it.Children) == 0 {
				it.Children = nil
			}
			out[i] = it
		}
		return out
	}
	c.Sections = make([]ir.Section, len(s.Sections))
	for i, sec := range s.Sections {
		sec.Pos = ir.Pos{}
		sec.Items = strip(sec.Items)
		c.Sections[i] = sec
	}
	c.Scenarios = make([]ir.Scenario, len(s.Scenarios))
	for i, sc := range s.Scenarios {
		sc.Pos = ir.Pos{}
		c.Scenarios[i] = sc
	}
	c.Preamble = strip(s.Preamble)
	return &c
}

// TestFormsAgree: the folder and the three exports of one SOUL load to the same IR.
func TestFormsAgree(t *testing.T) {
	base := comparable(mustLoad(t, filepath.Join(examples, "ai-safety-researcher")))
	for _, p := range []string{"exports/ai-safety-researcher.yaml", "exports/ai-safety-researcher.json", "exports/ai-safety-researcher.md"} {
		got := comparable(mustLoad(t, filepath.Join(examples, p)))
		if !reflect.DeepEqual(base, got) {
			bj, _ := json.MarshalIndent(base, "", " ")
			gj, _ := json.MarshalIndent(got, "", " ")
			t.Errorf("%s loads to a different IR than the folder form:\n%s", p, firstDiff(string(bj), string(gj)))
		}
	}
}

// TestCRLFAndBOM: a Windows-saved copy (BOM + CRLF) loads exactly as LF text.
func TestCRLFAndBOM(t *testing.T) {
	lf := comparable(mustLoad(t, filepath.Join(examples, "exports/ai-safety-researcher.md")))
	crlf := comparable(mustLoad(t, "testdata/forms/crlf-bom.md"))
	if !reflect.DeepEqual(lf, crlf) {
		t.Fatal("CRLF+BOM copy loads differently from the LF original")
	}
	// Positions agree too: line numbers do not shift with CRLF.
	a := mustLoad(t, filepath.Join(examples, "exports/ai-safety-researcher.md"))
	b := mustLoad(t, "testdata/forms/crlf-bom.md")
	if a.Sections[3].Pos.Line != b.Sections[3].Pos.Line || a.Sections[3].Pos.Col != b.Sections[3].Pos.Col {
		t.Errorf("section position %v vs %v", a.Sections[3].Pos, b.Sections[3].Pos)
	}
}

func TestStdinDetection(t *testing.T) {
	for _, p := range []string{"exports/ai-safety-researcher.yaml", "exports/ai-safety-researcher.json", "exports/ai-safety-researcher.md", "ai-safety-researcher/SOUL.md"} {
		data, err := os.ReadFile(filepath.Join(examples, p))
		if err != nil {
			t.Fatal(err)
		}
		s, err := load.Load("-", load.Options{Stdin: strings.NewReader(string(data))})
		if err != nil {
			t.Fatalf("%s from stdin: %v", p, err)
		}
		if s.Title != "AI Safety Researcher" || len(s.Sections) != 20 || len(s.Scenarios) != 3 {
			t.Errorf("%s from stdin: title %q, %d sections, %d scenarios", p, s.Title, len(s.Sections), len(s.Scenarios))
		}
		if s.Source != "<stdin>" {
			t.Errorf("source = %q", s.Source)
		}
	}
}

// TestBadInputs: each bad input gives one line naming file and line, never a panic.
func TestBadInputs(t *testing.T) {
	entries, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		path := filepath.ToSlash(filepath.Join("testdata/bad", e.Name()))
		opt := load.Options{}
		if strings.HasPrefix(e.Name(), "oversize") {
			opt.MaxBytes = 1024
		}
		_, err := load.Load(path, opt)
		if err == nil {
			t.Errorf("%s: loaded without error", path)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: error spans lines: %q", path, msg)
		}
		if !strings.HasPrefix(msg, path) {
			t.Errorf("%s: error does not name the file: %q", path, msg)
		}
		lines = append(lines, msg)
	}
	sort.Strings(lines)
	golden.Check(t, "testdata/golden/bad.txt", []byte(strings.Join(lines, "\n")+"\n"))
}

func TestMissingPaths(t *testing.T) {
	for _, p := range []string{"testdata/nope.md", "testdata/forms"} {
		if _, err := load.Load(p, load.Options{}); err == nil {
			t.Errorf("%s: want error", p)
		}
	}
}

func TestFreeForm(t *testing.T) {
	s := mustLoad(t, "testdata/forms/freeform.md")
	if s.Meta.Present {
		t.Error("free-form persona should have no metadata")
	}
	who := s.Sections[0]
	if who.Kind != ir.Custom || len(who.Items) != 3 {
		t.Fatalf("Who You Are: kind %s, %d items", who.Kind, len(who.Items))
	}
	if who.Items[1].Title != "Owner of the timeline" || len(who.Items[1].Children) != 2 {
		t.Errorf("em-dash lead or nested list lost: %+v", who.Items[1])
	}
	work := s.Sections[1]
	if work.Items[0].Subsection != "Triage" || work.Items[0].Kind != ir.Step || work.Items[1].Title != "Declare early" {
		t.Errorf("subsections/steps: %+v", work.Items[:2])
	}
	if len(s.Scenarios) != 0 {
		t.Errorf("scenarios = %d, want 0", len(s.Scenarios))
	}
}

func TestLeads(t *testing.T) {
	src := "# T\n\n## Guiding Principles\n\n" +
		"- **Dot.** body one\n" +
		"- **Colon:** body two\n" +
		"- **Dash** — body three\n" +
		"- **Outside**: body four\n" +
		"- **Code `x` inside.** body five\n" +
		"- plain *emphasis* not a lead\n" +
		"- *Italic lead.* body seven\n"
	s, err := load.LoadBytes("x.md", []byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"Dot", "body one"}, {"Colon", "body two"}, {"Dash", "body three"}, {"Outside", "body four"}, {"Code x inside", "body five"}, {"", "plain *emphasis* not a lead"}, {"Italic lead", "body seven"}}
	for i, it := range s.Sections[0].Items {
		if it.Title != want[i][0] || it.Body != want[i][1] || it.Lead+it.Body != it.Text {
			t.Errorf("item %d: title %q body %q lead %q", i, it.Title, it.Body, it.Lead)
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + al[i] + "\n vs  " + bl[i]
		}
	}
	return "lengths differ"
}
