package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/evals/judge"
	"github.com/soulc/soulc/evals/provider"
	"github.com/soulc/soulc/evals/report"
	"github.com/soulc/soulc/evals/results"
	"github.com/soulc/soulc/evals/runner"
	"github.com/soulc/soulc/targets"
)

// evalOptions are the flags of `soulc eval`.
type evalOptions struct {
	load          loadFlags
	target        string
	model         string
	provider      string
	baseURL       string
	judgeModel    string
	judgeProvider string
	judgeBaseURL  string
	samples       int
	budgets       string
	baseline      string
	variants      bool
	jobs          int
	out           string
	temperature   float64
	maxTokens     int
	seed          int
	threshold     float64
	minPass       float64
	minLift       float64
	calThreshold  float64
	timeout       time.Duration
	retries       int
	rpm           float64
	judgeRPM      float64
	cacheDir      string
	noCache       bool
	resume        bool
	replay        bool
	force         bool
	dryRun        bool
	maxCost       float64
	shard         string
	prices        []string
	progress      string
}

func newEvalCmd(e *env) *cobra.Command {
	o := &evalOptions{}
	cmd := &cobra.Command{
		Use:   "eval SOUL|CASEFILE... -t TARGET --model M",
		Short: "Run persona evals against an OpenAI-compatible API",
		Long: `Eval asks each case of each SOUL under every condition — the persona compiled
for TARGET at each --budgets value, and a --baseline (no system prompt, or a
generic "helpful assistant") — --samples times, grades every answer with a
rubric judge, and reports per-case pass rates with Wilson 95% intervals, the
persona's lift over the baseline (paired bootstrap), a budget curve and the drop
on reworded variants. A SOUL's cases come from its Scenarios (deterministic
extraction); a case file (evals/<slug>.yaml) replaces them for its SOUL, which
is found next to it or among the arguments.

Outputs in --out: results.jsonl (one line per request, streamed), results.json
(summary and statistics) and, when built in, junit.xml, summary.md, report.html.

Responses are cached by content (--cache), so re-runs and --resume after Ctrl-C
pay nothing twice; --replay uses the cache only. The first Ctrl-C finishes the
requests in flight and keeps them; a second one aborts.

Exit codes: 0 gates met; 1 --min-pass/--min-lift not met; 2 usage or input
error; 3 the run could not finish (interrupted, --max-cost reached, replay miss,
requests that failed after retries — --resume retries them). See docs/evals.md.`,
		Example: `  soulc eval examples/ai-safety-researcher -t openai --model gpt-4o-mini --dry-run
  soulc eval souls/ -t openai --model gpt-4o-mini --budgets 512,2048,full --min-lift 0
  soulc eval x/ -t llama3 --provider ollama --model llama3.1 --judge-model none
  soulc eval souls/ -t openai --model m --shard 2/4 --out shard-2 && soulc eval merge shard-* --out all`,
		Args: minArgs(1, "SOUL or case file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(e, cmd, o, args)
		},
	}
	f := cmd.Flags()
	o.load.register(f)
	f.StringVarP(&o.target, "target", "t", "", "target model family the persona is compiled for (see 'soulc targets')")
	f.StringVar(&o.model, "model", "", "model under test")
	f.StringVar(&o.provider, "provider", "openai", "endpoint preset: openai, ollama, vllm, llamacpp, lmstudio, openrouter, azure, anthropic, gemini, or a name with --base-url")
	f.StringVar(&o.baseURL, "base-url", "", "OpenAI-compatible base URL (beats OPENAI_BASE_URL and the preset)")
	f.StringVar(&o.judgeModel, "judge-model", "", "judge model (default: --model); \"none\" collects answers without grading")
	f.StringVar(&o.judgeProvider, "judge-provider", "", "judge endpoint preset (default: --provider)")
	f.StringVar(&o.judgeBaseURL, "judge-base-url", "", "judge base URL (default: --base-url)")
	f.IntVar(&o.samples, "samples", 5, "samples per case and condition")
	f.StringVar(&o.budgets, "budgets", "", "persona budgets, e.g. 512,2048,full (default: the target's budget)")
	f.StringVar(&o.baseline, "baseline", "none", "baseline condition: none (no system prompt), generic (\"You are a helpful assistant.\"), off")
	f.BoolVar(&o.variants, "variants", false, "also ask every case's reworded variants (pressure, obfuscated, roleplay, multiturn)")
	f.IntVarP(&o.jobs, "jobs", "j", 8, "requests in flight at once")
	f.StringVar(&o.out, "out", "soulc-eval", "output directory")
	f.Float64Var(&o.temperature, "temperature", 0.7, "sampling temperature of the model under test (0 is sent as 0; the judge always uses 0)")
	f.IntVar(&o.maxTokens, "max-tokens", 1024, "answer length limit (0 sends none)")
	f.IntVar(&o.seed, "seed", 0, "base seed: sample i is sent seed+i (default: no seed sent)")
	f.Float64Var(&o.threshold, "threshold", judge.DefaultThreshold, "share of rubric criteria an answer must meet to pass")
	f.Float64Var(&o.minPass, "min-pass", 0, "gate: every persona condition passes at least this share and no persona case FAILs (exit 1 otherwise)")
	f.Float64Var(&o.minLift, "min-lift", 0, "gate: the persona's lift over the baseline, 95% interval entirely above this (exit 1 otherwise)")
	f.Float64Var(&o.calThreshold, "calibration-threshold", runner.DefaultCalibrationThreshold, "rate both judge controls must reach for the judge to count as reliable")
	f.DurationVar(&o.timeout, "timeout", 120*time.Second, "per-request timeout (each attempt)")
	f.IntVar(&o.retries, "retries", 5, "retries per request after the first attempt")
	f.Float64Var(&o.rpm, "rpm", 0, "requests-per-minute limit for the model (0: none)")
	f.Float64Var(&o.judgeRPM, "judge-rpm", 0, "requests-per-minute limit for the judge (0: none)")
	f.StringVar(&o.cacheDir, "cache", "", "response cache directory (default: <user cache dir>/soulc/responses)")
	f.BoolVar(&o.noCache, "no-cache", false, "neither read nor write the response cache")
	f.BoolVar(&o.resume, "resume", false, "continue the run in --out, skipping work already recorded")
	f.BoolVar(&o.replay, "replay", false, "answer only from the cache; a miss stops the run (exit 3)")
	f.BoolVar(&o.force, "force", false, "overwrite results already in --out")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the number of requests and the estimated cost, send nothing")
	f.Float64Var(&o.maxCost, "max-cost", 0, "stop scheduling before spending would pass this many USD (results kept, exit 3)")
	f.StringVar(&o.shard, "shard", "", "run part i of n of the cases (i/n, 1-based); join with 'soulc eval merge'")
	f.StringArrayVar(&o.prices, "price", nil, "price of a model in USD per million tokens, MODEL=IN/OUT (repeatable)")
	f.StringVar(&o.progress, "progress", "auto", "progress display: auto, bar, plain, none")
	cmd.AddCommand(newEvalMergeCmd(e))
	return cmd
}

