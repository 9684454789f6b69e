package emit_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/emit"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/internal/golden"
)

// fixture loads the example SOUL and builds a fixed compile.Result whose
// prompt is a few sections of its text (the compiler is not used here).
func fixture(t testing.TB) (*compile.Result, *ir.Soul) {
	t.Helper()
	s, err := load.Load("../../examples/ai-safety-researcher", load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", s.Title)
	for _, kind := range []string{"purpose", "core-mission", "guiding-principles"} {
		sec := s.Section(kind)
		if sec == nil {
			t.Fatalf("example SOUL has no %s section", kind)
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", sec.Heading, sec.Markdown)
	}
	return result(s, strings.TrimRight(b.String(), "\n")), s
}

func result(s *ir.Soul, prompt string) *compile.Result {
	sum := sha256.Sum256([]byte(prompt))
	tokens := len(prompt) / 4
	return &compile.Result{
		Soul:           compile.SoulRef{Slug: s.Slug, Title: s.Title, Summary: s.Meta.Summary, Source: "examples/ai-safety-researcher/SOUL.md", SHA256: s.SHA256},
		Target:         "openai",
		Family:         "openai",
		Tokenizer:      "o200k_base",
		Exact:          true,
		Role:           "system",
		Budget:         2000,
		Tokens:         tokens + 7,
		BodyTokens:     tokens,
		OverheadTokens: 7,
		SHA256:         hex.EncodeToString(sum[:]),
		Kept:           []string{"Purpose #1", "Core Mission #1"},
		Condensed:      []string{},
		Dropped:        []string{},
		Sections:       []compile.SectionReport{{Heading: "Purpose", Kind: "purpose", Priority: 1, Items: 1, Kept: 1, FullTokens: 100, KeptTokens: 100}},
		Prompt:         prompt,
	}
}

// trapPrompt contains every construct some receiving tool interprets.
const trapPrompt = `# Trap persona
Write Python docstrings with """ like this """ in the middle of a line.
A line that ends in triple quotes: """
Trailing spaces after quotes: """   
Four quotes: """"
Costs $5, see $HOME and ${var} and $ARGUMENTS and ${CLAUDE_SESSION_ID}; end $
Templates: {{ x }} and {{input}} and {{plugin:sys:rm -rf /}} and {{{triple}}}
CrewAI: {topic} and {{doubled}} and {a-b_c} but JSON { "a": 1 } stays.
Ask @alice, read @./notes.md and @/etc/passwd; email me@example.com.
@start-of-line import
Run !` + "`rm -rf /`" + ` now, or a block:
` + "```!" + `
rm -rf /
` + "```" + `
Last line says "hi"`

// options per golden variant; every format has the "" variant.
var variants = map[string]emit.Options{
	"anthropic-cache":   {Cache: true, CacheTTL: "1h"},
	"cursor-rule-globs": {Globs: []string{"**/*.py", "docs/**/*.md"}},
	"openai-chat-input": {Role: "developer", Model: "o3", Input: "How would you red-team a new model?"},
}

func TestGolden(t *testing.T) {
	r, s := fixture(t)
	for _, f := range emit.Formats() {
		t.Run(f.Name, func(t *testing.T) {
			out, err := emit.Emit(f.Name, r, s, emit.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Warnings) > 0 {
				t.Errorf("warnings for the clean example: %q", out.Warnings)
			}
			if want := strings.ReplaceAll(f.Path, "<slug>", "ai-safety-researcher"); out.Path != want {
				t.Errorf("path %q, want %q", out.Path, want)
			}
			golden.Check(t, "testdata/"+f.Name+".golden", out.Data)
			checkStructure(t, f.Name, out.Data, r.Prompt, emit.Options{})
		})
	}
	for name, opt := range variants {
		t.Run(name, func(t *testing.T) {
			format := name[:strings.LastIndexByte(name, '-')]
			out, err := emit.Emit(format, r, s, opt)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "testdata/"+name+".golden", out.Data)
			checkStructure(t, format, out.Data, r.Prompt, opt)
		})
	}
}

// checkStructure parses data the way the receiving tool does and checks the
// fields it requires; prompt is the intended text, which must come back
// exactly (the example has nothing to neutralise).
func checkStructure(t *testing.T, format string, data []byte, prompt string, opt emit.Options) {
	t.Helper()
	full := prompt
	prompt = strings.TrimRight(prompt, "\r\n") // emitters end the text with exactly one newline
	if !bytes.HasSuffix(data, []byte("\n")) || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Errorf("output must end in a newline and have no BOM")
	}
	switch format {
	case "text", "fabric", "openclaw":
		if string(data) != prompt+"\n" {
			t.Errorf("body differs from the prompt")
		}
	case "json":
		var got compile.Result
		strictJSON(t, data, &got)
		if got.Prompt != full || got.Soul.Slug == "" || got.Target == "" || got.Sections == nil {
			t.Errorf("manifest does not decode to the result")
		}
		var again bytes.Buffer
		enc := json.NewEncoder(&again)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(&got); err != nil || !bytes.Equal(again.Bytes(), data) {
			t.Errorf("manifest does not round-trip")
		}
	case "openai-chat":
		var got struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		strictJSON(t, data, &got)
		if got.Model == "" || len(got.Messages) == 0 {
			t.Fatalf("model and messages are required: %+v", got)
		}
		m := got.Messages[0]
		if (m.Role != "system" && m.Role != "developer") || m.Content != prompt {
			t.Errorf("first message %q is not the persona", m.Role)
		}
		if opt.Input != "" && (len(got.Messages) != 2 || got.Messages[1].Role != "user" || got.Messages[1].Content != opt.Input) {
			t.Errorf("user turn missing: %+v", got.Messages)
		}
	case "openai-responses":
		var got struct {
			Model        string `json:"model"`
			Instructions string `json:"instructions"`
			Input        string `json:"input"`
		}
		strictJSON(t, data, &got)
		if got.Model == "" || got.Instructions != prompt {
			t.Errorf("model/instructions wrong: %+v", got)
		}
	case "anthropic":
		var got struct {
			Model     string          `json:"model"`
			MaxTokens int             `json:"max_tokens"`
			System    json.RawMessage `json:"system"`
			Messages  []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		strictJSON(t, data, &got)
		if got.Model == "" || got.MaxTokens <= 0 || got.Messages == nil {
			t.Errorf("model, max_tokens and messages are required: %s", data)
		}
		for _, m := range got.Messages {
			if m.Role == "system" {
				t.Errorf("the Messages API has no system role")
			}
		}
		if opt.Cache {
			var blocks []struct {
				Type         string `json:"type"`
				Text         string `json:"text"`
				CacheControl struct {
					Type string `json:"type"`
					TTL  string `json:"ttl"`
				} `json:"cache_control"`
			}
			strictJSON(t, got.System, &blocks)
			if len(blocks) != 1 || blocks[0].Type != "text" || blocks[0].Text != prompt || blocks[0].CacheControl.Type != "ephemeral" || blocks[0].CacheControl.TTL != opt.CacheTTL {
				t.Errorf("system blocks wrong: %s", got.System)
			}
		} else {
			var s string
			strictJSON(t, got.System, &s)
			if s != prompt {
				t.Errorf("system is not the prompt")
			}
		}
	case "gemini":
		var got struct {
			SystemInstruction struct {
				Parts []struct {
					Text string `json:"text"`
				} `json:"parts"`
			} `json:"systemInstruction"`
			Contents []struct {
				Role  string `json:"role"`
				Parts []struct {
					Text string `json:"text"`
				} `json:"parts"`
			} `json:"contents"`
		}
		strictJSON(t, data, &got)
		if len(got.SystemInstruction.Parts) != 1 || got.SystemInstruction.Parts[0].Text != prompt || got.Contents == nil {
			t.Errorf("systemInstruction/contents wrong: %s", data)
		}
	case "ollama-create":
		var got struct{ Model, From, System string }
		strictJSON(t, data, &got)
		if got.Model == "" || got.From == "" || got.System != prompt {
			t.Errorf("model/from/system wrong: %s", data)
		}
	case "ollama":
		cmds, err := parseModelfile(string(data))
		if err != nil {
			t.Fatalf("Modelfile does not parse: %v", err)
		}
		if len(cmds) != 2 || cmds[0][0] != "model" || cmds[0][1] == "" || cmds[1][0] != "system" {
			t.Fatalf("want FROM and SYSTEM, got %q", cmds)
		}
		if cmds[1][1] != prompt {
			t.Errorf("SYSTEM parses to %q, want the prompt", cmds[1][1])
		}
	case "claude-agent", "cursor-rule", "copilot-agent", "gemini-agent":
		fm, body := splitFrontMatter(t, data)
		required := map[string][]string{
			"claude-agent":  {"name", "description"},
			"cursor-rule":   {"description", "alwaysApply"},
			"copilot-agent": {"description"},
			"gemini-agent":  {"name", "description"},
		}[format]
		allowed := map[string][]string{
			"claude-agent":  {"name", "description", "tools", "disallowedTools", "model", "permissionMode", "maxTurns", "skills", "mcpServers", "hooks", "memory", "background", "effort", "isolation", "color", "initialPrompt"},
			"cursor-rule":   {"description", "globs", "alwaysApply"},
			"copilot-agent": {"name", "description", "target", "tools", "model", "disable-model-invocation", "user-invocable", "mcp-servers", "metadata"},
			"gemini-agent":  {"name", "description", "kind", "display_name", "tools", "mcp_servers", "model", "temperature", "max_turns", "timeout_mins"},
		}[format]
		for _, k := range required {
			if v, ok := fm[k]; !ok || v == "" {
				t.Errorf("front matter lacks %s", k)
			}
		}
		for k := range fm {
			if !slices.Contains(allowed, k) {
				t.Errorf("front matter key %q is not in the %s schema", k, format)
			}
		}
		if name, ok := fm["name"].(string); ok && format != "copilot-agent" {
			if !regexp.MustCompile(`^[a-z0-9-_]+$`).MatchString(name) || strings.HasPrefix(name, "-") || strings.Contains(name, ":") {
				t.Errorf("bad name %q", name)
			}
		}
		if format == "cursor-rule" {
			aa, ok := fm["alwaysApply"].(bool)
			if !ok {
				t.Errorf("alwaysApply must be a boolean, got %T", fm["alwaysApply"])
			}
			if len(opt.Globs) > 0 && (aa || fm["globs"] != strings.Join(opt.Globs, ",")) {
				t.Errorf("globs: %v alwaysApply %v", fm["globs"], aa)
			}
		}
		if format == "gemini-agent" {
			body = strings.TrimSpace(body)
		}
		if strings.TrimSuffix(body, "\n") != prompt {
			t.Errorf("body differs from the prompt")
		}
	case "agents-md":
		s := string(data)
		if !strings.HasPrefix(s, "<!-- soulc:begin ai-safety-researcher -->\n# Persona: AI Safety Researcher\n\n") ||
			!strings.HasSuffix(s, "\n<!-- soulc:end ai-safety-researcher -->\n") || !strings.Contains(s, prompt) {
			t.Errorf("section malformed:\n%s", s)
		}
	case "crewai":
		var got map[string]map[string]any
		if err := yaml.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		a, ok := got["ai_safety_researcher"]
		if len(got) != 1 || !ok {
			t.Fatalf("want one agent ai_safety_researcher, got %v", got)
		}
		for _, k := range []string{"role", "goal", "backstory"} {
			if s, ok := a[k].(string); !ok || s == "" {
				t.Errorf("%s missing", k)
			}
		}
		if a["role"] != "AI Safety Researcher" || a["backstory"] != prompt || strings.Contains(a["goal"].(string), "\n") {
			t.Errorf("role/goal/backstory wrong: %v", a)
		}
	case "llm-template":
		var got map[string]any
		if err := yaml.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		for k := range got {
			if !slices.Contains([]string{"system", "prompt", "model", "defaults", "options", "fragments", "system_fragments", "tools", "functions", "schema_object", "extract", "extract_last", "attachments", "attachment_types"}, k) {
				t.Errorf("llm rejects unknown key %q", k)
			}
		}
		sys, err := pyTemplateSubstitute(got["system"].(string))
		if err != nil || sys != prompt {
			t.Errorf("system renders to %q, %v", sys, err)
		}
	default:
		t.Fatalf("no structural check for %s", format)
	}
}

func strictJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("JSON: %v\n%s", err, data)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("JSON: trailing data")
	}
}

