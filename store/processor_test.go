package store_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wallscan"
	"wallscan/store"
)

// The fakes below stand in for OpenCV, Tesseract and the grouper: this
// test is about the store under the real Processor and job queue.

var words = []string{"privacy", "wetgeving", "systemen", "budget", "privacy", "systemen", "wetgeving", "budget"}

// fakeSegmenter reads "notes=N" from the photo bytes and finds N notes,
// each crop a flat grey that encodes the note's number.
type fakeSegmenter struct{}

func (fakeSegmenter) Segment(_ context.Context, photo []byte) (*wallscan.Segmentation, error) {
	s := string(photo)
	if !strings.HasPrefix(s, "notes=") {
		return nil, wallscan.Errorf(wallscan.EINVALID, "This file is not an image.")
	}
	n, err := strconv.Atoi(strings.Fields(s[len("notes="):])[0])
	if err != nil {
		return nil, wallscan.Errorf(wallscan.EINVALID, "This file is not an image.")
	}
	seg := &wallscan.Segmentation{Width: 1000, Height: 800}
	for i := range n {
		crop := image.NewGray(image.Rect(0, 0, 40, 30))
		for p := range crop.Pix {
			crop.Pix[p] = uint8(20*i + 10)
		}
		q := wallscan.Quad{{10 + 100*i, 10}, {90 + 100*i, 10}, {90 + 100*i, 80}, {10 + 100*i, 80}}
		seg.Notes = append(seg.Notes, wallscan.FoundNote{Polygon: q, Color: wallscan.Yellow,
			RGB: color.RGBA{250, 230, 90, 255}, X: float64(i) / float64(n), Y: 0.1, Crop: crop})
	}
	return seg, nil
}

// fakeReader reads the grey level of a crop back as one of words.
type fakeReader struct{}

func (fakeReader) Read(_ context.Context, crop image.Image) (wallscan.Reading, error) {
	g := color.GrayModel.Convert(crop.At(20, 15)).(color.Gray).Y
	i := (int(g) - 10 + 10) / 20
	return wallscan.Reading{Text: words[i%len(words)], Confidence: 90}, nil
}

// fakeGrouper groups notes by their text and ignores the curation
// entirely, as a grouping that began before the facilitator acted would.
type fakeGrouper struct{}

func (fakeGrouper) Group(_ context.Context, req wallscan.GroupRequest) ([]wallscan.Group, error) {
	by := map[string][]string{}
	for _, n := range req.Notes {
		by[n.Text] = append(by[n.Text], n.Key)
	}
	var texts []string
	for t := range by {
		texts = append(texts, t)
	}
	sort.Strings(texts)
	var gs []wallscan.Group
	for _, t := range texts {
		gs = append(gs, wallscan.Group{Key: "g-" + t, Label: t, Keywords: []string{t}, Notes: by[t]})
	}
	return gs, nil
}

