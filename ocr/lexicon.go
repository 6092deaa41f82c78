package ocr

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// WordLists are the word lists the correction loads, once and lazily, when
// they exist: Dutch from Debian's wdutch, English from wamerican.
var WordLists = []string{"/usr/share/dict/dutch", "/usr/share/dict/american-english"}

// lexicon is a set of lower-case words stored as a trie in flat arrays, so
// that words within a small edit distance of a misread word can be found
// by one bounded walk (Levenshtein rows computed per trie edge).
type lexicon struct {
	once  sync.Once
	files []string
	// node i has edges first[i] .. first[i]+count[i]-1
	first []int32
	count []uint16
	term  []bool
	label []rune
	child []int32
}

var (
	sharedLex     *lexicon
	sharedLexOnce sync.Once
)

// sharedLexicon returns the process-wide lexicon of WordLists; it is
// loaded on first use.
func sharedLexicon() *lexicon {
	sharedLexOnce.Do(func() { sharedLex = &lexicon{files: WordLists} })
	return sharedLex
}

func (l *lexicon) load() {
	l.once.Do(func() {
		var words []string
		for _, f := range l.files {
			words = append(words, readWords(f)...)
		}
		l.build(words)
	})
}

// readWords returns the usable lower-case words of a word list file, one
// per line; a missing file gives none.
func readWords(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.TrimSpace(sc.Text())
		if w == "" || !wordLike(w) {
			continue
		}
		out = append(out, strings.ToLower(w))
	}
	return out
}

