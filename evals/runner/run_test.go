package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/soulc/soulc/evals/fakeapi"
	"github.com/soulc/soulc/evals/provider"
	"github.com/soulc/soulc/evals/results"
	"github.com/soulc/soulc/evals/stats"
)

// A full run: every planned item is recorded once, the persona passes and
// the baseline fails, lift is significant, the judge calibrates.
func TestRunFull(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{})
	suites := testSuites(3)
	out := t.TempDir()
	opt := e.options(t, out, provider.ReadWrite, 5)
	var reported *results.Summary
	opt.Reports = func(dir string, sum *results.Summary, recs string) error {
		reported = sum
		if recs != filepath.Join(out, RecordsFile) {
			t.Errorf("reports got records path %s", recs)
		}
		return nil
	}
	res := mustRun(t, context.Background(), suites, opt)
	// 3 cases × (original + 1 variant) × 2 conditions × 5 samples + 3 × 2 controls.
	if want := 3*2*2*5 + 6; res.Planned != want {
		t.Fatalf("planned %d, want %d", res.Planned, want)
	}
	lines, sf := readOut(t, out)
	if len(lines) != res.Planned {
		t.Fatalf("%d lines, want %d", len(lines), res.Planned)
	}
	keysOnce(t, lines)
	if reported == nil || reported != sf.Summary && reported.Totals.Requests != sf.Totals.Requests {
		t.Errorf("reports not called with the summary")
	}
	for _, c := range sf.Cells {
		want := string(stats.Pass)
		if c.Condition.Kind == "baseline" {
			want = string(stats.Fail)
		}
		if c.Verdict != want || c.Scored != 5 {
			t.Errorf("cell %s/%s/%s: verdict %s scored %d, want %s 5", c.Case, c.Variant, c.Condition.Name, c.Verdict, c.Scored, want)
		}
	}
	if len(sf.Lift) != 1 || !sf.Lift[0].Significant || sf.Lift[0].Mean != 1 || sf.Lift[0].Cases != 3 {
		t.Errorf("lift = %+v", sf.Lift)
	}
	if len(sf.VariantDrop) != 2 || sf.VariantDrop[0].Mean != 0 || sf.VariantDrop[0].Significant {
		t.Errorf("variant drop = %+v", sf.VariantDrop)
	}
	cal := sf.Calibration
	if cal.PositiveN != 3 || cal.PositivePass != 3 || cal.NegativeN != 3 || cal.NegativeFail != 3 || !cal.Reliable {
		t.Errorf("calibration = %+v", cal)
	}
	if len(sf.BudgetCurve) != 1 || sf.BudgetCurve[0].Rate != 1 {
		t.Errorf("budget curve = %+v", sf.BudgetCurve)
	}
	// Records carry what was sent and received.
	for _, l := range lines {
		if l.Kind != results.KindSample {
			if l.Grade == nil || l.Condition.Kind != "control" {
				t.Errorf("control record %+v", l.Record)
			}
			continue
		}
		if l.SystemFingerprint != "fp_fake" || l.ResponseModel != "m" || l.Params.Temperature == nil || l.Params.Seed == nil ||
			*l.Params.Seed != 100+l.Sample || l.Judge == nil || l.Judge.Requests != 1 || len(l.Attempts) != 1 {
			t.Fatalf("sample record missing fields: %+v judge %+v", l.Record, l.Judge)
		}
		if l.Condition.Kind == "baseline" && len(l.Messages) != 1 {
			t.Errorf("baseline:none sent %d messages", len(l.Messages))
		}
	}
	// The judge never sees the condition: no judge request carries the
	// persona prompt.
	for _, r := range e.judge.Requests() {
		if strings.Contains(string(r.Body), personaMarker) || strings.Contains(string(r.Body), "persona@") {
			t.Fatalf("judge request leaks the condition: %s", r.Body)
		}
	}
	// A second run over the same cache sends nothing.
	before := e.model.Stats().Requests + e.judge.Stats().Requests
	opt2 := e.options(t, t.TempDir(), provider.ReadWrite, 5)
	res2 := mustRun(t, context.Background(), suites, opt2)
	if after := e.model.Stats().Requests + e.judge.Stats().Requests; after != before {
		t.Errorf("re-run sent %d requests, want 0", after-before)
	}
	if res2.Summary.Totals.CachedRequests == 0 {
		t.Errorf("re-run reports no cached requests")
	}
}

