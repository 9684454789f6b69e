// Package results holds the data an eval run produces: one Record per
// request (streamed to results.jsonl as it arrives) and the run Summary
// (results.json) with its statistics. The runner (evals/runner) writes
// them; the reports (evals/report) only read them. The JSON field names are
// a documented contract (docs/results.md): add fields, never rename.
//
// It must not import cobra, compiler/, or go-openai.
package results

// SchemaVersion is written in every record and summary.
const SchemaVersion = 1

// Record kinds.
const (
	KindSample      = "sample"      // an answer from the model under test, graded
	KindCalibration = "calibration" // a judge control: a reference answer or another scenario's
)

// Grade statuses. An unscored sample is never counted as pass or fail.
const (
	Pass     = "pass"
	Fail     = "fail"
	Unscored = "unscored"
	Ungraded = "ungraded" // --judge-model none
)

// Condition names what produced an answer: the persona at a budget, or a
// baseline. The judge never sees it.
type Condition struct {
	Name   string `json:"name"`   // "persona@512", "persona@full", "baseline:none", "baseline:generic"
	Kind   string `json:"kind"`   // "persona" or "baseline"
	Budget int    `json:"budget"` // persona budget in tokens; 0 = full; -1 for baselines
	Tokens int    `json:"tokens"` // the compiled prompt's token count (0 for baseline:none)
}

// Message is one chat message as sent.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Attempt is one HTTP attempt behind a request (retries included).
type Attempt struct {
	Status    int     `json:"status,omitempty"`
	Kind      string  `json:"kind"` // ok, rate_limited, server_error, timeout, bad_body, network, client_error, canceled
	Error     string  `json:"error,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
	WaitMS    float64 `json:"wait_ms,omitempty"`
}

// Criterion is one rubric line as judged.
type Criterion struct {
	Text     string `json:"text"`
	MustNot  bool   `json:"must_not,omitempty"`
	Met      bool   `json:"met"`      // for must_not: true means the answer did the forbidden thing
	Evidence string `json:"evidence"` // a short quote from the answer
	// Voided is true when the quote does not occur in the answer: the
	// criterion then counts as not met (or, for must_not, as not violated).
	Voided bool `json:"voided,omitempty"`
}

// Grade is the judge's verdict on one answer, computed in code from the
// criteria (the judge's own verdict is recorded, never trusted).
type Grade struct {
	Status        string      `json:"status"` // pass, fail, unscored, ungraded
	Score         float64     `json:"score"`  // share of rubric criteria met
	Threshold     float64     `json:"threshold"`
	Criteria      []Criterion `json:"criteria,omitempty"`
	JudgeVerdict  string      `json:"judge_verdict,omitempty"` // what the judge said, for audit
	JudgeModel    string      `json:"judge_model,omitempty"`
	JudgeAttempts int         `json:"judge_attempts,omitempty"`
	Error         string      `json:"error,omitempty"` // why it is unscored
}

// Record is one line of results.jsonl.
type Record struct {
	Schema    int       `json:"schema"`
	Kind      string    `json:"kind"`
	Soul      string    `json:"soul"`
	Case      string    `json:"case"`
	CaseTitle string    `json:"case_title,omitempty"`
	Variant   string    `json:"variant,omitempty"` // "" for the original wording
	Condition Condition `json:"condition"`
	Sample    int       `json:"sample"`
	// Control is set for calibration records: "positive" (the case's
	// reference answer, must pass) or "negative" (another scenario's, must fail).
	Control           string    `json:"control,omitempty"`
	Model             string    `json:"model"`
	Endpoint          string    `json:"endpoint"` // scheme://host/path, never a key
	Params            Params    `json:"params"`
	Messages          []Message `json:"messages,omitempty"`
	Answer            string    `json:"answer"`
	ResponseModel     string    `json:"response_model,omitempty"`
	SystemFingerprint string    `json:"system_fingerprint,omitempty"`
	PromptTokens      int       `json:"prompt_tokens"`
	CompletionTokens  int       `json:"completion_tokens"`
	CostUSD           float64   `json:"cost_usd"`
	LatencyMS         float64   `json:"latency_ms"`
	Cached            bool      `json:"cached"`
	Attempts          []Attempt `json:"attempts,omitempty"`
	Grade             *Grade    `json:"grade,omitempty"`
	Error             string    `json:"error,omitempty"` // the request failed after retries
	// Judge is what grading this answer spent; nil when nothing was graded
	// (--judge-model none, or the request failed). CostUSD above already
	// includes Judge.CostUSD; the top-level token counts, Attempts and
	// LatencyMS are the answer's only.
	Judge *JudgeUsage `json:"judge,omitempty"`
}

// JudgeUsage is what grading one answer spent: one judge request, or two
// when the first reply could not be parsed.
type JudgeUsage struct {
	Model             string  `json:"model,omitempty"` // the judge model asked for
	Endpoint          string  `json:"endpoint"`        // scheme://host/path, never a key
	Requests          int     `json:"requests"`
	Attempts          int     `json:"attempts"` // HTTP attempts, retries included
	Cached            int     `json:"cached"`   // requests answered from the response cache
	PromptTokens      int     `json:"prompt_tokens"`
	CompletionTokens  int     `json:"completion_tokens"`
	CostUSD           float64 `json:"cost_usd"` // 0 when every request was cached or the price is unknown
	LatencyMS         float64 `json:"latency_ms"`
	ResponseModel     string  `json:"response_model,omitempty"`
	SystemFingerprint string  `json:"system_fingerprint,omitempty"`
}

// Params are the sampling parameters sent, recorded for reproducibility.
type Params struct {
	Temperature *float64 `json:"temperature,omitempty"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	Seed        *int     `json:"seed,omitempty"`
}

