// Package emit writes a compiled prompt in the formats other tools read:
// raw text, the JSON manifest, API request bodies (OpenAI Chat Completions and
// Responses, Anthropic Messages, Gemini generateContent, Ollama create) and
// agent/persona files (Claude Code subagents, Cursor rules, AGENTS.md,
// GitHub Copilot custom agents, Gemini CLI subagents, Ollama Modelfiles,
// CrewAI agents.yaml, `llm` templates, fabric patterns, OpenClaw SOUL.md).
//
// Every format is written exactly as the receiving tool documents it (see
// /work/shared/reference/export-formats.md for the sources). Text that comes
// from a SOUL never becomes a command, a template variable or an import in the
// receiving tool: each format neutralises the constructs its tool interprets
// (see neutralise.go), reports every lossy rewrite in Output.Warnings, and
// with Options.Strict refuses instead of rewriting.
//
// JSON is built from structs with encoding/json (HTML escaping off, fixed key
// order, trailing newline); YAML with gopkg.in/yaml.v3 and parsed back before
// it is returned.
//
// It must not import cobra, go-openai, targets or evals, and it never prints.
package emit

import (
	"errors"
	"fmt"
	"github.com/soulc/soulc/internal/suggest"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/ir"
)

// Options tune an emitter. The zero value is valid for every format.
type Options struct {
	// Model is the model id written into API bodies (`model`), the Modelfile
	// FROM line, and agent files (`model`). When empty:
	//   - openai-chat, openai-responses: by family of the compiled target —
	//     openai "gpt-4o" (target openai-reasoning "o4-mini", openai-legacy
	//     "gpt-4-turbo"), claude "claude-sonnet-4-5", gemini
	//     "gemini-2.5-flash", llama "llama3.2", mistral
	//     "mistral-small-latest", anything else "gpt-4o";
	//   - anthropic: "claude-sonnet-4-5" (or the family default above when the
	//     target family is claude);
	//   - gemini: no model is written (it is part of the request URL,
	//     models/{model}:generateContent);
	//   - ollama, ollama-create: "llama3.2" ("mistral" for the mistral family);
	//   - claude-agent: "inherit";
	//   - copilot-agent, gemini-agent, crewai (`llm`), llm-template: the key is
	//     left out, so the tool uses its own default.
	Model string
	// Cache marks the anthropic system prompt with cache_control ephemeral.
	Cache bool
	// CacheTTL is the anthropic cache lifetime: "" (the API default, 5m),
	// "5m" or "1h".
	CacheTTL string
	// Globs are the cursor-rule file globs. With none the rule is
	// alwaysApply: true; with some it applies when matching files are in
	// context (alwaysApply: false).
	Globs []string
	// Role is the openai-chat message role, "system" or "developer"; empty
	// uses the compiled Result.Role ("developer" for reasoning targets) and
	// "system" otherwise, which every OpenAI-compatible server understands.
	Role string
	// MaxTokens is the anthropic max_tokens (required by the API); 0 means
	// 4096.
	MaxTokens int
	// Input, when set, is added as the first user turn of the API bodies.
	// When empty, openai-chat/anthropic/gemini carry an empty
	// messages/contents list to append the user's turn to, and
	// openai-responses has no input.
	Input string
	// Strict refuses (returns an error) instead of rewriting text that the
	// receiving tool would misread. Exact escapes (`$` -> `$$` for llm) are
	// not rewrites and are always applied.
	Strict bool
}

// Output is one emitted artifact.
type Output struct {
	// Path is the suggested path relative to the build directory, e.g.
	// ".claude/agents/<slug>.md"; every format has one (see Format.Path).
	Path string
	// Data is the file content, ending in a newline.
	Data []byte
	// Warnings name size-limit overruns and every rewrite made for safety.
	Warnings []string
}

// Format describes one output format.
type Format struct {
	Name        string
	Description string
	// Ext is the file extension without the dot ("" for Modelfile).
	Ext string
	// Path is the default output path; "<slug>" stands for the SOUL slug.
	Path string
	// MaxChars (characters) and MaxBytes (bytes) are the receiving tool's
	// documented size limit, 0 when it has none; over it Emit warns. Callers
	// that can re-fit the prompt may use them as a cap.
	MaxChars int
	MaxBytes int
	// Shared is true when several SOULs go in the same file: the outputs for
	// different SOULs can be concatenated (AGENTS.md sections, CrewAI
	// agents.yaml entries); see MergeSection for updating an AGENTS.md.
	Shared bool
}

