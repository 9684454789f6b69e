package targets

import (
	"hash/maphash"
	"strings"
	"sync"
)

// memo caches counts per string. The compiler re-counts the same sections
// many times while fitting a budget, and BPE encoding dominates that cost.
// Sharded to keep lock contention low; bounded by bytes of key text so a long
// run cannot grow without limit.
const (
	memoShards        = 32
	memoBytesPerShard = 128 << 10 // 4 MiB of key text in total: enough for one SOUL's lines across targets and budgets
	memoMaxKey        = 256 << 10 // larger strings are not worth pinning
)

type memo struct {
	seed   maphash.Seed
	shards [memoShards]memoShard
}

type memoShard struct {
	mu    sync.RWMutex
	m     map[string]int
	bytes int
}

func newMemo() *memo {
	m := &memo{seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].m = make(map[string]int)
	}
	return m
}

func (c *memo) shard(s string) *memoShard {
	return &c.shards[maphash.String(c.seed, s)%memoShards]
}

func (c *memo) get(s string) (int, bool) {
	sh := c.shard(s)
	sh.mu.RLock()
	n, ok := sh.m[s]
	sh.mu.RUnlock()
	return n, ok
}

func (c *memo) put(s string, n int) {
	if len(s) > memoMaxKey {
		return
	}
	sh := c.shard(s)
	// Clone so a cached substring does not pin the caller's whole document.
	key := strings.Clone(s)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.m[key]; ok {
		return
	}
	// Map iteration order is randomised, so this evicts arbitrary entries.
	for k := range sh.m {
		if sh.bytes+len(key) <= memoBytesPerShard {
			break
		}
		sh.bytes -= len(k)
		delete(sh.m, k)
	}
	sh.m[key] = n
	sh.bytes += len(key)
}
