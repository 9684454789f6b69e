package targets

// Builtin returns the built-in targets, sorted by name. Each call returns a
// fresh copy, so callers may modify the result.
//
// DefaultBudget choices (tiers 500/1000/2000/4000/8000; see README.md):
//   - openai, claude, gemini, plain: 2000. Room for mission, principles,
//     workflow and failure modes; close to ChatGPT's 8,000-character custom
//     instruction cap; above Claude Sonnet's 1,024-token cache floor.
//   - openai-reasoning: 1000. Reasoning models want short, high-level prompts
//     and pay reasoning tokens to reconcile long ones.
//   - openai-legacy: 1000. GPT-4 had an 8K window; keep the persona ~1/8 of it.
//   - llama3, mistral: 1000. Small open-weight models follow short prompts
//     better, and older Mistral templates re-send the system prompt next to the
//     latest user turn, so it is paid every turn.
func Builtin() []Target {
	ts := []Target{
		{
			Name:          "claude",
			Family:        "claude",
			Description:   "Anthropic Claude via the top-level system parameter; XML-tagged sections",
			Models:        []string{"claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-3-7-sonnet"},
			Tokenizer:     ClaudeEstimate,
			Layout:        "xml",
			Role:          "system", // the Messages API top-level "system" field, not a message
			ContextWindow: 200_000,
			DefaultBudget: 2000,
			Overhead: Overhead{
				Tokens: 0,
				Notes: "Sent as the top-level system field; Anthropic documents no fixed framing for it. " +
					"Counts are a conservative estimate (no public Claude 3+ tokenizer): see CALIBRATION.md.",
			},
		},
		{
			Name:          "gemini",
			Family:        "gemini",
			Description:   "Google Gemini via system_instruction; Markdown headings, one format throughout",
			Models:        []string{"gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro"},
			Tokenizer:     GeminiEstimate,
			Layout:        "markdown",
			Role:          "system_instruction",
			ContextWindow: 1_000_000,
			DefaultBudget: 2000,
			Overhead: Overhead{
				Tokens: 0,
				Notes: "Sent as GenerateContentConfig.SystemInstruction; no documented fixed framing. " +
					"Counts are an upper-bound estimate calibrated on the Gemma 3 vocabulary Gemini shares.",
			},
		},
		{
			Name:          "llama3",
			Family:        "llama",
			Description:   "Meta Llama 3.x instruct models via the system header; plain Markdown",
			Models:        []string{"llama-3.1-8b-instruct", "llama-3.1-70b-instruct", "llama-3.2-3b-instruct", "llama-3.3-70b-instruct"},
			Tokenizer:     Llama3Estimate,
			Layout:        "markdown",
			Role:          "system",
			ContextWindow: 128_000, // 3.1+; Llama 3.0 had 8,192
			DefaultBudget: 1000,
			Overhead: Overhead{
				Tokens: llama3FrameTokens,
				Notes: "The 3.1+ chat template wraps the system prompt as <|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n\\n" +
					"and injects \"Cutting Knowledge Date: December 2023\\nToday Date: 26 Jul 2024\\n\\n\" before it, closing with <|eot_id|>; " +
					"26 tokens in the Llama 3.1 vocabulary, plus 2 for merges where the header meets the body.",
			},
		},
		{
			Name:          "mistral",
			Family:        "mistral",
			Description:   "Mistral models; plain text, since v2/v3/Tekken templates splice the system prompt into the last user turn",
			Models:        []string{"mistral-large-latest", "mistral-small-latest", "open-mistral-nemo", "open-mistral-7b"},
			Tokenizer:     MistralEstimate,
			Layout:        "plain",
			Role:          "system",
			ContextWindow: 32_768, // 7B v0.3; NeMo and Large 2 have 128K
			DefaultBudget: 1000,
			Overhead: Overhead{
				Tokens: 4,
				Notes: "v2/v3/Tekken templates prepend the system prompt to the last user message with \"\\n\\n\"; " +
					"v7 templates wrap it in [SYSTEM_PROMPT]...[/SYSTEM_PROMPT]. 4 tokens covers either.",
			},
		},
		{
			Name:          "openai",
			Family:        "openai",
			Description:   "OpenAI GPT-4o, GPT-4.1 and GPT-5 chat models; Markdown headings",
			Models:        []string{"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini"},
			Tokenizer:     O200kBase,
			Layout:        "markdown",
			Role:          "system",
			ContextWindow: 128_000, // smallest of the models above (gpt-4o)
			DefaultBudget: 2000,
			Overhead:      openAIOverhead,
		},
		{
			Name:          "openai-legacy",
			Family:        "openai",
			Description:   "OpenAI GPT-4 and GPT-3.5 Turbo; cl100k_base vocabulary",
			Models:        []string{"gpt-4", "gpt-4-turbo", "gpt-3.5-turbo"},
			Tokenizer:     Cl100kBase,
			Layout:        "markdown",
			Role:          "system",
			ContextWindow: 8_192, // gpt-4 (8K); gpt-3.5-turbo 16K, gpt-4-turbo 128K
			DefaultBudget: 1000,
			Overhead:      openAIOverhead,
		},
		{
			Name:          "openai-reasoning",
			Family:        "openai",
			Description:   "OpenAI o-series reasoning models via the developer role; short, terse Markdown",
			Models:        []string{"o1", "o3", "o3-mini", "o4-mini"},
			Tokenizer:     O200kBase,
			Layout:        "terse",
			Role:          "developer",
			ContextWindow: 200_000,
			DefaultBudget: 1000,
			Overhead: Overhead{
				Tokens:   openAIOverhead.Tokens,
				Preamble: "Formatting re-enabled",
				Notes: openAIOverhead.Notes + " Markdown output is off by default on o-series models; " +
					"the first line \"Formatting re-enabled\" turns it back on and is counted as body.",
			},
		},
		{
			Name:          "plain",
			Family:        "plain",
			Description:   "Model-agnostic plain text counted in o200k_base; no framing",
			Tokenizer:     O200kBase,
			Layout:        "plain",
			Role:          "system",
			ContextWindow: 0, // unknown
			DefaultBudget: 2000,
			Overhead:      Overhead{Notes: "No framing is assumed; the budget is the body alone."},
		},
	}
	for i := range ts {
		if err := ts[i].Validate(); err != nil {
			panic("targets: invalid built-in " + ts[i].Name + ": " + err.Error()) // programming error; tested
		}
	}
	return ts
}

// openAIOverhead: OpenAI's cookbook counts 3 tokens per message plus 3 to
// prime the reply; Priompt uses 4 per message. We take the larger, 4+3.
var openAIOverhead = Overhead{
	Tokens: 7,
	Notes:  "Chat framing: <|im_start|>role<|im_sep|>...<|im_end|> (~4 tokens, Priompt's figure; the cookbook says 3) plus 3 for reply priming.",
}

// llama3FrameTokens: the framed system block with an empty body is 26 tokens
// in the Llama 3.1 vocabulary (bench/tokenref/calibrate.js prints it; the same
// for every date tried), plus 2 for merges at the header/body seam.
const llama3FrameTokens = 28
