// Package compile turns a SOUL's IR into one system prompt for one target
// within a token budget: it cuts the IR into units with graded renderings,
// has package fit choose what to keep, renders the choice through the
// target's template, and counts the final text exactly as the target does.
//
// The target arrives as plain data (Options): compile never imports the
// targets package, so the compiler stays independent of any tokenizer.
// It must not import cobra, go-openai, targets or evals, and never prints.
package compile
