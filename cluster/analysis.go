package cluster

import (
	"math"
	"sort"
	"strings"

	"wallscan"
)

// noteText is what the analysis keeps of one note.
type noteText struct {
	toks  []token
	stems []string // per token; "" for stop words
	parts [][]string
	// known is set for a word that the lexicon or the workshop's
	// vocabulary knows, whole or by one of its compound parts.
	known []bool
	hits  []hit
}

// analysis holds the features of every note of a request.
type analysis struct {
	notes    []noteText
	vecs     []vec
	wordID   map[string]int32
	idf      map[string]float64 // by stem
	docFreq  map[string]int     // notes that use a stem
	nConcept int
	themeIDs []string // theme keys in id order
}

// analyse normalises the notes' texts and builds their vectors.
func analyse(notes []wallscan.GroupNote, m *matcher, st *stemmer, w Weights) *analysis {
	n := len(notes)
	an := &analysis{notes: make([]noteText, n), vecs: make([]vec, n), wordID: map[string]int32{}, idf: map[string]float64{}}
	parts := dutchParts()
	sp := newSplitter(m.words)
	lexWord := make(map[string]bool, len(m.words))
	for _, lw := range m.words {
		lexWord[lw] = true
	}
	langs := make([]language, n)
	wordDF := map[string]int{}
	for i, nt := range notes {
		toks := tokenize(nt.Text)
		an.notes[i].toks = toks
		langs[i] = detectLanguage(toks)
		seen := map[string]bool{}
		for _, t := range toks {
			if !t.stop && !seen[t.fold] {
				seen[t.fold] = true
				wordDF[t.fold]++
			}
		}
	}
	// Misreadings: a word seen once that is no known word is taken for
	// the nearest word the other notes use, or else the nearest lexicon
	// word.
	var frequent []string
	for wd, c := range wordDF {
		if c >= 2 && len(wd) >= 5 {
			frequent = append(frequent, wd)
		}
	}
	sort.Strings(frequent)
	corpusFuzzy := newFuzzyIndex(frequent)
	corrected := map[string]string{}
	correct := func(wd string) string {
		if c, ok := corrected[wd]; ok {
			return c
		}
		c := wd
		if w.Fuzzy && wordDF[wd] < 2 && len(wd) >= 5 && !parts[wd] && !lexWord[wd] && !anyKnown(m, keysOf(st, wd, false)) && (!w.Compounds || sp.split(wd) == nil) {
			if f, ok := corpusFuzzy.nearest(wd); ok {
				c = f
			} else if f, ok := m.fuzzy.nearest(wd); ok {
				c = f
			}
		}
		corrected[wd] = c
		return c
	}
	// Stems, compound parts, concepts.
	docFreq := map[string]int{}
	conceptDF := make([]int, len(m.concepts))
	for i := range an.notes {
		nt := &an.notes[i]
		nt.stems = make([]string, len(nt.toks))
		nt.parts = make([][]string, len(nt.toks))
		nt.known = make([]bool, len(nt.toks))
		keys := make([][]string, len(nt.toks))
		stop := make([]bool, len(nt.toks))
		seen := map[string]bool{}
		for j := range nt.toks {
			t := &nt.toks[j]
			stop[j] = t.stop
			if t.stop {
				keys[j] = []string{t.fold}
				continue
			}
			if !t.abbrev {
				if c := correct(t.fold); c != t.fold {
					t.fold, t.surface = c, c
				}
			}
			keys[j] = keysOf(st, t.fold, t.abbrev)
			if t.abbrev {
				nt.stems[j] = t.fold
			} else {
				nt.stems[j] = st.stem(t.fold, langs[i])
				var split []string
				if w.Compounds {
					split = sp.split(t.fold)
				}
				for _, p := range split {
					ps := st.stem(p, langs[i])
					nt.parts[j] = append(nt.parts[j], ps)
					keys[j] = append(keys[j], keysOf(st, p, false)...)
				}
			}
			nt.known[j] = anyKnown(m, keys[j])
			for _, s := range append([]string{nt.stems[j]}, nt.parts[j]...) {
				if !seen[s] {
					seen[s] = true
					docFreq[s]++
				}
			}
		}
		nt.hits = m.match(keys, stop)
		cs := map[int32]bool{}
		for _, h := range nt.hits {
			if !cs[h.concept] {
				cs[h.concept] = true
				conceptDF[h.concept]++
			}
		}
	}
	// Feature ids: concepts, then themes, then words in order of first use.
	an.nConcept = len(m.concepts)
	themeID := map[string]int32{}
	for _, c := range m.concepts {
		if c.Theme == "" {
			continue
		}
		if _, ok := themeID[c.Theme]; !ok {
			themeID[c.Theme] = int32(an.nConcept + len(an.themeIDs))
			an.themeIDs = append(an.themeIDs, c.Theme)
		}
	}
	next := int32(an.nConcept + len(an.themeIDs))
	N := float64(n)
	for s, df := range docFreq {
		an.idf[s] = math.Log((N + 1) / float64(df))
	}
	an.docFreq = docFreq
	for i := range an.notes {
		nt := &an.notes[i]
		words := vecBuilder{}
		for j, s := range nt.stems {
			if s == "" || weakWords[nt.toks[j].fold] {
				continue
			}
			add := func(s string, wt float64) {
				if docFreq[s] < 2 {
					return
				}
				id, ok := an.wordID[s]
				if !ok {
					id = next
					next++
					an.wordID[s] = id
				}
				words.add(id, wt*an.idf[s])
			}
			add(s, 1)
			for _, p := range nt.parts[j] {
				if p != s {
					add(p, 0.5)
				}
			}
		}
		concepts, themes := vecBuilder{}, vecBuilder{}
		for _, h := range nt.hits {
			concepts.add(h.concept, float64(h.weight))
		}
		// In id order, so that theme sums add up the same way every run.
		for _, f := range concepts.vec() {
			df := float64(conceptDF[f.id])
			// Sublinear in the mentions; a related term's half weight
			// counts as one here (counting it for half was measured and
			// grouped no better), and only names themes in describe.
			wt := (1 + math.Log(max(float64(f.w), 1))) * (math.Log((N+1)/df) + 1)
			concepts[f.id] = wt
			if th := m.concepts[f.id].Theme; th != "" {
				themes.add(themeID[th], wt)
			}
		}
		v := concat(words.vec().scaled(w.Words), concepts.vec().scaled(w.Concepts), themes.vec().scaled(w.Themes))
		an.vecs[i] = v.scaled(1)
	}
	return an
}

