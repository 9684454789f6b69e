package cases

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soulc/soulc/internal/golden"
)

func TestExampleGolden(t *testing.T) {
	cf := exampleCases(t)
	got, err := cf.YAML()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/ai-safety-researcher.yaml", got)
	back, err := Parse(got)
	if err != nil {
		t.Fatalf("golden case file does not parse back: %v", err)
	}
	if len(back.Cases) != 3 || back.Cases[0].ID != cf.Cases[0].ID {
		t.Errorf("round trip lost cases: %+v", back.Cases)
	}
}

func TestVariantGoldens(t *testing.T) {
	for _, kind := range VariantKinds {
		t.Run(kind, func(t *testing.T) {
			cf := exampleCases(t, kind)
			for _, c := range cf.Cases {
				if len(c.Variants) != 1 || c.Variants[0].Kind != kind {
					t.Fatalf("%s: variants %+v", c.ID, c.Variants)
				}
				v := c.Variants[0]
				if sh := sharedSentence(v.Input, c.Reference); sh != "" {
					t.Errorf("%s variant repeats reference sentence %q", kind, sh)
				}
				if kind == Multiturn && (len(v.Turns) < 2 || len(v.Turns) > 3) {
					t.Errorf("multiturn has %d turns", len(v.Turns))
				}
				if kind != Multiturn && len(v.Turns) > 0 {
					t.Errorf("%s has turns", kind)
				}
			}
			if err := Validate(cf); err != nil {
				t.Fatal(err)
			}
			got, _ := cf.YAML()
			golden.Check(t, filepath.Join("testdata", "variants", kind+".yaml"), got)
		})
	}
}

func TestUnknownVariant(t *testing.T) {
	_, _, err := Extract(loadSoul(t, exampleSOUL), ExtractOptions{Variants: []string{"sarcastic"}})
	if err == nil || !strings.Contains(err.Error(), "sarcastic") {
		t.Fatalf("err = %v", err)
	}
}

func TestNoScenarios(t *testing.T) {
	s := loadMarkdown(t, "# Plain Persona\n\n## Core Mission\n\nHelps people.\n")
	_, _, err := Extract(s, ExtractOptions{})
	if !errors.Is(err, ErrNoScenarios) {
		t.Fatalf("err = %v, want ErrNoScenarios", err)
	}
	if !strings.Contains(err.Error(), "Scenarios") || !strings.Contains(err.Error(), soulName(s)) {
		t.Errorf("message should name the SOUL and the missing section: %v", err)
	}
}

const editableSOUL = `# Harbour Pilot

## Scenarios

**Fog at the bar.** A container ship is due at the bar at dawn and the fog is thick. The master wants to keep the schedule. The pilot checks the tide window and the radar picture. She holds the ship outside until visibility clears. The conclusion is that a missed slot costs hours while a grounding costs the port.

A tug reports a parted line mid-turn. The master is alarmed. The pilot slows the ship and calls a second tug. The turn is finished safely.
`

func TestIDsStableAndUntitled(t *testing.T) {
	cf, _, err := Extract(loadMarkdown(t, editableSOUL), ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(editableSOUL, "the fog is thick", "the fog is thick and rain is coming", 1)
	cf2, _, err := Extract(loadMarkdown(t, edited), ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cf.Cases[0].ID != "fog-at-the-bar" || cf2.Cases[0].ID != cf.Cases[0].ID {
		t.Errorf("titled id %q / %q, want fog-at-the-bar both times", cf.Cases[0].ID, cf2.Cases[0].ID)
	}
	if got := cf.Cases[1].ID; !strings.HasPrefix(got, "scenario-2-") {
		t.Errorf("untitled id = %q, want scenario-2-…", got)
	}
	c := cf.Cases[0]
	if !strings.Contains(c.Input, "fog is thick") || strings.Contains(c.Input, "holds the ship") {
		t.Errorf("bad split: input %q", c.Input)
	}
	if !strings.Contains(c.Reference, "holds the ship") {
		t.Errorf("reference lost the response: %q", c.Reference)
	}
}

func TestDuplicateTitlesGetUniqueIDs(t *testing.T) {
	md := "# X Pilot\n\n## Scenarios\n\n**Same.** A thing happens. The pilot acts on it and checks. It works.\n\n**Same.** Another thing happens. The pilot acts again and checks. It works too.\n"
	cf, _, err := Extract(loadMarkdown(t, md), ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cf.Cases[0].ID != "same" || cf.Cases[1].ID != "same-2" {
		t.Errorf("ids %q %q", cf.Cases[0].ID, cf.Cases[1].ID)
	}
}

// TestAtlas is the definition of done: every atlas SOUL extracts to
// a schema-valid case file, no input shares a sentence with its reference,
// and every rubric has 3–6 items.
func TestAtlas(t *testing.T) {
	dirs := atlasDirs(t)
	total := Stats{Split: map[string]int{}}
	cases, mustNot, lintCodes := 0, 0, map[string]int{}
	for _, d := range dirs {
		s := loadSoul(t, d)
		cf, st, _, err := ExtractStats(s, ExtractOptions{SourceRoot: atlasSouls, Variants: VariantKinds})
		if err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		for k, v := range st.Split {
			total.Split[k] += v
		}
		total.Padded += st.Padded
		data, err := cf.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(data); err != nil {
			t.Errorf("%s: %v", cf.Soul, err)
		}
		for _, f := range Lint(cf.Soul+".yaml", data) {
			if f.Severity == SevError {
				t.Errorf("lint: %s", f)
			}
			lintCodes[f.Code]++
		}
		for _, c := range cf.Cases {
			cases++
			if len(c.MustNot) > 0 {
				mustNot++
			}
			if sh := sharedSentence(c.Input, c.Reference); sh != "" {
				t.Errorf("%s/%s: input repeats reference sentence %q", cf.Soul, c.ID, sh)
			}
			if n := len(c.Rubric); n < MinRubric || n > MaxRubric {
				t.Errorf("%s/%s: %d rubric items", cf.Soul, c.ID, n)
			}
		}
	}
	t.Logf("%d SOULs, %d cases; split: %v; rubric padded with generic criteria: %d; with must_not: %d; lint findings: %v",
		len(dirs), cases, total.Split, total.Padded, mustNot, lintCodes)
	if cases < len(dirs) {
		t.Errorf("fewer cases (%d) than SOULs (%d)", cases, len(dirs))
	}
}

func TestJSONRoundTrip(t *testing.T) {
	cf := exampleCases(t, VariantKinds...)
	data, err := cf.JSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatalf("JSON case file does not parse: %v", err)
	}
	y1, _ := cf.YAML()
	y2, _ := back.YAML()
	if string(y1) != string(y2) {
		t.Error("JSON round trip changed the case file")
	}
}

func TestValidateRejects(t *testing.T) {
	cf := exampleCases(t)
	cf.Cases[0].Rubric = cf.Cases[0].Rubric[:2]
	if err := Validate(cf); err == nil || !strings.Contains(err.Error(), "rubric") {
		t.Fatalf("err = %v, want a rubric error", err)
	}
}
