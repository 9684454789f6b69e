package bpe

import (
	"math/rand/v2"
	"testing"

	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// TestRankTable checks the custom rank table against the loader's map for
// every token, plus the absence of non-tokens, and that ranks are unique
// (mergeLarge's stale-entry check relies on it).
func TestRankTable(t *testing.T) {
	for _, e := range []*Encoding{O200k(), Cl100k()} {
		ranks, err := tiktoken_loader.NewOfflineLoader().LoadTiktokenBpe("https://openaipublic.blob.core.windows.net/encodings/" + e.Name() + ".tiktoken")
		if err != nil {
			t.Fatal(err)
		}
		seen := make(map[int]string, len(ranks))
		for k, r := range ranks {
			if got := e.ranks.get(k); got != int32(r) {
				t.Fatalf("%s: rank(%q) = %d, want %d", e.Name(), k, got, r)
			}
			if prev, dup := seen[r]; dup {
				t.Fatalf("%s: rank %d used by %q and %q", e.Name(), r, prev, k)
			}
			seen[r] = k
		}
		// Non-tokens: mutate tokens until they leave the vocabulary.
		rng := rand.New(rand.NewPCG(7, 8))
		checked := 0
		for k := range ranks {
			if checked == 100000 {
				break
			}
			b := []byte(k + k[:1+rng.IntN(len(k))])
			b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
			s := string(b)
			want := int32(noRank)
			if r, ok := ranks[s]; ok {
				want = int32(r)
			}
			if got := e.ranks.get(s); got != want {
				t.Fatalf("%s: rank(%q) = %d, want %d", e.Name(), s, got, want)
			}
			checked++
		}
		if e.ranks.get("") != noRank {
			t.Fatal("empty string has a rank")
		}
		t.Logf("%s: %d tokens and %d non-tokens checked", e.Name(), len(ranks), checked)
	}
}
