// Package cluster groups the notes of a workshop into themes of
// information barriers, the way a good facilitator would: it trusts the
// groups the participants made on the wall, it knows the words of the
// domain (a curated lexicon of barriers in Dutch government, in Dutch and
// English), and it never undoes what the facilitator curated.
//
// Notes about one barrier rarely share words ("AVG maakt delen lastig",
// "grondslag voor uitwisseling ontbreekt", "privacy officer zegt nee"), so
// word overlap alone cannot group them. Each note becomes a sparse vector
// of its stemmed words (compounds split, misreadings corrected), the
// lexicon concepts it mentions and their themes; notes the participants
// stuck together on one photo are joined first; the joined blocks are
// linked to their nearest neighbours and split into communities by the
// Louvain method, which finds the number of themes itself. Locked
// clusters act as labelled examples for new notes.
//
// The package is pure Go and reads no files at run time: the lexicon and
// the list of Dutch compound parts are embedded.
package cluster

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"wallscan"
)

// Named limits of a grouping request.
const (
	// MaxNotes is the most notes one grouping takes (a workshop has 50 to
	// 500; 10,000 group in a few seconds).
	MaxNotes = 20_000
	// MaxVocabulary is the most workshop vocabulary entries.
	MaxVocabulary = 1000
	// MaxKey is the longest note or group key, in bytes.
	MaxKey = 200
)

// resolutionRamp is the number of graph nodes from which the full Louvain
// resolution applies.
const resolutionRamp = 50

// UnsortedKey is the key of the group of notes that fit no theme, unless
// the facilitator's curated groups already hold an unsorted group.
const UnsortedKey = "overig"

// UnsortedLabel is the label of that group.
const UnsortedLabel = "Overig"

// Weights sets how much each signal counts. The zero value of a field
// means "off"; DefaultWeights holds the measured defaults.
type Weights struct {
	// Words, Concepts and Themes weigh the three parts of a note's text
	// vector: its own stemmed words, the lexicon concepts it mentions, and
	// the themes of those concepts.
	Words, Concepts, Themes float64
	// Fuzzy corrects misread words to the nearest word of the other notes
	// or of the lexicon; Compounds splits Dutch compounds.
	Fuzzy, Compounds bool
	// Wall joins the notes that sat together on a photo before grouping.
	Wall bool
	// LockedFit is the least cosine similarity between a new note and a
	// locked cluster's centroid for the note to join it; 0 turns
	// classification into locked clusters off.
	LockedFit float64
	// Neighbours is k of the k-nearest-neighbour graph.
	Neighbours int
	// MinSimilarity is the least cosine similarity of a graph edge.
	MinSimilarity float64
	// Resolution is the Louvain resolution: higher gives more, smaller themes.
	Resolution float64
	// MinGroup is the least number of notes of a theme; smaller
	// communities go to the unsorted group.
	MinGroup int
}

// DefaultWeights are the weights measured on the bench corpus of synth
// (TestQuality, TestSignals and TestCurationSignal in measure_test.go
// print the tables).
var DefaultWeights = Weights{
	Words: 0.3, Concepts: 1, Themes: 0.6,
	Fuzzy: true, Compounds: true,
	Wall:          true,
	LockedFit:     0.1,
	Neighbours:    15,
	MinSimilarity: 0.08,
	Resolution:    1.5,
	MinGroup:      2,
}

// Options configures a Grouper.
type Options struct {
	// Lexicon replaces the embedded concept lexicon when set.
	Lexicon *Lexicon
	// Weights replaces DefaultWeights when set (any non-zero field).
	Weights *Weights
}

// Grouper implements wallscan.Grouper. It is safe for concurrent use.
type Grouper struct {
	lex *Lexicon
	w   Weights

	mu       sync.Mutex
	matchers map[string]*matcher // compiled lexicon by workshop vocabulary
}

// The embedded lexicon without workshop terms is compiled once per process.
var (
	defaultMatcherOnce sync.Once
	defaultMatcher     *matcher
)