// wordLike reports whether w consists of letters, with hyphens only inside.
func wordLike(w string) bool {
	for i, r := range w {
		if r == '-' && i > 0 && i < len(w)-1 {
			continue
		}
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func (l *lexicon) build(words []string) {
	slices.Sort(words)
	words = slices.Compact(words)
	rs := make([][]rune, len(words))
	for i, w := range words {
		rs[i] = []rune(w)
	}
	l.first, l.count, l.term, l.label, l.child = nil, nil, nil, nil, nil
	l.node(rs, 0)
}

// node adds the trie node for the sorted words sharing their first depth
// runes and returns its index.
func (l *lexicon) node(ws [][]rune, depth int) int32 {
	id := int32(len(l.term))
	l.first = append(l.first, 0)
	l.count = append(l.count, 0)
	l.term = append(l.term, false)
	if len(ws) > 0 && len(ws[0]) == depth {
		l.term[id] = true
		ws = ws[1:]
	}
	type group struct {
		r      rune
		lo, hi int
	}
	var gs []group
	for i := 0; i < len(ws); {
		j := i
		for j < len(ws) && ws[j][depth] == ws[i][depth] {
			j++
		}
		gs = append(gs, group{ws[i][depth], i, j})
		i = j
	}
	first := int32(len(l.label))
	l.first[id], l.count[id] = first, uint16(len(gs))
	for _, g := range gs {
		l.label = append(l.label, g.r)
		l.child = append(l.child, 0)
	}
	for i, g := range gs {
		c := l.node(ws[g.lo:g.hi], depth+1)
		l.child[first+int32(i)] = c
	}
	return id
}

// has reports whether the lower-cased w is in the lexicon.
func (l *lexicon) has(w string) bool {
	l.load()
	if len(l.term) == 0 {
		return false
	}
	n := int32(0)
	for _, r := range strings.ToLower(w) {
		next := int32(-1)
		f := l.first[n]
		for e := f; e < f+int32(l.count[n]); e++ {
			if l.label[e] == r {
				next = l.child[e]
				break
			}
		}
		if next < 0 {
			return false
		}
		n = next
	}
	return l.term[n]
}

// match is a word found near a query, with its edit distance.
type match struct {
	word string
	dist int
}

// near returns the words within maxDist edits (Levenshtein) of the
// lower-cased w.
func (l *lexicon) near(w string, maxDist int) []match {
	l.load()
	if len(l.term) == 0 {
		return nil
	}
	q := []rune(strings.ToLower(w))
	row := make([]int, len(q)+1)
	for i := range row {
		row[i] = i
	}
	var out []match
	prefix := make([]rune, 0, 32)
	var walk func(n int32, prev []int)
	walk = func(n int32, prev []int) {
		f := l.first[n]
		for e := f; e < f+int32(l.count[n]); e++ {
			r := l.label[e]
			cur := make([]int, len(q)+1)
			cur[0] = prev[0] + 1
			lo := cur[0]
			for i := 1; i <= len(q); i++ {
				cost := 1
				if q[i-1] == r {
					cost = 0
				}
				cur[i] = min(cur[i-1]+1, prev[i]+1, prev[i-1]+cost)
				lo = min(lo, cur[i])
			}
			if lo > maxDist {
				continue
			}
			prefix = append(prefix, r)
			c := l.child[e]
			if l.term[c] && cur[len(q)] <= maxDist {
				out = append(out, match{string(prefix), cur[len(q)]})
			}
			walk(c, cur)
			prefix = prefix[:len(prefix)-1]
		}
	}
	walk(0, row)
	return out
}

// vocabulary is the workshop's own words, kept with their spelling (AVG,
// CIO, ketenpartners).
type vocabulary struct {
	words []string
	lower map[string]string
}

func newVocabulary(ws []string) *vocabulary {
	v := &vocabulary{lower: map[string]string{}}
	for _, w := range ws {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		if _, ok := v.lower[strings.ToLower(w)]; !ok {
			v.lower[strings.ToLower(w)] = w
			v.words = append(v.words, w)
		}
	}
	return v
}

func (v *vocabulary) has(w string) bool {
	_, ok := v.lower[strings.ToLower(w)]
	return ok
}

func (v *vocabulary) near(w string, maxDist int) []match {
	var out []match
	q := strings.ToLower(w)
	for _, x := range v.words {
		if d := levenshtein(q, strings.ToLower(x)); d <= maxDist {
			out = append(out, match{x, d})
		}
	}
	return out
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(cur[j-1]+1, prev[j]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Correction policy, named so the evaluation can show what it does.
const (
	// minCorrectLen is the shortest word (in letters) that is corrected:
	// short words have too many neighbours to pick one.
	minCorrectLen = 4
)

// maxEdits is how many edits a correction may make to a word of n letters.
func maxEdits(n int) int {
	switch {
	case n < minCorrectLen:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// speller knows the words a note may hold: the word lists and a
// workshop's vocabulary. It checks, corrects and joins words.
type speller struct {
	lex   *lexicon
	vocab *vocabulary
	// below is the word confidence under which a word in no word list
	// may be replaced; a word read at least this surely stays, known or
	// not.
	below float64
}

// known reports whether w is in the vocabulary or the word lists, or is a
// compound of two listed words.
func (r *speller) known(w string) bool {
	return r.vocab.has(w) || r.lex.has(w) || r.lex.compound(w)
}

// minPart is the shortest part of a compound, in letters.
const minPart = 3

// compound reports whether w is two listed words written together, with
// or without a linking s ("kern"+"systeem", "uitvoering"+"s"+"toets"), the
// way Dutch forms new words that no word list holds.
func (l *lexicon) compound(w string) bool {
	rs := []rune(strings.ToLower(w))
	for i := minPart; i+minPart <= len(rs); i++ {
		if !l.has(string(rs[:i])) {
			continue
		}
		if l.has(string(rs[i:])) || rs[i] == 's' && i+1+minPart <= len(rs) && l.has(string(rs[i+1:])) {
			return true
		}
	}
	return false
}

// nearCompound returns the compounds within maxDist edits of w whose
// first part is a listed word spelled exactly as in w and whose second
// part is a listed word within the edits ("kernsysteen" -> "kernsysteem").
func (l *lexicon) nearCompound(w string, maxDist int) []match {
	rs := []rune(strings.ToLower(w))
	var out []match
	for i := minPart; i+minPart <= len(rs); i++ {
		head := string(rs[:i])
		if !l.has(head) {
			continue
		}
		tail := rs[i:]
		if rs[i] == 's' && l.has(head) && i+1+minPart <= len(rs) {
			for _, m := range l.near(string(rs[i+1:]), min(maxDist, maxEdits(len(rs)-i-1))) {
				out = append(out, match{head + "s" + m.word, m.dist})
			}
		}
		for _, m := range l.near(string(tail), min(maxDist, maxEdits(len(tail)))) {
			out = append(out, match{head + m.word, m.dist})
		}
	}
	return out
}

// correct returns the replacement for a word read with confidence conf, and
// whether there is one. It keeps any surrounding punctuation and the
// word's capitalisation. A replacement must be close (maxEdits) and the
// one nearest candidate. Candidates come in tiers: the workshop
// vocabulary, then the word lists, then compounds of listed words; the
// first tier with a candidate at the nearest distance decides, and a tie
// within it is broken only by length (OCR mostly misreads letters rather
// than adding or losing them); an unbroken tie corrects nothing.
func (r *speller) correct(word string, conf float64) (string, bool) {
	if conf >= r.below {
		return "", false
	}
	lead, core, trail := splitPunct(word)
	n := utf8.RuneCountInString(core)
	if n < minCorrectLen || !allLetters(core) || r.known(core) {
		return "", false
	}
	d := maxEdits(n)
	tiers := [][]match{r.vocab.near(core, d), r.lex.near(core, d), r.lex.nearCompound(core, d)}
	best := -1
	for _, ms := range tiers {
		if m := nearest(ms); m >= 0 && (best < 0 || m < best) {
			best = m
		}
	}
	if best < 0 {
		return "", false
	}
	for i, ms := range tiers {
		var at []match
		for _, m := range ms {
			if m.dist == best {
				at = append(at, m)
			}
		}
		if len(at) == 0 {
			continue
		}
		pick, ok := unique(at, n)
		if !ok {
			return "", false
		}
		if i > 0 {
			pick.word = matchCase(pick.word, core)
		}
		return lead + pick.word + trail, true
	}
	return "", false
}

// nearest returns the smallest distance among ms, or -1.
func nearest(ms []match) int {
	d := -1
	for _, m := range ms {
		if d < 0 || m.dist < d {
			d = m.dist
		}
	}
	return d
}

// unique returns the one word among ms (all at the same distance), case
// aside; with several, the one word of n letters if there is exactly one.
func unique(ms []match, n int) (match, bool) {
	words := map[string]match{}
	for _, m := range ms {
		words[strings.ToLower(m.word)] = m
	}
	if len(words) == 1 {
		for _, m := range words {
			return m, true
		}
	}
	var same []match
	for _, m := range words {
		if utf8.RuneCountInString(m.word) == n {
			same = append(same, m)
		}
	}
	if len(same) == 1 {
		return same[0], true
	}
	return match{}, false
}

// matchCase gives the lower-case word w the capitalisation of like.
func matchCase(w, like string) string {
	rs := []rune(like)
	upper, first := 0, unicode.IsUpper(rs[0])
	for _, r := range rs {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	switch {
	case upper == len(rs) && len(rs) > 1:
		return strings.ToUpper(w)
	case first:
		wr := []rune(w)
		wr[0] = unicode.ToUpper(wr[0])
		return string(wr)
	}
	return w
}

// splitPunct splits leading and trailing non-letters off w.
func splitPunct(w string) (lead, core, trail string) {
	rs := []rune(w)
	i, j := 0, len(rs)
	for i < j && !unicode.IsLetter(rs[i]) && !unicode.IsDigit(rs[i]) {
		i++
	}
	for j > i && !unicode.IsLetter(rs[j-1]) && !unicode.IsDigit(rs[j-1]) {
		j--
	}
	return string(rs[:i]), string(rs[i:j]), string(rs[j:])
}

func allLetters(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

func alnumLen(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
