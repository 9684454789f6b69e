package cases

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/soulc/soulc/compiler/ir"
)

// ErrNoScenarios is returned (wrapped, naming the SOUL) when a SOUL has no
// Scenarios to extract cases from.
var ErrNoScenarios = errors.New("no Scenarios section: nothing to extract eval cases from")

// ExtractOptions control extraction.
type ExtractOptions struct {
	// Variants lists the variant kinds to add to every case (see VariantKinds).
	Variants []string
	// SourceRoot, when set, makes each case's source path relative to it, so
	// case files do not depend on where the SOUL was checked out.
	SourceRoot string
}

// Warning is something the caller should show but that did not stop
// extraction (a model reply that fell back, a weak split).
type Warning struct {
	Case    string // case id, empty for the whole file
	Source  string // file:line of the scenario
	Message string
}

func (w Warning) String() string {
	switch {
	case w.Source != "" && w.Case != "":
		return fmt.Sprintf("%s: %s: %s", w.Source, w.Case, w.Message)
	case w.Source != "":
		return w.Source + ": " + w.Message
	}
	return w.Message
}

// Stats counts how scenarios were split, for reports and tests.
type Stats struct {
	Split  map[string]int // by SplitActor, SplitCue, SplitTitle, SplitFallback
	Padded int            // cases whose rubric needed generic criteria
}

// Extract turns every scenario of s into a case without a model. The
// result always satisfies the schema; the error is ErrNoScenarios (wrapped)
// or a bad variant kind.
func Extract(s *ir.Soul, opt ExtractOptions) (*CaseFile, []Warning, error) {
	cf, _, warns, err := extract(s, opt)
	return cf, warns, err
}

// ExtractStats is Extract that also reports how each scenario was split.
func ExtractStats(s *ir.Soul, opt ExtractOptions) (*CaseFile, Stats, []Warning, error) {
	return extract(s, opt)
}

func extract(s *ir.Soul, opt ExtractOptions) (*CaseFile, Stats, []Warning, error) {
	st := Stats{Split: map[string]int{}}
	if len(s.Scenarios) == 0 {
		return nil, st, nil, fmt.Errorf("%s (%s): %w", soulName(s), s.Source, ErrNoScenarios)
	}
	if err := checkKinds(opt.Variants); err != nil {
		return nil, st, nil, err
	}
	cf := &CaseFile{Version: Version, Soul: s.Slug, SourceSHA256: s.SHA256, Generator: GeneratorDeterministic}
	c := newClassifier(s)
	ids := idSet{}
	var warns []Warning
	for i, sc := range s.Scenarios {
		cs, how, padded, w := c.extractCase(s, i, sc, opt)
		cs.ID = ids.unique(cs.ID)
		st.Split[how]++
		if padded {
			st.Padded++
		}
		for _, m := range w {
			warns = append(warns, Warning{Case: cs.ID, Source: cs.Source, Message: m})
		}
		cf.Cases = append(cf.Cases, cs)
	}
	return cf, st, warns, nil
}

func soulName(s *ir.Soul) string {
	if s.Slug != "" {
		return s.Slug
	}
	return s.Title
}

func checkKinds(kinds []string) error {
	for _, k := range kinds {
		ok := false
		for _, v := range VariantKinds {
			ok = ok || k == v
		}
		if !ok {
			return fmt.Errorf("unknown variant kind %q: use %s", k, strings.Join(VariantKinds, ", "))
		}
	}
	return nil
}

// extractCase builds one case and says how it was split.
func (c *classifier) extractCase(s *ir.Soul, i int, sc ir.Scenario, opt ExtractOptions) (Case, string, bool, []string) {
	units := c.unitsOf(sc.Text)
	sp := c.splitUnits(units)
	var warns []string
	title := plain(sc.Title)
	if len(sp.situation) == 0 {
		sp = c.situationFromTitle(sp, title)
	} else if title != "" && words(strings.Join(sp.situation, " ")) < 12 {
		// A one-line situation leans on its title for context.
		sp.situation = append([]string{asSentence(title)}, sp.situation...)
	}
	if sp.how == SplitFallback {
		warns = append(warns, "no cue for where the practitioner starts acting; took the opening sentence(s) as the situation (check the split)")
	}
	cs := Case{
		ID:        caseID(i, title, sp),
		Title:     caseTitle(i, title),
		Input:     c.input(sp.situation),
		Reference: strings.Join(sp.response, " "),
		Source:    sourceOf(sc.Pos, opt.SourceRoot),
	}
	b := c.criteria(sp)
	cs.Rubric, cs.MustNot = b.rubric(), b.mustNot()
	padded := b.padded
	cs.Variants = variants(c.situationText(sp.situation), c.roleTitle(s), opt.Variants)
	return cs, sp.how, padded, warns
}

