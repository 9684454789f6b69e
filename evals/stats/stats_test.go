package stats

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestWilsonKnownValues(t *testing.T) {
	// Reference values computed independently (Python, same closed form).
	tests := []struct {
		name   string
		k, n   int
		lo, hi float64
	}{
		{"8 of 10", 8, 10, 0.490162, 0.943318},
		{"none pass", 0, 10, 0, 0.277533},
		{"all pass", 10, 10, 0.722467, 1},
		{"half of 20", 10, 20, 0.299298, 0.700702},
		{"single pass", 1, 1, 0.206549, 1},
		{"n=0 uninformative", 0, 0, 0, 1},
		{"negative n", 3, -1, 0, 1},
		{"k>n clamps to all pass", 12, 10, 0.722467, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi := Wilson(tc.k, tc.n, Z95)
			if !near(lo, tc.lo, 1e-6) || !near(hi, tc.hi, 1e-6) {
				t.Fatalf("Wilson(%d,%d) = [%.6f, %.6f], want [%.6f, %.6f]", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
			}
			if lo < 0 || hi > 1 || lo > hi {
				t.Fatalf("bounds out of order/range: [%v, %v]", lo, hi)
			}
		})
	}
	// The brief's sanity anchor, with z = 1.96 exactly.
	lo, hi := Wilson(8, 10, 1.96)
	if !near(lo, 0.490, 0.001) || !near(hi, 0.943, 0.001) {
		t.Fatalf("Wilson(8,10,1.96) = [%.4f, %.4f], want ≈ [0.490, 0.943]", lo, hi)
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		name      string
		k, n      int
		threshold float64
		want      Outcome
	}{
		{"8/10 vs 0.5 straddles", 8, 10, 0.5, Inconclusive},
		{"10/10 vs 0.7 passes", 10, 10, 0.7, Pass},
		{"0/10 vs 0.3 fails", 0, 10, 0.3, Fail},
		{"n=0 is inconclusive", 0, 0, 0.5, Inconclusive},
		{"threshold 0 always passes", 0, 5, 0, Pass},
		{"threshold 1 never passes on finite n", 50, 50, 1, Inconclusive},
		{"threshold 1 with a failure fails", 49, 50, 1, Fail},
		{"95/100 vs 0.8 passes", 95, 100, 0.8, Pass},
		{"60/100 vs 0.8 fails", 60, 100, 0.8, Fail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Verdict(tc.k, tc.n, tc.threshold); got != tc.want {
				lo, hi := Wilson(tc.k, tc.n, Z95)
				t.Fatalf("Verdict(%d,%d,%v) = %s, want %s (interval [%.4f, %.4f])", tc.k, tc.n, tc.threshold, got, tc.want, lo, hi)
			}
		})
	}
}

func TestSamplesToSettle(t *testing.T) {
	tests := []struct {
		name      string
		k, n      int
		threshold float64
		want      int
	}{
		{"already PASS", 10, 10, 0.7, 0},
		{"already FAIL", 0, 10, 0.3, 0},
		{"8/10 vs 0.5 needs one more", 8, 10, 0.5, 1}, // N=11: lo = 0.5045
		{"6/10 vs 0.5 needs 87 more", 6, 10, 0.5, 87}, // N=97: lo = 0.5005
		{"rate equals threshold", 5, 10, 0.5, CannotSettle},
		{"no samples", 0, 0, 0.5, CannotSettle},
		{"threshold 1, all pass: never", 20, 20, 1, CannotSettle},
		{"too close to settle within cap", 5001, 10000, 0.5, CannotSettle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SamplesToSettle(tc.k, tc.n, tc.threshold); got != tc.want {
				t.Fatalf("SamplesToSettle(%d,%d,%v) = %d, want %d", tc.k, tc.n, tc.threshold, got, tc.want)
			}
		})
	}
}

// The binary search must agree with a linear scan: it relies on the interval
// shrinking monotonically in N at a fixed rate.
func TestSamplesToSettleMatchesLinearScan(t *testing.T) {
	for n := 1; n <= 30; n++ {
		for k := 0; k <= n; k++ {
			for _, thr := range []float64{0.1, 0.25, 0.5, 0.7, 0.8, 0.9, 0.95} {
				got := SamplesToSettle(k, n, thr)
				want := linearSettle(k, n, thr)
				if got != want {
					t.Fatalf("k=%d n=%d thr=%v: binary %d, linear %d", k, n, thr, got, want)
				}
			}
		}
	}
}

func linearSettle(k, n int, thr float64) int {
	if Verdict(k, n, thr) != Inconclusive {
		return 0
	}
	p := float64(k) / float64(n)
	if p == thr {
		return CannotSettle
	}
	for m := 1; m <= SettleCap; m++ {
		lo, hi := wilsonRate(p, float64(n+m), Z95)
		if k == 0 {
			lo = 0
		}
		if k == n {
			hi = 1
		}
		if classify(lo, hi, thr) != Inconclusive {
			return m
		}
	}
	return CannotSettle
}

