package load

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/ir"
)

// posFunc maps a byte offset in a Markdown chunk to a source position.
type posFunc func(offset int) diag.Pos

// mdDoc is a Markdown document split at its headings.
type mdDoc struct {
	title    string
	titlePos diag.Pos
	hasTitle bool
	preamble []ir.Item
	sections []mdSection
}

type mdSection struct {
	heading  string
	pos      diag.Pos
	items    []ir.Item
	markdown string
}

var md = goldmark.New()

// parseMarkdown parses src with goldmark and splits it: the first H1 is the
// title, each H2 (or a later H1) starts a section, deeper headings name the
// subsection of the items under them.
func parseMarkdown(src string, pos posFunc) mdDoc {
	source := []byte(src)
	root := md.Parser().Parse(text.NewReader(source))
	p := &mdParser{src: source, pos: pos}
	var doc mdDoc
	var cur *mdSection
	var bodyStart int
	closeSection := func(end int) {
		if cur != nil {
			cur.markdown = strings.TrimSpace(src[min(bodyStart, end):end])
			doc.sections = append(doc.sections, *cur)
			cur = nil
		}
	}
	subsection := ""
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			title := p.plain(h)
			start := p.lineStart(firstOffset(h, len(source)))
			switch {
			case h.Level == 1 && !doc.hasTitle && cur == nil:
				doc.title, doc.titlePos, doc.hasTitle = title, p.headingPos(h), true
				continue
			case h.Level <= 2:
				closeSection(start)
				cur = &mdSection{heading: title, pos: p.headingPos(h)}
				bodyStart = p.lineEnd(lastOffset(h))
				subsection = ""
				continue
			default:
				subsection = title
				continue
			}
		}
		items := p.blockItems(n, subsection)
		if cur == nil {
			doc.preamble = append(doc.preamble, items...)
		} else {
			cur.items = append(cur.items, items...)
		}
	}
	closeSection(len(src))
	return doc
}

type mdParser struct {
	src []byte
	pos posFunc
}

// blockItems turns one top-level block into items.
func (p *mdParser) blockItems(n ast.Node, subsection string) []ir.Item {
	switch n := n.(type) {
	case *ast.List:
		return p.listItems(n, subsection)
	case *ast.Paragraph:
		it := p.textItem(n, ir.Paragraph)
		it.Subsection = subsection
		return []ir.Item{it}
	case *ast.Blockquote:
		var parts []string
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Lines().Len() > 0 {
				parts = append(parts, p.joined(c).text)
			}
		}
		t := strings.Join(parts, " ")
		if t == "" {
			return nil
		}
		return []ir.Item{{Kind: ir.Quote, Body: t, Text: t, Subsection: subsection, Pos: p.pos(firstOffset(n, len(p.src)))}}
	case *ast.ThematicBreak:
		return nil
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return []ir.Item{p.verbatim(n, ir.Code, subsection)}
	default:
		it := p.verbatim(n, ir.Raw, subsection)
		if strings.TrimSpace(it.Text) == "" {
			return nil
		}
		return []ir.Item{it}
	}
}

func (p *mdParser) listItems(l *ast.List, subsection string) []ir.Item {
	var out []ir.Item
	num := l.Start
	for c := l.FirstChild(); c != nil; c = c.NextSibling() {
		li, ok := c.(*ast.ListItem)
		if !ok {
			continue
		}
		kind := ir.Bullet
		if l.IsOrdered() {
			kind = ir.Step
		}
		var it ir.Item
		var extra []string
		first := true
		for b := li.FirstChild(); b != nil; b = b.NextSibling() {
			switch b := b.(type) {
			case *ast.List:
				it.Children = append(it.Children, p.listItems(b, "")...)
			default:
				if b.Lines().Len() == 0 {
					continue
				}
				if first {
					it = p.textItem(b, kind)
					first = false
				} else if _, isCode := b.(*ast.FencedCodeBlock); isCode {
					extra = append(extra, p.verbatim(b, ir.Code, "").Text)
				} else {
					extra = append(extra, p.joined(b).text)
				}
			}
		}
		if first { // an empty list item
			it = ir.Item{Kind: kind, Pos: p.pos(firstOffset(li, len(p.src)))}
		}
		if len(extra) > 0 {
			it.Body = strings.TrimSpace(it.Body + " " + strings.Join(extra, " "))
			it.Text = it.Lead + it.Body
		}
		if l.IsOrdered() {
			it.Number = num
			num++
		}
		it.Subsection = subsection
		out = append(out, it)
	}
	return out
}

