package store_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"wallscan"
	"wallscan/internal/shotfake"
	"wallscan/store"
)

// latestFirstMatcher stands in for capture's matcher: fakeSegmenter puts
// note i of every photo at the same place, so a note is the same note as
// an earlier one exactly when its outline is the same. It reports each
// note against the LATEST earlier shot that has it, which may hold a
// duplicate itself: the Processor must follow that to the first
// appearance. It records the shots it was given.
type latestFirstMatcher struct {
	mu    sync.Mutex
	calls [][]int // per call, the note counts of the earlier shots
	err   error
	// during, if set, runs while the matcher works, as another job would.
	during func()
}

func (m *latestFirstMatcher) MatchShot(_ context.Context, shot wallscan.Shot, earlier []wallscan.Shot) ([]wallscan.DuplicateNote, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var counts []int
	for _, e := range earlier {
		counts = append(counts, len(e.Segmentation.Notes))
	}
	m.calls = append(m.calls, counts)
	if m.during != nil {
		m.during()
	}
	if m.err != nil {
		return nil, m.err
	}
	return shotfake.SamePlace(shot, earlier), nil
}

// countingReader is fakeReader that counts its reads.
type countingReader struct {
	mu sync.Mutex
	n  int
}

func (r *countingReader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
	return fakeReader{}.Read(ctx, crop)
}

// recordingGrouper is fakeGrouper that keeps the keys of the notes it
// was asked to group.
type recordingGrouper struct {
	mu   sync.Mutex
	keys []string
}

func (g *recordingGrouper) Group(ctx context.Context, req wallscan.GroupRequest) ([]wallscan.Group, error) {
	g.mu.Lock()
	g.keys = g.keys[:0]
	for _, n := range req.Notes {
		g.keys = append(g.keys, n.Key)
	}
	g.mu.Unlock()
	return fakeGrouper{}.Group(ctx, req)
}

type dedupeFixture struct {
	t       *testing.T
	db      *store.DB
	proc    *wallscan.Processor
	matcher *latestFirstMatcher
	reader  *countingReader
	grouper *recordingGrouper
	w       *wallscan.Workshop
	added   int
}

func newDedupeFixture(t *testing.T) *dedupeFixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"), store.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &dedupeFixture{t: t, db: db, matcher: &latestFirstMatcher{}, reader: &countingReader{}, grouper: &recordingGrouper{}}
	// No job workers: the test runs ProcessPhoto itself, one photo after
	// the other, as `wallscan serve --workers 1` does.
	f.proc = &wallscan.Processor{
		Pipeline:  &wallscan.Pipeline{Segmenter: fakeSegmenter{}, Reader: f.reader, Grouper: f.grouper, Matcher: f.matcher, Workers: 2},
		Workshops: db, Photos: db, Notes: db, Clusters: db,
	}
	f.w = &wallscan.Workshop{Title: "dubbel"}
	if err := db.CreateWorkshop(ctx, f.w); err != nil {
		t.Fatal(err)
	}
	return f
}

// add stores a photo of n notes on the wall, unprocessed.
func (f *dedupeFixture) add(wall string, n int) *wallscan.Photo {
	f.t.Helper()
	p := &wallscan.Photo{WorkshopID: f.w.ID, Wall: wall}
	f.added++
	if err := f.db.AddPhoto(context.Background(), p, fmt.Appendf(nil, "notes=%d photo %d", n, f.added)); err != nil {
		f.t.Fatal(err)
	}
	return p
}

// process stores and processes a photo, and returns the photo's notes.
func (f *dedupeFixture) process(wall string, n int) (*wallscan.Photo, []*wallscan.Note) {
	f.t.Helper()
	p := f.add(wall, n)
	if err := f.proc.ProcessPhoto(context.Background(), p.ID); err != nil {
		f.t.Fatalf("ProcessPhoto: %v", err)
	}
	return f.photo(p.ID)
}