// Documented size limits (see /work/shared/reference/export-formats.md).
const (
	// CopilotBodyMaxChars: GitHub Copilot custom agent body, "max 30,000
	// characters" (github/docs custom-agents-configuration.md).
	CopilotBodyMaxChars = 30000
	// AgentsMDMaxBytes: Codex project_doc_max_bytes default, 32 KiB for the
	// whole AGENTS.md chain (openai/codex docs/agents_md.md).
	AgentsMDMaxBytes = 32 * 1024
	// OpenClawMaxChars: OpenClaw agents.defaults.bootstrapMaxChars default
	// 12,000 per bootstrap file (docs.openclaw.ai/gateway/config-agents;
	// older releases 20,000); overflow is truncated.
	OpenClawMaxChars = 12000
	// OpenClawTotalMaxChars: bootstrapTotalMaxChars default, all bootstrap
	// files together.
	OpenClawTotalMaxChars = 60000
	// CursorRuleMaxLines: Cursor's docs advise rules under ~500 lines
	// [secondary citation].
	CursorRuleMaxLines = 500
	// AnthropicMinCacheTokens: below a model-dependent minimum prefix
	// (1,024-4,096 tokens) Anthropic silently caches nothing.
	AnthropicMinCacheTokens = 1024
)

var formats = []Format{
	{Name: "text", Description: "the compiled prompt as plain text", Ext: "txt", Path: "<slug>.txt"},
	{Name: "json", Description: "the compile manifest (prompt, target, tokens, kept/dropped items)", Ext: "json", Path: "<slug>.manifest.json"},
	{Name: "openai-chat", Description: "OpenAI Chat Completions request body (system or developer message)", Ext: "json", Path: "<slug>.openai-chat.json"},
	{Name: "openai-responses", Description: "OpenAI Responses request body (instructions)", Ext: "json", Path: "<slug>.openai-responses.json"},
	{Name: "anthropic", Description: "Anthropic Messages request body (top-level system; --cache adds cache_control)", Ext: "json", Path: "<slug>.anthropic.json"},
	{Name: "gemini", Description: "Gemini generateContent request body (systemInstruction)", Ext: "json", Path: "<slug>.gemini.json"},
	{Name: "ollama-create", Description: "Ollama POST /api/create body (system field; no Modelfile quoting limits)", Ext: "json", Path: "<slug>.ollama-create.json"},
	{Name: "claude-agent", Description: "Claude Code subagent (.claude/agents/<slug>.md)", Ext: "md", Path: ".claude/agents/<slug>.md"},
	{Name: "cursor-rule", Description: "Cursor project rule (.cursor/rules/<slug>.mdc)", Ext: "mdc", Path: ".cursor/rules/<slug>.mdc"},
	{Name: "agents-md", Description: "AGENTS.md section between soulc markers (Codex, Copilot, Cursor, Gemini CLI)", Ext: "md", Path: "AGENTS.md", MaxBytes: AgentsMDMaxBytes, Shared: true},
	{Name: "copilot-agent", Description: "GitHub Copilot custom agent (.github/agents/<slug>.agent.md)", Ext: "md", Path: ".github/agents/<slug>.agent.md", MaxChars: CopilotBodyMaxChars},
	{Name: "gemini-agent", Description: "Gemini CLI subagent (.gemini/agents/<slug>.md)", Ext: "md", Path: ".gemini/agents/<slug>.md"},
	{Name: "ollama", Description: "Ollama Modelfile (FROM + SYSTEM \"\"\"...\"\"\")", Ext: "", Path: "<slug>.Modelfile"},
	{Name: "crewai", Description: "CrewAI config/agents.yaml entry (role, goal, backstory)", Ext: "yaml", Path: "config/agents.yaml", Shared: true},
	{Name: "llm-template", Description: "template for the llm CLI (llm -t <slug>)", Ext: "yaml", Path: "llm-templates/<slug>.yaml"},
	{Name: "fabric", Description: "fabric pattern (patterns/<slug>/system.md)", Ext: "md", Path: "patterns/<slug>/system.md"},
	{Name: "openclaw", Description: "OpenClaw workspace SOUL.md", Ext: "md", Path: "openclaw/<slug>/SOUL.md", MaxChars: OpenClawMaxChars},
}

var emitters = map[string]func(*job) error{
	"text":             emitText,
	"json":             emitManifest,
	"openai-chat":      emitOpenAIChat,
	"openai-responses": emitOpenAIResponses,
	"anthropic":        emitAnthropic,
	"gemini":           emitGemini,
	"ollama-create":    emitOllamaCreate,
	"claude-agent":     emitClaudeAgent,
	"cursor-rule":      emitCursorRule,
	"agents-md":        emitAgentsMD,
	"copilot-agent":    emitCopilotAgent,
	"gemini-agent":     emitGeminiAgent,
	"ollama":           emitOllama,
	"crewai":           emitCrewAI,
	"llm-template":     emitLLMTemplate,
	"fabric":           emitFabric,
	"openclaw":         emitOpenClaw,
}