// Summary is results.json.
type Summary struct {
	Schema       int            `json:"schema"`
	SoulcVersion string         `json:"soulc_version"`
	Config       Config         `json:"config"`
	Cells        []Cell         `json:"cells"` // one per case × condition (× variant)
	Conditions   []ConditionSum `json:"conditions"`
	Lift         []Lift         `json:"lift"`
	BudgetCurve  []CurvePoint   `json:"budget_curve"`
	VariantDrop  []Drop         `json:"variant_drop"`
	Calibration  Calibration    `json:"calibration"`
	Totals       Totals         `json:"totals"`
	// Gate is the CI outcome from --min-pass / --min-lift.
	Gate Gate `json:"gate"`
	// ScoreThreshold is the share of rubric criteria one answer must meet
	// to pass (--threshold, the judge's). Config.Threshold is a different
	// number: the pass rate a cell's interval is compared with for its
	// verdict. 0 (omitted) when nothing was graded.
	ScoreThreshold float64 `json:"score_threshold,omitempty"`
	// UnknownPrices lists the models (under test or judge) with no known
	// price: their cost was counted as 0.
	UnknownPrices []string `json:"unknown_prices,omitempty"`
	// Shards lists the shards ("i/n") merged into this summary by
	// 'soulc eval merge'; empty for a single run.
	Shards []string `json:"shards,omitempty"`
}

// Config records how the run was made (no secrets).
type Config struct {
	Target     string   `json:"target"`
	Model      string   `json:"model"`
	JudgeModel string   `json:"judge_model"`
	Endpoint   string   `json:"endpoint"`
	Samples    int      `json:"samples"`
	Budgets    []string `json:"budgets"`
	Baseline   string   `json:"baseline"`
	Variants   []string `json:"variants,omitempty"`
	Threshold  float64  `json:"threshold"`
	Params     Params   `json:"params"`
	Shard      string   `json:"shard,omitempty"` // "i/n"
}

