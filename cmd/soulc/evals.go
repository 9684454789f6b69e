package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/evals/provider"
	"github.com/soulc/soulc/internal/atomicfile"
)

func newEvalsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evals",
		Short: "Build eval cases from a SOUL's Scenarios, check them, and export them",
		Long: `The evals commands turn a SOUL's Scenarios into eval cases a person can read,
review and edit (evals/<slug>.yaml; format in evals/cases/FORMAT.md), check
them, and export them for promptfoo, Inspect or openai/evals. Run them with
'soulc eval'.`,
	}
	cmd.AddCommand(newEvalsExtractCmd(e), newEvalsLintCmd(e), newEvalsExportCmd(e))
	return cmd
}

type extractOptions struct {
	load     loadFlags
	out      string
	variants []string
	model    string
	endpoint string
	baseURL  string
	timeout  time.Duration
	asJSON   bool
}

func newEvalsExtractCmd(e *env) *cobra.Command {
	o := &extractOptions{}
	cmd := &cobra.Command{
		Use:   "extract SOUL",
		Short: "Turn a SOUL's Scenarios into eval cases (deterministic, or --model)",
		Long: `Extract splits each scenario into the situation (the case input, phrased as
the person in it would bring it) and the expert's response (the reference),
derives 3–6 observable rubric criteria and must_not criteria from the
response, and writes a case file. With no --model it is deterministic and
offline. With --model it asks any OpenAI-compatible model for better splits
and rubrics, validates each reply against the schema, retries once, and
falls back to the deterministic case for that scenario with a warning; every
case records which generator produced it.`,
		Example: `  soulc evals extract examples/ai-safety-researcher -o evals/ai-safety-researcher.yaml
  soulc evals extract x/ --variants pressure,obfuscated,roleplay,multiturn
  soulc evals extract x/ --model gpt-4o-mini -o evals/x.yaml   # OPENAI_API_KEY from the environment`,
		Args: exactArgs(1, "one SOUL path"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExtract(e, o, args[0])
		},
	}
	o.load.register(cmd.Flags())
	f := cmd.Flags()
	f.StringVarP(&o.out, "output", "o", "", "write the case file here (default stdout)")
	f.StringSliceVar(&o.variants, "variants", nil, "adversarial variants: "+strings.Join(cases.VariantKinds, ","))
	f.StringVar(&o.model, "model", "", "extract with this model instead of the deterministic rules")
	f.StringVar(&o.endpoint, "endpoint", "openai", "provider preset for --model (openai, ollama, vllm, llamacpp, lmstudio, openrouter, azure, anthropic, gemini)")
	f.StringVar(&o.baseURL, "base-url", "", "OpenAI-compatible base URL (overrides the preset and OPENAI_BASE_URL)")
	f.DurationVar(&o.timeout, "timeout", 2*time.Minute, "per-request timeout for --model")
	f.BoolVar(&o.asJSON, "json", false, "write JSON instead of YAML")
	return cmd
}

func runExtract(e *env, o *extractOptions, path string) error {
	for _, v := range o.variants {
		if !slices.Contains(cases.VariantKinds, v) {
			return usageErr("--variants: unknown kind %q (use %s)", v, strings.Join(cases.VariantKinds, ", "))
		}
	}
	s, err := loadOne(e, &o.load, path)
	if err != nil {
		return err
	}
	opt := cases.ExtractOptions{Variants: o.variants}
	var cf *cases.CaseFile
	var warns []cases.Warning
	if o.model == "" {
		cf, warns, err = cases.Extract(s, opt)
	} else {
		client, cerr := newProviderChat(e, o.endpoint, o.baseURL, o.model, o.timeout)
		if cerr != nil {
			return usageErr("%v", cerr)
		}
		cf, warns, err = cases.ExtractWithModel(e.ctx, client, o.model, s, opt)
	}
	if errors.Is(err, cases.ErrNoScenarios) {
		return &exitError{code: exitFindings, err: err}
	}
	if err != nil {
		return err
	}
	for _, w := range warns {
		fmt.Fprintf(e.stderr, "%s %s\n", e.style("warning:", colorYellow), w)
	}
	var data []byte
	if o.asJSON {
		data, err = cf.JSON()
	} else {
		data, err = cf.YAML()
	}
	if err != nil {
		return err
	}
	if o.out == "" {
		_, err = e.stdout.Write(data)
		return err
	}
	return atomicfile.Write(o.out, data, 0o644)
}

// providerChat adapts evals/provider (retries, explicit temperature 0,
// redacted errors) to the cases.ChatClient interface.
type providerChat struct {
	c *provider.Client
}

