package emit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// WordJoiner (U+2060) is the invisible, non-space character inserted to break
// a construct a receiving tool would interpret (`!` + backtick, `${`, `{{`,
// ` @path`) while leaving the text a reader and the model see unchanged.
// It is not whitespace in Go, JavaScript or Python regular expressions, so
// the tools' patterns no longer match. Ollama drops non-printable runes, so
// the Modelfile writer never uses it.
const WordJoiner = "\u2060"

// rewrite is one safety rewrite: a tool-specific pattern and what it becomes.
type rewrite struct {
	what  string // for warnings, e.g. "!`cmd` (Claude Code shell execution)"
	apply func(string) string
}

// neutralise runs the rewrites over text. Each rewrite that changes something
// adds a warning naming the first line affected; with Strict it is an error.
func (j *job) neutralise(text string, rs ...rewrite) (string, error) {
	for _, rw := range rs {
		next := rw.apply(text)
		if next == text {
			continue
		}
		line := firstDiffLine(text, next)
		n := strings.Count(next, WordJoiner) - strings.Count(text, WordJoiner)
		if j.opt.Strict {
			return "", fmt.Errorf("the prompt contains %s (line %d), which %s would interpret; refusing (Strict)", rw.what, line, j.f.Name)
		}
		if n > 0 {
			j.warnf("neutralised %d occurrence(s) of %s, first on line %d", n, rw.what, line)
		} else {
			j.warnf("rewrote %s, first on line %d", rw.what, line)
		}
		text = next
	}
	return text, nil
}

func firstDiffLine(a, b string) int {
	line := 1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return line
		}
		if a[i] == '\n' {
			line++
		}
	}
	return line
}

// Claude Code runs !`cmd` and ```! blocks as shell commands before the model
// sees a skill or command body. The Markdown file formats are routinely
// reused as skills (OpenClaw soul folders are loaded as skills), so every one
// breaks them: "!" WJ "`".
var rwShellBang = rewrite{
	what: "!`cmd` / ```! (Claude Code shell execution)",
	apply: func(s string) string {
		s = strings.ReplaceAll(s, "```!", "```"+WordJoiner+"!")
		return strings.ReplaceAll(s, "!`", "!"+WordJoiner+"`")
	},
}

// Claude Code substitutes $ARGUMENTS, $0..$9 and ${CLAUDE_*} in skill and
// command bodies; ${CLAUDE_*} cannot be escaped with a backslash.
var claudeVarRE = regexp.MustCompile(`\$(ARGUMENTS|[0-9]|\{CLAUDE_)`)

var rwClaudeVars = rewrite{
	what:  "$ARGUMENTS / $N / ${CLAUDE_...} (Claude Code substitution)",
	apply: func(s string) string { return claudeVarRE.ReplaceAllString(s, "$$"+WordJoiner+"$1") },
}

// Gemini CLI runs subagent bodies through templateString(), which replaces
// ${word} and fails on any word it was not given.
var rwDollarBrace = rewrite{
	what:  "${...} (Gemini CLI template variable)",
	apply: func(s string) string { return strings.ReplaceAll(s, "${", "$"+WordJoiner+"{") },
}

// Gemini CLI (GEMINI.md and AGENTS.md when configured as context files) and
// Claude Code (CLAUDE.md importing @AGENTS.md) treat "@path" at the start of
// a line or after whitespace as a file import.
var atImportRE = regexp.MustCompile(`(^|\s)@(\S)`)

var rwAtImport = rewrite{
	what:  "@path after whitespace (Gemini CLI / Claude Code file import)",
	apply: func(s string) string { return atImportRE.ReplaceAllString(s, "${1}"+WordJoiner+"@${2}") },
}

// fabric renders {{name}} (and executes {{plugin:...}} / {{ext:...}}); it
// has no escape, so a WJ goes between any two adjacent braces of a kind.
var rwDoubleBrace = rewrite{
	what: "{{ / }} (fabric template)",
	apply: func(s string) string {
		var b strings.Builder
		var prev rune
		for _, r := range s {
			if (r == '{' || r == '}') && r == prev {
				b.WriteString(WordJoiner)
			}
			b.WriteRune(r)
			prev = r
		}
		return b.String()
	},
}

// CrewAI's interpolate_only() replaces every {identifier} (regex
// \{([A-Za-z_][A-Za-z0-9_\-]*)}) in role, goal and backstory with a kickoff
// input and raises KeyError when there is none; doubling braces does not
// escape it ({{x}} still contains {x}). Such braces become fullwidth
// ｛identifier｝ (U+FF5B/U+FF5D): visible, read the same by a model, and not
// matched. Other braces (JSON, "{ x}") are left alone.
var crewVarRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_\-]*)\}`)

var rwCrewVar = rewrite{
	what:  "{identifier} (CrewAI input variable) -> fullwidth ｛identifier｝",
	apply: func(s string) string { return crewVarRE.ReplaceAllString(s, "｛${1}｝") },
}

// ollamaText makes s representable inside a Modelfile SYSTEM """...""" value,
// which has no escape character (ollama parser/parser.go):
//   - runes strconv.IsPrint rejects are dropped by the parser (tab, CR, LF
//     survive): Unicode spaces become " ", the rest are removed;
//   - a line whose whitespace-trimmed text ends in `"""` ends the value
//     early, so its last quote becomes U+FF02 FULLWIDTH QUOTATION MARK.
//
// It returns the rewritten text, the number of dropped/replaced runes and the
// 1-based numbers of the lines whose quotes were replaced.
func ollamaText(s string) (string, int, []int) {
	dropped := 0
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || strconv.IsPrint(r):
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
			dropped++
		default:
			dropped++
		}
	}
	s = b.String()
	// Split after both CR and LF: the parser ends a value at either.
	lines := splitKeepNewlines(s)
	var fixed []int
	for i := 0; i < len(lines)-1; i++ {
		content := strings.TrimRight(lines[i], "\r\n")
		trimmed := strings.TrimRightFunc(content, unicode.IsSpace)
		if strings.HasSuffix(trimmed, `"""`) {
			lines[i] = trimmed[:len(trimmed)-1] + "＂" + lines[i][len(trimmed):]
			fixed = append(fixed, i+1)
		}
	}
	return strings.Join(lines, ""), dropped, fixed
}

// splitKeepNewlines splits s after every '\n' or '\r'; the last element is
// the text after the final newline (possibly "").
func splitKeepNewlines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\r' {
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
