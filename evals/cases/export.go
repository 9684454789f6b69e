package cases

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Export formats.
const (
	FormatPromptfoo   = "promptfoo"
	FormatInspect     = "inspect"
	FormatOpenAIEvals = "openai-evals"
)

// Formats lists the export formats.
var Formats = []string{FormatPromptfoo, FormatInspect, FormatOpenAIEvals}

// ExportOptions control export.
type ExportOptions struct {
	// System is the compiled persona prompt to put in front of every case as
	// a system message; empty leaves the system prompt to the harness.
	System string
	// Providers for promptfoo (default openai:gpt-4o-mini, as in its docs).
	Providers []string
	// NoVariants exports the original cases only.
	NoVariants bool
}

// row is one exported sample: a case or one of its variants.
type row struct {
	id, kind string
	c        *Case
	turns    []string
}

func rows(cf *CaseFile, opt ExportOptions) []row {
	var out []row
	for i := range cf.Cases {
		c := &cf.Cases[i]
		out = append(out, row{id: c.ID, c: c, turns: Messages(c.Input, c.Turns)})
		if opt.NoVariants {
			continue
		}
		for _, v := range c.Variants {
			out = append(out, row{id: c.ID + "--" + v.Kind, kind: v.Kind, c: c, turns: Messages(v.Input, v.Turns)})
		}
	}
	return out
}

