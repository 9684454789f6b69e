package compile_test

import (
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"

	"github.com/soulc/soulc/compiler/compile"
	"github.com/soulc/soulc/compiler/ir"
	"github.com/soulc/soulc/compiler/load"
	"github.com/soulc/soulc/targets"
)

func loadAtlas(b *testing.B) []*ir.Soul {
	b.Helper()
	if _, err := os.Stat(atlasDir); err != nil {
		b.Skipf("atlas not found at %s; skipping", atlasDir)
	}
	paths, err := load.Expand([]string{atlasDir})
	if err != nil {
		b.Fatal(err)
	}
	souls := make([]*ir.Soul, len(paths))
	for i, p := range paths {
		if souls[i], err = load.Load(p, load.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	return souls
}

// BenchmarkCompileAtlas compiles all 643 atlas SOULs for every built-in
// target at its default budget, on all cores, as `soulc compile --all`
// would. Token counts are memoised per string inside targets, so run it
// with -benchtime 1x for the cold figure the README quotes.
func BenchmarkCompileAtlas(b *testing.B) {
	souls := loadAtlas(b)
	tgts := targets.Builtin()
	opts := make([]compile.Options, len(tgts))
	for i, tg := range tgts {
		opts[i] = optionsFor(b, tg.Name)
		opts[i].Budget = tg.DefaultBudget
	}
	type job struct {
		s   *ir.Soul
		opt compile.Options
	}
	for b.Loop() {
		jobs := make(chan job)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					if _, err := compile.Compile(j.s, j.opt); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for _, s := range souls {
			for _, o := range opts {
				jobs <- job{s, o}
			}
		}
		close(jobs)
		wg.Wait()
	}
	b.ReportMetric(float64(len(souls)*len(tgts)), "compiles/op")
}

// BenchmarkTokenizeAtlasTiktoken is the reference the README compares with:
// tokenizing every atlas SOUL.md once per exact encoding with tiktoken-go,
// on all cores.
func BenchmarkTokenizeAtlasTiktoken(b *testing.B) {
	souls := loadAtlas(b)
	texts := make([]string, len(souls))
	for i, s := range souls {
		data, err := os.ReadFile(s.Source)
		if err != nil {
			b.Fatal(err)
		}
		texts[i] = string(data)
	}
	tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
	var encs []*tiktoken.Tiktoken
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		enc, err := tiktoken.GetEncoding(name)
		if err != nil {
			b.Fatal(err)
		}
		encs = append(encs, enc)
	}
	for b.Loop() {
		jobs := make(chan string)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for t := range jobs {
					for _, enc := range encs {
						_ = enc.EncodeOrdinary(t)
					}
				}
			}()
		}
		for _, t := range texts {
			jobs <- t
		}
		close(jobs)
		wg.Wait()
	}
}
