package load

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/diag"
)

// parseYAML parses one YAML document into a node tree whose line numbers are
// shifted by lineOffset (for front matter). Aliases are refused outright: a
// SOUL has no use for them and expanding them is how YAML bombs work.
func parseYAML(file string, text string, lineOffset int) (*yaml.Node, error) {
	var doc yaml.Node
	if err := safeUnmarshal([]byte(text), &doc); err != nil {
		return nil, yamlError(file, err, lineOffset)
	}
	if len(doc.Content) == 0 {
		return nil, diag.Errorf(diag.Pos{File: file, Line: 1 + lineOffset}, "YAML document is empty")
	}
	var bad *yaml.Node
	walk(&doc, func(n *yaml.Node) {
		n.Line += lineOffset
		if bad == nil && (n.Kind == yaml.AliasNode || n.Anchor != "") {
			bad = n
		}
	})
	if bad != nil {
		return nil, diag.Errorf(diag.Pos{File: file, Line: bad.Line, Col: bad.Column}, "YAML anchors and aliases are not allowed in a SOUL (they can expand without bound)")
	}
	return doc.Content[0], nil
}

// safeUnmarshal turns a panic inside the YAML parser into an error: bad input
// must never crash soulc.
func safeUnmarshal(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("YAML parser failed: %v", r)
		}
	}()
	return yaml.Unmarshal(data, v)
}

func walk(n *yaml.Node, fn func(*yaml.Node)) {
	fn(n)
	for _, c := range n.Content {
		walk(c, fn)
	}
}

var yamlLineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a yaml.v3 error into a one-line positioned InputError.
func yamlError(file string, err error, lineOffset int) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if line > 0 {
		line += lineOffset
	}
	return diag.Errorf(diag.Pos{File: file, Line: line}, "invalid YAML: %s", msg)
}

// mapGet returns the value node for key in a mapping node.
func mapGet(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
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

// withoutKeys returns a copy of mapping m without the given keys.
func withoutKeys(m *yaml.Node, keys ...string) *yaml.Node {
	out := *m
	out.Content = nil
	for i := 0; i+1 < len(m.Content); i += 2 {
		skip := false
		for _, k := range keys {
			if m.Content[i].Value == k {
				skip = true
			}
		}
		if !skip {
			out.Content = append(out.Content, m.Content[i], m.Content[i+1])
		}
	}
	return &out
}

// ToValue converts a node to plain Go values for JSON Schema validation:
// maps, slices, strings, float64/int64, bools and nil. Timestamps stay
// strings (JSON has no date type; the schema checks the "date" format).
func ToValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return ToValue(n.Content[0])
		}
		return nil
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = ToValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			s = append(s, ToValue(c))
		}
		return s
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil
		case "!!bool":
			var b bool
			if n.Decode(&b) == nil {
				return b
			}
		case "!!int":
			var i int64
			if n.Decode(&i) == nil {
				return i
			}
		case "!!float":
			var f float64
			if n.Decode(&f) == nil {
				return f
			}
		}
		return n.Value
	}
	return nil
}

// NodeAt follows a JSON-pointer-like path of keys and indexes through n and
// returns the deepest node reached.
func NodeAt(n *yaml.Node, path []string) *yaml.Node {
	cur := n
	for _, p := range path {
		switch cur.Kind {
		case yaml.MappingNode:
			k, v := mapGet(cur, p)
			if v == nil {
				return cur
			}
			if v.Kind == yaml.ScalarNode && k != nil {
				cur = v
				continue
			}
			cur = v
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(cur.Content) {
				return cur
			}
			cur = cur.Content[i]
		default:
			return cur
		}
	}
	return cur
}
