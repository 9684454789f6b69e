package bpe

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// pieceCache remembers the token count of pieces that needed merging (pieces
// that are a single token never reach it). It is a 2-way set-associative,
// lock-free table of pointers to immutable entries: a reader sees either nil
// or a complete entry and compares the whole key, so a hit is always exact; a
// put into a full set replaces one of its entries. Its size is fixed
// (cacheSlots pointers plus at most one entry of <= maxCachedLen key bytes
// per slot), so it is bounded.
// A nil *pieceCache caches nothing.
type pieceCache struct {
	seed  maphash.Seed
	slots [cacheSlots]atomic.Pointer[cacheEntry]
}

type cacheEntry struct {
	key string
	n   int
}

const (
	cacheSlots   = 1 << 17
	maxCachedLen = 64 // longer pieces are rare; they are merged every time
)

func newPieceCache() *pieceCache {
	return &pieceCache{seed: maphash.MakeSeed()}
}

// set returns the two slots p may live in, and a hash bit to pick a victim.
func (c *pieceCache) set(p string) (a, b *atomic.Pointer[cacheEntry], bit uint64) {
	h := maphash.String(c.seed, p)
	i := h & (cacheSlots - 1) &^ 1
	return &c.slots[i], &c.slots[i|1], h >> 63
}

func (c *pieceCache) get(p string) (int, bool) {
	if c == nil || len(p) > maxCachedLen {
		return 0, false
	}
	a, b, _ := c.set(p)
	if e := a.Load(); e != nil && e.key == p {
		return e.n, true
	}
	if e := b.Load(); e != nil && e.key == p {
		return e.n, true
	}
	return 0, false
}

func (c *pieceCache) put(p string, n int) {
	if c == nil || len(p) > maxCachedLen {
		return
	}
	a, b, bit := c.set(p)
	dst := a
	switch {
	case a.Load() == nil:
	case b.Load() == nil:
		dst = b
	case bit == 1:
		dst = b
	}
	// Clone so the cache never pins the caller's (possibly large) text.
	dst.Store(&cacheEntry{key: strings.Clone(p), n: n})
}

// reset empties the cache (benchmarks use it to measure cold counting).
func (c *pieceCache) reset() {
	if c == nil {
		return
	}
	for i := range c.slots {
		c.slots[i].Store(nil)
	}
}
