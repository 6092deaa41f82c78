package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"wallscan"
	"wallscan/store/storetest"
)

// count returns the rows of a table that match a condition.
func count(t *testing.T, db *DB, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAddPhotoQueuesJob: a photo is stored with its processing job, in
// one transaction (see TestAddPhotoAtomic); the conformance suite checks
// the rest of AddPhoto.
func TestAddPhotoQueuesJob(t *testing.T) {
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	if got, want := count(t, db, "river_job", `kind = ? AND json_extract(args, '$.photo_id') = ? AND state = 'available'`, ProcessPhotoKind, p.ID), 1; got != want {
		t.Errorf("queued jobs for photo = %d, want %d", got, want)
	}
}

// TestReplaceNotesCrops: replacing a photo's notes leaves the crops of the
// new notes only.
func TestReplaceNotesCrops(t *testing.T) {
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	storetest.MustNotes(t, db, p.ID, 3)
	storetest.MustNotes(t, db, p.ID, 4)
	if got, want := count(t, db, "note_crops", "1"), 4; got != want {
		t.Errorf("crops = %d, want %d", got, want)
	}
}

func TestAddPhotoInvalid(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	for _, tc := range []struct {
		name string
		p    wallscan.Photo
		data []byte
		code string
	}{
		{"empty", wallscan.Photo{WorkshopID: w.ID}, nil, wallscan.EINVALID},
		{"too large", wallscan.Photo{WorkshopID: w.ID}, make([]byte, wallscan.MaxUploadBytes+1), wallscan.ETOOLARGE},
		{"long wall", wallscan.Photo{WorkshopID: w.ID, Wall: string(make([]byte, wallscan.MaxTitle+1))}, []byte("x"), wallscan.EINVALID},
		{"unknown workshop", wallscan.Photo{WorkshopID: 424242}, []byte("x"), wallscan.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			storetest.WantCode(t, db.AddPhoto(ctx, &p, tc.data), tc.code)
		})
	}
	if got := count(t, db, "photos", "1") + count(t, db, "river_job", "1"); got != 0 {
		t.Errorf("rejected uploads left %d rows", got)
	}
}

