package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"wallscan"
	"wallscan/store/storetest"
)

// dump is everything a workshop's user sees, for comparing two databases.
type dump struct {
	Workshops []*wallscan.Workshop
	Photos    []*wallscan.Photo
	Data      map[int64][]byte
	Notes     []*wallscan.Note
	Crops     map[int64][]byte
	Clusters  map[int64][]*wallscan.Cluster
	Links     map[int64][]*wallscan.ShareLink
}

func dumpDB(t *testing.T, db *DB) dump {
	t.Helper()
	ctx := context.Background()
	d := dump{Data: map[int64][]byte{}, Crops: map[int64][]byte{}, Clusters: map[int64][]*wallscan.Cluster{},
		Links: map[int64][]*wallscan.ShareLink{}}
	var err error
	if d.Workshops, err = db.Workshops(ctx); err != nil {
		t.Fatal(err)
	}
	for _, w := range d.Workshops {
		ps, err := db.Photos(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		d.Photos = append(d.Photos, ps...)
		for _, p := range ps {
			if d.Data[p.ID], err = db.PhotoData(ctx, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		if d.Clusters[w.ID], err = db.Clusters(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if d.Links[w.ID], err = db.ShareLinks(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
	}
	if d.Notes, err = db.Notes(ctx, wallscan.NoteFilter{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range d.Notes {
		if d.Crops[n.ID], err = db.NoteCrop(ctx, n.ID); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	photo := storetest.MustPhoto(t, db, w.ID, 1)
	var n []int64
	var keys []string
	for _, note := range storetest.MustNotes(t, db, photo.ID, 6) {
		n = append(n, note.ID)
		keys = append(keys, strconv.FormatInt(note.ID, 10))
	}
	if err := db.ApplyGroups(ctx, w.ID, []wallscan.Group{
		{Key: "g1", Label: "A", Keywords: []string{"a"}, Notes: keys[0:2], Representative: keys[0]},
		{Key: "g2", Label: "B", Notes: keys[2:4]},
		{Key: "g3", Label: "Overig", Unsorted: true, Notes: keys[4:6]},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.MoveNote(ctx, n[0], 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EditNoteText(ctx, n[1], "met de hand"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateShareLink(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPassword(ctx, "geheim-wachtwoord"); err != nil {
		t.Fatal(err)
	}
	want := dumpDB(t, db)

	path := filepath.Join(t.TempDir(), "sub", "backup.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	storetest.WantCode(t, db.Backup(ctx, path), wallscan.ECONFLICT)
	storetest.WantCode(t, db.Backup(ctx, db.Path()), wallscan.EINVALID)
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}

	// The source goes on changing; the copy must not.
	if _, err := db.EditNoteText(ctx, n[2], "na de backup"); err != nil {
		t.Fatal(err)
	}

	restored := openAt(t, path)
	if err := restored.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	got := dumpDB(t, restored)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("restored database differs from the source at backup time")
	}
	if err := restored.CheckPassword(ctx, "geheim-wachtwoord"); err != nil {
		t.Errorf("password lost in the backup: %v", err)
	}
	// The queued job of the photo came along and runs from the copy.
	var r recorder
	if err := restored.StartWorkers(ctx, r.process, 1); err != nil {
		t.Fatal(err)
	}
	p := want.Photos[0]
	waitFor(t, "the restored job", func() bool { return jobState(t, restored, p.ID) == "completed" })
}

// TestBackupWhileWriting takes a backup while uploads and edits go on:
// the copy is one consistent moment (every photo with its bytes and job).
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	for i := range 5 {
		storetest.MustPhoto(t, db, w.ID, i)
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 100; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			p := &wallscan.Photo{WorkshopID: w.ID}
			if err := db.AddPhoto(ctx, p, storetest.FakePhoto(i)); err != nil {
				done <- err
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "copy.db")
	err := db.Backup(ctx, path)
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatalf("upload during backup: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	c := openAt(t, path)
	if err := c.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	ps, err := c.Photos(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 5 {
		t.Fatalf("backup holds %d photos, want at least the 5 before it", len(ps))
	}
	for _, p := range ps {
		data, err := c.PhotoData(ctx, p.ID)
		if err != nil || !bytes.Equal(data[:10], storetest.FakePhoto(0)[:10]) {
			t.Errorf("photo %d in backup without its bytes: %v", p.ID, err)
		}
		if got := jobState(t, c, p.ID); got != "available" {
			t.Errorf("photo %d job state %q in backup", p.ID, got)
		}
	}
	if got, want := count(t, c, "river_job", "1"), len(ps); got != want {
		t.Errorf("backup holds %d jobs for %d photos", got, want)
	}
}