// Faults: 10% 500s, 10% 429s, 2% hangs, 2% truncated bodies. Every item
// still gets exactly one record and none failed.
func TestRunFaults(t *testing.T) {
	rates := map[fakeapi.Fault]float64{
		fakeapi.FaultServerError: 0.10, fakeapi.FaultRateLimit: 0.10,
		fakeapi.FaultHang: 0.02, fakeapi.FaultTruncated: 0.02,
	}
	e := newTestEnv(t, fakeapi.Config{Rates: rates, Seed: 3, MaxHang: 2 * time.Second},
		fakeapi.Config{Rates: rates, Seed: 4, MaxHang: 2 * time.Second})
	suites := testSuites(25)
	out := t.TempDir()
	opt := e.options(t, out, provider.ReadWrite, 2)
	res := mustRun(t, context.Background(), suites, opt)
	lines, sf := readOut(t, out)
	if len(lines) != res.Planned {
		t.Fatalf("%d lines for %d planned items", len(lines), res.Planned)
	}
	if keys := keysOnce(t, lines); len(keys) != res.Planned {
		t.Fatalf("%d distinct keys, want %d", len(keys), res.Planned)
	}
	if sf.Totals.Errors != 0 || sf.Totals.Unscored != 0 {
		t.Errorf("errors %d unscored %d, want 0 (retries should absorb the faults)", sf.Totals.Errors, sf.Totals.Unscored)
	}
	st := e.model.Stats()
	for _, f := range []fakeapi.Fault{fakeapi.FaultServerError, fakeapi.FaultRateLimit, fakeapi.FaultHang, fakeapi.FaultTruncated} {
		if st.ByFault[f]+e.judge.Stats().ByFault[f] == 0 {
			t.Errorf("fault %s never injected", f)
		}
	}
	if sf.Totals.Attempts <= sf.Totals.Requests {
		t.Errorf("attempts %d <= requests %d: retries not recorded", sf.Totals.Attempts, sf.Totals.Requests)
	}
}

// Cancel mid-run, then --resume: nothing answered twice, everything
// recorded once.
func TestResumeAfterCancel(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{Latency: 5 * time.Millisecond}, fakeapi.Config{Latency: 5 * time.Millisecond})
	suites := testSuites(10)
	out := t.TempDir()
	stop := make(chan struct{})
	opt := e.options(t, out, provider.ReadWrite, 2)
	opt.Stop = stop
	opt.Progress = func(p Progress) {
		if p.Done == 15 {
			close(stop) // what Ctrl-C does (cmd/soulc)
		}
	}
	res := mustRun(t, context.Background(), suites, opt)
	if res.Summary.Totals.Stopped != StoppedInterrupted {
		t.Fatalf("stopped = %q, want interrupted", res.Summary.Totals.Stopped)
	}
	first, _ := readOut(t, out)
	if len(first) < 15 || len(first) >= res.Planned {
		t.Fatalf("first run wrote %d of %d", len(first), res.Planned)
	}
	// Simulate a torn last line from a crash.
	f, _ := os.OpenFile(filepath.Join(out, RecordsFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"schema":1,"kind":"sam`)
	f.Close()

	answered := e.snapshot()
	e.reset()
	opt2 := e.options(t, out, provider.ReadWrite, 2)
	opt2.Resume = true
	res2 := mustRun(t, context.Background(), suites, opt2)
	if res2.Resumed != len(first) {
		t.Errorf("resumed %d, want %d", res2.Resumed, len(first))
	}
	lines, sf := readOut(t, out)
	if len(lines) != res.Planned || len(keysOnce(t, lines)) != res.Planned {
		t.Fatalf("%d lines after resume, want %d", len(lines), res.Planned)
	}
	if sf.Totals.Stopped != "" {
		t.Errorf("resumed run stopped: %s", sf.Totals.Stopped)
	}
	// Resuming with fewer samples drops the lines outside the new plan.
	opt3 := e.options(t, out, provider.ReadWrite, 1)
	opt3.Resume = true
	res3 := mustRun(t, context.Background(), suites, opt3)
	if res3.Dropped != res.Planned-res3.Planned || res3.Resumed != res3.Planned {
		t.Errorf("fewer samples: dropped %d resumed %d planned %d", res3.Dropped, res3.Resumed, res3.Planned)
	}
	if lines, _ := readOut(t, out); len(lines) != res3.Planned {
		t.Errorf("%d lines kept, want %d", len(lines), res3.Planned)
	}
	again := 0
	for k := range e.snapshot() {
		if answered[k] {
			again++
		}
	}
	if again != 0 {
		t.Errorf("the resumed run re-sent %d requests the cancelled run had been answered", again)
	}
	if len(e.snapshot()) == 0 {
		t.Errorf("the resumed run sent nothing")
	}
}

// --replay with an empty cache fails fast and clearly, sending nothing.
func TestReplayEmptyCache(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{})
	out := t.TempDir()
	opt := e.options(t, out, provider.Replay, 2)
	res := mustRun(t, context.Background(), testSuites(3), opt)
	if res.ReplayMisses == 0 || !strings.Contains(res.FirstMiss, "replay") || res.Summary.Totals.Stopped != StoppedReplayMiss {
		t.Fatalf("misses %d first %q stopped %q", res.ReplayMisses, res.FirstMiss, res.Summary.Totals.Stopped)
	}
	if n := e.model.Stats().Requests + e.judge.Stats().Requests; n != 0 {
		t.Errorf("replay sent %d requests", n)
	}
	lines, _ := readOut(t, out)
	if len(lines) != 0 {
		t.Errorf("replay misses were recorded as results: %d lines", len(lines))
	}
}