// splitFrontMatter reads "---\n<yaml>---\n<body>" as Claude Code, Cursor,
// Copilot and Gemini CLI do: the fence must be the first line.
func splitFrontMatter(t *testing.T, data []byte) (map[string]any, string) {
	t.Helper()
	s := string(data)
	if !strings.HasPrefix(s, "---\n") {
		t.Fatalf("no front matter on line 1")
	}
	end := strings.Index(s[4:], "\n---\n")
	if end < 0 {
		t.Fatalf("unterminated front matter")
	}
	var fm map[string]any
	if err := yaml.Unmarshal([]byte(s[4:4+end+1]), &fm); err != nil {
		t.Fatalf("front matter is not valid YAML: %v", err)
	}
	return fm, s[4+end+5:]
}

// parseModelfile transcribes the documented state machine of Ollama's
// parser/parser.go (ParseFile): no escapes; a quoted value ends at the first
// newline where the whitespace-trimmed buffer unquotes; non-printable runes
// other than tab/CR/LF are dropped. It returns [name, args] pairs.
func parseModelfile(src string) ([][2]string, error) {
	const (
		stNil = iota
		stName
		stValue
		stComment
	)
	isSpace := func(r rune) bool { return r == ' ' || r == '\t' }
	isNL := func(r rune) bool { return r == '\r' || r == '\n' }
	unquote := func(s string) (string, bool) {
		if len(s) >= 3 && s[:3] == `"""` {
			if len(s) >= 6 && s[len(s)-3:] == `"""` {
				return s[3 : len(s)-3], true
			}
			return "", false
		}
		if len(s) >= 1 && s[0] == '"' {
			if len(s) >= 2 && s[len(s)-1] == '"' {
				return s[1 : len(s)-1], true
			}
			return "", false
		}
		return s, true
	}
	valid := map[string]bool{"from": true, "license": true, "template": true, "system": true, "adapter": true, "draft": true, "renderer": true, "parser": true, "requires": true}
	var cmds [][2]string
	var name string
	var b strings.Builder
	curr := stNil
	line := 1
	for _, r := range src {
		if isNL(r) {
			line++
		}
		next, out := curr, r
		switch curr {
		case stNil:
			switch {
			case r == '#':
				next, out = stComment, 0
			case isSpace(r), isNL(r):
				out = 0
			default:
				next = stName
			}
		case stName:
			switch {
			case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			case isSpace(r):
				next, out = stValue, 0
			default:
				return nil, fmt.Errorf("line %d: invalid command", line)
			}
		case stValue:
			if isNL(r) || isSpace(r) {
				next = stNil
			}
		case stComment:
			out = 0
			if isNL(r) {
				next = stNil
			}
		}
		if next != curr {
			switch curr {
			case stName:
				name = strings.ToLower(b.String())
				if !valid[name] {
					return nil, fmt.Errorf("line %d: command must be one of ... (got %q)", line, b.String())
				}
				if name == "from" {
					name = "model"
				}
			case stValue:
				s, ok := unquote(strings.TrimSpace(b.String()))
				if !ok || isSpace(r) {
					b.WriteRune(r)
					continue
				}
				cmds = append(cmds, [2]string{name, s})
			}
			b.Reset()
			curr = next
		}
		if strconv.IsPrint(out) {
			b.WriteRune(out)
		}
	}
	switch curr {
	case stNil, stComment:
	case stValue:
		s, ok := unquote(strings.TrimSpace(b.String()))
		if !ok {
			return nil, errors.New("unexpected EOF")
		}
		cmds = append(cmds, [2]string{name, s})
	default:
		return nil, errors.New("unexpected EOF")
	}
	return cmds, nil
}

