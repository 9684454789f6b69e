package provider

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Enforces the doc.go import rules of evals/provider, evals/stats and
// evals/fakeapi: no cobra, nothing under compiler/, and the listed soulc
// packages only where allowed (fakeapi only from provider tests).
func TestImportRules(t *testing.T) {
	forbidden := func(pkg, imp string, test bool) bool {
		switch {
		case strings.Contains(imp, "spf13/cobra"), strings.HasPrefix(imp, "github.com/soulc/soulc/compiler"):
			return true
		case test && imp == "github.com/soulc/soulc/internal/golden":
			return false // every test binary takes -update
		case strings.HasPrefix(imp, "github.com/soulc/soulc/"):
			return !(pkg == "provider" && test && imp == "github.com/soulc/soulc/evals/fakeapi")
		case pkg == "stats" && strings.Contains(imp, "."):
			return true // stats is standard library only
		}
		return false
	}
	for _, pkg := range []string{"provider", "stats", "fakeapi"} {
		files, _ := filepath.Glob(filepath.Join("..", pkg, "*.go"))
		if len(files) == 0 {
			t.Fatalf("no files for %s", pkg)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, is := range af.Imports {
				imp, _ := strconv.Unquote(is.Path.Value)
				if forbidden(pkg, imp, strings.HasSuffix(f, "_test.go")) {
					t.Errorf("%s imports %s", f, imp)
				}
			}
		}
	}
}
