package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/evals/fakeapi"
	"github.com/soulc/soulc/evals/results"
	"github.com/soulc/soulc/evals/runner"
	"github.com/soulc/soulc/targets"
)

// These tests run the CLI in-process (run()) against fake OpenAI-compatible
// servers. No real model is reached.

const evalTestKey = "sk-evaltest-DONOTLEAK0123456789abcdef"

// evalCaseFile writes a case file for the example SOUL with three cases
// whose rubric phrases the fake model says under the persona only.
func evalCaseFile(t *testing.T) string {
	t.Helper()
	soul, err := load.Load("../../examples/ai-safety-researcher", load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nsoul: ai-safety-researcher\nsource_sha256: %s\ngenerator: deterministic\ncases:\n", soul.SHA256)
	for i := range 3 {
		fmt.Fprintf(&b, `  - id: case-%d
    title: Case %d
    input: "Question %d: what do you do?"
    reference: "The expert says alpha%d, then beta%d, and concludes gamma%d."
    rubric: ["Says alpha%d", "Says beta%d", "Says gamma%d"]
    must_not: ["Says forbidden%d"]
    source: "SOUL.md:1"
`, i, i, i, i, i, i, i, i, i, i)
	}
	p := filepath.Join(t.TempDir(), "cases.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var evalQuestionRE = regexp.MustCompile(`Question (\d+)`)

// evalModel answers with every rubric phrase under a long (persona) system
// prompt and with the first one otherwise; weak lists cases the persona
// gets wrong too.
func evalModel(weak string) fakeapi.Responder {
	return func(req openai.ChatCompletionRequest) string {
		persona := len(req.Messages) > 1 && len(req.Messages[0].Content) > 500
		m := evalQuestionRE.FindStringSubmatch(req.Messages[len(req.Messages)-1].Content)
		if m == nil {
			return "?"
		}
		i := m[1]
		if persona && !strings.Contains(weak, i) {
			return fmt.Sprintf("alpha%s, then beta%s, so gamma%s.", i, i, i)
		}
		return "Maybe alpha" + i + "."
	}
}

var (
	evalFenceRE = regexp.MustCompile(`(?s)<<<ANSWER-[0-9a-f]+\n(.*)\nANSWER-[0-9a-f]+>>>`)
	evalCritRE  = regexp.MustCompile(`(?m)^(\d+)\. Says (\S+)$`)
)

// evalJudge grades literally: "Says X" is met when X is in the answer.
func evalJudge(req openai.ChatCompletionRequest) string {
	user := req.Messages[len(req.Messages)-1].Content
	m := evalFenceRE.FindStringSubmatch(user)
	if m == nil {
		return "no answer found"
	}
	crit, mn, _ := strings.Cut(user[strings.Index(user, "CRITERIA:"):], "FORBIDDEN BEHAVIOURS:")
	items := func(part, field string) []map[string]any {
		out := []map[string]any{}
		for _, c := range evalCritRE.FindAllStringSubmatch(part, -1) {
			var id int
			fmt.Sscan(c[1], &id)
			hit := strings.Contains(m[1], c[2])
			ev := ""
			if hit {
				ev = c[2]
			}
			out = append(out, map[string]any{"id": id, "reasoning": "r", "evidence": ev, field: hit})
		}
		return out
	}
	b, _ := json.Marshal(map[string]any{"criteria": items(crit, "met"), "must_not": items(mn, "violated"), "verdict": "pass"})
	return string(b)
}

type evalFixture struct {
	model, judge *fakeapi.Server
	cache        string
	cases        string
}

func newEvalFixture(t *testing.T, modelCfg fakeapi.Config) *evalFixture {
	t.Helper()
	t.Setenv("OPENAI_API_KEY", evalTestKey)
	t.Setenv("OPENAI_BASE_URL", "")
	if modelCfg.Responder == nil {
		modelCfg.Responder = evalModel("")
	}
	modelCfg.RequireAPIKey = evalTestKey
	modelCfg.EchoAuthInErrors = true
	f := &evalFixture{
		model: fakeapi.New(modelCfg),
		judge: fakeapi.New(fakeapi.Config{Responder: evalJudge, RequireAPIKey: evalTestKey, EchoAuthInErrors: true}),
		cache: t.TempDir(), cases: evalCaseFile(t),
	}
	t.Cleanup(f.model.Close)
	t.Cleanup(f.judge.Close)
	return f
}

// args are the common flags; extra are appended.
func (f *evalFixture) args(out string, extra ...string) []string {
	examples, _ := filepath.Abs("../../examples/ai-safety-researcher")
	a := []string{"eval", examples, f.cases, "-t", "openai", "--model", "m", "--base-url", f.model.URL(),
		"--judge-model", "j", "--judge-base-url", f.judge.URL(), "--cache", f.cache, "--out", out,
		"--samples", "5", "--retries", "8", "--timeout", "2s", "--progress", "plain"}
	return append(a, extra...)
}

func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func readSummary(t *testing.T, dir string) *runner.SummaryFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, runner.SummaryName))
	if err != nil {
		t.Fatal(err)
	}
	var sf runner.SummaryFile
	if err := json.Unmarshal(b, &sf); err != nil {
		t.Fatal(err)
	}
	return &sf
}

