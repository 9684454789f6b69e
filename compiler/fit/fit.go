// Package fit decides what of a SOUL fits a token budget. It is pure
// arithmetic over units (items) with graded renderings (notches) and knows
// nothing of Markdown, templates or tokenizers.
//
// The algorithm has two stages:
//
//  1. Sequence orders every notch of every unit once, independently of the
//     budget: notches are ranked by value per token (section priority ×
//     position in the section × how much fidelity the notch adds), a notch
//     never before its own predecessor, and then replayed as if the budget
//     grew one token at a time: the best-ranked pending notch is added as
//     soon as it fits, and while it does not, lower-ranked notches may fill
//     the gap within a bounded allowance (FillShare, FillMin, FillDensity),
//     so small budgets are not wasted and cheap low-value notches cannot
//     crowd out the important ones.
//  2. Search picks, for a budget B, the longest prefix of that sequence whose
//     exactly counted rendering fits in B.
//
// Because every budget takes a prefix of the same sequence and a larger
// budget never takes a shorter prefix, raising the budget never removes or
// shortens anything (monotonic), and the result is deterministic.
//
// It must not import cobra, go-openai, targets or evals.
package fit

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"sort"
)

// Unit is one item the fitter can grade: its notches are cumulative
// renderings (title only, first sentence, ..., whole).
type Unit struct {
	Group    int     // section index; the group's opening cost is paid once
	Index    int     // position within the group (earlier items weigh more)
	Priority float64 // section priority, 0..100
	// Costs[j] is the estimated token cost of the unit rendered at notch j+1
	// (standalone), and Fidelity[j] in (0,1] how much of the item it conveys.
	Costs    []int
	Fidelity []float64
	// Mandatory units start at their last notch (the minimum prompt).
	Mandatory bool
}

// Step raises one unit to a notch (1-based).
type Step struct {
	Unit  int
	Notch int
}

// FillShare and FillMin bound the fill: notches taken out of rank order to
// use budget the next ranked notch is too big for. At budget b the fill may
// cost at most max(FillShare×b, FillMin) tokens in all, so it cannot take
// over the prompt, yet small budgets still get filled. (Measured on the
// atlas sample: see docs/compile.md for the usage figures this gives.)
// A fill notch must also be worth at least 1/FillDensity of the ranked
// notch's value per token, so bare titles of a low-priority section never
// stand in for the next important sentence.
const (
	FillShare   = 0.15
	FillMin     = 64
	FillDensity = 16
)

func fillAllowance(b int) int { return max(int(FillShare*float64(b)), FillMin) }

type cand struct {
	Step
	value   float64
	cost    int // marginal cost, group opening excluded
	density float64
}

// Sequence returns the budget-independent order in which notches are added,
// starting from the mandatory units. base is the estimated cost of the
// prompt with only the mandatory units; groupCost[g] the cost of opening
// group g (a section heading).
//
// The order replays a budget that grows one token at a time: the highest
// ranked pending notch is added as soon as it fits; while it does not,
// lower-ranked notches that fit may fill the gap, within the fill allowance.
// Anything added stays, which is what makes every budget's choice a prefix.
func Sequence(units []Unit, groupCost []int, base int) []Step {
	level := make([]int, len(units))
	open := make([]bool, len(groupCost))
	for i, u := range units {
		if u.Mandatory {
			level[i] = len(u.Costs)
			open[u.Group] = true
		}
	}
	var cands []cand
	for i, u := range units {
		if u.Mandatory {
			continue
		}
		decay := 1 / (1 + 0.06*float64(u.Index))
		prevCost, prevFid := 0, 0.0
		for j := range u.Costs {
			marg := max(u.Costs[j]-prevCost, 1)
			gain := u.Priority * decay * (u.Fidelity[j] - prevFid)
			cands = append(cands, cand{Step: Step{i, j + 1}, value: gain, cost: marg})
			prevCost, prevFid = u.Costs[j], u.Fidelity[j]
		}
	}
	order := rank(cands, units, groupCost)
	added := make([]bool, len(order))
	marginal := func(c *cand) int {
		m := c.cost
		if !open[units[c.Unit].Group] {
			m += groupCost[units[c.Unit].Group]
		}
		return m
	}
	ready := func(k int) bool { return !added[k] && level[order[k].Unit] == order[k].Notch-1 }
	add := func(k int) {
		c := &order[k]
		added[k], level[c.Unit], open[units[c.Unit].Group] = true, c.Notch, true
	}
	// sufMax[k] is the highest density at or after rank k: once it falls
	// below the fill threshold no later notch can fill, so scans stop there.
	sufMax := make([]float64, len(order)+1)
	for k := len(order) - 1; k >= 0; k-- {
		sufMax[k] = max(sufMax[k+1], order[k].density)
	}
	var seq []Step
	cost, fill, b := base, 0, base
	head := 0 // first notch in rank order not yet added
	for {
		for head < len(order) && added[head] {
			head++
		}
		if head == len(order) {
			break
		}
		if m := marginal(&order[head]); cost+m <= b {
			add(head)
			cost += m
			seq = append(seq, order[head].Step)
			continue
		}
		// The ranked notch does not fit yet: fill with the best-ranked
		// lower notch that fits in the budget and the fill allowance.
		filled := false
		for k := head + 1; k < len(order); k++ {
			if sufMax[k]*FillDensity < order[head].density {
				break
			}
			if !ready(k) || order[k].density*FillDensity < order[head].density {
				continue
			}
			m := marginal(&order[k])
			if cost+m <= b && fill+m <= fillAllowance(b) {
				add(k)
				cost += m
				fill += m
				seq = append(seq, order[k].Step)
				filled = true
				break
			}
		}
		if filled {
			continue
		}
		// Nothing fits at b: jump to the next budget at which something does.
		next := cost + marginal(&order[head])
		for k := head + 1; k < len(order); k++ {
			if sufMax[k]*FillDensity < order[head].density {
				break
			}
			if !ready(k) || order[k].density*FillDensity < order[head].density {
				continue
			}
			m := marginal(&order[k])
			need := cost + m
			if fill+m > fillAllowance(need) { // wait for the allowance to grow
				need = max(need, int(math.Ceil(float64(fill+m)/FillShare)))
				for fill+m > fillAllowance(need) {
					need++
				}
			}
			next = min(next, need)
		}
		b = max(next, b+1)
	}
	return seq
}