// description is what describe says about a group of notes.
type description struct {
	label, theme   string
	keywords       []string
	representative int // note index
}

// describe labels the notes idx of a group: the dominant concept's label
// when one concept is named by at least 40% of the notes, else the notes'
// own most telling words.
func (an *analysis) describe(idx []int, m *matcher) description {
	var d description
	if len(idx) == 0 {
		return d
	}
	// Concepts and themes.
	cCount := map[int32]int{}
	tWeight := map[string]float64{}
	tNotes := map[string]int{} // notes that name a theme
	for _, i := range idx {
		seen := map[int32]bool{}
		seenT := map[string]bool{}
		for _, h := range an.notes[i].hits {
			if !seen[h.concept] {
				seen[h.concept] = true
				cCount[h.concept]++
			}
			if th := m.concepts[h.concept].Theme; th != "" {
				tWeight[th] += float64(h.weight)
				if !seenT[th] {
					seenT[th] = true
					tNotes[th]++
				}
			}
		}
	}
	bestC, bestN := int32(-1), 0
	for c, k := range cCount {
		if k > bestN || (k == bestN && c < bestC) {
			bestC, bestN = c, k
		}
	}
	if bestC >= 0 && float64(bestN) >= 0.4*float64(len(idx)) {
		d.label = shortLabel(m.concepts[bestC].Label)
	}
	ths := make([]string, 0, len(tWeight))
	for th := range tWeight {
		ths = append(ths, th)
	}
	sort.Strings(ths)
	var total float64
	bestT, bestW := "", 0.0
	for _, th := range ths {
		wt := tWeight[th]
		total += wt
		if wt > bestW || (wt == bestW && th < bestT) {
			bestT, bestW = th, wt
		}
	}
	if bestC >= 0 && d.label != "" && strings.HasPrefix(m.concepts[bestC].Theme, workshopThemePrefix) {
		// The facilitator named this theme and most notes use its words.
		d.theme = m.themes[m.concepts[bestC].Theme]
	} else if bestT != "" && bestW >= 0.4*total {
		d.theme = m.themes[bestT]
		// No concept dominates, but most notes name this theme: its
		// name says more than any two of the notes' own words.
		if d.label == "" && 2*tNotes[bestT] > len(idx) {
			d.label = themeLabel(d.theme)
		}
	}
	// Words: in-group document frequency times idf; shown in the form
	// most used in the group.
	type wordScore struct {
		stem  string
		score float64
	}
	df := map[string]int{}
	forms := map[string]map[string]int{}
	for _, i := range idx {
		nt := &an.notes[i]
		seen := map[string]bool{}
		for j, s := range nt.stems {
			if s == "" || len(nt.toks[j].fold) < 2 || weakWords[nt.toks[j].fold] {
				continue
			}
			if forms[s] == nil {
				forms[s] = map[string]int{}
			}
			forms[s][nt.toks[j].fold]++
			if !seen[s] {
				seen[s] = true
				df[s]++
			}
		}
	}
	// A keyword is used by many of the group's notes and few others: its
	// score is the group's count times the log of its lift (the share of
	// the group's notes that use it over the share of all notes).
	var ws []wordScore
	nAll := float64(len(an.notes))
	for s, k := range df {
		if isNumber(s) && len(s) < 4 {
			continue
		}
		lift := (float64(k) / float64(len(idx))) / (float64(max(an.docFreq[s], k)) / nAll)
		score := float64(k) * math.Log(1+lift)
		if len(idx) > 2 && k < 2 {
			score *= 0.25 // a word of one note says little about a group
		}
		if m.known(s) {
			score *= 2 // a word of the domain says more than a word of the sentence
		}
		ws = append(ws, wordScore{s, score})
	}
	sort.Slice(ws, func(a, b int) bool {
		if ws[a].score != ws[b].score {
			return ws[a].score > ws[b].score
		}
		return ws[a].stem < ws[b].stem
	})
	form := func(s string) string {
		best, bn := "", 0
		for f, k := range forms[s] {
			if k > bn || (k == bn && f < best) {
				best, bn = f, k
			}
		}
		return best
	}
	for _, w := range ws {
		if len(d.keywords) == 5 {
			break
		}
		d.keywords = append(d.keywords, form(w.stem))
	}
	if d.label == "" {
		d.label = keywordLabel(d.keywords)
	}
	// Representative: the note nearest the centroid.
	vs := make([]vec, len(idx))
	ones := make([]float64, len(idx))
	for j, i := range idx {
		vs[j], ones[j] = an.vecs[i], 1
	}
	c := sumVecs(vs, ones)
	best, bestS := idx[0], -1.0
	for _, i := range idx {
		if s := dot(an.vecs[i], c); s > bestS+1e-12 {
			best, bestS = i, s
		}
	}
	d.representative = best
	return d
}