func TestProcessorOnStore(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"),
		store.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		store.WithPollInterval(20*time.Millisecond),
		store.WithRetryDelay(func(int) time.Duration { return 10 * time.Millisecond }))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	broker := wallscan.NewBroker()
	proc := &wallscan.Processor{
		Pipeline:  &wallscan.Pipeline{Segmenter: fakeSegmenter{}, Reader: fakeReader{}, Grouper: fakeGrouper{}, Workers: 2},
		Workshops: db, Photos: db, Notes: db, Clusters: db, Events: broker,
	}
	if err := db.StartWorkers(ctx, proc.ProcessPhoto, 2); err != nil {
		t.Fatal(err)
	}
	w := &wallscan.Workshop{Title: "w"}
	if err := db.CreateWorkshop(ctx, w); err != nil {
		t.Fatal(err)
	}

	// Kiosks upload at once; one file is not an image.
	const uploads = 8
	var wg sync.WaitGroup
	photos := make([]*wallscan.Photo, uploads+1)
	errs := make(chan error, uploads+1)
	for i := range uploads + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := fmt.Sprintf("notes=%d photo %d", 2+i%3, i)
			if i == uploads {
				data = "%PDF-1.4"
			}
			p := &wallscan.Photo{WorkshopID: w.ID, Wall: "muur"}
			errs <- db.AddPhoto(ctx, p, []byte(data))
			photos[i] = p
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("AddPhoto: %v", err)
		}
	}
	for _, p := range photos {
		waitFor(t, func() bool {
			got, err := db.Photo(ctx, p.ID)
			return err == nil && (got.Status == wallscan.PhotoDone || got.Status == wallscan.PhotoFailed)
		})
	}

	var total int
	for i, p := range photos {
		got, _ := db.Photo(ctx, p.ID)
		if i == uploads {
			if got.Status != wallscan.PhotoFailed || got.Error == "" {
				t.Errorf("non-image photo: status %s error %q", got.Status, got.Error)
			}
			continue
		}
		want := 2 + i%3
		if got.Status != wallscan.PhotoDone || got.NotesFound != want || got.NotesRead != want || got.Width != 1000 {
			t.Errorf("photo %d: %+v, want done with %d notes read", i, got, want)
		}
		notes, err := db.Notes(ctx, wallscan.NoteFilter{PhotoID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != want {
			t.Errorf("photo %d has %d notes, want %d", i, len(notes), want)
		}
		for j, n := range notes {
			if n.Text != words[j] || !n.Read || n.ClusterID == 0 {
				t.Errorf("photo %d note %d: text %q read %v cluster %d, want %q in a cluster", i, j, n.Text, n.Read, n.ClusterID, words[j])
			}
		}
		total += len(notes)
	}
	clusters, err := db.Clusters(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	var grouped int
	for _, c := range clusters {
		grouped += len(c.NoteIDs)
		for _, id := range c.NoteIDs {
			n, _ := db.Note(ctx, id)
			if n.Text != c.Label {
				t.Errorf("note %q in cluster %q", n.Text, c.Label)
			}
		}
	}
	if grouped != total || len(clusters) != 4 {
		t.Errorf("%d clusters hold %d of %d notes, want 4 holding all", len(clusters), grouped, total)
	}
	// River records completions in batches, shortly after the work ends.
	waitFor(t, func() bool {
		counts, err := db.JobCounts(ctx)
		return err == nil && counts["completed"] == uploads+1
	})

	// The facilitator curates; a new grouping (which ignores curation)
	// must not undo it.
	var privacy *wallscan.Cluster
	for _, c := range clusters {
		if c.Label == "privacy" {
			privacy = c
		}
	}
	label, lock := "Privacy en AVG", true
	if _, err := db.UpdateCluster(ctx, privacy.ID, wallscan.ClusterUpdate{Label: &label, Locked: &lock}); err != nil {
		t.Fatal(err)
	}
	notes, _ := db.Notes(ctx, wallscan.NoteFilter{WorkshopID: w.ID})
	var moved int64
	for _, n := range notes {
		if n.Text == "budget" {
			moved = n.ID
			break
		}
	}
	if err := db.MoveNote(ctx, moved, privacy.ID); err != nil {
		t.Fatal(err)
	}
	if err := proc.GroupWorkshop(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	after, _ := db.Clusters(ctx, w.ID)
	var found bool
	for _, c := range after {
		if c.ID == privacy.ID {
			found = true
			if c.Label != label || !c.Locked || len(c.NoteIDs) != len(privacy.NoteIDs)+1 {
				t.Errorf("curated cluster after regrouping: %+v", c)
			}
		}
	}
	if !found {
		t.Error("locked cluster gone after regrouping")
	}
	if n, _ := db.Note(ctx, moved); n.ClusterID != privacy.ID {
		t.Errorf("pinned note moved to %d by regrouping", n.ClusterID)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
