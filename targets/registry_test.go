package targets

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuiltins(t *testing.T) {
	ts := Builtin()
	want := []string{"claude", "gemini", "llama3", "mistral", "openai", "openai-legacy", "openai-reasoning", "plain"}
	var names []string
	for _, tg := range ts {
		names = append(names, tg.Name)
		if err := tg.Validate(); err != nil {
			t.Errorf("%s: %v", tg.Name, err)
		}
		if !slices.Contains(BudgetTiers(), tg.DefaultBudget) {
			t.Errorf("%s: default budget %d not in tiers %v", tg.Name, tg.DefaultBudget, BudgetTiers())
		}
		tok := mustGet(t, tg.Tokenizer)
		if tg.Exact != tok.Exact() {
			t.Errorf("%s: Exact %v, tokenizer says %v", tg.Name, tg.Exact, tok.Exact())
		}
		if tg.Overhead.Notes == "" || tg.Description == "" {
			t.Errorf("%s: missing overhead notes or description", tg.Name)
		}
	}
	if !slices.Equal(names, want) {
		t.Fatalf("built-ins %v, want %v", names, want)
	}

	r := NewRegistry()
	check := []struct {
		name, tokenizer, layout, role, preamble string
		exact                                   bool
	}{
		{"openai", O200kBase, "markdown", "system", "", true},
		{"openai-reasoning", O200kBase, "terse", "developer", "Formatting re-enabled", true},
		{"openai-legacy", Cl100kBase, "markdown", "system", "", true},
		{"claude", ClaudeEstimate, "xml", "system", "", false},
		{"gemini", GeminiEstimate, "markdown", "system_instruction", "", false},
		{"llama3", Llama3Estimate, "markdown", "system", "", false},
		{"mistral", MistralEstimate, "plain", "system", "", false},
		{"plain", O200kBase, "plain", "system", "", true},
	}
	for _, c := range check {
		tg, err := r.Lookup(c.name)
		if err != nil {
			t.Fatal(err)
		}
		if tg.Tokenizer != c.tokenizer || tg.Layout != c.layout || tg.Role != c.role || tg.Overhead.Preamble != c.preamble || tg.Exact != c.exact {
			t.Errorf("%s = %+v", c.name, tg)
		}
	}
	if tg, _ := r.Lookup("plain"); tg.Overhead.Tokens != 0 {
		t.Errorf("plain has overhead %d", tg.Overhead.Tokens)
	}
	if tg, _ := r.Lookup("llama3"); tg.Overhead.Tokens < 20 || !strings.Contains(tg.Overhead.Notes, "Cutting Knowledge Date") {
		t.Errorf("llama3 overhead %+v does not cover the injected date header", tg.Overhead)
	}
}

