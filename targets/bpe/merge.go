package bpe

import "math"

const noRank = math.MaxInt32

// smallPiece is the longest piece merged with tiktoken's quadratic
// byte_pair_merge; longer pieces use the equivalent heap-based merge.
const smallPiece = 256

type part struct {
	start int32 // byte offset of the part in the piece
	rank  int32 // rank of this part merged with the next one, or noRank
}

func (e *Encoding) rank(b string) int32 { return e.ranks.get(b) }

// mergeSmall is tiktoken's byte_pair_merge (as in tiktoken-go's bpe.go): it
// repeatedly merges the adjacent pair with the lowest rank, the leftmost one
// on ties. It returns the part boundaries: len(result)-1 tokens, token k is
// p[result[k].start:result[k+1].start]. parts is scratch space.
func (e *Encoding) mergeSmall(p string, parts []part) []part {
	n := len(p)
	parts = parts[:0]
	for i := 0; i <= n; i++ {
		parts = append(parts, part{int32(i), noRank})
	}
	b2 := e.ranks.byte2
	for i := 0; i+2 <= n; i++ {
		parts[i].rank = b2[uint16(p[i])|uint16(p[i+1])<<8]
	}
	// rankAfter is the rank of parts[i] merged with parts[i+1] and parts[i+2]
	// (getRank(i, 1) in tiktoken-go).
	rankAfter := func(i int) int32 {
		if i+3 < len(parts) {
			return e.rank(p[parts[i].start:parts[i+3].start])
		}
		return noRank
	}
	for len(parts) > 1 {
		minR, minI := int32(noRank), -1
		for i := 0; i < len(parts)-1; i++ {
			if parts[i].rank < minR {
				minR, minI = parts[i].rank, i
			}
		}
		if minI < 0 {
			break
		}
		i := minI
		parts[i].rank = rankAfter(i)
		if i > 0 {
			parts[i-1].rank = rankAfter(i - 1)
		}
		parts = append(parts[:i+1], parts[i+2:]...)
	}
	return parts
}

// mergeLarge performs the same merges as mergeSmall in O(n log n) using a
// doubly linked list of parts and a min-heap keyed by (rank, start). Because
// a part's pair only grows when its neighbour changes, and distinct byte
// strings have distinct ranks, a heap entry is current iff its part is alive
// and still has that rank. It returns the part starts plus the end offset.
func (e *Encoding) mergeLarge(p string) []int32 {
	n := len(p)
	next := make([]int32, n) // next part start, n at the end
	prev := make([]int32, n) // previous part start, -1 at the beginning
	rk := make([]int32, n)   // rank of the pair starting at this part
	alive := make([]bool, n)
	h := make(minHeap, 0, n)
	for i := 0; i < n; i++ {
		next[i] = int32(i + 1)
		prev[i] = int32(i - 1)
		alive[i] = true
		rk[i] = noRank
		if i+2 <= n {
			rk[i] = e.rank(p[i : i+2])
			if rk[i] != noRank {
				h = append(h, key(rk[i], int32(i)))
			}
		}
	}
	h.init()
	pairEnd := func(i int32) int32 { // end of part i merged with its next
		j := next[i]
		if j >= int32(n) {
			return -1
		}
		return next[j]
	}
	for len(h) > 0 {
		k := h.pop()
		r, i := int32(k>>32), int32(uint32(k))
		if !alive[i] || rk[i] != r {
			continue
		}
		j := next[i]
		alive[j] = false
		next[i] = next[j]
		if next[j] < int32(n) {
			prev[next[j]] = i
		}
		rk[i] = noRank
		if end := pairEnd(i); end >= 0 {
			rk[i] = e.rank(p[i:end])
			if rk[i] != noRank {
				h.push(key(rk[i], i))
			}
		}
		if pi := prev[i]; pi >= 0 {
			rk[pi] = noRank
			if end := pairEnd(pi); end >= 0 {
				rk[pi] = e.rank(p[pi:end])
				if rk[pi] != noRank {
					h.push(key(rk[pi], pi))
				}
			}
		}
	}
	out := make([]int32, 0, 16)
	for i := int32(0); i < int32(n); i = next[i] {
		out = append(out, i)
	}
	return append(out, int32(n))
}

func key(rank, start int32) uint64 { return uint64(rank)<<32 | uint64(uint32(start)) }

type minHeap []uint64

func (h minHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *minHeap) push(x uint64) {
	*h = append(*h, x)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s[p] <= s[i] {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *minHeap) pop() uint64 {
	s := *h
	x := s[0]
	last := len(s) - 1
	s[0] = s[last]
	*h = s[:last]
	(*h).down(0)
	return x
}

func (h minHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r] < h[l] {
			m = r
		}
		if h[i] <= h[m] {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
