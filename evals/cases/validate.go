package cases

import (
	"bytes"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/evals/schema"
)

var (
	schemaOnce  sync.Once
	caseSchema  *jsonschema.Schema
	replySchema *jsonschema.Schema
	schemaErr   error
)

// schemas compiles both embedded schemas once.
func schemas() (cases, reply *jsonschema.Schema, err error) {
	schemaOnce.Do(func() {
		caseSchema, schemaErr = compile(schema.CasesURL, schema.Cases())
		if schemaErr == nil {
			replySchema, schemaErr = compile(schema.ModelReplyURL, schema.ModelReply())
		}
	})
	return caseSchema, replySchema, schemaErr
}

func compile(url string, doc []byte) (*jsonschema.Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, v); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// schemaError is one failed schema rule, with where it happened.
type schemaError struct {
	path      []string
	line, col int
	msg       string
}

var printer = message.NewPrinter(language.English)

// validateNode checks a parsed case file against the case schema and returns
// one error per failing leaf rule, positioned on the offending YAML node.
func validateNode(root *yaml.Node) []schemaError {
	if bad := firstAlias(root); bad != nil {
		return []schemaError{{line: bad.Line, col: bad.Column, msg: "YAML anchors and aliases are not allowed in a case file"}}
	}
	sch, _, err := schemas()
	if err != nil {
		return []schemaError{{line: 1, msg: "cannot compile the case schema: " + err.Error()}}
	}
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	return validateValue(sch, doc, load.ToValue(doc))
}

func validateValue(sch *jsonschema.Schema, doc *yaml.Node, v any) []schemaError {
	err := sch.Validate(v)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []schemaError{{line: 1, msg: err.Error()}}
	}
	var out []schemaError
	for _, leaf := range leaves(ve) {
		e := schemaError{path: leaf.InstanceLocation, msg: leaf.ErrorKind.LocalizedString(printer)}
		if doc != nil {
			n := load.NodeAt(doc, leaf.InstanceLocation)
			e.line, e.col = n.Line, n.Column
		}
		if len(e.path) > 0 {
			e.msg = strings.Join(e.path, ".") + ": " + e.msg
		}
		out = append(out, e)
	}
	return out
}

// leaves returns the innermost causes: the rules that actually failed.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func firstAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return n
	}
	for _, c := range n.Content {
		if bad := firstAlias(c); bad != nil {
			return bad
		}
	}
	return nil
}

// Validate checks an in-memory case file against the schema (it round-trips
// through YAML, exactly as a written file would be read back).
func Validate(cf *CaseFile) error {
	data, err := cf.YAML()
	if err != nil {
		return err
	}
	_, err = Parse(data)
	return err
}
