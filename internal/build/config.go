package build

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/emit"
)

// ConfigName is the file `soulc build` looks for; LockName is written next
// to it.
const (
	ConfigName = "soulc.yaml"
	LockName   = "soulc.lock.json"
)

// MaxConfigSize bounds soulc.yaml.
const MaxConfigSize = 1 << 20

// Defaults for optional keys.
const (
	DefaultOut  = "build"
	DefaultPath = "{slug}/{target}/{file}"
)

// Placeholders are the names a path pattern may use.
var Placeholders = []string{"budget", "file", "format", "slug", "target"}

// Config is a parsed soulc.yaml. Every value keeps its position.
type Config struct {
	// File is the config path as given (for messages); Dir is the absolute
	// folder holding it, which every relative path in it is relative to.
	File string
	Dir  string
	// Raw is the file's bytes (hashed into the lock).
	Raw []byte

	Souls      []Value
	Targets    []TargetSpec
	Budgets    []Budget // empty: [default]
	Formats    []Value  // canonical format names
	Out        Value    // relative to Dir, cleaned, slash-separated
	Path       Value    // the path pattern
	TargetsDir Value    // "" when absent
}

// Value is a string from the config with its position.
type Value struct {
	S   string
	Pos diag.Pos
}

// Budget is one budget entry: Label is "default", "full" or a decimal
// number; Spec is what pipeline.ParseBudget reads.
type Budget struct {
	Label string
	Spec  string
	Pos   diag.Pos
}

// TargetSpec is one targets entry.
type TargetSpec struct {
	Name    string
	Budgets []Budget // empty: the config-level budgets
	Pos     diag.Pos
}

// FindConfig looks for soulc.yaml in dir and then in each parent folder.
func FindConfig(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, ConfigName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("no %s in %s or any parent folder (run 'soulc init' to write one, or name one with -f)", ConfigName, dir)
}

// LoadConfig reads and parses a config file.
func LoadConfig(file string) (*Config, error) {
	f, err := os.Open(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, diag.Errorf(diag.Pos{File: file}, "no such file")
		}
		return nil, diag.Errorf(diag.Pos{File: file}, "%v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: file}, "%v", err)
	}
	if st.IsDir() {
		return nil, diag.Errorf(diag.Pos{File: file}, "is a folder, not a %s", ConfigName)
	}
	if st.Size() > MaxConfigSize {
		return nil, diag.Errorf(diag.Pos{File: file}, "larger than %d bytes", MaxConfigSize)
	}
	data := make([]byte, st.Size())
	if _, err := f.ReadAt(data, 0); err != nil && st.Size() > 0 {
		return nil, diag.Errorf(diag.Pos{File: file}, "%v", err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	return ParseConfig(file, filepath.Dir(abs), data)
}

// ParseConfig parses soulc.yaml bytes. name is used in positions; dir is
// the absolute folder relative paths are resolved against. Unknown keys,
// wrong types and bad values are *diag.InputError with line and column.
func ParseConfig(name, dir string, data []byte) (*Config, error) {
	p := &parser{file: name}
	c := &Config{File: name, Dir: dir, Raw: data}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, p.yamlErr(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, p.errAt(&extra, "only one YAML document is allowed")
	}
	if len(doc.Content) == 0 {
		return nil, diag.Errorf(diag.Pos{File: name, Line: 1}, "empty config: it needs at least version, souls and targets (see 'soulc init')")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, p.errAt(root, "the config must be a YAML mapping")
	}
	seen := map[string]*yaml.Node{}
	var version *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if err := p.noAlias(v); err != nil {
			return nil, err
		}
		if prev, dup := seen[k.Value]; dup {
			return nil, p.errAt(k, "duplicate key %q (first at line %d)", k.Value, prev.Line)
		}
		seen[k.Value] = k
		var err error
		switch k.Value {
		case "version":
			version = v
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Value != "1" {
				return nil, p.errAt(v, "unsupported version %q: this soulc reads version 1", v.Value)
			}
		case "souls":
			c.Souls, err = p.strings(k, v)
		case "targets":
			c.Targets, err = p.targets(k, v)
		case "budgets":
			c.Budgets, err = p.budgets(k, v)
		case "formats":
			c.Formats, err = p.formats(k, v)
		case "out":
			c.Out, err = p.out(v)
		case "path":
			c.Path, err = p.pattern(v)
		case "targets_dir":
			c.TargetsDir, err = p.scalar(v)
			if err == nil && c.TargetsDir.S == "" {
				err = p.errAt(v, "targets_dir is empty")
			}
		default:
			return nil, p.errAt(k, "unknown key %q (known: version, souls, targets, budgets, formats, out, path, targets_dir)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	top := diag.Pos{File: name, Line: root.Line, Col: root.Column}
	if version == nil {
		return nil, diag.Errorf(top, "missing \"version: 1\"")
	}
	if len(c.Souls) == 0 {
		return nil, diag.Errorf(p.keyPos(seen, "souls", top), "no souls: list SOUL paths or globs under \"souls\"")
	}
	if len(c.Targets) == 0 {
		return nil, diag.Errorf(p.keyPos(seen, "targets", top), "no targets: list target names under \"targets\" (see 'soulc targets')")
	}
	if len(c.Formats) == 0 {
		c.Formats = []Value{{S: "text", Pos: top}}
	}
	if c.Out.S == "" {
		c.Out = Value{S: DefaultOut, Pos: top}
	}
	if c.Path.S == "" {
		c.Path = Value{S: DefaultPath, Pos: top}
	}
	return c, nil
}

type parser struct{ file string }

func (p *parser) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: p.file, Line: n.Line, Col: n.Column}
}

func (p *parser) keyPos(seen map[string]*yaml.Node, key string, def diag.Pos) diag.Pos {
	if k, ok := seen[key]; ok {
		return p.pos(k)
	}
	return def
}

func (p *parser) errAt(n *yaml.Node, format string, args ...any) error {
	return diag.Errorf(p.pos(n), format, args...)
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (p *parser) yamlErr(err error) error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return diag.Errorf(diag.Pos{File: p.file, Line: n}, "%s", m[2])
	}
	return diag.Errorf(diag.Pos{File: p.file}, "%s", strings.TrimPrefix(msg, "yaml: "))
}

func (p *parser) noAlias(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return p.errAt(n, "YAML anchors and aliases are not supported in %s", ConfigName)
	}
	for _, c := range n.Content {
		if err := p.noAlias(c); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) scalar(n *yaml.Node) (Value, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return Value{}, p.errAt(n, "want a single value, got %s", kindName(n))
	}
	return Value{S: strings.TrimSpace(n.Value), Pos: p.pos(n)}, nil
}