// pyTemplateSubstitute applies Python string.Template.substitute({}) as llm
// does: $$ is $, any other $ is a missing variable or an invalid placeholder.
func pyTemplateSubstitute(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		return "", fmt.Errorf("placeholder at byte %d: %q", i, s[i:min(len(s), i+12)])
	}
	return b.String(), nil
}

func TestTraps(t *testing.T) {
	_, s := fixture(t)
	r := result(s, trapPrompt)
	strip := func(x string) string { return strings.ReplaceAll(x, emit.WordJoiner, "") }
	emitOK := func(t *testing.T, format string, opt emit.Options) emit.Output {
		t.Helper()
		out, err := emit.Emit(format, r, s, opt)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	claudeSkill := regexp.MustCompile("!`[^`]+`|```!|\\$ARGUMENTS|\\$[0-9]|\\$\\{CLAUDE_")

	t.Run("verbatim", func(t *testing.T) {
		// Data formats carry the text unchanged: nothing interprets it.
		for _, f := range []string{"text", "json", "openai-chat", "openai-responses", "anthropic", "gemini", "ollama-create"} {
			out := emitOK(t, f, emit.Options{})
			if len(out.Warnings) > 0 {
				t.Errorf("%s: warnings %q", f, out.Warnings)
			}
			checkStructure(t, f, out.Data, trapPrompt, emit.Options{})
			if f != "text" && bytes.Contains(out.Data, []byte(`\u003c`)) {
				t.Errorf("%s: HTML escaping on", f)
			}
		}
	})

	t.Run("ollama", func(t *testing.T) {
		out := emitOK(t, "ollama", emit.Options{})
		cmds, err := parseModelfile(string(out.Data))
		if err != nil {
			t.Fatalf("Modelfile does not parse: %v\n%s", err, out.Data)
		}
		if len(cmds) != 2 || cmds[1][0] != "system" {
			t.Fatalf("SYSTEM ended early: %q", cmds)
		}
		got := cmds[1][1]
		// Lines ending in """ had their last quote replaced; nothing else changed.
		want := strings.NewReplacer(
			"triple quotes: \"\"\"\n", "triple quotes: \"\"＂\n",
			"quotes: \"\"\"   \n", "quotes: \"\"＂   \n",
			"Four quotes: \"\"\"\"\n", "Four quotes: \"\"\"＂\n",
		).Replace(trapPrompt)
		if got != want {
			t.Errorf("SYSTEM = %q\nwant     %q", got, want)
		}
		if !strings.Contains(got, `with """ like this """ in the middle`) || !strings.HasSuffix(got, `says "hi"`) {
			t.Errorf("quotes inside lines or at the end must be kept")
		}
		if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "3 line(s)") {
			t.Errorf("warnings %q", out.Warnings)
		}
		// The naive writer really is broken by this prompt.
		if _, err := parseModelfile("FROM llama3.2\nSYSTEM \"\"\"" + trapPrompt + "\"\"\"\n"); err == nil {
			t.Errorf("the test parser accepts the naive Modelfile; it does not model Ollama")
		}
		_, err = emit.Emit("ollama", r, s, emit.Options{Strict: true})
		if err == nil || !strings.Contains(err.Error(), "/api/create") || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("strict: %v", err)
		}
	})

	t.Run("ollama-nonprintable", func(t *testing.T) {
		r := result(s, "Keep\u00a0this, drop\u200bthat\u200d, tab\there")
		out, err := emit.Emit("ollama", r, s, emit.Options{Model: "qwen3:8b"})
		if err != nil {
			t.Fatal(err)
		}
		cmds, err := parseModelfile(string(out.Data))
		if err != nil || len(cmds) != 2 || cmds[0][1] != "qwen3:8b" || cmds[1][1] != "Keep this, dropthat, tab\there" {
			t.Errorf("got %q, %v", cmds, err)
		}
		if len(out.Warnings) != 1 {
			t.Errorf("warnings %q", out.Warnings)
		}
	})

	t.Run("llm-template", func(t *testing.T) {
		out := emitOK(t, "llm-template", emit.Options{})
		var got map[string]string
		if err := yaml.Unmarshal(out.Data, &got); err != nil {
			t.Fatal(err)
		}
		sys := got["system"]
		if n, want := strings.Count(sys, "$$"), strings.Count(trapPrompt, "$"); n != want || strings.Count(sys, "$") != 2*want {
			t.Errorf("%d of %d $ escaped as $$", n, want)
		}
		if rendered, err := pyTemplateSubstitute(sys); err != nil || rendered != trapPrompt {
			t.Errorf("renders to %q, %v", rendered, err)
		}
		if len(out.Warnings) > 0 {
			t.Errorf("an exact escape is not a warning: %q", out.Warnings)
		}
	})

	t.Run("fabric", func(t *testing.T) {
		out := emitOK(t, "fabric", emit.Options{})
		body := string(out.Data)
		if strings.Contains(body, "{{") || strings.Contains(body, "}}") || regexp.MustCompile(`\{\{[^{}]+\}\}`).MatchString(body) {
			t.Errorf("fabric would render a template in:\n%s", body)
		}
		if strings.Contains(body, "!`") {
			t.Errorf("shell bang left")
		}
		if strip(body) != trapPrompt+"\n" {
			t.Errorf("visible text changed")
		}
		if len(out.Warnings) != 2 {
			t.Errorf("warnings %q", out.Warnings)
		}
	})

	t.Run("crewai", func(t *testing.T) {
		out := emitOK(t, "crewai", emit.Options{})
		var got map[string]map[string]string
		if err := yaml.Unmarshal(out.Data, &got); err != nil {
			t.Fatal(err)
		}
		crewVar := regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_\-]*)}`) // CrewAI interpolate_only
		a := got["ai_safety_researcher"]
		for _, k := range []string{"role", "goal", "backstory"} {
			if m := crewVar.FindString(a[k]); m != "" {
				t.Errorf("%s: CrewAI would interpolate %s", k, m)
			}
		}
		bs := a["backstory"]
		for _, w := range []string{"｛topic｝", "{｛doubled｝}", "｛a-b_c｝", `{ "a": 1 }`, "{{ x }}"} {
			if !strings.Contains(bs, w) {
				t.Errorf("backstory lacks %q", w)
			}
		}
		if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "CrewAI") {
			t.Errorf("warnings %q", out.Warnings)
		}
	})

	t.Run("gemini-agent", func(t *testing.T) {
		out := emitOK(t, "gemini-agent", emit.Options{})
		fm, body := splitFrontMatter(t, out.Data)
		if fm["name"] != "ai-safety-researcher" {
			t.Errorf("name %v", fm["name"])
		}
		if m := regexp.MustCompile(`\$\{(\w+)\}`).FindString(body); m != "" { // templateString
			t.Errorf("Gemini CLI would fail on %s", m)
		}
		if strip(strings.TrimSuffix(body, "\n")) != trapPrompt {
			t.Errorf("visible text changed")
		}
	})

	t.Run("agents-md", func(t *testing.T) {
		out := emitOK(t, "agents-md", emit.Options{})
		body := string(out.Data)
		if imp := geminiImports(body); len(imp) > 0 {
			t.Errorf("would import %q", imp)
		}
		if !strings.Contains(body, "me@example.com") {
			t.Errorf("e-mail addresses must be left alone")
		}
		if !strings.Contains(strip(body), trapPrompt) {
			t.Errorf("visible text changed")
		}
	})

	t.Run("markdown-files", func(t *testing.T) {
		for _, f := range []string{"claude-agent", "cursor-rule", "agents-md", "copilot-agent", "gemini-agent", "fabric", "openclaw"} {
			out := emitOK(t, f, emit.Options{})
			if m := regexp.MustCompile("!`[^`]+`|```!").FindString(string(out.Data)); m != "" {
				t.Errorf("%s: Claude Code would run %q", f, m)
			}
			if len(out.Warnings) == 0 {
				t.Errorf("%s: rewrites must be reported", f)
			}
			if _, err := emit.Emit(f, r, s, emit.Options{Strict: true}); err == nil {
				t.Errorf("%s: strict must refuse", f)
			}
		}
		out := emitOK(t, "claude-agent", emit.Options{})
		if m := claudeSkill.FindString(string(out.Data)); m != "" {
			t.Errorf("claude-agent: %q would be substituted or run if reused as a skill", m)
		}
	})
}

// geminiImports finds what Gemini CLI's memory import processor would treat
// as @imports: "@" at the start or after whitespace, followed by ".", "/" or
// a letter (code spans are not considered, which only over-reports).
func geminiImports(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '@' || (i > 0 && !strings.ContainsRune(" \t\r\n", rune(s[i-1]))) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[i+1:])
		if r == '.' || r == '/' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 {
			out = append(out, s[i:min(len(s), i+10)])
		}
	}
	return out
}

func TestSizeLimits(t *testing.T) {
	_, s := fixture(t)
	big := strings.Repeat("Calibrated claims need evidence; run the eval before the fix. ", 600) // ~37 KB
	r := result(s, big)
	for f, want := range map[string]string{
		"copilot-agent": "30000 characters limit",
		"agents-md":     "32768 bytes limit",
		"openclaw":      "12000 characters limit",
	} {
		out, err := emit.Emit(f, r, s, emit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], want) || !strings.Contains(out.Warnings[0], "budget of about") {
			t.Errorf("%s: warnings %q", f, out.Warnings)
		}
	}
	small := result(s, "Short persona.")
	out, err := emit.Emit("anthropic", small, s, emit.Options{Cache: true})
	if err != nil || len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "1,024") {
		t.Errorf("anthropic cache minimum: %q %v", out.Warnings, err)
	}
}

func TestFrontMatterHazards(t *testing.T) {
	_, s := fixture(t)
	r := result(s, "Body.")
	r.Soul.Title = `yes: #not a comment`
	r.Soul.Summary = `- starts like a list: has "quotes", 'single', & *star, |pipe, >fold, @at, ` + "`tick`" + ` no`
	for _, f := range []string{"claude-agent", "cursor-rule", "copilot-agent", "gemini-agent"} {
		out, err := emit.Emit(f, r, s, emit.Options{Model: "claude-opus-4-5"})
		if err != nil {
			t.Fatal(err)
		}
		fm, _ := splitFrontMatter(t, out.Data)
		if d := fm["description"]; d != r.Soul.Title+" persona. "+r.Soul.Summary {
			t.Errorf("%s: description parsed as %q", f, d)
		}
		if f == "copilot-agent" && fm["name"] != r.Soul.Title {
			t.Errorf("copilot name %q", fm["name"])
		}
	}
	out, err := emit.Emit("crewai", r, s, emit.Options{Model: "openai/gpt-4o"})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]string
	if err := yaml.Unmarshal(out.Data, &got); err != nil || got["ai_safety_researcher"]["role"] != r.Soul.Title || got["ai_safety_researcher"]["llm"] != "openai/gpt-4o" {
		t.Errorf("crewai: %v %v", got, err)
	}
}

