package bpe

import (
	"testing"

	tiktoken "github.com/pkoukk/tiktoken-go"
)

// BenchmarkCountAtlas counts every atlas SOUL.md once per iteration.
//
//	cold:    piece cache emptied before every pass over the atlas
//	warm:    piece cache filled by a previous pass
//	nocache: no piece cache at all
//	warm-parallel: warm, all CPUs counting concurrently (b.RunParallel)
func BenchmarkCountAtlas(b *testing.B) {
	_, texts, total := atlasFiles(b)
	for _, e := range []*Encoding{O200k(), Cl100k()} {
		b.Run(e.Name()+"/cold", func(b *testing.B) {
			b.SetBytes(int64(total))
			for b.Loop() {
				b.StopTimer()
				e.cache.reset()
				b.StartTimer()
				for _, s := range texts {
					e.Count(s)
				}
			}
		})
		b.Run(e.Name()+"/warm", func(b *testing.B) {
			for _, s := range texts {
				e.Count(s)
			}
			b.SetBytes(int64(total))
			for b.Loop() {
				for _, s := range texts {
					e.Count(s)
				}
			}
		})
		b.Run(e.Name()+"/nocache", func(b *testing.B) {
			nc := *e
			nc.cache = nil
			b.SetBytes(int64(total))
			for b.Loop() {
				for _, s := range texts {
					nc.Count(s)
				}
			}
		})
		b.Run(e.Name()+"/warm-parallel", func(b *testing.B) {
			for _, s := range texts {
				e.Count(s)
			}
			b.SetBytes(int64(total))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					for _, s := range texts {
						e.Count(s)
					}
				}
			})
		})
	}
}

// BenchmarkTiktokenGoAtlas is the reference: tiktoken-go EncodeOrdinary over
// the same files.
func BenchmarkTiktokenGoAtlas(b *testing.B) {
	_, texts, total := atlasFiles(b)
	references(b) // installs the loader and builds the encodings
	for _, name := range []string{O200kBase, Cl100kBase} {
		tk, err := tiktoken.GetEncoding(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(total))
			for b.Loop() {
				for _, s := range texts {
					_ = len(tk.EncodeOrdinary(s))
				}
			}
		})
	}
}

// BenchmarkLoad measures building an encoding from the embedded vocabulary
// (paid once per process by O200k/Cl100k).
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{O200kBase, Cl100kBase} {
		next := nextO200k
		if name == Cl100kBase {
			next = nextCl100k
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := load(name, next); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
