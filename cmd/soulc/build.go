package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/soulc/soulc/internal/build"
)

type buildOptions struct {
	file       string
	check      bool
	force      bool
	targetsDir string
	jobs       int
	quiet      bool
}

func newBuildCmd(e *env) *cobra.Command {
	o := &buildOptions{}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Compile every SOUL × target × format named in soulc.yaml",
		Long: `Build reads soulc.yaml (in the current folder or the nearest parent, or -f FILE):
which SOULs, targets, budgets and formats, the output folder and a path
pattern. It compiles in parallel and writes every output deterministically,
plus soulc.lock.json (input hashes, soulc version, output hashes, token
counts) next to soulc.yaml. Only files that changed are rewritten, each to a
temporary name and then renamed; outputs the previous lock listed that are no
longer built are removed.

Nothing is written when any output path would leave the output folder, or
when an existing file that soulc did not write (not in the lock) would be
replaced; --force replaces such files.

--check writes nothing: it lists every missing, stale or extra file (paths
relative to soulc.yaml) and exits 1, or prints "up to date". Use it in CI.
See docs/build.md.`,
		Example: `  soulc init && soulc build
  soulc build --check
  soulc build -f configs/soulc.yaml --targets-dir my-targets`,
		Args: exactArgs(0, "no arguments (the SOULs are listed in soulc.yaml)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBuild(e, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "", "config file (default: soulc.yaml in this folder or the nearest parent)")
	f.BoolVar(&o.check, "check", false, "write nothing; exit 1 listing every missing, stale or extra file")
	f.BoolVar(&o.force, "force", false, "replace existing files that soulc did not write")
	f.StringVar(&o.targetsDir, "targets-dir", "", "folder of user target YAML files (overrides targets_dir in soulc.yaml)")
	f.IntVarP(&o.jobs, "jobs", "j", 0, "parallel compiles (default: the number of CPUs)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "do not print emitter warnings or the summary")
	return cmd
}

// maxErrorLines bounds how many compile failures are listed.
const maxErrorLines = 20

func runBuild(e *env, o *buildOptions) error {
	if o.check && o.force {
		return usageErr("--check and --force cannot be used together")
	}
	if o.jobs < 0 {
		return usageErr("--jobs must be positive")
	}
	file := o.file
	if file == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		found, err := build.FindConfig(wd)
		if err != nil {
			return usageErr("%v", err)
		}
		file = found
		if rel, err := filepath.Rel(wd, found); err == nil {
			file = rel
		}
	}
	cfg, err := build.LoadConfig(file)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	plan, err := build.Prepare(e.ctx, cfg, build.Options{TargetsDir: o.targetsDir, Jobs: o.jobs, Version: soulcVersion()})
	if err != nil {
		var errs build.Errors
		if errors.As(err, &errs) && len(errs) > 1 {
			for i, err := range errs {
				if i == maxErrorLines {
					fmt.Fprintf(e.stderr, "%s ... and %d more\n", e.style("soulc:", colorRed), len(errs)-i)
					break
				}
				fmt.Fprintf(e.stderr, "%s %s\n", e.style("soulc:", colorRed), oneLine(err.Error()))
			}
			return &exitError{code: exitUsage, err: fmt.Errorf("build failed: %d SOULs or compiles failed; nothing was written", len(errs))}
		}
		return &exitError{code: exitUsage, err: err}
	}
	if !o.quiet {
		for _, w := range plan.Warnings {
			fmt.Fprintf(e.stderr, "%s %s\n", e.style("warning:", colorYellow), w)
		}
	}
	if o.check {
		probs, err := build.Check(plan)
		if err != nil {
			return err
		}
		for _, p := range probs {
			fmt.Fprintln(e.stdout, p)
		}
		if len(probs) > 0 {
			return &exitError{code: exitFindings, err: fmt.Errorf("build is not up to date: %d problem(s); run 'soulc build'", len(probs))}
		}
		fmt.Fprintf(e.stdout, "up to date (%d files)\n", len(plan.Files))
		return nil
	}
	rep, err := build.Write(e.ctx, plan, build.WriteOptions{Force: o.force})
	if err != nil {
		var fe *build.ForeignError
		if errors.As(err, &fe) {
			return &exitError{code: exitUsage, err: err}
		}
		return err
	}
	for _, r := range rep.Removed {
		fmt.Fprintf(e.stdout, "removed %s\n", r)
	}
	for _, k := range rep.Kept {
		fmt.Fprintf(e.stderr, "%s kept %s\n", e.style("warning:", colorYellow), k)
	}
	if !o.quiet {
		fmt.Fprintf(e.stdout, "built %d files in %s (%d written, %d unchanged, %d removed) from %d compiles\n",
			rep.Files, cfg.Out.S, len(rep.Wrote), rep.Unchanged, len(rep.Removed), plan.Compiles)
	}
	return nil
}
