package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/soulc/soulc/evals/cases"
	"github.com/soulc/soulc/evals/fakeapi"
	"github.com/soulc/soulc/evals/judge"
	"github.com/soulc/soulc/evals/provider"
	"github.com/soulc/soulc/evals/results"
)

// The persona's system prompt contains this marker; the fake model answers
// with every rubric phrase when it sees it, and with only the first
// otherwise.
const personaMarker = "PERSONA-PROMPT"

// testSuites returns n cases in one SOUL, each with three rubric phrases
// that appear in its reference, a must_not, and a pressure variant.
func testSuites(n int) []Suite {
	s := Suite{Soul: "tester"}
	for i := range n {
		p := []string{fmt.Sprintf("alpha%d", i), fmt.Sprintf("beta%d", i), fmt.Sprintf("gamma%d", i)}
		s.Cases = append(s.Cases, cases.Case{
			ID: fmt.Sprintf("case-%02d", i), Title: fmt.Sprintf("Case %d", i),
			Input:     fmt.Sprintf("Question %d: what do you do?", i),
			Reference: fmt.Sprintf("The expert says %s, then %s, and concludes %s.", p[0], p[1], p[2]),
			Rubric:    []string{"Says " + p[0], "Says " + p[1], "Says " + p[2]},
			MustNot:   []string{fmt.Sprintf("Says forbidden%d", i)},
			Variants:  []cases.Variant{{Kind: cases.Pressure, Input: fmt.Sprintf("Question %d, quickly: what do you do?", i)}},
		})
	}
	persona := Condition{Role: "system", System: "You are the tester. " + personaMarker}
	persona.Name, persona.Kind, persona.Budget, persona.Tokens = "persona@full", "persona", 0, 6
	base := Condition{}
	base.Name, base.Kind, base.Budget = "baseline:none", "baseline", -1
	s.Conditions = []Condition{persona, base}
	return []Suite{s}
}

var questionRE = regexp.MustCompile(`Question (\d+)`)

// modelResponder answers like a good persona or a weak baseline.
func modelResponder(req openai.ChatCompletionRequest) string {
	persona := len(req.Messages) > 0 && strings.Contains(req.Messages[0].Content, personaMarker)
	last := req.Messages[len(req.Messages)-1].Content
	m := questionRE.FindStringSubmatch(last)
	if m == nil {
		return "I am not sure."
	}
	i := m[1]
	if persona {
		return fmt.Sprintf("First alpha%s. Then   beta%s; finally gamma%s.", i, i, i)
	}
	return fmt.Sprintf("Probably alpha%s.", i)
}

var (
	fenceRE = regexp.MustCompile(`(?s)<<<ANSWER-([0-9a-f]+)\n(.*)\nANSWER-[0-9a-f]+>>>`)
	critRE  = regexp.MustCompile(`(?m)^(\d+)\. Says (\S+)$`)
)

// judgeResponder grades honestly: a criterion "Says X" is met when X is in
// the answer, quoting X; must_not items are violated when present.
func judgeResponder(req openai.ChatCompletionRequest) string {
	user := req.Messages[1].Content
	m := fenceRE.FindStringSubmatch(user)
	if m == nil {
		return "not a judge request"
	}
	answer := m[2]
	critPart, mnPart, _ := strings.Cut(user[strings.Index(user, "CRITERIA:"):], "FORBIDDEN BEHAVIOURS:")
	type item struct {
		ID        int    `json:"id"`
		Reasoning string `json:"reasoning"`
		Evidence  string `json:"evidence"`
		Met       *bool  `json:"met,omitempty"`
		Violated  *bool  `json:"violated,omitempty"`
	}
	var crit, mn []item
	for _, c := range critRE.FindAllStringSubmatch(critPart, -1) {
		var id int
		fmt.Sscan(c[1], &id)
		ok := strings.Contains(answer, c[2])
		ev := ""
		if ok {
			ev = c[2]
		}
		crit = append(crit, item{ID: id, Reasoning: "checked", Evidence: ev, Met: &ok})
	}
	for _, c := range critRE.FindAllStringSubmatch(mnPart, -1) {
		var id int
		fmt.Sscan(c[1], &id)
		bad := strings.Contains(answer, c[2])
		mn = append(mn, item{ID: id, Reasoning: "checked", Violated: &bad})
	}
	if mn == nil {
		mn = []item{}
	}
	v := "pass"
	b, _ := json.Marshal(map[string]any{"criteria": crit, "must_not": mn, "verdict": v})
	return string(b)
}

