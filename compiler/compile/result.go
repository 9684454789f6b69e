package compile

// Result is one compiled prompt and the record of how it was fitted: the
// manifest that `soulc compile --format json` prints and that exporters read.
type Result struct {
	Soul      SoulRef `json:"soul"`
	Target    string  `json:"target"`
	Family    string  `json:"family"`
	Tokenizer string  `json:"tokenizer"`
	// Exact is false when the tokenizer is an estimate (Claude, Gemini, ...).
	Exact bool `json:"exact"`
	// Role is the message role or field the prompt goes in: "system",
	// "developer" or "system_instruction".
	Role   string `json:"role"`
	Budget int    `json:"budget"`
	// Tokens is what the model is sent: BodyTokens + OverheadTokens.
	Tokens         int    `json:"tokens"`
	BodyTokens     int    `json:"body_tokens"`
	OverheadTokens int    `json:"overhead_tokens"`
	SHA256         string `json:"sha256"` // of Prompt
	// NextBudget is the smallest budget at which the prompt would grow (the
	// next item in the fitter's order), and NextItem that item; both empty
	// when everything is already kept. Unused budget is always smaller
	// than NextBudget − Tokens: it is one item's worth, kept free so that
	// raising the budget never reshuffles the prompt.
	NextBudget int    `json:"next_budget,omitempty"`
	NextItem   string `json:"next_item,omitempty"`
	// Kept, Condensed and Dropped name items as "Section / Title" (or
	// "Section #n" for untitled items).
	Kept      []string        `json:"kept"`
	Condensed []string        `json:"condensed"`
	Dropped   []string        `json:"dropped"`
	Sections  []SectionReport `json:"sections"`
	// Decisions gives every item's rendering: Level 0 is dropped, Levels
	// is whole; in between are title-only and sentence prefixes.
	Decisions []Decision `json:"decisions"`
	Prompt    string     `json:"prompt"`
}

// Decision is how much of one item the prompt keeps.
type Decision struct {
	Item   string `json:"item"`
	Level  int    `json:"level"`
	Levels int    `json:"levels"`
}

// SoulRef identifies the compiled SOUL.
type SoulRef struct {
	Slug    string `json:"slug"`
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	Source  string `json:"source"`
	SHA256  string `json:"sha256"`
}

// SectionReport is one row of `--explain`.
type SectionReport struct {
	Heading   string `json:"heading"`
	Kind      string `json:"kind"`
	Priority  int    `json:"priority"`
	Items     int    `json:"items"`
	Kept      int    `json:"kept"`      // items kept whole
	Condensed int    `json:"condensed"` // items kept shortened (title or first sentences)
	Dropped   int    `json:"dropped"`
	// FullTokens is what the section alone costs with every item whole;
	// KeptTokens what it costs as compiled (both standalone estimates).
	FullTokens int `json:"full_tokens"`
	KeptTokens int `json:"kept_tokens"`
}
