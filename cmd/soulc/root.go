package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soulc/soulc/compiler/diag"
)

// Exit codes, documented in the README and `soulc help exit-codes`.
const (
	exitOK       = 0 // success
	exitFindings = 1 // lint errors, stale build, evals below threshold
	exitUsage    = 2 // bad flags or bad input
	exitRun      = 3 // an eval run could not finish
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func soulcVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// exitError carries an exit code with an error that was already reported,
// or a message still to print.
type exitError struct {
	code int
	err  error // nil when everything was already printed
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr marks a usage mistake (exit 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// env is what every command needs from the outside world; tests swap it.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// run executes the CLI and returns the exit code. It is the only place that
// prints errors and decides the code, so tests can run the CLI in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitUsage
	var ee *exitError
	var ie *diag.InputError
	switch {
	case errors.As(err, &ee):
		code = ee.code
		if ee.err == nil {
			return code
		}
		err = ee.err
	case errors.As(err, &ie):
		code = exitUsage
	case errors.Is(err, context.Canceled):
		code = exitRun
	}
	fmt.Fprintf(stderr, "%s %s\n", e.style("soulc:", colorRed), oneLine(err.Error()))
	return code
}

// oneLine keeps an error to a single line, as every error soulc prints is.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "soulc",
		Short: "Compile expert personas (SOULs) into system prompts, agent files and evals",
		Long: `soulc compiles SOULs — written-down ways of thinking of expert practitioners —
into system prompts for specific models within exact token budgets, into files
that agent tools read, and into persona evals.

Exit codes: 0 ok; 1 findings (lint errors, stale build, evals below threshold);
2 usage or input error; 3 an eval run could not finish.
Set NO_COLOR to disable colour.`,
		Version:       soulcVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("soulc {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr("%v (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(
		newInspectCmd(e),
		newLintCmd(e),
		newCompileCmd(e),
		newTargetsCmd(e),
		newCountCmd(e),
		newBuildCmd(e),
		newInitCmd(e),
		newEvalsCmd(e),
		newEvalCmd(e),
	)
	return root
}

// args validators that report usage errors with exit 2.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErr("%s: missing %s (see '%s --help')", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr("%s: expects %s (see '%s --help')", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}
