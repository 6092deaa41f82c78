package cluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"wallscan"
)

// A group whose notes share no concept but mostly name one theme is
// labelled with the theme's name, cut to at most four words.
func TestThemeLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Financiering", "Financiering"},
		{"Legacy en ICT-landschap", "Legacy en ICT-landschap"},
		{"Sturing, eigenaarschap en samenwerking", "Sturing, eigenaarschap en samenwerking"},
		{"Cloud, leveranciers en digitale autonomie", "Cloud en leveranciers"},
		{"een heel lang label zonder opsomming erin", "een heel lang label"},
	} {
		if got := themeLabel(c.in); got != c.want {
			t.Errorf("themeLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestKeywordLabel(t *testing.T) {
	for _, c := range []struct {
		keywords []string
		want     string
	}{
		{nil, ""},
		{[]string{"mozart"}, "mozart"},
		{[]string{"mozart", "storing", "planning"}, "mozart storing"},
		// Two forms of one word say one thing twice.
		{[]string{"applications", "applicatielandschap", "mainframe"}, "applications mainframe"},
	} {
		if got := keywordLabel(c.keywords); got != c.want {
			t.Errorf("keywordLabel(%q) = %q, want %q", c.keywords, got, c.want)
		}
	}
}

// TestKeywordsNameTheTopic groups notes about a system no lexicon knows,
// written with the verbs and adverbs notes are full of: the keywords and
// the label name the system and what goes wrong, never "gaat" or
// "steeds". (A lexicon of one unrelated concept leaves the notes' own
// words to speak.)
func TestKeywordsNameTheTopic(t *testing.T) {
	texts := []string{
		"Mozart gaat steeds plat",
		"Mozart komt nooit op tijd terug",
		"met Mozart gaat alles fout",
		"Mozart storing komt steeds terug",
		"storing in Mozart gaat niemand oplossen",
	}
	var notes []wallscan.GroupNote
	for i, s := range texts {
		notes = append(notes, wallscan.GroupNote{Key: fmt.Sprintf("n%d", i), Text: s})
	}
	lx, err := ParseLexicon("= weer | Weer | Weather\nregen | Regen | regen, neerslag\n")
	if err != nil {
		t.Fatal(err)
	}
	groups, err := New(Options{Lexicon: lx}).Group(context.Background(), wallscan.GroupRequest{Notes: notes})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) == 0 {
		t.Fatal("no groups")
	}
	for _, g := range groups {
		if !strings.Contains(g.Label, "mozart") {
			t.Errorf("label %q, want it to name mozart", g.Label)
		}
		for _, k := range append(strings.Fields(g.Label), g.Keywords...) {
			if weakWords[k] {
				t.Errorf("group %q: keyword %q of %q names no topic", g.Label, k, g.Keywords)
			}
		}
	}
}

func TestDistinctLabels(t *testing.T) {
	groups := []wallscan.Group{
		{Key: "c1", Label: "Financiering", Locked: true},
		{Key: "g1", Label: "Financiering", Keywords: []string{"subsidie", "projectgeld"}},
		{Key: "g2", Label: "Legacy en ICT-landschap", Keywords: []string{"mainframe"}},
		{Key: "g3", Label: "Legacy en ICT-landschap", Keywords: []string{"cobol", "programmeurs"}},
		{Key: "g4", Label: "Legacy en ICT-landschap"}, // no words of its own: keeps the label
		{Key: "overig", Label: UnsortedLabel, Unsorted: true},
	}
	distinctLabels(groups)
	var got []string
	for _, g := range groups {
		got = append(got, g.Label)
	}
	want := []string{"Financiering", "subsidie projectgeld", "Legacy en ICT-landschap", "cobol programmeurs", "Legacy en ICT-landschap", UnsortedLabel}
	if !slices.Equal(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
}
