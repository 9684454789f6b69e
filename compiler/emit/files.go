package emit

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// field is one key of a YAML mapping, with the value it must parse back to.
type field struct {
	key  string
	node *yaml.Node
	want any
}

func plainField(k, v string) field {
	return field{k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}, v}
}

// quotedField is for free text: double-quoted, so ":", "#", leading "-",
// "yes"/"no" ... keep their meaning and the value stays on one line.
func quotedField(k, v string) field {
	return field{k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.DoubleQuotedStyle}, v}
}

// literalField is for multi-line text (yaml.v3 falls back to a quoted style
// when the text cannot be a literal block).
func literalField(k, v string) field {
	return field{k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.LiteralStyle}, v}
}

func boolField(k string, v bool) field {
	return field{k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v)}, v}
}

func mapField(k string, fs ...field) field {
	want := map[string]any{}
	for _, f := range fs {
		want[f.key] = f.want
	}
	return field{k, mappingNode(fs), want}
}

func mappingNode(fs []field) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range fs {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.key}, f.node)
	}
	return n
}

// encodeYAML writes the mapping with yaml.v3 and checks that it parses back
// to exactly the intended values.
func encodeYAML(fs ...field) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(mappingNode(fs)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	var got map[string]any
	if err := yaml.Unmarshal(b.Bytes(), &got); err != nil {
		return nil, fmt.Errorf("internal error: generated YAML does not parse: %w", err)
	}
	want := map[string]any{}
	for _, f := range fs {
		want[f.key] = f.want
	}
	if !reflect.DeepEqual(got, want) {
		return nil, errors.New("internal error: generated YAML does not parse back to the intended values")
	}
	return b.Bytes(), nil
}

// frontMatter writes "---\n<yaml>---\n<body>\n": the opening fence on the
// first line (no BOM, no blank line), as every reader requires.
func frontMatter(body string, fs ...field) ([]byte, error) {
	y, err := encodeYAML(fs...)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(y)
	b.WriteString("---\n")
	b.WriteString(body)
	b.WriteString("\n")
	return b.Bytes(), nil
}

// overLimit warns when n (in unit) is above limit, with the budget that would
// fit estimated from the compiled body's tokens per unit.
func (j *job) overLimit(what string, n, limit int, unit, source string) {
	if limit <= 0 || n <= limit {
		return
	}
	msg := fmt.Sprintf("%s is %d %s, over the %d %s limit (%s)", what, n, unit, limit, unit, source)
	if j.r.BodyTokens > 0 && n > 0 {
		fit := j.r.BodyTokens * limit / n * 95 / 100
		msg += fmt.Sprintf("; recompile with a budget of about %d tokens to fit", fit)
	}
	j.warnf("%s", msg)
}

func chars(s string) int { return utf8.RuneCountInString(s) }

// claude-agent: .claude/agents/<slug>.md; the body is the subagent's whole
// system prompt. name must not contain ":" or start with "-" (a slug never
// does).
func emitClaudeAgent(j *job) error {
	body, err := j.neutralise(j.body(), rwShellBang, rwClaudeVars)
	if err != nil {
		return err
	}
	j.out.Data, err = frontMatter(body,
		plainField("name", j.slug),
		quotedField("description", j.description()),
		plainField("model", j.model("inherit")),
	)
	return err
}

// cursor-rule: .cursor/rules/<slug>.mdc with description, globs (one
// comma-separated string) and alwaysApply (a bare boolean).
func emitCursorRule(j *job) error {
	body, err := j.neutralise(j.body(), rwShellBang)
	if err != nil {
		return err
	}
	fs := []field{quotedField("description", j.description())}
	if len(j.opt.Globs) > 0 {
		for _, g := range j.opt.Globs {
			if g == "" || strings.ContainsAny(g, "\r\n,") {
				return fmt.Errorf("glob %q: must be non-empty, on one line, without commas", g)
			}
		}
		fs = append(fs, plainField("globs", strings.Join(j.opt.Globs, ",")), boolField("alwaysApply", false))
	} else {
		fs = append(fs, boolField("alwaysApply", true))
	}
	if n := strings.Count(body, "\n") + 1; n > CursorRuleMaxLines {
		j.warnf("the rule is %d lines; Cursor advises keeping rules under ~%d lines", n, CursorRuleMaxLines)
	}
	j.out.Data, err = frontMatter(body, fs...)
	return err
}

