package compile

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/soulc/soulc/compiler/ir"
)

// prepared is what Compile derives from a SOUL before it looks at a
// budget: the units with their renderings, and (per tokenizer) their
// estimated costs. Compiling one SOUL for several targets and budgets —
// compile -t a,b,c, soulc build, soulc eval — reuses it instead of cutting
// and counting the same sentences again. Entries are immutable once stored.
type prepared struct {
	secs   []section
	units  []unit
	mu     sync.Mutex
	costs  map[string][][]int // tokenizer name -> per unit, per notch
	groups map[groupKey][]int // opening cost of each section
}

type groupKey struct {
	tmpl      *template.Template
	preamble  string
	tokenizer string
}

// groupCosts returns what opening each section costs under a template,
// measured by rendering it empty; computed once per template and tokenizer.
func (p *prepared) groupCosts(r *renderer, tokenizer string, count func(string) int) ([]int, error) {
	key := groupKey{r.tmpl, r.base.Preamble, tokenizer}
	if tokenizer != "" {
		p.mu.Lock()
		if g, ok := p.groups[key]; ok {
			p.mu.Unlock()
			return g, nil
		}
		p.mu.Unlock()
	}
	empty, err := r.render(r.base)
	if err != nil {
		return nil, err
	}
	emptyCost := count(empty)
	g := make([]int, len(p.secs))
	for i, sec := range p.secs {
		d := r.base
		d.Sections = []SectionData{{Heading: sec.heading, Kind: sec.kind}}
		t, err := r.render(d)
		if err != nil {
			return nil, err
		}
		g[i] = max(count(t)-emptyCost, 0)
	}
	if tokenizer != "" {
		p.mu.Lock()
		p.groups[key] = g
		p.mu.Unlock()
	}
	return g, nil
}

// prepCache holds the most recent SOULs (a batch compiles a SOUL for all
// its targets before moving on, so a handful of entries is enough).
var prepCache = struct {
	sync.Mutex
	keys  []prepKey
	items map[prepKey]*prepared
}{items: map[prepKey]*prepared{}}

const prepCacheSize = 16

type prepKey struct {
	soul *ir.Soul
	opts string // style, include, exclude, priorities
}

func prepare(s *ir.Soul, opt *Options) *prepared {
	key := prepKey{soul: s, opts: fmt.Sprint(opt.Style, opt.Include, opt.Exclude, sortedPriorities(opt.Priorities))}
	prepCache.Lock()
	defer prepCache.Unlock()
	if p, ok := prepCache.items[key]; ok {
		return p
	}
	secs, units := buildUnits(s, opt)
	p := &prepared{secs: secs, units: units, costs: map[string][][]int{}, groups: map[groupKey][]int{}}
	if len(prepCache.keys) == prepCacheSize {
		delete(prepCache.items, prepCache.keys[0])
		prepCache.keys = prepCache.keys[1:]
	}
	prepCache.keys = append(prepCache.keys, key)
	prepCache.items[key] = p
	return p
}

func sortedPriorities(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(out)
	return out
}

// notchCosts returns every notch's estimated cost, counted once per
// tokenizer. An unnamed tokenizer (a test's own counter) is never shared.
func (p *prepared) notchCosts(tokenizer string, count func(string) int) [][]int {
	if tokenizer != "" {
		p.mu.Lock()
		defer p.mu.Unlock()
		if c, ok := p.costs[tokenizer]; ok {
			return c
		}
	}
	costs := make([][]int, len(p.units))
	for i, u := range p.units {
		costs[i] = unitCosts(u, count)
	}
	if tokenizer != "" {
		p.costs[tokenizer] = costs
	}
	return costs
}

// unitCosts counts each notch of u followed by its line break. A notch that
// extends the previous one by whole sentences is counted incrementally: the
// sentences join at a space after sentence-ending punctuation, where a new
// pre-token always starts (for o200k_base and cl100k_base), so
// count(prev + rest) == count(prev) + count(rest). That keeps counting
// linear in the item instead of quadratic in its sentences.
func unitCosts(u unit, count func(string) int) []int {
	sep := "\n"
	if u.block() {
		sep = "\n\n"
	}
	costs := make([]int, len(u.notches))
	prefix := 0 // count of the previous notch, without its line break
	for j, n := range u.notches {
		if j > 0 && strings.HasPrefix(n, u.notches[j-1]) && strings.HasPrefix(n[len(u.notches[j-1]):], " ") {
			rest := n[len(u.notches[j-1]):]
			costs[j] = prefix + count(rest+sep)
			prefix += count(rest)
			continue
		}
		costs[j] = count(n + sep)
		prefix = count(n)
	}
	return costs
}
