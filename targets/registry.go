package targets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// MaxTargetFileSize bounds a user target file; these are a few hundred bytes.
const MaxTargetFileSize = 1 << 20

// Registry holds the built-in targets plus any user targets loaded on top.
// It is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex
	targets map[string]Target
	origin  map[string]string // name -> file it was loaded from ("" for built-ins)
}

// NewRegistry returns a registry holding the built-in targets.
func NewRegistry() *Registry {
	r := &Registry{targets: map[string]Target{}, origin: map[string]string{}}
	for _, t := range Builtin() {
		r.targets[t.Name] = t
		r.origin[t.Name] = ""
	}
	return r
}

// LoadDir loads every *.yaml and *.yml file in dir (not recursively), in name
// order. A file holds one target, or several as separate YAML documents.
// Decoding is strict: unknown keys, a bad tokenizer, layout, role or family
// are errors that name file:line. A user target replaces a built-in of the
// same name; two user files defining one name is an error. On any error the
// registry is left unchanged.
func (r *Registry) LoadDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("targets: %w", err)
	}
	loaded := map[string]Target{}
	from := map[string]string{}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		ts, err := loadFile(path)
		if err != nil {
			return err
		}
		for _, lt := range ts {
			if prev, dup := from[lt.t.Name]; dup {
				return fmt.Errorf("%s:%d: target %q already defined in %s", path, lt.line, lt.t.Name, prev)
			}
			loaded[lt.t.Name] = lt.t
			from[lt.t.Name] = fmt.Sprintf("%s:%d", path, lt.line)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, t := range loaded {
		r.targets[name] = t
		r.origin[name] = from[name]
	}
	return nil
}

// Lookup returns the named target, or an error such as
// `unknown target "opena" (did you mean "openai"?); known: ...`.
func (r *Registry) Lookup(name string) (Target, error) {
	r.mu.RLock()
	t, ok := r.targets[name]
	r.mu.RUnlock()
	if !ok {
		if owner := r.modelOwner(name); owner != "" {
			return Target{}, fmt.Errorf("unknown target %q (did you mean %q? it lists model %s)", name, owner, name)
		}
		return Target{}, fmt.Errorf("unknown target %q%s", name, didYouMean(name, r.names()))
	}
	return cloneTarget(t), nil
}

// Origin reports where a target came from: "file:line" for user targets,
// "" for built-ins. ok is false if the name is unknown.
func (r *Registry) Origin(name string) (origin string, ok bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	origin, ok = r.origin[name]
	return origin, ok
}

// All returns every target, sorted by name.
func (r *Registry) All() []Target {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Target, 0, len(r.targets))
	for _, t := range r.targets {
		out = append(out, cloneTarget(t))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// modelOwner returns the first target (by name) whose Models lists model.
func (r *Registry) modelOwner(model string) string {
	for _, t := range r.All() {
		if slices.Contains(t.Models, model) {
			return t.Name
		}
	}
	return ""
}

func (r *Registry) names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.targets))
	for n := range r.targets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func cloneTarget(t Target) Target {
	t.Models = slices.Clone(t.Models)
	return t
}

type lineTarget struct {
	t    Target
	line int
}

func loadFile(path string) ([]lineTarget, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxTargetFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("targets: %s: %w", path, err)
	}
	if len(data) > MaxTargetFileSize {
		return nil, fmt.Errorf("%s: file larger than %d bytes", path, MaxTargetFileSize)
	}

	// Two passes over the same bytes: nodes give key lines for semantic
	// errors; a KnownFields decoder gives strict typing. Node.Decode cannot
	// reject unknown keys, hence the second decoder.
	nodes := yaml.NewDecoder(bytes.NewReader(data))
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	var out []lineTarget
	for {
		var doc yaml.Node
		err := nodes.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, yamlError(path, err)
		}
		var t Target
		if err := strict.Decode(&t); err != nil {
			return nil, yamlError(path, err)
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		if isEmptyDoc(root) {
			continue // a stray "---" or a comment-only document
		}
		if root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d: a target must be a YAML mapping", path, root.Line)
		}
		if err := t.Validate(); err != nil {
			line := root.Line
			var fe fieldError
			if errors.As(err, &fe) {
				line = keyLine(root, fe.field, line)
			}
			return nil, fmt.Errorf("%s:%d: target %q: %w", path, line, t.Name, err)
		}
		out = append(out, lineTarget{t: t, line: root.Line})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s:1: no target defined", path)
	}
	return out, nil
}

func isEmptyDoc(n *yaml.Node) bool {
	return (n.Kind == yaml.DocumentNode && len(n.Content) == 0) ||
		(n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "")
}

// keyLine returns the line of key in mapping m, or def if absent.
func keyLine(m *yaml.Node, key string, def int) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return def
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError rewrites yaml.v3's "line N: msg" errors as "file:N: msg".
func yamlError(path string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	lines := make([]string, 0, len(msgs))
	for _, m := range msgs {
		if sub := yamlLine.FindStringSubmatch(m); sub != nil {
			n, _ := strconv.Atoi(sub[1])
			lines = append(lines, fmt.Sprintf("%s:%d: %s", path, n, sub[2]))
		} else {
			lines = append(lines, fmt.Sprintf("%s: %s", path, strings.TrimPrefix(m, "yaml: ")))
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}
