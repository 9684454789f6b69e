package cases

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Severities of lint findings.
const (
	SevError   = "error"
	SevWarning = "warning"
)

// Finding is one lint result, positioned in the case file.
type Finding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col,omitempty"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

func (f Finding) String() string {
	pos := f.File
	if f.Line > 0 {
		pos += ":" + strconv.Itoa(f.Line)
		if f.Col > 0 {
			pos += ":" + strconv.Itoa(f.Col)
		}
	}
	return fmt.Sprintf("%s: %s: %s [%s]", pos, f.Severity, f.Message, f.Code)
}

// LintRule describes one check.
type LintRule struct{ Code, Name, Doc string }

// LintRules lists every case-file check.
var LintRules = []LintRule{
	{"CASE001", "invalid-yaml", "the file is not valid YAML"},
	{"CASE002", "schema", "the file does not match evals/schema/cases.schema.json"},
	{"CASE003", "rubric-count", "a case has fewer than 3 or more than 6 rubric criteria"},
	{"CASE101", "duplicate-id", "two cases share an id"},
	{"CASE102", "rubric-restates-input", "a rubric criterion mostly repeats the input, so any answer that echoes the question passes it"},
	{"CASE103", "input-leaks-reference", "the input (or a variant's) contains a sentence of the reference: the expert's answer is in the question"},
	{"CASE104", "input-near-reference", "the input covers most of a reference sentence's words"},
}

// Thresholds for the overlap checks: high enough that sharing the
// situation's nouns is fine, low enough to catch a paraphrase.
const (
	restateThreshold = 0.8
	leakThreshold    = 0.8
)

// Lint checks a case file (YAML or JSON) and returns its findings sorted by
// position. path is used only to label findings.
func Lint(path string, data []byte) []Finding {
	l := &linter{file: path}
	var root yaml.Node
	if err := safeYAML(data, &root); err != nil {
		l.add(yamlErrLine(err), 0, SevError, "CASE001", "%s", err.Error())
		return l.out
	}
	for _, e := range validateNode(&root) {
		code := "CASE002"
		if n := len(e.path); n >= 1 && e.path[n-1] == "rubric" && (strings.Contains(e.msg, "minItems") || strings.Contains(e.msg, "maxItems") || strings.Contains(e.msg, "items")) {
			code = "CASE003"
		}
		l.add(e.line, e.col, SevError, code, "%s", e.msg)
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	_, cases := mapValue(doc, "cases")
	if cases != nil && cases.Kind == yaml.SequenceNode {
		l.cases(cases)
	}
	sort.SliceStable(l.out, func(i, j int) bool {
		if l.out[i].Line != l.out[j].Line {
			return l.out[i].Line < l.out[j].Line
		}
		return l.out[i].Col < l.out[j].Col
	})
	return l.out
}

type linter struct {
	file string
	out  []Finding
}

func (l *linter) add(line, col int, sev, code, format string, args ...any) {
	l.out = append(l.out, Finding{File: l.file, Line: line, Col: col, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (l *linter) cases(seq *yaml.Node) {
	seen := map[string]int{}
	for _, cn := range seq.Content {
		if cn.Kind != yaml.MappingNode {
			continue
		}
		_, idn := mapValue(cn, "id")
		if idn != nil && idn.Kind == yaml.ScalarNode {
			if first, dup := seen[idn.Value]; dup {
				l.add(idn.Line, idn.Column, SevError, "CASE101", "duplicate id %q (first at line %d)", idn.Value, first)
			} else {
				seen[idn.Value] = idn.Line
			}
		}
		l.overlap(cn)
	}
}

// overlap runs the weak-case checks on one case mapping.
func (l *linter) overlap(cn *yaml.Node) {
	input, inputN := scalar(cn, "input")
	ref, _ := scalar(cn, "reference")
	if inputN == nil || ref == "" {
		return
	}
	_, rub := mapValue(cn, "rubric")
	if rub != nil && rub.Kind == yaml.SequenceNode {
		for _, it := range rub.Content {
			if it.Kind == yaml.ScalarNode && len(contentWords(it.Value)) >= 3 && coverage(it.Value, input) >= restateThreshold {
				l.add(it.Line, it.Column, SevWarning, "CASE102", "rubric item restates the input (%.0f%% of its words are in the input): %q", 100*coverage(it.Value, input), it.Value)
			}
		}
	}
	l.leak("input", input, inputN, ref)
	if _, turns := mapValue(cn, "turns"); turns != nil {
		for _, t := range turns.Content {
			l.leak("turn", t.Value, t, ref)
		}
	}
	if _, vs := mapValue(cn, "variants"); vs != nil && vs.Kind == yaml.SequenceNode {
		for _, vn := range vs.Content {
			kind, _ := scalar(vn, "kind")
			if in, n := scalar(vn, "input"); n != nil {
				l.leak(kind+" variant input", in, n, ref)
			}
		}
	}
}

func (l *linter) leak(what, text string, n *yaml.Node, ref string) {
	if sh := sharedSentence(text, ref); sh != "" {
		l.add(n.Line, n.Column, SevError, "CASE103", "%s contains the reference sentence %q: the expert's answer is in the question", what, sh)
		return
	}
	for _, s := range sentences(ref) {
		if len(contentWords(s)) >= 5 && coverage(s, text) >= leakThreshold {
			l.add(n.Line, n.Column, SevWarning, "CASE104", "%s covers %.0f%% of the words of the reference sentence %q", what, 100*coverage(s, text), s)
			return
		}
	}
}

func mapValue(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func scalar(m *yaml.Node, key string) (string, *yaml.Node) {
	_, v := mapValue(m, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return "", nil
	}
	return v.Value, v
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}
