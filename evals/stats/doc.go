// Package stats owns the small, dependency-free statistics that soulc uses
// to turn repeated, noisy model samples into honest verdicts:
//
//   - Wilson score intervals for a per-case, per-condition pass rate;
//   - a seeded, deterministic paired bootstrap for the lift of one condition
//     over another (persona over baseline, original over variant) paired by
//     case;
//   - a tri-state verdict (PASS / FAIL / INCONCLUSIVE) against a threshold,
//     and how many more samples at the observed rate would settle an
//     INCONCLUSIVE case;
//   - Significant: a difference is only called a difference when its
//     interval excludes zero.
//
// The package is pure computation: no I/O, no clocks, no global RNG.
//
// Import rules: standard library only. It must not import cobra, anything
// under compiler/, or any other soulc package (evals/provider, evals/fakeapi
// included); report writers import stats, never the reverse.
package stats