func (f *dedupeFixture) photo(id int64) (*wallscan.Photo, []*wallscan.Note) {
	f.t.Helper()
	p, err := f.db.Photo(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	notes, err := f.db.Notes(context.Background(), wallscan.NoteFilter{PhotoID: id})
	if err != nil {
		f.t.Fatal(err)
	}
	return p, notes
}

func duplicateOf(notes []*wallscan.Note) []int64 {
	out := make([]int64, len(notes))
	for i, n := range notes {
		out[i] = n.DuplicateOf
	}
	return out
}

// TestProcessorDedupe: the Processor matches a photo against the earlier
// photos of its wall (the wall's name compared without case and
// surrounding space), stores duplicates pointing at the first appearance,
// and neither reads nor groups them; photos of another wall or without a
// wall name are not matched.
func TestProcessorDedupe(t *testing.T) {
	f := newDedupeFixture(t)
	_, first := f.process("Muur A", 3)
	second, secondNotes := f.process(" muur a", 5)
	if got, want := duplicateOf(secondNotes), []int64{first[0].ID, first[1].ID, first[2].ID, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("second shot: DuplicateOf = %v, want %v", got, want)
	}
	if got, want := [2]int{second.NotesFound, second.NotesRead}, [2]int{2, 2}; got != want {
		t.Errorf("second shot: found, read = %v, want %v (its own notes)", got, want)
	}
	if got, want := f.reader.n, 3+2; got != want {
		t.Errorf("%d notes read, want %d (duplicates are not read)", got, want)
	}
	for _, n := range secondNotes[:3] {
		if n.Read || n.Text != "" || n.ClusterID != 0 {
			t.Errorf("duplicate %d: read %v, text %q, cluster %d; want none", n.Index, n.Read, n.Text, n.ClusterID)
		}
	}

	// A third shot overlaps both; the matcher names the second shot's
	// notes, duplicates among them: stored is the first appearance.
	_, third := f.process("Muur A", 6)
	if len(third) != 6 {
		t.Fatalf("third shot: %d notes stored, want 6", len(third))
	}
	want := []int64{first[0].ID, first[1].ID, first[2].ID, secondNotes[3].ID, secondNotes[4].ID, 0}
	if got := duplicateOf(third); !slices.Equal(got, want) {
		t.Errorf("third shot: DuplicateOf = %v, want %v", got, want)
	}
	// The last grouping saw every physical note once.
	var all []string
	for _, ns := range [][]*wallscan.Note{first, secondNotes[3:], third[5:]} {
		for _, n := range ns {
			all = append(all, fmt.Sprint(n.ID))
		}
	}
	slices.Sort(all)
	got := slices.Clone(f.grouper.keys)
	slices.Sort(got)
	if !slices.Equal(got, all) {
		t.Errorf("grouped notes %v, want %v (each physical note once)", got, all)
	}

	// Another wall, and a photo without a wall name: never matched.
	calls := len(f.matcher.calls)
	_, other := f.process("Muur B", 6)
	_, unnamed := f.process("", 6)
	for _, ns := range [][]*wallscan.Note{other, unnamed} {
		if got := duplicateOf(ns); slices.ContainsFunc(got, func(id int64) bool { return id != 0 }) {
			t.Errorf("photo %d of another wall has duplicates %v", ns[0].PhotoID, got)
		}
	}
	if got, want := len(f.matcher.calls), calls; got != want {
		t.Errorf("the matcher was called %d times for photos with no earlier photo of their wall, want 0", got-want)
	}
}

// TestProcessorDedupeEarlierShots: the matcher gets only earlier photos
// of the wall whose notes are stored (not one still waiting to be
// segmented, not a later one), at most MaxMatchedShots of them, oldest
// first.
func TestProcessorDedupeEarlierShots(t *testing.T) {
	f := newDedupeFixture(t)
	for i := range wallscan.MaxMatchedShots + 2 {
		f.process("Muur A", 1+i%3) // note counts 1, 2, 3, 1, 2, ...
	}
	waiting := f.add("Muur A", 4) // queued: its notes are not known yet
	f.matcher.calls = nil
	last := f.add("Muur A", 2)
	if err := f.proc.ProcessPhoto(context.Background(), last.ID); err != nil {
		t.Fatal(err)
	}
	if len(f.matcher.calls) != 1 {
		t.Fatalf("matcher called %d times, want 1", len(f.matcher.calls))
	}
	var want []int
	for i := 2; i < wallscan.MaxMatchedShots+2; i++ {
		want = append(want, 1+i%3)
	}
	if got := f.matcher.calls[0]; !slices.Equal(got, want) {
		t.Errorf("earlier shots had %v notes, want %v (the latest %d processed, oldest first)", got, want, wallscan.MaxMatchedShots)
	}
	// The waiting photo, processed now, is matched with the same earlier
	// photos: not with the later one (2 notes), though it is done.
	f.matcher.calls = nil
	if err := f.proc.ProcessPhoto(context.Background(), waiting.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.matcher.calls[0]; !slices.Equal(got, want) {
		t.Errorf("the waiting photo was matched with shots of %v notes, want %v (lower IDs only)", got, want)
	}
}

// TestProcessorDedupeRerun: the dedupe is part of the segment step's one
// transaction. A step cut off and run again (the job resumed after a
// crash) stores the same notes and duplicates, never a double; a matcher
// failure stores nothing, is retried (not blamed on the photo) and then
// succeeds.
func TestProcessorDedupeRerun(t *testing.T) {
	ctx := context.Background()
	f := newDedupeFixture(t)
	_, first := f.process("Muur A", 3)
	_, before := f.process("Muur A", 4)

	// The job is resumed as if the process died after ReplaceNotes but
	// before the photo's status moved on.
	seg := wallscan.PhotoSegmenting
	if err := f.db.UpdatePhoto(ctx, before[0].PhotoID, wallscan.PhotoUpdate{Status: &seg}); err != nil {
		t.Fatal(err)
	}
	if err := f.proc.ProcessPhoto(ctx, before[0].PhotoID); err != nil {
		t.Fatal(err)
	}
	p, after := f.photo(before[0].PhotoID)
	if got, want := duplicateOf(after), duplicateOf(before); !slices.Equal(got, want) || len(after) != len(before) {
		t.Errorf("run again: %d notes, DuplicateOf %v; want %d, %v", len(after), got, len(before), want)
	}
	if got, want := duplicateOf(after), []int64{first[0].ID, first[1].ID, first[2].ID, 0}; !slices.Equal(got, want) {
		t.Errorf("DuplicateOf = %v, want %v", got, want)
	}
	if p.Status != wallscan.PhotoDone || p.NotesFound != 1 {
		t.Errorf("photo after the rerun: %s, %d found; want done, 1", p.Status, p.NotesFound)
	}

	// The matcher fails: matching again would fail again, so the photo
	// goes on without dedupe rather than failing after its retries; every
	// note is read and counted.
	// (On a wall of its own, so that the photo kept is no earlier shot of
	// Muur A below.)
	if err := f.proc.ProcessPhoto(ctx, f.add("Muur C", 5).ID); err != nil {
		t.Fatal(err)
	}
	f.matcher.err = wallscan.Errorf(wallscan.EINVALID, "Earlier shot 1 cannot be decoded.")
	ph := f.add("Muur C", 5)
	if err := f.proc.ProcessPhoto(ctx, ph.ID); err != nil {
		t.Fatalf("ProcessPhoto with a failing matcher = %v, want the photo processed without dedupe", err)
	}
	p, notes := f.photo(ph.ID)
	if p.Status != wallscan.PhotoDone || len(notes) != 5 || p.NotesFound != 5 || p.NotesRead != 5 {
		t.Errorf("after a matcher failure: %s, %d notes stored, %d found, %d read; want done, 5, 5, 5", p.Status, len(notes), p.NotesFound, p.NotesRead)
	}
	for _, n := range notes {
		if n.DuplicateOf != 0 {
			t.Errorf("note %d is a duplicate of %d after a failed match", n.Index, n.DuplicateOf)
		}
	}
	f.matcher.err = nil

	// The first shot's notes are stored anew while the matcher works
	// (its note 3 no longer found): the duplicate of it that the match
	// named is refused by the store; the photo is not blamed, and the
	// retry matches afresh.
	f.matcher.during = func() {
		f.matcher.during = nil
		seg, err := fakeSegmenter{}.Segment(ctx, []byte("notes=2"))
		if err != nil {
			t.Fatal(err)
		}
		ns := make([]*wallscan.Note, len(seg.Notes))
		for i, fn := range seg.Notes {
			ns[i] = &wallscan.Note{Index: i + 1, Polygon: fn.Polygon, BBox: fn.Polygon.Bounds(), Color: fn.Color}
		}
		if err := f.db.ReplaceNotes(ctx, first[0].PhotoID, seg, ns); err != nil {
			t.Fatal(err)
		}
	}
	ph = f.add("Muur A", 3)
	err := f.proc.ProcessPhoto(ctx, ph.ID)
	if err == nil || wallscan.ErrorCode(err) == wallscan.EINVALID {
		t.Fatalf("ProcessPhoto while an original vanished = %v, want an error to retry (not EINVALID)", err)
	}
	if p, notes := f.photo(ph.ID); p.Status == wallscan.PhotoFailed || len(notes) != 0 {
		t.Errorf("after the refused store: %s with %d notes, want not failed and none stored", p.Status, len(notes))
	}
	if err := f.proc.ProcessPhoto(ctx, ph.ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if _, notes := f.photo(ph.ID); len(notes) != 3 || notes[0].DuplicateOf == 0 || notes[2].DuplicateOf == 0 {
		t.Errorf("the retry stored %v, want 3 notes, all duplicates (note 3 of a later shot)", duplicateOf(notes))
	}

	// A cancelled job returns the context's error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	f.matcher.err = context.Canceled
	if err := f.proc.ProcessPhoto(cctx, f.add("Muur A", 2).ID); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}
