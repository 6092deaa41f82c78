package store

import (
	"context"
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
