package targets

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// atlasDir is ../shared/atlas/souls relative to the repo root, overridable
// with SOULC_ATLAS.
func atlasDir() string {
	if d := os.Getenv("SOULC_ATLAS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "atlas", "souls")
}

// atlasSlugs returns the sorted slugs with a SOUL.md, skipping the test when
// the atlas is not checked out next to the repo.
func atlasSlugs(tb testing.TB) (string, []string) {
	tb.Helper()
	dir := atlasDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Skipf("atlas not available at %s (set SOULC_ATLAS to override): %v", dir, err)
	}
	var slugs []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "SOUL.md")); err == nil {
			slugs = append(slugs, e.Name())
		}
	}
	if len(slugs) == 0 {
		tb.Skipf("atlas at %s has no */SOUL.md", dir)
	}
	sort.Strings(slugs)
	return dir, slugs
}