// A judge that never returns valid JSON leaves samples unscored: retried
// once, never counted as pass or fail.
func TestUnscored(t *testing.T) {
	var calls atomic.Int64
	bad := func(req openai.ChatCompletionRequest) string {
		calls.Add(1)
		if strings.Contains(req.Messages[1].Content, "Question 1") {
			return `{"criteria": [oops`
		}
		return judgeResponder(req)
	}
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{Responder: bad})
	out := t.TempDir()
	opt := e.options(t, out, provider.ReadWrite, 3)
	opt.Plan.Variants = false
	mustRun(t, context.Background(), testSuites(2), opt)
	lines, sf := readOut(t, out)
	unscored := 0
	for _, l := range lines {
		if l.Case == "case-01" && l.Kind == results.KindSample {
			if l.Grade.Status != results.Unscored || l.Grade.JudgeAttempts != 2 || !strings.Contains(l.Grade.Error, "unparseable") {
				t.Errorf("grade = %+v", l.Grade)
			}
			unscored++
		}
	}
	if unscored != 6 || sf.Totals.Unscored < 6 {
		t.Errorf("unscored lines %d, totals %d", unscored, sf.Totals.Unscored)
	}
	for _, c := range sf.Cells {
		if c.Case == "case-01" && (c.Scored != 0 || c.Unscored != 3 || c.Verdict != string(stats.Inconclusive)) {
			t.Errorf("cell %+v", c)
		}
	}
}

// --max-cost stops scheduling before the cap; what finished is kept.
func TestMaxCost(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{})
	out := t.TempDir()
	opt := e.options(t, out, provider.ReadWrite, 2)
	opt.Prices = Prices{"m": {In: 1000, Out: 1000}, "j": {In: 1000, Out: 1000}}
	opt.Concurrency = 2
	opt.MaxCost = 20
	res := mustRun(t, context.Background(), testSuites(5), opt)
	sf := res.Summary
	if sf.Totals.Stopped != StoppedMaxCost {
		t.Fatalf("stopped = %q", sf.Totals.Stopped)
	}
	if sf.Totals.CostUSD > opt.MaxCost || sf.Totals.CostUSD == 0 {
		t.Errorf("spent %v with cap %v", sf.Totals.CostUSD, opt.MaxCost)
	}
	lines, _ := readOut(t, out)
	if len(lines) == 0 || len(lines) >= res.Planned {
		t.Errorf("%d of %d lines", len(lines), res.Planned)
	}
}

