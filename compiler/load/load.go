// Package load reads a SOUL in any form a user has (an Atlas folder, the YAML
// export, the JSON record, Markdown with or without front matter, or standard
// input) into the IR, keeping the source position of every piece.
//
// Bad input is returned as a *diag.InputError naming file and line; the
// loader never panics and never hangs. It must not import cobra, go-openai,
// targets or evals, and it never prints.
package load

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/atlas"
	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/source"
)

// Options control loading.
type Options struct {
	// From forces the input form; empty means detect it.
	From ir.Form
	// MaxBytes limits each file read (default source.DefaultMaxBytes).
	MaxBytes int64
	// Stdin is read when the path is "-".
	Stdin io.Reader
}

// Forms lists the values accepted by Options.From.
var Forms = []ir.Form{ir.FormFolder, ir.FormYAML, ir.FormJSON, ir.FormMarkdown}

// ParseForm validates a --from value.
func ParseForm(s string) (ir.Form, error) {
	if s == "" || s == "auto" {
		return "", nil
	}
	if s == "md" {
		return ir.FormMarkdown, nil
	}
	if s == "yml" {
		return ir.FormYAML, nil
	}
	for _, f := range Forms {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown form %q: use one of auto, folder, yaml, json, markdown", s)
}

// Load reads one SOUL from path ("-" for standard input).
func Load(path string, opt Options) (*ir.Soul, error) {
	if path != source.Stdin {
		st, err := os.Stat(path)
		if err != nil {
			_, rerr := source.Read(path, nil, opt.MaxBytes)
			return nil, rerr
		}
		if st.IsDir() {
			if opt.From != "" && opt.From != ir.FormFolder {
				return nil, diag.Errorf(diag.Pos{File: path}, "is a folder, but --from %s was given", opt.From)
			}
			return loadFolder(path, opt)
		}
	}
	f, err := source.Read(path, opt.Stdin, opt.MaxBytes)
	if err != nil {
		return nil, err
	}
	form := opt.From
	if form == "" || form == ir.FormFolder {
		form = detect(path, f.Text)
	}
	return loadFile(f, form)
}

// LoadBytes loads a SOUL from memory, as if read from a file called name.
func LoadBytes(name string, data []byte, form ir.Form) (*ir.Soul, error) {
	f, err := source.FromBytes(name, data)
	if err != nil {
		return nil, err
	}
	if form == "" || form == ir.FormFolder {
		form = detect(name, f.Text)
	}
	return loadFile(f, form)
}

func loadFile(f *source.File, form ir.Form) (*ir.Soul, error) {
	var s *ir.Soul
	var err error
	switch form {
	case ir.FormJSON:
		s, err = fromJSON(f)
	case ir.FormYAML:
		s, err = fromYAML(f)
	default:
		s, err = fromMarkdown(f, nil, "")
	}
	if err != nil {
		return nil, err
	}
	s.SHA256 = hashOf(f.Raw)
	return s, nil
}

// detect picks the form from the extension, then from the content.
func detect(path, text string) ir.Form {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return ir.FormJSON
	case ".yaml", ".yml":
		return ir.FormYAML
	case ".md", ".markdown":
		return ir.FormMarkdown
	}
	t := strings.TrimLeft(text, " \t\n")
	switch {
	case strings.HasPrefix(t, "{"):
		return ir.FormJSON
	case strings.HasPrefix(t, "#"):
		return ir.FormMarkdown
	case strings.HasPrefix(text, "---\n"):
		if _, body, ok := splitFrontMatter(text); ok && strings.TrimSpace(body) != "" {
			return ir.FormMarkdown
		}
		return ir.FormYAML
	}
	// Probe as a node tree: decoding into a map would expand aliases.
	var probe yaml.Node
	if safeUnmarshal([]byte(text), &probe) == nil && len(probe.Content) > 0 {
		if k, _ := mapGet(probe.Content[0], "sections"); k != nil {
			return ir.FormYAML
		}
	}
	return ir.FormMarkdown
}

