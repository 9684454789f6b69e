package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/evals/judge"
	"github.com/soulc/soulc/evals/provider"
	"github.com/soulc/soulc/evals/results"
	"github.com/soulc/soulc/internal/atomicfile"
)

// Output file names in the out directory.
const (
	RecordsFile = "results.jsonl"
	SummaryName = "results.json"
)

// Stop reasons (results.Totals.Stopped).
const (
	StoppedMaxCost     = "max-cost"
	StoppedInterrupted = "interrupted"
	StoppedReplayMiss  = "replay-miss"
)

// ErrOutExists is returned when the out directory already holds results
// and neither Resume nor Force is set.
var ErrOutExists = errors.New("already holds results")

// Options configure a run.
type Options struct {
	// Model is the client for the model under test; ModelName the model
	// asked for; Endpoint its scheme://host/path (for records, no key).
	Model     judge.Completer
	ModelName string
	Endpoint  string
	// Judge grades answers; nil collects answers only (--judge-model none).
	Judge         *judge.Judge
	JudgeEndpoint string
	// Params are sent to the model under test. With a Seed, sample i is
	// sent Seed+i so repeated samples are independent draws.
	Params      provider.Params
	Plan        PlanOptions
	Concurrency int // -j; < 1 means 1
	OutDir      string
	Resume      bool // skip work already in OutDir/results.jsonl
	Force       bool // overwrite existing results
	// MaxCost (USD) stops scheduling before spent + in-flight worst case
	// would pass it; 0 is no cap.
	MaxCost float64
	Prices  Prices
	Summary SummaryOptions
	// Progress, if set, is called after every written record, from the
	// single writer (never concurrently).
	Progress func(Progress)
	// Stop, when closed, stops scheduling new items; items in flight finish
	// and are recorded (what was paid for is kept), and the run ends as
	// "interrupted". Cancelling Run's ctx instead aborts in-flight requests,
	// which are then not recorded.
	Stop <-chan struct{}
	// Reports, if set, writes the human reports after results.json.
	Reports func(dir string, sum *results.Summary, recordsPath string) error
}

// Progress is a snapshot for a progress display.
type Progress struct {
	Done, Total          int // items written this run / items planned this run
	Resumed              int // items skipped because already recorded
	Errors, Unscored     int
	Cached               int
	CostUSD              float64 // spent this run
	Elapsed              time.Duration
	LastCase, LastStatus string
}

// Outcome is what a run produced.
type Outcome struct {
	Summary *SummaryFile
	// Planned is the number of items in this shard's plan; Resumed of them
	// were already recorded.
	Planned, Resumed int
	// ReplayMisses counts requests the cache could not answer in Replay
	// mode; FirstMiss describes the first.
	ReplayMisses int
	FirstMiss    string
	// Dropped counts lines of a resumed results.jsonl that are not in this
	// run's plan (the flags changed); they were removed from the file.
	Dropped int
}

