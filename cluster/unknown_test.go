package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"wallscan"
	"wallscan/cluster"
)

// texts makes notes keyed n1, n2, ... of texts.
func texts(ss ...string) []wallscan.GroupNote {
	notes := make([]wallscan.GroupNote, len(ss))
	for i, s := range ss {
		notes[i] = wallscan.GroupNote{Key: fmt.Sprint("n", i+1), Text: s}
	}
	return notes
}

func TestUnknownWords(t *testing.T) {
	notes := texts(
		"Pluvius en Kwetter naast elkaar",
		"Beslissingen in de Kwetter groep",
		"kwetter berichten niet gearchiveerd",
		"Pluvius kent geen koppeling met de AVG-registratie",
		"AVG staat delen in de weg", // the lexicon knows AVG
		"Pluvius 2025 of 2026",
		"Flibbertje van de afdeling", // one note: links nothing
	)
	g := cluster.New(cluster.Options{})
	got, err := g.UnknownWords(context.Background(), wallscan.GroupRequest{Notes: notes})
	if err != nil {
		t.Fatal(err)
	}
	want := []wallscan.UnknownWord{
		{Word: "Kwetter", Notes: 3, Example: notes[0].Text},
		{Word: "Pluvius", Notes: 3, Example: notes[0].Text},
	}
	if !slices.Equal(got, want) {
		t.Errorf("UnknownWords = %+v\nwant %+v", got, want)
	}

	// Once the workshop's vocabulary names a word, it is known.
	got, err = g.UnknownWords(context.Background(), wallscan.GroupRequest{Notes: notes,
		Vocabulary: []string{"Chat en apps: WhatsApp, Kwetter"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := want[1:]; !slices.Equal(got, want) {
		t.Errorf("with Kwetter in the vocabulary: %+v\nwant %+v", got, want)
	}
}

func TestUnknownWordsEdges(t *testing.T) {
	g := cluster.New(cluster.Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		notes []wallscan.GroupNote
		want  []wallscan.UnknownWord
	}{
		{"no notes", nil, []wallscan.UnknownWord{}},
		{"only stop words and numbers", texts("de het een 12", "het de 12 en"), []wallscan.UnknownWord{}},
		{"everyday words say nothing to teach", texts("wordt eerder gebruikt", "werd al eerder gebruikt"), []wallscan.UnknownWord{}},
		{"identical notes", texts("Pluvius", "Pluvius"),
			[]wallscan.UnknownWord{{Word: "Pluvius", Notes: 2, Example: "Pluvius"}}},
		{"a word twice on one note", texts("Pluvius, Pluvius!", "iets anders"), []wallscan.UnknownWord{}},
		{"inflections are one word", texts("de Kwetterbode", "twee Kwetterboden"),
			[]wallscan.UnknownWord{{Word: "Kwetterbode", Notes: 2, Example: "de Kwetterbode"}}},
		{"a misreading counts as its word", texts("Pluvius kwijt", "Pluvius weg", "Pluvlus traag"),
			[]wallscan.UnknownWord{{Word: "Pluvius", Notes: 3, Example: "Pluvius kwijt"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := g.UnknownWords(ctx, wallscan.GroupRequest{Notes: tc.notes})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("UnknownWords = %+v, want %+v", got, tc.want)
			}
		})
	}
	dup := texts("x", "y")
	dup[1].Key = dup[0].Key
	if _, err := g.UnknownWords(ctx, wallscan.GroupRequest{Notes: dup}); wallscan.ErrorCode(err) != wallscan.EINVALID {
		t.Errorf("two notes with one key: %v, want EINVALID", err)
	}
}
