package targets

import "strings"

// tiktoken-go's own table lacks o1/o3/o4/gpt-5, so soulc keeps its own.
// Exact ids first, then prefixes; the longest matching prefix wins, so
// "gpt-4o-mini" is o200k while "gpt-4-0613" is cl100k.
var modelExact = map[string]string{
	"gpt-4":         Cl100kBase,
	"gpt-3.5-turbo": Cl100kBase,
	"gpt-3.5":       Cl100kBase,
	"o1":            O200kBase,
	"o3":            O200kBase,
	"o4":            O200kBase,
}

var modelPrefixes = []struct{ prefix, enc string }{
	{"gpt-4o", O200kBase},
	{"chatgpt-4o", O200kBase},
	{"gpt-4.1", O200kBase},
	{"gpt-4.5", O200kBase},
	{"gpt-5", O200kBase},
	{"gpt-oss", O200kBase}, // o200k_harmony: same text tokens as o200k_base
	{"o1-", O200kBase},
	{"o3-", O200kBase},
	{"o4-", O200kBase},
	{"gpt-4-", Cl100kBase},
	{"gpt-3.5-turbo-", Cl100kBase},
	{"gpt-35-turbo", Cl100kBase}, // Azure spelling
	{"text-embedding-3-", Cl100kBase},
	{"text-embedding-ada-002", Cl100kBase},
}

// EncodingForModel returns the tiktoken encoding name for an OpenAI model id,
// matching exact ids then the longest known prefix. A provider prefix such as
// "openai/" and letter case are ignored. ok is false for unknown models.
func EncodingForModel(model string) (string, bool) {
	m := strings.ToLower(strings.TrimSpace(model))
	m = strings.TrimPrefix(m, "openai/")
	if enc, ok := modelExact[m]; ok {
		return enc, true
	}
	best, bestLen := "", 0
	for _, p := range modelPrefixes {
		if len(p.prefix) > bestLen && strings.HasPrefix(m, p.prefix) {
			best, bestLen = p.enc, len(p.prefix)
		}
	}
	return best, bestLen > 0
}