// noKey fails if the API key appears in any file under dirs or in s.
func noKey(t *testing.T, outputs []string, dirs ...string) {
	t.Helper()
	for _, s := range outputs {
		if strings.Contains(s, evalTestKey) {
			t.Errorf("the API key appears in command output")
		}
	}
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, de os.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return err
			}
			b, _ := os.ReadFile(p)
			if bytes.Contains(b, []byte(evalTestKey)) || bytes.Contains(b, []byte("DONOTLEAK")) {
				t.Errorf("%s contains the API key", p)
			}
			return nil
		})
	}
}

// A full run with gates, through the CLI: case file + SOUL, persona and
// baseline, judged, calibrated; 10% server errors whose bodies echo the key.
func TestEvalCLIFullRun(t *testing.T) {
	f := newEvalFixture(t, fakeapi.Config{Rates: map[fakeapi.Fault]float64{fakeapi.FaultServerError: 0.1}, Seed: 9,
		Schedule: []fakeapi.Fault{fakeapi.FaultServerError, fakeapi.FaultRateLimit, fakeapi.FaultServerError}})
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, context.Background(), f.args(out, "--min-pass", "0.8", "--min-lift", "0", "--seed", "42")...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"persona@", "baseline:none", "lift", "significant", "judge: positive control", "gate: met"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	t.Log(stdout)
	if !strings.Contains(stderr, "eval: ") {
		t.Errorf("no plain progress lines on stderr:\n%s", stderr)
	}
	sf := readSummary(t, out)
	if sf.Config.Model != "m" || sf.Config.JudgeModel != "j" || sf.Config.Params.Seed == nil || *sf.Config.Params.Seed != 42 ||
		sf.Config.Params.Temperature == nil || sf.Config.Endpoint == "" {
		t.Errorf("config %+v", sf.Config)
	}
	// 3 cases × 2 conditions × 5 samples + 3 × 2 controls.
	if n := len(sf.Cells); n != 6 || sf.Totals.Errors != 0 || !sf.Calibration.Reliable || !sf.Gate.Met {
		t.Errorf("cells %d totals %+v calibration %+v gate %+v", n, sf.Totals, sf.Calibration, sf.Gate)
	}
	if f.model.Stats().ByFault[fakeapi.FaultServerError] < 2 || sf.Totals.Attempts < sf.Totals.Requests-sf.Totals.CachedRequests+3 {
		t.Errorf("faults %v, totals %+v: retries not exercised", f.model.Stats().ByFault, sf.Totals)
	}
	// On the wire: the judge gets temperature 0, a seed and a strict JSON
	// schema; the model gets the seed for its sample.
	for _, r := range f.judge.Requests() {
		temp, _ := r.Field("temperature")
		rf, ok := r.Field("response_format")
		if string(temp) != "0" || !ok || !strings.Contains(string(rf), `"strict":true`) {
			t.Fatalf("judge request: temperature %s, response_format %s", temp, rf)
		}
	}
	for _, r := range f.model.Requests() {
		if seed, ok := r.Field("seed"); !ok || len(seed) < 2 || seed[0] != '4' {
			t.Fatalf("model request seed %s", seed)
		}
	}
	lines, err := os.ReadFile(filepath.Join(out, runner.RecordsFile))
	if err != nil || bytes.Count(lines, []byte("\n")) != 36 {
		t.Errorf("results.jsonl: %d lines, err %v", bytes.Count(lines, []byte("\n")), err)
	}
	for _, name := range []string{"junit.xml", "summary.md", "report.html"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("report %s not written: %v", name, err)
		}
	}
	noKey(t, []string{stdout, stderr}, out, f.cache)

	// Same run again with --force: everything from the cache.
	before := f.model.Stats().Requests + f.judge.Stats().Requests
	code, stdout, stderr = runCLI(t, context.Background(), f.args(out, "--force", "--seed", "42")...)
	if code != 0 || f.model.Stats().Requests+f.judge.Stats().Requests != before {
		t.Fatalf("cached re-run: exit %d, %d new requests\n%s%s", code, f.model.Stats().Requests+f.judge.Stats().Requests-before, stdout, stderr)
	}
	// Without --force or --resume the results are not overwritten.
	if code, _, stderr = runCLI(t, context.Background(), f.args(out)...); code != exitUsage || !strings.Contains(stderr, "--resume") {
		t.Errorf("existing out: exit %d, %s", code, stderr)
	}
}

