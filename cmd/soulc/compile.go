package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/emit"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/internal/atomicfile"
	"github.com/soulc/soulc/internal/pipeline"
	"github.com/soulc/soulc/targets"
	"github.com/soulc/soulc/templates"
)

type compileOptions struct {
	load       loadFlags
	targets    []string
	budget     string
	out        string
	format     string
	explain    bool
	template   string
	targetsDir string
	priority   []string
	include    []string
	exclude    []string
	all        string
	model      string
	cache      bool
	strict     bool
}

func newCompileCmd(e *env) *cobra.Command {
	o := &compileOptions{}
	cmd := &cobra.Command{
		Use:   "compile SOUL -t TARGET",
		Short: "Compile a SOUL into a system prompt for a model within a token budget",
		Long: `Compile fits a SOUL into the token budget of a target model family and renders
it in the layout that family follows best. The budget covers what the model is
sent (message framing and injected headers included) and is never exceeded, as
counted by the target's tokenizer; counts marked "estimated" come from a
documented conservative estimate where no offline tokenizer exists.

The prompt goes to stdout (for pipes) or -o FILE. --explain prints, on stderr,
what each section kept, condensed and dropped. Several targets (-t openai,claude)
need -o DIR or --format json. --all DIR -o OUTDIR compiles every SOUL in DIR.`,
		Example: `  soulc compile examples/ai-safety-researcher -t claude -b 1000
  soulc compile x.yaml -t openai --format json | jq .tokens
  soulc compile x/ -t openai,claude,gemini -o prompts/
  soulc compile --all souls/ -t llama3 -o out/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.all == "" && len(args) != 1 {
				return usageErr("soulc compile: expects one SOUL path, or --all DIR (see 'soulc compile --help')")
			}
			if o.all != "" && len(args) != 0 {
				return usageErr("soulc compile: give either a SOUL path or --all DIR, not both")
			}
			return runCompile(e, o, args)
		},
	}
	f := cmd.Flags()
	o.load.register(f)
	f.StringSliceVarP(&o.targets, "target", "t", nil, "target(s), comma-separated (see 'soulc targets')")
	f.StringVarP(&o.budget, "budget", "b", "", "token budget, or \"full\" for no limit (default: the target's)")
	f.StringVarP(&o.out, "output", "o", "", "write to FILE (one target) or into DIR (several targets or --all)")
	f.StringVar(&o.format, "format", "text", "output format: "+strings.Join(emit.Names(), ", "))
	f.StringVar(&o.model, "model", "", "model id written into API bodies and agent files (default: per format)")
	f.BoolVar(&o.cache, "cache", false, "anthropic: mark the system prompt with cache_control")
	f.BoolVar(&o.strict, "strict", false, "refuse instead of rewriting text a receiving tool would misread")
	f.BoolVar(&o.explain, "explain", false, "print per-section tokens kept and dropped, and the overhead, on stderr")
	f.StringVar(&o.template, "template", "", "layout template FILE overriding the target's (text/template; see docs/templates.md)")
	f.StringVar(&o.targetsDir, "targets-dir", "", "folder of user target YAML files")
	f.StringArrayVar(&o.priority, "priority", nil, "section priority, e.g. \"Mental Models=90\" (0 drops the section); repeatable")
	f.StringSliceVar(&o.include, "include", nil, "only these sections (Core Mission always stays)")
	f.StringSliceVar(&o.exclude, "exclude", nil, "drop these sections")
	f.StringVar(&o.all, "all", "", "compile every SOUL folder in DIR (needs -o OUTDIR)")
	_ = cmd.MarkFlagRequired("target")
	return cmd
}

// compileJob is one SOUL × target.
type compileJob struct {
	soul   *ir.Soul
	target targets.Target
}

func runCompile(e *env, o *compileOptions, args []string) error {
	if _, err := emit.Lookup(o.format); err != nil {
		return usageErr("--format: %v", err)
	}
	reg := targets.NewRegistry()
	if o.targetsDir != "" {
		if err := reg.LoadDir(o.targetsDir); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	}
	var tgts []targets.Target
	for _, name := range o.targets {
		t, err := reg.Lookup(strings.TrimSpace(name))
		if err != nil {
			return usageErr("%v", err)
		}
		tgts = append(tgts, t)
	}
	base, err := compileBase(o)
	if err != nil {
		return err
	}
	opt, err := o.load.options(e)
	if err != nil {
		return err
	}
	var souls []*ir.Soul
	if o.all != "" {
		if o.out == "" {
			return usageErr("--all needs -o OUTDIR")
		}
		paths, err := load.Expand([]string{o.all})
		if err != nil {
			return err
		}
		for _, p := range paths {
			s, err := load.Load(p, opt)
			if err != nil {
				return err
			}
			souls = append(souls, s)
		}
	} else {
		s, err := load.Load(args[0], opt)
		if err != nil {
			return err
		}
		souls = append(souls, s)
	}
	multi := len(souls) > 1 || len(tgts) > 1
	if multi && o.out == "" && o.format != "json" {
		return usageErr("several targets need -o DIR or --format json (stdout holds one output)")
	}
	var results []*compile.Result
	var outs []emit.Output
	for _, s := range souls {
		for _, t := range tgts {
			res, err := compileOne(s, t, base, o)
			if err != nil {
				return err
			}
			out, err := emit.Emit(o.format, res, s, emit.Options{Model: o.model, Cache: o.cache, Strict: o.strict})
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("%s: %s: %w", s.Source, o.format, err)}
			}
			for _, w := range out.Warnings {
				fmt.Fprintf(e.stderr, "%s %s → %s: %s\n", e.style("warning:", colorYellow), s.Slug, t.Name, w)
			}
			results = append(results, res)
			outs = append(outs, out)
			if o.explain {
				printExplain(e.stderr, res, t)
			}
		}
	}
	return writeResults(e, o, results, outs, multi)
}

// compileBase turns the flags shared by every target into options.
func compileBase(o *compileOptions) (compile.Options, error) {
	var base compile.Options
	pr, err := compile.ParsePriorities(o.priority)
	if err != nil {
		return base, usageErr("--priority: %v", err)
	}
	base.Priorities = pr
	for _, s := range o.include {
		base.Include = append(base.Include, compile.SectionKey(s))
	}
	for _, s := range o.exclude {
		base.Exclude = append(base.Exclude, compile.SectionKey(s))
	}
	if o.template != "" {
		t, err := templates.LoadFile(o.template)
		if err != nil {
			return base, usageErr("--template: %v", err)
		}
		base.Template = t
	}
	return base, nil
}

func compileOne(s *ir.Soul, t targets.Target, base compile.Options, o *compileOptions) (*compile.Result, error) {
	budget, err := pipeline.ParseBudget(o.budget, t)
	if err != nil {
		return nil, usageErr("--budget: %v", err)
	}
	res, err := pipeline.Compile(s, t, budget, base)
	var me *compile.MinimumError
	if errors.As(err, &me) {
		return nil, &exitError{code: exitUsage, err: err}
	}
	return res, err
}

// writeResults writes one output to stdout or -o FILE, or every output
// under -o DIR as DIR/<slug>/<target>/<the format's file name>.
func writeResults(e *env, o *compileOptions, results []*compile.Result, outs []emit.Output, multi bool) error {
	switch {
	case o.out == "" && multi && o.format == "json":
		return writeJSON(e.stdout, results)
	case o.out == "" && multi:
		return usageErr("several outputs need -o DIR (or --format json)")
	case o.out == "":
		_, err := e.stdout.Write(outs[0].Data)
		return err
	case !multi:
		return atomicfile.Write(o.out, outs[0].Data, 0o644)
	}
	for i, r := range results {
		p := filepath.Join(o.out, r.Soul.Slug, r.Target, filepath.FromSlash(outs[i].Path))
		if err := atomicfile.Write(p, outs[i].Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func printExplain(w io.Writer, r *compile.Result, t targets.Target) {
	est := "exact"
	if !r.Exact {
		est = "estimated"
	}
	budget := strconv.Itoa(r.Budget)
	if r.Budget == 0 {
		budget = "full"
	}
	fmt.Fprintf(w, "%s → %s (%s, %s, %s count)\n", r.Soul.Slug, r.Target, r.Family, r.Tokenizer, est)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SECTION\tPRIO\tITEMS\tKEPT\tCONDENSED\tDROPPED\tTOKENS KEPT\tOF FULL\t")
	for _, s := range r.Sections {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", s.Heading, s.Priority, s.Items, s.Kept, s.Condensed, s.Dropped, s.KeptTokens, s.FullTokens)
	}
	tw.Flush()
	fmt.Fprintf(w, "body %d + overhead %d = %d of budget %s", r.BodyTokens, r.OverheadTokens, r.Tokens, budget)
	if r.Budget > 0 {
		fmt.Fprintf(w, " (%.1f%% used)", 100*float64(r.Tokens)/float64(r.Budget))
	}
	fmt.Fprintln(w)
	if r.NextItem != "" {
		fmt.Fprintf(w, "next: %q would be added at -b %d\n", r.NextItem, r.NextBudget)
	}
	if t.Overhead.Notes != "" {
		fmt.Fprintf(w, "overhead: %s\n", t.Overhead.Notes)
	}
	fmt.Fprintln(w)
}
