package cluster_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"

	"wallscan"
	"wallscan/bench"
	"wallscan/cluster"
	"wallscan/synth"
)

// item is one note of a measured set with its true theme.
type item struct {
	text  string
	theme int
}

// corpus returns the bench corpus of synth with theme numbers.
func corpus(t testing.TB) []item {
	var notes []themedNote
	for _, n := range synth.Corpus() {
		notes = append(notes, themedNote{n.Theme, n.Text})
	}
	return numbered(t, "bench", notes)
}

// heldout returns the first held-out corpus, testdata/heldout.tsv.
func heldout(t testing.TB) []item { return tsvCorpus(t, "heldout") }

// The corpora of testdata/, each one workshop's notes in themes of its
// author's own choosing, written blind (the author saw neither the
// lexicon nor any other corpus):
//
//   - heldout.tsv: a general workshop on barriers in Dutch government;
//   - heldout-2.tsv: the social domain (SZW, VWS, municipalities, UWV, SVB);
//   - heldout-3.tsv: a ministry's own information work (Woo, archives, Kamer);
//   - heldout-4.tsv: public health (VWS, RIVM, GGD's, IGJ);
//   - heldout-5.tsv: infrastructure and water (IenW, Rijkswaterstaat, ILT);
//   - heldout-6.tsv: foreign affairs and migration (BZ, IND, COA, posts);
//   - heldout-7.tsv: subsidies and grants (RVO, EU funds, auditors);
//   - heldout-8.tsv: energy transition and mining (SodM, Groningen, grids);
//   - heldout-9.tsv: one municipality's own organisation (departments,
//     council, regional partners);
//   - dev-*.tsv: the development corpora (an executive agency, an
//     inspectorate, the justice chain, ...; dev-j, k and l, defence,
//     statistics and research, culture and heritage, came in the fourth
//     session and were measured once before anyone read them).
//
// The lexicon was extended by reading how it failed on the development
// corpora, so their figures are no evidence of how it does on new notes;
// it never saw the held-out corpora, whose figures are. heldout-6 and -7
// came last (fourth session), after every choice before them had been
// made: their first figures were the cleanest test of it, and lower
// (text alone 0.15 against 0.22-0.43 on the others). The split of
// archiving, findability and openness was then chosen with them in view;
// heldout-8 and -9 came at the end of that session, after every choice,
// and nobody read them. cluster.HeldoutCorpora and cluster.DevCorpora
// name the corpora.

// tsvCorpus reads testdata/name.tsv: one note per line as
// theme<TAB>text, lines starting with # are comments.
func tsvCorpus(t testing.TB, name string) []item {
	themes, texts, err := cluster.ReadCorpus(filepath.Join("testdata", name+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	notes := make([]themedNote, len(texts))
	for i := range texts {
		notes[i] = themedNote{themes[i], texts[i]}
	}
	return numbered(t, name, notes)
}

// themedNote is a corpus note with the name of its true theme.
type themedNote struct{ theme, text string }

// numbered numbers the themes of notes in order of first appearance.
func numbered(t testing.TB, name string, notes []themedNote) []item {
	themes := map[string]int{}
	var out []item
	for _, n := range notes {
		th, ok := themes[n.theme]
		if !ok {
			th = len(themes)
			themes[n.theme] = th
		}
		out = append(out, item{n.text, th})
	}
	if len(out) < 50 || len(themes) < 5 {
		t.Fatalf("%s corpus has %d notes in %d themes", name, len(out), len(themes))
	}
	return out
}

// workshop places items on photos the way participants do: each theme's
// notes in loose groups of three to seven, the groups spread over photos
// of about 25 notes, the notes of a group side by side and the groups
// apart. Each note swaps places with a random other note with chance
// misplaced, so about twice that share ends up in a wrong group.
func workshop(items []item, misplaced float64, rng *rand.Rand) []wallscan.GroupNote {
	byTheme := map[int][]int{}
	for i, it := range items {
		byTheme[it.theme] = append(byTheme[it.theme], i)
	}
	themes := make([]int, 0, len(byTheme))
	for th := range byTheme {
		themes = append(themes, th)
	}
	sort.Ints(themes)
	var chunks [][]int
	for _, th := range themes {
		idx := byTheme[th]
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for len(idx) > 0 {
			k := min(3+rng.IntN(5), len(idx))
			chunks = append(chunks, idx[:k])
			idx = idx[k:]
		}
	}
	rng.Shuffle(len(chunks), func(a, b int) { chunks[a], chunks[b] = chunks[b], chunks[a] })
	// Participants misplace some notes.
	for _, c := range chunks {
		for j := range c {
			if rng.Float64() < misplaced {
				o := chunks[rng.IntN(len(chunks))]
				p := rng.IntN(len(o))
				c[j], o[p] = o[p], c[j]
			}
		}
	}
	notes := make([]wallscan.GroupNote, len(items))
	photo, onPhoto, slot := 1, 0, 0
	for _, c := range chunks {
		if onPhoto >= 22 {
			photo, onPhoto, slot = photo+1, 0, 0
		}
		// Groups sit in a 3x3 grid of slots; notes in a 2-wide column.
		gx, gy := float64(slot%3)*0.33+0.05, float64(slot/3)*0.33+0.05
		for j, i := range c {
			notes[i] = wallscan.GroupNote{
				Photo: fmt.Sprintf("wall-%d.jpg", photo),
				X:     gx + float64(j%2)*0.07 + rng.Float64()*0.01,
				Y:     gy + float64(j/2)*0.07 + rng.Float64()*0.01, HasPosition: true,
			}
		}
		onPhoto += len(c)
		slot++
	}
	return notes
}

// misplaced is the chance that a note swaps places with another: about 5%
// of the notes end up in a group of another theme.
const misplaced = 0.025

// wallNotes returns items as notes to group, keyed "n0", "n1", ...: on
// photos as participants stick them (positions) or without positions, with
// about noise of their characters misread.
func wallNotes(items []item, noise float64, positions bool, rng *rand.Rand) []wallscan.GroupNote {
	var notes []wallscan.GroupNote
	if positions {
		notes = workshop(items, misplaced, rng)
	} else {
		notes = make([]wallscan.GroupNote, len(items))
	}
	for i, it := range items {
		notes[i].Key = fmt.Sprintf("n%d", i)
		notes[i].Text = it.text
		if noise > 0 {
			notes[i].Text = bench.AddCharNoise(it.text, noise, rng)
		}
	}
	return notes
}

// newRand returns the random source of one seed.
func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0)) }

