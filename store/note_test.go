package store

import (
	"context"
	"image"
	"strings"
	"testing"

	"wallscan"
)

func TestSetReadingAndEdit(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := mustWorkshop(t, db, "w")
	p := mustPhoto(t, db, w.ID, 1)
	notes := mustNotes(t, db, p.ID, 2)
	a, b := notes[0].ID, notes[1].ID

	r := wallscan.Reading{Text: "  gegevens   delen\n\n is lastig ", Confidence: 61.5, Review: true,
		Words: []wallscan.Word{{Text: "gegevens", Box: image.Rect(1, 2, 30, 12), Confidence: 70}}}
	if err := db.SetReading(ctx, a, r); err != nil {
		t.Fatal(err)
	}
	n, err := db.Note(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.Text, "gegevens delen\nis lastig"; got != want {
		t.Errorf("text = %q, want %q (cleaned)", got, want)
	}
	if !n.Read || n.Edited || n.Confidence != 61.5 || !n.Review || len(n.Words) != 1 || n.Words[0].Box != image.Rect(1, 2, 30, 12) {
		t.Errorf("after SetReading: %+v", n)
	}

	edited, err := db.EditNoteText(ctx, b, " data-uitwisseling ")
	if err != nil {
		t.Fatal(err)
	}
	if edited.Text != "data-uitwisseling" || !edited.Edited || !edited.Read || edited.Review {
		t.Errorf("EditNoteText = %+v", edited)
	}
	// A reading that arrives after the edit (a retried job) leaves it alone.
	if err := db.SetReading(ctx, b, wallscan.Reading{Text: "dala-uitwisse1ing", Confidence: 40, Review: true}); err != nil {
		t.Fatal(err)
	}
	n, _ = db.Note(ctx, b)
	if n.Text != "data-uitwisseling" || !n.Edited || n.Review || n.Confidence != EditedConfidence {
		t.Errorf("SetReading overwrote an edited note: %+v", n)
	}

	review := true
	rs, err := db.Notes(ctx, wallscan.NoteFilter{WorkshopID: w.ID, Review: &review})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != a {
		t.Errorf("Notes(review) = %v, want note %d", rs, a)
	}

	wantCode(t, db.SetReading(ctx, 999, r), wallscan.ENOTFOUND)
	_, err = db.EditNoteText(ctx, 999, "x")
	wantCode(t, err, wallscan.ENOTFOUND)
	_, err = db.EditNoteText(ctx, a, strings.Repeat("x", wallscan.MaxNoteText+1))
	wantCode(t, err, wallscan.EINVALID)
	_, err = db.EditNoteText(ctx, a, "bad \xff")
	wantCode(t, err, wallscan.EINVALID)
	if _, err := db.EditNoteText(ctx, a, strings.Repeat("é", wallscan.MaxNoteText/2)); err != nil {
		t.Errorf("EditNoteText at the limit: %v", err)
	}
	_, err = db.Note(ctx, 999)
	wantCode(t, err, wallscan.ENOTFOUND)
	_, err = db.NoteCrop(ctx, 999)
	wantCode(t, err, wallscan.ENOTFOUND)
}

func TestNotesFilter(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w1, w2 := mustWorkshop(t, db, "1"), mustWorkshop(t, db, "2")
	p1, p2, p3 := mustPhoto(t, db, w1.ID, 1), mustPhoto(t, db, w1.ID, 2), mustPhoto(t, db, w2.ID, 3)
	mustNotes(t, db, p1.ID, 2)
	mustNotes(t, db, p2.ID, 3)
	mustNotes(t, db, p3.ID, 4)
	for _, tc := range []struct {
		f    wallscan.NoteFilter
		want int
	}{
		{wallscan.NoteFilter{}, 9},
		{wallscan.NoteFilter{WorkshopID: w1.ID}, 5},
		{wallscan.NoteFilter{WorkshopID: w2.ID}, 4},
		{wallscan.NoteFilter{PhotoID: p2.ID}, 3},
		{wallscan.NoteFilter{WorkshopID: w2.ID, PhotoID: p2.ID}, 0},
	} {
		ns, err := db.Notes(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ns); got != tc.want {
			t.Errorf("Notes(%+v) = %d notes, want %d", tc.f, got, tc.want)
		}
		for i := 1; i < len(ns); i++ {
			if ns[i-1].PhotoID > ns[i].PhotoID || (ns[i-1].PhotoID == ns[i].PhotoID && ns[i-1].Index >= ns[i].Index) {
				t.Errorf("Notes(%+v) not ordered by photo and index", tc.f)
			}
		}
	}
}
