package cases

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	mdLink     = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdEmphasis = regexp.MustCompile(`\*{1,3}([^*\n]+?)\*{1,3}`)
	mdCode     = regexp.MustCompile("`([^`\n]*)`")
	spaces     = regexp.MustCompile(`\s+`)
)

// plain turns a scenario's inline Markdown into text a user would type:
// links keep their text, emphasis and code marks go, whitespace collapses.
func plain(md string) string {
	s := mdLink.ReplaceAllString(md, "$1")
	s = mdEmphasis.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, "\\", "")
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// abbreviations never end a sentence, though a period follows them.
var abbreviations = map[string]bool{
	"e.g.": true, "i.e.": true, "vs.": true, "v.": true, "dr.": true, "mr.": true,
	"mrs.": true, "ms.": true, "st.": true, "fig.": true,
	"approx.": true, "cf.": true, "al.": true, "jr.": true, "sr.": true, "inc.": true,
	"ltd.": true, "co.": true, "mt.": true,
	"ed.": true, "dept.": true, "ca.": true, "u.s.": true, "u.k.": true, "prof.": true,
	"gen.": true, "col.": true, "lt.": true, "sgt.": true, "rev.": true, "ft.": true,
	"op.": true, "viz.": true, "esp.": true, "min.": true, "max.": true,
}

// numberAbbrev end a sentence unless a number follows ("said no. Then…").
var numberAbbrev = map[string]bool{"no.": true, "nos.": true, "p.": true, "pp.": true, "vol.": true, "fig.": true}

const closers = `"'”’)]»`

// sentences splits plain text into sentences. A sentence ends at . ! or ?
// (plus any closing quotes or brackets) followed by a space and a capital,
// digit or opening quote, except after an abbreviation or an initial, and
// never inside a balanced quotation ("Stop. Think." stays whole).
func sentences(text string) []string {
	text = strings.TrimSpace(text)
	quoted := quoteMask(text)
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if r != '.' && r != '!' && r != '?' {
			i += w
			continue
		}
		end := i + w
		for end < len(text) {
			cr, cw := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune(closers, cr) {
				break
			}
			end += cw
		}
		if isBoundary(text, i, end, quoted) {
			out = append(out, strings.TrimSpace(text[start:end]))
			start = end
		}
		i = end
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func isBoundary(text string, punct, end int, quoted []bool) bool {
	if end >= len(text) {
		return true
	}
	if quoted[punct] && (end-1 < len(quoted) && quoted[end-1]) {
		return false // the punctuation and what follows are inside one quotation
	}
	if text[end] != ' ' {
		return false
	}
	next, _ := utf8.DecodeRuneInString(text[end+1:])
	if !(unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune(`"'“‘(*`, next)) {
		return false
	}
	if text[punct] == '.' {
		word := lastWord(text[:punct+1])
		if abbreviations[strings.ToLower(word)] {
			return false
		}
		if numberAbbrev[strings.ToLower(word)] && unicode.IsDigit(next) {
			return false // "No. 5", "p. 12"
		}
		if isInitial(word) {
			return false
		}
	}
	return true
}

// lastWord is the token before the period, opening punctuation stripped.
func lastWord(s string) string {
	i := strings.LastIndexAny(s, " \t(\"“")
	return s[i+1:]
}

// isInitial matches "J." in "J. R. Tolkien": one capital letter.
func isInitial(w string) bool {
	r := []rune(w)
	return len(r) == 2 && unicode.IsUpper(r[0])
}

// quoteMask marks bytes inside a balanced double quotation. An unbalanced
// quote is ignored, so a stray mark cannot swallow the rest of a scenario.
func quoteMask(text string) []bool {
	mask := make([]bool, len(text))
	open := -1
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '“' && open < 0:
			open = i
		case r == '”' && open >= 0:
			fill(mask, open, i)
			open = -1
		case r == '"' && open < 0:
			open = i
		case r == '"' && open >= 0:
			fill(mask, open, i)
			open = -1
		}
		i += w
	}
	return mask
}

func fill(mask []bool, from, to int) {
	for i := from + 1; i < to; i++ {
		mask[i] = true
	}
}

// slug makes an id: lower-case ASCII words joined by hyphens, cut at a word
// boundary so ids stay short.
func slug(s string, maxLen int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(foldASCII(s)) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		if r == '\'' || r == '’' {
			continue // "don't" → "dont", not "don-t"
		}
		dash = true
	}
	out := b.String()
	for len(out) > maxLen || trailingStop(out) {
		i := strings.LastIndexByte(out, '-')
		if i <= 0 {
			out = out[:maxLen]
			break
		}
		out = out[:i]
	}
	return out
}

// foldASCII drops accents from common Latin letters so "café" slugs to "cafe".
func foldASCII(s string) string {
	r := strings.NewReplacer("á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a",
		"é", "e", "è", "e", "ê", "e", "ë", "e", "í", "i", "ì", "i", "î", "i", "ï", "i",
		"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o", "ú", "u", "ù", "u", "û", "u",
		"ü", "u", "ñ", "n", "ç", "c", "Á", "a", "É", "e", "Í", "i", "Ó", "o", "Ú", "u")
	return r.Replace(s)
}

