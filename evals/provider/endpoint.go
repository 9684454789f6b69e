package provider

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
)

// Endpoint describes where and how to reach an OpenAI-compatible server.
// It never holds a secret: only the name of the environment variable or the
// path of the file the key is read from, so an Endpoint may be logged or
// written into reports as is.
type Endpoint struct {
	// Name is the preset name ("openai", "ollama", ...) or a user label.
	Name string `json:"name"`
	// BaseURL is the OpenAI-style base, e.g. https://api.openai.com/v1.
	// For Azure it is the resource endpoint, e.g.
	// https://my-resource.openai.azure.com (go-openai adds /openai/deployments/...).
	BaseURL string `json:"base_url"`
	// BaseURLEnv, if set and non-empty in the environment, overrides the
	// preset's BaseURL (OPENAI_BASE_URL for openai, AZURE_OPENAI_ENDPOINT for
	// azure). An explicit --base-url beats both.
	BaseURLEnv string `json:"base_url_env,omitempty"`
	// APIKeyEnv names the environment variable holding the key.
	APIKeyEnv string `json:"api_key_env,omitempty"`
	// APIKeyFile, if set, is read (whitespace-trimmed) instead of APIKeyEnv.
	APIKeyFile string `json:"api_key_file,omitempty"`
	// KeyRequired makes a missing key an error at NewClient (except in
	// cache Replay mode, which never touches the network).
	KeyRequired bool `json:"key_required,omitempty"`
	// Model is the default model (or, for Azure, the deployment name).
	Model string `json:"model,omitempty"`
	// Azure selects go-openai's Azure config (api-key header, deployment URLs).
	Azure bool `json:"azure,omitempty"`
	// AzureAPIVersion overrides go-openai's default Azure api-version.
	AzureAPIVersion string `json:"azure_api_version,omitempty"`
	// UseMaxCompletionTokens sends Params.MaxTokens as max_completion_tokens
	// (required by OpenAI reasoning models) instead of max_tokens.
	UseMaxCompletionTokens bool `json:"use_max_completion_tokens,omitempty"`
	// Note records caveats, e.g. how the preset URL was verified.
	Note string `json:"note,omitempty"`
}

// Preset base URLs were checked on 2026-11-27 against stored copies of the
// providers' documentation via soulc's research search (not by a live call;
// no model is reachable from the build machine). Sources per preset in Note.
var presets = []Endpoint{
	{
		Name: "openai", BaseURL: "https://api.openai.com/v1", BaseURLEnv: "OPENAI_BASE_URL",
		APIKeyEnv: "OPENAI_API_KEY", KeyRequired: true,
		Note: "go-openai default base URL",
	},
	{
		Name: "ollama", BaseURL: "http://localhost:11434/v1", APIKeyEnv: "OLLAMA_API_KEY",
		Note: "ollama docs/openai.md: base_url http://localhost:11434/v1/, api_key required by SDKs but ignored",
	},
	{
		Name: "vllm", BaseURL: "http://localhost:8000/v1", APIKeyEnv: "VLLM_API_KEY",
		Note: "docs.vllm.ai OpenAI-Compatible Server: base_url http://localhost:8000/v1 (key only if served with --api-key)",
	},
	{
		Name: "llamacpp", BaseURL: "http://localhost:8080/v1", APIKeyEnv: "LLAMA_API_KEY",
		Note: "llama-server default port 8080, OpenAI API under /v1 (third-party docs; llama.cpp README not re-read)",
	},
	{
		Name: "lmstudio", BaseURL: "http://localhost:1234/v1", APIKeyEnv: "LMSTUDIO_API_KEY",
		Note: "lmstudio.ai/docs/api/openai-api: base_url http://localhost:1234/v1",
	},
	{
		Name: "openrouter", BaseURL: "https://openrouter.ai/api/v1",
		APIKeyEnv: "OPENROUTER_API_KEY", KeyRequired: true,
		Note: "openrouter.ai/docs quickstart: base_url https://openrouter.ai/api/v1",
	},
	{
		Name: "azure", BaseURLEnv: "AZURE_OPENAI_ENDPOINT",
		APIKeyEnv: "AZURE_OPENAI_API_KEY", KeyRequired: true, Azure: true,
		Note: "go-openai DefaultAzureConfig (api-key header, /openai/deployments/{model}); base from AZURE_OPENAI_ENDPOINT; Model is the deployment name",
	},
	{
		Name: "anthropic", BaseURL: "https://api.anthropic.com/v1/",
		APIKeyEnv: "ANTHROPIC_API_KEY", KeyRequired: true,
		Note: "Anthropic 'OpenAI SDK compatibility' page (Bearer auth via OpenAI SDK); URL path not quoted verbatim in the copy read; seed and strict JSON schema may be ignored",
	},
	{
		Name: "gemini", BaseURL: "https://generativelanguage.googleapis.com/v1beta/openai/",
		APIKeyEnv: "GEMINI_API_KEY", KeyRequired: true,
		Note: "UNVERIFIED against ai.google.dev itself: URL confirmed only by third-party docs quoting it",
	},
}