func TestSignificant(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   bool
	}{
		{0.01, 0.2, true},
		{-0.3, -0.05, true},
		{-0.1, 0.1, false},
		{0, 0.2, false}, // touching zero is not excluding it
		{-0.2, 0, false},
		{math.NaN(), 1, false},
	}
	for _, tc := range tests {
		if got := Significant(tc.lo, tc.hi); got != tc.want {
			t.Errorf("Significant(%v,%v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestPairedBootstrapDiff(t *testing.T) {
	t.Run("constant lift has a zero-width interval", func(t *testing.T) {
		a := []float64{0.9, 0.8, 0.7, 1.0}
		b := []float64{0.6, 0.5, 0.4, 0.7}
		m, lo, hi := PairedBootstrapDiff(a, b, 1000, 1)
		if !near(m, 0.3, 1e-12) || !near(lo, 0.3, 1e-12) || !near(hi, 0.3, 1e-12) {
			t.Fatalf("got %v [%v, %v], want 0.3 [0.3, 0.3]", m, lo, hi)
		}
	})
	t.Run("deterministic for a seed, different across seeds", func(t *testing.T) {
		a := []float64{1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0.5, 0.25}
		b := []float64{0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0.5, 0.75}
		m1, lo1, hi1 := PairedBootstrapDiff(a, b, 2000, 42)
		m2, lo2, hi2 := PairedBootstrapDiff(a, b, 2000, 42)
		if m1 != m2 || lo1 != lo2 || hi1 != hi2 {
			t.Fatalf("same seed differs: %v %v %v vs %v %v %v", m1, lo1, hi1, m2, lo2, hi2)
		}
		_, lo3, hi3 := PairedBootstrapDiff(a, b, 2000, 43)
		if lo3 == lo1 && hi3 == hi1 {
			t.Fatalf("different seeds gave identical intervals; RNG not seeded?")
		}
		if !(lo1 <= m1 && m1 <= hi1) {
			t.Fatalf("mean %v outside its interval [%v, %v]", m1, lo1, hi1)
		}
		if !near(m1, (7.75-4.25)/12, 1e-12) {
			t.Fatalf("mean = %v, want %v", m1, (7.75-4.25)/12)
		}
	})
	t.Run("clear lift is significant, no lift is not", func(t *testing.T) {
		n := 40
		a, b, c := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			b[i] = 0.3 + 0.01*float64(i%7)
			a[i] = b[i] + 0.4 + 0.02*float64(i%3) // persona lifts every case
			c[i] = b[i] + 0.1*float64(i%3-1)      // +/-: no net lift
		}
		_, lo, hi := PairedBootstrapDiff(a, b, 2000, 7)
		if !Significant(lo, hi) {
			t.Fatalf("clear lift not significant: [%v, %v]", lo, hi)
		}
		m, lo, hi := PairedBootstrapDiff(c, b, 2000, 7)
		if Significant(lo, hi) {
			t.Fatalf("no lift called significant: mean %v [%v, %v]", m, lo, hi)
		}
	})
	t.Run("bad input gives NaN", func(t *testing.T) {
		for _, in := range [][2][]float64{{{1, 2}, {1}}, {nil, nil}} {
			m, lo, hi := PairedBootstrapDiff(in[0], in[1], 100, 1)
			if !math.IsNaN(m) || !math.IsNaN(lo) || !math.IsNaN(hi) {
				t.Fatalf("want NaNs, got %v %v %v", m, lo, hi)
			}
		}
	})
	t.Run("single case", func(t *testing.T) {
		m, lo, hi := PairedBootstrapDiff([]float64{1}, []float64{0.25}, 0, 1)
		if m != 0.75 || lo != 0.75 || hi != 0.75 {
			t.Fatalf("got %v [%v, %v]", m, lo, hi)
		}
	})
}

func TestBudgetCurve(t *testing.T) {
	outs := []bool{true, true, true, true, true, true, true, true, true, true}
	curve := BudgetCurve(outs, 0.7)
	if len(curve) != 10 {
		t.Fatalf("len = %d", len(curve))
	}
	for i := 1; i < len(curve); i++ {
		if curve[i].Lo < curve[i-1].Lo {
			t.Fatalf("lower bound fell with more all-pass samples at %d", i)
		}
	}
	if curve[0].Verdict != Inconclusive || curve[9].Verdict != Pass {
		t.Fatalf("verdicts: first %s last %s", curve[0].Verdict, curve[9].Verdict)
	}
	if len(BudgetCurve(nil, 0.5)) != 0 {
		t.Fatal("empty input should give an empty curve")
	}
}