// Section markers of the agents-md format.
const (
	markerBegin = "<!-- soulc:begin %s -->"
	markerEnd   = "<!-- soulc:end %s -->"
)

// agents-md: a section of AGENTS.md between soulc markers, so a build can
// replace it in place (MergeSection) and several SOULs can share the file.
func emitAgentsMD(j *job) error {
	body, err := j.neutralise(j.body(), rwShellBang, rwAtImport)
	if err != nil {
		return err
	}
	if strings.Contains(body, "<!-- soulc:") {
		return errors.New(`the prompt contains a "<!-- soulc:" section marker`)
	}
	var b strings.Builder
	fmt.Fprintf(&b, markerBegin+"\n", j.slug)
	fmt.Fprintf(&b, "# Persona: %s\n\n", j.title())
	b.WriteString(body)
	fmt.Fprintf(&b, "\n"+markerEnd+"\n", j.slug)
	j.out.Data = []byte(b.String())
	j.overLimit("the AGENTS.md section", len(j.out.Data), AgentsMDMaxBytes, "bytes",
		"Codex project_doc_max_bytes, shared by the whole AGENTS.md chain; the rest is truncated")
	return nil
}

var sectionRE = regexp.MustCompile(`\A<!-- soulc:begin ([a-z0-9]+(?:-[a-z0-9]+)*) -->\n`)

// MergeSection returns existing (an AGENTS.md) with the agents-md section
// replaced — the text between its soulc markers for the same slug — or, when
// it has none, appended after a blank line. Other content is kept byte for
// byte.
func MergeSection(existing, section []byte) ([]byte, error) {
	m := sectionRE.FindSubmatch(section)
	if m == nil {
		return nil, errors.New("merge: not an agents-md section (no soulc:begin marker)")
	}
	slug := string(m[1])
	begin := []byte(fmt.Sprintf(markerBegin, slug))
	end := []byte(fmt.Sprintf(markerEnd, slug))
	section = bytes.TrimRight(section, "\n")
	if i := bytes.Index(existing, begin); i >= 0 {
		k := bytes.Index(existing[i:], end)
		if k < 0 {
			return nil, fmt.Errorf("merge: %s has no matching %s", begin, end)
		}
		k += i + len(end)
		out := append([]byte{}, existing[:i]...)
		out = append(out, section...)
		return append(out, existing[k:]...), nil
	}
	out := bytes.TrimRight(append([]byte{}, existing...), "\n")
	if len(out) > 0 {
		out = append(out, "\n\n"...)
	}
	out = append(out, section...)
	return append(out, '\n'), nil
}

// copilot-agent: .github/agents/<slug>.agent.md; description is required on
// github.com; body at most 30,000 characters.
func emitCopilotAgent(j *job) error {
	body, err := j.neutralise(j.body(), rwShellBang)
	if err != nil {
		return err
	}
	fs := []field{quotedField("name", j.title()), quotedField("description", j.description())}
	if j.opt.Model != "" {
		fs = append(fs, plainField("model", j.opt.Model))
	}
	j.overLimit("the agent body", chars(body), CopilotBodyMaxChars, "characters", "GitHub Copilot custom agent body")
	j.out.Data, err = frontMatter(body, fs...)
	return err
}

var geminiNameRE = regexp.MustCompile(`^[a-z0-9-_]+$`)

// gemini-agent: .gemini/agents/<slug>.md. The front matter is validated by
// a strict schema (unknown keys are errors), so only name, description and
// (when given) model are written. The body goes through templateString(),
// which fails on ${word}.
func emitGeminiAgent(j *job) error {
	if !geminiNameRE.MatchString(j.slug) {
		return fmt.Errorf("name %q must match %s", j.slug, geminiNameRE)
	}
	body, err := j.neutralise(j.body(), rwShellBang, rwDollarBrace)
	if err != nil {
		return err
	}
	fs := []field{plainField("name", j.slug), quotedField("description", j.description())}
	if j.opt.Model != "" {
		fs = append(fs, plainField("model", j.opt.Model))
	}
	j.out.Data, err = frontMatter(body, fs...)
	return err
}

