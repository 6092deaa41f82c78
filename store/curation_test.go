package store

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"wallscan"
)

// boardState is what Undo must restore: clusters with their fields and
// notes, and each note's place.
type boardState struct {
	clusters []wallscan.Cluster
	notes    map[int64][2]any
}

func (b *board) state(t *testing.T) boardState {
	t.Helper()
	cs, _ := b.clusters(t)
	s := boardState{notes: map[int64][2]any{}}
	for _, c := range cs {
		c2 := *c
		c2.Updated = time.Time{} // undo is a new change
		s.clusters = append(s.clusters, c2)
	}
	ns, err := b.db.Notes(context.Background(), wallscan.NoteFilter{WorkshopID: b.w.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		s.notes[n.ID] = [2]any{n.ClusterID, n.Pinned}
	}
	return s
}

func TestCurationAndUndo(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		act   func(t *testing.T, b *board, a, bb, u *wallscan.Cluster)
		check func(t *testing.T, b *board, a, bb, u *wallscan.Cluster)
	}{{
		name: "create",
		act: func(t *testing.T, b *board, _, _, _ *wallscan.Cluster) {
			c, err := b.db.CreateCluster(ctx, b.w.ID, "  Nieuw thema ")
			if err != nil {
				t.Fatal(err)
			}
			if c.Label != "Nieuw thema" || !c.Renamed || c.Locked || len(c.NoteIDs) != 0 || c.ID == 0 {
				t.Errorf("CreateCluster = %+v", c)
			}
		},
		check: func(t *testing.T, b *board, _, _, _ *wallscan.Cluster) {
			cs, _ := b.clusters(t)
			if got, want := len(cs), 4; got != want {
				t.Errorf("clusters = %d, want %d", got, want)
			}
			if last := cs[len(cs)-1]; last.Label != "Nieuw thema" {
				t.Errorf("new cluster not last on the board: %q", last.Label)
			}
		},
	}, {
		name: "rename, lock and move on the board",
		act: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			l, lock, pos := "Wetgeving", true, 7
			c, err := b.db.UpdateCluster(ctx, a.ID, wallscan.ClusterUpdate{Label: &l, Locked: &lock, Position: &pos})
			if err != nil {
				t.Fatal(err)
			}
			if c.Label != l || !c.Renamed || !c.Locked || c.Position != pos || len(c.NoteIDs) != 2 {
				t.Errorf("UpdateCluster = %+v", c)
			}
		},
		check: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			_, m := b.clusters(t)
			if c := m["Wetgeving"]; c == nil || c.ID != a.ID || !c.Locked || c.Position != 7 {
				t.Errorf("stored update: %+v", c)
			}
		},
	}, {
		name: "move a note",
		act: func(t *testing.T, b *board, _, bb, _ *wallscan.Cluster) {
			if err := b.db.MoveNote(ctx, b.n[0], bb.ID); err != nil {
				t.Fatal(err)
			}
		},
		check: func(t *testing.T, b *board, _, bb, _ *wallscan.Cluster) {
			n, _ := b.db.Note(ctx, b.n[0])
			if n.ClusterID != bb.ID || !n.Pinned {
				t.Errorf("moved note: cluster %d pinned %v", n.ClusterID, n.Pinned)
			}
		},
	}, {
		name: "move a note to unsorted",
		act: func(t *testing.T, b *board, _, _, _ *wallscan.Cluster) {
			if err := b.db.MoveNote(ctx, b.n[2], 0); err != nil {
				t.Fatal(err)
			}
		},
		check: func(t *testing.T, b *board, _, _, u *wallscan.Cluster) {
			n, _ := b.db.Note(ctx, b.n[2])
			if n.ClusterID != u.ID || !n.Pinned {
				t.Errorf("note moved to unsorted: cluster %d (want %d) pinned %v", n.ClusterID, u.ID, n.Pinned)
			}
		},
	}, {
		name: "merge",
		act: func(t *testing.T, b *board, a, bb, _ *wallscan.Cluster) {
			if err := b.db.MergeClusters(ctx, a.ID, bb.ID); err != nil {
				t.Fatal(err)
			}
		},
		check: func(t *testing.T, b *board, a, bb, _ *wallscan.Cluster) {
			cs, m := b.clusters(t)
			if len(cs) != 2 || m["B"] != nil {
				t.Errorf("after merge: %v", m)
			}
			if got := m["A"].NoteIDs; !slices.Equal(got, b.n[0:4]) {
				t.Errorf("merged notes = %v", got)
			}
			for _, i := range []int{2, 3} {
				if n, _ := b.db.Note(ctx, b.n[i]); !n.Pinned {
					t.Errorf("merged note %d not pinned", i)
				}
			}
		},
	}, {
		name: "split",
		act: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			c, err := b.db.SplitCluster(ctx, a.ID, []int64{b.n[1]}, "Afgesplitst")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.NoteIDs, []int64{b.n[1]}) || !c.Renamed {
				t.Errorf("SplitCluster = %+v", c)
			}
		},
		check: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			_, m := b.clusters(t)
			if !slices.Equal(m["A"].NoteIDs, b.n[0:1]) || m["Afgesplitst"] == nil {
				t.Errorf("after split: %v", m)
			}
		},
	}, {
		name: "delete",
		act: func(t *testing.T, b *board, _, bb, _ *wallscan.Cluster) {
			if err := b.db.DeleteCluster(ctx, bb.ID); err != nil {
				t.Fatal(err)
			}
		},
		check: func(t *testing.T, b *board, _, _, u *wallscan.Cluster) {
			_, m := b.clusters(t)
			if m["B"] != nil {
				t.Error("deleted cluster still there")
			}
			if got := m["Overig"].NoteIDs; !slices.Equal(got, []int64{b.n[2], b.n[3], b.n[4], b.n[5]}) {
				t.Errorf("unsorted after delete = %v", got)
			}
			if n, _ := b.db.Note(ctx, b.n[2]); n.Pinned {
				t.Error("note of deleted cluster is pinned")
			}
		},
	}, {
		name: "delete when no unsorted cluster exists",
		act: func(t *testing.T, b *board, a, _, u *wallscan.Cluster) {
			if err := b.db.MergeClusters(ctx, a.ID, u.ID); err != nil {
				t.Fatal(err)
			}
			if err := b.db.DeleteCluster(ctx, a.ID); err != nil {
				t.Fatal(err)
			}
		},
		check: func(t *testing.T, b *board, _, _, _ *wallscan.Cluster) {
			cs, _ := b.clusters(t)
			var unsorted []*wallscan.Cluster
			for _, c := range cs {
				if c.Unsorted {
					unsorted = append(unsorted, c)
				}
			}
			if len(unsorted) != 1 || len(unsorted[0].NoteIDs) != 4 {
				t.Errorf("unsorted clusters = %v", unsorted)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBoard(t)
			a, bb, u := b.first(t)
			before := b.state(t)
			var logsBefore int
			logsBefore = count(t, b.db, "curation_log", "1")
			tc.act(t, b, a, bb, u)
			tc.check(t, b, a, bb, u)
			if err := b.db.IntegrityCheck(ctx); err != nil {
				t.Fatal(err)
			}
			// Undo every action this case took.
			for count(t, b.db, "curation_log", "1") > logsBefore {
				if err := b.db.Undo(ctx, b.w.ID); err != nil {
					t.Fatalf("Undo: %v", err)
				}
			}
			after := b.state(t)
			if !reflect.DeepEqual(after, before) {
				t.Errorf("after Undo:\n%+v\nwant\n%+v", after, before)
			}
			wantCode(t, b.db.Undo(ctx, b.w.ID), wallscan.ENOTFOUND)
			if err := b.db.IntegrityCheck(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestUndoAfterRegrouping: an automatic regrouping between the action
// and its undo does not stop the undo.
func TestUndoAfterRegrouping(t *testing.T) {
	ctx := context.Background()
	b := newBoard(t)
	a, bb, u := b.first(t)
	if err := b.db.DeleteCluster(ctx, bb.ID); err != nil {
		t.Fatal(err)
	}
	// The regrouping moves the (unpinned) notes of B into A.
	b.apply(t,
		wallscan.Group{Key: wallscan.ClusterKey(a.ID), Label: "A", Notes: b.keys(0, 1, 2, 3)},
		wallscan.Group{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
	)
	if err := b.db.Undo(ctx, b.w.ID); err != nil {
		t.Fatal(err)
	}
	_, m := b.clusters(t)
	if c := m["B"]; c == nil || c.ID != bb.ID || !slices.Equal(c.NoteIDs, b.n[2:4]) {
		t.Errorf("undone delete: %+v", c)
	}
	if err := b.db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func TestCurationInvalid(t *testing.T) {
	ctx := context.Background()
	b := newBoard(t)
	a, bb, u := b.first(t)
	w2 := mustWorkshop(t, b.db, "ander")
	c2, err := b.db.CreateCluster(ctx, w2.ID, "elders")
	if err != nil {
		t.Fatal(err)
	}
	empty, long, neg := " ", strings.Repeat("x", wallscan.MaxTitle+1), -1
	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"create empty label", second(b.db.CreateCluster(ctx, b.w.ID, empty)), wallscan.EINVALID},
		{"create long label", second(b.db.CreateCluster(ctx, b.w.ID, long)), wallscan.EINVALID},
		{"create unknown workshop", second(b.db.CreateCluster(ctx, 999, "x")), wallscan.ENOTFOUND},
		{"update empty label", second(b.db.UpdateCluster(ctx, a.ID, wallscan.ClusterUpdate{Label: &empty})), wallscan.EINVALID},
		{"update negative position", second(b.db.UpdateCluster(ctx, a.ID, wallscan.ClusterUpdate{Position: &neg})), wallscan.EINVALID},
		{"update unknown", second(b.db.UpdateCluster(ctx, 999, wallscan.ClusterUpdate{})), wallscan.ENOTFOUND},
		{"move unknown note", b.db.MoveNote(ctx, 999, a.ID), wallscan.ENOTFOUND},
		{"move to unknown cluster", b.db.MoveNote(ctx, b.n[0], 999), wallscan.ENOTFOUND},
		{"move to other workshop", b.db.MoveNote(ctx, b.n[0], c2.ID), wallscan.EINVALID},
		{"merge into itself", b.db.MergeClusters(ctx, a.ID, a.ID), wallscan.EINVALID},
		{"merge other workshop", b.db.MergeClusters(ctx, a.ID, c2.ID), wallscan.EINVALID},
		{"merge unknown", b.db.MergeClusters(ctx, a.ID, 999), wallscan.ENOTFOUND},
		{"split no notes", second(b.db.SplitCluster(ctx, a.ID, nil, "x")), wallscan.EINVALID},
		{"split foreign note", second(b.db.SplitCluster(ctx, a.ID, []int64{b.n[2]}, "x")), wallscan.EINVALID},
		{"split twice named", second(b.db.SplitCluster(ctx, a.ID, []int64{b.n[0], b.n[0]}, "x")), wallscan.EINVALID},
		{"split no label", second(b.db.SplitCluster(ctx, a.ID, []int64{b.n[0]}, "")), wallscan.EINVALID},
		{"split unknown", second(b.db.SplitCluster(ctx, 999, []int64{b.n[0]}, "x")), wallscan.ENOTFOUND},
		{"delete unknown", b.db.DeleteCluster(ctx, 999), wallscan.ENOTFOUND},
		{"delete full unsorted", b.db.DeleteCluster(ctx, u.ID), wallscan.EINVALID},
		{"undo unknown workshop", b.db.Undo(ctx, 999), wallscan.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.err, tc.code) })
	}
	_ = bb
	// Only the successful CreateCluster of workshop 2 was logged.
	if got, want := count(t, b.db, "curation_log", "workshop_id = ?", b.w.ID), 0; got != want {
		t.Errorf("failed actions logged: %d", got)
	}
}

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

func second[T any](_ T, err error) error { return err }