// maxMatchers bounds the cache of compiled lexicons (one per distinct
// workshop vocabulary).
const maxMatchers = 16

// matcher returns the lexicon compiled with vocabulary, from the cache when
// it can. A compiled matcher is read-only, so requests share it.
func (g *Grouper) matcher(vocabulary []string) *matcher {
	if len(vocabulary) == 0 && g.lex == defaultLex {
		defaultMatcherOnce.Do(func() { defaultMatcher = newMatcher(defaultLex, nil, newStemmer()) })
		return defaultMatcher
	}
	key := strings.Join(vocabulary, "\x00")
	g.mu.Lock()
	defer g.mu.Unlock()
	if m, ok := g.matchers[key]; ok {
		return m
	}
	if g.matchers == nil || len(g.matchers) >= maxMatchers {
		g.matchers = map[string]*matcher{}
	}
	m := newMatcher(g.lex, vocabulary, newStemmer())
	g.matchers[key] = m
	return m
}

var _ wallscan.Grouper = (*Grouper)(nil)

// New returns a Grouper. A nil or empty Options.Lexicon takes the embedded
// lexicon, which the package's tests parse, so New cannot fail at run time.
func New(opt Options) *Grouper {
	g := &Grouper{lex: opt.Lexicon, w: DefaultWeights}
	if g.lex == nil || len(g.lex.Concepts) == 0 {
		g.lex = mustDefaultLexicon()
	}
	if opt.Weights != nil {
		g.w = *opt.Weights
		if g.w.Neighbours <= 0 {
			g.w.Neighbours = DefaultWeights.Neighbours
		}
		if g.w.Resolution <= 0 {
			g.w.Resolution = DefaultWeights.Resolution
		}
		if g.w.MinGroup <= 0 {
			g.w.MinGroup = DefaultWeights.MinGroup
		}
	}
	return g
}

// validate checks the request against the named limits.
func validate(req wallscan.GroupRequest) error {
	if len(req.Notes) > MaxNotes {
		return wallscan.Errorf(wallscan.EINVALID, "%d notes is more than the %d (MaxNotes) one grouping takes", len(req.Notes), MaxNotes)
	}
	if len(req.Vocabulary) > MaxVocabulary {
		return wallscan.Errorf(wallscan.EINVALID, "%d vocabulary entries is more than %d (MaxVocabulary)", len(req.Vocabulary), MaxVocabulary)
	}
	seen := make(map[string]bool, len(req.Notes))
	for i, n := range req.Notes {
		switch {
		case n.Key == "":
			return wallscan.Errorf(wallscan.EINVALID, "note %d has no key", i+1)
		case len(n.Key) > MaxKey:
			return wallscan.Errorf(wallscan.EINVALID, "note %d: key is longer than %d bytes (MaxKey)", i+1, MaxKey)
		case seen[n.Key]:
			return wallscan.Errorf(wallscan.EINVALID, "note key %q appears twice", n.Key)
		case len(n.Text) > wallscan.MaxNoteText:
			return wallscan.Errorf(wallscan.EINVALID, "note %q: text is %d bytes, more than %d (MaxNoteText)", n.Key, len(n.Text), wallscan.MaxNoteText)
		}
		seen[n.Key] = true
	}
	groups := map[string]bool{}
	for i, c := range req.Curated {
		switch {
		case c.Key == "":
			return wallscan.Errorf(wallscan.EINVALID, "curated group %d has no key", i+1)
		case len(c.Key) > MaxKey:
			return wallscan.Errorf(wallscan.EINVALID, "curated group %d: key is longer than %d bytes (MaxKey)", i+1, MaxKey)
		case groups[c.Key]:
			return wallscan.Errorf(wallscan.EINVALID, "curated group key %q appears twice", c.Key)
		case len(c.Label) > wallscan.MaxTitle:
			return wallscan.Errorf(wallscan.EINVALID, "curated group %q: label is longer than %d bytes (MaxTitle)", c.Key, wallscan.MaxTitle)
		}
		groups[c.Key] = true
	}
	pinned := make([]string, 0, len(req.Pins))
	for note := range req.Pins {
		pinned = append(pinned, note)
	}
	sort.Strings(pinned) // the same request names the same culprit
	for _, note := range pinned {
		if group := req.Pins[note]; group == "" || len(group) > MaxKey {
			return wallscan.Errorf(wallscan.EINVALID, "pin of note %q names no valid group key", note)
		}
	}
	return nil
}