func TestLookupUnknown(t *testing.T) {
	r := NewRegistry()
	tests := []struct{ name, want string }{
		{"opena", `unknown target "opena" (did you mean "openai"?)`},
		{"cluade", `(did you mean "claude"?)`},
		{"openai-reason", `(did you mean "openai-reasoning"?)`},
		{"llama", `(did you mean "llama3"?)`},
		{"o4-mini", `unknown target "o4-mini" (did you mean "openai-reasoning"? it lists model o4-mini)`},
		{"qqqqqqqqqq", `known: claude, gemini, llama3, mistral, openai, openai-legacy, openai-reasoning, plain`},
	}
	for _, tc := range tests {
		_, err := r.Lookup(tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Lookup(%q) = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestAllSortedAndIsolated(t *testing.T) {
	r := NewRegistry()
	all := r.All()
	if !slices.IsSortedFunc(all, func(a, b Target) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All() not sorted")
	}
	all[0].Models[0] = "mutated"
	if again := r.All(); again[0].Models[0] == "mutated" {
		t.Error("All() shares slices with the registry")
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const userTarget = `# a local model
name: local-qwen
family: plain
description: Qwen via llama.cpp
models: [qwen3-8b]
tokenizer: o200k_base
layout: markdown
role: system
context_window: 32768
default_budget: 1500
overhead:
  tokens: 12
  notes: chatml framing
`

func TestLoadDir(t *testing.T) {
	override := strings.NewReplacer("name: local-qwen", "name: openai", "default_budget: 1500", "default_budget: 4000").Replace(userTarget)
	multi := strings.ReplaceAll(userTarget, "local-qwen", "a-one") + "---\n" + strings.ReplaceAll(userTarget, "local-qwen", "a-two") + "---\n"
	dir := writeFiles(t, map[string]string{
		"qwen.yaml":    userTarget,
		"openai.yml":   override,
		"multi.yaml":   multi,
		"README.md":    "not a target",
		"ignored.json": "{}",
	})
	r := NewRegistry()
	if err := r.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	q, err := r.Lookup("local-qwen")
	if err != nil {
		t.Fatal(err)
	}
	if q.DefaultBudget != 1500 || q.ContextWindow != 32768 || q.Overhead.Tokens != 12 || !q.Exact || q.Models[0] != "qwen3-8b" {
		t.Errorf("local-qwen = %+v", q)
	}
	o, _ := r.Lookup("openai")
	if o.DefaultBudget != 4000 || o.Description != "Qwen via llama.cpp" {
		t.Errorf("user openai did not override the built-in: %+v", o)
	}
	if origin, _ := r.Origin("openai"); !strings.HasSuffix(origin, "openai.yml:2") {
		t.Errorf("Origin(openai) = %q", origin)
	}
	if origin, ok := r.Origin("claude"); !ok || origin != "" {
		t.Errorf("Origin(claude) = %q, %v", origin, ok)
	}
	for _, n := range []string{"a-one", "a-two"} {
		if _, err := r.Lookup(n); err != nil {
			t.Error(err)
		}
	}
	if len(r.All()) != len(Builtin())+3 {
		t.Errorf("All() has %d targets", len(r.All()))
	}
}

func TestLoadDirErrors(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // substrings of the error
	}{
		{"unknown key", strings.Replace(userTarget, "role: system\n", "role: system\ntemprature: 1\n", 1),
			[]string{"bad.yaml:9:", "field temprature not found"}},
		{"unknown nested key", strings.Replace(userTarget, "  tokens: 12\n", "  tokens: 12\n  tokenz: 3\n", 1),
			[]string{"bad.yaml:13:", "field tokenz not found"}},
		{"exact is derived", strings.Replace(userTarget, "role: system\n", "role: system\nexact: true\n", 1),
			[]string{"bad.yaml:9:", "field exact not found"}},
		{"bad tokenizer", strings.Replace(userTarget, "tokenizer: o200k_base", "tokenizer: o200k", 1),
			[]string{"bad.yaml:6:", `unknown tokenizer "o200k"`, `did you mean "o200k_base"?`}},
		{"bad layout", strings.Replace(userTarget, "layout: markdown", "layout: html", 1),
			[]string{"bad.yaml:7:", `unknown layout "html"`}},
		{"bad role", strings.Replace(userTarget, "role: system", "role: sytem", 1),
			[]string{"bad.yaml:8:", `did you mean "system"?`}},
		{"bad family", strings.Replace(userTarget, "family: plain", "family: qwen", 1),
			[]string{"bad.yaml:3:", `unknown family "qwen"`}},
		{"missing name", strings.Replace(userTarget, "name: local-qwen\n", "", 1),
			[]string{"bad.yaml:2:", "name: is required"}},
		{"budget over window", strings.Replace(userTarget, "default_budget: 1500", "default_budget: 40000", 1),
			[]string{"bad.yaml:10:", "exceeds context_window"}},
		{"wrong type", strings.Replace(userTarget, "default_budget: 1500", "default_budget: lots", 1),
			[]string{"bad.yaml:10:", "cannot unmarshal"}},
		{"syntax", "name: [unclosed\n", []string{"bad.yaml:"}},
		{"not a mapping", "- a\n- b\n", []string{"bad.yaml:1:"}},
		{"empty", "", []string{"bad.yaml:1: no target defined"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry()
			before := r.All()
			err := r.LoadDir(writeFiles(t, map[string]string{"good.yaml": strings.ReplaceAll(userTarget, "local-qwen", "good"), "bad.yaml": tc.body}))
			if err == nil {
				t.Fatal("LoadDir succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if after := r.All(); len(after) != len(before) {
				t.Errorf("failed LoadDir changed the registry: %d -> %d targets", len(before), len(after))
			}
		})
	}
}

func TestLoadDirDuplicateAndLimits(t *testing.T) {
	r := NewRegistry()
	err := r.LoadDir(writeFiles(t, map[string]string{"a.yaml": userTarget, "b.yaml": userTarget}))
	if err == nil || !strings.Contains(err.Error(), `b.yaml:2: target "local-qwen" already defined in`) {
		t.Errorf("duplicate: %v", err)
	}

	big := userTarget + "# " + strings.Repeat("x", MaxTargetFileSize) + "\n"
	err = r.LoadDir(writeFiles(t, map[string]string{"big.yaml": big}))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversize: %v", err)
	}

	err = r.LoadDir(filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: %v", err)
	}
}
