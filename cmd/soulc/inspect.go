package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/soulc/soulc/compiler/ir"
)

type inspectOptions struct {
	load loadFlags
	json bool
}

func newInspectCmd(e *env) *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect SOUL",
		Short: "Show what soulc read from a SOUL (or the IR as JSON)",
		Long: `Inspect loads one SOUL — an Atlas folder, a .yaml/.json/.md export, a bare
SOUL.md, or - for standard input — and prints a summary of its sections, items,
words and scenarios. With --json it prints the intermediate representation
(IR) every other command works from; its schema is documented in
docs/ir.md and versioned by the "version" field.`,
		Example: "  soulc inspect examples/ai-safety-researcher\n  cat x.yaml | soulc inspect - --json | jq '.scenarios[].title'",
		Args:    exactArgs(1, "one SOUL path (or - for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := loadOne(e, &o.load, args[0])
			if err != nil {
				return err
			}
			if o.json {
				return writeJSON(e.stdout, s)
			}
			printSummary(e.stdout, s)
			return nil
		},
	}
	o.load.register(cmd.Flags())
	cmd.Flags().BoolVar(&o.json, "json", false, "print the IR as JSON")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func countItems(items []ir.Item) int {
	n := 0
	for _, it := range items {
		n += 1 + countItems(it.Children)
	}
	return n
}

func printSummary(w io.Writer, s *ir.Soul) {
	fmt.Fprintf(w, "%s (%s)\n", s.Title, s.Slug)
	fmt.Fprintf(w, "form: %s  source: %s\n", s.Form, s.Source)
	if s.Meta.Present {
		var parts []string
		for _, kv := range [][2]string{{"kind", s.Meta.Kind}, {"category", s.Meta.Category}, {"difficulty", s.Meta.Difficulty}, {"status", s.Meta.Status}, {"provenance", s.Meta.Provenance}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+" "+kv[1])
			}
		}
		fmt.Fprintf(w, "metadata: %s\n", strings.Join(parts, ", "))
	} else {
		fmt.Fprintln(w, "metadata: none (free-form persona)")
	}
	words, custom := 0, 0
	for _, sec := range s.Sections {
		words += sec.Words
		if sec.Kind == ir.Custom {
			custom++
		}
	}
	fmt.Fprintf(w, "sections: %d (%d canonical, %d custom), %d words\n\n", len(s.Sections), len(s.Sections)-custom, custom, words)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tSECTION\tKIND\tITEMS\tWORDS")
	for _, sec := range s.Sections {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\n", sec.Pos.Line, sec.Heading, sec.Kind, countItems(sec.Items), sec.Words)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nscenarios: %d\n", len(s.Scenarios))
	for _, sc := range s.Scenarios {
		t := sc.Title
		if t == "" {
			t = "(untitled) " + clipText(sc.Text, 60)
		}
		fmt.Fprintf(w, "  %d  %s\n", sc.Pos.Line, t)
	}
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