// evalSetup is everything runEval prepared before sending anything.
type evalSetup struct {
	suites []runner.Suite
	opt    runner.Options
}

func runEval(e *env, cmd *cobra.Command, o *evalOptions, args []string) error {
	runner.LimitMemory()
	if o.target == "" {
		return usageErr("soulc eval: missing -t TARGET (see 'soulc eval --help')")
	}
	if o.model == "" {
		return usageErr("soulc eval: missing --model (see 'soulc eval --help')")
	}
	if o.samples < 1 || o.jobs < 1 || o.retries < 0 || o.maxTokens < 0 || o.maxCost < 0 || o.timeout <= 0 {
		return usageErr("soulc eval: --samples and -j must be at least 1; --retries, --max-tokens, --max-cost not negative; --timeout positive")
	}
	if o.threshold <= 0 || o.threshold > 1 || o.calThreshold < 0 || o.calThreshold > 1 {
		return usageErr("soulc eval: --threshold must be in (0,1], --calibration-threshold in [0,1]")
	}
	if o.replay && o.noCache {
		return usageErr("soulc eval: --replay needs the cache; drop --no-cache")
	}
	if o.judgeModel == "none" && (cmd.Flags().Changed("min-pass") || cmd.Flags().Changed("min-lift")) {
		// Without a judge nothing is graded, so a gate could never be met:
		// refuse before sending anything rather than fail after paying.
		return usageErr("soulc eval: --min-pass and --min-lift need a judge; drop them or --judge-model none")
	}
	if o.resume && o.force {
		return usageErr("soulc eval: --resume and --force contradict each other")
	}
	switch o.progress {
	case "auto", "bar", "plain", "none":
	default:
		return usageErr("--progress: %q is not auto, bar, plain or none", o.progress)
	}
	shard, err := runner.ParseShard(o.shard)
	if err != nil {
		return usageErr("--shard: %v", err)
	}
	prices := runner.DefaultPrices()
	for _, p := range o.prices {
		name, pr, err := runner.ParsePrice(p)
		if err != nil {
			return usageErr("--price: %v", err)
		}
		prices[name] = pr
	}
	tgt, err := targets.NewRegistry().Lookup(o.target)
	if err != nil {
		return usageErr("%v", err)
	}
	budgets, err := runner.ParseBudgets(o.budgets, tgt)
	if err != nil {
		return usageErr("--budgets: %v", err)
	}
	switch o.baseline {
	case runner.BaselineNone, runner.BaselineGeneric, runner.BaselineOff:
	default:
		return usageErr("--baseline: %q is not none, generic or off", o.baseline)
	}
	suites, err := evalSuites(e, o, tgt, budgets, args)
	if err != nil {
		return err
	}

	judgeModel := o.judgeModel
	if judgeModel == "" {
		judgeModel = o.model
	}
	graded := judgeModel != "none"
	var budgetNames []string
	for _, b := range budgets {
		budgetNames = append(budgetNames, runner.BudgetName(b))
	}
	params := provider.Params{Temperature: provider.Float64(o.temperature), MaxTokens: o.maxTokens}
	if cmd.Flags().Changed("seed") {
		params.Seed = provider.Int(o.seed)
	}
	cfg := results.Config{
		Target: tgt.Name, Model: o.model, JudgeModel: judgeModel, Samples: o.samples, Budgets: budgetNames,
		Baseline: o.baseline, Shard: shard.String(),
		Params: results.Params{Temperature: params.Temperature, MaxTokens: params.MaxTokens, Seed: params.Seed},
	}
	if o.variants {
		cfg.Variants = cases.VariantKinds
	}
	opt := runner.Options{
		ModelName: o.model, Params: params, Concurrency: o.jobs, OutDir: o.out,
		Resume: o.resume, Force: o.force, MaxCost: o.maxCost, Prices: prices,
		Plan: runner.PlanOptions{Samples: o.samples, Variants: o.variants, Calibration: true, Shard: shard},
		Summary: runner.SummaryOptions{
			Config: cfg, SoulcVersion: soulcVersion(), CalibrationThreshold: o.calThreshold,
		},
		Reports: evalReports(),
	}
	if cmd.Flags().Changed("min-pass") {
		v := o.minPass
		opt.Summary.MinPass = &v
		opt.Summary.CaseThreshold = v
	}
	if cmd.Flags().Changed("min-lift") {
		v := o.minLift
		opt.Summary.MinLift = &v
	}
	judgeParams := provider.Params{Temperature: provider.Float64(0), Seed: provider.Int(0), MaxTokens: runner.JudgeMaxTokens}
	if graded {
		opt.Judge = &judge.Judge{Model: judgeModel, Threshold: o.threshold, Params: judgeParams}
	}

	if o.maxCost > 0 {
		models := []string{o.model}
		if graded {
			models = append(models, judgeModel)
		}
		if unknown := prices.Unknown(models...); len(unknown) > 0 {
			return usageErr("--max-cost needs a price for %s: set --price MODEL=IN/OUT (USD per million tokens)", strings.Join(unknown, ", "))
		}
	}
	if o.dryRun {
		printEstimate(e.stdout, runner.EstimateRun(suites, opt), o, len(suites))
		return nil
	}

	mode := provider.ReadWrite
	switch {
	case o.noCache:
		mode = provider.Off
	case o.replay:
		mode = provider.Replay
	}
	cacheDir := o.cacheDir
	if cacheDir == "" && mode != provider.Off {
		d, err := os.UserCacheDir()
		if err != nil {
			return usageErr("no user cache directory (%v): give --cache DIR or --no-cache", err)
		}
		cacheDir = filepath.Join(d, "soulc", "responses")
	}
	cache, err := provider.OpenCache(cacheDir, mode)
	if err != nil {
		return usageErr("--cache: %v", err)
	}
	popt := provider.Options{
		Cache: cache, Concurrency: o.jobs, RequestTimeout: o.timeout, MaxAttempts: o.retries + 1,
		RequestsPerMinute: o.rpm, Getenv: e.getenv,
	}
	ep, err := provider.ResolveEndpoint(o.provider, o.baseURL, o.model, e.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	mc, err := provider.NewClient(ep, popt)
	if err != nil {
		return usageErr("%v", err)
	}
	opt.Model, opt.Endpoint = mc, runner.SanitizeURL(ep.BaseURL)
	opt.Summary.Config.Endpoint = opt.Endpoint
	if graded {
		jp, jurl := o.judgeProvider, o.judgeBaseURL
		if jp == "" {
			jp = o.provider
		}
		if jurl == "" && o.judgeProvider == "" {
			jurl = o.baseURL
		}
		jep, err := provider.ResolveEndpoint(jp, jurl, judgeModel, e.getenv)
		if err != nil {
			return usageErr("judge: %v", err)
		}
		jopt := popt
		jopt.RequestsPerMinute = o.judgeRPM
		jc, err := provider.NewClient(jep, jopt)
		if err != nil {
			return usageErr("judge: %v", err)
		}
		opt.Judge.Client, opt.JudgeEndpoint = jc, runner.SanitizeURL(jep.BaseURL)
	}
	return evalExecute(e, o, &evalSetup{suites: suites, opt: opt})
}

// evalExecute runs the eval with progress and Ctrl-C handling, prints the
// summary and decides the exit code.
func evalExecute(e *env, o *evalOptions, s *evalSetup) error {
	pr := newEvalProgress(e, o.progress)
	s.opt.Progress = pr.update

	// The first Ctrl-C (e.ctx cancelled by main) stops scheduling and lets
	// in-flight requests finish, so nothing paid for is lost; a second one
	// aborts them.
	stop := make(chan struct{})
	hard, hardCancel := context.WithCancel(context.WithoutCancel(e.ctx))
	defer hardCancel()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-e.ctx.Done():
		case <-finished:
			return
		}
		close(stop)
		pr.note("interrupted: finishing the requests in flight (Ctrl-C again to abort them)")
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sig)
		select {
		case <-sig:
			hardCancel()
		case <-finished:
		}
	}()
	s.opt.Stop = stop

	out, err := runner.Run(hard, s.suites, s.opt)
	pr.done()
	if err != nil {
		if errors.Is(err, runner.ErrOutExists) {
			return usageErr("--out %v", err)
		}
		if out == nil {
			return &exitError{code: exitRun, err: err}
		}
	}
	sum := out.Summary
	if out.Dropped > 0 {
		fmt.Fprintf(e.stderr, "%s --resume: %d recorded item(s) are not part of this run's plan (different flags?) and were dropped; their answers stay in the cache\n",
			e.style("warning:", colorYellow), out.Dropped)
	}
	printEvalSummary(e.stdout, sum, o.out)
	if err != nil {
		return &exitError{code: exitRun, err: err}
	}
	return evalExit(sum, out, s.opt.MaxCost, o.out)
}