// run groups items and returns the ARI against their themes.
func run(t testing.TB, g *cluster.Grouper, items []item, noise float64, positions bool, seed int64) (float64, []wallscan.Group) {
	notes := wallNotes(items, noise, positions, newRand(seed))
	groups, err := g.Group(context.Background(), wallscan.GroupRequest{Notes: notes})
	if err != nil {
		t.Fatal(err)
	}
	where := bench.GroupLabels(groups)
	truth, pred := make([]int, len(items)), make([]string, len(items))
	for i, it := range items {
		truth[i], pred[i] = it.theme, where[notes[i].Key]
	}
	return bench.ARI(truth, bench.Labels(pred)), groups
}

// kmeansARI is the peer of wallscan bench: TF-IDF with k-means given the
// true number of themes (bench.TFIDFKMeans).
func kmeansARI(items []item, noise float64, seed int64) float64 {
	rng := newRand(seed)
	texts := make([]string, len(items))
	truth := make([]int, len(items))
	k := 0
	for i, it := range items {
		texts[i] = it.text
		if noise > 0 {
			texts[i] = bench.AddCharNoise(it.text, noise, rng)
		}
		truth[i] = it.theme
		k = max(k, it.theme+1)
	}
	return bench.ARI(truth, bench.TFIDFKMeans(texts, k, uint64(seed)))
}

// seeds are the fixed seeds every figure is a median over.
var seeds = []int64{1, 2, 3, 4, 5}

// measure returns the median ARI over seeds.
func measure(t testing.TB, g *cluster.Grouper, items []item, noise float64, positions bool) float64 {
	var xs []float64
	for _, s := range seeds {
		a, _ := run(t, g, items, noise, positions, s)
		xs = append(xs, a)
	}
	return bench.Median(xs)
}

// figures are the ARIs TestQuality measures on one corpus.
type figures struct{ clean, noise, wall, wallNoise float64 }

// measuredCorpus is a corpus TestQuality and TestSignals measure.
type measuredCorpus struct {
	name string
	// dev marks a development corpus: the lexicon was improved by
	// reading how it failed on it.
	dev   bool
	items []item
}

// measuredCorpora returns the bench corpus, the held-out corpora and the
// development corpora.
func measuredCorpora(t testing.TB) []measuredCorpus {
	cs := []measuredCorpus{{name: "bench", items: corpus(t)}}
	for _, name := range cluster.HeldoutCorpora {
		cs = append(cs, measuredCorpus{name: name, items: tsvCorpus(t, name)})
	}
	for _, name := range cluster.DevCorpora {
		cs = append(cs, measuredCorpus{name: name, dev: true, items: tsvCorpus(t, name)})
	}
	return cs
}

