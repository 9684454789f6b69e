package cases

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Version is the case-file format version.
const Version = 1

// GeneratorDeterministic names extraction without a model.
const GeneratorDeterministic = "deterministic"

// ModelGenerator names model-assisted extraction with the given model.
func ModelGenerator(model string) string { return "model:" + model }

// Variant kinds.
const (
	Pressure   = "pressure"
	Obfuscated = "obfuscated"
	Roleplay   = "roleplay"
	Multiturn  = "multiturn"
)

// VariantKinds lists every variant kind in canonical order.
var VariantKinds = []string{Pressure, Obfuscated, Roleplay, Multiturn}

// CaseFile is one evals/<slug>.yaml.
type CaseFile struct {
	Version      int    `yaml:"version" json:"version"`
	Soul         string `yaml:"soul" json:"soul"`
	SourceSHA256 string `yaml:"source_sha256" json:"source_sha256"`
	// Generator is "deterministic", "model:<name>", or, when some cases fell
	// back, the file-level model generator while each case says its own.
	Generator string `yaml:"generator" json:"generator"`
	Cases     []Case `yaml:"cases" json:"cases"`
}

// Case is one scenario turned into an eval case.
type Case struct {
	// ID is the slug of the title, stable when the scenario text is edited.
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Generator is set when it differs from the file's, so a model run that
	// fell back for some scenarios says so per case.
	Generator string `yaml:"generator,omitempty" json:"generator,omitempty"`
	// Input is the situation as the person in it would bring it to an expert.
	Input string `yaml:"input" json:"input"`
	// Turns splits Input over several user messages (optional).
	Turns []string `yaml:"turns,omitempty" json:"turns,omitempty"`
	// Reference is what the expert did and concluded.
	Reference string   `yaml:"reference" json:"reference"`
	Rubric    []string `yaml:"rubric" json:"rubric"`
	MustNot   []string `yaml:"must_not,omitempty" json:"must_not,omitempty"`
	// Source is "file:line" of the scenario in the SOUL.
	Source   string    `yaml:"source" json:"source"`
	Variants []Variant `yaml:"variants,omitempty" json:"variants,omitempty"`
}

// Variant is the same situation re-posed; it is graded with its case's
// rubric, so a drop from the original shows phrasing-recognition.
type Variant struct {
	Kind  string   `yaml:"kind" json:"kind"`
	Input string   `yaml:"input" json:"input"`
	Turns []string `yaml:"turns,omitempty" json:"turns,omitempty"`
}

// Messages returns the user turns of a case or variant: Turns when set,
// otherwise the single Input.
func Messages(input string, turns []string) []string {
	if len(turns) > 0 {
		return turns
	}
	return []string{input}
}

// YAML renders the case file as YAML with a stable field order and
// long text as folded block scalars, so diffs of case files stay readable.
func (cf *CaseFile) YAML() ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(cf); err != nil {
		return nil, err
	}
	styleStrings(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// styleStrings makes long or multi-line string values block scalars; the
// encoder falls back to quoting when a block scalar cannot hold the value.
func styleStrings(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		for i := 1; i < len(n.Content); i += 2 {
			styleValue(n.Content[i])
		}
		for i := 1; i < len(n.Content); i += 2 {
			styleStrings(n.Content[i])
		}
		return
	}
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			styleValue(c)
			styleStrings(c)
		}
	}
}

func styleValue(v *yaml.Node) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		return
	}
	switch {
	case strings.Contains(v.Value, "\n"):
		v.Style = yaml.LiteralStyle
	case len(v.Value) > 80:
		v.Style = yaml.FoldedStyle
	}
}

// JSON renders the case file as indented JSON (no HTML escaping).
func (cf *CaseFile) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cf); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Parse reads a case file in YAML or JSON (JSON is YAML) after checking it
// against the schema; use Lint for positioned findings.
func Parse(data []byte) (*CaseFile, error) {
	var root yaml.Node
	if err := safeYAML(data, &root); err != nil {
		return nil, err
	}
	if errs := validateNode(&root); len(errs) > 0 {
		return nil, fmt.Errorf("case file does not match the schema: %s", errs[0].msg)
	}
	var cf CaseFile
	if err := root.Decode(&cf); err != nil {
		return nil, err
	}
	return &cf, nil
}

// safeYAML parses without ever panicking; case files may be hand-edited.
func safeYAML(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("YAML parser failed: %v", r)
		}
	}()
	if err := yaml.Unmarshal(data, n); err != nil {
		return fmt.Errorf("invalid YAML: %w", err)
	}
	if len(n.Content) == 0 {
		return fmt.Errorf("case file is empty")
	}
	return nil
}
