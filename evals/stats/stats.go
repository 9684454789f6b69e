package stats

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Z95 is the two-sided 95% standard-normal quantile (Φ⁻¹(0.975)).
const Z95 = 1.959963984540054

// SettleCap is the largest number of extra samples SamplesToSettle will
// consider. Beyond it the answer is CannotSettle.
const SettleCap = 10000

// CannotSettle is returned by SamplesToSettle when no number of extra samples
// up to SettleCap, drawn at the observed rate, would settle the verdict: the
// observed rate equals the threshold, there are no samples yet, or the
// required count exceeds SettleCap.
const CannotSettle = -1

// Outcome is a tri-state verdict for one case against a pass-rate threshold.
//
// (The brief asked for `Verdict(...) Verdict`; Go cannot have a type and a
// function with the same name in one package, so the type is Outcome.)
type Outcome string

const (
	// Pass: the whole Wilson 95% interval is at or above the threshold.
	Pass Outcome = "PASS"
	// Fail: the whole Wilson 95% interval is below the threshold.
	Fail Outcome = "FAIL"
	// Inconclusive: the interval straddles the threshold (or n == 0).
	Inconclusive Outcome = "INCONCLUSIVE"
)

// Wilson returns the Wilson score interval for successes out of n trials at
// normal quantile z (use Z95 for 95%). n <= 0 gives the uninformative [0, 1].
// successes is clamped to [0, n]. The bounds are clamped to [0, 1] and are
// exact at the edges: 0/n gives lo = 0, n/n gives hi = 1.
func Wilson(successes, n int, z float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	successes = max(0, min(successes, n))
	lo, hi = wilsonRate(float64(successes)/float64(n), float64(n), z)
	if successes == 0 {
		lo = 0
	}
	if successes == n {
		hi = 1
	}
	return lo, hi
}

// wilsonRate is the Wilson interval for an observed rate p over n trials; n
// may be non-integer-valued in spirit (used for "same rate, more samples").
func wilsonRate(p, n, z float64) (lo, hi float64) {
	z2 := z * z
	denom := 1 + z2/n
	center := (p + z2/(2*n)) / denom
	half := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n)) / denom
	lo = math.Max(0, center-half)
	hi = math.Min(1, center+half)
	return lo, hi
}

// Verdict classifies passes out of n against threshold using the Wilson 95%
// interval: PASS if lo >= threshold, FAIL if hi < threshold, otherwise
// INCONCLUSIVE. n == 0 is always INCONCLUSIVE.
func Verdict(passes, n int, threshold float64) Outcome {
	if n <= 0 {
		return Inconclusive
	}
	lo, hi := Wilson(passes, n, Z95)
	return classify(lo, hi, threshold)
}

func classify(lo, hi, threshold float64) Outcome {
	switch {
	case lo >= threshold:
		return Pass
	case hi < threshold:
		return Fail
	default:
		return Inconclusive
	}
}

// SamplesToSettle returns the smallest number m >= 1 of extra samples such
// that, if they came in at the currently observed rate passes/n, the Wilson
// 95% interval over n+m samples would no longer straddle threshold. It
// returns 0 if the verdict is already PASS or FAIL, and CannotSettle when no
// m <= SettleCap would do (observed rate equal to threshold, n == 0, or too
// many samples needed).
func SamplesToSettle(passes, n int, threshold float64) int {
	if n <= 0 {
		return CannotSettle
	}
	if Verdict(passes, n, threshold) != Inconclusive {
		return 0
	}
	passes = max(0, min(passes, n))
	p := float64(passes) / float64(n)
	if p == threshold {
		return CannotSettle
	}
	settled := func(m int) bool {
		N := float64(n + m)
		lo, hi := wilsonRate(p, N, Z95)
		// Keep the exact edge behaviour of Wilson for all-pass / all-fail.
		if passes == 0 {
			lo = 0
		}
		if passes == n {
			hi = 1
		}
		return classify(lo, hi, threshold) != Inconclusive
	}
	if !settled(SettleCap) {
		return CannotSettle
	}
	// For a fixed rate the interval shrinks monotonically in N, so binary
	// search for the first settled m.
	lo, hi := 1, SettleCap
	for lo < hi {
		mid := lo + (hi-lo)/2
		if settled(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Significant reports whether the interval [lo, hi] excludes zero. Only then
// is a difference called a difference. NaN bounds are never significant.
func Significant(lo, hi float64) bool {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return false
	}
	return lo > 0 || hi < 0
}

// PairedBootstrapDiff estimates mean(a[i] - b[i]) and its 95% percentile
// bootstrap interval, resampling cases (indices i) with replacement iters
// times using a PCG generator seeded from seed, so the result is
// deterministic. a and b are per-case scores (e.g. the persona's and the
// baseline's pass rates on the same case) and must be the same length.
//
// Mismatched or empty inputs return NaN for all three values. iters < 1 is
// treated as 2000. A single case gives lo == hi == mean (no spread is
// observable).
func PairedBootstrapDiff(a, b []float64, iters int, seed int64) (mean, lo, hi float64) {
	if len(a) != len(b) || len(a) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	if iters < 1 {
		iters = 2000
	}
	n := len(a)
	d := make([]float64, n)
	var sum float64
	for i := range a {
		d[i] = a[i] - b[i]
		sum += d[i]
	}
	mean = sum / float64(n)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x50_75_6c_63)) //nolint:gosec // statistics, not crypto
	means := make([]float64, iters)
	for it := range means {
		var s float64
		for range n {
			s += d[rng.IntN(n)]
		}
		means[it] = s / float64(n)
	}
	slices.Sort(means)
	return mean, quantile(means, 0.025), quantile(means, 0.975)
}

// quantile of sorted xs with linear interpolation (Hyndman & Fan type 7).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + frac*(sorted[i+1]-sorted[i])
}

// BudgetPoint is one point of a budget curve: after N samples, Passes of
// them passed, with the Wilson 95% interval of the pass rate.
type BudgetPoint struct {
	N       int     `json:"n"`
	Passes  int     `json:"passes"`
	Rate    float64 `json:"rate"`
	Lo      float64 `json:"lo"`
	Hi      float64 `json:"hi"`
	Verdict Outcome `json:"verdict"`
}

// BudgetCurve returns, for samples taken in order, the running pass rate,
// its Wilson 95% interval and the verdict against threshold after each
// sample: how much certainty each additional unit of sampling budget buys.
// (This is one reading of the "budget curve"; a curve over token or
// max_tokens budgets is built by callers from one point per budget level.)
func BudgetCurve(outcomes []bool, threshold float64) []BudgetPoint {
	out := make([]BudgetPoint, 0, len(outcomes))
	passes := 0
	for i, ok := range outcomes {
		if ok {
			passes++
		}
		n := i + 1
		lo, hi := Wilson(passes, n, Z95)
		out = append(out, BudgetPoint{
			N: n, Passes: passes, Rate: float64(passes) / float64(n),
			Lo: lo, Hi: hi, Verdict: classify(lo, hi, threshold),
		})
	}
	return out
}