// floors are the figures reached so far on each corpus, about 0.03 below: text
// clean, text with 5% misreadings, positions clean, positions with
// misreadings. A change that loses more fails TestQuality.
var floors = map[string]figures{
	"bench":     {0.42, 0.37, 0.75, 0.71},
	"heldout":   {0.37, 0.33, 0.73, 0.76},
	"heldout-2": {0.33, 0.30, 0.66, 0.63},
	"heldout-3": {0.17, 0.15, 0.57, 0.48},
	"heldout-4": {0.36, 0.30, 0.76, 0.71},
	"heldout-5": {0.33, 0.28, 0.68, 0.64},
	"heldout-6": {0.13, 0.10, 0.56, 0.56},
	"heldout-7": {0.14, 0.13, 0.54, 0.50},
	"heldout-8": {0.22, 0.19, 0.50, 0.53},
	"heldout-9": {0.23, 0.18, 0.63, 0.58},
	"dev-a":     {0.56, 0.48, 0.84, 0.83},
	"dev-b":     {0.49, 0.37, 0.80, 0.74},
	"dev-c":     {0.44, 0.36, 0.72, 0.71},
	"dev-d":     {0.33, 0.24, 0.63, 0.55},
	"dev-e":     {0.40, 0.33, 0.77, 0.70},
	"dev-f":     {0.40, 0.34, 0.72, 0.67},
	"dev-g":     {0.34, 0.31, 0.71, 0.66},
	"dev-h":     {0.24, 0.21, 0.69, 0.65},
	"dev-i":     {0.25, 0.22, 0.65, 0.64},
	"dev-j":     {0.11, 0.08, 0.50, 0.41},
	"dev-k":     {0.19, 0.14, 0.57, 0.49},
	"dev-l":     {0.20, 0.16, 0.58, 0.55},
}

// TestQuality measures the grouping on every corpus and prints one table
// (for docs/BENCHMARKS.md). A figure below its corpus's floor fails, so a
// change that loses quality shows here; the targets (on the bench
// corpus: positions >= 0.80, text alone >= 0.60, 5% misreadings >= 0.50)
// are printed beside them. Text alone must beat TF-IDF k-means given the
// true number of themes everywhere.
func TestQuality(t *testing.T) {
	g := cluster.New(cluster.Options{})
	t.Logf("median ARI over %d seeds; targets on bench: text >= 0.60, text 5%% noise >= 0.50, positions >= 0.80", len(seeds))
	t.Logf("| corpus | notes / themes | text clean | text 5%% noise | positions clean | positions 5%% noise | TF-IDF k-means (true k) clean / noisy |")
	t.Logf("| --- | --- | --- | --- | --- | --- | --- |")
	for _, c := range measuredCorpora(t) {
		items := c.items
		got := figures{
			clean:     measure(t, g, items, 0, false),
			noise:     measure(t, g, items, 0.05, false),
			wall:      measure(t, g, items, 0, true),
			wallNoise: measure(t, g, items, 0.05, true),
		}
		var km, kmNoise []float64
		for _, s := range seeds {
			km = append(km, kmeansARI(items, 0, s))
			kmNoise = append(kmNoise, kmeansARI(items, 0.05, s))
		}
		name := c.name
		if c.dev {
			name += " (dev)"
		}
		t.Logf("| %s | %d / %d | %.3f | %.3f | %.3f | %.3f | %.3f / %.3f |", name, len(items), themeCount(items),
			got.clean, got.noise, got.wall, got.wallNoise, bench.Median(km), bench.Median(kmNoise))
		for _, f := range []struct {
			name      string
			got, want float64
		}{
			{"text alone, clean", got.clean, floors[c.name].clean},
			{"text alone, 5% noise", got.noise, floors[c.name].noise},
			{"positions and text", got.wall, floors[c.name].wall},
			{"positions and text, 5% noise", got.wallNoise, floors[c.name].wallNoise},
			{"text alone over k-means", got.clean, bench.Median(km) + 0.1},
			{"text alone, 5% noise, over k-means", got.noise, bench.Median(kmNoise) + 0.1},
		} {
			if f.got < f.want {
				t.Errorf("%s: %s: ARI %.3f, want >= %.3f", c.name, f.name, f.got, f.want)
			}
		}
	}
}

// themeCount returns the number of themes of items.
func themeCount(items []item) int {
	n := 0
	for _, it := range items {
		n = max(n, it.theme+1)
	}
	return n
}

