// Package judge grades one answer against an eval case's rubric with a model
// ("LLM as judge") and never trusts the model's own verdict.
//
// It owns:
//   - the grading prompt: the request and the answer are fenced as data with
//     a per-call nonce (fence markers inside the data are neutralised), the
//     rubric is a numbered checklist, and the judge is never told which
//     condition (persona, budget, baseline) produced the answer;
//   - the reply's JSON schema (per criterion: reasoning, then a verbatim
//     quote, then met; per must_not item the same with violated; the overall
//     verdict last) and strict parsing with one retry;
//   - the quote check: a criterion whose quote does not occur in the answer
//     (case-, whitespace- and quote-style-insensitive) is void;
//   - the verdict, computed in code: score = share of rubric criteria met,
//     pass = score >= threshold and no must_not item violated;
//   - the calibration controls' meaning (see Control*).
//
// A reply that cannot be parsed after one retry leaves the answer unscored
// (results.Unscored): never counted as pass or fail.
//
// Import rules: standard library, evals/provider (for Request/Response) and
// evals/results. It must not import cobra, compiler/ or evals/runner.
package judge
