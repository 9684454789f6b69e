package provider

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Mode selects how a Client uses its Cache.
type Mode int

const (
	// ReadWrite answers from the cache when it can and stores new successes.
	ReadWrite Mode = iota
	// Replay answers only from the cache; a miss is ErrCacheMiss and no
	// request is sent (no API key is needed).
	Replay
	// Off neither reads nor writes.
	Off
)

func (m Mode) String() string {
	switch m {
	case ReadWrite:
		return "readwrite"
	case Replay:
		return "replay"
	case Off:
		return "off"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses "readwrite" (or "" / "rw"), "replay", "off".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "readwrite", "rw", "read-write":
		return ReadWrite, nil
	case "replay":
		return Replay, nil
	case "off", "none":
		return Off, nil
	}
	return 0, fmt.Errorf("provider: unknown cache mode %q (readwrite, replay, off)", s)
}

// ErrCacheMiss is returned (wrapped, naming the request) in Replay mode when
// the cache holds no response for a request.
var ErrCacheMiss = errors.New("cache miss")

// cacheSchema versions both the key derivation and the file layout.
const cacheSchema = 1

// Cache is a content-addressed store of successful responses under a
// directory: <dir>/ab/abcdef....json, where the name is the hex SHA-256 of
// the canonical request (see keyDoc). Files are written atomically (temp
// file + rename), never hold API keys or headers, and have deterministic
// contents, so a cache directory can be committed and replayed in CI. Safe
// for concurrent use by many goroutines and processes.
type Cache struct {
	dir  string
	mode Mode
}

// OpenCache returns a cache rooted at dir, creating it unless mode is Off.
func OpenCache(dir string, mode Mode) (*Cache, error) {
	if mode != Off {
		if dir == "" {
			return nil, errors.New("provider: cache directory is empty")
		}
		if mode == ReadWrite {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("provider: cache dir: %w", err)
			}
		}
	}
	return &Cache{dir: dir, mode: mode}, nil
}

// Mode reports the cache mode.
func (c *Cache) Mode() Mode {
	if c == nil {
		return Off
	}
	return c.mode
}

// Dir reports the cache directory.
func (c *Cache) Dir() string { return c.dir }

// keyDoc is the canonical request that is hashed. It deliberately contains
// no secret: not the API key, not headers, not the base URL's userinfo or
// query. Namespace is the endpoint identity (see cacheNamespace).
type keyDoc struct {
	Schema    int       `json:"schema"`
	Namespace string    `json:"ns"`
	Model     string    `json:"model"`
	Messages  []Message `json:"messages"`
	Params    keyParams `json:"params"`
	Sample    int       `json:"sample"`
}

type keyParams struct {
	Temperature *float64       `json:"temperature"`
	MaxTokens   int            `json:"max_tokens"`
	Seed        *int           `json:"seed"`
	JSONSchema  *keyJSONSchema `json:"json_schema"`
}

type keyJSONSchema struct {
	Name   string          `json:"name"`
	Strict bool            `json:"strict"`
	Schema json.RawMessage `json:"schema"`
}

// cacheNamespace identifies the endpoint in the key: scheme://host/path of
// the base URL (no userinfo, query or fragment), plus the Azure API version.
// Different servers hosting a model of the same name give different answers,
// so they must not share entries. Options.CacheNamespace overrides this, e.g.
// to replay a cache recorded against localhost from CI under another host.
func cacheNamespace(ep Endpoint) string {
	u, err := url.Parse(ep.BaseURL)
	if err != nil {
		return ep.Name
	}
	ns := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.Path, "/")
	if ep.Azure {
		ns += "?azure-api-version=" + ep.AzureAPIVersion
	}
	return ns
}

// canonicalJSON re-encodes JSON with sorted object keys and no insignificant
// whitespace, preserving numbers exactly.
func canonicalJSON(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v) // maps marshal with sorted keys
	return b, err
}

// cacheKey returns the hex key and the canonical document it hashes.
func cacheKey(ns, model string, req Request) (string, []byte, error) {
	doc := keyDoc{
		Schema:    cacheSchema,
		Namespace: ns,
		Model:     model,
		Messages:  req.Messages,
		Sample:    req.SampleIndex,
		Params: keyParams{
			Temperature: req.Params.Temperature,
			MaxTokens:   req.Params.MaxTokens,
			Seed:        req.Params.Seed,
		},
	}
	if doc.Messages == nil {
		doc.Messages = []Message{}
	}
	if js := req.Params.JSONSchema; js != nil {
		schema, err := canonicalJSON(js.Schema)
		if err != nil {
			return "", nil, fmt.Errorf("provider: JSON schema is not valid JSON: %w", err)
		}
		doc.Params.JSONSchema = &keyJSONSchema{Name: js.Name, Strict: js.Strict, Schema: schema}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), b, nil
}

// cacheEntry is the file format.
type cacheEntry struct {
	Schema   int             `json:"schema"`
	Key      string          `json:"key"`
	Request  json.RawMessage `json:"request"`
	Response cachedResponse  `json:"response"`
}

type cachedResponse struct {
	Content           string `json:"content"`
	Model             string `json:"model"`
	SystemFingerprint string `json:"system_fingerprint,omitempty"`
	FinishReason      string `json:"finish_reason,omitempty"`
	PromptTokens      int    `json:"prompt_tokens"`
	CompletionTokens  int    `json:"completion_tokens"`
	// Attempts is how many attempts the original call took (for cost
	// accounting when replaying); the attempts themselves are not replayed.
	Attempts int `json:"attempts"`
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// get returns the entry for key. A missing or unreadable/corrupt file is
// (nil, false, nil) and (nil, false, err) respectively.
func (c *Cache) get(key string) (*cacheEntry, bool, error) {
	b, err := os.ReadFile(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil || e.Key != key || e.Schema != cacheSchema {
		return nil, false, fmt.Errorf("provider: corrupt cache entry %s", c.path(key))
	}
	return &e, true, nil
}

// put writes the entry atomically: temp file in the same directory, fsync,
// rename. Concurrent writers of the same key race benignly (same content).
func (c *Cache) put(e *cacheEntry) error {
	dir := filepath.Join(c.dir, e.Key[:2])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	f, err := os.CreateTemp(dir, ".tmp-"+e.Key[:8]+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, c.path(e.Key)); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}