// SanitizeURL returns scheme://host/path of a URL, dropping credentials,
// query and fragment, for records.
func SanitizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// Run executes the plan for suites. It returns an error only when it
// could not write its outputs; a run stopped early (cap, Stop or ctx,
// replay miss) returns its Outcome with Summary.Totals.Stopped set and
// every finished record kept.
func Run(ctx context.Context, suites []Suite, opt Options) (*Outcome, error) {
	start := time.Now()
	if opt.Prices == nil {
		opt.Prices = DefaultPrices()
	}
	judgeModel := ""
	if opt.Judge != nil {
		judgeModel = opt.Judge.Model
	}
	opt.Plan.Calibration = opt.Plan.Calibration && opt.Judge != nil
	items := Plan(suites, opt.Plan)
	out := &Outcome{Planned: len(items)}

	if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("out dir: %w", err)
	}
	path := filepath.Join(opt.OutDir, RecordsFile)
	agg := NewAggregator()
	done := map[string]bool{}
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = itemKey(suites, it, opt.ModelName, judgeModel)
	}
	if opt.Resume {
		planned := make(map[string]bool, len(keys))
		for _, k := range keys {
			planned[k] = true
		}
		n, err := resumeFrom(path, agg, done, planned)
		if err != nil {
			return nil, err
		}
		out.Dropped = n
	} else if st, err := os.Stat(path); err == nil && st.Size() > 0 && !opt.Force {
		return nil, fmt.Errorf("%s %w: use --resume to continue it, --force to overwrite, or another --out", opt.OutDir, ErrOutExists)
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if opt.Resume {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer f.Close()

	var todo []Item
	for i, it := range items {
		if done[keys[i]] {
			out.Resumed++
			continue
		}
		todo = append(todo, it)
	}

	w := &writer{bw: bufio.NewWriterSize(f, 64<<10), agg: agg, progress: opt.Progress, start: start}
	w.prog.Total, w.prog.Resumed = len(todo), out.Resumed

	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &run{opt: opt, suites: suites, w: w, cancel: cancel}

	stopped := ""
	var g errgroup.Group
	g.SetLimit(max(opt.Concurrency, 1))
	stopRequested := func() bool {
		select {
		case <-opt.Stop:
			return true
		default:
			return rctx.Err() != nil
		}
	}
	for _, it := range todo {
		if stopRequested() {
			break
		}
		worst := r.worstCost(it)
		if !r.reserve(worst) {
			stopped = StoppedMaxCost
			break
		}
		g.Go(func() error {
			r.do(rctx, it, worst)
			return nil
		})
	}
	_ = g.Wait()
	if err := w.close(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	out.ReplayMisses, out.FirstMiss = r.misses, r.firstMiss
	switch {
	case w.err != nil:
		return nil, w.err
	case r.misses > 0:
		stopped = StoppedReplayMiss
	case stopped == "" && stopRequested():
		stopped = StoppedInterrupted
	}

	so := opt.Summary
	so.Graded = opt.Judge != nil
	so.WallSeconds = time.Since(start).Seconds()
	so.Stopped = stopped
	sum := agg.Summary(so)
	sum.UnknownPrices = opt.Prices.Unknown(opt.ModelName, judgeModel)
	if opt.Judge != nil {
		sum.ScoreThreshold = opt.Judge.Threshold
		if sum.ScoreThreshold <= 0 {
			sum.ScoreThreshold = judge.DefaultThreshold
		}
	}
	out.Summary = sum
	if err := WriteSummary(opt.OutDir, sum); err != nil {
		return out, err
	}
	if opt.Reports != nil {
		if err := opt.Reports(opt.OutDir, sum.Summary, path); err != nil {
			return out, fmt.Errorf("reports: %w", err)
		}
	}
	return out, nil
}

// WriteSummary writes results.json atomically, with empty lists as []
// rather than null.
func WriteSummary(dir string, sum *SummaryFile) error {
	s := sum.Summary.WithEmptyLists()
	out := *sum
	out.Summary = &s
	b, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, SummaryName), append(b, '\n'), 0o644)
}

// run is the state shared by the workers.
type run struct {
	opt    Options
	suites []Suite
	w      *writer
	cancel context.CancelFunc

	mu        sync.Mutex
	spent     float64
	reserved  float64
	misses    int
	firstMiss string
}

