package store

import (
	"context"
	"testing"
)

func TestUndoLimit(t *testing.T) {
	ctx := context.Background()
	b := newBoard(t)
	a, bb, _ := b.first(t)
	for i := range MaxUndo + 5 {
		target := a.ID
		if i%2 == 1 {
			target = bb.ID
		}
		if err := b.db.MoveNote(ctx, b.n[0], target); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := count(t, b.db, "curation_log", "workshop_id = ?", b.w.ID), MaxUndo; got != want {
		t.Errorf("curation log holds %d actions, want %d", got, want)
	}
}
