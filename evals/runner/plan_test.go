package runner

import (
	"testing"

	"github.com/soulc/soulc/evals/results"
)

func TestParseShard(t *testing.T) {
	for in, ok := range map[string]bool{"1/1": true, "2/4": true, "4/4": true, "0/4": false, "5/4": false, "a/b": false, "3": false, "1/0": false} {
		if _, err := ParseShard(in); (err == nil) != ok {
			t.Errorf("ParseShard(%q) err = %v", in, err)
		}
	}
	if s, _ := ParseShard(""); s.N != 0 || s.String() != "" {
		t.Errorf("empty shard = %+v", s)
	}
}

// Shards partition the plan: every item in exactly one shard, whole cases
// together, and the plan is the same every time.
func TestShardsPartitionPlan(t *testing.T) {
	suites := testSuites(40)
	opt := PlanOptions{Samples: 2, Variants: true, Calibration: true}
	full := Plan(suites, opt)
	seen := map[string]int{}
	caseShard := map[string]int{}
	for i := 1; i <= 3; i++ {
		opt.Shard = Shard{I: i, N: 3}
		part := Plan(suites, opt)
		if len(part) == 0 {
			t.Fatalf("shard %d empty", i)
		}
		for _, it := range part {
			seen[itemKey(suites, it, "m", "j")]++
			id := suites[it.Suite].Cases[it.Case].ID
			if s, ok := caseShard[id]; ok && s != i {
				t.Errorf("case %s split over shards %d and %d", id, s, i)
			}
			caseShard[id] = i
		}
	}
	if len(seen) != len(full) {
		t.Fatalf("shards hold %d distinct items, plan %d", len(seen), len(full))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%q in %d shards", k, n)
		}
	}
	again := Plan(suites, PlanOptions{Samples: 2, Variants: true, Calibration: true})
	for i := range full {
		if full[i] != again[i] {
			t.Fatalf("plan not deterministic at %d", i)
		}
	}
	// Negative controls grade another case's reference.
	for _, it := range full {
		if it.Kind == results.KindCalibration && it.Control == "negative" && it.OtherCase == it.Case && it.OtherSuite == it.Suite {
			t.Errorf("negative control grades its own reference: %+v", it)
		}
	}
}

func TestPrices(t *testing.T) {
	p := DefaultPrices()
	if pr, ok := p.Lookup("gpt-4o-mini-2024-07-18"); !ok || pr != p["gpt-4o-mini"] {
		t.Errorf("dated snapshot: %v %v", pr, ok)
	}
	if pr, _ := p.Lookup("gpt-4o-2024-08-06"); pr != p["gpt-4o"] {
		t.Errorf("gpt-4o snapshot priced %v", pr)
	}
	if _, ok := p.Lookup("llama3.1"); ok {
		t.Error("unknown model has a price")
	}
	if c := (Prices{"m": {In: 2, Out: 4}}).Cost("m", 1_000_000, 500_000); c != 4 {
		t.Errorf("cost = %v", c)
	}
	if _, _, err := ParsePrice("m=1.5/x"); err == nil {
		t.Error("bad price accepted")
	}
	if n, pr, err := ParsePrice(" m = 0.5/2 "); err != nil || n != "m" || pr != (Price{0.5, 2}) {
		t.Errorf("ParsePrice = %q %v %v", n, pr, err)
	}
}