// Group groups the notes of req; see wallscan.Grouper. It returns EINVALID
// when the request breaks a named limit. Curated groups come first, in
// their given order, with their keys; new groups follow, largest first,
// keyed g1, g2, ... (skipping keys the curated groups use); the unsorted
// group comes last.
func (g *Grouper) Group(ctx context.Context, req wallscan.GroupRequest) ([]wallscan.Group, error) {
	if err := validate(req); err != nil {
		return nil, err
	}
	if len(req.Notes) == 0 && len(req.Curated) == 0 {
		return []wallscan.Group{}, nil
	}
	m := g.matcher(req.Vocabulary)
	an := analyse(req.Notes, m, newStemmer(), g.w)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a := &assembly{g: g, req: req, an: an, m: m}
	return a.run(ctx)
}

// assembly carries one grouping through its steps.
type assembly struct {
	g   *Grouper
	req wallscan.GroupRequest
	an  *analysis
	m   *matcher

	index map[string]int // note key -> index
	owner []int          // note -> output group slot, -1 while free
	// together marks notes that sat in a physical group of two or more.
	together []bool
	slots    []*slot
}

// slot is one output group being built.
type slot struct {
	key      string
	label    string
	curated  *wallscan.Group
	unsorted bool
	notes    []int
}

func (a *assembly) run(ctx context.Context) ([]wallscan.Group, error) {
	n := len(a.req.Notes)
	a.index = make(map[string]int, n)
	for i, nt := range a.req.Notes {
		a.index[nt.Key] = i
	}
	a.owner = make([]int, n)
	for i := range a.owner {
		a.owner[i] = -1
	}
	// 1. Curated groups keep their keys; locked ones keep their notes.
	byKey := map[string]int{}
	for ci := range a.req.Curated {
		c := &a.req.Curated[ci]
		s := &slot{key: c.Key, label: c.Label, curated: c, unsorted: c.Unsorted}
		byKey[c.Key] = len(a.slots)
		a.slots = append(a.slots, s)
		if c.Locked {
			for _, k := range c.Notes {
				if i, ok := a.index[k]; ok && a.owner[i] < 0 {
					a.owner[i] = byKey[c.Key]
				}
			}
		}
	}
	// 2. Pinned notes stay where the facilitator put them (a pin to a
	// group that is not curated makes that group).
	pinned := make([]string, 0, len(a.req.Pins))
	for k := range a.req.Pins {
		pinned = append(pinned, k)
	}
	sort.Strings(pinned)
	for _, k := range pinned {
		i, ok := a.index[k]
		if !ok || a.owner[i] >= 0 {
			continue
		}
		gk := a.req.Pins[k]
		si, ok := byKey[gk]
		if !ok {
			si = len(a.slots)
			byKey[gk] = si
			a.slots = append(a.slots, &slot{key: gk})
		}
		a.owner[i] = si
	}
	// 3. The free notes are grouped afresh; those that fit a locked
	// group join it.
	comms, err := a.community(ctx)
	if err != nil {
		return nil, err
	}
	// 4. New groups take over the curated (not locked) groups they
	// overlap most, so keys and renamed labels survive re-grouping.
	a.place(comms, byKey)
	return a.finish(), nil
}