// reserve books an item's worst-case cost against --max-cost.
func (r *run) reserve(worst float64) bool {
	if r.opt.MaxCost <= 0 {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.spent+r.reserved+worst > r.opt.MaxCost {
		return false
	}
	r.reserved += worst
	return true
}

func (r *run) settle(worst, actual float64) {
	r.mu.Lock()
	r.reserved -= worst
	r.spent += actual
	r.mu.Unlock()
}

func (r *run) miss(err error) {
	r.mu.Lock()
	r.misses++
	if r.firstMiss == "" {
		r.firstMiss = err.Error()
	}
	r.mu.Unlock()
	r.cancel() // replay fails fast
}

// messages builds the request for a sample item.
func (r *run) messages(it Item) ([]provider.Message, []string) {
	s := &r.suites[it.Suite]
	c := &s.Cases[it.Case]
	turns := cases.Messages(c.Input, c.Turns)
	if it.Variant >= 0 {
		v := c.Variants[it.Variant]
		turns = cases.Messages(v.Input, v.Turns)
	}
	var msgs []provider.Message
	if it.Cond >= 0 {
		if cond := s.Conditions[it.Cond]; cond.System != "" {
			msgs = append(msgs, provider.Message{Role: cond.Role, Content: cond.System})
		}
	}
	// Turns are sent as consecutive user messages (no model replies in
	// between).
	for _, t := range turns {
		msgs = append(msgs, provider.Message{Role: "user", Content: t})
	}
	return msgs, turns
}

// worstCost is an upper bound on what an item can cost, for --max-cost.
func (r *run) worstCost(it Item) float64 {
	if r.opt.MaxCost <= 0 {
		return 0
	}
	model, jm := r.estimate(it)
	return model + jm
}

// estimate returns the worst-case cost of the item's model request and of
// its grading (a judge retry included).
func (r *run) estimate(it Item) (model, grading float64) {
	msgs, turns := r.messages(it)
	c := &r.suites[it.Suite].Cases[it.Case]
	answerTok := r.maxTokens()
	if it.Kind == results.KindSample {
		in := 0
		for _, m := range msgs {
			in += estimateTokens(m.Content)
		}
		model = r.opt.Prices.Cost(r.opt.ModelName, in, answerTok)
	} else {
		answerTok = estimateTokens(c.Reference)
	}
	if r.opt.Judge != nil {
		jin := judgeOverheadTokens + answerTok
		for _, t := range turns {
			jin += estimateTokens(t)
		}
		for _, x := range c.Rubric {
			jin += estimateTokens(x)
		}
		for _, x := range c.MustNot {
			jin += estimateTokens(x)
		}
		// One retry resends the prompt with the first reply.
		grading = r.opt.Prices.Cost(r.opt.Judge.Model, 2*jin+JudgeMaxTokens, 2*JudgeMaxTokens)
	}
	return model, grading
}

// judgeOverheadTokens stands for the judge's fixed instructions, fences and
// reply framing in estimates (the instructions are ~350 tokens).
const judgeOverheadTokens = 500

func (r *run) maxTokens() int {
	if r.opt.Params.MaxTokens > 0 {
		return r.opt.Params.MaxTokens
	}
	return AssumedMaxTokens
}

// do runs one item and writes its record. A cancelled item writes nothing
// (it is not finished; --resume will run it).
func (r *run) do(ctx context.Context, it Item, worst float64) {
	s := &r.suites[it.Suite]
	c := &s.Cases[it.Case]
	line := &Line{Record: results.Record{
		Schema: results.SchemaVersion, Kind: it.Kind, Soul: s.Soul, Case: c.ID, CaseTitle: c.Title,
		Variant: variantName(c, it.Variant), Sample: it.Sample, Control: it.Control,
	}}
	rec := &line.Record
	msgs, turns := r.messages(it)
	answer := ""
	var cost float64
	if it.Kind == results.KindSample {
		rec.Condition = s.Conditions[it.Cond].Condition
		rec.Model, rec.Endpoint = r.opt.ModelName, r.opt.Endpoint
		params := r.opt.Params
		if params.Seed != nil {
			params.Seed = provider.Int(*params.Seed + it.Sample)
		}
		rec.Params = results.Params{Temperature: params.Temperature, MaxTokens: params.MaxTokens, Seed: params.Seed}
		rec.Messages = make([]results.Message, len(msgs))
		for i, m := range msgs {
			rec.Messages[i] = results.Message{Role: m.Role, Content: m.Content}
		}
		t0 := time.Now()
		resp, err := r.opt.Model.Complete(ctx, provider.Request{Model: r.opt.ModelName, Messages: msgs, Params: params, SampleIndex: it.Sample})
		rec.LatencyMS = ms(time.Since(t0))
		rec.Attempts = attempts(resp.Attempts)
		if err != nil {
			if r.skip(ctx, err) {
				r.settle(worst, 0)
				return
			}
			rec.Error = err.Error()
			r.finish(line, worst)
			return
		}
		answer = resp.Content
		rec.Answer, rec.ResponseModel, rec.SystemFingerprint = resp.Content, resp.Model, resp.SystemFingerprint
		rec.PromptTokens, rec.CompletionTokens, rec.Cached = resp.PromptTokens, resp.CompletionTokens, resp.Cached
		if !resp.Cached {
			cost = r.opt.Prices.Cost(r.opt.ModelName, resp.PromptTokens, resp.CompletionTokens)
		}
	} else {
		rec.Condition = controlCondition(it.Control)
		answer = c.Reference
		if it.Control == judge.ControlNegative {
			answer = r.suites[it.OtherSuite].Cases[it.OtherCase].Reference
		}
		rec.Answer = answer
	}
	rec.CostUSD = cost

	if r.opt.Judge == nil {
		rec.Grade = &results.Grade{Status: results.Ungraded}
		r.finish(line, worst)
		return
	}
	t0 := time.Now()
	g, u, err := r.opt.Judge.Grade(ctx, judge.Input{Turns: turns, Rubric: c.Rubric, MustNot: c.MustNot, Answer: answer})
	if err != nil && r.skip(ctx, err) {
		r.settle(worst, cost)
		return
	}
	if it.Kind == results.KindCalibration {
		rec.Model, rec.Endpoint = r.opt.Judge.Model, r.opt.JudgeEndpoint
	}
	rec.Grade = &g
	if err != nil {
		// The judge could not be reached after retries: the item failed
		// (not a grade), so --resume grades it again; the answer is cached.
		rec.Error = g.Error
	}
	ju := &results.JudgeUsage{Model: r.opt.Judge.Model, Endpoint: r.opt.JudgeEndpoint, Requests: u.Requests, Attempts: u.Attempts, Cached: u.Cached,
		PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, LatencyMS: ms(time.Since(t0)),
		ResponseModel: u.Model, SystemFingerprint: u.SystemFingerprint}
	if u.Cached < u.Requests {
		ju.CostUSD = r.opt.Prices.Cost(r.opt.Judge.Model, u.PromptTokens, u.CompletionTokens)
	}
	rec.Judge = ju
	rec.CostUSD += ju.CostUSD
	r.finish(line, worst)
}

// skip reports whether a failed request leaves the item unfinished rather
// than recorded: a cancellation, or a replay cache miss (which also stops
// the run).
func (r *run) skip(ctx context.Context, err error) bool {
	if errors.Is(err, provider.ErrCacheMiss) {
		r.miss(err)
		return true
	}
	return ctx.Err() != nil || errors.Is(err, context.Canceled)
}

func (r *run) finish(l *Line, worst float64) {
	r.settle(worst, l.CostUSD)
	r.w.write(l)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func attempts(as []provider.Attempt) []results.Attempt {
	if len(as) == 0 {
		return nil
	}
	out := make([]results.Attempt, len(as))
	for i, a := range as {
		out[i] = results.Attempt{Status: a.Status, Kind: a.Kind, Error: a.Err, LatencyMS: ms(a.Latency), WaitMS: ms(a.Wait)}
	}
	return out
}

// writer is the single place records are written and counted.
type writer struct {
	mu       sync.Mutex
	bw       *bufio.Writer
	agg      *Aggregator
	err      error
	progress func(Progress)
	prog     Progress
	start    time.Time
}

func (w *writer) write(l *Line) {
	b, err := json.Marshal(l)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	if err == nil {
		b = append(b, '\n')
		if _, err = w.bw.Write(b); err == nil {
			// Flush every line: results.jsonl is the run's durable record
			// (Ctrl-C or a crash keeps what finished).
			err = w.bw.Flush()
		}
	}
	if err != nil {
		w.err = fmt.Errorf("results: %w", err)
		return
	}
	w.agg.Add(l)
	p := &w.prog
	p.Done++
	if l.Error != "" {
		p.Errors++
	}
	if l.Grade != nil && l.Grade.Status == results.Unscored {
		p.Unscored++
	}
	if l.Cached {
		p.Cached++
	}
	p.CostUSD += l.CostUSD
	p.Elapsed = time.Since(w.start)
	p.LastCase = l.Soul + "/" + l.Case
	p.LastStatus = ""
	if l.Grade != nil {
		p.LastStatus = l.Grade.Status
	}
	if l.Error != "" {
		p.LastStatus = "error"
	}
	if w.progress != nil {
		w.progress(*p)
	}
}

func (w *writer) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	return w.bw.Flush()
}

// resumeFrom reads an existing results.jsonl: finished lines (no request
// error) of planned items are counted and marked done; lines with a request
// error are dropped so their items run again; lines outside the plan are
// dropped and counted; a torn last line (a crash mid-write) is dropped. The
// file is rewritten with the kept lines, so every key appears once.
func resumeFrom(path string, agg *Aggregator, done, planned map[string]bool) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("resume: %w", err)
	}
	defer f.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".results-*.jsonl")
	if err != nil {
		return 0, fmt.Errorf("resume: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 64<<10)
	dropped := 0
	err = ReadLines(f, func(l *Line, raw []byte) error {
		if l.Error != "" {
			return nil
		}
		k := Key(&l.Record)
		if !planned[k] {
			dropped++
			return nil
		}
		if done[k] {
			return nil
		}
		done[k] = true
		agg.Add(l)
		_, err := bw.Write(append(raw, '\n'))
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("resume %s: %w", path, err)
	}
	return dropped, os.Rename(tmp.Name(), path)
}

// ReadLines calls fn for every line of a results.jsonl stream. An
// unparseable line is an error unless it is the last (a torn write).
func ReadLines(r io.Reader, fn func(l *Line, raw []byte) error) error {
	br := bufio.NewReaderSize(r, 256<<10)
	var pending error
	for n := 1; ; n++ {
		raw, err := br.ReadBytes('\n')
		if len(raw) > 0 {
			if pending != nil {
				return pending
			}
			raw = trimNL(raw)
			if len(raw) > 0 {
				var l Line
				if jerr := json.Unmarshal(raw, &l); jerr != nil {
					pending = fmt.Errorf("line %d: %v", n, jerr)
				} else if ferr := fn(&l, raw); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
