package store

import (
	"context"
	"testing"

	"wallscan"
	"wallscan/store/storetest"
)

// TestReadingProgress: the photo's NotesRead is counted from its notes in
// the transaction that reads or types one, so it is exact whatever order
// readers finish in.
func TestReadingProgress(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	notes := storetest.MustNotes(t, db, p.ID, 3)
	progress := func() int {
		t.Helper()
		got, err := db.Photo(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.NotesRead
	}
	for i, n := range notes[:2] {
		if err := db.SetReading(ctx, n.ID, wallscan.Reading{Text: "x", Confidence: 50}); err != nil {
			t.Fatal(err)
		}
		if got, want := progress(), i+1; got != want {
			t.Errorf("NotesRead after %d readings = %d, want %d", i+1, got, want)
		}
	}
	// Reading the same note again does not count twice.
	if err := db.SetReading(ctx, notes[0].ID, wallscan.Reading{Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if got, want := progress(), 2; got != want {
		t.Errorf("NotesRead after a repeated reading = %d, want %d", got, want)
	}
	n, err := db.EditNoteText(ctx, notes[2].ID, "getypt")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := progress(), 3; got != want {
		t.Errorf("NotesRead after a typed note = %d, want %d", got, want)
	}
	if n.Confidence != EditedConfidence {
		t.Errorf("typed note confidence = %v, want %v", n.Confidence, EditedConfidence)
	}
}
