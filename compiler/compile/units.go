package compile

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/soulc/soulc/compiler/ir"
)

// Style is how item lines are written: "markdown" keeps the SOUL's inline
// Markdown; "plain" drops emphasis markers and uses plain subsection labels.
type Style string

const (
	StyleMarkdown Style = "markdown"
	StylePlain    Style = "plain"
)

// section is one section that may appear in the prompt.
type section struct {
	heading  string
	kind     string
	priority int
	units    []int // indexes into units
}

// unit is one top-level item with its graded renderings.
type unit struct {
	section    int
	index      int
	name       string // "Section / Title" for reports
	kind       ir.ItemKind
	subsection string
	notches    []string // cumulative renderings; the last is the whole item
	fidelity   []float64
	hasTitle   bool
}

func (u *unit) block() bool {
	return u.kind != ir.Bullet && u.kind != ir.Step
}

// buildUnits cuts the SOUL into sections and units, applying include,
// exclude and priorities. Sections with priority 0 are left out.
func buildUnits(s *ir.Soul, opt *Options) ([]section, []unit) {
	var secs []section
	var units []unit
	add := func(heading, kind string, items []ir.Item) {
		key := kind
		if kind == ir.Custom {
			key = strings.ToLower(heading)
		}
		if len(opt.Include) > 0 && !slices.Contains(opt.Include, key) && kind != "core-mission" {
			return
		}
		if slices.Contains(opt.Exclude, key) && kind != "core-mission" {
			return
		}
		p := sectionPriority(kind, heading, opt.Priorities)
		if p == 0 && kind != "core-mission" {
			return
		}
		sec := section{heading: heading, kind: kind, priority: p}
		si := len(secs)
		n := 0
		for _, it := range items {
			notches, fid, titled := renderNotches(it, opt.Style)
			if len(notches) == 0 {
				continue
			}
			n++
			name := heading + " / " + it.Title
			if it.Title == "" {
				name = fmt.Sprintf("%s #%d", heading, n)
			}
			sec.units = append(sec.units, len(units))
			units = append(units, unit{section: si, index: n - 1, name: name, kind: it.Kind, subsection: it.Subsection, notches: notches, fidelity: fid, hasTitle: titled})
		}
		if len(sec.units) > 0 {
			secs = append(secs, sec)
		}
	}
	if len(s.Preamble) > 0 {
		add("Overview", "preamble", s.Preamble)
	}
	for _, sec := range s.Sections {
		add(sec.Heading, sec.Kind, sec.Items)
	}
	return secs, units
}

// titleFidelity is how much of an item its bold title alone conveys.
const titleFidelity = 0.15

// renderNotches returns an item's renderings from smallest to whole:
// title only (when it has a bold title), then one, two, ... sentences, the
// last with nested items. Each is a complete line (or block) as printed.
func renderNotches(it ir.Item, style Style) ([]string, []float64, bool) {
	prefix := ""
	switch it.Kind {
	case ir.Bullet:
		prefix = "- "
	case ir.Step:
		prefix = fmt.Sprintf("%d. ", max(it.Number, 1))
	case ir.Quote:
		prefix = "> "
	case ir.Code, ir.Raw:
		if strings.TrimSpace(it.Text) == "" {
			return nil, nil, false
		}
		return []string{it.Text}, []float64{1}, false
	}
	var notches []string
	var lens []int
	titled := it.Title != ""
	if titled {
		t := "**" + it.Title + "**"
		if style == StylePlain {
			t = it.Title
		}
		notches = append(notches, styleLine(prefix+t, style))
		lens = append(lens, 0)
	}
	sents := Sentences(it.Body)
	for k := 1; k <= len(sents); k++ {
		notches = append(notches, styleLine(prefix+it.Lead+strings.Join(sents[:k], " "), style))
		lens = append(lens, len(strings.Join(sents[:k], " ")))
	}
	if len(sents) == 0 && !titled {
		return nil, nil, false
	}
	if len(sents) == 0 { // a lead with no body
		notches[len(notches)-1] = styleLine(prefix+strings.TrimSpace(it.Lead), style)
	}
	if len(it.Children) > 0 {
		var b strings.Builder
		b.WriteString(notches[len(notches)-1])
		writeChildren(&b, it.Children, "  ", style)
		notches = append(notches, b.String())
		lens = append(lens, lens[len(lens)-1]+childLen(it.Children))
	}
	// Fidelity: a title conveys some of the item; sentences the rest, with
	// diminishing returns (the first sentence says the most).
	base := 0.0
	if titled {
		base = titleFidelity
	}
	total := max(lens[len(lens)-1], 1)
	fid := make([]float64, len(notches))
	for j := range notches {
		if titled && j == 0 {
			fid[j] = base
			continue
		}
		fid[j] = base + (1-base)*math.Sqrt(float64(lens[j])/float64(total))
	}
	fid[len(fid)-1] = 1
	return notches, fid, titled
}

func writeChildren(b *strings.Builder, children []ir.Item, indent string, style Style) {
	for _, c := range children {
		notches, _, _ := renderNotches(c, style)
		if len(notches) == 0 {
			continue
		}
		for _, line := range strings.Split(notches[len(notches)-1], "\n") {
			b.WriteString("\n")
			b.WriteString(indent)
			b.WriteString(line)
		}
	}
}

func childLen(children []ir.Item) int {
	n := 0
	for _, c := range children {
		n += len(c.Text) + childLen(c.Children)
	}
	return n
}

func styleLine(s string, style Style) string {
	if style == StylePlain {
		s = strings.ReplaceAll(s, "**", "")
	}
	return s
}