// runCurated groups items after the facilitator locked one cluster per
// theme holding `examples` of its notes; it returns the ARI over the notes
// that were not locked.
func runCurated(t testing.TB, g *cluster.Grouper, items []item, examples int, noise float64, positions bool, seed int64) float64 {
	rng := newRand(seed)
	notes := wallNotes(items, noise, positions, rng)
	locked := map[int]*wallscan.Group{}
	isExample := make([]bool, len(items))
	order := rng.Perm(len(items))
	var curated []wallscan.Group
	for _, i := range order {
		th := items[i].theme
		if locked[th] == nil {
			locked[th] = &wallscan.Group{Key: fmt.Sprintf("t%d", th), Label: fmt.Sprintf("thema %d", th), Locked: true}
		}
		if len(locked[th].Notes) < examples {
			locked[th].Notes = append(locked[th].Notes, notes[i].Key)
			isExample[i] = true
		}
	}
	for th := 0; th < len(locked); th++ {
		if locked[th] != nil {
			curated = append(curated, *locked[th])
		}
	}
	groups, err := g.Group(context.Background(), wallscan.GroupRequest{Notes: notes, Curated: curated})
	if err != nil {
		t.Fatal(err)
	}
	where := bench.GroupLabels(groups)
	var truth []int
	var pred []string
	for i := range items {
		if !isExample[i] {
			truth = append(truth, items[i].theme)
			pred = append(pred, where[notes[i].Key])
		}
	}
	return bench.ARI(truth, bench.Labels(pred))
}

// TestCurationSignal measures locked clusters as labelled examples: with
// three or six locked notes per theme, the remaining notes must group at
// least about as well as without classification into the locked clusters
// (measured, the examples add little to what the text and the wall say,
// but new notes land in the facilitator's clusters instead of beside them).
func TestCurationSignal(t *testing.T) {
	items := corpus(t)
	with := cluster.New(cluster.Options{})
	w := cluster.DefaultWeights
	w.LockedFit = 0
	without := cluster.New(cluster.Options{Weights: &w})
	t.Logf("| locked examples per theme | classification | text clean | text 5%% noise | positions clean |")
	for _, ex := range []int{3, 6} {
		var a, b [3][]float64
		for _, s := range seeds {
			a[0] = append(a[0], runCurated(t, with, items, ex, 0, false, s))
			a[1] = append(a[1], runCurated(t, with, items, ex, 0.05, false, s))
			a[2] = append(a[2], runCurated(t, with, items, ex, 0, true, s))
			b[0] = append(b[0], runCurated(t, without, items, ex, 0, false, s))
			b[1] = append(b[1], runCurated(t, without, items, ex, 0.05, false, s))
			b[2] = append(b[2], runCurated(t, without, items, ex, 0, true, s))
		}
		t.Logf("| %d | on (LockedFit %.2f) | %.3f | %.3f | %.3f |", ex, cluster.DefaultWeights.LockedFit, bench.Median(a[0]), bench.Median(a[1]), bench.Median(a[2]))
		t.Logf("| %d | off | %.3f | %.3f | %.3f |", ex, bench.Median(b[0]), bench.Median(b[1]), bench.Median(b[2]))
		for k := range a {
			if bench.Median(a[k]) < bench.Median(b[k])-0.05 {
				t.Errorf("%d examples, figure %d: classification into locked clusters loses (%.3f < %.3f)", ex, k, bench.Median(a[k]), bench.Median(b[k]))
			}
		}
	}
}

// TestSignals measures what each signal contributes by switching it off
// (a table for docs/BENCHMARKS.md), on both corpora.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement table; run without -short")
	}
	d := cluster.DefaultWeights
	variants := []struct {
		name string
		w    cluster.Weights
	}{
		{"all signals (default)", d},
		{"words only", func() cluster.Weights { w := d; w.Concepts, w.Themes = 0, 0; return w }()},
		{"concepts + themes, no words", func() cluster.Weights { w := d; w.Words = 0; return w }()},
		{"words + concepts, no themes", func() cluster.Weights { w := d; w.Themes = 0; return w }()},
		{"no wall blocks", func() cluster.Weights { w := d; w.Wall = false; return w }()},
		{"no misreading correction", func() cluster.Weights { w := d; w.Fuzzy = false; return w }()},
		{"no compound splitting", func() cluster.Weights { w := d; w.Compounds = false; return w }()},
	}
	corpora := measuredCorpora(t)
	t.Logf("mean ARI over the corpora (unseen: bench and the five held-out corpora, which the lexicon never saw; dev: the development corpora)")
	t.Logf("| variant | unseen: text clean | text 5%% noise | positions clean | positions 5%% noise | dev: text clean | positions clean |")
	t.Logf("| --- | --- | --- | --- | --- | --- | --- |")
	for _, v := range variants {
		w := v.w
		g := cluster.New(cluster.Options{Weights: &w})
		var test, dev [4]float64
		var nTest, nDev float64
		for _, c := range corpora {
			f := [4]float64{
				measure(t, g, c.items, 0, false), measure(t, g, c.items, 0.05, false),
				measure(t, g, c.items, 0, true), measure(t, g, c.items, 0.05, true),
			}
			sum, n := &test, &nTest
			if c.dev {
				sum, n = &dev, &nDev
			}
			for i := range f {
				sum[i] += f[i]
			}
			*n++
		}
		t.Logf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |", v.name,
			test[0]/nTest, test[1]/nTest, test[2]/nTest, test[3]/nTest, dev[0]/nDev, dev[2]/nDev)
	}
}