// keywordLabel joins the first two keywords that are not forms of one
// word ("applications applicatielandschap" says one thing twice).
func keywordLabel(keywords []string) string {
	var words []string
	for _, k := range keywords {
		if len(words) == 2 {
			break
		}
		if len(words) == 1 && sharePrefix(words[0], k, 5) {
			continue
		}
		words = append(words, k)
	}
	return strings.Join(words, " ")
}

// sharePrefix reports whether a and b start with the same n bytes.
func sharePrefix(a, b string, n int) bool {
	return len(a) >= n && len(b) >= n && a[:n] == b[:n]
}

// themeLabel shortens a theme's label to at most four words by dropping
// the parts of its enumeration that do not fit ("Cloud, leveranciers en
// digitale autonomie" becomes "Cloud en leveranciers").
func themeLabel(s string) string {
	if len(strings.Fields(s)) <= 4 {
		return s
	}
	var parts []string
	for _, p := range strings.Split(strings.ReplaceAll(s, " en ", ", "), ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	for len(parts) > 1 {
		l := strings.Join(parts[:len(parts)-1], ", ") + " en " + parts[len(parts)-1]
		if len(parts) == 2 {
			l = parts[0] + " en " + parts[1]
		}
		if len(strings.Fields(l)) <= 4 {
			return l
		}
		parts = parts[:len(parts)-1]
	}
	return shortLabel(parts[0])
}

// shortLabel keeps at most four words of a label.
func shortLabel(s string) string {
	f := strings.Fields(s)
	if len(f) > 4 {
		f = f[:4]
	}
	return strings.Join(f, " ")
}

func anyKnown(m *matcher, keys []string) bool {
	for _, k := range keys {
		if m.known(k) {
			return true
		}
	}
	return false
}

// heaviest returns the key of m's largest value, the first key in order on
// a tie, and "" for an empty map.
func heaviest[V int | float32 | float64](m map[string]V) string {
	best, found := "", false
	for k, v := range m {
		if !found || v > m[best] || (v == m[best] && k < best) {
			best, found = k, true
		}
	}
	return best
}

// isNumber reports whether s is all digits.
func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