// community groups the free notes. Locked groups take part as labelled
// nodes (their centroids): a free wall block or note that falls in a
// community with a locked group, and is at least LockedFit similar to it,
// joins that group; the rest become new groups. It returns the new groups
// as lists of note indexes, each sorted.
func (a *assembly) community(ctx context.Context) ([][]int, error) {
	var free []int
	for i, o := range a.owner {
		if o < 0 {
			free = append(free, i)
		}
	}
	a.together = make([]bool, len(a.req.Notes))
	if len(free) == 0 {
		return nil, nil
	}
	// Labelled nodes: one per locked group with content.
	var vs []vec
	var size []int
	var lockedSlot []int
	if a.g.w.LockedFit > 0 {
		for si, s := range a.slots {
			if s.curated == nil || !s.curated.Locked {
				continue
			}
			var parts []vec
			var ws []float64
			for i, o := range a.owner {
				if o == si && len(a.an.vecs[i]) > 0 {
					parts = append(parts, a.an.vecs[i])
					ws = append(ws, 1)
				}
			}
			if len(parts) == 0 {
				continue
			}
			vs = append(vs, sumVecs(parts, ws).scaled(1))
			size = append(size, len(parts))
			lockedSlot = append(lockedSlot, si)
		}
	}
	nLocked := len(vs)
	// Wall blocks over all notes. A block that holds notes of exactly one
	// locked group brings its free notes into that group: the
	// participants stuck them with the facilitator's examples.
	block := make([]int32, len(free))
	if a.g.w.Wall {
		all := make([]wallNote, len(a.req.Notes))
		for i, nt := range a.req.Notes {
			all[i] = wallNote{photo: nt.Photo, x: nt.X, y: nt.Y, hasPos: nt.HasPosition}
			for _, k := range nt.Neighbours {
				if j, ok := a.index[k]; ok {
					all[i].neighbours = append(all[i].neighbours, int32(j))
				}
			}
		}
		root := wallBlocks(all)
		if a.g.w.LockedFit > 0 {
			lockedOf := map[int32]int{} // block root -> locked slot, -1 when several
			for i, o := range a.owner {
				if o < 0 || a.slots[o].curated == nil || !a.slots[o].curated.Locked {
					continue
				}
				if prev, ok := lockedOf[root[i]]; ok && prev != o {
					lockedOf[root[i]] = -1
				} else {
					lockedOf[root[i]] = o
				}
			}
			kept := free[:0]
			for _, i := range free {
				if o, ok := lockedOf[root[i]]; ok && o >= 0 {
					a.owner[i] = o
					continue
				}
				kept = append(kept, i)
			}
			free = kept
			block = block[:len(free)]
			if len(free) == 0 {
				return nil, nil
			}
		}
		for fi, i := range free {
			block[fi] = root[i]
		}
	} else {
		for fi := range block {
			block[fi] = int32(fi)
		}
	}
	// One node per block.
	nodeOf := map[int32]int{}
	members := make([][]int, nLocked)
	for fi, b := range block {
		nd, ok := nodeOf[b]
		if !ok {
			nd = len(members)
			nodeOf[b] = nd
			members = append(members, nil)
		}
		members[nd] = append(members[nd], free[fi])
	}
	for _, ms := range members {
		if len(ms) > 1 {
			for _, i := range ms {
				a.together[i] = true
			}
		}
	}
	for _, ms := range members[nLocked:] {
		size = append(size, len(ms))
		if len(ms) == 1 {
			vs = append(vs, a.an.vecs[ms[0]])
			continue
		}
		parts := make([]vec, len(ms))
		ws := make([]float64, len(ms))
		for j, i := range ms {
			parts[j] = a.an.vecs[i]
			ws[j] = 1
		}
		vs = append(vs, sumVecs(parts, ws).scaled(1))
	}
	gr, err := knnGraph(ctx, vs, a.g.w.Neighbours, a.g.w.MinSimilarity)
	if err != nil {
		return nil, err
	}
	// A node's weight grows with its size: its notes were put together
	// by people.
	for nd := range vs {
		if size[nd] > 1 {
			s := float64(size[nd])
			gr.self[nd] = s * (s - 1) / 2
		}
		for e := range gr.adj[nd] {
			to := gr.adj[nd][e].to
			gr.adj[nd][e].w *= math.Sqrt(float64(size[nd] * size[to]))
		}
	}
	// Modularity at a resolution above 1 splits tiny graphs (even a
	// triangle of identical notes), so the resolution grows from 1 to its
	// setting over the first resolutionRamp nodes.
	res := a.g.w.Resolution
	if res > 1 {
		res = 1 + (res-1)*min(1, float64(len(vs))/resolutionRamp)
	}
	comm, err := louvain(ctx, gr, res)
	if err != nil {
		return nil, err
	}
	// Free nodes in a community with locked groups join the nearest of
	// them when they fit.
	lockedIn := map[int][]int{}
	for nd := 0; nd < nLocked; nd++ {
		lockedIn[comm[nd]] = append(lockedIn[comm[nd]], nd)
	}
	byComm := map[int][]int{}
	for nd := nLocked; nd < len(vs); nd++ {
		best, bestSim := -1, a.g.w.LockedFit
		for _, l := range lockedIn[comm[nd]] {
			if s := dot(vs[nd], vs[l]); s >= bestSim && (best < 0 || s > bestSim) {
				best, bestSim = l, s
			}
		}
		if best >= 0 {
			for _, i := range members[nd] {
				a.owner[i] = lockedSlot[best]
			}
			continue
		}
		byComm[comm[nd]] = append(byComm[comm[nd]], members[nd]...)
	}
	cs := make([]int, 0, len(byComm))
	for c := range byComm {
		cs = append(cs, c)
	}
	sort.Ints(cs)
	out := make([][]int, 0, len(byComm))
	for _, c := range cs {
		ms := byComm[c]
		sort.Ints(ms)
		out = append(out, ms)
	}
	return out, nil
}