// loadFolder reads an Atlas folder: SOUL.md plus metadata.yaml.
func loadFolder(dir string, opt Options) (*ir.Soul, error) {
	mdPath := filepath.Join(dir, "SOUL.md")
	f, err := source.Read(mdPath, nil, opt.MaxBytes)
	if err != nil {
		if _, statErr := os.Stat(mdPath); statErr != nil {
			return nil, diag.Errorf(diag.Pos{File: dir}, "folder has no SOUL.md")
		}
		return nil, err
	}
	var meta *yaml.Node
	metaPath := filepath.Join(dir, "metadata.yaml")
	metaFile := ""
	hash := sha256.New()
	hash.Write(f.Raw)
	if _, statErr := os.Stat(metaPath); statErr == nil {
		mf, err := source.Read(metaPath, nil, opt.MaxBytes)
		if err != nil {
			return nil, err
		}
		meta, err = parseYAML(mf.Path, mf.Text, 0)
		if err != nil {
			return nil, err
		}
		metaFile = mf.Path
		hash.Write([]byte{0})
		hash.Write(mf.Raw)
	}
	s, err := fromMarkdown(f, meta, metaFile)
	if err != nil {
		return nil, err
	}
	s.Form = ir.FormFolder
	s.SHA256 = hex.EncodeToString(hash.Sum(nil))
	if s.Meta.Slug == "" {
		if base := filepath.Base(filepath.Clean(dir)); SlugPattern.MatchString(base) {
			s.Slug = base
		}
	}
	return s, nil
}

// splitFrontMatter splits "---\nyaml\n---\nbody". ok is false without front matter.
func splitFrontMatter(text string) (fm, body string, ok bool) {
	if !strings.HasPrefix(text, "---\n") {
		return "", text, false
	}
	rest := text[4:]
	for off := 0; off <= len(rest); {
		nl := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			end := off + len(line)
			if nl >= 0 {
				end++
			}
			return rest[:off], rest[end:], true
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return "", text, false
}

// fromMarkdown loads Markdown with optional front matter; meta, when given,
// is the metadata read from a separate file (folder form).
func fromMarkdown(f *source.File, meta *yaml.Node, metaPath string) (*ir.Soul, error) {
	text := f.Text
	bodyOffset := 0
	if fm, body, ok := splitFrontMatter(text); ok {
		if meta != nil {
			return nil, diag.Errorf(f.Pos(0), "SOUL.md has front matter and the folder has metadata.yaml; keep the metadata in one place")
		}
		if strings.TrimSpace(fm) != "" {
			n, err := parseYAML(f.Path, fm, 1)
			if err != nil {
				return nil, err
			}
			meta, metaPath = n, f.Path
		}
		bodyOffset = len(text) - len(body)
		text = body
	} else if strings.HasPrefix(text, "---\n") {
		return nil, diag.Errorf(f.Pos(0), "front matter starts with --- but never ends; close it with a --- line")
	}
	doc := parseMarkdown(text, func(off int) diag.Pos { return f.Pos(bodyOffset + off) })
	s := &ir.Soul{Version: ir.Version, Form: ir.FormMarkdown, Source: f.Path, Preamble: doc.preamble}
	if meta != nil {
		md, err := decodeMetadata(metaPath, meta)
		if err != nil {
			return nil, err
		}
		s.Meta = md
		s.Meta.Node = meta
	}
	if doc.hasTitle {
		s.Title, s.TitlePos = doc.title, doc.titlePos
	}
	for _, sec := range doc.sections {
		s.Sections = append(s.Sections, newSection(sec.heading, sec.pos, sec.items, sec.markdown))
	}
	return finish(s, f.Path)
}

// fromYAML loads the YAML export: metadata at the top level plus sections.
func fromYAML(f *source.File) (*ir.Soul, error) {
	root, err := parseYAML(f.Path, f.Text, 0)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, diag.Errorf(diag.Pos{File: f.Path, Line: root.Line, Col: root.Column}, "expected a YAML mapping with metadata fields and sections, found %s", kindName(root))
	}
	_, secs := mapGet(root, "sections")
	if secs == nil {
		return nil, diag.Errorf(diag.Pos{File: f.Path, Line: root.Line}, "no sections: the YAML export needs a sections list of {heading, markdown}")
	}
	meta := withoutKeys(root, "sections")
	return fromRecord(f, meta, secs, nil, ir.FormYAML)
}

