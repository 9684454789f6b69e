package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/soulc/soulc/compiler/diag"
	"github.com/soulc/soulc/compiler/lint"
	"github.com/soulc/soulc/compiler/load"
)

type lintOptions struct {
	load   loadFlags
	format string
	quiet  bool
	rules  bool
}

func newLintCmd(e *env) *cobra.Command {
	o := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint SOUL...",
		Short: "Check SOULs against the Atlas rules and for prompt hazards",
		Long: `Lint checks each SOUL against the SOUL Atlas's own rules (metadata schema,
required sections, minimum words, canonical order) and against soulc's rules for
text that becomes a system prompt (instructions aimed at the model, hidden HTML
comments, empty or untitled scenarios). A folder of SOUL folders lints them all.

Findings print as file:line:col: severity: message [CODE rule].
Exit 1 when any error is found, 2 when an input cannot be read.`,
		Example: "  soulc lint ../shared/atlas/souls\n  soulc lint --format json my-soul/ | jq .",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.rules {
				for _, r := range lint.Rules {
					fmt.Fprintf(e.stdout, "%s  %-28s %s\n", r.Code, r.Name, r.Doc)
				}
				return nil
			}
			if len(args) == 0 {
				return usageErr("soulc lint: missing SOUL path (see 'soulc lint --help')")
			}
			return runLint(e, o, args)
		},
	}
	o.load.register(cmd.Flags())
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text, json, github (workflow annotations)")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "only print errors")
	cmd.Flags().BoolVar(&o.rules, "rules", false, "list the rules and exit")
	return cmd
}

type lintResult struct {
	diags diag.List
	err   error
}

func runLint(e *env, o *lintOptions, args []string) error {
	switch o.format {
	case "text", "json", "github":
	default:
		return usageErr("--format: unknown format %q (use text, json or github)", o.format)
	}
	opt, err := o.load.options(e)
	if err != nil {
		return err
	}
	paths, err := load.Expand(args)
	if err != nil {
		return err
	}
	results := make([]lintResult, len(paths))
	g, _ := errgroup.WithContext(e.ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, p := range paths {
		g.Go(func() error {
			if err := e.ctx.Err(); err != nil {
				results[i].err = err
				return nil
			}
			s, err := load.Load(p, opt)
			if err != nil {
				results[i].err = err
				return nil
			}
			results[i].diags = lint.Check(s)
			return nil
		})
	}
	_ = g.Wait()

	var all diag.List
	inputErrors := 0
	for _, r := range results {
		if r.err != nil {
			var ie *diag.InputError
			if !errors.As(r.err, &ie) {
				return r.err
			}
			inputErrors++
			all = append(all, diag.Diagnostic{Pos: ie.Pos, Severity: diag.Error, Code: "SOUL000", Rule: "input", Message: ie.Msg})
			continue
		}
		for _, d := range r.diags {
			if o.quiet && d.Severity != diag.Error {
				continue
			}
			all = append(all, d)
		}
	}
	switch o.format {
	case "json":
		if all == nil {
			all = diag.List{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return err
		}
	case "github":
		for _, d := range all {
			fmt.Fprintln(e.stdout, githubAnnotation(d))
		}
	default:
		for _, d := range all {
			fmt.Fprintln(e.stdout, e.colorDiag(d))
		}
	}
	nErr, nWarn := all.Count(diag.Error), all.Count(diag.Warning)
	if o.format == "text" {
		fmt.Fprintf(e.stderr, "%d SOULs: %d errors, %d warnings\n", len(paths), nErr, nWarn)
	}
	switch {
	case inputErrors > 0:
		return &exitError{code: exitUsage}
	case nErr > 0:
		return &exitError{code: exitFindings}
	}
	return nil
}

func (e *env) colorDiag(d diag.Diagnostic) string {
	s := d.String()
	if !e.colorOn(e.stdout) {
		return s
	}
	code := colorCyan
	switch d.Severity {
	case diag.Error:
		code = colorRed
	case diag.Warning:
		code = colorYellow
	}
	label := d.Severity.String() + ":"
	return strings.Replace(s, label, e.styleOut(label, code), 1)
}

// githubAnnotation formats a finding as a GitHub Actions workflow command.
func githubAnnotation(d diag.Diagnostic) string {
	level := "notice"
	switch d.Severity {
	case diag.Error:
		level = "error"
	case diag.Warning:
		level = "warning"
	}
	esc := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	msg := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(d.Message)
	return fmt.Sprintf("::%s file=%s,line=%d,col=%d,title=%s::%s", level, esc.Replace(d.Pos.File), d.Pos.Line, d.Pos.Col, esc.Replace(d.Code+" "+d.Rule), msg)
}