// Cell is one case under one condition: its pass rate with a Wilson 95%
// interval and the verdict (PASS, FAIL or INCONCLUSIVE).
type Cell struct {
	Case            string    `json:"case"`
	CaseTitle       string    `json:"case_title,omitempty"`
	Soul            string    `json:"soul"`
	Variant         string    `json:"variant,omitempty"`
	Condition       Condition `json:"condition"`
	Passes          int       `json:"passes"`
	Scored          int       `json:"scored"`
	Unscored        int       `json:"unscored"`
	Errors          int       `json:"errors"`
	Rate            float64   `json:"rate"`
	Lo              float64   `json:"lo"`
	Hi              float64   `json:"hi"`
	MeanScore       float64   `json:"mean_score"`
	Verdict         string    `json:"verdict"`
	SamplesToSettle int       `json:"samples_to_settle"` // 0 settled; -1 cannot settle
}

// ConditionSum pools every case for one condition.
type ConditionSum struct {
	Condition Condition `json:"condition"`
	Passes    int       `json:"passes"`
	Scored    int       `json:"scored"`
	Rate      float64   `json:"rate"`
	Lo        float64   `json:"lo"`
	Hi        float64   `json:"hi"`
}

// Lift is a persona condition's pass rate minus the baseline's, paired by
// case, with a bootstrap 95% interval. Significant only when it excludes 0.
type Lift struct {
	Condition   string  `json:"condition"`
	Baseline    string  `json:"baseline"`
	Mean        float64 `json:"mean"`
	Lo          float64 `json:"lo"`
	Hi          float64 `json:"hi"`
	Cases       int     `json:"cases"`
	Significant bool    `json:"significant"`
}

// CurvePoint is the pooled pass rate at one budget (0 = full).
type CurvePoint struct {
	Budget int     `json:"budget"`
	Tokens float64 `json:"tokens"` // mean compiled prompt tokens
	Rate   float64 `json:"rate"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
}

// Drop is the change from the original wording to a variant kind, paired by
// case, with a bootstrap 95% interval.
type Drop struct {
	Variant     string  `json:"variant"`
	Condition   string  `json:"condition"`
	Original    float64 `json:"original"`
	VariantRate float64 `json:"variant_rate"`
	Mean        float64 `json:"mean"` // variant − original (negative is a drop)
	Lo          float64 `json:"lo"`
	Hi          float64 `json:"hi"`
	Significant bool    `json:"significant"`
}

// Calibration reports the judge controls run with every eval.
type Calibration struct {
	PositivePass int     `json:"positive_pass"` // reference answers judged pass
	PositiveN    int     `json:"positive_n"`
	NegativeFail int     `json:"negative_fail"` // other scenarios' answers judged fail
	NegativeN    int     `json:"negative_n"`
	Threshold    float64 `json:"threshold"` // both rates must reach it
	Reliable     bool    `json:"reliable"`
	Note         string  `json:"note,omitempty"`
}

// Totals count what the run spent.
type Totals struct {
	Requests         int     `json:"requests"`
	Attempts         int     `json:"attempts"`
	CachedRequests   int     `json:"cached_requests"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	CostUSD          float64 `json:"cost_usd"`
	Unscored         int     `json:"unscored"`
	Errors           int     `json:"errors"`
	WallSeconds      float64 `json:"wall_seconds"`
	Stopped          string  `json:"stopped,omitempty"` // "max-cost", "interrupted": the run ended early
}

// Gate is the CI decision.
type Gate struct {
	MinPass float64  `json:"min_pass,omitempty"`
	MinLift float64  `json:"min_lift,omitempty"`
	Met     bool     `json:"met"`
	Reasons []string `json:"reasons,omitempty"`
}

// WithEmptyLists returns a copy of s whose nil lists are empty, so
// results.json always has [] rather than null and the same summary always
// encodes to the same bytes.
func (s Summary) WithEmptyLists() Summary {
	if s.Cells == nil {
		s.Cells = []Cell{}
	}
	if s.Conditions == nil {
		s.Conditions = []ConditionSum{}
	}
	if s.Lift == nil {
		s.Lift = []Lift{}
	}
	if s.BudgetCurve == nil {
		s.BudgetCurve = []CurvePoint{}
	}
	if s.VariantDrop == nil {
		s.VariantDrop = []Drop{}
	}
	if s.Config.Budgets == nil {
		s.Config.Budgets = []string{}
	}
	return s
}