// --shard 1/2 + 2/2, merged, equals the unsharded run.
func TestShardMerge(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{})
	suites := testSuites(8)
	full := t.TempDir()
	mustRun(t, context.Background(), suites, e.options(t, full, provider.ReadWrite, 2))
	var dirs []string
	total := 0
	for i := 1; i <= 2; i++ {
		d := t.TempDir()
		opt := e.options(t, d, provider.ReadWrite, 2)
		opt.Plan.Shard = Shard{I: i, N: 2}
		opt.Summary.Config.Shard = opt.Plan.Shard.String()
		r := mustRun(t, context.Background(), suites, opt)
		if r.Planned == 0 {
			t.Fatalf("shard %d is empty", i)
		}
		total += r.Planned
		dirs = append(dirs, d)
	}
	merged := t.TempDir()
	if _, err := Merge(dirs, MergeOptions{OutDir: merged}); err != nil {
		t.Fatal(err)
	}
	fl, fs := readOut(t, full)
	ml, ms := readOut(t, merged)
	if total != len(fl) || len(ml) != len(fl) {
		t.Fatalf("shards planned %d, merged %d lines, full %d", total, len(ml), len(fl))
	}
	keysOnce(t, ml)
	if len(fs.Cells) != len(ms.Cells) {
		t.Fatalf("cells %d vs %d", len(ms.Cells), len(fs.Cells))
	}
	for i := range fs.Cells {
		if fs.Cells[i] != ms.Cells[i] {
			t.Errorf("cell %d: merged %+v, full %+v", i, ms.Cells[i], fs.Cells[i])
		}
	}
	if fs.Lift[0] != ms.Lift[0] || fs.Calibration != ms.Calibration {
		t.Errorf("lift/calibration differ: %+v %+v", ms.Lift, ms.Calibration)
	}
	// Merging the same shard twice is refused.
	if _, err := Merge([]string{dirs[0], dirs[0]}, MergeOptions{OutDir: t.TempDir()}); err == nil {
		t.Error("merging a shard with itself succeeded")
	}
}

// An existing results.jsonl is not overwritten by accident.
func TestOutExists(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{})
	out := t.TempDir()
	mustRun(t, context.Background(), testSuites(1), e.options(t, out, provider.ReadWrite, 1))
	_, err := Run(context.Background(), testSuites(1), e.options(t, out, provider.ReadWrite, 1))
	if !errors.Is(err, ErrOutExists) {
		t.Fatalf("err = %v", err)
	}
}

// No API key appears in any output file, even when the server echoes it
// in errors.
func TestNoKeyInOutputs(t *testing.T) {
	const key = "sk-test-THISISASECRETKEY0123456789"
	rates := map[fakeapi.Fault]float64{fakeapi.FaultServerError: 0.3}
	e := newTestEnv(t, fakeapi.Config{Rates: rates, RequireAPIKey: key, EchoAuthInErrors: true, Seed: 1},
		fakeapi.Config{RequireAPIKey: key, EchoAuthInErrors: true})
	getenv := func(k string) string {
		if k == "SOULC_TEST_KEY" {
			return key
		}
		return ""
	}
	mk := func(url string) *provider.Client {
		cache, _ := provider.OpenCache(e.cacheDir, provider.ReadWrite)
		c, err := provider.NewClient(provider.Endpoint{Name: "fake", BaseURL: url, APIKeyEnv: "SOULC_TEST_KEY", KeyRequired: true},
			provider.Options{Cache: cache, Getenv: getenv, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond, MaxAttempts: 2})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	out := t.TempDir()
	opt := e.options(t, out, provider.ReadWrite, 2)
	opt.Model = mk(e.model.URL())
	opt.Judge.Client = mk(e.judge.URL())
	mustRun(t, context.Background(), testSuites(4), opt)
	_, sf := readOut(t, out)
	if sf.Totals.Errors == 0 {
		t.Fatal("expected some failed requests carrying echoed keys")
	}
	for _, dir := range []string{out, e.cacheDir} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), key) || strings.Contains(string(b), "THISISASECRET") {
				t.Errorf("%s contains the API key", p)
			}
			return nil
		})
	}
}

func TestDryRunEstimate(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{})
	opt := e.options(t, t.TempDir(), provider.ReadWrite, 2)
	est := EstimateRun(testSuites(3), opt)
	if est.ModelRequests != 3*2*2*2 || est.JudgeRequests != est.ModelRequests+6 {
		t.Errorf("estimate %+v", est)
	}
	if len(est.UnknownPrices) != 2 || est.CostUSD != 0 {
		t.Errorf("unknown prices %v cost %v", est.UnknownPrices, est.CostUSD)
	}
	opt.Prices = Prices{"m": {1, 2}}
	if est := EstimateRun(testSuites(3), opt); est.CostUSD <= 0 || len(est.UnknownPrices) != 1 {
		t.Errorf("priced estimate %+v", est)
	}
	if n := e.model.Stats().Requests; n != 0 {
		t.Errorf("estimate sent %d requests", n)
	}
}