// verbatim keeps a block's source as written (code, HTML, tables).
func (p *mdParser) verbatim(n ast.Node, kind ir.ItemKind, subsection string) ir.Item {
	start := firstOffset(n, len(p.src))
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(p.src))
	}
	t := strings.TrimRight(b.String(), "\n")
	if fc, ok := n.(*ast.FencedCodeBlock); ok {
		info := ""
		if fc.Info != nil {
			info = string(fc.Info.Segment.Value(p.src))
		}
		t = "```" + info + "\n" + t + "\n```"
	}
	return ir.Item{Kind: kind, Body: t, Text: t, Subsection: subsection, Pos: p.pos(start)}
}

// joinedText is a block's inline Markdown on one line, with a map from source
// offsets to offsets in the joined text.
type joinedText struct {
	text string
	segs []segMap
}

type segMap struct{ src, joined, n int }

func (p *mdParser) joined(n ast.Node) joinedText {
	var j joinedText
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		raw := string(seg.Value(p.src))
		lead := len(raw) - len(strings.TrimLeft(raw, " \t"))
		t := strings.TrimSpace(raw)
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		j.segs = append(j.segs, segMap{src: seg.Start + lead, joined: b.Len(), n: len(t)})
		b.WriteString(t)
	}
	j.text = b.String()
	return j
}

// toJoined maps a source offset into the joined text (-1 when outside).
func (j joinedText) toJoined(off int) int {
	for _, s := range j.segs {
		if off >= s.src && off <= s.src+s.n {
			return s.joined + (off - s.src)
		}
	}
	return -1
}

// textItem builds an item from a paragraph-like block, splitting off a bold
// (or italic, when it ends a sentence) lead such as "**Name.** body".
func (p *mdParser) textItem(n ast.Node, kind ir.ItemKind) ir.Item {
	j := p.joined(n)
	it := ir.Item{Kind: kind, Body: j.text, Text: j.text, Pos: p.pos(firstOffset(n, len(p.src)))}
	em, ok := n.FirstChild().(*ast.Emphasis)
	if !ok || len(j.text) == 0 {
		return it
	}
	title := strings.TrimSpace(p.plain(em))
	if title == "" {
		return it
	}
	if em.Level == 1 && !strings.ContainsAny(title[len(title)-1:], ".:?!") {
		return it // an italic word at the start of prose, not a title
	}
	lastStop := lastOffset(em)
	at := j.toJoined(lastStop)
	if at < 0 {
		return it
	}
	delim := strings.Repeat(j.text[:1], em.Level)
	end := strings.Index(j.text[at:], delim)
	if end < 0 {
		return it
	}
	end += at + len(delim)
	// The separator: spaces, then ". : — – -" punctuation, then spaces.
	k := end
	for k < len(j.text) && j.text[k] == ' ' {
		k++
	}
	for _, sep := range []string{"—", "–", "-", ":", "."} {
		if strings.HasPrefix(j.text[k:], sep) {
			k += len(sep)
			break
		}
	}
	for k < len(j.text) && j.text[k] == ' ' {
		k++
	}
	it.Title = strings.TrimRight(title, ".:;,— ")
	it.Lead = j.text[:k]
	it.Body = j.text[k:]
	return it
}

// plain is the text content of an inline subtree (code spans included).
func (p *mdParser) plain(n ast.Node) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(p.src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

func (p *mdParser) headingPos(h *ast.Heading) diag.Pos {
	pos := p.pos(p.lineStart(firstOffset(h, len(p.src))))
	return pos
}

func (p *mdParser) lineStart(off int) int {
	for off > 0 && p.src[off-1] != '\n' {
		off--
	}
	return off
}

func (p *mdParser) lineEnd(off int) int {
	for off < len(p.src) && p.src[off] != '\n' {
		off++
	}
	return off
}

// firstOffset is the source offset of the first byte of n's content.
func firstOffset(n ast.Node, def int) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if o := firstOffset(c, -1); o >= 0 {
			return o
		}
	}
	return def
}

// lastOffset is the source offset just past n's last text.
func lastOffset(n ast.Node) int {
	last := 0
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if t, ok := c.(*ast.Text); ok && t.Segment.Stop > last {
			last = t.Segment.Stop
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			if s := c.Lines().At(c.Lines().Len() - 1).Stop; s > last {
				last = s
			}
		}
		return ast.WalkContinue, nil
	})
	return last
}
