package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"wallscan"
)

// TestBackupWhileServing backs up a running server's database and starts a
// second server from the copy: the workshop, photo, notes and clusters are
// all there.
func TestBackupWhileServing(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data)
	c := newAPIClient(t, s.URL())
	c.login()
	w := c.createWorkshop(map[string]any{"title": "Back-up"})
	var p wallscan.Photo
	if code := c.upload(fmt.Sprintf("/api/v1/workshops/%d/photos", w.ID), "wall.jpg", printedWallJPEG(t, 21, 6), &p); code != http.StatusCreated {
		t.Fatalf("upload: status %d", code)
	}
	c.waitPhoto(p.ID, 2*time.Minute)
	var notes []wallscan.Note
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notes)

	restored := t.TempDir()
	code, _, stderr := runCmd(t, "", "backup", "--data", data, filepath.Join(restored, dbFile))
	if code != 0 {
		t.Fatalf("backup: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCmd(t, "", "backup", "--data", data, filepath.Join(restored, dbFile))
	if code != 1 {
		t.Errorf("backup over an existing file: exit %d (%s), want 1", code, stderr)
	}

	s2 := startServer(t, restored)
	c2 := newAPIClient(t, s2.URL())
	c2.login()
	var w2 wallscan.Workshop
	if code := c2.json("GET", fmt.Sprintf("/api/v1/workshops/%d", w.ID), nil, &w2); code != http.StatusOK {
		t.Fatalf("restored workshop: status %d", code)
	}
	var notes2 []wallscan.Note
	c2.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notes2)
	if !reflect.DeepEqual(noteTexts(notes), noteTexts(notes2)) {
		t.Errorf("restored notes differ:\n got %q\nwant %q", noteTexts(notes2), noteTexts(notes))
	}
	orig, _ := os.ReadFile(filepath.Join(restored, dbFile))
	if len(orig) == 0 {
		t.Error("backup file is empty")
	}
}

func noteTexts(notes []wallscan.Note) []string {
	var out []string
	for _, n := range notes {
		out = append(out, fmt.Sprintf("%d#%d %s", n.PhotoID, n.Index, n.Text))
	}
	return out
}
