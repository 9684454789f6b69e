// Package lint checks a loaded SOUL: the SOUL Atlas's own rules (metadata
// schema, required sections, minimum words, canonical order) and soulc's
// rules for text that will become a system prompt (instructions aimed at the
// model, hidden HTML comments, empty or untitled scenarios).
//
// Findings are data (diag.Diagnostic) with stable codes; the CLI prints them.
// It must not import cobra, go-openai, targets or evals.
package lint

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/soulc/soulc/compiler/atlas"
	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
)

// Rule describes one check.
type Rule struct {
	Code, Name, Doc string
}

// Rules lists every check, for `soulc lint --rules` and the docs.
var Rules = []Rule{
	{"SOUL001", "metadata-schema", "metadata does not satisfy the Atlas metadata.schema.json"},
	{"SOUL002", "slug-mismatch", "metadata slug differs from the folder name"},
	{"SOUL003", "title-mismatch", "the # title differs from the metadata title"},
	{"SOUL004", "no-metadata", "no metadata: Atlas rules are reported as warnings"},
	{"SOUL101", "missing-section", "a required canonical section is missing"},
	{"SOUL102", "non-canonical-heading", "an H2 heading is not one of the canonical sections"},
	{"SOUL103", "section-order", "canonical sections are out of the Atlas order"},
	{"SOUL104", "section-too-short", "a section has fewer words than the Atlas minimum"},
	{"SOUL105", "duplicate-section", "a canonical section appears twice"},
	{"SOUL106", "empty-section", "a section has no content"},
	{"SOUL201", "model-directed-instruction", "text addressed to the model that would act as an instruction in a system prompt"},
	{"SOUL202", "hidden-html-comment", "an HTML comment a reader would not see but a model would"},
	{"SOUL203", "empty-scenario", "a scenario with no text"},
	{"SOUL204", "untitled-scenario", "a scenario without a bold title"},
	{"SOUL205", "no-scenarios", "no Scenarios: nothing to build evals from"},
}

func rule(code string) Rule {
	for _, r := range Rules {
		if r.Code == code {
			return r
		}
	}
	panic("lint: unknown rule " + code)
}

type checker struct {
	s    *ir.Soul
	out  diag.List
	atla bool // Atlas rules are errors (metadata present) or warnings (bare)
}