// Export writes cf in the given format to w.
func Export(cf *CaseFile, format string, w io.Writer, opt ExportOptions) error {
	switch format {
	case FormatPromptfoo:
		return exportPromptfoo(cf, w, opt)
	case FormatInspect:
		return exportJSONL(w, rows(cf, opt), func(r row) any { return inspectSample(cf, r, opt) })
	case FormatOpenAIEvals:
		return exportJSONL(w, rows(cf, opt), func(r row) any { return openaiSample(r, opt) })
	}
	return fmt.Errorf("unknown export format %q: use %s", format, strings.Join(Formats, ", "))
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func messages(r row, opt ExportOptions) []chatMessage {
	var out []chatMessage
	if opt.System != "" {
		out = append(out, chatMessage{"system", opt.System})
	}
	for _, t := range r.turns {
		out = append(out, chatMessage{"user", t})
	}
	return out
}

// target is the grading criterion handed to a model grader: the rubric,
// the moves to avoid, and the expert's reference answer.
func target(c *Case) string {
	var b strings.Builder
	b.WriteString("Passes if the answer:\n")
	for _, r := range c.Rubric {
		b.WriteString("- " + r + "\n")
	}
	if len(c.MustNot) > 0 {
		b.WriteString("Fails if the answer:\n")
		for _, m := range c.MustNot {
			b.WriteString("- " + m + "\n")
		}
	}
	b.WriteString("What the expert did: " + c.Reference)
	return b.String()
}

type inspectRow struct {
	ID       string         `json:"id"`
	Input    []chatMessage  `json:"input"`
	Target   string         `json:"target"`
	Metadata map[string]any `json:"metadata"`
}

func inspectSample(cf *CaseFile, r row, opt ExportOptions) any {
	return inspectRow{ID: r.id, Input: messages(r, opt), Target: target(r.c), Metadata: metadata(cf, r)}
}

func metadata(cf *CaseFile, r row) map[string]any {
	m := map[string]any{
		"soul": cf.Soul, "soul_sha256": cf.SourceSHA256, "case_id": r.c.ID, "title": r.c.Title,
		"source": r.c.Source, "rubric": r.c.Rubric, "reference": r.c.Reference,
		"generator": caseGenerator(cf, r.c), "variant": "original",
	}
	if r.kind != "" {
		m["variant"] = r.kind
	}
	if len(r.c.MustNot) > 0 {
		m["must_not"] = r.c.MustNot
	}
	return m
}

func caseGenerator(cf *CaseFile, c *Case) string {
	if c.Generator != "" {
		return c.Generator
	}
	return cf.Generator
}

type openaiRow struct {
	ID       string        `json:"id"`
	Input    []chatMessage `json:"input"`
	Ideal    string        `json:"ideal"`
	Criteria string        `json:"criteria"`
}

func openaiSample(r row, opt ExportOptions) any {
	return openaiRow{ID: r.id, Input: messages(r, opt), Ideal: r.c.Reference, Criteria: target(r.c)}
}

// exportJSONL writes one JSON object per line, without HTML escaping so
// "<" and "&" in SOUL text stay readable.
func exportJSONL(w io.Writer, rs []row, sample func(row) any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rs {
		if err := enc.Encode(sample(r)); err != nil {
			return err
		}
	}
	return nil
}

// promptfoo renders prompts, vars and assertion values as Nunjucks
// templates, so SOUL text containing "{{", "{%" or "{#" would be executed.
// Such text is wrapped in {% raw %}…{% endraw %}, and an "endraw" tag inside
// it is broken up first so it cannot close the raw block early.
var (
	nunjucksOpen = regexp.MustCompile(`\{[{%#]`)
	endrawTag    = regexp.MustCompile(`\{%(-?\s*endraw)`)
)

func nunjucksSafe(s string) string {
	if !nunjucksOpen.MatchString(s) {
		return s
	}
	return "{% raw %}" + endrawTag.ReplaceAllString(s, "{ %$1") + "{% endraw %}"
}

type pfAssert struct {
	Type      string  `yaml:"type"`
	Value     string  `yaml:"value"`
	Threshold float64 `yaml:"threshold,omitempty"`
}

type pfTest struct {
	Description string            `yaml:"description"`
	Vars        map[string]string `yaml:"vars"`
	Assert      []pfAssert        `yaml:"assert"`
	Metadata    map[string]any    `yaml:"metadata"`
}

type pfConfig struct {
	Description string   `yaml:"description"`
	Prompts     []string `yaml:"prompts"`
	Providers   []string `yaml:"providers"`
	Tests       []pfTest `yaml:"tests"`
}

// promptfooPrompt is "{{input}}", or with a system prompt an OpenAI-format
// chat array whose system text is raw-wrapped. A multiturn variant is sent
// as one message with its turns separated by blank lines (metadata.turns
// keeps them): a single prompt template cannot vary its message count.
func promptfooPrompt(opt ExportOptions) (string, error) {
	if opt.System == "" {
		return "{{input}}", nil
	}
	msgs := []chatMessage{{"system", nunjucksSafe(opt.System)}, {"user", "{{input}}"}}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(msgs); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

func exportPromptfoo(cf *CaseFile, w io.Writer, opt ExportOptions) error {
	prompt, err := promptfooPrompt(opt)
	if err != nil {
		return err
	}
	providers := opt.Providers
	if len(providers) == 0 {
		providers = []string{"openai:gpt-4o-mini"}
	}
	cfg := pfConfig{
		Description: fmt.Sprintf("soulc evals for %s (%d cases, %s)", cf.Soul, len(cf.Cases), cf.Generator),
		Prompts:     []string{prompt},
		Providers:   providers,
	}
	for _, r := range rows(cf, opt) {
		cfg.Tests = append(cfg.Tests, promptfooTest(cf, r))
	}
	var n yaml.Node
	if err := n.Encode(&cfg); err != nil {
		return err
	}
	styleStrings(&n)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return err
	}
	return enc.Close()
}

// promptfooTest grades each rubric item separately (llm-rubric) and each
// must_not with not-llm-rubric. A threshold is set because llm-rubric
// passes when the judge omits "pass", whatever the score.
func promptfooTest(cf *CaseFile, r row) pfTest {
	// Rubric and reference are already the assertions; metadata keeps the
	// short identifying fields only.
	meta := metadata(cf, r)
	for _, k := range []string{"rubric", "reference", "must_not"} {
		delete(meta, k)
	}
	t := pfTest{
		Description: r.id,
		Vars:        map[string]string{"input": nunjucksSafe(strings.Join(r.turns, "\n\n"))},
		Metadata:    meta,
	}
	if len(r.turns) > 1 {
		var turns []string
		for _, x := range r.turns {
			turns = append(turns, nunjucksSafe(x))
		}
		t.Metadata["turns"] = turns
	}
	for _, item := range r.c.Rubric {
		t.Assert = append(t.Assert, pfAssert{Type: "llm-rubric", Value: nunjucksSafe(item), Threshold: 0.5})
	}
	for _, item := range r.c.MustNot {
		t.Assert = append(t.Assert, pfAssert{Type: "not-llm-rubric", Value: nunjucksSafe(item)})
	}
	for k, v := range t.Metadata {
		if s, ok := v.(string); ok {
			t.Metadata[k] = nunjucksSafe(s)
		}
	}
	return t
}
