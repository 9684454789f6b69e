package templates

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/template"
)

//go:embed *.tmpl
var builtin embed.FS

// Funcs are available to every template.
var Funcs = template.FuncMap{
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"trim":  strings.TrimSpace,
	// tag turns a heading into an XML tag name: "Rules of Thumb" -> "rules_of_thumb".
	"tag": Tag,
}

// Tag turns a heading into a lower-case snake_case XML tag name.
func Tag(heading string) string {
	var b strings.Builder
	us := false
	for _, r := range strings.ToLower(heading) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if us && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			us = false
		} else {
			us = true
		}
	}
	if b.Len() == 0 || (b.String()[0] >= '0' && b.String()[0] <= '9') {
		return "section_" + b.String()
	}
	return b.String()
}

// Names lists the built-in layouts.
func Names() []string {
	entries, _ := builtin.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".tmpl"))
	}
	sort.Strings(out)
	return out
}

// Source returns the text of a built-in layout.
func Source(name string) (string, error) {
	b, err := builtin.ReadFile(name + ".tmpl")
	if err != nil {
		return "", fmt.Errorf("unknown layout %q (built-in layouts: %s)", name, strings.Join(Names(), ", "))
	}
	return string(b), nil
}

// Load parses a built-in layout, or, when dir is not empty and holds
// <name>.tmpl, the user's file of that name instead.
func Load(name, dir string) (*template.Template, error) {
	if dir != "" {
		p := filepath.Join(dir, name+".tmpl")
		if _, err := os.Stat(p); err == nil {
			return LoadFile(p)
		}
	}
	if t, ok := parsed.Load(name); ok {
		return t.(*template.Template), nil
	}
	src, err := Source(name)
	if err != nil {
		return nil, err
	}
	t, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	parsed.Store(name, t)
	return t, nil
}

// parsed holds the built-in layouts once parsed: a parsed template is
// immutable and safe to execute concurrently, and reusing it lets the
// compiler recognise the same layout across calls.
var parsed sync.Map

// maxTemplateBytes bounds a user template; real ones are a few KiB.
const maxTemplateBytes = 1 << 20

// LoadFile parses a user's template file (--template FILE).
func LoadFile(path string) (*template.Template, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", path, err)
	}
	if st.Size() > maxTemplateBytes {
		return nil, fmt.Errorf("template %s: larger than 1 MiB", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", path, err)
	}
	return Parse(path, string(b))
}

// Parse parses template text with the shared functions; missing keys are
// errors, so a typo in a user's template fails loudly instead of printing "<no value>".
func Parse(name, src string) (*template.Template, error) {
	t, err := template.New(filepath.Base(name)).Funcs(Funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("template %s", strings.TrimPrefix(err.Error(), "template: "))
	}
	return t, nil
}
