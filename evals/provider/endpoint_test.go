package provider

import (
	"strings"
	"testing"
)

func TestPresetsComplete(t *testing.T) {
	want := map[string]struct{ url, keyEnv string }{
		"openai":     {"https://api.openai.com/v1", "OPENAI_API_KEY"},
		"ollama":     {"http://localhost:11434/v1", ""},
		"vllm":       {"http://localhost:8000/v1", ""},
		"llamacpp":   {"http://localhost:8080/v1", ""},
		"lmstudio":   {"http://localhost:1234/v1", ""},
		"openrouter": {"https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"},
		"azure":      {"", "AZURE_OPENAI_API_KEY"},
		"anthropic":  {"https://api.anthropic.com/v1/", "ANTHROPIC_API_KEY"},
		"gemini":     {"https://generativelanguage.googleapis.com/v1beta/openai/", "GEMINI_API_KEY"},
	}
	ps := Presets()
	if len(ps) != len(want) {
		t.Fatalf("%d presets, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		w, ok := want[p.Name]
		if !ok {
			t.Errorf("unexpected preset %q", p.Name)
			continue
		}
		if p.BaseURL != w.url {
			t.Errorf("%s: base %q, want %q", p.Name, p.BaseURL, w.url)
		}
		if w.keyEnv != "" && (p.APIKeyEnv != w.keyEnv || !p.KeyRequired) {
			t.Errorf("%s: key env %q required=%v, want %q required", p.Name, p.APIKeyEnv, p.KeyRequired, w.keyEnv)
		}
		if w.keyEnv == "" && p.KeyRequired {
			t.Errorf("%s: local preset should not require a key", p.Name)
		}
		if p.Note == "" {
			t.Errorf("%s: no verification note", p.Name)
		}
	}
	// Presets returns a copy.
	ps[0].BaseURL = "mutated"
	if again := Presets(); again[0].BaseURL == "mutated" {
		t.Error("Presets exposes internal state")
	}
}

func TestResolveEndpoint(t *testing.T) {
	tests := []struct {
		name, preset, flag, model string
		env                       map[string]string
		wantURL                   string
		wantKeyRequired           bool
		wantErr                   string
	}{
		{name: "default is openai", wantURL: "https://api.openai.com/v1", wantKeyRequired: true},
		{name: "OPENAI_BASE_URL overrides openai", env: map[string]string{"OPENAI_BASE_URL": "http://proxy:9000/v1"}, wantURL: "http://proxy:9000/v1"},
		{name: "--base-url beats OPENAI_BASE_URL", flag: "http://flag:1/v1", env: map[string]string{"OPENAI_BASE_URL": "http://env:2/v1"}, wantURL: "http://flag:1/v1"},
		{name: "OPENAI_BASE_URL does not touch other presets", preset: "openrouter", env: map[string]string{"OPENAI_BASE_URL": "http://env:2/v1"}, wantURL: "https://openrouter.ai/api/v1", wantKeyRequired: true},
		{name: "ollama", preset: "ollama", model: "llama3", wantURL: "http://localhost:11434/v1"},
		{name: "azure from AZURE_OPENAI_ENDPOINT", preset: "azure", env: map[string]string{"AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com"}, wantURL: "https://res.openai.azure.com", wantKeyRequired: true},
		{name: "azure without endpoint", preset: "azure", wantErr: "AZURE_OPENAI_ENDPOINT"},
		{name: "unknown name without URL", preset: "mystery", wantErr: "unknown endpoint"},
		{name: "custom name with URL", preset: "my-box", flag: "http://10.0.0.5:5000/v1", wantURL: "http://10.0.0.5:5000/v1"},
		{name: "userinfo rejected", flag: "http://user:pw@host/v1", wantErr: "user:password"},
		{name: "not http", flag: "ftp://host/v1", wantErr: "http(s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ep, err := ResolveEndpoint(tc.preset, tc.flag, tc.model, envWith(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "pw@") {
					t.Fatalf("error echoes URL credentials: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.BaseURL != tc.wantURL || ep.KeyRequired != tc.wantKeyRequired {
				t.Fatalf("got %q required=%v, want %q required=%v", ep.BaseURL, ep.KeyRequired, tc.wantURL, tc.wantKeyRequired)
			}
			if tc.model != "" && ep.Model != tc.model {
				t.Fatalf("model %q", ep.Model)
			}
		})
	}
}