func TestErrors(t *testing.T) {
	r, s := fixture(t)
	_, err := emit.Lookup("antropic")
	if err == nil || !strings.Contains(err.Error(), `did you mean "anthropic"`) {
		t.Errorf("lookup: %v", err)
	}
	if _, err := emit.Emit("nope", r, s, emit.Options{}); err == nil {
		t.Errorf("unknown format accepted")
	}
	if f, err := emit.Lookup("Claude-Agent"); err != nil || f.Name != "claude-agent" {
		t.Errorf("case-insensitive lookup: %v", err)
	}
	bad := *r
	bad.Soul.Slug = "../etc/passwd"
	if _, err := emit.Emit("claude-agent", &bad, nil, emit.Options{}); err == nil || !strings.Contains(err.Error(), "slug") {
		t.Errorf("bad slug: %v", err)
	}
	empty := *r
	empty.Prompt = " \n"
	if _, err := emit.Emit("text", &empty, s, emit.Options{}); err == nil {
		t.Errorf("empty prompt accepted")
	}
	invalid := *r
	invalid.Prompt = "bad \xff byte"
	if _, err := emit.Emit("openai-chat", &invalid, s, emit.Options{}); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
	for _, c := range []struct {
		format string
		opt    emit.Options
	}{
		{"openai-chat", emit.Options{Role: "assistant"}},
		{"anthropic", emit.Options{Cache: true, CacheTTL: "2h"}},
		{"anthropic", emit.Options{CacheTTL: "1h"}},
		{"ollama", emit.Options{Model: "llama3.2\nSYSTEM x"}},
		{"cursor-rule", emit.Options{Globs: []string{"a,b"}}},
	} {
		if _, err := emit.Emit(c.format, r, s, c.opt); err == nil {
			t.Errorf("%s %+v accepted", c.format, c.opt)
		}
	}
	names := emit.Names()
	if !slices.IsSorted(names) || len(names) != 17 {
		t.Errorf("formats %v", names)
	}
	for _, want := range []string{"text", "json", "openai-chat", "openai-responses", "anthropic", "gemini", "claude-agent", "cursor-rule", "agents-md", "copilot-agent", "ollama", "crewai", "llm-template", "fabric", "gemini-agent", "openclaw"} {
		if !slices.Contains(names, want) {
			t.Errorf("format %s missing", want)
		}
	}
}

