package runner

import (
	"os"
	"runtime/debug"
)

// SoftMemoryLimit is the Go runtime's soft memory limit soulc eval runs
// under. Its live data is small (tokenizer tables, a bounded count memo,
// per-cell tallies; answers stream to disk), so without a limit the default
// GOGC=100 would let the heap reach twice that before collecting. A soft
// limit makes the collector work harder instead; it is never a hard cap.
const SoftMemoryLimit = 64 << 20

// LimitMemory applies SoftMemoryLimit unless the user set GOMEMLIMIT.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(SoftMemoryLimit)
	}
}
