package store

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"path/filepath"
	"sync"
	"testing"

	"wallscan"
)

// fakePhoto returns some bytes standing for an upload; the store does not
// decode photos.
func fakePhoto(i int) []byte {
	return []byte(fmt.Sprintf("\xff\xd8\xff photo %d %s", i, bytes.Repeat([]byte{byte(i)}, 1000)))
}

func mustPhoto(t *testing.T, db *DB, workshopID int64, i int) *wallscan.Photo {
	t.Helper()
	p := &wallscan.Photo{WorkshopID: workshopID, Wall: "muur A", Filename: fmt.Sprintf("p%d.jpg", i), ContentType: "image/jpeg"}
	if err := db.AddPhoto(context.Background(), p, fakePhoto(i)); err != nil {
		t.Fatalf("AddPhoto: %v", err)
	}
	return p
}

// segmentation returns n found notes with solid-colour crops.
func segmentation(n int) (*wallscan.Segmentation, []*wallscan.Note) {
	s := &wallscan.Segmentation{Width: 4000, Height: 3000, Quality: wallscan.Quality{Sharpness: 400, Warnings: []string{wallscan.WarnGlare}}}
	var notes []*wallscan.Note
	for i := range n {
		crop := image.NewRGBA(image.Rect(0, 0, 60, 40))
		for p := range crop.Pix {
			crop.Pix[p] = byte(40 * i)
		}
		q := wallscan.Quad{{100 * i, 10}, {100*i + 80, 10}, {100*i + 80, 90}, {100 * i, 90}}
		s.Notes = append(s.Notes, wallscan.FoundNote{Polygon: q, Color: wallscan.Yellow,
			RGB: color.RGBA{243, 227, 92, 255}, X: 0.1 * float64(i), Y: 0.5, Crop: crop})
		notes = append(notes, &wallscan.Note{Index: i + 1, Polygon: q, BBox: q.Bounds(), Color: wallscan.Yellow,
			RGB: "#f3e35c", X: 0.1 * float64(i), Y: 0.5, Neighbours: []int{i}})
	}
	return s, notes
}

func mustNotes(t *testing.T, db *DB, photoID int64, n int) []*wallscan.Note {
	t.Helper()
	s, notes := segmentation(n)
	if err := db.ReplaceNotes(context.Background(), photoID, s, notes); err != nil {
		t.Fatalf("ReplaceNotes: %v", err)
	}
	return notes
}

