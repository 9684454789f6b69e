package cases

import "strings"

// Verb forms for turning "They build X" / "I insist on X" into a rubric
// criterion about the answer ("Builds X", "Insists on X"). English is
// irregular; the table covers the auxiliaries and the regular rules do the
// rest, which is enough for the verbs scenarios use.
var thirdPerson = map[string]string{
	"be": "is", "am": "is", "are": "is", "'re": "is", "'m": "is", "were": "was",
	"have": "has", "'ve": "has", "do": "does", "don't": "doesn't", "go": "goes",
	"aren't": "isn't", "weren't": "wasn't", "haven't": "hasn't",
}

// modals and words that never take an -s.
var invariant = map[string]bool{
	"can": true, "could": true, "will": true, "would": true, "shall": true, "should": true,
	"may": true, "might": true, "must": true, "can't": true, "won't": true, "wouldn't": true,
	"couldn't": true, "shouldn't": true, "mustn't": true, "did": true, "didn't": true,
	"was": true, "wasn't": true, "had": true, "hadn't": true, "'d": true, "'ll": true,
}

// adverbs that can sit between a subject and its verb.
var adverbs = map[string]bool{
	"first": true, "then": true, "also": true, "immediately": true, "now": true, "instead": true,
	"still": true, "never": true, "always": true, "only": true, "simply": true, "quietly": true,
	"calmly": true, "deliberately": true, "finally": true, "next": true, "often": true,
	"already": true, "just": true, "carefully": true, "explicitly": true, "openly": true,
	"directly": true, "gently": true, "politely": true, "firmly": true, "briefly": true,
	"patiently": true, "systematically": true, "slowly": true, "even": true, "actually": true,
	"rarely": true, "usually": true, "typically": true, "promptly": true, "honestly": true,
	"not": true,
}

// conjugate3 puts a base-form verb into the third person singular.
func conjugate3(v string) string {
	if i := strings.IndexFunc(v, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '\'' || r == '-') }); i > 0 {
		return conjugate3(v[:i]) + v[i:] // keep "go," → "goes,"
	}
	lv := strings.ToLower(v)
	if t, ok := thirdPerson[lv]; ok {
		return matchCase(v, t)
	}
	if invariant[lv] || lv == "" {
		return v
	}
	switch {
	case strings.HasSuffix(lv, "y") && len(lv) > 1 && !strings.ContainsRune("aeiou", rune(lv[len(lv)-2])):
		return v[:len(v)-1] + "ies"
	case strings.HasSuffix(lv, "s"), strings.HasSuffix(lv, "sh"), strings.HasSuffix(lv, "ch"),
		strings.HasSuffix(lv, "x"), strings.HasSuffix(lv, "z"), strings.HasSuffix(lv, "o"):
		return v + "es"
	}
	return v + "s"
}

func matchCase(like, s string) string {
	if like != "" && like[0] >= 'A' && like[0] <= 'Z' {
		return upperFirst(s)
	}
	return s
}

// toThirdPerson rewrites the verb phrase that followed a plural or first- or
// second-person subject ("first build X" → "first builds X").
func toThirdPerson(pred string) string {
	f := strings.Fields(pred)
	for i, w := range f {
		lw := strings.ToLower(w)
		if adverbs[lw] && i < len(f)-1 {
			continue
		}
		f[i] = conjugate3(w)
		break
	}
	// Later verbs of the same clause: "dry the spool and reprint with…".
	for i := 1; i+1 < len(f); i++ {
		if strings.ContainsAny(f[i-1], ";:") {
			break
		}
		if prev := f[i-1]; (prev == "and" || prev == "then" || prev == "or") && baseVerbLike(f[i]) && objectStarts[strings.ToLower(f[i+1])] {
			f[i] = conjugate3(f[i])
		}
	}
	return strings.Join(f, " ")
}

// baseVerbLike is a lower-case word that is not already inflected.
func baseVerbLike(w string) bool {
	if w == "" || w[0] < 'a' || w[0] > 'z' || objectStarts[w] || adverbs[w] {
		return false
	}
	return !strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ing") && !strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "ly") && !participles[w]
}

// participles look like base verbs but are not ("shown to an advisor").
var participles = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`shown known grown drawn thrown given taken written chosen broken done gone
		seen made kept held found told sent built spent bought brought caught taught thought fallen
		hidden driven ridden eaten beaten forgotten frozen stolen spoken woken worn torn sworn`) {
		participles[w] = true
	}
}