func newProviderChat(e *env, endpoint, baseURL, model string, timeout time.Duration) (*providerChat, error) {
	ep, err := provider.ResolveEndpoint(endpoint, baseURL, model, e.getenv)
	if err != nil {
		return nil, err
	}
	c, err := provider.NewClient(ep, provider.Options{RequestTimeout: timeout, Getenv: e.getenv})
	if err != nil {
		return nil, err
	}
	return &providerChat{c: c}, nil
}

func (p *providerChat) CompleteJSON(ctx context.Context, req cases.ChatRequest) (string, error) {
	msgs := make([]provider.Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = provider.Message{Role: m.Role, Content: m.Content}
	}
	zero := 0.0
	resp, err := p.c.Complete(ctx, provider.Request{Model: req.Model, Messages: msgs, Params: provider.Params{
		Temperature: &zero,
		JSONSchema:  &provider.JSONSchema{Name: req.SchemaName, Schema: req.Schema, Strict: false},
	}})
	if err != nil {
		return "", err
	}
	return resp.Content, nil
}

func newEvalsLintCmd(e *env) *cobra.Command {
	var asJSON, rules, strict bool
	cmd := &cobra.Command{
		Use:   "lint CASEFILE...",
		Short: "Check case files: schema errors and weak cases, with file:line",
		Long: `Lint checks case files against the schema (evals/schema/cases.schema.json) and
for weak cases: a rubric item that restates the input, an input that leaks the
expert's answer, duplicate ids, rubric sizes outside 3–6. Exit 1 on errors
(and on warnings with --strict).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if rules {
				for _, r := range cases.LintRules {
					fmt.Fprintf(e.stdout, "%s  %-26s %s\n", r.Code, r.Name, r.Doc)
				}
				return nil
			}
			if len(args) == 0 {
				return usageErr("soulc evals lint: missing CASEFILE (see 'soulc evals lint --help')")
			}
			var all []cases.Finding
			for _, p := range args {
				data, err := readLimited(p, e.stdin)
				if err != nil {
					return err
				}
				all = append(all, cases.Lint(p, data)...)
			}
			if asJSON {
				if all == nil {
					all = []cases.Finding{}
				}
				if err := writeJSON(e.stdout, all); err != nil {
					return err
				}
			} else {
				for _, f := range all {
					fmt.Fprintln(e.stdout, f)
				}
			}
			for _, f := range all {
				if f.Severity == "error" || (strict && f.Severity == "warning") {
					return &exitError{code: exitFindings}
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print findings as JSON")
	cmd.Flags().BoolVar(&rules, "rules", false, "list the rules and exit")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 on warnings too")
	return cmd
}

// readLimited reads a case file (or stdin for "-") with the default size limit.
func readLimited(path string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", path, errors.Unwrap(err))}
		}
		defer f.Close()
		r = f
	}
	const limit = 8 << 20
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, usageErr("%s: larger than 8 MiB", path)
	}
	return data, nil
}

func newEvalsExportCmd(e *env) *cobra.Command {
	var format, system string
	var providers []string
	var noVariants bool
	cmd := &cobra.Command{
		Use:   "export CASEFILE --format promptfoo|inspect|openai-evals",
		Short: "Export cases for promptfoo, Inspect or openai/evals (to stdout)",
		Long: `Export writes a case file in a format other eval tools run: promptfoo (a
promptfooconfig.yaml with llm-rubric asserts; SOUL text containing {{ never
becomes a template), inspect (Inspect dataset JSONL: input, target, id,
metadata) or openai-evals (JSONL samples). Variants become extra rows with
ids <id>--<kind>.`,
		Example: "  soulc evals export evals/x.yaml --format promptfoo --system prompt.txt > promptfooconfig.yaml",
		Args:    exactArgs(1, "one CASEFILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(cases.Formats, format) {
				return usageErr("--format: unknown format %q (use %s)", format, strings.Join(cases.Formats, ", "))
			}
			data, err := readLimited(args[0], e.stdin)
			if err != nil {
				return err
			}
			cf, err := cases.Parse(data)
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", args[0], err)}
			}
			opt := cases.ExportOptions{Providers: providers, NoVariants: noVariants}
			if system != "" {
				b, err := readLimited(system, e.stdin)
				if err != nil {
					return err
				}
				opt.System = strings.TrimRight(string(b), "\n")
			}
			return cases.Export(cf, format, e.stdout, opt)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "promptfoo, inspect or openai-evals")
	cmd.Flags().StringVar(&system, "system", "", "a compiled persona prompt FILE (or -) to use as the system message")
	cmd.Flags().StringArrayVar(&providers, "provider", nil, "promptfoo provider id (repeatable)")
	cmd.Flags().BoolVar(&noVariants, "no-variants", false, "leave variants out")
	_ = cmd.MarkFlagRequired("format")
	return cmd
}