// fromJSON loads the JSON record {slug, title, metadata, sections, computed}.
func fromJSON(f *source.File) (*ir.Soul, error) {
	if err := checkJSON(f); err != nil {
		return nil, err
	}
	root, err := parseYAML(f.Path, f.Text, 0)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, diag.Errorf(diag.Pos{File: f.Path, Line: root.Line}, "expected a JSON object {slug, title, metadata, sections}")
	}
	_, meta := mapGet(root, "metadata")
	_, secs := mapGet(root, "sections")
	if secs == nil {
		return nil, diag.Errorf(diag.Pos{File: f.Path, Line: root.Line}, "no sections: the JSON record needs a sections array of {heading, markdown}")
	}
	return fromRecord(f, meta, secs, root, ir.FormJSON)
}

// checkJSON rejects malformed JSON with the line of the error, before the
// YAML parser (which accepts a superset) sees it.
func checkJSON(f *source.File) error {
	var v any
	dec := json.NewDecoder(strings.NewReader(f.Text))
	err := dec.Decode(&v)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			return diag.Errorf(f.Pos(int(dec.InputOffset())), "invalid JSON: extra data after the top-level value")
		}
		return nil
	}
	off := len(f.Text)
	switch e := err.(type) {
	case *json.SyntaxError:
		off = int(e.Offset)
	case *json.UnmarshalTypeError:
		off = int(e.Offset)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		msg = "unexpected end of input"
	}
	return diag.Errorf(f.Pos(max(off-1, 0)), "invalid JSON: %s", msg)
}

// fromRecord builds a SOUL from a metadata node and a sections node; top is
// the JSON record (for its top-level title and slug) or nil.
func fromRecord(f *source.File, meta, secs, top *yaml.Node, form ir.Form) (*ir.Soul, error) {
	s := &ir.Soul{Version: ir.Version, Form: form, Source: f.Path}
	if meta != nil {
		md, err := decodeMetadata(f.Path, meta)
		if err != nil {
			return nil, err
		}
		s.Meta = md
		s.Meta.Node = meta
	}
	if top != nil {
		if _, t := mapGet(top, "title"); t != nil && t.Kind == yaml.ScalarNode {
			s.Title, s.TitlePos = t.Value, diag.Pos{File: f.Path, Line: t.Line, Col: t.Column}
		}
		if _, sl := mapGet(top, "slug"); sl != nil && sl.Kind == yaml.ScalarNode && sl.Value != "" {
			if !SlugPattern.MatchString(sl.Value) {
				return nil, diag.Errorf(diag.Pos{File: f.Path, Line: sl.Line, Col: sl.Column}, "slug %q is not a valid slug (lower-case letters, digits and single hyphens, like %q)", sl.Value, suggestSlug(sl.Value))
			}
			s.Slug = sl.Value
		}
	}
	if secs.Kind != yaml.SequenceNode {
		return nil, diag.Errorf(diag.Pos{File: f.Path, Line: secs.Line, Col: secs.Column}, "sections must be a list of {heading, markdown}, found %s", kindName(secs))
	}
	for _, sn := range secs.Content {
		pos := diag.Pos{File: f.Path, Line: sn.Line, Col: sn.Column}
		if sn.Kind != yaml.MappingNode {
			return nil, diag.Errorf(pos, "each section must be a mapping {heading, markdown}, found %s", kindName(sn))
		}
		_, h := mapGet(sn, "heading")
		_, m := mapGet(sn, "markdown")
		if h == nil || h.Kind != yaml.ScalarNode || strings.TrimSpace(h.Value) == "" {
			return nil, diag.Errorf(pos, "section has no heading")
		}
		if m != nil && m.Kind != yaml.ScalarNode {
			return nil, diag.Errorf(diag.Pos{File: f.Path, Line: m.Line, Col: m.Column}, "section %q: markdown must be a string", h.Value)
		}
		body := ""
		if m != nil {
			body = source.Normalize([]byte(m.Value))
		}
		doc := parseMarkdown(body, scalarPos(f.Path, m))
		items := doc.preamble
		for _, sub := range doc.sections { // an H2 inside a section's markdown stays in it
			items = append(items, sub.items...)
		}
		s.Sections = append(s.Sections, newSection(h.Value, diag.Pos{File: f.Path, Line: h.Line, Col: h.Column}, items, strings.TrimSpace(body)))
	}
	return finish(s, f.Path)
}

