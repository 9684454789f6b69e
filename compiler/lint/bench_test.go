package lint_test

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/soulc/soulc/compiler/lint"
	"github.com/soulc/soulc/compiler/load"
)

const atlasDir = "../../../shared/atlas/souls"

func atlasPaths(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(atlasDir); err != nil {
		tb.Skipf("atlas not found at %s (it lives in ../shared beside the repo); skipping", atlasDir)
	}
	paths, err := load.Expand([]string{atlasDir})
	if err != nil {
		tb.Fatal(err)
	}
	return paths
}

// BenchmarkLoadLintAtlas loads and lints all 643 atlas SOULs per iteration,
// in parallel as `soulc lint` does. The target is under 2 s.
func BenchmarkLoadLintAtlas(b *testing.B) {
	paths := atlasPaths(b)
	for b.Loop() {
		var wg sync.WaitGroup
		ch := make(chan string)
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range ch {
					s, err := load.Load(p, load.Options{})
					if err != nil {
						b.Error(err)
						continue
					}
					if lint.Check(s).HasErrors() {
						b.Errorf("%s: lint errors", filepath.Base(p))
					}
				}
			}()
		}
		for _, p := range paths {
			ch <- p
		}
		close(ch)
		wg.Wait()
	}
	b.ReportMetric(float64(len(paths)), "souls/op")
}
