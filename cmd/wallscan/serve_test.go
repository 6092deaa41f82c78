package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"wallscan"
	"wallscan/bench"
	"wallscan/synth"
)

const testPassword = "a long enough test password"

// startServer runs the real wallscan server on a free port with a fresh
// database, the way `wallscan serve` does.
func startServer(t *testing.T, dataDir string) *Server {
	t.Helper()
	s := &Server{
		Addr: "127.0.0.1:0", DataDir: dataDir, Password: testPassword, Workers: 1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// waitPhoto polls a photo until it is done or failed.
func (c *apiClient) waitPhoto(id int64, within time.Duration) wallscan.Photo {
	c.t.Helper()
	deadline := time.Now().Add(within)
	var p wallscan.Photo
	for {
		if code := c.json("GET", fmt.Sprintf("/api/v1/photos/%d", id), nil, &p); code != http.StatusOK {
			c.t.Fatalf("photo %d: status %d", id, code)
		}
		if p.Status == wallscan.PhotoDone || p.Status == wallscan.PhotoFailed {
			return p
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("photo %d still %s after %v", id, p.Status, within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestServeEndToEnd runs the real server with the real pipeline: a
// facilitator logs in, creates a workshop, uploads a generated photo, and
// finds the notes read and grouped through the API.
func TestServeEndToEnd(t *testing.T) {
	s := startServer(t, t.TempDir())
	c := newAPIClient(t, s.URL())

	if code := c.json("GET", "/api/v1/workshops", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("API without login: status %d, want 401", code)
	}
	c.login()

	w := c.createWorkshop(map[string]any{"title": "I-drempels Toeslagen", "case": "Dienst Toeslagen"})
	if code := c.json("GET", fmt.Sprintf("/api/v1/workshops/%d", w.ID+1000), nil, nil); code != http.StatusNotFound {
		t.Errorf("unknown workshop: status %d, want 404", code)
	}

	wall := printedWall(t, 11, 10)
	photo, _ := wall.JPEG(90)
	uploadPath := fmt.Sprintf("/api/v1/workshops/%d/photos", w.ID)
	if code := c.upload(uploadPath, "notes.txt", []byte("geen foto"), nil); code != http.StatusUnsupportedMediaType {
		t.Errorf("non-image upload: status %d, want 415", code)
	}
	if code := c.upload(uploadPath, "half.jpg", photo[:len(photo)/2], nil); code != http.StatusBadRequest {
		t.Errorf("truncated JPEG: status %d, want 400", code)
	}
	var p wallscan.Photo
	if code := c.upload(uploadPath, "wall.jpg", photo, &p); code != http.StatusCreated {
		t.Fatalf("upload: status %d", code)
	}
	p = c.waitPhoto(p.ID, 3*time.Minute)
	if p.Status != wallscan.PhotoDone {
		t.Fatalf("photo status %s (%s), want done", p.Status, p.Error)
	}

	var notes []wallscan.Note
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notes)
	truth := make([]wallscan.Quad, len(wall.Notes))
	for i, n := range wall.Notes {
		truth[i] = n.Polygon
	}
	found := make([]wallscan.Quad, len(notes))
	for i, n := range notes {
		found[i] = n.Polygon
	}
	matches := bench.MatchNotes(truth, found, 0.5)
	if got := len(matches); got < 9 {
		t.Errorf("found %d of 10 notes, want >= 9", got)
	}
	readWell := 0
	for _, m := range matches {
		if bench.CER(wall.Notes[m.Truth].Text, notes[m.Pred].Text) <= 0.2 {
			readWell++
		}
	}
	if readWell < 7 {
		t.Errorf("read %d of 10 texts well, want >= 7", readWell)
	}

	var clusters []wallscan.Cluster
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/clusters", w.ID), nil, &clusters)
	grouped := 0
	for _, cl := range clusters {
		grouped += len(cl.NoteIDs)
	}
	if got, want := grouped, len(notes); got != want || len(clusters) == 0 {
		t.Errorf("%d clusters hold %d notes, want all %d", len(clusters), got, want)
	}
}

// TestServeEmptyWall: a photo without notes is processed, has no notes and
// says so.
func TestServeEmptyWall(t *testing.T) {
	s := startServer(t, t.TempDir())
	c := newAPIClient(t, s.URL())
	c.login()
	w := c.createWorkshop(map[string]any{"title": "Leeg"})
	photo := emptyWallJPEG(t, 1600, 1200)
	var p wallscan.Photo
	if code := c.upload(fmt.Sprintf("/api/v1/workshops/%d/photos", w.ID), "leeg.jpg", photo, &p); code != http.StatusCreated {
		t.Fatalf("upload: status %d", code)
	}
	p = c.waitPhoto(p.ID, time.Minute)
	if got, want := p.Status, wallscan.PhotoDone; got != want {
		t.Errorf("status = %s, want %s", got, want)
	}
	if p.NotesFound != 0 || !strings.Contains(strings.Join(p.Quality.Warnings, ","), wallscan.WarnNoNotes) {
		t.Errorf("notes %d, warnings %v; want 0 and %q", p.NotesFound, p.Quality.Warnings, wallscan.WarnNoNotes)
	}
}

// emptyWallJPEG draws a bare plaster wall: light, slightly uneven, no notes.
func emptyWallJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(225 + 20*x/w - 10*y/h)
			img.SetRGBA(x, y, color.RGBA{v, v, v - 6, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// printedWall generates a small easy wall of n printed notes.
func printedWall(t *testing.T, seed int64, n int) *synth.Wall {
	t.Helper()
	wall, err := synth.Generate(synth.Options{Seed: seed, Level: synth.LevelEasy, Width: 2400, Height: 1800, Notes: n, Printed: true})
	if err != nil {
		t.Fatal(err)
	}
	return wall
}

func printedWallJPEG(t *testing.T, seed int64, n int) []byte {
	t.Helper()
	data, err := printedWall(t, seed, n).JPEG(90)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
