package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// LockVersion is the soulc.lock.json format version.
const LockVersion = 1

// Lock is soulc.lock.json. Field order is alphabetical, so the JSON keys are
// sorted; it holds no timestamps, so an unchanged build rewrites it byte for
// byte. Paths are slash-separated and relative to the folder of soulc.yaml.
type Lock struct {
	Config  LockInput    `json:"config"`
	Inputs  []LockInput  `json:"inputs"`
	Outputs []LockOutput `json:"outputs"`
	Soulc   string       `json:"soulc"`
	Version int          `json:"version"`
}

// LockInput is one input file or SOUL (a SOUL folder's hash covers SOUL.md
// and metadata.yaml).
type LockInput struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// LockOutput is one SOUL × target × budget × format written to Path. Files
// of Shared formats that merge several SOULs have one entry per SOUL, all
// with the same path and file hash. Budget is the token budget used (0:
// no limit); Tokens the count the target's tokenizer gives, Exact false
// when that tokenizer is an estimate.
type LockOutput struct {
	Budget int    `json:"budget"`
	Exact  bool   `json:"exact"`
	Format string `json:"format"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Soul   string `json:"soul"`
	Target string `json:"target"`
	Tokens int    `json:"tokens"`
}

// Marshal encodes the lock: two-space indent, no HTML escaping, newline.
func (l *Lock) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(l); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// paths returns the set of output paths the lock lists.
func (l *Lock) paths() map[string]string {
	m := map[string]string{}
	if l == nil {
		return m
	}
	for _, o := range l.Outputs {
		m[o.Path] = o.SHA256
	}
	return m
}

// errForeignLock marks a soulc.lock.json that soulc cannot read as its own.
var errForeignLock = errors.New("not a soulc lock file")

// readLock reads a previous lock; (nil, nil) when there is none.
func readLock(p string) (*Lock, error) {
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l Lock
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil || l.Version != LockVersion || l.Soulc == "" {
		return nil, fmt.Errorf("%s: %w", p, errForeignLock)
	}
	return &l, nil
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
