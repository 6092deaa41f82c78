package synth

import (
	"strings"
	"testing"
	"unicode"
)

// contentWords returns the lowercased words of s that are not stop words.
func contentWords(s string) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	out := map[string]bool{}
	for _, w := range words {
		w = strings.Trim(w, "'")
		if w != "" && !StopWord(w) {
			out[w] = true
		}
	}
	return out
}

// sharedPairShare returns, over all pairs of notes within each theme, the
// share of pairs that have at least one content word in common.
func sharedPairShare(notes []CorpusNote) (share float64, pairs int) {
	byTheme := map[string][]map[string]bool{}
	var order []string
	for _, n := range notes {
		if _, ok := byTheme[n.Theme]; !ok {
			order = append(order, n.Theme)
		}
		byTheme[n.Theme] = append(byTheme[n.Theme], contentWords(n.Text))
	}
	shared := 0
	for _, th := range order {
		ws := byTheme[th]
		for i := range ws {
			for j := i + 1; j < len(ws); j++ {
				pairs++
				for w := range ws[i] {
					if ws[j][w] {
						shared++
						break
					}
				}
			}
		}
	}
	return float64(shared) / float64(pairs), pairs
}

func TestCorpusSize(t *testing.T) {
	themes := Themes()
	if got, want := len(themes), 8; got < want {
		t.Fatalf("themes = %d, want >= %d", got, want)
	}
	count := map[string]int{}
	seen := map[string]bool{}
	for _, n := range Corpus() {
		count[n.Theme]++
		if seen[n.Text] {
			t.Errorf("note %q occurs twice", n.Text)
		}
		seen[n.Text] = true
		if w := len(strings.Fields(n.Text)); w < 3 || w > 12 {
			t.Errorf("note %q has %d words, want 3-12", n.Text, w)
		}
	}
	for _, th := range themes {
		if got, want := count[th], 20; got < want {
			t.Errorf("theme %q has %d notes, want >= %d", th, got, want)
		}
	}
}

func TestCorpusLexicalVariety(t *testing.T) {
	share, pairs := sharedPairShare(Corpus())
	t.Logf("pairs within a theme sharing a content word: %.0f of %d (%.1f%%)", share*float64(pairs), pairs, 100*share)
	if share >= 0.30 {
		t.Errorf("share of within-theme pairs sharing a content word = %.3f, want < 0.30", share)
	}
}

func TestSharedPairShare(t *testing.T) {
	notes := []CorpusNote{
		{"a", "AVG maakt delen lastig"},
		{"a", "delen van gegevens"}, // shares "delen" with the first
		{"a", "de privacy officer"}, // shares nothing ("de" is a stop word)
		{"b", "lastig en duur"},     // another theme: not compared
	}
	share, pairs := sharedPairShare(notes)
	if got, want := pairs, 3; got != want {
		t.Fatalf("pairs = %d, want %d", got, want)
	}
	if got, want := share, 1.0/3; got != want {
		t.Errorf("share = %v, want %v", got, want)
	}
}
