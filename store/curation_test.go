package store

import (
	"context"
	"testing"

	"wallscan/store/storetest"
)

// TestUndoLimit: the curation log keeps the last MaxUndo actions of a
// workshop, no more.
func TestUndoLimit(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	note := storetest.MustNotes(t, db, p.ID, 1)[0]
	var targets [2]int64
	for i, label := range []string{"A", "B"} {
		c, err := db.CreateCluster(ctx, w.ID, label)
		if err != nil {
			t.Fatal(err)
		}
		targets[i] = c.ID
	}
	for i := range MaxUndo + 5 {
		if err := db.MoveNote(ctx, note.ID, targets[i%2]); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := count(t, db, "curation_log", "workshop_id = ?", w.ID), MaxUndo; got != want {
		t.Errorf("curation log holds %d actions, want %d", got, want)
	}
}