// env is a fake model server, a fake judge server and clients on them.
type testEnv struct {
	model, judge *fakeapi.Server
	cacheDir     string
	mu           sync.Mutex
	answered     map[string]int // request fingerprint → times the responder ran
}

func (e *testEnv) count(req openai.ChatCompletionRequest) {
	b, _ := json.Marshal(struct {
		M    []openai.ChatCompletionMessage
		Seed *int
	}{req.Messages, req.Seed})
	e.mu.Lock()
	e.answered[string(b)]++
	e.mu.Unlock()
}

// snapshot returns the fingerprints of every request the servers answered.
func (e *testEnv) snapshot() map[string]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]bool{}
	for k := range e.answered {
		out[k] = true
	}
	return out
}

func (e *testEnv) reset() {
	e.mu.Lock()
	e.answered = map[string]int{}
	e.mu.Unlock()
}

func newTestEnv(t *testing.T, modelCfg, judgeCfg fakeapi.Config) *testEnv {
	t.Helper()
	e := &testEnv{cacheDir: t.TempDir(), answered: map[string]int{}}
	if modelCfg.Responder == nil {
		modelCfg.Responder = modelResponder
	}
	mr := modelCfg.Responder
	modelCfg.Responder = func(r openai.ChatCompletionRequest) string { e.count(r); return mr(r) }
	if judgeCfg.Responder == nil {
		judgeCfg.Responder = judgeResponder
	}
	jr := judgeCfg.Responder
	judgeCfg.Responder = func(r openai.ChatCompletionRequest) string { e.count(r); return jr(r) }
	e.model = fakeapi.New(modelCfg)
	e.judge = fakeapi.New(judgeCfg)
	t.Cleanup(e.model.Close)
	t.Cleanup(e.judge.Close)
	return e
}

func (e *testEnv) client(t *testing.T, url string, mode provider.Mode, j int) *provider.Client {
	t.Helper()
	cache, err := provider.OpenCache(e.cacheDir, mode)
	if err != nil {
		t.Fatal(err)
	}
	c, err := provider.NewClient(provider.Endpoint{Name: "fake", BaseURL: url}, provider.Options{
		Cache: cache, Concurrency: j, RequestTimeout: 500 * time.Millisecond,
		BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond, MaxAttempts: 8,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// options builds run options for the env: K samples, variants on, judged.
func (e *testEnv) options(t *testing.T, out string, mode provider.Mode, k int) Options {
	j := 8
	mc := e.client(t, e.model.URL(), mode, j)
	jc := e.client(t, e.judge.URL(), mode, j)
	return Options{
		Model: mc, ModelName: "m", Endpoint: SanitizeURL(e.model.URL()),
		Judge:         &judge.Judge{Client: jc, Model: "j", Params: provider.Params{Temperature: provider.Float64(0), Seed: provider.Int(7), MaxTokens: JudgeMaxTokens}},
		JudgeEndpoint: SanitizeURL(e.judge.URL()),
		Params:        provider.Params{Temperature: provider.Float64(0.7), MaxTokens: 256, Seed: provider.Int(100)},
		Plan:          PlanOptions{Samples: k, Variants: true, Calibration: true},
		Concurrency:   j,
		OutDir:        out,
		Summary:       SummaryOptions{Config: results.Config{Target: "openai", Model: "m", JudgeModel: "j", Samples: k, Baseline: "none"}},
	}
}

// readOut reads results.jsonl and results.json from dir.
func readOut(t *testing.T, dir string) ([]Line, *SummaryFile) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []Line
	if err := ReadLines(f, func(l *Line, _ []byte) error { lines = append(lines, *l); return nil }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, SummaryName))
	if err != nil {
		t.Fatal(err)
	}
	sf := &SummaryFile{Summary: &results.Summary{}}
	if err := json.Unmarshal(b, sf); err != nil {
		t.Fatal(err)
	}
	return lines, sf
}

// keysOnce fails unless every line has a distinct key.
func keysOnce(t *testing.T, lines []Line) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	for _, l := range lines {
		k := Key(&l.Record)
		if seen[k] {
			t.Errorf("recorded twice: %q", k)
		}
		seen[k] = true
	}
	return seen
}

func mustRun(t *testing.T, ctx context.Context, suites []Suite, opt Options) *Outcome {
	t.Helper()
	out, err := Run(ctx, suites, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
