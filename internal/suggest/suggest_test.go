package suggest

import (
	"testing"

	_ "github.com/soulc/soulc/internal/golden"
)

func TestClosest(t *testing.T) {
	known := []string{"openai", "openai-reasoning", "claude", "gemini"}
	for in, want := range map[string]string{"opena": "openai", "claud": "claude", "Gemni": "gemini", "zzzzzz": "", "openai-r": "openai-reasoning"} {
		if got := Closest(in, known); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
	if Distance("kitten", "sitting") != 3 || Distance("", "abc") != 3 {
		t.Error("Distance wrong")
	}
}