// normSentence is the comparison key for "the same sentence": lower case,
// letters and digits only.
func normSentence(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if of to in on at by for with from as is are was were be been
		being it its this that these those there their they them he she his her i me my we our you your
		not no so than then into onto over under about after before while when which who whom what how
		do does did has have had can could would should will may might must just also only more most very
		s t`) {
		stopwords[w] = true
	}
}

// contentWords returns the lower-case non-stopword words of s, for overlap.
func contentWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !stopwords[w] && len(w) > 1 {
			out = append(out, stem(w))
		}
	}
	return out
}

// coverage is the share of a's content words that also occur in b.
func coverage(a, b string) float64 {
	aw := contentWords(a)
	if len(aw) == 0 {
		return 0
	}
	in := map[string]bool{}
	for _, w := range contentWords(b) {
		in[w] = true
	}
	n := 0
	for _, w := range aw {
		if in[w] {
			n++
		}
	}
	return float64(n) / float64(len(aw))
}

// sharedSentence returns the first sentence (by normalised text) that a
// and b both contain, or "".
func sharedSentence(a, b string) string {
	seen := map[string]bool{}
	for _, s := range sentences(a) {
		if k := normSentence(s); len(k) > 0 {
			seen[k] = true
		}
	}
	for _, s := range sentences(b) {
		if seen[normSentence(s)] {
			return s
		}
	}
	return ""
}

func upperFirst(s string) string {
	r, w := utf8.DecodeRuneInString(s)
	if w == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[w:]
}

// lowerFirst lower-cases a leading common word ("The fix" → "the fix") but
// leaves names and acronyms ("Tinbergen", "GPS") alone.
func lowerFirst(s string) string { return lowerFirstExcept(s, nil) }

// lowerFirstExcept is lowerFirst that also keeps the given names.
func lowerFirstExcept(s string, names map[string]bool) string {
	w := s
	if i := strings.IndexAny(s, " ,;:"); i > 0 {
		w = s[:i]
	}
	if commonStarters[w] || plainWord(w) && !properNoun[w] && !names[w] {
		return strings.ToLower(w) + s[len(w):]
	}
	return s
}

// plainWord is a capitalised word with no other capitals or digits
// ("Ablation", not "GPS", "iPhone" or "H2O"); names in properNoun stay.
func plainWord(w string) bool {
	r := []rune(w)
	if len(r) < 2 || !unicode.IsUpper(r[0]) {
		return false
	}
	for _, c := range r[1:] {
		if !unicode.IsLower(c) && c != '-' {
			return false
		}
	}
	return !properNoun[w]
}

// properNoun holds capitalised words that are always names.
var properNoun = map[string]bool{"I": true, "English": true, "God": true}

// namesIn returns the words text capitalises mid-sentence: names, which
// must keep their capital when a sentence is folded into a criterion.
func namesIn(text string) map[string]bool {
	out := map[string]bool{}
	f := strings.Fields(text)
	for i := 1; i < len(f); i++ {
		prev := f[i-1]
		if strings.HasSuffix(prev, ".") || strings.HasSuffix(prev, "?") || strings.HasSuffix(prev, "!") || strings.HasSuffix(prev, ":") || strings.HasSuffix(prev, `"`) {
			continue
		}
		w := strings.TrimRight(strings.TrimLeft(f[i], `"“(`), `.,;:!?'’s)”"`)
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if r := []rune(w); len(r) > 1 && unicode.IsUpper(r[0]) {
			out[w] = true
		}
	}
	return out
}

var commonStarters = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`The A An This That These Those It Its There Each Every No Both All
		Any Some Most Many One Two Three Their His Her Our My Your Such Nothing Everything Nobody
		Neither Either Only Even What When Where Whether If Instead Rather So Then Now Later After
		Before Once Without With In On At By For From`) {
		commonStarters[w] = true
	}
}

// trimEndPunct drops a sentence's final punctuation, keeping a closing quote
// balanced ('say "stop."' → 'say "stop"').
func trimEndPunct(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ".;:, ")
	for _, q := range []string{`"`, "”", "'", "’", ")"} {
		if strings.HasSuffix(s, q) {
			inner := strings.TrimRight(strings.TrimSuffix(s, q), ".;:, ")
			if strings.HasSuffix(inner, "?") || strings.HasSuffix(inner, "!") {
				return s
			}
			return inner + q
		}
	}
	return s
}

func words(s string) int { return len(strings.Fields(s)) }

// trailingStop reports an id ending in a word like "is" or "the", which
// would read as cut off.
func trailingStop(id string) bool {
	i := strings.LastIndexByte(id, '-')
	return i > 0 && stopwords[id[i+1:]]
}

// stem folds the commonest inflections so "slows" matches "slow" in the
// overlap checks; it is not a real stemmer and does not need to be.
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return strings.TrimSuffix(w, suf)
		}
	}
	return w
}