func (c *checker) add(sev diag.Severity, code string, pos diag.Pos, suggestion, format string, args ...any) {
	r := rule(code)
	c.out = append(c.out, diag.Diagnostic{Pos: pos, Severity: sev, Code: r.Code, Rule: r.Name, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// atlasSev is Error for an Atlas SOUL and Warning for a free-form persona.
func (c *checker) atlasSev() diag.Severity {
	if c.atla {
		return diag.Error
	}
	return diag.Warning
}

// Check runs every rule on s and returns the findings sorted by position.
func Check(s *ir.Soul) diag.List {
	c := &checker{s: s, atla: s.Meta.Present}
	c.metadata()
	c.sections()
	c.promptSafety()
	c.scenarios()
	sort.SliceStable(c.out, func(i, j int) bool {
		a, b := c.out[i].Pos, c.out[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return c.out
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

func metadataSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(atlas.MetadataSchema()))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		const url = "https://soul-atlas.github.io/schema/metadata.schema.json"
		if err := c.AddResource(url, doc); err != nil {
			schemaErr = err
			return
		}
		schema, schemaErr = c.Compile(url)
	})
	return schema, schemaErr
}

var printer = message.NewPrinter(language.English)

func (c *checker) metadata() {
	s := c.s
	if !s.Meta.Present {
		c.add(diag.Info, "SOUL004", diag.Pos{File: s.Source, Line: 1}, "", "no metadata (free-form persona): Atlas structure rules are warnings")
		return
	}
	sch, err := metadataSchema()
	if err != nil {
		c.add(diag.Error, "SOUL001", s.Meta.Pos, "", "cannot compile the metadata schema: %v", err)
		return
	}
	if err := sch.Validate(load.ToValue(s.Meta.Node)); err != nil {
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			for _, leaf := range leaves(ve) {
				n := load.NodeAt(s.Meta.Node, leaf.InstanceLocation)
				pos := diag.Pos{File: s.Meta.Pos.File, Line: n.Line, Col: n.Column}
				where := "metadata"
				if len(leaf.InstanceLocation) > 0 {
					where = strings.Join(leaf.InstanceLocation, ".")
				}
				c.add(diag.Error, "SOUL001", pos, "", "%s: %s", where, leaf.ErrorKind.LocalizedString(printer))
			}
		} else {
			c.add(diag.Error, "SOUL001", s.Meta.Pos, "", "%v", err)
		}
	}
	if s.Form == ir.FormFolder && s.Meta.Slug != "" {
		dir := folderName(s.Source)
		if dir != "" && dir != s.Meta.Slug && load.SlugPattern.MatchString(dir) {
			c.add(diag.Error, "SOUL002", s.Meta.FieldPos["slug"], "rename the folder or the slug", "slug %q does not match the folder name %q", s.Meta.Slug, dir)
		}
	}
	if s.Meta.Title != "" && s.Title != "" && strings.TrimSpace(s.Meta.Title) != s.Title {
		c.add(diag.Warning, "SOUL003", s.TitlePos, "", "title %q differs from the metadata title %q", s.Title, s.Meta.Title)
	}
}

func folderName(soulMD string) string {
	p := strings.ReplaceAll(soulMD, "\\", "/")
	parts := strings.Split(p, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func (c *checker) sections() {
	s := c.s
	seen := map[string]diag.Pos{}
	lastOrder, lastHeading := -1, ""
	for _, sec := range s.Sections {
		if sec.Kind == ir.Custom {
			sugg := ""
			if h := atlas.Suggest(sec.Heading); h != "" {
				sugg = fmt.Sprintf("did you mean %q?", h)
			}
			c.add(diag.Warning, "SOUL102", sec.Pos, sugg, "heading %q is not a canonical SOUL section", sec.Heading)
			if sec.Words == 0 {
				c.add(diag.Warning, "SOUL106", sec.Pos, "", "section %q is empty", sec.Heading)
			}
		} else {
			spec, _ := atlas.ByID(sec.Kind)
			if prev, dup := seen[sec.Kind]; dup {
				c.add(c.atlasSev(), "SOUL105", sec.Pos, "", "section %q appears twice (first at line %d)", spec.Heading, prev.Line)
			}
			seen[sec.Kind] = sec.Pos
			if spec.Order < lastOrder {
				c.add(c.atlasSev(), "SOUL103", sec.Pos, "", "section %q should come before %q", spec.Heading, lastHeading)
			} else {
				lastOrder, lastHeading = spec.Order, spec.Heading
			}
			if sec.Words == 0 {
				c.add(diag.Warning, "SOUL106", sec.Pos, "", "section %q is empty", sec.Heading)
			} else if sec.Words < spec.MinWords {
				c.add(c.atlasSev(), "SOUL104", sec.Pos, "", "section %q has %d words; the Atlas minimum is %d", spec.Heading, sec.Words, spec.MinWords)
			}
		}
	}
	// A missing section has no place of its own; point at the title.
	end := s.TitlePos
	if end.File != s.Source {
		end = diag.Pos{File: s.Source, Line: 1}
	}
	var missing []string
	for _, spec := range atlas.Sections() {
		if _, ok := seen[spec.ID]; !ok && spec.Required {
			missing = append(missing, spec.Heading)
		}
	}
	if !c.atla && len(missing) > 3 {
		// A free-form persona is not trying to be an Atlas SOUL: one line, not twenty.
		c.add(diag.Warning, "SOUL101", end, "", "%d of the Atlas's required sections are missing (%s, ...); fine for a free-form persona", len(missing), strings.Join(missing[:3], ", "))
		return
	}
	for _, h := range missing {
		c.add(c.atlasSev(), "SOUL101", end, "", "required section %q is missing", h)
	}
}

// injection patterns: phrases that address the model itself, as a prompt
// injection or a role override would, rather than describing the expert.
// Each pattern has cheap lower-case keywords that must occur before the
// (slower, backtracking-free but case-folding) regexp runs.
var injection = []struct {
	keys []string
	re   *regexp.Regexp
	what string
}{
	{[]string{"ignore", "disregard", "forget", "override"}, regexp.MustCompile(`(?i)\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|your\s+)*(previous|prior|above|earlier|preceding|system|original)\s+(instructions?|prompts?|messages?|rules|guidelines|directions)`), "tells the model to ignore its instructions"},
	{[]string{"system prompt", "your instructions", "the instructions", "hidden prompt"}, regexp.MustCompile(`(?i)\b(reveal|print|repeat|show|output)\s+(your|the)\s+(system\s+prompt|instructions|hidden\s+prompt)`), "asks the model to reveal its prompt"},
	{[]string{"you are now"}, regexp.MustCompile(`(?i)\byou\s+are\s+now\s+(in\s+)?(DAN|developer\s+mode|jailbroken|unrestricted|unfiltered|an?\s+unrestricted)`), "tries to switch the model into an unrestricted role"},
	{[]string{"system prompt", "system instruction"}, regexp.MustCompile(`(?i)\b(new|updated|real)\s+system\s+(prompt|instructions?)\s*:`), "declares a replacement system prompt"},
	{[]string{"<|", "inst]", "<<sys", "<<sys", "system>"}, regexp.MustCompile(`(?i)<\|(im_start|im_end|system|start_header_id|end_header_id|eot_id|endoftext)\|>|\[/?INST\]|<</?SYS>>|</?system>`), "contains chat-template control tokens"},
	{[]string{"system:", "assistant:", "system :", "assistant :", "### system", "### instruction"}, regexp.MustCompile(`(?im)^\s*(#+\s*)?(system|assistant)\s*:\s*$|^\s*###\s*(system|instruction)\b`), "contains a role marker that could start a new message"},
}

var htmlComment = regexp.MustCompile(`(?s)<!--.*?(-->|$)`)

func (c *checker) promptSafety() {
	visit := func(it ir.Item) {
		lower := strings.ToLower(it.Text)
		for _, p := range injection {
			if !containsAny(lower, p.keys) {
				continue
			}
			if m := p.re.FindString(it.Text); m != "" {
				c.add(diag.Warning, "SOUL201", it.Pos, "rephrase it as a description of the expert, or remove it", "%s: %q", p.what, clip(m, 60))
				break
			}
		}
		if !strings.Contains(it.Text, "<!--") {
			return
		}
		if m := htmlComment.FindString(it.Text); m != "" {
			c.add(diag.Warning, "SOUL202", it.Pos, "remove it, or make it visible text", "HTML comment is invisible to readers but reaches the model: %q", clip(m, 60))
		}
	}
	var walkItems func([]ir.Item)
	walkItems = func(items []ir.Item) {
		for _, it := range items {
			visit(it)
			walkItems(it.Children)
		}
	}
	walkItems(c.s.Preamble)
	for _, sec := range c.s.Sections {
		walkItems(sec.Items)
	}
}

func (c *checker) scenarios() {
	s := c.s
	if s.Section("scenarios") == nil {
		if !c.atla { // for Atlas SOULs missing-section already says it
			c.add(diag.Warning, "SOUL205", diag.Pos{File: s.Source, Line: 1}, "add a ## Scenarios section", "no Scenarios section: `soulc evals extract` has nothing to build cases from")
		}
		return
	}
	for _, sc := range s.Scenarios {
		if strings.TrimSpace(sc.Text) == "" {
			c.add(diag.Warning, "SOUL203", sc.Pos, "", "scenario %q has no text", sc.Title)
			continue
		}
		if sc.Title == "" {
			c.add(diag.Warning, "SOUL204", sc.Pos, "start it with a bold title: **What happened.**", "scenario has no title")
		}
	}
	if len(s.Scenarios) == 0 {
		c.add(diag.Warning, "SOUL203", s.Section("scenarios").Pos, "", "the Scenarios section holds no scenarios")
	}
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func containsAny(s string, keys []string) bool {
	for _, k := range keys {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}