// place turns communities into slots: small ones and notes without any
// content go to the unsorted group; the others take over the curated group
// they overlap most, or get a new key.
func (a *assembly) place(comms [][]int, byKey map[string]int) {
	var unsorted []int
	var real [][]int
	for _, ms := range comms {
		var keep []int
		for _, i := range ms {
			// A note with no telling words fits nowhere, unless the
			// participants put it with others.
			if len(a.an.vecs[i]) == 0 && !a.together[i] {
				unsorted = append(unsorted, i)
			} else {
				keep = append(keep, i)
			}
		}
		if len(keep) < a.g.w.MinGroup {
			unsorted = append(unsorted, keep...)
			continue
		}
		real = append(real, keep)
	}
	// Largest first, then by first note.
	sort.SliceStable(real, func(x, y int) bool {
		if len(real[x]) != len(real[y]) {
			return len(real[x]) > len(real[y])
		}
		return real[x][0] < real[y][0]
	})
	// Overlap with the notes curated (not locked) groups held before.
	type pair struct{ comm, slot, overlap int }
	var pairs []pair
	prev := map[int][]int{} // note -> curated slots that listed it
	for si, s := range a.slots {
		if s.curated == nil || s.curated.Locked || s.unsorted {
			continue
		}
		for _, k := range s.curated.Notes {
			if i, ok := a.index[k]; ok {
				prev[i] = append(prev[i], si)
			}
		}
	}
	for ci, ms := range real {
		cnt := map[int]int{}
		for _, i := range ms {
			for _, si := range prev[i] {
				cnt[si]++
			}
		}
		for si, c := range cnt {
			pairs = append(pairs, pair{ci, si, c})
		}
	}
	sort.Slice(pairs, func(x, y int) bool {
		p, q := pairs[x], pairs[y]
		if p.overlap != q.overlap {
			return p.overlap > q.overlap
		}
		if p.comm != q.comm {
			return p.comm < q.comm
		}
		return p.slot < q.slot
	})
	commSlot := make([]int, len(real))
	for i := range commSlot {
		commSlot[i] = -1
	}
	slotTaken := map[int]bool{}
	for _, p := range pairs {
		if commSlot[p.comm] >= 0 || slotTaken[p.slot] {
			continue
		}
		// Take over only when most of the community was in that group.
		if 2*p.overlap < len(real[p.comm]) {
			continue
		}
		commSlot[p.comm] = p.slot
		slotTaken[p.slot] = true
	}
	next := 1
	for ci, ms := range real {
		si := commSlot[ci]
		if si < 0 {
			var key string
			for {
				key = fmt.Sprintf("g%d", next)
				next++
				if _, used := byKey[key]; !used {
					break
				}
			}
			si = len(a.slots)
			byKey[key] = si
			a.slots = append(a.slots, &slot{key: key})
		}
		for _, i := range ms {
			a.owner[i] = si
		}
	}
	if len(unsorted) > 0 {
		si := -1
		for j, s := range a.slots {
			if s.unsorted {
				si = j
				break
			}
		}
		if si < 0 {
			key := UnsortedKey
			for n := 2; ; n++ {
				if _, used := byKey[key]; !used {
					break
				}
				key = fmt.Sprintf("%s-%d", UnsortedKey, n)
			}
			si = len(a.slots)
			byKey[key] = si
			a.slots = append(a.slots, &slot{key: key, label: UnsortedLabel, unsorted: true})
		}
		for _, i := range unsorted {
			a.owner[i] = si
		}
	}
}

