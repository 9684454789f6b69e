package compile

import (
	"bytes"
	"strings"
	"text/template"
)

// Data is what a layout template receives. Its fields are a documented
// contract (docs/templates.md): add, never rename.
type Data struct {
	Title    string
	Slug     string
	Summary  string
	Preamble string // the target's required first line, e.g. "Formatting re-enabled"
	Sections []SectionData
}

// SectionData is one kept section.
type SectionData struct {
	Heading string
	Kind    string // canonical id or "custom"
	// Body is the section's kept items, already written one per line in the
	// target's style.
	Body string
}

// bodySize is the exact length body will have, so it allocates once.
func (r *renderer) bodySize(sec section, st state) int {
	n := 0
	for _, ui := range sec.units {
		if lvl := st[ui]; lvl > 0 {
			n += len(r.units[ui].notches[lvl-1]) + 2 + len(r.units[ui].subsection) + 6
		}
	}
	return n
}

// state is how far each unit is rendered (0 = dropped).
type state []int

// renderer renders states through a template.
type renderer struct {
	tmpl  *template.Template
	style Style
	base  Data
	secs  []section
	units []unit
	buf   bytes.Buffer // reused across renders: Reset keeps its capacity
}

func (r *renderer) data(st state) Data {
	d := r.base
	d.Sections = nil
	for _, sec := range r.secs {
		body := r.body(sec, st)
		if body == "" {
			continue
		}
		d.Sections = append(d.Sections, SectionData{Heading: sec.heading, Kind: sec.kind, Body: body})
	}
	return d
}

// body writes a section's kept items: list items one per line, blocks
// (paragraphs, quotes, code) set off by blank lines, subsection labels where
// the subsection changes.
func (r *renderer) body(sec section, st state) string {
	var b strings.Builder
	b.Grow(r.bodySize(sec, st))
	sub := ""
	prevBlock := false
	first := true
	for _, ui := range sec.units {
		lvl := st[ui]
		if lvl == 0 {
			continue
		}
		u := &r.units[ui]
		if u.subsection != sub && u.subsection != "" {
			if !first {
				b.WriteString("\n\n")
			}
			if r.style == StylePlain {
				b.WriteString(u.subsection + ":")
			} else {
				b.WriteString("### " + u.subsection)
			}
			b.WriteString("\n\n")
			first = true
		}
		sub = u.subsection
		if !first {
			if prevBlock || u.block() {
				b.WriteString("\n\n")
			} else {
				b.WriteString("\n")
			}
		}
		b.WriteString(u.notches[lvl-1])
		prevBlock, first = u.block(), false
	}
	return b.String()
}

func (r *renderer) render(d Data) (string, error) {
	r.buf.Reset()
	if err := r.tmpl.Execute(&r.buf, d); err != nil {
		return "", err
	}
	return string(bytes.TrimSpace(r.buf.Bytes())), nil
}