// Presets returns a copy of all named presets, sorted by name.
func Presets() []Endpoint {
	out := slices.Clone(presets)
	slices.SortFunc(out, func(a, b Endpoint) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Preset returns the named preset.
func Preset(name string) (Endpoint, bool) {
	for _, p := range presets {
		if p.Name == name {
			return p, true
		}
	}
	return Endpoint{}, false
}

// ResolveEndpoint builds the endpoint a CLI invocation means.
//
// name selects a preset ("" means "openai"). An unknown name is accepted only
// with an explicit baseURL and becomes a custom endpoint whose key, if any,
// comes from OPENAI_API_KEY. Precedence for the base URL: baseURL argument
// (--base-url) > the preset's BaseURLEnv (OPENAI_BASE_URL, AZURE_OPENAI_ENDPOINT)
// > the preset. When the base URL is overridden away from a hosted preset,
// the key becomes optional (local servers usually need none). model, if
// non-empty, replaces the preset's model. getenv nil means os.Getenv.
func ResolveEndpoint(name, baseURL, model string, getenv func(string) string) (Endpoint, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if name == "" {
		name = "openai"
	}
	ep, ok := Preset(name)
	if !ok {
		if baseURL == "" {
			names := make([]string, 0, len(presets))
			for _, p := range Presets() {
				names = append(names, p.Name)
			}
			return Endpoint{}, fmt.Errorf("provider: unknown endpoint %q (presets: %s); give --base-url for a custom endpoint", name, strings.Join(names, ", "))
		}
		ep = Endpoint{Name: name, APIKeyEnv: "OPENAI_API_KEY"}
	}
	presetURL := ep.BaseURL
	if ep.BaseURLEnv != "" {
		if v := strings.TrimSpace(getenv(ep.BaseURLEnv)); v != "" {
			ep.BaseURL = v
		}
	}
	if baseURL != "" {
		ep.BaseURL = baseURL
	}
	if presetURL != "" && ep.BaseURL != presetURL && !ep.Azure {
		ep.KeyRequired = false
	}
	if model != "" {
		ep.Model = model
	}
	if err := ep.Validate(); err != nil {
		return Endpoint{}, err
	}
	return ep, nil
}

// Validate checks that the base URL is usable and carries no credentials.
func (e Endpoint) Validate() error {
	if e.BaseURL == "" {
		if e.BaseURLEnv != "" {
			return fmt.Errorf("provider %s: no base URL: set %s or --base-url", e.Name, e.BaseURLEnv)
		}
		return fmt.Errorf("provider %s: no base URL", e.Name)
	}
	u, err := url.Parse(e.BaseURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("provider %s: base URL must be http(s)://host[/path], got %q", e.Name, sanitizeURL(e.BaseURL))
	}
	if u.User != nil {
		return fmt.Errorf("provider %s: base URL must not contain user:password; use %s or an API key file", e.Name, e.keySourceName())
	}
	return nil
}

func (e Endpoint) keySourceName() string {
	switch {
	case e.APIKeyFile != "":
		return "the key file " + e.APIKeyFile
	case e.APIKeyEnv != "":
		return "$" + e.APIKeyEnv
	}
	return "an API key"
}

// loadKey returns the API key: from APIKeyFile if set, else from APIKeyEnv.
// Errors name the source, never the value.
func (e Endpoint) loadKey(getenv func(string) string, readFile func(string) ([]byte, error)) (string, error) {
	if e.APIKeyFile != "" {
		b, err := readFile(e.APIKeyFile)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err // do not echo file contents; path is ours
			}
			return "", fmt.Errorf("provider %s: reading API key file %s: %v", e.Name, e.APIKeyFile, err)
		}
		key := strings.TrimSpace(string(b))
		if key == "" {
			return "", fmt.Errorf("provider %s: API key file %s is empty", e.Name, e.APIKeyFile)
		}
		return key, nil
	}
	if e.APIKeyEnv != "" {
		return strings.TrimSpace(getenv(e.APIKeyEnv)), nil
	}
	return "", nil
}

// sanitizeURL drops userinfo, query and fragment, which could carry secrets.
func sanitizeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}
