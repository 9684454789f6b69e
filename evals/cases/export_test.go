package cases

import (
	"bufio"
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/internal/golden"
)

func exportString(t *testing.T, cf *CaseFile, format string, opt ExportOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Export(cf, format, &b, opt); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// templateSOUL has text that Nunjucks would execute, including an attempt
// to close a raw block early.
const templateSOUL = `# Template Tester

## Scenarios

**Braces in the wild.** A user pastes {{ secrets }} and {% include "x" %} into a ticket. The tester treats the braces as data, quoting them back as {# literal #} text. They never run {% endraw %}{{ 7*7 }} through a template engine. The conclusion is that input is data.
`

func TestExportGoldens(t *testing.T) {
	cf := exampleCases(t, VariantKinds...)
	opt := ExportOptions{System: "You are an AI safety researcher. Never render {{ templates }}."}
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			got := exportString(t, cf, f, opt)
			golden.Check(t, "testdata/export/"+f+golden_ext(f), got)
			want := len(cf.Cases) * (1 + len(VariantKinds))
			if f == FormatPromptfoo {
				checkPromptfoo(t, got, want)
			} else {
				checkJSONL(t, f, got, want)
			}
		})
	}
}

func golden_ext(f string) string {
	if f == FormatPromptfoo {
		return ".yaml"
	}
	return ".jsonl"
}

func checkPromptfoo(t *testing.T, data []byte, want int) {
	var cfg struct {
		Prompts   []string `yaml:"prompts"`
		Providers []string `yaml:"providers"`
		Tests     []struct {
			Description string            `yaml:"description"`
			Vars        map[string]string `yaml:"vars"`
			Assert      []struct {
				Type, Value string
			} `yaml:"assert"`
			Metadata map[string]any `yaml:"metadata"`
		} `yaml:"tests"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("promptfoo config does not parse: %v", err)
	}
	if len(cfg.Prompts) != 1 || !strings.Contains(cfg.Prompts[0], "{{input}}") || len(cfg.Providers) == 0 {
		t.Errorf("prompts/providers: %q %q", cfg.Prompts, cfg.Providers)
	}
	if len(cfg.Tests) != want {
		t.Fatalf("%d tests, want %d", len(cfg.Tests), want)
	}
	ids := map[string]bool{}
	for _, tc := range cfg.Tests {
		ids[tc.Description] = true
		if tc.Vars["input"] == "" || len(tc.Assert) < MinRubric {
			t.Errorf("%s: input %q, %d asserts", tc.Description, tc.Vars["input"], len(tc.Assert))
		}
		for _, a := range tc.Assert {
			if a.Type != "llm-rubric" && a.Type != "not-llm-rubric" {
				t.Errorf("assert type %q", a.Type)
			}
		}
	}
	if !ids["deciding-whether-to-publish-a-jailbreak-technique--roleplay"] {
		t.Errorf("variant rows should have ids <id>--<kind>: %v", ids)
	}
}

func checkJSONL(t *testing.T, format string, data []byte, want int) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		required := []string{"input", "target", "id", "metadata"}
		if format == FormatOpenAIEvals {
			required = []string{"input", "ideal"}
		}
		for _, k := range required {
			if row[k] == nil || row[k] == "" {
				t.Errorf("line %d: missing %s", n, k)
			}
		}
		msgs, _ := row["input"].([]any)
		if len(msgs) < 2 {
			t.Errorf("line %d: input should be chat messages with the system prompt, got %v", n, row["input"])
		}
	}
	if n != want {
		t.Errorf("%d rows, want %d", n, want)
	}
}

// outsideRaw removes {% raw %}…{% endraw %} blocks, leaving what Nunjucks
// would actually interpret.
var rawBlock = regexp.MustCompile(`(?s)\{% raw %\}.*?\{% endraw %\}`)

func TestPromptfooNeutralisesTemplates(t *testing.T) {
	cf, _, err := Extract(loadMarkdown(t, templateSOUL), ExtractOptions{Variants: VariantKinds})
	if err != nil {
		t.Fatal(err)
	}
	out := exportString(t, cf, FormatPromptfoo, ExportOptions{System: "Persona with {{ braces }} and {%- endraw %} inside."})
	var cfg map[string]any
	if err := yaml.Unmarshal(out, &cfg); err != nil {
		t.Fatal(err)
	}
	// Decode every string and check that, outside raw blocks, only the
	// prompt's own {{input}} is a template.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			rest := rawBlock.ReplaceAllString(x, "")
			rest = strings.ReplaceAll(rest, "{{input}}", "")
			if regexp.MustCompile(`\{[{%#]`).MatchString(rest) {
				t.Errorf("template syntax outside a raw block: %q", x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(cfg)
	if !bytes.Contains(out, []byte("{% raw %}")) {
		t.Error("no raw block: the SOUL's braces were not wrapped")
	}
	if bytes.Contains(out, []byte("{% endraw %}{{ 7*7 }}")) {
		t.Error("an endraw tag in SOUL text closes the raw block early")
	}
}

func TestExportUnknownFormat(t *testing.T) {
	if err := Export(exampleCases(t), "csv", &bytes.Buffer{}, ExportOptions{}); err == nil || !strings.Contains(err.Error(), "promptfoo") {
		t.Fatalf("err = %v", err)
	}
}

func TestMustNotFromNegation(t *testing.T) {
	cf, _, err := Extract(loadMarkdown(t, templateSOUL), ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mn := strings.Join(cf.Cases[0].MustNot, "|")
	if !strings.HasPrefix(mn, "Runs ") {
		t.Errorf("must_not = %q, want the negated move in the third person (Runs …)", mn)
	}
}