// situationFromTitle supplies a situation when the scenario opens with the
// practitioner already acting: the title, or else the opening clause
// ("Asked to drain a marsh, the polymath…"), or else the first unit.
func (c *classifier) situationFromTitle(sp split, title string) split {
	if title != "" {
		sp.situation = []string{asSentence(title)}
		if lead := c.openingLead(sp.response); lead != "" {
			sp.situation = append(sp.situation, lead) // "Asked to print a bracket, the hobbyist…"
		}
		return sp
	}
	if len(sp.response) > 0 {
		if a, ok := c.matchActor(sp.response[0], true); ok && words(a.lead) >= 3 && !strings.HasPrefix(a.lead, "Rather") && !strings.HasPrefix(a.lead, "Instead") {
			sp.situation = []string{a.lead + "."}
			return sp
		}
		if head, tail, ok := cutClause(sp.response[0]); ok {
			sp.situation = []string{head + "."}
			sp.response = append([]string{upperFirst(tail)}, sp.response[1:]...)
			return sp
		}
	}
	if len(sp.response) > 1 {
		sp.situation, sp.response = sp.response[:1], sp.response[1:]
	}
	sp.how = SplitFallback
	return sp
}

// openingLead is the scene-setting clause before the practitioner acts in
// the first unit ("Asked to print a small wall bracket"), as a sentence.
func (c *classifier) openingLead(units []string) string {
	if len(units) == 0 {
		return ""
	}
	a, ok := c.matchActor(units[0], true)
	if !ok || words(a.lead) < 3 || strings.HasPrefix(a.lead, "Rather") || strings.HasPrefix(a.lead, "Instead") || transitions[a.lead] {
		return ""
	}
	return upperFirst(trimEndPunct(a.lead)) + "."
}

// cutClause splits a sentence at its first colon, dash or semicolon.
func cutClause(s string) (string, string, bool) {
	for _, sep := range []string{": ", " — ", "; "} {
		if i := strings.Index(s, sep); i > 0 && words(s[:i]) >= 3 && words(s[i+len(sep):]) >= 3 {
			return trimEndPunct(s[:i]), s[i+len(sep):], true
		}
	}
	return "", "", false
}

func caseTitle(i int, title string) string {
	if title != "" {
		return trimEndPunct(title)
	}
	return fmt.Sprintf("Scenario %d", i+1)
}

// caseID is the slug of the title, so it survives edits to the text; an
// untitled scenario gets its position plus the first words of its
// situation, the most stable thing it has.
func caseID(i int, title string, sp split) string {
	if id := slug(title, 60); id != "" {
		return id
	}
	first := ""
	if len(sp.situation) > 0 {
		first = strings.Join(firstWords(sp.situation[0], 5), " ")
	}
	return slug(fmt.Sprintf("scenario %d %s", i+1, first), 60)
}

func firstWords(s string, n int) []string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return f
}

type idSet map[string]bool

// unique appends -2, -3… to a repeated id.
func (ids idSet) unique(id string) string {
	out := id
	for n := 2; ids[out]; n++ {
		out = fmt.Sprintf("%s-%d", id, n)
	}
	ids[out] = true
	return out
}

func sourceOf(p ir.Pos, root string) string {
	file := p.File
	if root != "" {
		if rel, err := filepath.Rel(root, file); err == nil {
			file = rel
		}
	}
	return fmt.Sprintf("%s:%d", filepath.ToSlash(file), p.Line)
}

// roleTitle is how a role-play frame names the expert.
func (c *classifier) roleTitle(s *ir.Soul) string {
	t := s.Title
	if t == "" {
		t = s.Meta.Title
	}
	if t == "" {
		return "expert"
	}
	return t
}

// asSentence ends s with a full stop unless it already ends a sentence.
func asSentence(s string) string {
	s = strings.TrimSpace(s)
	t := strings.TrimRight(s, `"'”’)`)
	if strings.HasSuffix(t, ".") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "!") {
		return s
	}
	return trimEndPunct(s) + "."
}
