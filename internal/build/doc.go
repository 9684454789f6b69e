// Package build runs `soulc build`: it reads a versioned soulc.yaml (which
// SOULs, targets, budgets, formats, output folder and path pattern), plans
// every output in memory — compiling SOUL × target × budget in parallel
// through internal/pipeline — and then either writes the outputs and
// soulc.lock.json (Write) or compares them with the disk (Check).
//
// Safety rules, all checked before anything is written: no output path
// leaves the output folder (after pattern substitution, cleaning, and
// resolving symlinked parents); two outputs never silently share a path
// (Shared formats such as agents-md and crewai are merged in slug order);
// a file soulc did not write (not in the previous lock) is never replaced
// without Force; every file is written to a temporary name and renamed.
//
// Output is deterministic: inputs are expanded in sorted order, results
// land in slots, files are written and listed sorted by path, and the lock
// has sorted keys and no timestamps.
//
// It must not import cobra, go-openai or evals, and it never prints.
package build