// items returns the entries of a sequence; a single scalar is a one-item list.
func (p *parser) items(k, n *yaml.Node) ([]*yaml.Node, error) {
	switch n.Kind {
	case yaml.SequenceNode:
		return n.Content, nil
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return []*yaml.Node{n}, nil
	}
	return nil, p.errAt(n, "%s: want a list, got %s", k.Value, kindName(n))
}

func (p *parser) strings(k, n *yaml.Node) ([]Value, error) {
	items, err := p.items(k, n)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, it := range items {
		v, err := p.scalar(it)
		if err != nil {
			return nil, err
		}
		if v.S == "" {
			return nil, p.errAt(it, "%s: empty entry", k.Value)
		}
		out = append(out, v)
	}
	return out, nil
}

func (p *parser) formats(k, n *yaml.Node) ([]Value, error) {
	vs, err := p.strings(k, n)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, v := range vs {
		f, err := emit.Lookup(v.S)
		if err != nil {
			return nil, diag.Errorf(v.Pos, "%v", err)
		}
		if seen[f.Name] {
			return nil, diag.Errorf(v.Pos, "format %q listed twice", f.Name)
		}
		seen[f.Name] = true
		vs[i].S = f.Name
	}
	return vs, nil
}

func (p *parser) budgets(k, n *yaml.Node) ([]Budget, error) {
	items, err := p.items(k, n)
	if err != nil {
		return nil, err
	}
	var out []Budget
	seen := map[string]bool{}
	for _, it := range items {
		v, err := p.scalar(it)
		if err != nil {
			return nil, err
		}
		b, err := parseBudget(v)
		if err != nil {
			return nil, err
		}
		if seen[b.Label] {
			return nil, diag.Errorf(v.Pos, "budget %s listed twice", b.Label)
		}
		seen[b.Label] = true
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, p.errAt(n, "%s: empty list (leave the key out for the targets' default budgets)", k.Value)
	}
	return out, nil
}

