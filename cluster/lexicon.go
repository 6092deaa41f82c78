package cluster

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"wallscan"
)

// lexiconText is the curated concept lexicon; see the header of the file
// for its format.
//
//go:embed lexicon.txt
var lexiconText string

// Theme is a group of concepts, after the themes of the I-strategie Rijk.
type Theme struct {
	Key     string
	Label   string // Dutch
	LabelEN string // English
}

// Concept is one kind of information barrier with the words that name it.
type Concept struct {
	Key   string
	Label string
	Theme string   // Theme.Key, "" for a workshop's own concept
	Terms []string // as written; a leading ~ marks a related term
}

// Lexicon is a parsed concept lexicon.
type Lexicon struct {
	Themes   []Theme
	Concepts []Concept
}

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
	defaultErr  error
)

// DefaultLexicon returns the embedded lexicon of information barriers.
func DefaultLexicon() (*Lexicon, error) {
	defaultOnce.Do(func() { defaultLex, defaultErr = ParseLexicon(lexiconText) })
	return defaultLex, defaultErr
}

// mustDefaultLexicon returns the embedded lexicon; a lexicon that does not
// parse is a build mistake that TestDefaultLexicon catches.
func mustDefaultLexicon() *Lexicon {
	lx, err := DefaultLexicon()
	if err != nil {
		panic("cluster: embedded lexicon: " + err.Error())
	}
	return lx
}

// ParseLexicon reads a lexicon in the format of lexicon.txt.
func ParseLexicon(text string) (*Lexicon, error) {
	lx := &Lexicon{}
	seenTheme, seenConcept := map[string]bool{}, map[string]bool{}
	theme := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		s := strings.TrimSpace(raw)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		switch {
		case strings.HasPrefix(s, "="):
			f := splitTrim(s[1:], "|")
			if len(f) < 2 || f[0] == "" {
				return nil, fmt.Errorf("lexicon line %d: a theme needs \"= key | label\"", line)
			}
			if seenTheme[f[0]] {
				return nil, fmt.Errorf("lexicon line %d: theme %q twice", line, f[0])
			}
			seenTheme[f[0]] = true
			t := Theme{Key: f[0], Label: f[1]}
			if len(f) > 2 {
				t.LabelEN = f[2]
			}
			lx.Themes = append(lx.Themes, t)
			theme = f[0]
		case raw[0] == ' ' || raw[0] == '\t':
			if len(lx.Concepts) == 0 {
				return nil, fmt.Errorf("lexicon line %d: terms before any concept", line)
			}
			c := &lx.Concepts[len(lx.Concepts)-1]
			c.Terms = append(c.Terms, splitTerms(s)...)
		default:
			f := splitTrim(s, "|")
			if len(f) != 3 || f[0] == "" || f[1] == "" {
				return nil, fmt.Errorf("lexicon line %d: a concept needs \"key | label | terms\"", line)
			}
			if theme == "" {
				return nil, fmt.Errorf("lexicon line %d: concept %q before any theme", line, f[0])
			}
			if seenConcept[f[0]] {
				return nil, fmt.Errorf("lexicon line %d: concept %q twice", line, f[0])
			}
			seenConcept[f[0]] = true
			lx.Concepts = append(lx.Concepts, Concept{Key: f[0], Label: f[1], Theme: theme, Terms: splitTerms(f[2])})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lx.Concepts) == 0 {
		return nil, fmt.Errorf("lexicon: no concepts")
	}
	return lx, nil
}

func splitTrim(s, sep string) []string {
	f := strings.Split(s, sep)
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

func splitTerms(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" && t != "~" {
			out = append(out, t)
		}
	}
	return out
}

// termWord is one word of a compiled term: the keys under which a note's
// word matches it.
type termWord struct {
	keys []string
}

// term is one compiled lexicon term.
type term struct {
	concept int32
	weight  float32
	words   []termWord
}

