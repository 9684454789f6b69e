package compile

import (
	"reflect"
	"strings"
	"testing"
)

func TestSentences(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"One. Two. Three", []string{"One.", "Two.", "Three"}},
		{"Use tools, e.g. Git. Then ship.", []string{"Use tools, e.g. Git.", "Then ship."}},
		{"**Bold. Still bold.** After. Done", []string{"**Bold. Still bold.** After.", "Done"}},
		{"A (see B. C) here. Next", []string{"A (see B. C) here.", "Next"}},
		{"It costs 3.5 units. Fine", []string{"It costs 3.5 units.", "Fine"}},
		{"Is it? Yes! \"Quoted.\" End", []string{"Is it?", "Yes!", "\"Quoted.\"", "End"}},
		{"J. R. R. Tolkien wrote. Next", []string{"J. R. R. Tolkien wrote.", "Next"}},
		{"code `a. B` stays. Next", []string{"code `a. B` stays.", "Next"}},
		{"lower. case does not split", []string{"lower. case does not split"}},
		{"", nil},
	}
	for _, c := range cases {
		got := Sentences(c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Sentences(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.Join(got, " ") != c.in {
			t.Errorf("Sentences(%q) does not join back", c.in)
		}
	}
}
