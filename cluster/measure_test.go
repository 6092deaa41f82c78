package cluster_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
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

// heldout returns the held-out corpus of testdata/heldout.tsv: notes
// written by another author, blind to the lexicon and the bench corpus,
// in themes of that author's choosing. The lexicon is never tuned on it,
// so its figures say how the grouping does on notes written by others.
func heldout(t testing.TB) []item { return tsvCorpus(t, "heldout") }

// devCorpora are the development corpora of testdata/dev-*.tsv: three
// workshops (an executive agency, an inspectorate, a chain of
// organisations), each written blind by another author. Unlike the bench
// and held-out corpora, the lexicon was improved by reading how it failed
// on these, so their figures are no evidence of how it does on new notes.
var devCorpora = []string{"dev-a", "dev-b", "dev-c"}

// tsvCorpus reads testdata/name.tsv: one note per line as
// theme<TAB>text, lines starting with # are comments.
func tsvCorpus(t testing.TB, name string) []item {
	file := filepath.Join("testdata", name+".tsv")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var notes []themedNote
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		theme, text, ok := strings.Cut(line, "\t")
		if !ok || theme == "" || text == "" {
			t.Fatalf("%s:%d: want theme<TAB>text, got %q", file, i+1, line)
		}
		notes = append(notes, themedNote{theme, text})
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

// TestQuality measures the grouping on the bench corpus and on the
// held-out corpus. The floors are the figures reached so far, a little
// below, so that a change that loses quality fails here; the issue's
// targets (positions >= 0.80, text alone >= 0.60, 5% misreadings >= 0.50)
// are printed beside them. Every figure must stay above TF-IDF k-means
// given the true number of themes.
func TestQuality(t *testing.T) {
	g := cluster.New(cluster.Options{})
	for _, c := range []struct {
		name   string
		items  []item
		floors figures
	}{
		{"bench", corpus(t), figures{clean: 0.35, noise: 0.30, wall: 0.72, wallNoise: 0.65}},
		{"held-out", heldout(t), figures{clean: 0.26, noise: 0.23, wall: 0.65, wallNoise: 0.64}},
	} {
		t.Run(c.name, func(t *testing.T) {
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
			t.Logf("%s corpus: %d notes; median ARI over %d seeds", c.name, len(items), len(seeds))
			t.Logf("| figure | ARI | issue target |")
			t.Logf("| text alone, clean | %.3f | >= 0.60 |", got.clean)
			t.Logf("| text alone, 5%% noise | %.3f | >= 0.50 |", got.noise)
			t.Logf("| positions + text, clean | %.3f | >= 0.80 |", got.wall)
			t.Logf("| positions + text, 5%% noise | %.3f | |", got.wallNoise)
			t.Logf("| TF-IDF k-means (true k), clean | %.3f | |", bench.Median(km))
			t.Logf("| TF-IDF k-means (true k), 5%% noise | %.3f | |", bench.Median(kmNoise))
			for _, f := range []struct {
				name      string
				got, want float64
			}{
				{"text alone, clean", got.clean, c.floors.clean},
				{"text alone, 5% noise", got.noise, c.floors.noise},
				{"positions and text", got.wall, c.floors.wall},
				{"positions and text, 5% noise", got.wallNoise, c.floors.wallNoise},
				{"text alone over k-means", got.clean, bench.Median(km) + 0.1},
				{"text alone, 5% noise, over k-means", got.noise, bench.Median(kmNoise) + 0.1},
			} {
				if f.got < f.want {
					t.Errorf("%s: ARI %.3f, want >= %.3f", f.name, f.got, f.want)
				}
			}
		})
	}
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
	for _, c := range []struct {
		name  string
		items []item
	}{{"bench", corpus(t)}, {"held-out", heldout(t)}} {
		t.Logf("%s corpus", c.name)
		t.Logf("| variant | text clean | text 5%% noise | positions clean | positions 5%% noise |")
		for _, v := range variants {
			w := v.w
			g := cluster.New(cluster.Options{Weights: &w})
			t.Logf("| %s | %.3f | %.3f | %.3f | %.3f |", v.name,
				measure(t, g, c.items, 0, false), measure(t, g, c.items, 0.05, false),
				measure(t, g, c.items, 0, true), measure(t, g, c.items, 0.05, true))
		}
	}
}