// matcher finds the concepts a note mentions.
type matcher struct {
	concepts []Concept
	themes   map[string]string // theme key -> label
	terms    []term
	// first maps a key of a term's first word to the terms starting with it.
	first map[string][]int32
	// words holds every folded lexicon word, for compound splitting and
	// for correcting misreadings.
	words []string
	fuzzy *fuzzyIndex
	// keys holds every key of every term word.
	keys map[string]bool
}

// known reports whether w is a key of a lexicon word.
func (m *matcher) known(w string) bool { return m.keys[w] }

// keysOf returns the keys under which a folded word is looked up: the word,
// its Dutch stem and its English stem.
func keysOf(st *stemmer, w string, abbrev bool) []string {
	if abbrev {
		return []string{w}
	}
	k := []string{w}
	if s := st.stem(w, dutchLang); s != w {
		k = append(k, s)
	}
	if s := st.stem(w, englishLang); s != w && s != k[len(k)-1] {
		k = append(k, s)
	}
	return k
}

// newMatcher compiles lx plus the workshop's vocabulary. Each vocabulary
// entry is a comma-separated list of synonyms; when one of them names a
// lexicon term, the others join that term's concepts, otherwise they form
// a concept of their own labelled by the first. An entry "Label: term,
// term" is a theme of the workshop's own (wallscan.ParseVocabularyEntry):
// its terms name it and no longer name their lexicon concepts.
func newMatcher(lx *Lexicon, vocabulary []string, st *stemmer) *matcher {
	m := &matcher{themes: map[string]string{}, first: map[string][]int32{}, keys: map[string]bool{}}
	for _, t := range lx.Themes {
		m.themes[t.Key] = t.Label
	}
	m.concepts = append(m.concepts, lx.Concepts...)
	type entry struct {
		label string   // a theme of the workshop's own, or "" for synonyms
		terms []string // its terms, or the synonyms
	}
	entries := make([]entry, len(vocabulary))
	for vi, e := range vocabulary {
		entries[vi].label, entries[vi].terms = wallscan.ParseVocabularyEntry(e)
	}
	// The workshop's own themes claim their terms.
	claimed := map[string]bool{}
	for vi, e := range entries {
		if e.label == "" || len(e.terms) == 0 {
			continue
		}
		key := fmt.Sprintf("%s%d", workshopThemePrefix, vi+1)
		m.themes[key] = e.label
		m.concepts = append(m.concepts, Concept{Key: key, Label: e.label, Theme: key, Terms: e.terms})
		for _, t := range e.terms {
			claimed[Fold(t)] = true
		}
	}
	if len(claimed) > 0 {
		for ci := range lx.Concepts {
			var kept []string
			for _, t := range m.concepts[ci].Terms {
				if !claimed[Fold(strings.TrimPrefix(t, "~"))] {
					kept = append(kept, t)
				}
			}
			m.concepts[ci].Terms = kept // a copy: lx is shared
		}
	}
	// Workshop vocabulary.
	termConcepts := map[string][]int{}
	for i, c := range m.concepts {
		for _, t := range c.Terms {
			k := Fold(strings.TrimPrefix(t, "~"))
			termConcepts[k] = append(termConcepts[k], i)
		}
	}
	for vi, e := range entries {
		syn := e.terms
		if e.label != "" || len(syn) == 0 {
			continue // a theme of its own, compiled above
		}
		var hit []int
		for _, s := range syn {
			hit = append(hit, termConcepts[Fold(s)]...)
		}
		sort.Ints(hit)
		hit = dedupInts(hit)
		if len(hit) == 0 {
			m.concepts = append(m.concepts, Concept{Key: fmt.Sprintf("workshop-%d", vi+1), Label: syn[0], Terms: syn})
			continue
		}
		for _, ci := range hit {
			m.concepts[ci].Terms = append(append([]string(nil), m.concepts[ci].Terms...), syn...)
		}
	}
	wordSeen := map[string]bool{}
	for ci, c := range m.concepts {
		for _, t := range c.Terms {
			w := float32(1)
			if strings.HasPrefix(t, "~") {
				w, t = 0.5, t[1:]
			}
			toks := tokenize(t)
			if len(toks) == 0 {
				continue
			}
			if len(toks) == 1 && toks[0].stop {
				continue
			}
			tm := term{concept: int32(ci), weight: w}
			for _, tk := range toks {
				ks := keysOf(st, tk.fold, tk.abbrev)
				tm.words = append(tm.words, termWord{keys: ks})
				for _, k := range ks {
					m.keys[k] = true
				}
				if !tk.stop && !wordSeen[tk.fold] {
					wordSeen[tk.fold] = true
					m.words = append(m.words, tk.fold)
				}
			}
			id := int32(len(m.terms))
			m.terms = append(m.terms, tm)
			for _, k := range tm.words[0].keys {
				m.first[k] = append(m.first[k], id)
			}
		}
	}
	sort.Strings(m.words)
	m.fuzzy = newFuzzyIndex(m.words)
	return m
}

