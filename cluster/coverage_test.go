package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wallscan"
)

// minCoverage is the least share of the development corpora's notes whose
// heaviest lexicon theme is their own theme's: 55.1% over twelve corpora
// when it was set, after the fifth pass. It was 47.6% over nine before the
// lexicon was extended
// by reading its misses on them, and 61.5% after the fourth pass; the three
// corpora added last (dev-j, k, l: 40% when they arrived) and the split of
// archiving, findability and openness into three themes (a finer cut
// that the authors who kept archives and the Woo together count as a
// miss) brought it to 54.3%.
const minCoverage = 0.54

// TestLexiconCoverage counts, over the development corpora
// (testdata/dev-*.tsv), how often the lexicon theme a note names most is
// the lexicon theme most notes of its corpus theme name: the share text
// alone can group right. It reads only the development corpora, so that
// whoever edits the lexicon can run it without seeing the corpora the
// grouping is judged on (TestQuality).
func TestLexiconCoverage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "dev-*.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no development corpora in testdata (%v)", err)
	}
	m := newMatcher(mustDefaultLexicon(), nil, newStemmer())
	var total coverage
	for _, f := range files {
		themes, texts, err := ReadCorpus(f)
		if err != nil {
			t.Fatal(err)
		}
		c := lexiconCoverage(m, themes, texts)
		t.Logf("%s: %d notes; heaviest lexicon theme is their theme's %d, names their theme less %d, names only other themes %d, names nothing %d",
			filepath.Base(f), c.notes, c.own, c.ownLess, c.others, c.nothing)
		total.add(c)
	}
	share := float64(total.own) / float64(total.notes)
	t.Logf("all: %d of %d notes (%.1f%%) name their theme's lexicon theme most", total.own, total.notes, 100*share)
	if share < minCoverage {
		t.Errorf("coverage %.3f, want >= %.2f", share, minCoverage)
	}
}

// coverage counts the notes of a corpus by how their lexicon themes relate
// to their corpus theme's.
type coverage struct{ notes, own, ownLess, others, nothing int }

func (c *coverage) add(o coverage) {
	c.notes += o.notes
	c.own += o.own
	c.ownLess += o.ownLess
	c.others += o.others
	c.nothing += o.nothing
}

// lexiconCoverage maps each corpus theme to the lexicon theme most of its
// notes name most, then counts how each note relates to it.
func lexiconCoverage(m *matcher, themes, texts []string) coverage {
	notes := make([]wallscan.GroupNote, len(texts))
	for i, s := range texts {
		notes[i] = wallscan.GroupNote{Key: fmt.Sprint(i), Text: s}
	}
	an := analyse(notes, m, newStemmer(), DefaultWeights)
	weights := make([]map[string]float64, len(texts))
	top := make([]string, len(texts))    // each note's heaviest lexicon theme
	votes := map[string]map[string]int{} // corpus theme -> lexicon theme -> notes
	for i := range texts {
		weights[i] = map[string]float64{}
		for _, h := range an.notes[i].hits {
			weights[i][m.concepts[h.concept].Theme] += float64(h.weight)
		}
		top[i] = heaviest(weights[i])
		if votes[themes[i]] == nil {
			votes[themes[i]] = map[string]int{}
		}
		if top[i] != "" {
			votes[themes[i]][top[i]]++
		}
	}
	c := coverage{notes: len(texts)}
	for i := range texts {
		own := heaviest(votes[themes[i]])
		switch {
		case top[i] == "":
			c.nothing++
		case top[i] == own:
			c.own++
		case weights[i][own] > 0:
			c.ownLess++
		default:
			c.others++
		}
	}
	return c
}

// HeldoutCorpora and DevCorpora name the corpora of testdata (see
// measure_test.go): the lexicon never saw the held-out ones and was
// extended by reading its misses on the development ones. They are
// exported for the package's external tests.
var (
	HeldoutCorpora = []string{"heldout", "heldout-2", "heldout-3", "heldout-4", "heldout-5", "heldout-6", "heldout-7", "heldout-8", "heldout-9"}
	DevCorpora     = []string{"dev-a", "dev-b", "dev-c", "dev-d", "dev-e", "dev-f", "dev-g", "dev-h", "dev-i", "dev-j", "dev-k", "dev-l"}
)

// ReadCorpus reads a corpus file of testdata: one note per line as
// theme<TAB>text, lines starting with # are comments. It is exported for
// the package's external tests (measure_test.go).
func ReadCorpus(file string) (themes, texts []string, err error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		theme, text, ok := strings.Cut(line, "\t")
		if !ok || theme == "" || text == "" {
			return nil, nil, fmt.Errorf("%s:%d: want theme<TAB>text, got %q", file, i+1, line)
		}
		themes, texts = append(themes, theme), append(texts, text)
	}
	return themes, texts, nil
}