// Cancelling ctx aborts requests in flight: they are not recorded, the run
// says "interrupted", and --resume completes it with each item once.
func TestHardCancel(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{Latency: 20 * time.Millisecond}, fakeapi.Config{Latency: 20 * time.Millisecond})
	suites := testSuites(6)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	opt := e.options(t, out, provider.ReadWrite, 2)
	opt.Progress = func(p Progress) {
		if p.Done == 10 {
			cancel()
		}
	}
	res := mustRun(t, ctx, suites, opt)
	if res.Summary.Totals.Stopped != StoppedInterrupted || res.Summary.Totals.Errors != 0 {
		t.Fatalf("totals %+v", res.Summary.Totals)
	}
	first, _ := readOut(t, out)
	keysOnce(t, first)
	opt2 := e.options(t, out, provider.ReadWrite, 2)
	opt2.Resume = true
	mustRun(t, context.Background(), suites, opt2)
	lines, _ := readOut(t, out)
	if len(keysOnce(t, lines)) != res.Planned {
		t.Fatalf("%d lines after resume, want %d", len(lines), res.Planned)
	}
}

// A judge that stays down after all retries makes the item a failed
// request (not a grade); --resume grades it again from the cached answer.
func TestJudgeDownThenResume(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{FaultFunc: func(_ int64, req openai.ChatCompletionRequest) fakeapi.Fault {
		if down.Load() && strings.Contains(req.Messages[1].Content, "Question 1") {
			return fakeapi.FaultServerError
		}
		return fakeapi.FaultNone
	}})
	out := t.TempDir()
	opt := e.options(t, out, provider.ReadWrite, 2)
	opt.Plan.Variants = false
	res := mustRun(t, context.Background(), testSuites(2), opt)
	sf := res.Summary
	// case-01's 4 samples and its two controls (both grade against
	// case-01's question).
	if sf.Totals.Errors != 6 || sf.Totals.Unscored != 0 {
		t.Fatalf("totals %+v", sf.Totals)
	}
	modelBefore := e.model.Stats().Requests
	down.Store(false)
	opt2 := e.options(t, out, provider.ReadWrite, 2)
	opt2.Plan.Variants = false
	opt2.Resume = true
	res2 := mustRun(t, context.Background(), testSuites(2), opt2)
	if res2.Summary.Totals.Errors != 0 || res2.Resumed != res.Planned-6 {
		t.Fatalf("after resume: resumed %d, totals %+v", res2.Resumed, res2.Summary.Totals)
	}
	if e.model.Stats().Requests != modelBefore {
		t.Errorf("resume re-asked the model %d times; answers were cached", e.model.Stats().Requests-modelBefore)
	}
	lines, _ := readOut(t, out)
	if len(keysOnce(t, lines)) != res.Planned {
		t.Errorf("%d lines, want %d", len(lines), res.Planned)
	}
}

// --judge-model none: answers collected, nothing graded, no calibration.
func TestUngraded(t *testing.T) {
	e := newTestEnv(t, fakeapi.Config{}, fakeapi.Config{})
	out := t.TempDir()
	opt := e.options(t, out, provider.ReadWrite, 1)
	opt.Judge = nil
	res := mustRun(t, context.Background(), testSuites(2), opt)
	if res.Planned != 2*2*2 || e.judge.Stats().Requests != 0 {
		t.Fatalf("planned %d, judge requests %d", res.Planned, e.judge.Stats().Requests)
	}
	lines, sf := readOut(t, out)
	for _, l := range lines {
		if l.Grade == nil || l.Grade.Status != results.Ungraded || l.Answer == "" {
			t.Fatalf("line %+v", l.Record)
		}
	}
	if sf.Cells[0].Verdict != "UNGRADED" || len(sf.Lift) != 0 || sf.Calibration.Reliable || !sf.Gate.Met {
		t.Errorf("summary %+v %+v %+v", sf.Cells[0], sf.Calibration, sf.Gate)
	}
}
