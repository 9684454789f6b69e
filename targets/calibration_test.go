package targets

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// calibration.json holds per-file counts from the real family tokenizers
// (bench/tokenref/calibrate.js). The estimates must stay upper bounds on all
// of them; lowering a ratio below the evidence fails here.
type calibrationRow struct {
	Slug         string `json:"slug"`
	O200k        int    `json:"o200k_base"`
	Llama3       int    `json:"llama3"`
	Gemini       int    `json:"gemini"`
	ClaudeLegacy int    `json:"claude_legacy"`
	ClaudeLenml  int    `json:"claude_legacy_lenml"`
	MistralSPM   int    `json:"mistral_spm_v3"`
	MistralTek   int    `json:"mistral_tekken"`
}

// claudeNewTokenizerFactor is the documented growth of Claude's newer
// tokenizer (up to ~1.35x the tokens for the same text) over the old one.
const claudeNewTokenizerFactor = 1.35

func TestEstimatesBoundCalibration(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "calibration.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cal struct {
		Command string           `json:"command"`
		Rows    []calibrationRow `json:"rows"`
	}
	if err := json.Unmarshal(data, &cal); err != nil {
		t.Fatal(err)
	}
	if cal.Command == "" || len(cal.Rows) < 600 {
		t.Fatalf("calibration.json: command %q, %d rows", cal.Command, len(cal.Rows))
	}
	est := func(name string) *estimate { return tokenizers[name].(*estimate) }
	for _, r := range cal.Rows {
		if r.O200k <= 0 {
			t.Fatalf("%s: bad row %+v", r.Slug, r)
		}
		claude := int(math.Ceil(float64(max(r.ClaudeLegacy, r.ClaudeLenml)) * claudeNewTokenizerFactor))
		checks := []struct {
			name  string
			truth int
		}{
			{Llama3Estimate, r.Llama3},
			{GeminiEstimate, r.Gemini},
			{MistralEstimate, max(r.MistralSPM, r.MistralTek)},
			{ClaudeEstimate, claude},
		}
		for _, c := range checks {
			if c.truth <= 0 {
				t.Fatalf("%s: missing %s count", r.Slug, c.name)
			}
			if got := est(c.name).fromBase(r.O200k); got < c.truth {
				t.Errorf("%s: %s = %d < reference %d", r.Slug, c.name, got, c.truth)
			}
		}
	}
}