// evalExit maps a finished (or stopped) run to the exit code.
func evalExit(sum *runner.SummaryFile, out *runner.Outcome, maxCost float64, dir string) error {
	t := sum.Totals
	switch t.Stopped {
	case runner.StoppedReplayMiss:
		return &exitError{code: exitRun, err: fmt.Errorf("--replay: %d request(s) not in the cache (first: %s); run without --replay to record them", out.ReplayMisses, out.FirstMiss)}
	case runner.StoppedMaxCost:
		return &exitError{code: exitRun, err: fmt.Errorf("stopped by --max-cost $%.2f after $%.4f: results so far kept in %s; raise the cap and add --resume", maxCost, t.CostUSD, dir)}
	case runner.StoppedInterrupted:
		return &exitError{code: exitRun, err: fmt.Errorf("interrupted: results so far kept in %s; add --resume to continue", dir)}
	}
	if t.Errors > 0 {
		return &exitError{code: exitRun, err: fmt.Errorf("%d request(s) failed after retries (see results.jsonl); add --resume to retry them", t.Errors)}
	}
	if !sum.Gate.Met {
		return &exitError{code: exitFindings}
	}
	return nil
}

// evalReports returns the writer of junit.xml, summary.md and report.html.
func evalReports() func(dir string, sum *results.Summary, recordsPath string) error {
	return report.WriteAll
}