// finish builds the output groups: curated groups in their order (kept even
// when empty if locked or renamed), then new groups, the unsorted group
// last.
func (a *assembly) finish() []wallscan.Group {
	for i, o := range a.owner {
		a.slots[o].notes = append(a.slots[o].notes, i)
	}
	var out, tail []wallscan.Group
	for _, s := range a.slots {
		if len(s.notes) == 0 && (s.curated == nil || (!s.curated.Locked && !s.curated.Renamed)) {
			continue
		}
		gr := a.describe(s)
		if s.unsorted && s.curated == nil {
			tail = append(tail, gr)
		} else {
			out = append(out, gr)
		}
	}
	out = append(out, tail...)
	distinctLabels(out)
	return out
}

// distinctLabels gives each new group whose label an earlier group
// already shows (two groups of one lexicon theme) its notes' own words
// instead, so that the facilitator can tell them apart. Curated labels
// and the unsorted group keep theirs.
func distinctLabels(groups []wallscan.Group) {
	shown := map[string]bool{}
	for i := range groups {
		g := &groups[i]
		if shown[g.Label] && !g.Locked && !g.Renamed && !g.Unsorted {
			if l := keywordLabel(g.Keywords); l != "" && !shown[l] {
				g.Label = l
			}
		}
		shown[g.Label] = true
	}
}

// describe labels a slot.
func (a *assembly) describe(s *slot) wallscan.Group {
	gr := wallscan.Group{Key: s.key, Unsorted: s.unsorted, Notes: make([]string, 0, len(s.notes))}
	for _, i := range s.notes {
		gr.Notes = append(gr.Notes, a.req.Notes[i].Key)
	}
	d := a.an.describe(s.notes, a.m)
	gr.Keywords = d.keywords
	if len(s.notes) > 0 {
		gr.Representative = a.req.Notes[d.representative].Key
	}
	gr.Theme = d.theme
	gr.Label = d.label
	switch {
	case s.curated != nil && (s.curated.Locked || s.curated.Renamed):
		gr.Label = s.curated.Label
		gr.Locked = s.curated.Locked
		gr.Renamed = s.curated.Renamed
	case s.unsorted:
		gr.Label = UnsortedLabel
		if s.curated != nil && s.curated.Label != "" {
			gr.Label = s.curated.Label
		}
		gr.Theme = ""
	}
	if gr.Label == "" {
		gr.Label = UnsortedLabel
		if !s.unsorted {
			gr.Label = strings.TrimSpace(s.label)
		}
		if gr.Label == "" {
			gr.Label = "Thema " + s.key
		}
	}
	if gr.Keywords == nil {
		gr.Keywords = []string{}
	}
	return gr
}
