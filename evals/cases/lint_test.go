package cases

import (
	"strings"
	"testing"

	"github.com/soulc/soulc/internal/golden"
)

func TestLintGolden(t *testing.T) {
	path := "testdata/lint/bad.yaml"
	data := readFile(t, path)
	var b strings.Builder
	for _, f := range Lint(path, data) {
		b.WriteString(f.String() + "\n")
	}
	golden.Check(t, "testdata/lint/bad.golden", []byte(b.String()))
	for _, code := range []string{"CASE002", "CASE003", "CASE101", "CASE102", "CASE103", "CASE104"} {
		if !strings.Contains(b.String(), code) {
			t.Errorf("expected a %s finding", code)
		}
	}
}

func TestLintClean(t *testing.T) {
	data, err := exampleCases(t, VariantKinds...).YAML()
	if err != nil {
		t.Fatal(err)
	}
	if fs := Lint("x.yaml", data); len(fs) != 0 {
		t.Errorf("extracted example should lint clean, got %v", fs)
	}
}

func TestLintInvalidYAML(t *testing.T) {
	fs := Lint("x.yaml", []byte("version: 1\ncases: [\n  - id: x\n"))
	if len(fs) != 1 || fs[0].Code != "CASE001" || fs[0].Line == 0 {
		t.Fatalf("findings = %v", fs)
	}
}

func TestLintRefusesAliases(t *testing.T) {
	fs := Lint("x.yaml", []byte("a: &x [1]\nb: *x\n"))
	if len(fs) == 0 || !strings.Contains(fs[0].Message, "anchors") {
		t.Fatalf("findings = %v", fs)
	}
}