// ollama: a Modelfile, FROM <model> and SYSTEM """<prompt>""" with the prompt
// right after the opening quotes (newlines there would be kept in the value).
// The format has no escape: see ollamaText for what is rewritten; with
// Strict those prompts are refused in favour of the ollama-create format.
func emitOllama(j *job) error {
	from := j.model(j.ollamaBase())
	if strings.HasPrefix(from, `"`) {
		return fmt.Errorf("model %q must not start with a quote", from)
	}
	body := j.body()
	text, dropped, fixed := ollamaText(body)
	if len(fixed) > 0 {
		if j.opt.Strict {
			return fmt.Errorf(`line %d of the prompt ends in """, which ends a Modelfile SYSTEM value early and cannot be escaped; use the ollama-create format (Ollama's POST /api/create with a JSON "system" field) instead`, fixed[0])
		}
		j.warnf(`replaced the last quote of %d line(s) ending in """ with U+FF02 (＂), first on line %d: a Modelfile has no escape and such a line ends SYSTEM early (format ollama-create keeps the text exact)`, len(fixed), fixed[0])
	}
	if dropped > 0 {
		if j.opt.Strict {
			return fmt.Errorf(`the prompt contains %d non-printable character(s) that the Modelfile parser drops; use the ollama-create format instead`, dropped)
		}
		j.warnf("removed %d non-printable character(s) the Modelfile parser would drop (Unicode spaces became spaces)", dropped)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FROM %s\n", from)
	b.WriteString(`SYSTEM """`)
	b.WriteString(text)
	b.WriteString(`"""` + "\n")
	j.out.Data = []byte(b.String())
	return nil
}

// crewai: one config/agents.yaml entry, keyed by the agent id (the slug with
// "_" for "-", as the @agent method is named):
//   - role: the SOUL title;
//   - goal: the first sentence of Core Mission (else Purpose, else the
//     summary), at most 300 characters;
//   - backstory: the compiled prompt (it already carries Purpose and the
//     rest; CrewAI prepends "You are {role}." and appends the goal);
//   - llm: Options.Model, only when given.
//
// {identifier} in any of them becomes ｛identifier｝ (see rwCrewVar).
func emitCrewAI(j *job) error {
	id := strings.ReplaceAll(j.slug, "-", "_")
	if id[0] >= '0' && id[0] <= '9' {
		id = "soul_" + id
	}
	goal := j.mission()
	if goal == "" {
		goal = j.summary()
	}
	if goal == "" {
		goal = "Act as " + j.title() + "."
	}
	var vals [3]string
	for i, v := range []string{j.title(), goal, j.body()} {
		var err error
		if vals[i], err = j.neutralise(v, rwCrewVar); err != nil {
			return err
		}
	}
	fs := []field{quotedField("role", vals[0]), quotedField("goal", vals[1]), literalField("backstory", vals[2])}
	if j.opt.Model != "" {
		fs = append(fs, plainField("llm", j.opt.Model))
	}
	var err error
	j.out.Data, err = encodeYAML(mapField(id, fs...))
	return err
}

// llm-template: a template for simonw's llm (`llm -t <file>`, or copy it to
// `llm templates path`). system is a Python string.Template, so every "$"
// is written "$$" — the documented escape, exact, so never a warning. The
// template name is the file stem; unknown keys are errors, so only system
// and (when given) model are written.
func emitLLMTemplate(j *job) error {
	fs := []field{literalField("system", strings.ReplaceAll(j.body(), "$", "$$"))}
	if j.opt.Model != "" {
		fs = append(fs, plainField("model", j.opt.Model))
	}
	var err error
	j.out.Data, err = encodeYAML(fs...)
	return err
}

// fabric: patterns/<slug>/system.md, plain Markdown. fabric renders {{...}}
// (running plugin:/ext: ones) and has no escape, so adjacent braces are
// broken; with no {{input}} left, fabric appends the user input itself.
func emitFabric(j *job) error {
	body, err := j.neutralise(j.body(), rwShellBang, rwDoubleBrace)
	if err != nil {
		return err
	}
	j.out.Data = []byte(body + "\n")
	return nil
}

// openclaw: the workspace SOUL.md, plain Markdown injected verbatim; each
// bootstrap file is truncated past bootstrapMaxChars (12,000 by default).
func emitOpenClaw(j *job) error {
	body, err := j.neutralise(j.body(), rwShellBang)
	if err != nil {
		return err
	}
	j.out.Data = []byte(body + "\n")
	j.overLimit("SOUL.md", chars(string(j.out.Data)), OpenClawMaxChars, "characters",
		"OpenClaw agents.defaults.bootstrapMaxChars default, 20,000 in older releases; all bootstrap files together 60,000")
	return nil
}
