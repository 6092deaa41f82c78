package store

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"wallscan/store/storetest"
)

// testOptions keep the job queue quick and quiet in tests.
func testOptions() []Option {
	return []Option{
		WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		WithPollInterval(20 * time.Millisecond),
		WithRetryDelay(func(int) time.Duration { return 10 * time.Millisecond }),
	}
}

// openTest opens a database in a fresh temporary directory.
func openTest(t *testing.T, opts ...Option) *DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "wallscan.db"), opts...)
}

// openAt opens the database at path and closes it when the test ends.
func openAt(t *testing.T, path string, opts ...Option) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, append(testOptions(), opts...)...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsIdempotentAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(ctx, path, testOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	w := storetest.MustWorkshop(t, db, "Eerste")
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i := range 2 {
		db, err := Open(ctx, path, testOptions()...)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		ms, err := migrations()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.read.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got, want := n, len(ms); got != want {
			t.Errorf("recorded migrations = %d, want %d", got, want)
		}
		got, err := db.Workshop(ctx, w.ID)
		if err != nil {
			t.Fatalf("Workshop after reopen: %v", err)
		}
		if got.Title != w.Title || got.JoinCode != w.JoinCode {
			t.Errorf("workshop after reopen = %+v, want %+v", got, w)
		}
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Error(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPragmas(t *testing.T) {
	db := openTest(t)
	for _, tc := range []struct {
		pool   string
		pragma string
		want   string
	}{
		{"write", "journal_mode", "wal"},
		{"write", "foreign_keys", "1"},
		{"write", "synchronous", "2"}, // FULL
		{"write", "busy_timeout", "5000"},
		{"read", "foreign_keys", "1"},
		{"read", "query_only", "1"},
		{"read", "journal_mode", "wal"},
	} {
		pool := db.write
		if tc.pool == "read" {
			pool = db.read
		}
		var got string
		if err := pool.QueryRow(`PRAGMA ` + tc.pragma).Scan(&got); err != nil {
			t.Fatalf("%s %s: %v", tc.pool, tc.pragma, err)
		}
		if got != tc.want {
			t.Errorf("%s pool PRAGMA %s = %s, want %s", tc.pool, tc.pragma, got, tc.want)
		}
	}
	// The read pool cannot write.
	if _, err := db.read.Exec(`DELETE FROM workshops`); err == nil {
		t.Error("read pool accepted a DELETE")
	}
}

func TestMigrationNames(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if got, want := m.version, i+1; got != want {
			t.Errorf("migration %s has number %d, want %d (no gaps)", m.name, got, want)
		}
	}
}

func TestConstraintErrorsByCode(t *testing.T) {
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "A")
	_, err := db.write.Exec(`INSERT INTO workshops (title, join_code, created_at, updated_at) VALUES ('B', ?, '', '')`, w.JoinCode)
	if !isUnique(err) {
		t.Errorf("duplicate join code: isUnique(%v) = false", err)
	}
	_, err = db.write.Exec(`INSERT INTO photos (workshop_id, size, status, created_at, updated_at) VALUES (999, 1, 'queued', '', '')`)
	if !isForeignKey(err) {
		t.Errorf("photo of missing workshop: isForeignKey(%v) = false", err)
	}
}

// TestOddPaths: a data directory may hold characters a URI gives meaning.
func TestOddPaths(t *testing.T) {
	for _, name := range []string{"my dir/w.db", "a#b/w.db", "q?x/w.db", "pct%20/w.db", "ünï/w.db"} {
		path := filepath.Join(t.TempDir(), name)
		db, err := Open(context.Background(), path, testOptions()...)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		storetest.MustWorkshop(t, db, "x")
		db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: database not at its path: %v", name, err)
		}
	}
}