// count returns the rows of a table that match a condition.
func count(t *testing.T, db *DB, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAddPhoto(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := mustWorkshop(t, db, "w")
	p := mustPhoto(t, db, w.ID, 1)
	if p.ID == 0 || p.Status != wallscan.PhotoQueued || p.CreatedAt.IsZero() || p.Size != int64(len(fakePhoto(1))) {
		t.Fatalf("AddPhoto left %+v", p)
	}
	got, err := db.Photo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Wall != "muur A" || got.Filename != "p1.jpg" || got.Status != wallscan.PhotoQueued || got.Size != p.Size {
		t.Errorf("Photo = %+v", got)
	}
	data, err := db.PhotoData(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, fakePhoto(1)) {
		t.Error("PhotoData differs from the upload")
	}
	if got, want := count(t, db, "river_job", `kind = ? AND json_extract(args, '$.photo_id') = ? AND state = 'available'`, ProcessPhotoKind, p.ID), 1; got != want {
		t.Errorf("queued jobs for photo = %d, want %d", got, want)
	}

	p2 := mustPhoto(t, db, w.ID, 2)
	ps, err := db.Photos(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != p.ID || ps[1].ID != p2.ID {
		t.Errorf("Photos = %v, want oldest first", ps)
	}

	_, err = db.Photo(ctx, 999)
	wantCode(t, err, wallscan.ENOTFOUND)
	_, err = db.PhotoData(ctx, 999)
	wantCode(t, err, wallscan.ENOTFOUND)
}

func TestAddPhotoInvalid(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := mustWorkshop(t, db, "w")
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
			wantCode(t, db.AddPhoto(ctx, &p, tc.data), tc.code)
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
			w := mustWorkshop(t, db, "w")
			// A TEMP trigger lives on the one writer connection.
			if _, err := db.write.Exec(`CREATE TEMP TRIGGER fail_insert BEFORE INSERT ON main.` + table +
				` BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
				t.Fatal(err)
			}
			p := &wallscan.Photo{WorkshopID: w.ID}
			if err := db.AddPhoto(ctx, p, fakePhoto(1)); err == nil {
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
			mustPhoto(t, db, w.ID, 2)
			for _, tb := range []string{"photos", "photo_data", "river_job"} {
				if got, want := count(t, db, tb, "1"), 1; got != want {
					t.Errorf("%s holds %d rows after AddPhoto, want %d", tb, got, want)
				}
			}
		})
	}
}

func TestUpdatePhoto(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := mustWorkshop(t, db, "w")
	p := mustPhoto(t, db, w.ID, 1)
	status, read, found, width, height := wallscan.PhotoReading, 3, 7, 4000, 3000
	q := wallscan.Quality{Sharpness: 12.5, Brightness: 0.4, Warnings: []string{wallscan.WarnBlurry}, GlareNotes: 2}
	if err := db.UpdatePhoto(ctx, p.ID, wallscan.PhotoUpdate{Status: &status, NotesRead: &read, NotesFound: &found,
		Width: &width, Height: &height, Quality: &q}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Photo(ctx, p.ID)
	if got.Status != status || got.NotesRead != read || got.NotesFound != found || got.Width != width ||
		got.Height != height || got.Quality.Sharpness != 12.5 || len(got.Quality.Warnings) != 1 || got.Quality.GlareNotes != 2 {
		t.Errorf("after UpdatePhoto: %+v", got)
	}
	// Nil fields stay.
	msg := "kapot"
	if err := db.UpdatePhoto(ctx, p.ID, wallscan.PhotoUpdate{Error: &msg}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Photo(ctx, p.ID)
	if got.Error != msg || got.Status != status || got.NotesRead != read {
		t.Errorf("after second UpdatePhoto: %+v", got)
	}
	// Counts of parallel readers arrive out of order; progress never goes back.
	two := 2
	if err := db.UpdatePhoto(ctx, p.ID, wallscan.PhotoUpdate{NotesRead: &two}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Photo(ctx, p.ID); got.NotesRead != read {
		t.Errorf("NotesRead went back to %d, want %d", got.NotesRead, read)
	}
	bad := wallscan.PhotoStatus("lost")
	wantCode(t, db.UpdatePhoto(ctx, p.ID, wallscan.PhotoUpdate{Status: &bad}), wallscan.EINVALID)
	wantCode(t, db.UpdatePhoto(ctx, 999, wallscan.PhotoUpdate{Status: &status}), wallscan.ENOTFOUND)
}

func TestReplaceNotes(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := mustWorkshop(t, db, "w")
	p := mustPhoto(t, db, w.ID, 1)
	notes := mustNotes(t, db, p.ID, 3)
	for _, n := range notes {
		if n.ID == 0 || n.WorkshopID != w.ID || n.PhotoID != p.ID {
			t.Fatalf("ReplaceNotes left %+v", n)
		}
	}
	got, err := db.Notes(ctx, wallscan.NoteFilter{PhotoID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("Notes = %d, want 3", len(got))
	}
	n := got[1]
	if n.Index != 2 || n.Polygon != notes[1].Polygon || n.BBox != notes[1].BBox || n.Color != wallscan.Yellow ||
		n.RGB != "#f3e35c" || n.X != 0.1 || len(n.Neighbours) != 1 || n.Read || n.Edited {
		t.Errorf("stored note = %+v, want %+v", n, notes[1])
	}
	crop, err := db.NoteCrop(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(crop))
	if err != nil {
		t.Fatalf("crop is not a JPEG: %v", err)
	}
	if got, want := img.Bounds().Size(), (image.Point{60, 40}); got != want {
		t.Errorf("crop size = %v, want %v", got, want)
	}

	// An interrupted attempt: a person edited note 2 and pinned note 3.
	if _, err := db.EditNoteText(ctx, got[1].ID, "door een mens getypt"); err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateCluster(ctx, w.ID, "Eigen")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MoveNote(ctx, got[2].ID, c.ID); err != nil {
		t.Fatal(err)
	}
	// The retry finds 4 notes; the old 3 are replaced.
	again := mustNotes(t, db, p.ID, 4)
	all, _ := db.Notes(ctx, wallscan.NoteFilter{WorkshopID: w.ID})
	if got, want := len(all), 4; got != want {
		t.Fatalf("after replace: %d notes, want %d (no doubles)", got, want)
	}
	for _, n := range all {
		if n.ID == got[0].ID {
			t.Errorf("old note %d still there", n.ID)
		}
	}
	if all[1].Text != "door een mens getypt" || !all[1].Edited {
		t.Errorf("edited note lost its text across the replace: %+v", all[1])
	}
	if all[2].ClusterID != c.ID || !all[2].Pinned {
		t.Errorf("pinned note lost its place across the replace: %+v", all[2])
	}
	if got, _ := db.Photo(ctx, p.ID); got.NotesRead != 1 {
		t.Errorf("NotesRead after replace = %d, want 1 (the edited note)", got.NotesRead)
	}
	if got := count(t, db, "note_crops", "1"); got != 4 {
		t.Errorf("crops = %d, want 4", got)
	}
	_ = again

	s, ns := segmentation(2)
	wantCode(t, db.ReplaceNotes(ctx, 999, s, ns), wallscan.ENOTFOUND)
	if err := db.ReplaceNotes(ctx, p.ID, s, ns[:1]); err == nil {
		t.Error("ReplaceNotes accepted 1 note for a segmentation of 2")
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
	w := mustWorkshop(t, dbs[0], "w")
	const senders = 12
	photos := make([]*wallscan.Photo, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for i := range senders {
		photos[i] = &wallscan.Photo{WorkshopID: w.ID, Wall: "muur A", Filename: "p.jpg", IdempotencyKey: "station-1-0001"}
		wg.Go(func() { errs[i] = dbs[i%2].AddPhoto(ctx, photos[i], fakePhoto(1)) })
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
	w := mustWorkshop(t, db, "w")
	p := mustPhoto(t, db, w.ID, 1)
	if _, err := db.write.Exec(`UPDATE photos SET idempotency_key = 'by-hand' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err := db.write.Exec(`INSERT INTO photos (workshop_id, size, status, created_at, updated_at, idempotency_key)
		VALUES (?, 1, 'queued', '', '', 'by-hand')`, w.ID)
	if !isUnique(err) {
		t.Fatalf("a second photo under one key: isUnique(%v) = false", err)
	}
	again := &wallscan.Photo{WorkshopID: w.ID, Wall: p.Wall, IdempotencyKey: "by-hand"}
	if err := db.AddPhoto(ctx, again, fakePhoto(1)); err != nil {
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
	w := mustWorkshop(t, db, "w")
	old := mustPhoto(t, db, w.ID, 1)
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
		if err := db.AddPhoto(ctx, p, fakePhoto(2)); err != nil {
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