// evalSuites loads the arguments: SOULs (cases extracted) and case files
// (which replace extraction for their SOUL).
func evalSuites(e *env, o *evalOptions, tgt targets.Target, budgets []int, args []string) ([]runner.Suite, error) {
	lopt, err := o.load.options(e)
	if err != nil {
		return nil, err
	}
	type entry struct {
		soul *ir.Soul
		cf   *cases.CaseFile
	}
	var order []string
	bySlug := map[string]*entry{}
	addSoul := func(s *ir.Soul) *entry {
		en := bySlug[s.Slug]
		if en == nil {
			en = &entry{}
			bySlug[s.Slug] = en
			order = append(order, s.Slug)
		}
		if en.soul == nil {
			en.soul = s
		}
		return en
	}
	var caseFiles []string
	var soulPaths []string
	for _, a := range args {
		if isCaseFile(a) {
			caseFiles = append(caseFiles, a)
		} else {
			soulPaths = append(soulPaths, a)
		}
	}
	paths, err := load.Expand(soulPaths)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		s, err := load.Load(p, lopt)
		if err != nil {
			return nil, err
		}
		addSoul(s)
	}
	for _, p := range caseFiles {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, usageErr("case file: %v", err)
		}
		cf, err := cases.Parse(data)
		if err != nil {
			return nil, usageErr("%s: %v", p, err)
		}
		en := bySlug[cf.Soul]
		if en == nil {
			s, err := findSoulFor(p, cf.Soul, lopt)
			if err != nil {
				return nil, err
			}
			en = addSoul(s)
		}
		if en.cf != nil {
			return nil, usageErr("%s: a second case file for SOUL %q", p, cf.Soul)
		}
		if cf.SourceSHA256 != "" && cf.SourceSHA256 != en.soul.SHA256 {
			fmt.Fprintf(e.stderr, "%s %s: the SOUL changed since these cases were extracted (source_sha256 differs)\n", e.style("warning:", colorYellow), p)
		}
		en.cf = cf
	}
	var kinds []string
	if o.variants {
		kinds = cases.VariantKinds
	}
	var suites []runner.Suite
	for _, slug := range order {
		en := bySlug[slug]
		cf := en.cf
		if cf == nil {
			cf, _, err = cases.Extract(en.soul, cases.ExtractOptions{Variants: kinds})
			if errors.Is(err, cases.ErrNoScenarios) && len(paths) > 1 {
				fmt.Fprintf(e.stderr, "%s %s: no Scenarios, skipped\n", e.style("warning:", colorYellow), en.soul.Source)
				continue
			}
			if err != nil {
				return nil, usageErr("%v", err)
			}
		}
		st, err := runner.NewSuite(en.soul, cf, runner.PrepareOptions{Target: tgt, Budgets: budgets, Baseline: o.baseline, Compile: compile.Options{}})
		if err != nil {
			return nil, &exitError{code: exitUsage, err: err}
		}
		suites = append(suites, st)
	}
	if len(suites) == 0 {
		return nil, usageErr("soulc eval: no cases to run")
	}
	return suites, nil
}