func TestNilSoulAndDefaults(t *testing.T) {
	r, _ := fixture(t)
	r.Target, r.Family, r.Role = "openai-reasoning", "openai", "developer"
	out, err := emit.Emit("openai-chat", r, nil, emit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Model    string
		Messages []struct{ Role string }
	}
	if err := json.Unmarshal(out.Data, &got); err != nil || got.Model != "o4-mini" || got.Messages[0].Role != "developer" {
		t.Errorf("defaults: %+v %v", got, err)
	}
	// Without the IR, crewai's goal falls back to the summary.
	out, err = emit.Emit("crewai", r, nil, emit.Options{})
	if err != nil || !strings.Contains(string(out.Data), "goal: \"Closes the gap") {
		t.Errorf("crewai without IR: %s %v", out.Data, err)
	}
}

func TestMergeSection(t *testing.T) {
	r, s := fixture(t)
	r.Prompt = "Version one."
	one, _ := emit.Emit("agents-md", r, s, emit.Options{})
	r.Prompt = "Version two."
	two, _ := emit.Emit("agents-md", r, s, emit.Options{})

	existing := []byte("# Repo rules\n\nUse gofmt.\n")
	merged, err := emit.MergeSection(existing, one.Data)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# Repo rules\n\nUse gofmt.\n\n" + string(one.Data); string(merged) != want {
		t.Errorf("append:\n%s", merged)
	}
	merged = append(merged, "\n## After\n"...)
	again, err := emit.MergeSection(merged, two.Data)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# Repo rules\n\nUse gofmt.\n\n" + string(two.Data) + "\n## After\n"; string(again) != want {
		t.Errorf("replace:\n%q\nwant\n%q", again, want)
	}
	if _, err := emit.MergeSection(existing, []byte("not a section")); err == nil {
		t.Errorf("non-section accepted")
	}
	if out, _ := emit.MergeSection(nil, one.Data); !bytes.Equal(out, one.Data) {
		t.Errorf("empty file: %q", out)
	}
}

