package cluster

// fuzzyIndex finds the word of a fixed list nearest to a misread word,
// by the symmetric-delete method: every word is indexed under the strings
// one or two deletions away, so a look-up costs a few dozen map probes
// instead of a distance to every word. The index keeps only a hash of each
// such string: a collision merely adds a candidate, and every candidate's
// distance is checked.
type fuzzyIndex struct {
	words   []string
	deletes map[uint64][]int32
}

// maxEdits returns how many edits a word of n bytes may carry and still be
// recognised: none below five letters (too many short words are one edit
// apart), one up to seven, two from eight.
func maxEdits(n int) int {
	switch {
	case n < 5:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

func newFuzzyIndex(words []string) *fuzzyIndex {
	f := &fuzzyIndex{words: words, deletes: make(map[uint64][]int32, 40*len(words))}
	for i, w := range words {
		d := maxEdits(len(w))
		if d == 0 {
			continue
		}
		deletions(w, d, func(h uint64) {
			ids := f.deletes[h]
			if n := len(ids); n > 0 && ids[n-1] == int32(i) {
				return // the same string by deleting other bytes
			}
			f.deletes[h] = append(ids, int32(i))
		})
	}
	return f
}

// deletions calls fn with the hash of w and of every string made by
// deleting up to d (at most 2) bytes of w. A string made in several ways
// comes several times.
func deletions(w string, d int, fn func(uint64)) {
	const skip = -1
	fn(hashWithout(w, skip, skip))
	for i := 0; i < len(w) && d >= 1; i++ {
		fn(hashWithout(w, i, skip))
		for j := i + 1; j < len(w) && d >= 2; j++ {
			fn(hashWithout(w, i, j))
		}
	}
}

// hashWithout returns the FNV-1a hash of w without its bytes i and j.
func hashWithout(w string, i, j int) uint64 {
	h := uint64(14695981039346656037)
	for k := 0; k < len(w); k++ {
		if k != i && k != j {
			h ^= uint64(w[k])
			h *= 1099511628211
		}
	}
	return h
}

// nearest returns the indexed word closest to w within maxEdits, preferring
// the smaller distance and then the word that sorts first; ok is false when
// none is close enough.
func (f *fuzzyIndex) nearest(w string) (string, bool) {
	d := maxEdits(len(w))
	if d == 0 || len(f.deletes) == 0 {
		return "", false
	}
	best, bestD := "", d+1
	tried := map[int32]bool{}
	exact := false
	deletions(w, d, func(h uint64) {
		if exact {
			return
		}
		for _, i := range f.deletes[h] {
			if tried[i] {
				continue
			}
			tried[i] = true
			c := f.words[i]
			if c == w {
				best, bestD, exact = c, 0, true
				return
			}
			// A short lexicon word matches only within its own tolerance.
			limit := min(d, maxEdits(len(c)))
			if dist := osa(w, c, limit); dist <= limit && (dist < bestD || (dist == bestD && c < best)) {
				best, bestD = c, dist
			}
		}
	})
	return best, bestD <= d
}

// osa returns the optimal-string-alignment distance of a and b (Levenshtein
// with transpositions of neighbours), or limit+1 once it exceeds limit.
func osa(a, b string, limit int) int {
	if abs(len(a)-len(b)) > limit {
		return limit + 1
	}
	la, lb := len(a), len(b)
	prev2 := make([]int, lb+1)
	prev := make([]int, lb+1)
	cur := make([]int, lb+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
