// Package atlas embeds the SOUL Atlas's own format definitions (MIT, see
// LICENSE in this folder): the canonical section list with minimum word counts
// (sections.json) and the JSON Schemas for metadata and the full record.
// Copied from the SOUL Atlas (github.com/soul-atlas/soul-atlas.github.io,
// commit f70f58e) so lint works with no network and no ../shared checkout.
package atlas

import (
	_ "embed"
	"encoding/json"
	"strings"
	"unicode"

	"github.com/soulc/soulc/internal/suggest"
)

//go:embed sections.json
var sectionsJSON []byte

//go:embed metadata.schema.json
var metadataSchema []byte

//go:embed soul.schema.json
var soulSchema []byte

// MetadataSchema is the Atlas's metadata.schema.json.
func MetadataSchema() []byte { return metadataSchema }

// SoulSchema is the Atlas's soul.schema.json (the full JSON record).
func SoulSchema() []byte { return soulSchema }

// Section is one canonical H2 section of a SOUL.md.
type Section struct {
	Heading  string `json:"heading"`
	ID       string `json:"id"`
	Required bool   `json:"required"`
	MinWords int    `json:"minWords"`
	Order    int    `json:"order"`
}

var sections = func() []Section {
	var doc struct {
		Sections []Section `json:"sections"`
	}
	if err := json.Unmarshal(sectionsJSON, &doc); err != nil {
		panic("atlas: embedded sections.json is invalid: " + err.Error())
	}
	for i := range doc.Sections {
		doc.Sections[i].ID = Slugify(doc.Sections[i].Heading)
		doc.Sections[i].Order = i
	}
	return doc.Sections
}()

// Sections returns the canonical sections in their required order.
func Sections() []Section { return append([]Section(nil), sections...) }

// Lookup finds the canonical section for a heading, ignoring case, spacing,
// punctuation and "&" versus "and", so "Anti-Patterns" and "anti patterns" match.
func Lookup(heading string) (Section, bool) {
	key := fold(heading)
	for _, s := range sections {
		if fold(s.Heading) == key {
			return s, true
		}
	}
	return Section{}, false
}

// ByID returns the canonical section with the given id ("core-mission").
func ByID(id string) (Section, bool) {
	for _, s := range sections {
		if s.ID == id {
			return s, true
		}
	}
	return Section{}, false
}

// Suggest returns the canonical heading closest to heading, for "did you mean"
// hints, or "" when nothing is close.
func Suggest(heading string) string {
	key := fold(heading)
	best, bestD := "", 1<<30
	for _, s := range sections {
		d := suggest.Distance(key, fold(s.Heading))
		if d < bestD {
			best, bestD = s.Heading, d
		}
	}
	if bestD <= max(2, len(key)/4) {
		return best
	}
	return ""
}

func fold(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Slugify turns a heading into a lower-case kebab id.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
