package targets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readAtlas(b *testing.B) []string {
	dir, slugs := atlasSlugs(b)
	texts := make([]string, 0, len(slugs))
	for _, s := range slugs {
		data, err := os.ReadFile(filepath.Join(dir, s, "SOUL.md"))
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	return texts
}

// BenchmarkCountAtlas counts every atlas SOUL.md once per encoding, bypassing
// the memo: the cost of a cold compile.
func BenchmarkCountAtlas(b *testing.B) {
	texts := readAtlas(b)
	for _, enc := range []*bpeTokenizer{o200k, cl100k} {
		b.Run(enc.name, func(b *testing.B) {
			if err := enc.load(); err != nil {
				b.Fatal(err)
			}
			bytes := 0
			for _, s := range texts {
				bytes += len(s)
			}
			b.SetBytes(int64(bytes))
			b.ResetTimer()
			for b.Loop() {
				for _, s := range texts {
					enc.count(s)
				}
			}
		})
	}
}

// BenchmarkCountSections models the compiler: the same section strings are
// counted again on every budget-fitting iteration. "cold" is the raw
// encoder, "memo" the public Count path.
func BenchmarkCountSections(b *testing.B) {
	var secs []string
	for _, text := range readAtlas(b)[:64] {
		for _, s := range strings.Split(text, "\n## ") {
			secs = append(secs, "## "+s)
		}
	}
	if err := o200k.load(); err != nil {
		b.Fatal(err)
	}
	perCount := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(secs)), "ns/count")
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			for _, s := range secs {
				o200k.count(s)
			}
		}
		perCount(b)
	})
	b.Run("memo", func(b *testing.B) {
		for _, s := range secs {
			o200k.Count(s) // warm
		}
		b.ResetTimer()
		for b.Loop() {
			for _, s := range secs {
				o200k.Count(s)
			}
		}
		perCount(b)
	})
	b.Run("memo-parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				o200k.Count(secs[i%len(secs)])
				i++
			}
		})
	})
}