// Formats returns every format, sorted by name.
func Formats() []Format {
	out := make([]Format, len(formats))
	copy(out, formats)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the format names, sorted.
func Names() []string {
	var n []string
	for _, f := range Formats() {
		n = append(n, f.Name)
	}
	return n
}

// Lookup finds a format by name (case-insensitive); an unknown name is an
// error that suggests the closest one.
func Lookup(name string) (Format, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	for _, f := range formats {
		if f.Name == key {
			return f, nil
		}
	}
	msg := fmt.Sprintf("unknown format %q", name)
	if s := suggest.Closest(key, Names()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return Format{}, errors.New(msg + "; known: " + strings.Join(Names(), ", "))
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// job is one Emit call.
type job struct {
	f    Format
	r    *compile.Result
	s    *ir.Soul
	opt  Options
	slug string
	out  Output
}

func (j *job) warnf(format string, args ...any) {
	j.out.Warnings = append(j.out.Warnings, j.f.Name+": "+fmt.Sprintf(format, args...))
}

// Emit writes r (compiled from s, which may be nil) in the named format.
func Emit(format string, r *compile.Result, s *ir.Soul, opt Options) (Output, error) {
	f, err := Lookup(format)
	if err != nil {
		return Output{}, err
	}
	if r == nil {
		return Output{}, errors.New("emit: no compile result")
	}
	if strings.TrimSpace(r.Prompt) == "" {
		return Output{}, fmt.Errorf("%s: the compiled prompt is empty", f.Name)
	}
	if !utf8.ValidString(r.Prompt) {
		return Output{}, fmt.Errorf("%s: the compiled prompt is not valid UTF-8", f.Name)
	}
	slug := r.Soul.Slug
	if slug == "" && s != nil {
		slug = s.Slug
	}
	if !slugRE.MatchString(slug) {
		return Output{}, fmt.Errorf("%s: slug %q cannot be used in a file name: it must match %s", f.Name, slug, slugRE)
	}
	if opt.Model != "" && strings.IndexFunc(opt.Model, isSpaceOrControl) >= 0 {
		return Output{}, fmt.Errorf("%s: model %q contains whitespace or control characters", f.Name, opt.Model)
	}
	j := &job{f: f, r: r, s: s, opt: opt, slug: slug}
	j.out.Path = strings.ReplaceAll(f.Path, "<slug>", slug)
	if err := emitters[f.Name](j); err != nil {
		return Output{}, fmt.Errorf("%s: %w", f.Name, err)
	}
	if n := len(j.out.Data); n == 0 || j.out.Data[n-1] != '\n' {
		j.out.Data = append(j.out.Data, '\n')
	}
	return j.out, nil
}

func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 || r == 0xa0
}

// title is the SOUL's display title.
func (j *job) title() string {
	t := oneLine(j.r.Soul.Title)
	if t == "" && j.s != nil {
		t = oneLine(j.s.Title)
	}
	if t == "" {
		t = j.slug
	}
	return t
}

// summary is the SOUL's one-line summary, "" when it has none.
func (j *job) summary() string {
	s := oneLine(j.r.Soul.Summary)
	if s == "" && j.s != nil {
		s = oneLine(j.s.Meta.Summary)
	}
	return s
}

// mission is the first sentence of the Core Mission section (else of the
// Purpose section), as plain one-line text, "" when neither exists.
func (j *job) mission() string {
	if j.s == nil {
		return ""
	}
	for _, kind := range []string{"core-mission", "purpose"} {
		sec := j.s.Section(kind)
		if sec == nil {
			continue
		}
		var parts []string
		for _, it := range sec.Items {
			parts = append(parts, it.Text)
		}
		text := oneLine(stripEmphasis(strings.Join(parts, " ")))
		if text == "" {
			text = oneLine(stripEmphasis(sec.Markdown))
		}
		if text != "" {
			return clip(firstSentence(text), 300)
		}
	}
	return ""
}

// description is the one-line "when to use" text for agent front matter:
// "<Title> persona. <summary>" (summary, else the mission, else nothing).
func (j *job) description() string {
	d := j.title() + " persona."
	rest := j.summary()
	if rest == "" {
		rest = j.mission()
	}
	if rest != "" {
		d += " " + rest
	}
	return clip(d, 1024)
}

// model returns opt.Model or def.
func (j *job) model(def string) string {
	if j.opt.Model != "" {
		return j.opt.Model
	}
	return def
}

// familyModel is the default model for the compiled target's family.
func (j *job) familyModel() string {
	switch j.r.Target {
	case "openai-reasoning":
		return "o4-mini"
	case "openai-legacy":
		return "gpt-4-turbo"
	}
	switch j.r.Family {
	case "claude":
		return "claude-sonnet-4-5"
	case "gemini":
		return "gemini-2.5-flash"
	case "llama":
		return "llama3.2"
	case "mistral":
		return "mistral-small-latest"
	default:
		return "gpt-4o"
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func stripEmphasis(s string) string {
	return strings.NewReplacer("**", "", "__", "").Replace(s)
}

// firstSentence returns s up to the first ". ", "! " or "? ".
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}

// clip shortens s to at most n runes, at a word boundary, adding "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

// body is the prompt with trailing newlines removed.
func (j *job) body() string { return strings.TrimRight(j.r.Prompt, "\r\n") }