// workshopThemePrefix starts the key of a theme of the workshop's own.
const workshopThemePrefix = "workshop-theme-"

func dedupInts(a []int) []int {
	out := a[:0]
	for i, v := range a {
		if i == 0 || v != a[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// hit is one concept found in a note.
type hit struct {
	concept int32
	weight  float32
}

// match returns the concepts that the words mention. keys[i] holds the
// lookup keys of word i (its own, those of its compound parts and of a
// corrected reading).
//
// A mention names a concept once, by its longest matching term: a concept
// that lists several forms of one word ("datacenter", "datacenters") is
// not named twice by one word, nor again by the words inside a longer
// term it already matched ("eigen datacenter").
func (m *matcher) match(keys [][]string, stop []bool) []hit {
	var out []hit
	var ends []int            // per hit of the current word: where its term ends
	var covered map[int32]int // concept -> end of its matches so far
	for i := range keys {
		if stop[i] {
			continue
		}
		from := len(out)
		ends = ends[:0]
		seen := map[int32]bool{}
		for _, k := range keys[i] {
			for _, ti := range m.first[k] {
				if seen[ti] {
					continue
				}
				seen[ti] = true
				tm := &m.terms[ti]
				if i+len(tm.words) > len(keys) || covered[tm.concept] > i {
					continue
				}
				end, ok := matchRest(tm, keys, stop, i)
				if !ok {
					continue
				}
				h := hit{concept: tm.concept, weight: tm.weight * float32(len(tm.words))}
				j := from
				for j < len(out) && out[j].concept != h.concept {
					j++
				}
				if j == len(out) {
					out = append(out, h)
					ends = append(ends, end)
					continue
				}
				out[j].weight = max(out[j].weight, h.weight)
				ends[j-from] = max(ends[j-from], end)
			}
		}
		for j, e := range ends {
			if covered == nil {
				covered = map[int32]int{}
			}
			c := out[from+j].concept
			covered[c] = max(covered[c], e)
		}
	}
	return out
}

// maxSkipped is how many stop words a note may put between the words of
// a lexicon term: "budget loopt nu af" names "budget loopt af". One, as
// measured: it helped both corpora's grouping and two helped no more.
const maxSkipped = 1

// matchRest matches the words of tm after its first against the note's
// words from i+1 on, passing over up to maxSkipped stop words that the
// term does not have; it returns the index after the last word matched.
func matchRest(tm *term, keys [][]string, stop []bool, i int) (int, bool) {
	k, skipped := i+1, 0
	for w := 1; w < len(tm.words); {
		if k >= len(keys) {
			return 0, false
		}
		if anyEqual(tm.words[w].keys, keys[k]) {
			w++
			k++
			continue
		}
		if !stop[k] || skipped == maxSkipped {
			return 0, false
		}
		skipped++
		k++
	}
	return k, true
}

func anyEqual(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
