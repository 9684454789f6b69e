// Package pipeline joins the stages that the CLI, the batch build and the
// eval runner all use: a target (targets/) becomes compile options
// (compiler/compile) with its layout template (templates/), and a compiled
// result becomes an output file (compiler/emit). It exists so that the
// compiler never imports targets, and so no command re-implements the join.
package pipeline

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/emit"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/targets"
	"github.com/soulc/soulc/templates"
)

// Options fills compile options from a target; base carries what the user
// set (priorities, include/exclude, a template override).
func Options(t targets.Target, base compile.Options) (compile.Options, error) {
	opt := base
	tok, err := t.Counter()
	if err != nil {
		return opt, err
	}
	opt.Target, opt.Family, opt.Tokenizer, opt.Exact, opt.Role = t.Name, t.Family, tok.Name(), tok.Exact(), t.Role
	opt.Count = tok.Count
	if ratio, base, ok := targets.EstimateRatio(tok.Name()); ok {
		// Item estimates come from the base encoding, scaled, so targets that
		// share it share the work; the prompt itself is counted by tok.
		if bt, err := targets.Get(base); err == nil {
			milli := int(ratio*1000 + 0.5)
			opt.BaseTokenizer, opt.BaseCount = base, bt.Count
			opt.Scale = func(n int) int { return (n*milli + 999) / 1000 }
		}
	}
	opt.Preamble = t.Overhead.Preamble
	opt.OverheadTokens = t.Overhead.Tokens
	opt.Style = compile.StyleMarkdown
	if t.Layout == "plain" {
		opt.Style = compile.StylePlain
	}
	if opt.Template == nil {
		tmpl, err := templates.Load(t.Layout, "")
		if err != nil {
			return opt, err
		}
		opt.Template = tmpl
	}
	return opt, nil
}

// ParseBudget reads a budget: a positive number, "full" (no limit), or
// empty (the target's default).
func ParseBudget(s string, t targets.Target) (int, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return t.DefaultBudget, nil
	case "full", "none", "0":
		return 0, nil
	}
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a token count (or \"full\")", s)
	}
	return n, nil
}

// Compile compiles s for target t at budget (0 = no limit).
func Compile(s *ir.Soul, t targets.Target, budget int, base compile.Options) (*compile.Result, error) {
	opt, err := Options(t, base)
	if err != nil {
		return nil, err
	}
	opt.Budget = budget
	res, err := compile.Compile(s, opt)
	var me *compile.MinimumError
	if errors.As(err, &me) {
		return nil, fmt.Errorf("%s: %w", s.Source, err)
	}
	if err != nil {
		return nil, fmt.Errorf("compile %s for %s: %w", s.Slug, t.Name, err)
	}
	return res, nil
}

// Emit writes a compiled result in a format (see emit.Formats).
func Emit(format string, res *compile.Result, s *ir.Soul, opt emit.Options) (emit.Output, error) {
	return emit.Emit(format, res, s, opt)
}
