// Package ir is soulc's intermediate representation of a SOUL: typed metadata,
// sections in document order with their canonical kind, the items parsed from
// each section's Markdown, and the scenarios, each with its source position.
//
// Every later stage (lint, fit, render, emit, evals) reads only the IR, never
// the source again. The JSON form (`soulc inspect --json`) is a stable,
// versioned contract: fields are only ever added.
//
// It must not import cobra, go-openai, targets or evals.
package ir

import (
	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/diag"
)

// Version is the IR JSON schema version written by `soulc inspect --json`.
const Version = 1

// Pos is a place in a source file.
type Pos = diag.Pos

// Form names how a SOUL was supplied.
type Form string

const (
	FormFolder   Form = "folder"   // SOUL.md + metadata.yaml
	FormYAML     Form = "yaml"     // YAML export: metadata + sections[{heading, markdown}]
	FormJSON     Form = "json"     // JSON record: {slug, title, metadata, sections, computed}
	FormMarkdown Form = "markdown" // Markdown with YAML front matter, or a bare SOUL.md
)

// Soul is one loaded SOUL.
type Soul struct {
	Version  int       `json:"version"`
	Form     Form      `json:"form"`
	Source   string    `json:"source"` // the main file (SOUL.md, the .yaml/.json/.md file, or <stdin>)
	SHA256   string    `json:"sha256"` // of the input bytes, metadata file included
	Title    string    `json:"title"`
	TitlePos Pos       `json:"title_pos"`
	Slug     string    `json:"slug"`
	Meta     Metadata  `json:"metadata"`
	Preamble []Item    `json:"preamble,omitempty"` // content between the H1 and the first H2
	Sections []Section `json:"sections"`
	// Scenarios are parsed from the Scenarios section (empty when it is absent).
	Scenarios []Scenario `json:"scenarios"`
}

// Metadata is the typed form of metadata.yaml (or the export's front matter).
// Empty lists are nil so every input form yields the same value.
type Metadata struct {
	Present         bool             `json:"present"` // false for a bare SOUL.md
	Title           string           `json:"title,omitempty"`
	Slug            string           `json:"slug,omitempty"`
	Aliases         []string         `json:"aliases,omitempty"`
	Kind            string           `json:"kind,omitempty"`
	Category        string           `json:"category,omitempty"`
	Tags            []string         `json:"tags,omitempty"`
	Difficulty      string           `json:"difficulty,omitempty"`
	Summary         string           `json:"summary,omitempty"`
	Contributors    []string         `json:"contributors,omitempty"`
	Provenance      string           `json:"provenance,omitempty"`
	Origin          *Origin          `json:"source,omitempty"`
	LastReviewed    string           `json:"last_reviewed,omitempty"`
	Reviewers       []Reviewer       `json:"reviewers,omitempty"`
	Created         string           `json:"created,omitempty"`
	Updated         string           `json:"updated,omitempty"`
	Related         []Related        `json:"related,omitempty"`
	Specializations []string         `json:"specializations,omitempty"`
	CountryVariants []CountryVariant `json:"country_variants,omitempty"`
	Sources         []Reference      `json:"sources,omitempty"`
	Status          string           `json:"status,omitempty"`
	// Pos is where the metadata starts; FieldPos maps top-level keys to the
	// line of their value, for diagnostics.
	Pos      Pos            `json:"pos"`
	FieldPos map[string]Pos `json:"-"`
	// Node is the metadata as parsed, for schema checks with positions.
	Node *yaml.Node `json:"-"`
}

// Origin says where a federated SOUL came from (metadata `source`).
type Origin struct {
	Origin      string `yaml:"origin" json:"origin"`
	URL         string `yaml:"url" json:"url,omitempty"`
	Repo        string `yaml:"repo" json:"repo,omitempty"`
	License     string `yaml:"license" json:"license,omitempty"`
	Attribution string `yaml:"attribution" json:"attribution,omitempty"`
	Fetched     string `yaml:"fetched" json:"fetched,omitempty"`
}

// Reviewer is a person who checked the SOUL against practice.
type Reviewer struct {
	Name       string `yaml:"name" json:"name"`
	Credential string `yaml:"credential" json:"credential,omitempty"`
	Date       string `yaml:"date" json:"date,omitempty"`
}

// Related is a typed link to another SOUL.
type Related struct {
	Slug string `yaml:"slug" json:"slug"`
	Type string `yaml:"type" json:"type"`
	Note string `yaml:"note" json:"note,omitempty"`
}

// CountryVariant notes how the role differs in a region.
type CountryVariant struct {
	Region string `yaml:"region" json:"region"`
	Note   string `yaml:"note" json:"note"`
}

// Reference is a source the SOUL draws on.
type Reference struct {
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url,omitempty"`
	Kind  string `yaml:"kind" json:"kind,omitempty"`
}

// Custom is the Kind of a section whose heading is not canonical.
const Custom = "custom"

// Section is one H2 section in document order.
type Section struct {
	Heading string `json:"heading"` // as written
	// Kind is the canonical section id ("core-mission") or "custom".
	Kind  string `json:"kind"`
	Pos   Pos    `json:"pos"`
	Words int    `json:"words"`
	Items []Item `json:"items"`
	// Markdown is the section body as written (LF line endings, trimmed).
	Markdown string `json:"markdown"`
}

// ItemKind says what Markdown block an item came from.
type ItemKind string

const (
	Bullet    ItemKind = "bullet"    // an unordered list item
	Step      ItemKind = "step"      // an ordered list item
	Paragraph ItemKind = "paragraph" // prose
	Quote     ItemKind = "quote"     // a block quote
	Code      ItemKind = "code"      // a fenced or indented code block, kept verbatim
	Raw       ItemKind = "raw"       // anything else (tables, HTML), kept verbatim
)

// Item is one unit the fitter can keep, condense or drop: a list item or a
// paragraph. Text is the item's inline Markdown on one line (soft line breaks
// become spaces), so reflowed copies of the same SOUL give the same Text.
type Item struct {
	Kind ItemKind `json:"kind"`
	// Number is the list number of a Step.
	Number int `json:"number,omitempty"`
	// Title is the plain text of a bold lead ("**Name.** body"), without its
	// trailing punctuation; empty when the item has none.
	Title string `json:"title,omitempty"`
	// Lead is the Markdown of the lead as written, separator included
	// ("**Name.** "), so a renderer can reproduce the source exactly.
	Lead string `json:"lead,omitempty"`
	// Body is the Markdown after the lead (the whole Text when there is no lead).
	Body string `json:"body"`
	// Text is Lead + Body.
	Text string `json:"text"`
	// Subsection is the H3 (or deeper) heading the item sits under, if any.
	Subsection string `json:"subsection,omitempty"`
	// Children are nested list items, kept with their parent.
	Children []Item `json:"children,omitempty"`
	Pos      Pos    `json:"pos"`
}

// Scenario is one worked situation from the Scenarios section.
type Scenario struct {
	Title string `json:"title"` // empty when the scenario has no bold title
	Text  string `json:"text"`  // the scenario without its title
	Pos   Pos    `json:"pos"`
}

// Section returns the first section of the given canonical kind, or nil.
func (s *Soul) Section(kind string) *Section {
	for i := range s.Sections {
		if s.Sections[i].Kind == kind {
			return &s.Sections[i]
		}
	}
	return nil
}
