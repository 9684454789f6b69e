package targets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// reference_counts.json is produced by bench/tokenref/reference_counts.js with
// the npm tiktoken package (WASM build of OpenAI's tiktoken), encode_ordinary.
type referenceCounts struct {
	GeneratedBy string `json:"generated_by"`
	NPMVersion  string `json:"tiktoken_npm_version"`
	Files       []struct {
		Slug   string `json:"slug"`
		Sample bool   `json:"sample"`
		SHA256 string `json:"sha256"`
		O200k  int    `json:"o200k_base"`
		Cl100k int    `json:"cl100k_base"`
	} `json:"files"`
	Strings []struct {
		Text   string `json:"text"`
		O200k  int    `json:"o200k_base"`
		Cl100k int    `json:"cl100k_base"`
	} `json:"strings"`
}

func loadReference(t *testing.T) referenceCounts {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "reference_counts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref referenceCounts
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if ref.GeneratedBy == "" || ref.NPMVersion == "" {
		t.Fatal("reference_counts.json lacks provenance")
	}
	return ref
}

func mustGet(t testing.TB, name string) Tokenizer {
	t.Helper()
	tok, err := Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestReferenceStrings(t *testing.T) {
	ref := loadReference(t)
	if len(ref.Strings) < 10 {
		t.Fatalf("only %d reference strings", len(ref.Strings))
	}
	o, c := mustGet(t, O200kBase), mustGet(t, Cl100kBase)
	for _, s := range ref.Strings {
		if got := o.Count(s.Text); got != s.O200k {
			t.Errorf("o200k_base(%q) = %d, reference %d", s.Text, got, s.O200k)
		}
		if got := c.Count(s.Text); got != s.Cl100k {
			t.Errorf("cl100k_base(%q) = %d, reference %d", s.Text, got, s.Cl100k)
		}
	}
}

// TestReferenceAtlas checks the every-10th sample of the atlas (65 files);
// SOULC_REF_ALL=1 checks all 643 (about 20 s, minutes under -race).
func TestReferenceAtlas(t *testing.T) {
	ref := loadReference(t)
	dir, _ := atlasSlugs(t)
	o, c := mustGet(t, O200kBase), mustGet(t, Cl100kBase)
	all := os.Getenv("SOULC_REF_ALL") == "1"
	checked, sampled := 0, 0
	for _, f := range ref.Files {
		if f.Sample {
			sampled++
		}
		if !all && !f.Sample {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.Slug, "SOUL.md"))
		if err != nil {
			t.Errorf("%s: %v", f.Slug, err)
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s: SOUL.md changed since reference_counts.json was generated; rerun: %s", f.Slug, ref.GeneratedBy)
			continue
		}
		text := string(data)
		if got := o.Count(text); got != f.O200k {
			t.Errorf("%s: o200k_base = %d, reference %d", f.Slug, got, f.O200k)
		}
		if got := c.Count(text); got != f.Cl100k {
			t.Errorf("%s: cl100k_base = %d, reference %d", f.Slug, got, f.Cl100k)
		}
		checked++
	}
	if sampled < 60 {
		t.Errorf("reference has %d sampled files, want >= 60", sampled)
	}
	t.Logf("compared %d atlas files against tiktoken %s", checked, ref.NPMVersion)
}
