package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/soulc/soulc/compiler/source"
	"github.com/soulc/soulc/targets"
)

func newTargetsCmd(e *env) *cobra.Command {
	var asJSON bool
	var dir string
	cmd := &cobra.Command{
		Use:   "targets",
		Short: "List the model targets: tokenizer, exactness, layout, role, budget",
		Long: `Targets lists every built-in target (and any from --targets-dir): its
tokenizer and whether counts are exact or a documented conservative estimate,
the layout template, the message role, the context window, the default budget
and the fixed overhead counted against it.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := targets.NewRegistry()
			if dir != "" {
				if err := reg.LoadDir(dir); err != nil {
					return &exitError{code: exitUsage, err: err}
				}
			}
			all := reg.All()
			if asJSON {
				return writeJSON(e.stdout, all)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TARGET\tFAMILY\tTOKENIZER\tCOUNT\tLAYOUT\tROLE\tCONTEXT\tBUDGET\tOVERHEAD")
			for _, t := range all {
				count := "exact"
				if !t.Exact {
					count = "estimated"
				}
				ctx := "?"
				if t.ContextWindow > 0 {
					ctx = fmt.Sprint(t.ContextWindow)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", t.Name, t.Family, t.Tokenizer, count, t.Layout, t.Role, ctx, t.DefaultBudget, t.Overhead.Tokens)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().StringVar(&dir, "targets-dir", "", "folder of user target YAML files")
	return cmd
}

func newCountCmd(e *env) *cobra.Command {
	var target, encoding, maxSize string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "count [-t TARGET | -e ENCODING] FILE... | -",
		Short: "Count tokens in any text with the counter the compiler uses",
		Long: `Count prints the token count of each file (and a total) with a target's
tokenizer (-t) or a named encoding (-e: o200k_base, cl100k_base, or an
estimate such as claude-estimate). Counts are of the text alone: a target's
fixed overhead is not added. Estimated counts are marked.`,
		Example: "  soulc compile x -t claude | soulc count -t claude -\n  soulc count -e cl100k_base prompt.txt",
		Args:    minArgs(1, "FILE or -"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if target != "" && encoding != "" {
				return usageErr("give -t TARGET or -e ENCODING, not both")
			}
			name := encoding
			if target != "" || name == "" {
				if target == "" {
					target = "openai"
				}
				t, err := targets.NewRegistry().Lookup(target)
				if err != nil {
					return usageErr("%v", err)
				}
				name = t.Tokenizer
			}
			tok, err := targets.Get(name)
			if err != nil {
				return usageErr("%v", err)
			}
			limit, err := parseSize(maxSize)
			if err != nil {
				return usageErr("--max-size: %v", err)
			}
			type row struct {
				File   string `json:"file"`
				Tokens int    `json:"tokens"`
			}
			var rows []row
			total := 0
			for _, p := range args {
				f, err := source.Read(p, e.stdin, limit)
				if err != nil {
					return err
				}
				n := tok.Count(f.Text)
				rows = append(rows, row{f.Path, n})
				total += n
			}
			if asJSON {
				return writeJSON(e.stdout, map[string]any{"tokenizer": tok.Name(), "exact": tok.Exact(), "files": rows, "total": total})
			}
			mark := ""
			if !tok.Exact() {
				mark = " (estimated)"
			}
			for _, r := range rows {
				fmt.Fprintf(e.stdout, "%8d  %s\n", r.Tokens, r.File)
			}
			fmt.Fprintf(e.stdout, "%8d  total, %s%s\n", total, tok.Name(), mark)
			return nil
		},
	}
	cmd.Flags().StringVarP(&target, "target", "t", "", "count as this target does (default openai)")
	cmd.Flags().StringVarP(&encoding, "encoding", "e", "", "count with this tokenizer: "+strings.Join(targets.Names(), ", "))
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().StringVar(&maxSize, "max-size", "8MiB", "largest input file accepted")
	return cmd
}