// TestOllamaQuotesProperty checks the Modelfile rewrite against the parser
// transcription on many prompts made of quotes, whitespace and newlines:
// the SYSTEM value always parses whole, and only quotes ending a line were
// changed (to U+FF02).
func TestOllamaQuotesProperty(t *testing.T) {
	_, s := fixture(t)
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{`"`, `"`, `"`, `"""`, " ", "\t", "\n", "\r\n", "\r", "a", "SYSTEM", "#", "FROM x"}
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := rng.IntN(12) + 1; n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		prompt := b.String()
		if strings.TrimSpace(prompt) == "" {
			continue
		}
		out, err := emit.Emit("ollama", result(s, prompt), s, emit.Options{})
		if err != nil {
			t.Fatal(err)
		}
		cmds, err := parseModelfile(string(out.Data))
		if err != nil || len(cmds) != 2 || cmds[1][0] != "system" {
			t.Fatalf("prompt %q: Modelfile %q parses to %q, %v", prompt, out.Data, cmds, err)
		}
		want := strings.TrimRight(prompt, "\r\n")
		if got := strings.ReplaceAll(cmds[1][1], "＂", `"`); got != want {
			t.Fatalf("prompt %q: SYSTEM %q", prompt, cmds[1][1])
		}
	}
}