// A persona that gets one case wrong misses --min-pass: exit 1.
func TestEvalCLIGateNotMet(t *testing.T) {
	f := newEvalFixture(t, fakeapi.Config{Responder: evalModel("1")})
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, context.Background(), f.args(out, "--min-pass", "0.9")...)
	if code != exitFindings || !strings.Contains(stdout, "gate not met") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// --replay with an empty cache fails clearly (exit 3) and sends nothing.
func TestEvalCLIReplayEmptyCache(t *testing.T) {
	f := newEvalFixture(t, fakeapi.Config{})
	code, _, stderr := runCLI(t, context.Background(), f.args(t.TempDir(), "--replay")...)
	if code != exitRun || !strings.Contains(stderr, "--replay") || !strings.Contains(stderr, "not in the cache") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if n := f.model.Stats().Requests + f.judge.Stats().Requests; n != 0 {
		t.Errorf("replay sent %d requests", n)
	}
}

// --max-cost stops the run (exit 3, results kept); --resume finishes it
// without sending anything twice; --dry-run sends nothing.
func TestEvalCLIMaxCostThenResume(t *testing.T) {
	f := newEvalFixture(t, fakeapi.Config{})
	out := t.TempDir()
	prices := []string{"--price", "m=1000/1000", "--price", "j=1000/1000", "-j", "2"}
	code, stdout, _ := runCLI(t, context.Background(), f.args(out, append(prices, "--dry-run")...)...)
	if code != 0 || !strings.Contains(stdout, "30 to the model, 36 to the judge") || f.model.Stats().Requests != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, stdout)
	}
	code, _, stderr := runCLI(t, context.Background(), f.args(out, append(prices, "--max-cost", "30")...)...)
	if code != exitRun || !strings.Contains(stderr, "--max-cost") {
		t.Fatalf("max-cost: exit %d, %s", code, stderr)
	}
	sf := readSummary(t, out)
	if sf.Totals.Stopped != runner.StoppedMaxCost || sf.Totals.CostUSD > 30 {
		t.Fatalf("totals %+v", sf.Totals)
	}
	firstModel, firstJudge := f.model.Stats().Succeeded, f.judge.Stats().Succeeded
	code, stdout, stderr = runCLI(t, context.Background(), f.args(out, append(prices, "--resume")...)...)
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	sf = readSummary(t, out)
	if sf.Totals.Stopped != "" || len(sf.Cells) != 6 {
		t.Errorf("after resume: %+v", sf.Totals)
	}
	// Every answered request is cached: the resumed run's new requests plus
	// the first run's equal the number of distinct requests in a full run.
	total := f.model.Stats().Succeeded + f.judge.Stats().Succeeded
	if total-firstModel-firstJudge <= 0 || total > 30+36 {
		t.Errorf("requests answered: first %d+%d, total %d (a full run needs at most 66)", firstModel, firstJudge, total)
	}
}