// isCaseFile reports whether path is a YAML/JSON file shaped like an eval
// case file (top-level "soul" and "cases"); a SOUL may also be .yaml/.json.
func isCaseFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
	default:
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var top map[string]any
	if yaml.Unmarshal(data, &top) != nil {
		return false
	}
	_, hasSoul := top["soul"]
	_, hasCases := top["cases"]
	return hasSoul && hasCases
}

// findSoulFor looks for the SOUL of a case file: the file's folder or the
// folder above it (evals/<slug>.yaml inside the SOUL folder).
func findSoulFor(casePath, slug string, lopt load.Options) (*ir.Soul, error) {
	dir := filepath.Dir(casePath)
	for _, d := range []string{dir, filepath.Dir(dir), filepath.Join(filepath.Dir(dir), slug), filepath.Join(dir, slug)} {
		if _, err := os.Stat(filepath.Join(d, "SOUL.md")); err != nil {
			continue
		}
		s, err := load.Load(d, lopt)
		if err != nil {
			return nil, err
		}
		if s.Slug == slug {
			return s, nil
		}
	}
	return nil, usageErr("%s: cannot find SOUL %q next to it; pass the SOUL folder as an argument too", casePath, slug)
}

func printEstimate(w io.Writer, est runner.Estimate, o *evalOptions, souls int) {
	fmt.Fprintf(w, "dry run: %d SOUL(s), %d work items\n", souls, est.Items)
	fmt.Fprintf(w, "  requests: %d to the model, %d to the judge (each judge reply that cannot be parsed adds one retry)\n", est.ModelRequests, est.JudgeRequests)
	fmt.Fprintf(w, "  tokens (upper bound): %d prompt, %d completion (answers at max_tokens %d, judge replies at %d)\n",
		est.PromptTokens, est.CompletionTokens, evalMaxTokens(o.maxTokens), runner.JudgeMaxTokens)
	fmt.Fprintf(w, "  estimated cost: at most $%.4f", est.CostUSD)
	if len(est.UnknownPrices) > 0 {
		fmt.Fprintf(w, " (unknown price, counted as $0: %s; set --price MODEL=IN/OUT)", strings.Join(est.UnknownPrices, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  cached responses cost nothing; this estimate does not look at the cache")
}

func evalMaxTokens(n int) int {
	if n > 0 {
		return n
	}
	return runner.AssumedMaxTokens
}

// printEvalSummary prints the short human summary on stdout.
func printEvalSummary(w io.Writer, sum *runner.SummaryFile, dir string) {
	t := sum.Totals
	fmt.Fprintf(w, "eval %s on %s: %d requests (%d cached), %d attempts, %d+%d tokens, $%.4f, %.1fs\n",
		sum.Config.Model, sum.Config.Target, t.Requests, t.CachedRequests, t.Attempts, t.PromptTokens, t.CompletionTokens, t.CostUSD, t.WallSeconds)
	if len(sum.UnknownPrices) > 0 {
		fmt.Fprintf(w, "  unknown price (counted as $0): %s\n", strings.Join(sum.UnknownPrices, ", "))
	}
	for _, c := range sum.Conditions {
		fmt.Fprintf(w, "  %-18s pass %5.1f%%  [%5.1f, %5.1f]  (%d/%d scored)\n", c.Condition.Name, 100*c.Rate, 100*c.Lo, 100*c.Hi, c.Passes, c.Scored)
	}
	for _, l := range sum.Lift {
		sig := "not significant"
		if l.Significant {
			sig = "significant"
		}
		fmt.Fprintf(w, "  lift %s over %s: %+.1f points [%+.1f, %+.1f], %d cases, %s\n", l.Condition, l.Baseline, 100*l.Mean, 100*l.Lo, 100*l.Hi, l.Cases, sig)
	}
	for _, d := range sum.VariantDrop {
		fmt.Fprintf(w, "  %s variant under %s: %+.1f points [%+.1f, %+.1f]\n", d.Variant, d.Condition, 100*d.Mean, 100*d.Lo, 100*d.Hi)
	}
	counts := map[string]int{}
	settle := 0
	for _, c := range sum.Cells {
		counts[c.Verdict]++
		if c.Verdict == "INCONCLUSIVE" && c.SamplesToSettle > 0 {
			settle = max(settle, c.SamplesToSettle)
		}
	}
	fmt.Fprintf(w, "  cases × conditions: %d PASS, %d FAIL, %d INCONCLUSIVE", counts["PASS"], counts["FAIL"], counts["INCONCLUSIVE"])
	if counts["UNGRADED"] > 0 {
		fmt.Fprintf(w, ", %d UNGRADED", counts["UNGRADED"])
	}
	if settle > 0 {
		fmt.Fprintf(w, " (up to %d more samples would settle the inconclusive ones)", settle)
	}
	fmt.Fprintf(w, " at %.0f%%\n", 100*sum.Config.Threshold)
	if t.Unscored > 0 || t.Errors > 0 {
		fmt.Fprintf(w, "  %d unscored (judge reply unusable), %d failed requests\n", t.Unscored, t.Errors)
	}
	fmt.Fprintf(w, "  judge: %s\n", sum.Calibration.Note)
	if sum.Gate.MinPass != 0 || sum.Gate.MinLift != 0 || len(sum.Gate.Reasons) > 0 {
		if sum.Gate.Met {
			fmt.Fprintln(w, "  gate: met")
		}
		for _, r := range sum.Gate.Reasons {
			fmt.Fprintf(w, "  gate not met: %s\n", r)
		}
	}
	if t.Stopped != "" {
		fmt.Fprintf(w, "  stopped early: %s\n", t.Stopped)
	}
	fmt.Fprintf(w, "  results: %s\n", filepath.Join(dir, runner.SummaryName))
}

// evalProgress renders progress on stderr: one updating line on a
// terminal, plain lines every 10% or 10 s otherwise (CI, pipes, NO_COLOR).
type evalProgress struct {
	mu       sync.Mutex
	w        io.Writer
	mode     string // bar, plain, none
	last     runner.Progress
	lastAt   time.Time
	lastPct  int
	drawn    bool
	interval time.Duration
}

func newEvalProgress(e *env, mode string) *evalProgress {
	if mode == "auto" {
		mode = "plain"
		if e.colorOn(e.stderr) && e.getenv("CI") == "" {
			mode = "bar"
		}
	}
	return &evalProgress{w: e.stderr, mode: mode, lastPct: -1, interval: 10 * time.Second}
}

func (p *evalProgress) update(s runner.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = s
	if p.mode == "none" || s.Total == 0 {
		return
	}
	pct := 100 * s.Done / s.Total
	now := time.Now()
	switch p.mode {
	case "bar":
		if now.Sub(p.lastAt) < 100*time.Millisecond && s.Done != s.Total {
			return
		}
		const width = 30
		fill := width * s.Done / s.Total
		fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %3d%% · %d err · %d unscored · $%.4f · %s",
			strings.Repeat("=", fill), strings.Repeat(" ", width-fill), s.Done, s.Total, pct, s.Errors, s.Unscored, s.CostUSD, s.Elapsed.Round(time.Second))
		p.drawn = true
	case "plain":
		if pct/10 == p.lastPct/10 && now.Sub(p.lastAt) < p.interval && s.Done != s.Total {
			return
		}
		fmt.Fprintf(p.w, "eval: %d/%d (%d%%), %d errors, %d unscored, %d cached, $%.4f, %s\n",
			s.Done, s.Total, pct, s.Errors, s.Unscored, s.Cached, s.CostUSD, s.Elapsed.Round(time.Second))
		p.lastPct = pct
	}
	p.lastAt = now
}

// note prints a message without tearing the progress line.
func (p *evalProgress) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	fmt.Fprintln(p.w, msg)
}

func (p *evalProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

type evalMergeOptions struct {
	out     string
	force   bool
	minPass float64
	minLift float64
}

func newEvalMergeCmd(e *env) *cobra.Command {
	o := &evalMergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge SHARD_DIR... --out DIR",
		Short: "Join the outputs of 'soulc eval --shard i/n' runs into one result",
		Long: `Merge reads results.json and results.jsonl from each shard's --out directory,
checks they come from the same configuration, writes one results.jsonl (each
work item once) and recomputes results.json and the reports from all records.
The gates are the shards' unless --min-pass or --min-lift are given. Exit codes
as for 'soulc eval'.`,
		Example: "  soulc eval merge shard-1 shard-2 shard-3 --out eval-all --min-lift 0",
		Args:    minArgs(1, "shard directory"),
		RunE: func(cmd *cobra.Command, args []string) error {
			mo := runner.MergeOptions{OutDir: o.out, Force: o.force, SoulcVersion: soulcVersion(), Reports: evalReports()}
			if cmd.Flags().Changed("min-pass") {
				mo.MinPass = &o.minPass
			}
			if cmd.Flags().Changed("min-lift") {
				mo.MinLift = &o.minLift
			}
			sum, err := runner.Merge(args, mo)
			if err != nil {
				if sum == nil {
					if errors.Is(err, runner.ErrOutExists) || errors.Is(err, os.ErrNotExist) {
						return usageErr("%v", err)
					}
					return &exitError{code: exitUsage, err: err}
				}
				return &exitError{code: exitRun, err: err}
			}
			printEvalSummary(e.stdout, sum, o.out)
			return evalExit(sum, &runner.Outcome{Summary: sum}, 0, o.out)
		},
	}
	cmd.Flags().StringVar(&o.out, "out", "soulc-eval", "output directory for the merged result")
	cmd.Flags().BoolVar(&o.force, "force", false, "overwrite results already in --out")
	cmd.Flags().Float64Var(&o.minPass, "min-pass", 0, "gate: as for 'soulc eval' (default: the shards')")
	cmd.Flags().Float64Var(&o.minLift, "min-lift", 0, "gate: as for 'soulc eval' (default: the shards')")
	return cmd
}
