package bpe

import "math/bits"

// rankTable maps token bytes to ranks. Go's map[string]int costs two or
// three cache misses per lookup on a 200K-entry vocabulary (control group,
// key header, key bytes), and rank lookups are most of the work of counting.
// So tokens of one or two bytes are looked up by index, tokens of 3..8 bytes
// live inline in 16-byte open-addressing slots -- the low-rank (frequent)
// ones in a small table that stays in cache -- tokens of 9..16 bytes in
// 24-byte slots, and only longer tokens in a Go map.
type rankTable struct {
	byte1 [256]int32 // single-byte tokens
	byte2 []int32    // two-byte tokens, indexed by b0 | b1<<8 (noRank if absent)
	hot   slots8     // 3..8-byte tokens with rank < hotRanks
	cold  slots8     // other 3..8-byte tokens
	wide  slots      // 9..16-byte tokens
	long  map[string]int32
}

// hotRanks: BPE ranks are merge order, so low ranks are the frequent tokens
// (" the" is 290 in o200k_base). Looking them up in a small table first keeps
// most lookups in L2/L3 cache.
const hotRanks = 1 << 14

type slots8 struct {
	s    []slot8
	mask uint64
}

type slot8 struct {
	key  uint64 // packed key bytes, see pack
	meta uint64 // rank<<8 | length; 0 marks an empty slot
}

func newSlots8(n int) slots8 {
	size := uint64(1)
	for size < uint64(n)*2 {
		size <<= 1
	}
	return slots8{s: make([]slot8, size), mask: size - 1}
}

func (t *slots8) insert(k string, r int32) {
	lo, _ := pack(k)
	for i := hash(lo, 0, len(k)) & t.mask; ; i = (i + 1) & t.mask {
		if t.s[i].meta == 0 {
			t.s[i] = slot8{key: lo, meta: uint64(r)<<8 | uint64(len(k))}
			return
		}
	}
}

func (t *slots8) get(lo uint64, n int) int32 {
	for i := hash(lo, 0, n) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.s[i]
		if s.key == lo && s.meta&0xff == uint64(n) {
			return int32(s.meta >> 8)
		}
		if s.meta == 0 {
			return noRank
		}
	}
}

type slots struct {
	s    []slot
	mask uint64
}

type slot struct {
	lo, hi uint64 // packed key bytes, see pack
	rank   int32
	n      int32 // key length; 0 marks an empty slot
}

const inlineMax = 16

// pack encodes p (1 <= len(p) <= 16) injectively for its length, using
// overlapping loads that together cover every byte.
func pack(p string) (lo, hi uint64) {
	switch n := len(p); {
	case n <= 3:
		lo = uint64(p[0]) | uint64(p[n/2])<<8 | uint64(p[n-1])<<16
	case n <= 8:
		lo = uint64(le32(p)) | uint64(le32(p[n-4:]))<<32
	default:
		lo, hi = le64(p), le64(p[n-8:])
	}
	return lo, hi
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func hash(lo, hi uint64, n int) uint64 {
	h, l := bits.Mul64(lo^0x9E3779B97F4A7C15, hi^uint64(n)^0xBF58476D1CE4E5B9)
	return h ^ l
}

func newSlots(n int) slots {
	size := uint64(1)
	for size < uint64(n)*2 {
		size <<= 1
	}
	return slots{s: make([]slot, size), mask: size - 1}
}

func (t *slots) insert(k string, r int32) {
	lo, hi := pack(k)
	for i := hash(lo, hi, len(k)) & t.mask; ; i = (i + 1) & t.mask {
		if t.s[i].n == 0 {
			t.s[i] = slot{lo: lo, hi: hi, rank: r, n: int32(len(k))}
			return
		}
	}
}

func (t *slots) get(lo, hi uint64, n int) int32 {
	for i := hash(lo, hi, n) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.s[i]
		if s.lo == lo && s.hi == hi && s.n == int32(n) {
			return s.rank
		}
		if s.n == 0 {
			return noRank
		}
	}
}

// rankSource calls yield for every (token bytes, rank) pair of a vocabulary.
type rankSource func(yield func(k string, r int)) error

func newRankTable(ranks map[string]int) *rankTable {
	t, _ := newRankTableFrom(func(yield func(string, int)) error {
		for k, r := range ranks {
			yield(k, r)
		}
		return nil
	})
	return t
}

// newRankTableFrom builds the table in two passes over src (count, then
// insert), so no intermediate map of the whole vocabulary is ever built.
func newRankTableFrom(src rankSource) (*rankTable, error) {
	nHot, nCold, nWide := 0, 0, 0
	err := src(func(k string, r int) {
		switch {
		case len(k) <= 2 || len(k) > inlineMax:
		case len(k) > 8:
			nWide++
		case r < hotRanks:
			nHot++
		default:
			nCold++
		}
	})
	if err != nil {
		return nil, err
	}
	t := &rankTable{
		byte2: make([]int32, 1<<16),
		hot:   newSlots8(nHot),
		cold:  newSlots8(nCold),
		wide:  newSlots(nWide),
		long:  make(map[string]int32),
	}
	for i := range t.byte1 {
		t.byte1[i] = noRank
	}
	for i := range t.byte2 {
		t.byte2[i] = noRank
	}
	err = src(func(k string, r int) {
		switch {
		case len(k) == 0:
		case len(k) == 1:
			t.byte1[k[0]] = int32(r)
		case len(k) == 2:
			t.byte2[uint16(k[0])|uint16(k[1])<<8] = int32(r)
		case len(k) > inlineMax:
			t.long[k] = int32(r)
		case len(k) > 8:
			t.wide.insert(k, int32(r))
		case r < hotRanks:
			t.hot.insert(k, int32(r))
		default:
			t.cold.insert(k, int32(r))
		}
	})
	return t, err
}

// get returns the rank of p, or noRank.
func (t *rankTable) get(p string) int32 {
	switch n := len(p); {
	case n == 1:
		return t.byte1[p[0]]
	case n == 2:
		return t.byte2[uint16(p[0])|uint16(p[1])<<8]
	case n == 0:
		return noRank
	case n <= 8:
		lo, _ := pack(p)
		if r := t.hot.get(lo, n); r != noRank {
			return r
		}
		return t.cold.get(lo, n)
	case n <= inlineMax:
		lo, hi := pack(p)
		return t.wide.get(lo, hi, n)
	default:
		if r, ok := t.long[p]; ok {
			return r
		}
		return noRank
	}
}
