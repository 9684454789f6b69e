package compile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period but do not end a sentence.
var abbreviations = map[string]bool{
	"e.g.": true, "i.e.": true, "etc.": true, "vs.": true, "cf.": true, "al.": true,
	"dr.": true, "mr.": true, "mrs.": true, "ms.": true, "st.": true, "no.": true,
	"fig.": true, "approx.": true, "u.s.": true, "u.k.": true, "jr.": true, "sr.": true,
	"inc.": true, "ltd.": true, "co.": true, "vol.": true, "p.": true, "pp.": true, "ch.": true,
}

// Sentences splits inline Markdown into sentences at ". ", "? " and "! "
// (closing quotes and brackets included) followed by a capital, digit, quote
// or emphasis mark. It never splits inside emphasis, code spans or
// parentheses, so every sentence prefix is still balanced Markdown.
// Joining the result with " " gives back the input.
func Sentences(s string) []string {
	var out []string
	start := 0
	bold, ital, code, paren := false, false, false, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '`':
			code = !code
		case code:
		case r == '*' && strings.HasPrefix(s[i:], "**"):
			bold = !bold
			size = 2
		case r == '*' || (r == '_' && (i == 0 || s[i-1] == ' ')):
			ital = !ital
		case r == '_' && ital:
			ital = false
		case r == '(':
			paren++
		case r == ')' && paren > 0:
			paren--
		case (r == '.' || r == '?' || r == '!') && !bold && !ital && paren == 0:
			end := i + size
			for end < len(s) && strings.ContainsRune("\"'”’)]*", rune(s[end])) {
				if s[end] == '*' { // closing emphasis after the stop belongs to this sentence
					break
				}
				end++
			}
			if end < len(s) && s[end] == ' ' && startsSentence(s[end+1:]) && !isAbbreviation(s[start:i+size]) {
				out = append(out, s[start:end])
				start = end + 1
				i = end + 1
				continue
			}
		}
		i += size
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"'“‘*_([`", r)
}

// isAbbreviation reports whether text ends in an abbreviation or an initial
// ("J."), so the period is not a sentence end.
func isAbbreviation(text string) bool {
	j := strings.LastIndexAny(text, " (\"“")
	word := strings.ToLower(text[j+1:])
	if abbreviations[word] {
		return true
	}
	w := []rune(strings.TrimSuffix(word, "."))
	return len(w) == 1 && unicode.IsLetter(w[0])
}
