package targets

import "testing"

func TestEncodingForModel(t *testing.T) {
	tests := []struct {
		model, want string
		ok          bool
	}{
		{"gpt-4o", O200kBase, true},
		{"gpt-4o-mini-2024-07-18", O200kBase, true},
		{"chatgpt-4o-latest", O200kBase, true},
		{"gpt-4.1", O200kBase, true},
		{"gpt-4.1-nano", O200kBase, true},
		{"gpt-4.5-preview", O200kBase, true},
		{"gpt-5", O200kBase, true},
		{"gpt-5.1", O200kBase, true},
		{"gpt-5-mini", O200kBase, true},
		{"o1", O200kBase, true},
		{"o1-2024-12-17", O200kBase, true},
		{"o3-mini", O200kBase, true},
		{"o4-mini", O200kBase, true},
		{"gpt-oss-120b", O200kBase, true},
		{"OpenAI/GPT-4o", O200kBase, true},
		{"gpt-4", Cl100kBase, true},
		{"gpt-4-0613", Cl100kBase, true},
		{"gpt-4-turbo", Cl100kBase, true},
		{"gpt-4-32k", Cl100kBase, true},
		{"gpt-3.5-turbo", Cl100kBase, true},
		{"gpt-3.5-turbo-16k", Cl100kBase, true},
		{"gpt-35-turbo", Cl100kBase, true},
		{"text-embedding-3-small", Cl100kBase, true},
		{"claude-sonnet-4-5", "", false},
		{"o10", "", false},
		{"gpt-40", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := EncodingForModel(tc.model)
		if got != tc.want || ok != tc.ok {
			t.Errorf("EncodingForModel(%q) = %q, %v; want %q, %v", tc.model, got, ok, tc.want, tc.ok)
		}
	}
}
