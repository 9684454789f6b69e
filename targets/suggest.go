package targets

import "strings"

// suggest returns the candidate closest to name by edit distance, or "" when
// nothing is close enough to be a plausible typo.
func suggest(name string, candidates []string) string {
	name = strings.ToLower(name)
	best, bestD := "", -1
	for _, c := range candidates {
		d := levenshtein(name, strings.ToLower(c))
		if strings.HasPrefix(strings.ToLower(c), name) && name != "" {
			d = min(d, 1) // "claude" -> "claude-estimate" is a likely intent
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(2, len(name)/3) {
		return ""
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean formats the common tail of unknown-name errors.
func didYouMean(name string, known []string) string {
	var b strings.Builder
	if s := suggest(name, known); s != "" {
		b.WriteString(" (did you mean \"" + s + "\"?)")
	}
	b.WriteString("; known: " + strings.Join(known, ", "))
	return b.String()
}
