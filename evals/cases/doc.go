// Package cases owns soulc's eval case files (evals/<slug>.yaml): the format
// and its JSON Schema check, deterministic extraction of cases from a SOUL's
// Scenarios (situation → input, response → reference, rubric and must_not),
// model-assisted extraction through any OpenAI-compatible endpoint with the
// deterministic result as fallback, adversarial variants (pressure,
// obfuscated, roleplay, multiturn), lint of hand-edited case files, and
// export to promptfoo, Inspect and openai/evals.
//
// Everything is returned as data, errors and warnings; the package never
// prints. It reads SOULs only through compiler/ir. It must not import cobra,
// anything under cmd/ or targets/, or evals/provider (callers adapt their
// client to ChatClient instead).
package cases