func parseBudget(v Value) (Budget, error) {
	s := strings.ToLower(v.S)
	switch s {
	case "default":
		return Budget{Label: "default", Spec: "", Pos: v.Pos}, nil
	case "full", "none", "0":
		return Budget{Label: "full", Spec: "full", Pos: v.Pos}, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil || n <= 0 {
		return Budget{}, diag.Errorf(v.Pos, "budget %q: want \"default\", \"full\" or a number of tokens", v.S)
	}
	return Budget{Label: strconv.Itoa(n), Spec: strconv.Itoa(n), Pos: v.Pos}, nil
}

func (p *parser) targets(k, n *yaml.Node) ([]TargetSpec, error) {
	items, err := p.items(k, n)
	if err != nil {
		return nil, err
	}
	var out []TargetSpec
	seen := map[string]bool{}
	for _, it := range items {
		var t TargetSpec
		switch it.Kind {
		case yaml.ScalarNode:
			v, err := p.scalar(it)
			if err != nil {
				return nil, err
			}
			t = TargetSpec{Name: v.S, Pos: v.Pos}
		case yaml.MappingNode:
			t.Pos = p.pos(it)
			var budget, budgets *yaml.Node
			keys := map[string]bool{}
			for i := 0; i+1 < len(it.Content); i += 2 {
				tk, tv := it.Content[i], it.Content[i+1]
				if keys[tk.Value] {
					return nil, p.errAt(tk, "duplicate key %q", tk.Value)
				}
				keys[tk.Value] = true
				switch tk.Value {
				case "name":
					v, err := p.scalar(tv)
					if err != nil {
						return nil, err
					}
					t.Name, t.Pos = v.S, v.Pos
				case "budget":
					budget = tv
					v, err := p.scalar(tv)
					if err != nil {
						return nil, err
					}
					b, err := parseBudget(v)
					if err != nil {
						return nil, err
					}
					t.Budgets = []Budget{b}
				case "budgets":
					budgets = tv
					if t.Budgets, err = p.budgets(tk, tv); err != nil {
						return nil, err
					}
				default:
					return nil, p.errAt(tk, "unknown key %q in a target (known: name, budget, budgets)", tk.Value)
				}
			}
			if budget != nil && budgets != nil {
				return nil, p.errAt(budgets, "give either budget or budgets, not both")
			}
			if t.Name == "" {
				return nil, p.errAt(it, "target entry without a name")
			}
		default:
			return nil, p.errAt(it, "a target is a name or {name, budget}, got %s", kindName(it))
		}
		if t.Name == "" {
			return nil, p.errAt(it, "empty target name")
		}
		if seen[t.Name] {
			return nil, diag.Errorf(t.Pos, "target %q listed twice", t.Name)
		}
		seen[t.Name] = true
		out = append(out, t)
	}
	return out, nil
}

// out checks the output folder: relative to soulc.yaml and inside its folder
// ("." is the folder itself).
func (p *parser) out(n *yaml.Node) (Value, error) {
	v, err := p.scalar(n)
	if err != nil {
		return v, err
	}
	if v.S == "" {
		return v, p.errAt(n, "out is empty (use \".\" for the folder holding %s)", ConfigName)
	}
	s := filepath.ToSlash(v.S)
	if path.IsAbs(s) || filepath.IsAbs(v.S) || filepath.VolumeName(v.S) != "" {
		return v, p.errAt(n, "out %q must be relative to %s", v.S, ConfigName)
	}
	c := path.Clean(s)
	if c == ".." || strings.HasPrefix(c, "../") {
		return v, p.errAt(n, "out %q leaves the folder holding %s", v.S, ConfigName)
	}
	v.S = c
	return v, nil
}

var placeholderRE = regexp.MustCompile(`\{([^{}]*)\}`)

// pattern checks a path pattern: known placeholders only, relative.
func (p *parser) pattern(n *yaml.Node) (Value, error) {
	v, err := p.scalar(n)
	if err != nil {
		return v, err
	}
	if v.S == "" {
		return v, p.errAt(n, "path is empty")
	}
	if err := CheckPattern(v.S); err != nil {
		return v, diag.Errorf(v.Pos, "%v", err)
	}
	return v, nil
}

// CheckPattern reports a path pattern with an unknown placeholder, unbalanced
// braces, or a shape that always leaves the output folder (absolute, "..").
func CheckPattern(pat string) error {
	rest := placeholderRE.ReplaceAllStringFunc(pat, func(m string) string {
		return ""
	})
	if strings.ContainsAny(rest, "{}") {
		return fmt.Errorf("path %q: unbalanced { or }", pat)
	}
	for _, m := range placeholderRE.FindAllStringSubmatch(pat, -1) {
		known := false
		for _, k := range Placeholders {
			known = known || m[1] == k
		}
		if !known {
			return fmt.Errorf("path %q: unknown placeholder {%s} (known: {%s})", pat, m[1], strings.Join(Placeholders, "}, {"))
		}
	}
	s := filepath.ToSlash(pat)
	if path.IsAbs(s) || filepath.IsAbs(pat) || filepath.VolumeName(pat) != "" {
		return fmt.Errorf("path %q is absolute: it must stay inside the output folder", pat)
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == ".." {
			return fmt.Errorf("path %q climbs out of the output folder (\"..\")", pat)
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}
