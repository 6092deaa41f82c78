package cluster

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"wallscan"
	"wallscan/bench"
)

// facilitatorVocabulary writes what a facilitator who has read the wall
// might: for each theme "Theme: w1, ..., wk" with the k words most of its
// notes use, taking only words at least two of its notes use and at most
// one note of another theme.
func facilitatorVocabulary(themes, texts []string, k int) []string {
	df := map[string]map[string]int{}
	for i, s := range texts {
		seen := map[string]bool{}
		for _, tk := range tokenize(s) {
			if tk.stop || len(tk.fold) < 4 || weakWords[tk.fold] || seen[tk.fold] {
				continue
			}
			seen[tk.fold] = true
			if df[themes[i]] == nil {
				df[themes[i]] = map[string]int{}
			}
			df[themes[i]][tk.fold]++
		}
	}
	total := map[string]int{}
	for _, m := range df {
		for w, c := range m {
			total[w] += c
		}
	}
	var out []string
	var names []string
	for th := range df {
		names = append(names, th)
	}
	sort.Strings(names)
	for _, th := range names {
		type wc struct {
			w string
			c int
		}
		var ws []wc
		for w, c := range df[th] {
			if c >= 2 && total[w]-c <= 1 {
				ws = append(ws, wc{w, c})
			}
		}
		sort.Slice(ws, func(a, b int) bool {
			if ws[a].c != ws[b].c {
				return ws[a].c > ws[b].c
			}
			return ws[a].w < ws[b].w
		})
		if len(ws) > k {
			ws = ws[:k]
		}
		if len(ws) == 0 {
			continue
		}
		e := th + ":"
		for j, x := range ws {
			if j > 0 {
				e += ","
			}
			e += " " + x.w
		}
		out = append(out, e)
	}
	return out
}

// TestFacilitatorThemes measures the workshop's own themes as a
// facilitator would write them: for each theme of a corpus its name and
// the k words that at least two of its notes use and at most one note of
// another theme does. It prints the text-alone ARIs for k = 0 (no
// vocabulary), 1 and 3, and fails when such a vocabulary costs the
// held-out corpora more than 0.05 on average: naming themes must never
// make the grouping much worse.
func TestFacilitatorThemes(t *testing.T) {
	held, dev := HeldoutCorpora, DevCorpora
	g := New(Options{})
	mean := map[int]float64{}
	t.Logf("| words per theme | held-out mean | development mean | %s |", strings.Join(held, " | "))
	for _, k := range []int{0, 1, 3} {
		var heldARI []string
		var sumH, sumD float64
		for _, name := range append(append([]string(nil), held...), dev...) {
			themes, texts, err := ReadCorpus(filepath.Join("testdata", name+".tsv"))
			if err != nil {
				t.Fatal(err)
			}
			var vocab []string
			if k > 0 {
				vocab = facilitatorVocabulary(themes, texts, k)
			}
			notes := make([]wallscan.GroupNote, len(texts))
			for i, s := range texts {
				notes[i] = wallscan.GroupNote{Key: fmt.Sprint(i), Text: s}
			}
			groups, err := g.Group(context.Background(), wallscan.GroupRequest{Notes: notes, Vocabulary: vocab})
			if err != nil {
				t.Fatal(err)
			}
			where := bench.GroupLabels(groups)
			pred := make([]string, len(texts))
			for i := range texts {
				pred[i] = where[notes[i].Key]
			}
			a := bench.ARI(bench.Labels(themes), bench.Labels(pred))
			if strings.HasPrefix(name, "dev") {
				sumD += a
			} else {
				sumH += a
				heldARI = append(heldARI, fmt.Sprintf("%.3f", a))
			}
		}
		mean[k] = sumH / float64(len(held))
		t.Logf("| %d | %.3f | %.3f | %s |", k, mean[k], sumD/float64(len(dev)), strings.Join(heldARI, " | "))
	}
	for _, k := range []int{1, 3} {
		if mean[k] < mean[0]-0.05 {
			t.Errorf("%d words per theme: held-out mean %.3f, without %.3f", k, mean[k], mean[0])
		}
	}
}