// TestAddPhotoAtomic makes each step of AddPhoto fail in turn and checks
// that nothing of the photo remains: no row, no bytes, no job.
func TestAddPhotoAtomic(t *testing.T) {
	ctx := context.Background()
	for _, table := range []string{"photos", "photo_data", "river_job"} {
		t.Run(table, func(t *testing.T) {
			db := openTest(t)
			w := storetest.MustWorkshop(t, db, "w")
			// A TEMP trigger lives on the one writer connection.
			if _, err := db.write.Exec(`CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON main.` + table +
				` BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
				t.Fatal(err)
			}
			p := &wallscan.Photo{WorkshopID: w.ID}
			if err := db.AddPhoto(ctx, p, storetest.FakePhoto(1)); err == nil {
				t.Fatal("AddPhoto succeeded despite the injected failure")
			}
			for _, tb := range []string{"photos", "photo_data", "river_job"} {
				if got := count(t, db, tb, "1"); got != 0 {
					t.Errorf("%s holds %d rows after a failed AddPhoto", tb, got)
				}
			}
			if _, err := db.write.Exec(`DROP TRIGGER temp.fail_insert`); err != nil {
				t.Fatal(err)
			}
			storetest.MustPhoto(t, db, w.ID, 2)
			for _, tb := range []string{"photos", "photo_data", "river_job"} {
				if got, want := count(t, db, tb, "1"), 1; got != want {
					t.Errorf("%s holds %d rows after AddPhoto, want %d", tb, got, want)
				}
			}
		})
	}
}

// TestAddPhotoRepeatTwoHandles sends one photo under one key many times at
// once through two handles on one database file, as two server processes
// would: the unique index, not the one writer connection of a handle,
// keeps it to one photo, one copy of its bytes and one processing job.
func TestAddPhotoRepeatTwoHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wallscan.db")
	dbs := []*DB{openAt(t, path), openAt(t, path)}
	w := storetest.MustWorkshop(t, dbs[0], "w")
	const senders = 12
	photos := make([]*wallscan.Photo, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for i := range senders {
		photos[i] = &wallscan.Photo{WorkshopID: w.ID, Wall: "muur A", Filename: "p.jpg", IdempotencyKey: "station-1-0001"}
		wg.Go(func() { errs[i] = dbs[i%2].AddPhoto(ctx, photos[i], storetest.FakePhoto(1)) })
	}
	wg.Wait()
	var fresh int
	for i, p := range photos {
		if errs[i] != nil {
			t.Fatalf("sender %d: %v", i, errs[i])
		}
		if p.ID != photos[0].ID {
			t.Errorf("sender %d got photo %d, sender 0 got %d", i, p.ID, photos[0].ID)
		}
		if !p.Repeat {
			fresh++
		}
	}
	if got, want := fresh, 1; got != want {
		t.Errorf("%d senders stored a new photo, want %d", got, want)
	}
	for _, table := range []string{"photos", "photo_data", "river_job"} {
		if got, want := count(t, dbs[0], table, "1"), 1; got != want {
			t.Errorf("%s holds %d rows, want %d", table, got, want)
		}
	}
}

// TestAddPhotoRepeatByConstraint makes sure a repeat is recognised by the
// unique index's error code: a key stored by hand, behind AddPhoto's back,
// is found as well.
func TestAddPhotoRepeatByConstraint(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	if _, err := db.write.Exec(`UPDATE photos SET idempotency_key = 'by-hand' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err := db.write.Exec(`INSERT INTO photos (workshop_id, size, status, created_at, updated_at, idempotency_key)
		VALUES (?, 1, 'queued', '', '', 'by-hand')`, w.ID)
	if !isUnique(err) {
		t.Fatalf("a second photo under one key: isUnique(%v) = false", err)
	}
	again := &wallscan.Photo{WorkshopID: w.ID, Wall: p.Wall, IdempotencyKey: "by-hand"}
	if err := db.AddPhoto(ctx, again, storetest.FakePhoto(1)); err != nil {
		t.Fatal(err)
	}
	if !again.Repeat || again.ID != p.ID {
		t.Errorf("AddPhoto under a stored key: ID %d, Repeat %v; want photo %d, a repeat", again.ID, again.Repeat, p.ID)
	}
	if got, want := count(t, db, "river_job", "1"), 1; got != want {
		t.Errorf("river_job holds %d rows, want %d: a repeat queues nothing", got, want)
	}
}

// TestMigrationIdempotencyKeyUpgrade opens a database made before photos
// had an idempotency key: its photos stay, keyless, and new ones may use
// keys.
func TestMigrationIdempotencyKeyUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wallscan.db")
	db, err := Open(ctx, path, testOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	w := storetest.MustWorkshop(t, db, "w")
	old := storetest.MustPhoto(t, db, w.ID, 1)
	// Take the database back to before migration 2.
	for _, q := range []string{
		`DROP INDEX photos_idempotency`,
		`ALTER TABLE photos DROP COLUMN idempotency_key`,
		`DELETE FROM schema_migrations WHERE version = 2`,
	} {
		if _, err := db.write.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path)
	got, err := db.Photo(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.IdempotencyKey != "" || got.Filename != old.Filename {
		t.Errorf("old photo after the upgrade = %+v", got)
	}
	for i := range 2 {
		p := &wallscan.Photo{WorkshopID: w.ID, IdempotencyKey: "k"}
		if err := db.AddPhoto(ctx, p, storetest.FakePhoto(2)); err != nil {
			t.Fatal(err)
		}
		if got, want := p.Repeat, i == 1; got != want {
			t.Errorf("sending %d: Repeat = %v, want %v", i+1, got, want)
		}
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}
