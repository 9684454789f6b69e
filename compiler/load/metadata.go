package load

import (
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/ir"
)

// SlugPattern is the Atlas's slug rule.
var SlugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// metaYAML mirrors metadata.yaml for decoding; unknown keys are left to the
// JSON Schema check in lint, which reports them with positions.
type metaYAML struct {
	Title           string              `yaml:"title"`
	Slug            string              `yaml:"slug"`
	Aliases         []string            `yaml:"aliases"`
	Kind            string              `yaml:"kind"`
	Category        string              `yaml:"category"`
	Tags            []string            `yaml:"tags"`
	Difficulty      string              `yaml:"difficulty"`
	Summary         string              `yaml:"summary"`
	Contributors    []string            `yaml:"contributors"`
	Provenance      string              `yaml:"provenance"`
	Source          *ir.Origin          `yaml:"source"`
	LastReviewed    string              `yaml:"last_reviewed"`
	Reviewers       []ir.Reviewer       `yaml:"reviewers"`
	Created         string              `yaml:"created"`
	Updated         string              `yaml:"updated"`
	Related         []ir.Related        `yaml:"related"`
	Specializations []string            `yaml:"specializations"`
	CountryVariants []ir.CountryVariant `yaml:"country_variants"`
	Sources         []ir.Reference      `yaml:"sources"`
	Status          string              `yaml:"status"`
}

// decodeMetadata turns a metadata mapping node into typed metadata. Wrong
// types are input errors with the line of the offending value.
func decodeMetadata(file string, n *yaml.Node) (ir.Metadata, error) {
	pos := diag.Pos{File: file, Line: n.Line, Col: n.Column}
	if n.Kind != yaml.MappingNode {
		return ir.Metadata{}, diag.Errorf(pos, "metadata must be a YAML mapping of fields, found %s", kindName(n))
	}
	var m metaYAML
	if err := decodeNode(n, &m); err != nil {
		return ir.Metadata{}, yamlError(file, err, 0)
	}
	md := ir.Metadata{
		Present: true, Title: m.Title, Slug: m.Slug, Aliases: nilIfEmpty(m.Aliases), Kind: m.Kind,
		Category: m.Category, Tags: nilIfEmpty(m.Tags), Difficulty: m.Difficulty, Summary: m.Summary,
		Contributors: nilIfEmpty(m.Contributors), Provenance: m.Provenance, Origin: m.Source,
		LastReviewed: m.LastReviewed, Reviewers: nilIfEmpty(m.Reviewers), Created: m.Created,
		Updated: m.Updated, Related: nilIfEmpty(m.Related), Specializations: nilIfEmpty(m.Specializations),
		CountryVariants: nilIfEmpty(m.CountryVariants), Sources: nilIfEmpty(m.Sources), Status: m.Status,
		Pos: pos, FieldPos: map[string]diag.Pos{},
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		md.FieldPos[k.Value] = diag.Pos{File: file, Line: v.Line, Col: v.Column}
	}
	if md.Slug != "" && !SlugPattern.MatchString(md.Slug) {
		return md, diag.Errorf(md.FieldPos["slug"], "slug %q is not a valid slug (lower-case letters, digits and single hyphens, like %q)", md.Slug, suggestSlug(md.Slug))
	}
	if k, v := mapGet(n, "title"); k != nil && (v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null") {
		return md, diag.Errorf(diag.Pos{File: file, Line: v.Line, Col: v.Column}, "metadata title must be a string")
	}
	return md, nil
}

func decodeNode(n *yaml.Node, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &yaml.TypeError{Errors: []string{"cannot decode metadata"}}
		}
	}()
	return n.Decode(v)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	case yaml.MappingNode:
		return "a mapping"
	default:
		return "something else"
	}
}

var slugJunk = regexp.MustCompile(`[^a-z0-9]+`)

func suggestSlug(s string) string {
	out := slugJunk.ReplaceAllString(toLowerASCII(s), "-")
	for len(out) > 0 && out[0] == '-' {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1] == '-' {
		out = out[:len(out)-1]
	}
	if out == "" {
		return "my-soul"
	}
	return out
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
