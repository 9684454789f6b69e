// Package diag holds positioned diagnostics: findings about a SOUL (data that
// a command prints and counts) and input errors (failures that stop a load).
//
// It must not import cobra, go-openai, targets or evals, and it never prints.
package diag

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity orders findings; an error makes `soulc lint` exit 1.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}

// MarshalJSON writes the severity as its name so JSON output stays readable.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Pos is a 1-based place in a source file. Line 0 means "the whole file".
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

func (p Pos) String() string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return p.File
	}
}

// Diagnostic is one finding with a stable code (SOUL101) and rule name
// (missing-section), so CI can filter and people can search for it.
type Diagnostic struct {
	Pos        Pos      `json:"pos"`
	Severity   Severity `json:"severity"`
	Code       string   `json:"code"`
	Rule       string   `json:"rule"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion,omitempty"`
}

// String formats the diagnostic as `file:line:col: severity: message [CODE rule]`.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	b.WriteString(d.Message)
	if d.Suggestion != "" {
		b.WriteString(" (")
		b.WriteString(d.Suggestion)
		b.WriteString(")")
	}
	if d.Code != "" {
		fmt.Fprintf(&b, " [%s %s]", d.Code, d.Rule)
	}
	return b.String()
}

// InputError is bad input that stops a load: unreadable, unparsable or unsafe.
// The CLI prints it on one line and exits 2.
type InputError struct {
	Pos Pos
	Msg string
}

func (e *InputError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errorf builds an InputError at pos.
func Errorf(pos Pos, format string, args ...any) *InputError {
	return &InputError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// List is a set of diagnostics with helpers for the CLI.
type List []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Count returns how many diagnostics have severity s.
func (l List) Count(s Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == s {
			n++
		}
	}
	return n
}
