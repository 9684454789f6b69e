package runner

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/soulc/soulc/evals/results"
)

// MergeOptions configure Merge.
type MergeOptions struct {
	OutDir string
	Force  bool
	// MinPass and MinLift, when set, replace the shards' gate thresholds.
	MinPass, MinLift *float64
	SoulcVersion     string
	Reports          func(dir string, sum *results.Summary, recordsPath string) error
}

// Merge joins the outputs of shard runs (each a directory holding
// results.json and results.jsonl) into one results.jsonl and results.json
// in opt.OutDir. Shards must come from the same run configuration. A work
// item recorded by several shards is written once, a finished record
// winning over a failed one.
func Merge(dirs []string, opt MergeOptions) (*SummaryFile, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("merge: no shard directories")
	}
	var first *SummaryFile
	so := SummaryOptions{SoulcVersion: opt.SoulcVersion}
	var shards []string
	for _, d := range dirs {
		sf, err := readSummary(d)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = sf
			so.Config = sf.Config
			so.Config.Shard = ""
			so.CaseThreshold = sf.Config.Threshold
			so.CalibrationThreshold = sf.Calibration.Threshold
			so.Graded = sf.Config.JudgeModel != "" && sf.Config.JudgeModel != "none"
			if sf.Gate.MinPass != 0 {
				v := sf.Gate.MinPass
				so.MinPass = &v
			}
			if sf.Gate.MinLift != 0 {
				v := sf.Gate.MinLift
				so.MinLift = &v
			}
		} else if err := sameRun(first.Config, sf.Config); err != nil {
			return nil, fmt.Errorf("merge %s: %w", d, err)
		} else if sf.ScoreThreshold != first.ScoreThreshold {
			return nil, fmt.Errorf("merge %s: score threshold %v differs from %v", d, sf.ScoreThreshold, first.ScoreThreshold)
		}
		so.WallSeconds = max(so.WallSeconds, sf.Totals.WallSeconds)
		if so.Stopped == "" {
			so.Stopped = sf.Totals.Stopped
		}
		shards = append(shards, sf.Config.Shard)
	}
	if opt.MinPass != nil {
		so.MinPass = opt.MinPass
	}
	if opt.MinLift != nil {
		so.MinLift = opt.MinLift
	}

	// Pass 1: which keys finished somewhere.
	ok := map[string]bool{}
	for _, d := range dirs {
		if err := readRecords(d, func(l *Line, _ []byte) error {
			if l.Error == "" {
				ok[Key(&l.Record)] = true
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	path := filepath.Join(opt.OutDir, RecordsFile)
	if st, err := os.Stat(path); err == nil && st.Size() > 0 && !opt.Force {
		return nil, fmt.Errorf("merge: %s %w: use --force or another --out", opt.OutDir, ErrOutExists)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 64<<10)
	agg := NewAggregator()
	written := map[string]bool{}
	for _, d := range dirs {
		if err := readRecords(d, func(l *Line, raw []byte) error {
			k := Key(&l.Record)
			if written[k] || (l.Error != "" && ok[k]) {
				return nil
			}
			written[k] = true
			agg.Add(l)
			_, err := bw.Write(append(raw, '\n'))
			return err
		}); err != nil {
			return nil, err
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	sum := agg.Summary(so)
	sum.Shards = shards
	sum.UnknownPrices = first.UnknownPrices
	sum.ScoreThreshold = first.ScoreThreshold
	if err := WriteSummary(opt.OutDir, sum); err != nil {
		return nil, err
	}
	if opt.Reports != nil {
		if err := opt.Reports(opt.OutDir, sum.Summary, path); err != nil {
			return sum, fmt.Errorf("reports: %w", err)
		}
	}
	return sum, nil
}

func readSummary(dir string) (*SummaryFile, error) {
	b, err := os.ReadFile(filepath.Join(dir, SummaryName))
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	sf := &SummaryFile{Summary: &results.Summary{}}
	if err := json.Unmarshal(b, sf); err != nil {
		return nil, fmt.Errorf("merge: %s: %w", filepath.Join(dir, SummaryName), err)
	}
	return sf, nil
}

func readRecords(dir string, fn func(*Line, []byte) error) error {
	p := filepath.Join(dir, RecordsFile)
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	defer f.Close()
	if err := ReadLines(f, fn); err != nil {
		return fmt.Errorf("merge: %s: %w", p, err)
	}
	return nil
}

// sameRun checks that two shards measured the same thing.
func sameRun(a, b results.Config) error {
	switch {
	case a.Target != b.Target:
		return fmt.Errorf("target %q differs from %q", b.Target, a.Target)
	case a.Model != b.Model:
		return fmt.Errorf("model %q differs from %q", b.Model, a.Model)
	case a.JudgeModel != b.JudgeModel:
		return fmt.Errorf("judge model %q differs from %q", b.JudgeModel, a.JudgeModel)
	case a.Samples != b.Samples:
		return fmt.Errorf("samples %d differs from %d", b.Samples, a.Samples)
	case a.Baseline != b.Baseline:
		return fmt.Errorf("baseline %q differs from %q", b.Baseline, a.Baseline)
	case !slices.Equal(a.Budgets, b.Budgets):
		return fmt.Errorf("budgets %v differ from %v", b.Budgets, a.Budgets)
	case a.Threshold != b.Threshold:
		return fmt.Errorf("case threshold %v differs from %v", b.Threshold, a.Threshold)
	case a.Shard == "" || b.Shard == "":
		return nil
	case a.Shard == b.Shard:
		return fmt.Errorf("shard %s given twice", b.Shard)
	}
	return nil
}
