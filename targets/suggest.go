package targets

import (
	"strings"

	"github.com/soulc/soulc/internal/suggest"
)

// didYouMean formats the common tail of unknown-name errors.
func didYouMean(name string, known []string) string {
	var b strings.Builder
	if s := suggest.Closest(name, known); s != "" {
		b.WriteString(" (did you mean \"" + s + "\"?)")
	}
	b.WriteString("; known: " + strings.Join(known, ", "))
	return b.String()
}
