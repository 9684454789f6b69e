// Command evalbench measures the eval runner against the fake
// OpenAI-compatible server: N atlas SOULs × their scenarios (up to 3 each),
// one sample, no judge, no baseline, no cache, fixed server latency and -j
// workers. It prints the wall time of the run against the ideal
// (cases × latency ÷ concurrency) and peak resident memory (VmHWM from
// /proc/self/status).
//
//	go run ./bench/evalbench                 # 200 SOULs, then the whole atlas
//	go run ./bench/evalbench -souls 200 -latency 200ms -j 32
//
// Each size runs in three child processes so their peaks are separate:
//   - prepare: load the SOULs, extract cases, compile the persona prompts
//     for the openai target (what `soulc eval` does before sending
//     anything), and write the suites to a temporary JSON file;
//   - run: read the suites and run them through runner.Run against the
//     fake server, which runs in the same process (its memory is included);
//   - whole: both in one process, as `soulc eval` does: the number a user sees.
//
// No real model is reached.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/evals/fakeapi"
	"github.com/soulc/soulc/evals/provider"
	"github.com/soulc/soulc/evals/runner"
	"github.com/soulc/soulc/targets"
)

func main() {
	souls := flag.Int("souls", 200, "number of atlas SOULs (0 = all); unless given, both 200 and all run")
	latency := flag.Duration("latency", 200*time.Millisecond, "fake server latency per request")
	jobs := flag.Int("j", 32, "concurrency")
	atlas := flag.String("atlas", "", "atlas souls folder (default: ../shared/atlas/souls next to the repo)")
	perSoul := flag.Int("per-soul", 3, "at most this many scenarios per SOUL")
	prepare := flag.String("prepare", "", "child mode: prepare suites into this file")
	suites := flag.String("suites", "", "child mode: run the suites in this file")
	whole := flag.Bool("whole", false, "child mode: prepare and run in one process")
	flag.Parse()
	dir := *atlas
	if dir == "" {
		dir = findAtlas()
	}
	runner.LimitMemory() // as soulc eval does
	var err error
	switch {
	case *prepare != "":
		err = prepareSuites(dir, *souls, *perSoul, *prepare)
	case *suites != "":
		err = runSuites(*suites, *latency, *jobs)
	case *whole:
		err = wholeProcess(dir, *souls, *perSoul, *latency, *jobs)
	default:
		err = parent(dir, *souls, *perSoul, *latency, *jobs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "evalbench:", err)
		os.Exit(1)
	}
}