// --shard 1/2 and 2/2, then eval merge.
func TestEvalCLIShardMerge(t *testing.T) {
	f := newEvalFixture(t, fakeapi.Config{})
	root := t.TempDir()
	var dirs []string
	for i := 1; i <= 2; i++ {
		d := filepath.Join(root, fmt.Sprintf("shard-%d", i))
		code, stdout, stderr := runCLI(t, context.Background(), f.args(d, "--shard", fmt.Sprintf("%d/2", i), "--min-lift", "0")...)
		if code != 0 && code != exitFindings {
			t.Fatalf("shard %d: exit %d\n%s%s", i, code, stdout, stderr)
		}
		dirs = append(dirs, d)
	}
	merged := filepath.Join(root, "all")
	code, stdout, stderr := runCLI(t, context.Background(), append([]string{"eval", "merge", "--out", merged}, dirs...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	sf := readSummary(t, merged)
	if len(sf.Cells) != 6 || len(sf.Shards) != 2 || sf.Gate.MinLift != 0 || !sf.Gate.Met || len(sf.Lift) != 1 || sf.Lift[0].Cases != 3 {
		t.Errorf("merged summary: cells %d shards %v gate %+v lift %+v", len(sf.Cells), sf.Shards, sf.Gate, sf.Lift)
	}
}

func TestEvalCLIUsage(t *testing.T) {
	for _, args := range [][]string{
		{"eval"},
		{"eval", "../../examples/ai-safety-researcher", "-t", "openai"},
		{"eval", "../../examples/ai-safety-researcher", "--model", "m"},
		{"eval", "../../examples/ai-safety-researcher", "-t", "openai", "--model", "m", "--shard", "3/2"},
		{"eval", "../../examples/ai-safety-researcher", "-t", "openai", "--model", "m", "--baseline", "weird"},
		{"eval", "../../examples/ai-safety-researcher", "-t", "openai", "--model", "m", "--replay", "--no-cache"},
		{"eval", "../../examples/ai-safety-researcher", "-t", "openai", "--model", "m", "--judge-model", "none", "--min-pass", "0.8"},
		{"eval", "../../examples/ai-safety-researcher", "-t", "openai", "--model", "m", "--judge-model", "none", "--min-lift", "0"},
		{"eval", "merge", t.TempDir()},
	} {
		if code, _, stderr := runCLI(t, context.Background(), args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

// The progress display: one updating line in bar mode, plain lines every
// 10% otherwise (plus the first).
func TestEvalProgress(t *testing.T) {
	var bar bytes.Buffer
	p := &evalProgress{w: &bar, mode: "bar", lastPct: -1}
	p.update(runner.Progress{Done: 1, Total: 4})
	p.note("interrupted")
	p.update(runner.Progress{Done: 4, Total: 4})
	p.done()
	if got := bar.String(); strings.Count(got, "\r") < 3 || !strings.Contains(got, "\r\x1b[Kinterrupted\n") || !strings.Contains(got, "4/4 100%") || !strings.HasSuffix(got, "\n") {
		t.Errorf("bar output %q", got)
	}
	var plain bytes.Buffer
	p = &evalProgress{w: &plain, mode: "plain", lastPct: -1, interval: time.Hour}
	for i := 1; i <= 100; i++ {
		p.update(runner.Progress{Done: i, Total: 100})
	}
	if n := strings.Count(plain.String(), "\n"); n != 11 || strings.Contains(plain.String(), "\r") {
		t.Errorf("plain: %d lines\n%s", n, plain.String())
	}
}

// ---- examples/eval-demo: the offline quickstart's recorded cache ----

// evalDemoBaseURL is the address the demo cache was recorded against. The
// cache key holds the base URL (scheme://host/path), so replaying needs the
// same --base-url; with --replay nothing connects to it.
const evalDemoBaseURL = "http://127.0.0.1:18642/v1"

// evalDemoArgs is the demo command (README, examples/eval-demo/README.md),
// run from the repository root; record adds nothing but drops --replay.
func evalDemoArgs(root, out string, replay bool) []string {
	a := []string{"eval", filepath.Join(root, "examples/ai-safety-researcher"), "-t", "openai",
		"--model", "demo-model", "--judge-model", "demo-judge", "--samples", "3", "--budgets", "500,full", "--seed", "1",
		"--base-url", evalDemoBaseURL, "--cache", filepath.Join(root, "examples/eval-demo/cache"), "--out", out}
	if replay {
		a = append(a, "--replay")
	}
	return a
}

var recordEvalDemo = flag.Bool("record-eval-demo", false, "re-record examples/eval-demo/cache from the scripted fake server (listens on 127.0.0.1:18642)")

// TestRecordEvalDemo re-records the demo cache:
//
//	go test ./cmd/soulc -run TestRecordEvalDemo -record-eval-demo
//
// The answers are scripted (evalDemoScript), not any model's.
func TestRecordEvalDemo(t *testing.T) {
	if !*recordEvalDemo {
		t.Skip("re-records examples/eval-demo/cache; run with -record-eval-demo")
	}
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	root, _ := filepath.Abs("../..")
	script := newEvalDemoScript(t, root)
	ln, err := net.Listen("tcp", strings.TrimSuffix(strings.TrimPrefix(evalDemoBaseURL, "http://"), "/v1"))
	if err != nil {
		t.Fatalf("the demo is recorded on a fixed address: %v", err)
	}
	ts := httptest.NewUnstartedServer(fakeapi.NewUnstarted(fakeapi.Config{Responder: script.respond, SystemFingerprint: "fp_soulc_fake"}))
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	cache := filepath.Join(root, "examples/eval-demo/cache")
	if err := os.RemoveAll(cache); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, context.Background(), evalDemoArgs(root, t.TempDir(), false)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	t.Log(stdout)
}

// TestEvalDemoReplay runs the offline quickstart exactly as documented:
// no API key, no network, every answer from examples/eval-demo/cache. If it
// fails with a replay miss, the compiled persona changed: re-record (see
// TestRecordEvalDemo).
func TestEvalDemoReplay(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	root, _ := filepath.Abs("../..")
	out := filepath.Join(t.TempDir(), "soulc-demo")
	code, stdout, stderr := runCLI(t, context.Background(), append(evalDemoArgs(root, out, true), "--progress", "none")...)
	if code != 0 {
		t.Fatalf("exit %d (re-record with: go test ./cmd/soulc -run TestRecordEvalDemo -record-eval-demo)\n%s\n%s", code, stdout, stderr)
	}
	sf := readSummary(t, out)
	if len(sf.Cells) != 9 || sf.Totals.CachedRequests != sf.Totals.Requests || sf.Totals.Errors != 0 || !sf.Calibration.Reliable || len(sf.Lift) != 2 {
		t.Errorf("cells %d totals %+v calibration %+v lift %+v", len(sf.Cells), sf.Totals, sf.Calibration, sf.Lift)
	}
	for _, name := range []string{runner.RecordsFile, "junit.xml", "summary.md", "report.html"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	// The typed result fields: score threshold, unknown prices, judge usage.
	if sf.ScoreThreshold != 0.75 || len(sf.UnknownPrices) != 2 {
		t.Errorf("score threshold %v, unknown prices %v", sf.ScoreThreshold, sf.UnknownPrices)
	}
	lines, err := os.ReadFile(filepath.Join(out, runner.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bytes.Split(bytes.TrimSpace(lines), []byte("\n")) {
		var r results.Record
		if err := json.Unmarshal(l, &r); err != nil || r.Judge == nil || r.Judge.Model != "demo-judge" || r.Judge.Requests != 1 {
			t.Fatalf("record judge usage %+v (%v): %s", r.Judge, err, l)
		}
	}
}

// evalDemoScript is the demo's deterministic fake model and judge. The
// model answers each case of the example SOUL: under the full persona with
// the case's reference answer, under the 500-token persona the same minus
// its last point on one sample in three, and without a persona with generic
// advice (one case also says the forbidden thing). The judge marks a
// criterion met when the answer contains the criterion's last words, and
// quotes them.
type evalDemoScript struct {
	byInput map[string]*cases.Case
	system  map[string]string // system prompt -> condition name
}

func newEvalDemoScript(t *testing.T, root string) *evalDemoScript {
	t.Helper()
	soul, err := load.Load(filepath.Join(root, "examples/ai-safety-researcher"), load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cf, _, err := cases.Extract(soul, cases.ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := targets.NewRegistry().Lookup("openai")
	if err != nil {
		t.Fatal(err)
	}
	budgets, err := runner.ParseBudgets("500,full", tgt)
	if err != nil {
		t.Fatal(err)
	}
	st, err := runner.NewSuite(soul, cf, runner.PrepareOptions{Target: tgt, Budgets: budgets, Baseline: runner.BaselineNone})
	if err != nil {
		t.Fatal(err)
	}
	s := &evalDemoScript{byInput: map[string]*cases.Case{}, system: map[string]string{}}
	for i := range cf.Cases {
		s.byInput[strings.TrimSpace(cf.Cases[i].Input)] = &cf.Cases[i]
	}
	for _, c := range st.Conditions {
		if c.System != "" {
			s.system[c.System] = c.Condition.Name
		}
	}
	return s
}

// evalDemoKey is the phrase the fake judge looks for: the last four words
// of a criterion (after its verb), without surrounding punctuation.
func evalDemoKey(criterion string) string {
	w := strings.Fields(criterion)[1:]
	if len(w) > 4 {
		w = w[len(w)-4:]
	}
	return strings.Trim(strings.Join(w, " "), ` "'.,?!`)
}

func (s *evalDemoScript) respond(req openai.ChatCompletionRequest) string {
	last := req.Messages[len(req.Messages)-1].Content
	if strings.Contains(last, "<<<ANSWER-") {
		return evalDemoJudge(last)
	}
	c := s.byInput[strings.TrimSpace(last)]
	if c == nil {
		return "I am a scripted fake model and have no answer for this question."
	}
	sample := 0
	if req.Seed != nil {
		sample = *req.Seed
	}
	cond := "baseline:none"
	if len(req.Messages) > 1 {
		cond = s.system[req.Messages[0].Content]
	}
	switch {
	case cond == "persona@full":
		return c.Reference
	case strings.HasPrefix(cond, "persona@"):
		if sample%3 == 0 {
			return evalDemoDrop(c.Reference, evalDemoKey(c.Rubric[len(c.Rubric)-1]))
		}
		return c.Reference
	}
	// Baseline: generic advice, sometimes with the case's first point.
	ans := "It depends on your situation. Talk to your team, write down what you found, and follow your organisation's policies before deciding."
	if sample%3 == 1 {
		ans = "A good first step: " + evalDemoSentence(c.Reference, evalDemoKey(c.Rubric[0])) + " " + ans
	}
	if len(c.MustNot) > 0 && strings.Contains(c.MustNot[0], "unsafe") {
		ans += " Honestly, the model is unsafe until proven otherwise, so do not ship."
	}
	return ans
}

// evalDemoSentence returns the sentence of text that contains key.
func evalDemoSentence(text, key string) string {
	i := strings.Index(strings.ToLower(text), strings.ToLower(key))
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(text[:i], ". ") + 2
	if start < 2 {
		start = 0
	}
	end := strings.Index(text[i:], ". ")
	if end < 0 {
		return text[start:]
	}
	return text[start : i+end+1]
}

// evalDemoDrop removes the sentence of text that contains key.
func evalDemoDrop(text, key string) string {
	sent := evalDemoSentence(text, key)
	if sent == "" {
		return text
	}
	return strings.TrimSpace(strings.Replace(text, sent, "", 1))
}

var evalDemoItemRE = regexp.MustCompile(`(?m)^(\d+)\. (.+)$`)

// evalDemoJudge grades by the criteria's last words and quotes the answer.
func evalDemoJudge(user string) string {
	m := evalFenceRE.FindStringSubmatch(user)
	if m == nil {
		return "no answer found"
	}
	answer := m[1]
	lower := strings.ToLower(answer)
	crit, mn, _ := strings.Cut(user[strings.Index(user, "CRITERIA:"):], "FORBIDDEN BEHAVIOURS:")
	find := func(text string) (string, bool) {
		key := strings.ToLower(evalDemoKey(text))
		i := strings.Index(lower, key)
		if i < 0 {
			return "", false
		}
		negated := strings.Contains(lower[max(0, i-8):i], "not ")
		return answer[i : i+len(key)], !negated
	}
	items := func(part, field string, mustNot bool) []map[string]any {
		out := []map[string]any{}
		for _, c := range evalDemoItemRE.FindAllStringSubmatch(part, -1) {
			var id int
			fmt.Sscan(c[1], &id)
			ev, hit := find(c[2])
			if !mustNot {
				hit = ev != ""
			}
			reason := "The answer does not address this."
			if hit {
				reason = "The answer says so explicitly."
			} else if ev != "" {
				ev, reason = "", "The answer mentions it only to reject it."
			}
			if !hit {
				ev = ""
			}
			out = append(out, map[string]any{"id": id, "reasoning": reason, "evidence": ev, field: hit})
		}
		return out
	}
	cr, mu := items(crit, "met", false), items(mn, "violated", true)
	verdict := "pass"
	for _, c := range cr {
		if !c["met"].(bool) {
			verdict = "fail"
		}
	}
	for _, c := range mu {
		if c["violated"].(bool) {
			verdict = "fail"
		}
	}
	b, _ := json.Marshal(map[string]any{"criteria": cr, "must_not": mu, "verdict": verdict})
	return string(b)
}

// --judge-model none collects answers: exit 0 without gates, every cell
// UNGRADED, shown as skipped in junit.xml, no judge usage in the records.
func TestEvalCLIUngraded(t *testing.T) {
	f := newEvalFixture(t, fakeapi.Config{})
	out := t.TempDir()
	a := f.args(out, "--samples", "2")
	for i, s := range a {
		if s == "j" && a[i-1] == "--judge-model" {
			a[i] = "none"
		}
	}
	code, stdout, stderr := runCLI(t, context.Background(), a...)
	if code != 0 || !strings.Contains(stdout, "6 UNGRADED") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if f.judge.Stats().Requests != 0 {
		t.Errorf("the judge was asked %d times", f.judge.Stats().Requests)
	}
	junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err != nil || bytes.Count(junit, []byte(`<skipped message="ungraded: answers collected without a judge">`)) != 6 || bytes.Contains(junit, []byte("unknown verdict")) {
		t.Errorf("junit.xml (%v):\n%s", err, junit)
	}
	sf := readSummary(t, out)
	if sf.ScoreThreshold != 0 || !sf.Gate.Met {
		t.Errorf("summary: score threshold %v, gate %+v", sf.ScoreThreshold, sf.Gate)
	}
}