// scalarPos maps offsets inside a YAML string to file lines: exact for block
// scalars (| and >), the value's own line for quoted strings.
func scalarPos(file string, m *yaml.Node) posFunc {
	if m == nil {
		return func(int) diag.Pos { return diag.Pos{File: file} }
	}
	block := m.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	val := m.Value
	return func(off int) diag.Pos {
		if !block {
			return diag.Pos{File: file, Line: m.Line, Col: m.Column}
		}
		line := strings.Count(val[:min(off, len(val))], "\n")
		return diag.Pos{File: file, Line: m.Line + 1 + line}
	}
}

// finish fills the title, slug and scenarios and checks what every form needs.
func finish(s *ir.Soul, file string) (*ir.Soul, error) {
	if s.Title == "" {
		s.Title = strings.TrimSpace(s.Meta.Title)
		if p, ok := s.Meta.FieldPos["title"]; ok {
			s.TitlePos = p
		}
	}
	if s.Title == "" {
		return nil, diag.Errorf(diag.Pos{File: file, Line: 1}, "missing title: start the SOUL with a '# Title' heading or give metadata a title")
	}
	if s.Meta.Slug != "" {
		s.Slug = s.Meta.Slug
	}
	if s.Slug == "" {
		s.Slug = suggestSlug(s.Title)
	}
	if sec := s.Section("scenarios"); sec != nil {
		s.Scenarios = scenarios(sec)
	}
	if s.Scenarios == nil {
		s.Scenarios = []ir.Scenario{}
	}
	if s.Sections == nil {
		s.Sections = []ir.Section{}
	}
	return s, nil
}

func newSection(heading string, pos diag.Pos, items []ir.Item, markdown string) ir.Section {
	kind := ir.Custom
	if c, ok := atlas.Lookup(heading); ok {
		kind = c.ID
	}
	if items == nil {
		items = []ir.Item{}
	}
	return ir.Section{Heading: heading, Kind: kind, Pos: pos, Items: items, Markdown: markdown, Words: countWords(markdown)}
}

// scenarios reads the Scenarios section: one scenario per paragraph or list
// item (its bold or italic lead is the title), or one per subsection when the
// section uses ### headings.
func scenarios(sec *ir.Section) []ir.Scenario {
	var out []ir.Scenario
	bySub := map[string]int{}
	for _, it := range sec.Items {
		if it.Kind == ir.Code || it.Kind == ir.Raw {
			continue
		}
		if it.Subsection != "" {
			if i, ok := bySub[it.Subsection]; ok {
				out[i].Text = strings.TrimSpace(out[i].Text + "\n\n" + it.Text)
				continue
			}
			bySub[it.Subsection] = len(out)
			out = append(out, ir.Scenario{Title: it.Subsection, Text: it.Text, Pos: it.Pos})
			continue
		}
		out = append(out, ir.Scenario{Title: it.Title, Text: strings.TrimSpace(it.Body), Pos: it.Pos})
	}
	return out
}

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Expand turns command-line paths into SOUL paths: a folder that holds
// SOUL.md is one SOUL; a folder of such folders is every SOUL in it, sorted.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == source.Stdin {
			out = append(out, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			out = append(out, p)
			continue
		}
		if _, err := os.Stat(filepath.Join(p, "SOUL.md")); err == nil {
			out = append(out, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, diag.Errorf(diag.Pos{File: p}, "read folder: %v", err)
		}
		var found []string
		for _, e := range entries {
			sub := filepath.Join(p, e.Name())
			if e.IsDir() {
				if _, err := os.Stat(filepath.Join(sub, "SOUL.md")); err == nil {
					found = append(found, sub)
				}
			}
		}
		if len(found) == 0 {
			return nil, diag.Errorf(diag.Pos{File: p}, "folder holds no SOUL.md and no SOUL folders")
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// countWords counts whitespace-separated words, as the Atlas does, without
// allocating.
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}
