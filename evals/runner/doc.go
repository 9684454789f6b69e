// Package runner runs persona evals: it plans every (case × variant ×
// condition × sample) work item plus the judge's calibration controls,
// runs them with bounded concurrency against a model and a judge, streams
// one results.Record per item to results.jsonl through a single writer,
// and aggregates compact per-cell tallies into the results.Summary
// (results.json).
//
// It owns:
//   - Suite and Condition: a SOUL's cases and the conditions they are asked
//     under (the persona compiled at each budget, and a baseline);
//   - the deterministic plan, --shard partitioning (by a stable hash of the
//     case, so a case's conditions stay together) and the resume key;
//   - Run: errgroup with SetLimit, one writer under a mutex, resume from an
//     existing results.jsonl, replay fail-fast, the --max-cost cap with
//     in-flight worst-case reservations, progress callbacks;
//   - the Aggregator (cells, lift, budget curve, variant drop, calibration,
//     totals, gate) and Merge for shard outputs;
//   - a small per-model price table and dry-run estimates.
//
// Memory stays flat in the number of answers: an answer is held only until
// its line is written; the aggregator keeps counters per cell.
//
// The runner never prints and never exits; cmd/soulc renders progress and
// chooses exit codes. Import rules: it must not import cobra or go-openai;
// it reaches models only through evals/provider (or the Completer
// interface).
package runner
