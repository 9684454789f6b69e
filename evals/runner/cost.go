package runner

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/soulc/soulc/evals/results"
)

// Price is USD per million tokens.
type Price struct {
	In  float64 `json:"in_per_mtok"`
	Out float64 `json:"out_per_mtok"`
}

// Prices maps a model name to its price. A model matches its exact name or
// the longest name that is a prefix of it followed by "-" (so dated
// snapshots such as gpt-4o-mini-2024-07-18 take gpt-4o-mini's price).
type Prices map[string]Price

// DefaultPrices is deliberately small: standard (non-batch, non-cached)
// list prices in USD per million tokens for a few OpenAI models. Written
// 2026-11-27 and cross-checked only against third-party summaries of
// OpenAI's pricing page dated March-June 2026 (deploybase.ai, aumiqx.com,
// tokenmath.io), not the page itself; one other summary lists GPT-4.1 at
// $1/$4. Override or extend with --price MODEL=IN/OUT. Unknown models cost
// 0 and are reported as "unknown price".
func DefaultPrices() Prices {
	return Prices{
		"gpt-4o":        {2.50, 10.00},
		"gpt-4o-mini":   {0.15, 0.60},
		"gpt-4.1":       {2.00, 8.00},
		"gpt-4.1-mini":  {0.40, 1.60},
		"gpt-4.1-nano":  {0.10, 0.40},
		"o4-mini":       {1.10, 4.40},
		"o3-mini":       {1.10, 4.40},
		"gpt-3.5-turbo": {0.50, 1.50},
		"gpt-5":         {1.25, 10.00},
		"gpt-5-mini":    {0.25, 2.00},
		"gpt-5-nano":    {0.05, 0.40},
	}
}

// Lookup returns the price of model and whether it is known.
func (p Prices) Lookup(model string) (Price, bool) {
	if pr, ok := p[model]; ok {
		return pr, true
	}
	best := ""
	for name := range p {
		if strings.HasPrefix(model, name+"-") && len(name) > len(best) {
			best = name
		}
	}
	if best == "" {
		return Price{}, false
	}
	return p[best], true
}

// Cost is the price of in prompt and out completion tokens (0 if unknown).
func (p Prices) Cost(model string, in, out int) float64 {
	pr, ok := p.Lookup(model)
	if !ok {
		return 0
	}
	return (float64(in)*pr.In + float64(out)*pr.Out) / 1e6
}

// ParsePrice reads "MODEL=IN/OUT" (USD per million tokens).
func ParsePrice(s string) (string, Price, error) {
	name, v, ok := strings.Cut(s, "=")
	a, b, ok2 := strings.Cut(v, "/")
	in, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	out, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if !ok || !ok2 || strings.TrimSpace(name) == "" || err1 != nil || err2 != nil || in < 0 || out < 0 {
		return "", Price{}, fmt.Errorf("price %q is not MODEL=IN/OUT in USD per million tokens", s)
	}
	return strings.TrimSpace(name), Price{in, out}, nil
}

// Unknown lists which of models have no price, sorted.
func (p Prices) Unknown(models ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range models {
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		if _, ok := p.Lookup(m); !ok {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// estimateTokens is a conservative token estimate for text sent to a model
// whose tokenizer the runner does not know: one token per 3 bytes, plus
// per-message framing.
func estimateTokens(s string) int { return (len(s)+2)/3 + 4 }

// AssumedMaxTokens is the completion length assumed for estimates and the
// --max-cost reservation when no max_tokens is sent.
const AssumedMaxTokens = 1024

// JudgeMaxTokens is the judge's completion limit (sent with every judge
// request) and its completion assumption in estimates.
const JudgeMaxTokens = 2048

// Estimate is a dry run's forecast.
type Estimate struct {
	Items         int // work items in the plan (this shard)
	ModelRequests int
	JudgeRequests int // first judge requests; a retry can add one per item
	// PromptTokens and CompletionTokens are upper-bound estimates: prompts
	// from the text (compiled prompts by their exact count), answers at
	// max_tokens (or AssumedMaxTokens), judge replies at JudgeMaxTokens.
	PromptTokens     int
	CompletionTokens int
	// CostUSD is the upper bound without judge retries; 0 for unknown prices.
	CostUSD       float64
	UnknownPrices []string
}

// EstimateRun forecasts requests, tokens and cost before anything is sent.
// It does not consult the cache: cached requests would cost nothing.
func EstimateRun(suites []Suite, opt Options) Estimate {
	if opt.Prices == nil {
		opt.Prices = DefaultPrices()
	}
	opt.Plan.Calibration = opt.Plan.Calibration && opt.Judge != nil
	items := Plan(suites, opt.Plan)
	r := &run{opt: opt, suites: suites}
	e := Estimate{Items: len(items)}
	jm := ""
	if opt.Judge != nil {
		jm = opt.Judge.Model
	}
	for _, it := range items {
		msgs, turns := r.messages(it)
		c := &suites[it.Suite].Cases[it.Case]
		answer := r.maxTokens()
		if it.Kind == results.KindSample {
			e.ModelRequests++
			in := 0
			for i, m := range msgs {
				if i == 0 && it.Cond >= 0 && suites[it.Suite].Conditions[it.Cond].System != "" && suites[it.Suite].Conditions[it.Cond].Tokens > 0 {
					in += suites[it.Suite].Conditions[it.Cond].Tokens
					continue
				}
				in += estimateTokens(m.Content)
			}
			e.PromptTokens += in
			e.CompletionTokens += answer
			e.CostUSD += opt.Prices.Cost(opt.ModelName, in, answer)
		} else {
			answer = estimateTokens(c.Reference)
		}
		if opt.Judge == nil {
			continue
		}
		e.JudgeRequests++
		jin := judgeOverheadTokens + answer
		for _, t := range turns {
			jin += estimateTokens(t)
		}
		for _, x := range c.Rubric {
			jin += estimateTokens(x)
		}
		for _, x := range c.MustNot {
			jin += estimateTokens(x)
		}
		e.PromptTokens += jin
		e.CompletionTokens += JudgeMaxTokens
		e.CostUSD += opt.Prices.Cost(jm, jin, JudgeMaxTokens)
	}
	e.UnknownPrices = opt.Prices.Unknown(opt.ModelName, jm)
	return e
}