func parent(dir string, souls, perSoul int, latency time.Duration, jobs int) error {
	sizes := []int{souls, 0}
	if flagSet("souls") {
		sizes = []int{souls}
	}
	tmp, err := os.MkdirTemp("", "evalbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("latency %s, -j %d, one sample, no judge, no baseline, no cache\n", latency, jobs)
	fmt.Printf("%-9s %6s %8s %8s %6s %13s %11s %16s\n", "souls", "cases", "wall", "ideal", "ratio", "run peak MB", "prepare MB", "one-process MB")
	for _, n := range sizes {
		file := filepath.Join(tmp, fmt.Sprintf("suites-%d.json", n))
		prep, err := child("-prepare", file, "-souls", fmt.Sprint(n), "-atlas", dir, "-per-soul", fmt.Sprint(perSoul))
		if err != nil {
			return err
		}
		row, err := child("-suites", file, "-latency", latency.String(), "-j", fmt.Sprint(jobs))
		if err != nil {
			return err
		}
		one, err := child("-whole", "-souls", fmt.Sprint(n), "-atlas", dir, "-per-soul", fmt.Sprint(perSoul), "-latency", latency.String(), "-j", fmt.Sprint(jobs))
		if err != nil {
			return err
		}
		o := strings.Fields(one)
		if len(o) != 5 {
			return fmt.Errorf("unexpected child output %q", one)
		}
		label := fmt.Sprint(n)
		if n == 0 {
			label = "all"
		}
		// prep: "souls peakMB"; row: "cases wall ideal ratio peakMB"
		p := strings.Fields(prep)
		r := strings.Fields(row)
		if len(p) != 2 || len(r) != 5 {
			return fmt.Errorf("unexpected child output %q / %q", prep, row)
		}
		if n == 0 {
			label = "all(" + p[0] + ")"
		}
		fmt.Printf("%-9s %6s %7ss %7ss %5sx %13s %11s %16s\n", label, r[0], r[1], r[2], r[3], r[4], p[1], o[4])
	}
	return nil
}

func child(args ...string) (string, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func findAtlas() string {
	wd, _ := os.Getwd()
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		p := filepath.Join(d, "..", "shared", "atlas", "souls")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	return "../shared/atlas/souls"
}

// prepareSuites does what `soulc eval DIR -t openai --baseline off` does
// before sending: load, extract (deterministic), compile.
func prepareSuites(atlas string, n, perSoul int, file string) error {
	suites, nsouls, err := buildSuites(atlas, n, perSoul)
	if err != nil {
		return err
	}
	b, err := json.Marshal(suites)
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return err
	}
	fmt.Printf("%d %.1f\n", nsouls, peakMB())
	return nil
}

// buildSuites loads, extracts and compiles the first n atlas SOULs.
func buildSuites(atlas string, n, perSoul int) ([]runner.Suite, int, error) {
	paths, err := load.Expand([]string{atlas})
	if err != nil {
		return nil, 0, err
	}
	if n > 0 && n < len(paths) {
		paths = paths[:n]
	}
	tgt, err := targets.NewRegistry().Lookup("openai")
	if err != nil {
		return nil, 0, err
	}
	var suites []runner.Suite
	for _, p := range paths {
		s, err := load.Load(p, load.Options{})
		if err != nil {
			return nil, 0, err
		}
		cf, _, err := cases.Extract(s, cases.ExtractOptions{})
		if err != nil {
			continue // a SOUL without Scenarios
		}
		if len(cf.Cases) > perSoul {
			cf.Cases = cf.Cases[:perSoul]
		}
		st, err := runner.NewSuite(s, cf, runner.PrepareOptions{Target: tgt, Budgets: []int{tgt.DefaultBudget},
			Baseline: runner.BaselineOff, Compile: compile.Options{}})
		if err != nil {
			return nil, 0, err
		}
		suites = append(suites, st)
	}
	return suites, len(paths), nil
}

// wholeProcess does both phases in one process, as soulc eval does, so its
// peak is the number a user sees.
func wholeProcess(atlas string, n, perSoul int, latency time.Duration, jobs int) error {
	suites, _, err := buildSuites(atlas, n, perSoul)
	if err != nil {
		return err
	}
	return runLoaded(suites, latency, jobs)
}

func runSuites(file string, latency time.Duration, jobs int) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var suites []runner.Suite
	if err := json.Unmarshal(b, &suites); err != nil {
		return err
	}
	return runLoaded(suites, latency, jobs)
}

// runLoaded runs the suites against an in-process fake server and prints
// "cases wall ideal ratio peakMB".
func runLoaded(suites []runner.Suite, latency time.Duration, jobs int) error {
	ncases := 0
	for _, s := range suites {
		ncases += len(s.Cases)
	}
	srv := fakeapi.New(fakeapi.Config{Latency: latency, KeepLast: -1})
	defer srv.Close()
	client, err := provider.NewClient(provider.Endpoint{Name: "fake", BaseURL: srv.URL()},
		provider.Options{Concurrency: jobs, RequestTimeout: 30 * time.Second})
	if err != nil {
		return err
	}
	out, err := os.MkdirTemp("", "evalbench-out-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(out)
	if p := os.Getenv("EVALBENCH_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res, err := runner.Run(context.Background(), suites, runner.Options{
		Model: client, ModelName: "bench-model", Endpoint: srv.URL(),
		Params:      provider.Params{Temperature: provider.Float64(0), MaxTokens: 256},
		Plan:        runner.PlanOptions{Samples: 1},
		Concurrency: jobs, OutDir: out, Force: true,
	})
	if err != nil {
		return err
	}
	wall := time.Since(start)
	if t := res.Summary.Totals; t.Errors != 0 || t.Stopped != "" || res.Planned != ncases {
		return fmt.Errorf("run incomplete: planned %d of %d cases, %d errors, stopped %q", res.Planned, ncases, t.Errors, t.Stopped)
	}
	ideal := time.Duration(float64(ncases) * float64(latency) / float64(jobs))
	fmt.Printf("%d %.2f %.2f %.2f %.1f\n", ncases, wall.Seconds(), ideal.Seconds(), wall.Seconds()/ideal.Seconds(), peakMB())
	return nil
}

// peakMB reads VmHWM (peak resident set) from /proc/self/status.
func peakMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return -1
}
