package cluster

// fuzzyIndex finds the word of a fixed list nearest to a misread word,
// by the symmetric-delete method: every word is indexed under the strings
// one or two deletions away, so a look-up costs a few dozen map probes
// instead of a distance to every word.
type fuzzyIndex struct {
	words   []string
	deletes map[string][]int32
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
	f := &fuzzyIndex{words: words, deletes: map[string][]int32{}}
	for i, w := range words {
		d := maxEdits(len(w))
		if d == 0 {
			continue
		}
		for _, v := range deletions(w, d) {
			f.deletes[v] = append(f.deletes[v], int32(i))
		}
	}
	return f
}

// deletions returns w and the distinct strings made by deleting up to d
// bytes of w.
func deletions(w string, d int) []string {
	out := []string{w}
	seen := map[string]bool{w: true}
	frontier := []string{w}
	for step := 0; step < d; step++ {
		var next []string
		for _, s := range frontier {
			for i := 0; i < len(s); i++ {
				v := s[:i] + s[i+1:]
				if !seen[v] {
					seen[v] = true
					out = append(out, v)
					next = append(next, v)
				}
			}
		}
		frontier = next
	}
	return out
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
	for _, v := range deletions(w, d) {
		for _, i := range f.deletes[v] {
			c := f.words[i]
			if c == w {
				return c, true
			}
			if dc := maxEdits(len(c)); dc < d {
				// A short lexicon word matches only within its own tolerance.
				if dist := osa(w, c, dc); dist <= dc && (dist < bestD || (dist == bestD && c < best)) {
					best, bestD = c, dist
				}
				continue
			}
			if dist := osa(w, c, d); dist <= d && (dist < bestD || (dist == bestD && c < best)) {
				best, bestD = c, dist
			}
		}
	}
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
