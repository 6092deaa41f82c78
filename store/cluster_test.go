package store

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"wallscan"
)

// board is a workshop with six stored notes, n[0]..n[5].
type board struct {
	db *DB
	w  *wallscan.Workshop
	n  []int64
}

func newBoard(t *testing.T) *board {
	t.Helper()
	db := openTest(t)
	w := mustWorkshop(t, db, "w")
	p := mustPhoto(t, db, w.ID, 1)
	b := &board{db: db, w: w}
	for _, n := range mustNotes(t, db, p.ID, 6) {
		b.n = append(b.n, n.ID)
	}
	return b
}

func (b *board) keys(idx ...int) []string {
	var ks []string
	for _, i := range idx {
		ks = append(ks, strconv.FormatInt(b.n[i], 10))
	}
	return ks
}

// apply stores groups and fails the test on error.
func (b *board) apply(t *testing.T, groups ...wallscan.Group) {
	t.Helper()
	if err := b.db.ApplyGroups(context.Background(), b.w.ID, groups); err != nil {
		t.Fatalf("ApplyGroups: %v", err)
	}
}

// clusters returns the workshop's clusters, by label.
func (b *board) clusters(t *testing.T) (list []*wallscan.Cluster, byLabel map[string]*wallscan.Cluster) {
	t.Helper()
	cs, err := b.db.Clusters(context.Background(), b.w.ID)
	if err != nil {
		t.Fatal(err)
	}
	byLabel = map[string]*wallscan.Cluster{}
	for _, c := range cs {
		byLabel[c.Label] = c
	}
	return cs, byLabel
}

// clusterOf returns the cluster of note i.
func (b *board) clusterOf(t *testing.T, i int) int64 {
	t.Helper()
	n, err := b.db.Note(context.Background(), b.n[i])
	if err != nil {
		t.Fatal(err)
	}
	return n.ClusterID
}

// first is the grouping every case starts from: A = {0,1}, B = {2,3},
// Unsorted = {4,5}.
func (b *board) first(t *testing.T) (a, bb, u *wallscan.Cluster) {
	t.Helper()
	b.apply(t,
		wallscan.Group{Key: "g1", Label: "A", Keywords: []string{"a"}, Notes: b.keys(0, 1), Representative: b.keys(0)[0]},
		wallscan.Group{Key: "g2", Label: "B", Notes: b.keys(2, 3)},
		wallscan.Group{Key: "g3", Label: "Overig", Unsorted: true, Notes: b.keys(4, 5)},
	)
	_, m := b.clusters(t)
	if m["A"] == nil || m["B"] == nil || m["Overig"] == nil {
		t.Fatalf("first grouping gave %v", m)
	}
	return m["A"], m["B"], m["Overig"]
}

func TestApplyGroupsFirst(t *testing.T) {
	b := newBoard(t)
	a, bb, u := b.first(t)
	cs, _ := b.clusters(t)
	if got, want := len(cs), 3; got != want {
		t.Fatalf("clusters = %d, want %d", got, want)
	}
	if !slices.Equal(a.NoteIDs, b.n[0:2]) || !slices.Equal(bb.NoteIDs, b.n[2:4]) || !slices.Equal(u.NoteIDs, b.n[4:6]) {
		t.Errorf("note ids: A %v B %v U %v", a.NoteIDs, bb.NoteIDs, u.NoteIDs)
	}
	if !u.Unsorted || a.Unsorted || a.Representative != b.n[0] || !slices.Equal(a.Keywords, []string{"a"}) {
		t.Errorf("clusters: %+v %+v", a, u)
	}
	if cs[len(cs)-1].ID != u.ID {
		t.Errorf("Unsorted is not last on the board")
	}
	// Applying the same groups again changes nothing.
	b.first(t)
	cs2, _ := b.clusters(t)
	if len(cs2) != 3 {
		t.Errorf("re-applying the first grouping created clusters: %d", len(cs2))
	}
}

