package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// marshal encodes v as indented JSON without HTML escaping, with a trailing
// newline. Key order is the struct field order.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// text: the prompt and a newline, verbatim (for llm --sf, claude
// --system-prompt-file, GEMINI_SYSTEM_MD, Codex model_instructions_file ...).
func emitText(j *job) error {
	j.out.Data = []byte(j.body() + "\n")
	return nil
}

// json: the compile manifest.
func emitManifest(j *job) (err error) {
	j.out.Data, err = marshal(j.r)
	return err
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// openai-chat: POST /v1/chat/completions {"model", "messages"}.
func emitOpenAIChat(j *job) (err error) {
	role := j.opt.Role
	switch role {
	case "":
		role = "system"
		if j.r.Role == "developer" {
			role = "developer"
		}
	case "system", "developer":
	default:
		return fmt.Errorf("role %q: use system or developer", role)
	}
	body := struct {
		Model    string        `json:"model"`
		Messages []chatMessage `json:"messages"`
	}{
		Model:    j.model(j.familyModel()),
		Messages: []chatMessage{{Role: role, Content: j.body()}},
	}
	if j.opt.Input != "" {
		body.Messages = append(body.Messages, chatMessage{Role: "user", Content: j.opt.Input})
	}
	j.out.Data, err = marshal(body)
	return err
}

// openai-responses: POST /v1/responses {"model", "instructions", "input"}.
// instructions are not carried over with previous_response_id: resend them
// every turn.
func emitOpenAIResponses(j *job) (err error) {
	body := struct {
		Model        string `json:"model"`
		Instructions string `json:"instructions"`
		Input        string `json:"input,omitempty"`
	}{j.model(j.familyModel()), j.body(), j.opt.Input}
	j.out.Data, err = marshal(body)
	return err
}

type cacheControl struct {
	Type string `json:"type"`
	TTL  string `json:"ttl,omitempty"`
}

type textBlock struct {
	Type         string        `json:"type"`
	Text         string        `json:"text"`
	CacheControl *cacheControl `json:"cache_control,omitempty"`
}

// anthropic: POST /v1/messages {"model", "max_tokens", "system", "messages"}.
// system is a string, or with Cache one text block with cache_control.
func emitAnthropic(j *job) (err error) {
	def := "claude-sonnet-4-5"
	if j.r.Family == "claude" {
		def = j.familyModel()
	}
	maxTokens := j.opt.MaxTokens
	if maxTokens == 0 {
		maxTokens = 4096
	}
	if maxTokens < 0 {
		return fmt.Errorf("max_tokens %d must be positive", maxTokens)
	}
	var system any = j.body()
	if j.opt.Cache {
		switch j.opt.CacheTTL {
		case "", "5m", "1h":
		default:
			return fmt.Errorf("cache ttl %q: use 5m or 1h", j.opt.CacheTTL)
		}
		system = []textBlock{{Type: "text", Text: j.body(), CacheControl: &cacheControl{Type: "ephemeral", TTL: j.opt.CacheTTL}}}
		if j.r.Tokens > 0 && j.r.Tokens < AnthropicMinCacheTokens {
			j.warnf("the prompt is about %d tokens; Anthropic caches nothing below a model-dependent minimum of 1,024-4,096 tokens, so cache_control will have no effect", j.r.Tokens)
		}
	} else if j.opt.CacheTTL != "" {
		return fmt.Errorf("cache ttl %q given without cache", j.opt.CacheTTL)
	}
	messages := []chatMessage{}
	if j.opt.Input != "" {
		messages = append(messages, chatMessage{Role: "user", Content: j.opt.Input})
	}
	body := struct {
		Model     string        `json:"model"`
		MaxTokens int           `json:"max_tokens"`
		System    any           `json:"system"`
		Messages  []chatMessage `json:"messages"`
	}{j.model(def), maxTokens, system, messages}
	j.out.Data, err = marshal(body)
	return err
}

type geminiPart struct {
	Text string `json:"text"`
}

type geminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []geminiPart `json:"parts"`
}

// gemini: POST /v1beta/models/{model}:generateContent
// {"systemInstruction": {"parts": [{"text"}]}, "contents": [...]}. The model
// is part of the URL, so Options.Model is not written.
func emitGemini(j *job) (err error) {
	contents := []geminiContent{}
	if j.opt.Input != "" {
		contents = append(contents, geminiContent{Role: "user", Parts: []geminiPart{{Text: j.opt.Input}}})
	}
	body := struct {
		SystemInstruction geminiContent   `json:"systemInstruction"`
		Contents          []geminiContent `json:"contents"`
	}{geminiContent{Parts: []geminiPart{{Text: j.body()}}}, contents}
	j.out.Data, err = marshal(body)
	return err
}

// ollama-create: POST /api/create {"model", "from", "system"}: the same
// model as the Modelfile, without the Modelfile's quoting limits.
func emitOllamaCreate(j *job) (err error) {
	body := struct {
		Model  string `json:"model"`
		From   string `json:"from"`
		System string `json:"system"`
	}{j.slug, j.model(j.ollamaBase()), j.body()}
	j.out.Data, err = marshal(body)
	return err
}

func (j *job) ollamaBase() string {
	if j.r.Family == "mistral" {
		return "mistral"
	}
	return "llama3.2"
}
