package cluster

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run ./internal/gencompound -dict /usr/share/dict/dutch -out compound.txt.gz -min 3

// compoundGz lists productive Dutch compound parts, one a line, derived
// from the OpenTaal word list (Debian wdutch) by internal/gencompound.
//
//go:embed compound.txt.gz
var compoundGz []byte

var (
	compoundOnce  sync.Once
	compoundParts map[string]bool
)

// dutchParts returns the embedded set of compound parts. It is read once.
func dutchParts() map[string]bool {
	compoundOnce.Do(func() {
		compoundParts = map[string]bool{}
		zr, err := gzip.NewReader(bytes.NewReader(compoundGz))
		if err != nil {
			// The embedded file is part of the build; a broken one leaves
			// compounds unsplit, which still groups, only less well.
			return
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" {
				compoundParts[w] = true
			}
		}
	})
	return compoundParts
}

// splitter splits Dutch compounds into known parts.
type splitter struct {
	parts map[string]bool // productive parts of four letters or more
	short map[string]bool // parts of three letters allowed (lexicon words: wet, lek, ict)
	extra map[string]bool // lexicon and workshop words of four letters or more
	cache map[string][]string
}

func newSplitter(extra []string) *splitter {
	s := &splitter{parts: dutchParts(), short: map[string]bool{}, cache: map[string][]string{}}
	for _, w := range extra {
		if len(w) == 3 {
			s.short[w] = true
		}
	}
	s.extra = map[string]bool{}
	for _, w := range extra {
		if len(w) >= 4 {
			s.extra[w] = true
		}
	}
	return s
}

// badHeads are word endings that the word list holds as words of their own
// (digitalis+ring); as the last part of a compound they are nearly always
// a suffix, not a word.
var badHeads = wordSet("ring ding ling sing king ting ning heid teit atie ties eren ende erij isme iste")

func (s *splitter) known(w string) bool {
	if len(w) >= 4 {
		return s.parts[w] || s.extra[w]
	}
	return len(w) == 3 && s.short[w]
}

// split returns the parts of a folded word w when w is a compound of two to
// four known parts (with a linking s or e between them), or nil. Of several
// splits it prefers long parts: the sum of the squared part lengths.
func (s *splitter) split(w string) []string {
	if len(w) < 7 {
		return nil
	}
	if p, ok := s.cache[w]; ok {
		return p
	}
	for _, pre := range particles {
		if strings.HasPrefix(w, pre) && s.known(w[len(pre):]) { // see particles
			s.cache[w] = nil
			return nil
		}
	}
	n := len(w)
	type cell struct {
		score int
		parts int
		prev  int // start of the last part
		end   int // end of the last part (before a linking letter)
	}
	best := make([]cell, n+1)
	for i := range best {
		best[i].score = -1
	}
	best[0] = cell{score: 0}
	for i := 3; i <= n; i++ {
		for j := 0; j+3 <= i; j++ {
			if best[j].score < 0 || best[j].parts >= 4 {
				continue
			}
			// The part is w[j:i], or w[j:i-1] followed by a linking s or e
			// when more follows.
			for _, link := range [...]int{0, 1} {
				end := i - link
				if end-j < 3 {
					continue
				}
				if link == 1 && (i == n || (w[i-1] != 's' && w[i-1] != 'e')) {
					continue
				}
				if j == 0 && end == n {
					continue // the whole word is no split
				}
				if !s.known(w[j:end]) || (i == n && badHeads[w[j:end]]) {
					continue
				}
				l := end - j
				sc := best[j].score + l*l
				if sc > best[i].score {
					best[i] = cell{score: sc, parts: best[j].parts + 1, prev: j, end: end}
				}
			}
		}
	}
	var out []string
	if best[n].score > 0 && best[n].parts >= 2 {
		for i := n; i > 0; i = best[i].prev {
			out = append(out, w[best[i].prev:best[i].end])
		}
		for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
	}
	s.cache[w] = out
	return out
}

// particles are the adverbs that Dutch joins to a verb or noun without
// making a compound of two things: a terugkoppeling (feedback) is no
// koppeling (link between systems), onderwijs no wijs. A word made of a
// particle and a known word is kept whole.
var particles = []string{"terug", "door", "over", "voor", "samen", "tegen", "onder", "achter", "boven", "weer"}