// rank sorts candidates by value per token (group opening cost shared
// across the group's first notches), then moves each notch after its
// predecessor. Ties break on document position, so the order is total.
func rank(cands []cand, units []Unit, groupCost []int) []cand {
	for i := range cands {
		c := &cands[i]
		cost := float64(c.cost)
		if c.Notch == 1 {
			cost += float64(groupCost[units[c.Unit].Group]) / 4
		}
		c.density = c.value / cost
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.density != b.density {
			if a.density > b.density {
				return -1
			}
			return 1
		}
		ua, ub := &units[a.Unit], &units[b.Unit]
		if c := cmp.Compare(ua.Group, ub.Group); c != 0 {
			return c
		}
		if c := cmp.Compare(ua.Index, ub.Index); c != 0 {
			return c
		}
		return cmp.Compare(a.Notch, b.Notch)
	})
	// Enforce notch order per unit: a notch waits for its predecessor.
	// emitted[u] is the highest notch of unit u placed so far; waiting holds
	// notches whose predecessor has not been placed yet, per unit and notch.
	emitted := make([]int, len(units))
	waiting := make([][]int, len(units)) // index into cands + 1, 0 = none
	out := make([]cand, 0, len(cands))
	for i, c := range cands {
		if c.Notch != emitted[c.Unit]+1 {
			if waiting[c.Unit] == nil {
				waiting[c.Unit] = make([]int, len(units[c.Unit].Costs)+2)
			}
			waiting[c.Unit][c.Notch] = i + 1
			continue
		}
		out = append(out, c)
		emitted[c.Unit] = c.Notch
		// Release the chain of successors that were waiting for this one.
		for w := waiting[c.Unit]; w != nil && emitted[c.Unit]+1 < len(w) && w[emitted[c.Unit]+1] != 0; {
			next := cands[w[emitted[c.Unit]+1]-1]
			out = append(out, next)
			emitted[c.Unit] = next.Notch
		}
	}
	return out
}

// ErrMinimum means even the mandatory minimum does not fit the budget.
var ErrMinimum = errors.New("minimum does not fit")

// Search returns the largest k such that the prompt with the first k steps
// fits the budget, counted exactly by count(k). est(k) guides the search;
// count must be nondecreasing in k (adding text does not remove tokens),
// which makes the result monotonic in the budget. n is the sequence length.
func Search(n, budget int, est func(k int) int, count func(k int) (int, error)) (int, int, error) {
	t0, err := count(0)
	if err != nil {
		return 0, 0, err
	}
	if t0 > budget {
		return 0, t0, ErrMinimum
	}
	// Start where the estimate says the budget runs out.
	guess := sort.Search(n+1, func(k int) bool { return est(k) > budget }) - 1
	guess = max(0, min(guess, n))
	lo, loTok := 0, t0 // lo always fits
	hi := n + 1        // hi never fits (or is past the end)
	if guess > 0 {
		t, err := count(guess)
		if err != nil {
			return 0, 0, err
		}
		if t <= budget {
			lo, loTok = guess, t
			// Gallop up to find a step that does not fit.
			stepSize := 1
			for lo+stepSize <= n {
				k := lo + stepSize
				t, err := count(k)
				if err != nil {
					return 0, 0, err
				}
				if t > budget {
					hi = k
					break
				}
				lo, loTok = k, t
				stepSize *= 2
			}
		} else {
			hi = guess
		}
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		t, err := count(mid)
		if err != nil {
			return 0, 0, err
		}
		if t <= budget {
			lo, loTok = mid, t
		} else {
			hi = mid
		}
	}
	return lo, loTok, nil
}
