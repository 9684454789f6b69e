package cases

import (
	"reflect"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three?", []string{"One.", "Two!", "Three?"}},
		{"Use e.g. a dowel, i.e. a stick. Then stop.", []string{"Use e.g. a dowel, i.e. a stick.", "Then stop."}},
		{"Dr. Smith vs. Mr. Jones. Next.", []string{"Dr. Smith vs. Mr. Jones.", "Next."}},
		{"The rate fell to 3.5 percent. It held.", []string{"The rate fell to 3.5 percent.", "It held."}},
		{`The conclusion is "the model is unsafe." The fix follows.`, []string{`The conclusion is "the model is unsafe."`, "The fix follows."}},
		{`He says "Stop. Think." Then he waits.`, []string{`He says "Stop. Think."`, "Then he waits."}},
		{`“Mrs. Lee hasn't eaten. She says no.” The nurse acts.`, []string{`“Mrs. Lee hasn't eaten. She says no.”`, "The nurse acts."}},
		{"J. R. R. Tolkien wrote it. Fine.", []string{"J. R. R. Tolkien wrote it.", "Fine."}},
		{"An unbalanced \" quote. Still splits.", []string{"An unbalanced \" quote.", "Still splits."}},
		{"lower. case continues", []string{"lower. case continues"}},
	}
	for _, tt := range tests {
		if got := sentences(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"A model passes the harmlessness benchmark":   "a-model-passes-the-harmlessness-benchmark",
		`The "real mom" landmine`:                     "the-real-mom-landmine",
		"Don't panic — café edition":                  "dont-panic-cafe-edition",
		"What the tester is":                          "what-the-tester",
		"The print that strings every time, suddenly": "the-print-that-strings-every-time-suddenly",
	} {
		if got := slug(in, 60); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := slug("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu", 30); len(got) > 30 || got[len(got)-1] == '-' {
		t.Errorf("long slug not cut at a word: %q", got)
	}
}

func TestTrimEndPunct(t *testing.T) {
	for in, want := range map[string]string{
		`announce "we found it."`: `announce "we found it"`,
		"plain.":                  "plain",
		`asks "why?"`:             `asks "why?"`,
	} {
		if got := trimEndPunct(in); got != want {
			t.Errorf("trimEndPunct(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConjugate(t *testing.T) {
	for in, want := range map[string]string{"build": "builds", "apply": "applies", "watch": "watches",
		"go": "goes", "don't": "doesn't", "have": "has", "can": "can", "play": "plays"} {
		if got := conjugate3(in); got != want {
			t.Errorf("conjugate3(%q) = %q, want %q", in, got, want)
		}
	}
	if got := toThirdPerson("first dry the spool and reprint the part"); got != "first dries the spool and reprints the part" {
		t.Errorf("toThirdPerson: %q", got)
	}
}