// TestApplyGroupsKeepsCuration: the facilitator acts after the grouping
// began; the stale groups disagree; ApplyGroups keeps the curation.
func TestApplyGroupsKeepsCuration(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// curate acts on the board; regroup returns the stale grouping;
		// check verifies the outcome.
		curate  func(t *testing.T, b *board, a, bb, u *wallscan.Cluster)
		regroup func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group
		check   func(t *testing.T, b *board, a, bb, u *wallscan.Cluster)
	}{{
		name: "locked cluster keeps label and notes",
		curate: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			lock := true
			if _, err := b.db.UpdateCluster(ctx, a.ID, wallscan.ClusterUpdate{Locked: &lock}); err != nil {
				t.Fatal(err)
			}
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "nieuw A", Keywords: []string{"x"}, Notes: b.keys(0)},
				{Key: wallscan.ClusterKey(bb.ID), Label: "B", Notes: b.keys(1, 2, 3)},
				{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
			}
		},
		check: func(t *testing.T, b *board, a, bb, _ *wallscan.Cluster) {
			_, m := b.clusters(t)
			if m["A"] == nil || m["nieuw A"] != nil {
				t.Errorf("locked label changed: %v", m)
			}
			if !slices.Equal(m["A"].Keywords, []string{"a"}) {
				t.Errorf("locked keywords changed: %v", m["A"].Keywords)
			}
			if got := b.clusterOf(t, 1); got != a.ID {
				t.Errorf("note 1 taken out of locked cluster into %d", got)
			}
		},
	}, {
		name: "locked cluster receives a free note",
		curate: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			lock := true
			if _, err := b.db.UpdateCluster(ctx, a.ID, wallscan.ClusterUpdate{Locked: &lock}); err != nil {
				t.Fatal(err)
			}
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "A", Locked: true, Notes: b.keys(0, 1, 4)},
				{Key: wallscan.ClusterKey(bb.ID), Label: "B", Notes: b.keys(2, 3)},
				{Key: "new", Unsorted: true, Notes: b.keys(5)},
			}
		},
		check: func(t *testing.T, b *board, a, _, u *wallscan.Cluster) {
			if got := b.clusterOf(t, 4); got != a.ID {
				t.Errorf("free note 4 in %d, want locked %d", got, a.ID)
			}
			if got := b.clusterOf(t, 5); got != u.ID {
				t.Errorf("note 5 in %d, want the one Unsorted %d", got, u.ID)
			}
		},
	}, {
		name: "renamed label stays, notes may move",
		curate: func(t *testing.T, b *board, _, bb, _ *wallscan.Cluster) {
			l := "Juridische drempels"
			if _, err := b.db.UpdateCluster(ctx, bb.ID, wallscan.ClusterUpdate{Label: &l}); err != nil {
				t.Fatal(err)
			}
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "A", Notes: b.keys(0, 1, 2)},
				{Key: wallscan.ClusterKey(bb.ID), Label: "wetgeving", Keywords: []string{"wet"}, Notes: b.keys(3)},
				{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
			}
		},
		check: func(t *testing.T, b *board, a, bb, _ *wallscan.Cluster) {
			_, m := b.clusters(t)
			c := m["Juridische drempels"]
			if c == nil || m["wetgeving"] != nil {
				t.Fatalf("renamed label overwritten: %v", m)
			}
			if !c.Renamed || !slices.Equal(c.Keywords, []string{"wet"}) {
				t.Errorf("renamed cluster: %+v", c)
			}
			if got := b.clusterOf(t, 2); got != a.ID {
				t.Errorf("unpinned note 2 in %d, want %d", got, a.ID)
			}
		},
	}, {
		name: "pinned note stays",
		curate: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			if err := b.db.MoveNote(ctx, b.n[4], a.ID); err != nil {
				t.Fatal(err)
			}
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "A", Notes: b.keys(0, 1)},
				{Key: wallscan.ClusterKey(bb.ID), Label: "B", Notes: b.keys(2, 3)},
				{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
			}
		},
		check: func(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
			if got := b.clusterOf(t, 4); got != a.ID {
				t.Errorf("pinned note 4 moved to %d, want %d", got, a.ID)
			}
		},
	}, {
		name: "note pinned to unsorted stays",
		curate: func(t *testing.T, b *board, _, _, _ *wallscan.Cluster) {
			if err := b.db.MoveNote(ctx, b.n[0], 0); err != nil {
				t.Fatal(err)
			}
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "A", Notes: b.keys(0, 1)},
				{Key: wallscan.ClusterKey(bb.ID), Label: "B", Notes: b.keys(2, 3)},
				{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
			}
		},
		check: func(t *testing.T, b *board, _, _, u *wallscan.Cluster) {
			if got := b.clusterOf(t, 0); got != u.ID {
				t.Errorf("note 0 pinned to Unsorted moved to %d", got)
			}
		},
	}, {
		name: "automatic cluster follows the grouping",
		curate: func(*testing.T, *board, *wallscan.Cluster, *wallscan.Cluster, *wallscan.Cluster) {
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "A2", Notes: b.keys(0, 1, 2, 3)},
				{Key: "fresh", Label: "C", Notes: b.keys(4, 5)},
			}
		},
		check: func(t *testing.T, b *board, a, bb, u *wallscan.Cluster) {
			cs, m := b.clusters(t)
			if m["A2"] == nil || m["A2"].ID != a.ID || len(m["A2"].NoteIDs) != 4 {
				t.Errorf("automatic cluster not updated: %v", m)
			}
			if m["C"] == nil || len(m["C"].NoteIDs) != 2 {
				t.Errorf("new group not created: %v", m)
			}
			for _, c := range cs {
				if c.ID == bb.ID || c.ID == u.ID {
					t.Errorf("empty automatic cluster %q kept", c.Label)
				}
			}
		},
	}, {
		name: "deleted curated cluster is not brought back",
		curate: func(t *testing.T, b *board, _, bb, _ *wallscan.Cluster) {
			l := "Eigen"
			if _, err := b.db.UpdateCluster(ctx, bb.ID, wallscan.ClusterUpdate{Label: &l}); err != nil {
				t.Fatal(err)
			}
			if err := b.db.DeleteCluster(ctx, bb.ID); err != nil {
				t.Fatal(err)
			}
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "A", Notes: b.keys(0, 1)},
				{Key: wallscan.ClusterKey(bb.ID), Label: "Eigen", Renamed: true, Notes: b.keys(2, 3)},
				{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
			}
		},
		check: func(t *testing.T, b *board, _, bb, u *wallscan.Cluster) {
			_, m := b.clusters(t)
			if m["Eigen"] != nil {
				t.Errorf("deleted cluster came back")
			}
			if got := b.clusterOf(t, 2); got != u.ID {
				t.Errorf("note 2 of the deleted cluster in %d, want Unsorted %d", got, u.ID)
			}
		},
	}, {
		name: "one unsorted cluster",
		curate: func(*testing.T, *board, *wallscan.Cluster, *wallscan.Cluster, *wallscan.Cluster) {
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: "x1", Label: "Overig", Unsorted: true, Notes: b.keys(0, 1)},
				{Key: "x2", Label: "Rest", Unsorted: true, Notes: b.keys(2, 3)},
				{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
			}
		},
		check: func(t *testing.T, b *board, _, _, u *wallscan.Cluster) {
			cs, _ := b.clusters(t)
			var n int
			for _, c := range cs {
				if c.Unsorted {
					n++
					if c.ID != u.ID || len(c.NoteIDs) != 6 {
						t.Errorf("unsorted cluster %+v", c)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d unsorted clusters, want 1", n)
			}
		},
	}, {
		name: "unknown note keys and notes found later",
		curate: func(*testing.T, *board, *wallscan.Cluster, *wallscan.Cluster, *wallscan.Cluster) {
		},
		regroup: func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group {
			return []wallscan.Group{
				{Key: wallscan.ClusterKey(a.ID), Label: "A", Notes: append(b.keys(0, 1), "999999", "wall.jpg#1")},
				{Key: wallscan.ClusterKey(bb.ID), Label: "B", Notes: b.keys(2)},
			}
		},
		check: func(t *testing.T, b *board, _, bb, u *wallscan.Cluster) {
			if got := b.clusterOf(t, 3); got != bb.ID {
				t.Errorf("note 3, named by no group, moved to %d", got)
			}
			if got := b.clusterOf(t, 5); got != u.ID {
				t.Errorf("note 5, named by no group, moved to %d", got)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBoard(t)
			a, bb, u := b.first(t)
			tc.curate(t, b, a, bb, u)
			b.apply(t, tc.regroup(b, a, bb, u)...)
			tc.check(t, b, a, bb, u)
			if err := b.db.IntegrityCheck(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestApplyGroupsOtherWorkshop(t *testing.T) {
	ctx := context.Background()
	b := newBoard(t)
	a, _, _ := b.first(t)
	w2 := mustWorkshop(t, b.db, "ander")
	p2 := mustPhoto(t, b.db, w2.ID, 9)
	other := mustNotes(t, b.db, p2.ID, 1)
	// A grouping of workshop 2 that names workshop 1's cluster and notes.
	if err := b.db.ApplyGroups(ctx, w2.ID, []wallscan.Group{
		{Key: wallscan.ClusterKey(a.ID), Label: "kaping", Notes: append(b.keys(0), strconv.FormatInt(other[0].ID, 10))},
	}); err != nil {
		t.Fatal(err)
	}
	_, m := b.clusters(t)
	if m["A"] == nil || m["kaping"] != nil || b.clusterOf(t, 0) != a.ID {
		t.Errorf("workshop 2's grouping changed workshop 1: %v", m)
	}
	cs2, err := b.db.Clusters(ctx, w2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs2) != 1 || !slices.Equal(cs2[0].NoteIDs, []int64{other[0].ID}) {
		t.Errorf("workshop 2 clusters = %+v", cs2)
	}
	wantCode(t, b.db.ApplyGroups(ctx, 999, nil), wallscan.ENOTFOUND)
	_, err = b.db.Clusters(ctx, 999)
	wantCode(t, err, wallscan.ENOTFOUND)
}
