package store_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"wallscan/store"
	"wallscan/store/storetest"
)

// TestConformance holds the SQLite store to the storage services'
// contract, and checks SQLite's integrity after each case.
func TestConformance(t *testing.T) {
	storetest.Test(t, func(t *testing.T) storetest.Services {
		db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"),
			store.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return storetest.Services{Workshops: db, Photos: db, Notes: db, Clusters: db, Curation: db, Auth: db,
			Check: db.IntegrityCheck}
	})
}
