// Package storetest is the conformance suite of wallscan's storage
// services: any implementation of WorkshopService, PhotoService,
// NoteService, ClusterService, CurationService and AuthService must pass
// Test. It speaks only through the root package's interfaces, so the
// SQLite store and any fake a handler test uses are held to one contract.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wallscan"
)

// Services are the storage services of one implementation, usually one
// value in every field.
type Services struct {
	Workshops wallscan.WorkshopService
	Photos    wallscan.PhotoService
	Notes     wallscan.NoteService
	Clusters  wallscan.ClusterService
	Curation  wallscan.CurationService
	Auth      wallscan.AuthService
	// Check, if not nil, checks the implementation's own invariants (a
	// database's integrity) at the end of each case.
	Check func(ctx context.Context) error
}

// Opener returns fresh, empty services for one subtest; it arranges their
// cleanup with t.Cleanup.
type Opener func(t *testing.T) Services

// Test runs the conformance suite against the services open returns.
func Test(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Workshops", testWorkshops},
		{"WorkshopInvalid", testWorkshopInvalid},
		{"Photos", testPhotos},
		{"PhotoIdempotency", testPhotoIdempotency},
		{"PhotoIdempotencyConcurrent", testPhotoIdempotencyConcurrent},
		{"UpdatePhoto", testUpdatePhoto},
		{"ReplaceNotes", testReplaceNotes},
		{"Duplicates", testDuplicates},
		{"DuplicatesInvalid", testDuplicatesInvalid},
		{"SetReadingAndEdit", testSetReadingAndEdit},
		{"NotesFilter", testNotesFilter},
		{"ApplyGroupsFirst", testApplyGroupsFirst},
		{"ApplyGroupsKeepsCuration", testApplyGroupsKeepsCuration},
		{"ApplyGroupsOtherWorkshop", testApplyGroupsOtherWorkshop},
		{"ApplyGroupsConcurrentCuration", testApplyGroupsConcurrentCuration},
		{"CurationAndUndo", testCurationAndUndo},
		{"UndoAfterRegrouping", testUndoAfterRegrouping},
		{"CurationInvalid", testCurationInvalid},
		{"Password", testPassword},
		{"Sessions", testSessions},
		{"ShareLinks", testShareLinks},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// services joins the interfaces so tests call them as one value.
type services struct {
	wallscan.WorkshopService
	wallscan.PhotoService
	wallscan.NoteService
	wallscan.ClusterService
	wallscan.CurationService
	wallscan.AuthService
}

func newDB(t *testing.T, open Opener) services {
	t.Helper()
	s := open(t)
	if s.Check != nil {
		t.Cleanup(func() {
			if err := s.Check(context.Background()); err != nil {
				t.Errorf("after the case: %v", err)
			}
		})
	}
	return services{s.Workshops, s.Photos, s.Notes, s.Clusters, s.Curation, s.Auth}
}

// MustWorkshop creates a workshop with a case, a date and a one-colour
// legend, and fails the test on error.
func MustWorkshop(t *testing.T, db wallscan.WorkshopService, title string) *wallscan.Workshop {
	t.Helper()
	w := &wallscan.Workshop{Title: title, Case: "Gemeente Testdorp", Date: "2026-11-29",
		Legend: []wallscan.Perspective{{Color: wallscan.Yellow, Name: "beleid"}}}
	if err := db.CreateWorkshop(context.Background(), w); err != nil {
		t.Fatalf("CreateWorkshop: %v", err)
	}
	return w
}

// WantCode fails the test unless err carries the wallscan error code
// ("" for no error).
func WantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := wallscan.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// FakePhoto returns some bytes standing for upload i; storage does not
// decode photos.
func FakePhoto(i int) []byte {
	return []byte(fmt.Sprintf("\xff\xd8\xff photo %d %s", i, bytes.Repeat([]byte{byte(i)}, 1000)))
}

// MustPhoto stores FakePhoto(i) as a photo of the workshop, on wall
// "muur A", and fails the test on error.
func MustPhoto(t *testing.T, db wallscan.PhotoService, workshopID int64, i int) *wallscan.Photo {
	t.Helper()
	p := &wallscan.Photo{WorkshopID: workshopID, Wall: "muur A", Filename: fmt.Sprintf("p%d.jpg", i), ContentType: "image/jpeg"}
	if err := db.AddPhoto(context.Background(), p, FakePhoto(i)); err != nil {
		t.Fatalf("AddPhoto: %v", err)
	}
	return p
}

// Segmentation returns a segmentation of n found notes with solid-colour
// 60×40 crops, and the notes to store with it.
func Segmentation(n int) (*wallscan.Segmentation, []*wallscan.Note) {
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

// MustNotes stores Segmentation(n) as the notes of the photo and fails
// the test on error.
func MustNotes(t *testing.T, db wallscan.PhotoService, photoID int64, n int) []*wallscan.Note {
	t.Helper()
	s, notes := Segmentation(n)
	if err := db.ReplaceNotes(context.Background(), photoID, s, notes); err != nil {
		t.Fatalf("ReplaceNotes: %v", err)
	}
	return notes
}

func testPhotos(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	p := MustPhoto(t, db, w.ID, 1)
	if p.ID == 0 || p.Status != wallscan.PhotoQueued || p.CreatedAt.IsZero() || p.Size != int64(len(FakePhoto(1))) {
		t.Fatalf("AddPhoto left %+v", p)
	}
	got, err := db.Photo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Wall != "muur A" || got.Filename != "p1.jpg" || got.ContentType != "image/jpeg" ||
		got.Status != wallscan.PhotoQueued || got.Size != int64(len(FakePhoto(1))) {
		t.Errorf("Photo = %+v", got)
	}
	data, err := db.PhotoData(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, FakePhoto(1)) {
		t.Error("PhotoData differs from the upload")
	}
	p2 := MustPhoto(t, db, w.ID, 2)
	ps, err := db.Photos(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != p.ID || ps[1].ID != p2.ID {
		t.Errorf("Photos = %v, want oldest first", ps)
	}
	WantCode(t, db.AddPhoto(ctx, &wallscan.Photo{WorkshopID: 424242}, []byte("x")), wallscan.ENOTFOUND)
	_, err = db.Photo(ctx, 999)
	WantCode(t, err, wallscan.ENOTFOUND)
	_, err = db.PhotoData(ctx, 999)
	WantCode(t, err, wallscan.ENOTFOUND)
}

// keyedPhoto returns photo i of workshop w, sent under key.
func keyedPhoto(w *wallscan.Workshop, i int, key string) *wallscan.Photo {
	return &wallscan.Photo{WorkshopID: w.ID, Wall: "muur A", Filename: fmt.Sprintf("p%d.jpg", i),
		ContentType: "image/jpeg", IdempotencyKey: key}
}

// photoIDs returns the IDs of a workshop's photos, oldest first.
func photoIDs(t *testing.T, db services, workshopID int64) []int64 {
	t.Helper()
	ps, err := db.Photos(context.Background(), workshopID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func testPhotoIdempotency(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w, other := MustWorkshop(t, db, "w"), MustWorkshop(t, db, "other")

	first := keyedPhoto(w, 1, "station-7f3a-0001")
	if err := db.AddPhoto(ctx, first, FakePhoto(1)); err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || first.Repeat {
		t.Fatalf("first AddPhoto left ID %d, Repeat %v; want a new photo", first.ID, first.Repeat)
	}
	stored, err := db.Photo(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stored.IdempotencyKey, "station-7f3a-0001"; got != want {
		t.Errorf("stored key = %q, want %q", got, want)
	}
	// Processing moves on before the repeat arrives.
	segmenting := wallscan.PhotoSegmenting
	if err := db.UpdatePhoto(ctx, first.ID, wallscan.PhotoUpdate{Status: &segmenting}); err != nil {
		t.Fatal(err)
	}

	again := keyedPhoto(w, 1, "station-7f3a-0001")
	if err := db.AddPhoto(ctx, again, FakePhoto(1)); err != nil {
		t.Fatalf("repeat: %v", err)
	}
	if !again.Repeat {
		t.Error("repeat: Repeat not set")
	}
	if got, want := again.ID, first.ID; got != want {
		t.Errorf("repeat: ID = %d, want the first photo's %d", got, want)
	}
	if !again.CreatedAt.Equal(first.CreatedAt) || again.Status != wallscan.PhotoSegmenting ||
		again.Size != first.Size || again.Filename != "p1.jpg" {
		t.Errorf("repeat: p = %+v, want the stored photo as it is now (segmenting, created %v)", again, first.CreatedAt)
	}
	if got, want := photoIDs(t, db, w.ID), []int64{first.ID}; !slices.Equal(got, want) {
		t.Errorf("photos after a repeat = %v, want %v", got, want)
	}

	// Another workshop may use the same key; photos without a key are
	// never repeats; another key is another photo.
	elsewhere := keyedPhoto(other, 1, "station-7f3a-0001")
	if err := db.AddPhoto(ctx, elsewhere, FakePhoto(1)); err != nil {
		t.Fatal(err)
	}
	if elsewhere.Repeat || elsewhere.ID == first.ID {
		t.Errorf("same key, other workshop: ID %d, Repeat %v; want a new photo", elsewhere.ID, elsewhere.Repeat)
	}
	for i := 2; i <= 3; i++ {
		p := keyedPhoto(w, i, "")
		if err := db.AddPhoto(ctx, p, FakePhoto(1)); err != nil {
			t.Fatal(err)
		}
		if p.Repeat {
			t.Errorf("photo without a key taken as a repeat")
		}
	}
	next := keyedPhoto(w, 4, "station-7f3a-0002")
	if err := db.AddPhoto(ctx, next, FakePhoto(1)); err != nil || next.Repeat {
		t.Errorf("another key: err %v, Repeat %v; want a new photo", err, next.Repeat)
	}
	if got, want := len(photoIDs(t, db, w.ID)), 4; got != want {
		t.Errorf("workshop holds %d photos, want %d", got, want)
	}
	if got, want := len(photoIDs(t, db, other.ID)), 1; got != want {
		t.Errorf("other workshop holds %d photos, want %d", got, want)
	}

	// The key reused for a different photo is a conflict, not a repeat.
	for _, tc := range []struct {
		name string
		p    *wallscan.Photo
		data []byte
		code string
	}{
		{"other bytes", keyedPhoto(w, 1, "station-7f3a-0001"), FakePhoto(2), wallscan.ECONFLICT},
		{"other wall", &wallscan.Photo{WorkshopID: w.ID, Wall: "muur B", IdempotencyKey: "station-7f3a-0001"}, FakePhoto(1), wallscan.ECONFLICT},
		{"key too long", keyedPhoto(w, 9, strings.Repeat("k", wallscan.MaxIdempotencyKey+1)), FakePhoto(9), wallscan.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			WantCode(t, db.AddPhoto(ctx, tc.p, tc.data), tc.code)
			if tc.p.Repeat {
				t.Error("Repeat set on a refused photo")
			}
		})
	}
	if got, want := len(photoIDs(t, db, w.ID)), 4; got != want {
		t.Errorf("after refused photos the workshop holds %d photos, want %d", got, want)
	}
	longest := keyedPhoto(w, 10, strings.Repeat("k", wallscan.MaxIdempotencyKey))
	if err := db.AddPhoto(ctx, longest, FakePhoto(10)); err != nil {
		t.Errorf("key of MaxIdempotencyKey bytes: %v", err)
	}
}

// testPhotoIdempotencyConcurrent sends one photo under one key many times
// at once, as a station whose client retried while the first sending was
// still being stored: exactly one photo, and every caller learns its ID.
func testPhotoIdempotencyConcurrent(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	const senders = 8
	photos := make([]*wallscan.Photo, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for i := range senders {
		photos[i] = keyedPhoto(w, 1, "same-key")
		wg.Go(func() { errs[i] = db.AddPhoto(ctx, photos[i], FakePhoto(1)) })
	}
	wg.Wait()
	ids := photoIDs(t, db, w.ID)
	if got, want := len(ids), 1; got != want {
		t.Fatalf("%d sendings at once stored %d photos, want %d", senders, got, want)
	}
	var fresh int
	for i, p := range photos {
		if errs[i] != nil {
			t.Errorf("sender %d: %v", i, errs[i])
			continue
		}
		if got, want := p.ID, ids[0]; got != want {
			t.Errorf("sender %d got photo %d, want %d", i, got, want)
		}
		if !p.Repeat {
			fresh++
		}
	}
	if got, want := fresh, 1; got != want {
		t.Errorf("%d senders stored a new photo, want %d", got, want)
	}
}

func testReplaceNotes(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	p := MustPhoto(t, db, w.ID, 1)
	notes := MustNotes(t, db, p.ID, 3)
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
	// The retry finds 4 notes; the old 3 are replaced: no doubles.
	MustNotes(t, db, p.ID, 4)
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

	s, ns := Segmentation(2)
	WantCode(t, db.ReplaceNotes(ctx, 999, s, ns), wallscan.ENOTFOUND)
	if err := db.ReplaceNotes(ctx, p.ID, s, ns[:1]); err == nil {
		t.Error("ReplaceNotes accepted 1 note for a segmentation of 2")
	}
}

// duplicateNotes returns Segmentation(n) with note i (0-based) marked a
// duplicate of dupOf[i] where that is not 0.
func duplicateNotes(n int, dupOf map[int]int64) (*wallscan.Segmentation, []*wallscan.Note) {
	s, notes := Segmentation(n)
	for i, id := range dupOf {
		notes[i].DuplicateOf = id
	}
	return s, notes
}

// testDuplicates: a second shot of a wall stores two of its notes as
// duplicates of the first shot's; they are read back with the photo of
// their first appearance, do not count as found or read, follow their
// original when its photo's notes are replaced, and stop being
// duplicates when the original is gone.
func testDuplicates(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	p1 := MustPhoto(t, db, w.ID, 1)
	first := MustNotes(t, db, p1.ID, 3)
	p2 := MustPhoto(t, db, w.ID, 2)
	s, notes := duplicateNotes(3, map[int]int64{0: first[1].ID, 1: first[2].ID})
	if err := db.ReplaceNotes(ctx, p2.ID, s, notes); err != nil {
		t.Fatalf("ReplaceNotes with duplicates: %v", err)
	}
	got, err := db.Notes(ctx, wallscan.NoteFilter{PhotoID: p2.ID})
	if err != nil {
		t.Fatal(err)
	}
	wantDup := []int64{first[1].ID, first[2].ID, 0}
	for i, n := range got {
		if n.DuplicateOf != wantDup[i] {
			t.Errorf("note %d: DuplicateOf = %d, want %d", n.Index, n.DuplicateOf, wantDup[i])
		}
		want := int64(0)
		if wantDup[i] != 0 {
			want = p1.ID
		}
		if n.DuplicateOfPhoto != want {
			t.Errorf("note %d: DuplicateOfPhoto = %d, want %d", n.Index, n.DuplicateOfPhoto, want)
		}
	}
	if one, err := db.Note(ctx, got[0].ID); err != nil || one.DuplicateOf != first[1].ID {
		t.Errorf("Note(%d) = %+v, %v; want DuplicateOf %d", got[0].ID, one, err, first[1].ID)
	}

	// A person types the text of a duplicate: it is kept, but a duplicate
	// is not read, so the photo's reading progress does not count it.
	if _, err := db.EditNoteText(ctx, got[0].ID, "al gelezen"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetReading(ctx, got[2].ID, wallscan.Reading{Text: "nieuw", Confidence: 80}); err != nil {
		t.Fatal(err)
	}
	if ph, _ := db.Photo(ctx, p2.ID); ph.NotesRead != 1 {
		t.Errorf("NotesRead = %d, want 1 (the one note seen first on this photo)", ph.NotesRead)
	}

	// The first photo's segmentation is stored again (a resumed job):
	// the duplicates follow the notes with the same index.
	again := MustNotes(t, db, p1.ID, 3)
	got, _ = db.Notes(ctx, wallscan.NoteFilter{PhotoID: p2.ID})
	if got[0].DuplicateOf != again[1].ID || got[1].DuplicateOf != again[2].ID || got[2].DuplicateOf != 0 {
		t.Errorf("after the first photo's notes were replaced: DuplicateOf = %d, %d, %d; want %d, %d, 0",
			got[0].DuplicateOf, got[1].DuplicateOf, got[2].DuplicateOf, again[1].ID, again[2].ID)
	}
	// A third shot names the first appearance too.
	p3 := MustPhoto(t, db, w.ID, 3)
	s3, n3 := duplicateNotes(1, map[int]int64{0: again[2].ID})
	if err := db.ReplaceNotes(ctx, p3.ID, s3, n3); err != nil {
		t.Fatal(err)
	}

	// Now the first photo holds only 2 notes: the duplicate of the third
	// note is not left pointing at nothing; it is a note of its own.
	MustNotes(t, db, p1.ID, 2)
	got, _ = db.Notes(ctx, wallscan.NoteFilter{PhotoID: p2.ID})
	if got[0].DuplicateOf == 0 || got[1].DuplicateOf != 0 || got[1].DuplicateOfPhoto != 0 {
		t.Errorf("after the original went: DuplicateOf = %d, %d (photo %d); want the first kept, the second 0",
			got[0].DuplicateOf, got[1].DuplicateOf, got[1].DuplicateOfPhoto)
	}
	if got[0].Text != "al gelezen" || !got[0].Edited {
		t.Errorf("the typed duplicate lost its text: %+v", got[0])
	}
	third, _ := db.Notes(ctx, wallscan.NoteFilter{PhotoID: p3.ID})
	if len(third) != 1 || third[0].DuplicateOf != 0 {
		t.Errorf("third photo's duplicate of the gone note: %+v, want DuplicateOf 0", third)
	}
}

// testDuplicatesInvalid: a duplicate must name the first appearance of a
// note on an earlier photo of the same workshop, and a refused
// ReplaceNotes stores nothing.
func testDuplicatesInvalid(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	other := MustWorkshop(t, db, "other")
	p1 := MustPhoto(t, db, w.ID, 1)
	first := MustNotes(t, db, p1.ID, 2)
	po := MustPhoto(t, db, other.ID, 2)
	foreign := MustNotes(t, db, po.ID, 1)
	p2 := MustPhoto(t, db, w.ID, 3)
	second := MustNotes(t, db, p2.ID, 1)
	p3 := MustPhoto(t, db, w.ID, 4)
	s, notes := duplicateNotes(2, map[int]int64{0: first[0].ID})
	if err := db.ReplaceNotes(ctx, p3.ID, s, notes); err != nil {
		t.Fatal(err)
	}
	chained, _ := db.Notes(ctx, wallscan.NoteFilter{PhotoID: p3.ID})

	for _, tc := range []struct {
		name    string
		photo   int64
		dupOf   int64
		wantErr string
	}{
		{"missing note", p3.ID, 987654, wallscan.EINVALID},
		{"other workshop", p3.ID, foreign[0].ID, wallscan.EINVALID},
		{"later photo", p1.ID, second[0].ID, wallscan.EINVALID},
		{"same photo", p2.ID, second[0].ID, wallscan.EINVALID},
		{"a duplicate", p3.ID, chained[0].ID, wallscan.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := db.Notes(ctx, wallscan.NoteFilter{PhotoID: tc.photo})
			s, notes := duplicateNotes(2, map[int]int64{1: tc.dupOf})
			WantCode(t, db.ReplaceNotes(ctx, tc.photo, s, notes), tc.wantErr)
			after, _ := db.Notes(ctx, wallscan.NoteFilter{PhotoID: tc.photo})
			if len(after) != len(before) || (len(after) > 0 && after[0].ID != before[0].ID) {
				t.Errorf("a refused ReplaceNotes changed the notes: %d before, %d after", len(before), len(after))
			}
		})
	}
}

func testPassword(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	if has, err := db.HasPassword(ctx); err != nil || has {
		t.Fatalf("HasPassword on a new store = %v, %v", has, err)
	}
	WantCode(t, db.CheckPassword(ctx, "anything"), wallscan.EUNAUTHORIZED)
	for _, tc := range []struct {
		name, pw string
		code     string
	}{
		{"too short", strings.Repeat("a", wallscan.MinPasswordLen-1), wallscan.EINVALID},
		{"too long", strings.Repeat("a", wallscan.MaxPasswordLen+1), wallscan.EINVALID},
		{"longest", strings.Repeat("b", wallscan.MaxPasswordLen), ""},
		{"shortest", strings.Repeat("a", wallscan.MinPasswordLen), ""},
	} {
		t.Run(tc.name, func(t *testing.T) { WantCode(t, db.SetPassword(ctx, tc.pw), tc.code) })
	}
	const pw = "wand-vol-geeltjes"
	if err := db.SetPassword(ctx, pw); err != nil {
		t.Fatal(err)
	}
	if has, err := db.HasPassword(ctx); err != nil || !has {
		t.Fatalf("HasPassword = %v, %v", has, err)
	}
	if err := db.CheckPassword(ctx, pw); err != nil {
		t.Errorf("CheckPassword(right) = %v", err)
	}
	for _, wrong := range []string{"", "wand-vol-geeltjeS", pw + " ", strings.Repeat("a", wallscan.MinPasswordLen), strings.Repeat("x", 1000)} {
		WantCode(t, db.CheckPassword(ctx, wrong), wallscan.EUNAUTHORIZED)
	}
}

func testSessions(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	s, err := db.CreateSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Token) < 22 || !s.ExpiresAt.After(s.CreatedAt) || time.Since(s.CreatedAt) > time.Hour {
		t.Errorf("session = %+v", s)
	}
	got, err := db.Session(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !got.ExpiresAt.Equal(s.ExpiresAt) {
		t.Errorf("Session = %+v, want %+v", got, s)
	}
	s2, _ := db.CreateSession(ctx)
	if s2.Token == s.Token {
		t.Fatal("two sessions share a token")
	}
	for _, bad := range []string{"", "nope", s.Token + "x", strings.Repeat("a", 10000)} {
		_, err := db.Session(ctx, bad)
		WantCode(t, err, wallscan.EUNAUTHORIZED)
	}
	if err := db.DeleteSession(ctx, s2.Token); err != nil {
		t.Fatal(err)
	}
	_, err = db.Session(ctx, s2.Token)
	WantCode(t, err, wallscan.EUNAUTHORIZED)
	if _, err := db.Session(ctx, s.Token); err != nil {
		t.Errorf("logout ended another session: %v", err)
	}
	if err := db.DeleteSession(ctx, "unknown"); err != nil {
		t.Errorf("DeleteSession(unknown) = %v", err)
	}
}

func testWorkshops(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	a := MustWorkshop(t, db, "Ketenoverleg")
	b := MustWorkshop(t, db, "Toezicht")

	if a.ID == 0 || a.CreatedAt.IsZero() {
		t.Fatalf("CreateWorkshop left ID or CreatedAt unset: %+v", a)
	}
	got, err := db.Workshop(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != a.Title || got.Case != a.Case || got.Date != a.Date || len(got.Legend) != 1 ||
		got.Legend[0] != a.Legend[0] || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Errorf("Workshop = %+v, want %+v", got, a)
	}
	_, err = db.Workshop(ctx, 9999)
	WantCode(t, err, wallscan.ENOTFOUND)

	all, err := db.Workshops(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(all), 2; got != want {
		t.Fatalf("Workshops = %d, want %d", got, want)
	}
	if all[0].ID != b.ID {
		t.Errorf("Workshops()[0] = %d, want newest %d", all[0].ID, b.ID)
	}

	title, vocab := "Ketenoverleg 2", []string{"AVG", "ketenpartners"}
	u, err := db.UpdateWorkshop(ctx, a.ID, wallscan.WorkshopUpdate{Title: &title, Vocabulary: &vocab})
	if err != nil {
		t.Fatal(err)
	}
	if u.Title != title || len(u.Vocabulary) != 2 || u.Case != a.Case {
		t.Errorf("UpdateWorkshop = %+v", u)
	}
	got, _ = db.Workshop(ctx, a.ID)
	if got.Title != title || strings.Join(got.Vocabulary, ",") != "AVG,ketenpartners" {
		t.Errorf("stored update = %+v", got)
	}
}

func testWorkshopInvalid(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "ok")
	long := strings.Repeat("x", wallscan.MaxTitle+1)
	bad := wallscan.Color("magenta")
	for _, tc := range []struct {
		name string
		w    wallscan.Workshop
	}{
		{"no title", wallscan.Workshop{}},
		{"long title", wallscan.Workshop{Title: long}},
		{"bad date", wallscan.Workshop{Title: "t", Date: "29-11-2026"}},
		{"bad colour", wallscan.Workshop{Title: "t", Legend: []wallscan.Perspective{{Color: bad, Name: "x"}}}},
		{"long term", wallscan.Workshop{Title: "t", Vocabulary: []string{long}}},
		{"bad utf8", wallscan.Workshop{Title: "t\xff"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w2 := tc.w
			WantCode(t, db.CreateWorkshop(ctx, &w2), wallscan.EINVALID)
		})
	}
	empty := ""
	_, err := db.UpdateWorkshop(ctx, w.ID, wallscan.WorkshopUpdate{Title: &empty})
	WantCode(t, err, wallscan.EINVALID)
	_, err = db.UpdateWorkshop(ctx, 12345, wallscan.WorkshopUpdate{})
	WantCode(t, err, wallscan.ENOTFOUND)
}

func testUpdatePhoto(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	p := MustPhoto(t, db, w.ID, 1)
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
	WantCode(t, db.UpdatePhoto(ctx, p.ID, wallscan.PhotoUpdate{Status: &bad}), wallscan.EINVALID)
	WantCode(t, db.UpdatePhoto(ctx, 999, wallscan.PhotoUpdate{Status: &status}), wallscan.ENOTFOUND)
}

func testSetReadingAndEdit(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	p := MustPhoto(t, db, w.ID, 1)
	notes := MustNotes(t, db, p.ID, 2)
	a, b := notes[0].ID, notes[1].ID

	r := wallscan.Reading{Text: "  gegevens   delen\n\n is lastig ", Confidence: 61.5, Review: true,
		Words: []wallscan.Word{{Text: "gegevens", Box: image.Rect(1, 2, 30, 12), Confidence: 70}}}
	if err := db.SetReading(ctx, a, r); err != nil {
		t.Fatal(err)
	}
	n, err := db.Note(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.Text, "gegevens delen\nis lastig"; got != want {
		t.Errorf("text = %q, want %q (cleaned)", got, want)
	}
	if !n.Read || n.Edited || n.Confidence != 61.5 || !n.Review || len(n.Words) != 1 || n.Words[0].Box != image.Rect(1, 2, 30, 12) {
		t.Errorf("after SetReading: %+v", n)
	}

	edited, err := db.EditNoteText(ctx, b, " data-uitwisseling ")
	if err != nil {
		t.Fatal(err)
	}
	if edited.Text != "data-uitwisseling" || !edited.Edited || !edited.Read || edited.Review {
		t.Errorf("EditNoteText = %+v", edited)
	}
	// A reading that arrives after the edit (a retried job) leaves it alone.
	if err := db.SetReading(ctx, b, wallscan.Reading{Text: "dala-uitwisse1ing", Confidence: 40, Review: true}); err != nil {
		t.Fatal(err)
	}
	n, _ = db.Note(ctx, b)
	if n.Text != "data-uitwisseling" || !n.Edited || n.Review || n.Confidence != edited.Confidence {
		t.Errorf("SetReading overwrote an edited note: %+v", n)
	}

	review := true
	rs, err := db.Notes(ctx, wallscan.NoteFilter{WorkshopID: w.ID, Review: &review})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != a {
		t.Errorf("Notes(review) = %v, want note %d", rs, a)
	}

	WantCode(t, db.SetReading(ctx, 999, r), wallscan.ENOTFOUND)
	_, err = db.EditNoteText(ctx, 999, "x")
	WantCode(t, err, wallscan.ENOTFOUND)
	_, err = db.EditNoteText(ctx, a, strings.Repeat("x", wallscan.MaxNoteText+1))
	WantCode(t, err, wallscan.EINVALID)
	_, err = db.EditNoteText(ctx, a, "bad \xff")
	WantCode(t, err, wallscan.EINVALID)
	if _, err := db.EditNoteText(ctx, a, strings.Repeat("é", wallscan.MaxNoteText/2)); err != nil {
		t.Errorf("EditNoteText at the limit: %v", err)
	}
	_, err = db.Note(ctx, 999)
	WantCode(t, err, wallscan.ENOTFOUND)
	_, err = db.NoteCrop(ctx, 999)
	WantCode(t, err, wallscan.ENOTFOUND)
}

func testNotesFilter(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w1, w2 := MustWorkshop(t, db, "1"), MustWorkshop(t, db, "2")
	p1, p2, p3 := MustPhoto(t, db, w1.ID, 1), MustPhoto(t, db, w1.ID, 2), MustPhoto(t, db, w2.ID, 3)
	MustNotes(t, db, p1.ID, 2)
	MustNotes(t, db, p2.ID, 3)
	MustNotes(t, db, p3.ID, 4)
	for _, tc := range []struct {
		f    wallscan.NoteFilter
		want int
	}{
		{wallscan.NoteFilter{}, 9},
		{wallscan.NoteFilter{WorkshopID: w1.ID}, 5},
		{wallscan.NoteFilter{WorkshopID: w2.ID}, 4},
		{wallscan.NoteFilter{PhotoID: p2.ID}, 3},
		{wallscan.NoteFilter{WorkshopID: w2.ID, PhotoID: p2.ID}, 0},
	} {
		ns, err := db.Notes(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ns); got != tc.want {
			t.Errorf("Notes(%+v) = %d notes, want %d", tc.f, got, tc.want)
		}
		for i := 1; i < len(ns); i++ {
			if ns[i-1].PhotoID > ns[i].PhotoID || (ns[i-1].PhotoID == ns[i].PhotoID && ns[i-1].Index >= ns[i].Index) {
				t.Errorf("Notes(%+v) not ordered by photo and index", tc.f)
			}
		}
	}
}

// board is a workshop with six stored notes, n[0]..n[5].
type board struct {
	db services
	w  *wallscan.Workshop
	n  []int64
}

func newBoard(t *testing.T, open Opener) *board {
	t.Helper()
	db := newDB(t, open)
	w := MustWorkshop(t, db, "w")
	p := MustPhoto(t, db, w.ID, 1)
	b := &board{db: db, w: w}
	for _, n := range MustNotes(t, db, p.ID, 6) {
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

// lockFirst locks the first cluster of the first grouping, a.
func lockFirst(t *testing.T, b *board, a, _, _ *wallscan.Cluster) {
	t.Helper()
	lock := true
	if _, err := b.db.UpdateCluster(context.Background(), a.ID, wallscan.ClusterUpdate{Locked: &lock}); err != nil {
		t.Fatal(err)
	}
}

// firstAgain is the first grouping as the grouper sends it once the
// clusters exist: the same notes, under the clusters' keys.
func (b *board) firstAgain(a, bb, u *wallscan.Cluster) []wallscan.Group {
	return []wallscan.Group{
		{Key: wallscan.ClusterKey(a.ID), Label: "A", Notes: b.keys(0, 1)},
		{Key: wallscan.ClusterKey(bb.ID), Label: "B", Notes: b.keys(2, 3)},
		{Key: wallscan.ClusterKey(u.ID), Unsorted: true, Notes: b.keys(4, 5)},
	}
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

func testApplyGroupsFirst(t *testing.T, open Opener) {
	b := newBoard(t, open)
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

// testApplyGroupsKeepsCuration: the facilitator acts after the grouping
// began; the stale groups disagree; ApplyGroups keeps the curation.
func testApplyGroupsKeepsCuration(t *testing.T, open Opener) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// curate acts on the board; regroup returns the stale grouping;
		// check verifies the outcome.
		curate  func(t *testing.T, b *board, a, bb, u *wallscan.Cluster)
		regroup func(b *board, a, bb, u *wallscan.Cluster) []wallscan.Group
		check   func(t *testing.T, b *board, a, bb, u *wallscan.Cluster)
	}{{
		name:   "locked cluster keeps label and notes",
		curate: lockFirst,
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
		name:   "locked cluster receives a free note",
		curate: lockFirst,
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
		regroup: (*board).firstAgain,
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
		regroup: (*board).firstAgain,
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
			b := newBoard(t, open)
			a, bb, u := b.first(t)
			tc.curate(t, b, a, bb, u)
			b.apply(t, tc.regroup(b, a, bb, u)...)
			tc.check(t, b, a, bb, u)
		})
	}
}

func testApplyGroupsOtherWorkshop(t *testing.T, open Opener) {
	ctx := context.Background()
	b := newBoard(t, open)
	a, _, _ := b.first(t)
	w2 := MustWorkshop(t, b.db, "ander")
	p2 := MustPhoto(t, b.db, w2.ID, 9)
	other := MustNotes(t, b.db, p2.ID, 1)
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
	WantCode(t, b.db.ApplyGroups(ctx, 999, nil), wallscan.ENOTFOUND)
	_, err = b.db.Clusters(ctx, 999)
	WantCode(t, err, wallscan.ENOTFOUND)
}

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

func testCurationAndUndo(t *testing.T, open Opener) {
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
			b := newBoard(t, open)
			a, bb, u := b.first(t)
			before := b.state(t)
			tc.act(t, b, a, bb, u)
			tc.check(t, b, a, bb, u)
			// Undo every action this case took.
			for i := 0; ; i++ {
				err := b.db.Undo(ctx, b.w.ID)
				if wallscan.ErrorCode(err) == wallscan.ENOTFOUND {
					break
				} else if err != nil {
					t.Fatalf("Undo: %v", err)
				} else if i > 10 {
					t.Fatal("Undo never runs out")
				}
			}
			after := b.state(t)
			if !reflect.DeepEqual(after, before) {
				t.Errorf("after Undo:\n%+v\nwant\n%+v", after, before)
			}
			WantCode(t, b.db.Undo(ctx, b.w.ID), wallscan.ENOTFOUND)
		})
	}
}

// testUndoAfterRegrouping: an automatic regrouping between the action
// and its undo does not stop the undo.
func testUndoAfterRegrouping(t *testing.T, open Opener) {
	ctx := context.Background()
	b := newBoard(t, open)
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
}

func testCurationInvalid(t *testing.T, open Opener) {
	ctx := context.Background()
	b := newBoard(t, open)
	a, bb, u := b.first(t)
	w2 := MustWorkshop(t, b.db, "ander")
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
		t.Run(tc.name, func(t *testing.T) { WantCode(t, tc.err, tc.code) })
	}
	_ = bb
	// No failed action can be undone.
	WantCode(t, b.db.Undo(ctx, b.w.ID), wallscan.ENOTFOUND)
}

func testShareLinks(t *testing.T, open Opener) {
	ctx := context.Background()
	db := newDB(t, open)
	w1, w2 := MustWorkshop(t, db, "1"), MustWorkshop(t, db, "2")
	l1, err := db.CreateShareLink(ctx, w1.ID)
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := db.CreateShareLink(ctx, w1.ID)
	l3, _ := db.CreateShareLink(ctx, w2.ID)
	if l1.Token == l2.Token || len(l1.Token) < 22 || l1.ID == 0 || l1.WorkshopID != w1.ID {
		t.Fatalf("links %+v %+v", l1, l2)
	}
	got, err := db.ShareLinkByToken(ctx, l1.Token)
	if err != nil || got.ID != l1.ID || got.WorkshopID != w1.ID || got.Revoked {
		t.Fatalf("ShareLinkByToken = %+v, %v", got, err)
	}
	ls, err := db.ShareLinks(ctx, w1.ID)
	if err != nil || len(ls) != 2 || ls[0].ID != l2.ID {
		t.Fatalf("ShareLinks = %v, %v (want 2, newest first)", ls, err)
	}

	// Revoking needs the right workshop.
	WantCode(t, db.RevokeShareLink(ctx, w2.ID, l1.ID), wallscan.ENOTFOUND)
	if err := db.RevokeShareLink(ctx, w1.ID, l1.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.ShareLinkByToken(ctx, l1.Token)
	WantCode(t, err, wallscan.EUNAUTHORIZED)
	if _, err := db.ShareLinkByToken(ctx, l2.Token); err != nil {
		t.Errorf("other link revoked too: %v", err)
	}
	if _, err := db.ShareLinkByToken(ctx, l3.Token); err != nil {
		t.Errorf("link of workshop 2: %v", err)
	}
	ls, _ = db.ShareLinks(ctx, w1.ID)
	if !ls[1].Revoked {
		t.Errorf("ShareLinks does not show the revoked link: %+v", ls[1])
	}
	for _, bad := range []string{"", "x", strings.Repeat("a", 500)} {
		_, err := db.ShareLinkByToken(ctx, bad)
		WantCode(t, err, wallscan.EUNAUTHORIZED)
	}
	_, err = db.CreateShareLink(ctx, 999)
	WantCode(t, err, wallscan.ENOTFOUND)
	WantCode(t, db.RevokeShareLink(ctx, w1.ID, 999), wallscan.ENOTFOUND)
}

func second[T any](_ T, err error) error { return err }

// testApplyGroupsConcurrentCuration runs stale automatic groupings while a
// facilitator pins notes, renames and locks clusters at the same time.
// Whatever order the transactions land in, every answered curation holds
// at the end.
func testApplyGroupsConcurrentCuration(t *testing.T, open Opener) {
	ctx := context.Background()
	b := newBoard(t, open)
	a, bb, u := b.first(t)
	stale := []wallscan.Group{
		{Key: wallscan.ClusterKey(a.ID), Label: "auto A", Notes: b.keys(3, 4, 5)},
		{Key: wallscan.ClusterKey(bb.ID), Label: "auto B", Notes: b.keys(0, 1, 2)},
		{Key: wallscan.ClusterKey(u.ID), Unsorted: true},
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	halt := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer halt()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := b.db.ApplyGroups(ctx, b.w.ID, stale); err != nil {
				errs <- fmt.Errorf("ApplyGroups: %w", err)
				return
			}
		}
	}()
	// The facilitator: each answered action is recorded.
	pinnedTo := map[int64]int64{}
	targets := []int64{a.ID, bb.ID}
	for i := range 30 {
		note, target := b.n[i%len(b.n)], targets[i%2]
		if err := b.db.MoveNote(ctx, note, target); err != nil {
			errs <- fmt.Errorf("MoveNote: %w", err)
			break
		}
		pinnedTo[note] = target
	}
	label, lock := "Eigen naam", true
	if _, err := b.db.UpdateCluster(ctx, a.ID, wallscan.ClusterUpdate{Label: &label}); err != nil {
		errs <- err
	}
	locked, err := b.db.UpdateCluster(ctx, bb.ID, wallscan.ClusterUpdate{Locked: &lock})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 { // a few more groupings after the last curation
		if err := b.db.ApplyGroups(ctx, b.w.ID, stale); err != nil {
			errs <- err
		}
	}
	halt()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for note, c := range pinnedTo {
		n, err := b.db.Note(ctx, note)
		if err != nil {
			t.Fatal(err)
		}
		if n.ClusterID != c || !n.Pinned {
			t.Errorf("note %d: cluster %d pinned %v, want pinned in %d", note, n.ClusterID, n.Pinned, c)
		}
	}
	_, m := b.clusters(t)
	if c := m[label]; c == nil || c.ID != a.ID || !c.Renamed {
		t.Errorf("renamed cluster: %v", m)
	}
	if c := m[locked.Label]; c == nil || c.ID != bb.ID || !c.Locked {
		t.Errorf("locked cluster %q changed: %v", locked.Label, m)
	}
}
