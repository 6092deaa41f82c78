package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wallscan"
	"wallscan/bench"
	"wallscan/synth"
)

// overlappingShots photographs one wall of printed notes in two
// overlapping shots (the physical note IDs are the same in both).
func overlappingShots(t *testing.T, seed int64, notes int) []*synth.Wall {
	t.Helper()
	walls, err := synth.GenerateShots(synth.Options{Seed: seed, Level: synth.LevelEasy, Width: 2000, Height: 1500,
		Notes: notes, Printed: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	return walls
}

// physicalIDs returns, per found note, the ID of the physical note it
// shows on the wall (IoU >= 0.5 with the truth), or -1.
func physicalIDs(w *synth.Wall, found []wallscan.Quad) []int {
	truth := make([]wallscan.Quad, len(w.Notes))
	for i, n := range w.Notes {
		truth[i] = n.Polygon
	}
	ids := make([]int, len(found))
	for i := range ids {
		ids[i] = -1
	}
	for _, m := range bench.MatchNotes(truth, found, 0.5) {
		ids[m.Pred] = w.Notes[m.Truth].ID
	}
	return ids
}

// TestScanDedupesOverlappingShots: two overlapping shots of one wall and
// a photo of another wall in one scan. The notes the second shot shares
// with the first name their first appearance in "duplicate_of", are not
// read and are in no cluster; every physical note is left about once;
// the other wall's photo has no duplicates. With --no-dedupe nothing is
// matched.
func TestScanDedupesOverlappingShots(t *testing.T) {
	dir := t.TempDir()
	shots := overlappingShots(t, 9, 16)
	var paths []string
	for i, w := range shots {
		data, err := w.JPEG(90)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("shot-%d.jpg", i+1)))
		if err := os.WriteFile(paths[i], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	otherPath, other := writeWall(t, dir, "other.jpg", synth.Options{Seed: 31, Level: synth.LevelEasy, Width: 2000, Height: 1500, Notes: 10, Printed: true})
	walls := append(shots, other)
	paths = append(paths, otherPath)

	code, stdout, stderr := runCmd(t, "", append([]string{"scan", "--json"}, paths...)...)
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	out := decodeScan(t, stdout)
	if got, want := len(out.Photos), 3; got != want {
		t.Fatalf("photos = %d, want %d", got, want)
	}
	ids := map[string]int{} // note key -> physical note ID (per wall)
	byKey := map[string]noteJSON{}
	for p, pj := range out.Photos {
		found := make([]wallscan.Quad, len(pj.Notes))
		for i, n := range pj.Notes {
			found[i] = quadOf(n.Polygon)
		}
		for i, id := range physicalIDs(walls[p], found) {
			ids[pj.Notes[i].ID] = id
			byKey[pj.Notes[i].ID] = pj.Notes[i]
		}
	}
	clustered := map[string]int{}
	for _, c := range out.Clusters {
		for _, k := range c.Notes {
			clustered[k]++
		}
	}

	dups, wrong := 0, 0
	for p, pj := range out.Photos {
		for _, n := range pj.Notes {
			if n.DuplicateOf == "" {
				if got, want := clustered[n.ID], 1; got != want {
					t.Errorf("%s is in %d clusters, want %d", n.ID, got, want)
				}
				continue
			}
			dups++
			if p != 1 {
				t.Errorf("%s on photo %d is a duplicate (of %s); only the second shot overlaps an earlier photo", n.ID, p+1, n.DuplicateOf)
				continue
			}
			orig, ok := byKey[n.DuplicateOf]
			if !ok || !strings.HasPrefix(n.DuplicateOf, "shot-1.jpg#") || orig.DuplicateOf != "" {
				t.Errorf("%s: duplicate_of = %q, want a note of shot-1.jpg seen there first", n.ID, n.DuplicateOf)
			}
			if a, b := ids[n.ID], ids[n.DuplicateOf]; a >= 0 && b >= 0 && a != b {
				wrong++
				t.Errorf("%s (note %d on the wall) is named a duplicate of %s (note %d)", n.ID, a, n.DuplicateOf, b)
			}
			if n.Text != "" || n.Confidence != 0 {
				t.Errorf("duplicate %s was read: %q", n.ID, n.Text)
			}
			if clustered[n.ID] != 0 {
				t.Errorf("duplicate %s is in a cluster", n.ID)
			}
		}
	}
	// Every physical note of the first wall is kept about once.
	var physical []int
	for _, pj := range out.Photos[:2] {
		for _, n := range pj.Notes {
			if n.DuplicateOf == "" {
				physical = append(physical, ids[n.ID])
			}
		}
	}
	kept, left := countKept(physical)
	t.Logf("two shots: %d duplicates named, %d notes kept, %d of them the same physical note twice", dups, kept, left)
	if dups == 0 {
		t.Fatal("no duplicates across two overlapping shots")
	}
	if left*20 > kept {
		t.Errorf("%d of %d kept notes are the same physical note twice, want <= 5%%", left, kept)
	}

	// Without dedupe, every copy stays.
	code, stdout, stderr = runCmd(t, "", append([]string{"scan", "--json", "--no-ocr", "--no-cluster", "--no-dedupe"}, paths[:2]...)...)
	if code != 0 {
		t.Fatalf("--no-dedupe: exit code %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stdout, "duplicate_of") {
		t.Errorf("--no-dedupe still names duplicates:\n%s", stdout)
	}
	// The text output says where a duplicate was seen first.
	code, stdout, _ = runCmd(t, "", append([]string{"scan", "--no-ocr", "--no-cluster"}, paths[:2]...)...)
	if code != 0 || !strings.Contains(stdout, "= shot-1.jpg#") {
		t.Errorf("text output (exit %d) does not name first appearances:\n%s", code, stdout)
	}
}

// uploadToWall uploads a photo as a photo of the named wall and waits
// until it is processed.
func uploadToWall(t *testing.T, c *apiClient, workshopID int64, name string, photo []byte, wall string) wallscan.Photo {
	t.Helper()
	body, ct := uploadBody(name, photo, wall)
	var p wallscan.Photo
	if code := c.do("POST", fmt.Sprintf("/api/v1/workshops/%d/photos", workshopID), ct, bytes.NewReader(body), &p); code != http.StatusCreated {
		t.Fatalf("upload %s: status %d", name, code)
	}
	p = c.waitPhoto(p.ID, 3*time.Minute)
	if p.Status != wallscan.PhotoDone {
		t.Fatalf("%s: status %s (%s), want done", name, p.Status, p.Error)
	}
	return p
}

// TestServeDedupesOverlappingShots runs the real server with the real
// pipeline: two overlapping shots of "Muur A" are uploaded one after the
// other, then the first shot again as a photo of "Muur B". The notes the
// second shot shares with the first are stored as duplicates of them,
// are not read and not grouped, and the clusters and the report count
// every physical note of wall A once; the photo of wall B, though it is
// the very same picture, is never matched with wall A's photos.
func TestServeDedupesOverlappingShots(t *testing.T) {
	s := startServer(t, t.TempDir())
	c := newAPIClient(t, s.URL())
	c.login()
	w := c.createWorkshop(map[string]any{"title": "Twee foto's van één muur"})
	shots := overlappingShots(t, 9, 16)
	var photos []wallscan.Photo
	for i, sh := range shots {
		data, err := sh.JPEG(90)
		if err != nil {
			t.Fatal(err)
		}
		photos = append(photos, uploadToWall(t, c, w.ID, fmt.Sprintf("shot-%d.jpg", i+1), data, "Muur A"))
	}
	firstAgain, _ := shots[0].JPEG(90)
	photos = append(photos, uploadToWall(t, c, w.ID, "shot-1-b.jpg", firstAgain, "Muur B"))

	var notes []wallscan.Note
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notes)
	byPhoto := map[int64][]wallscan.Note{}
	byID := map[int64]wallscan.Note{}
	for _, n := range notes {
		byPhoto[n.PhotoID] = append(byPhoto[n.PhotoID], n)
		byID[n.ID] = n
	}
	ids := map[int64]int{} // note ID -> physical note ID on wall A
	for i, p := range photos[:2] {
		found := make([]wallscan.Quad, len(byPhoto[p.ID]))
		for k, n := range byPhoto[p.ID] {
			found[k] = n.Polygon
		}
		for k, id := range physicalIDs(shots[i], found) {
			ids[byPhoto[p.ID][k].ID] = id
		}
	}

	dups := map[int64]bool{}
	for _, n := range notes {
		if n.DuplicateOf == 0 {
			continue
		}
		dups[n.ID] = true
		orig, ok := byID[n.DuplicateOf]
		switch {
		case n.PhotoID != photos[1].ID:
			t.Errorf("note %d of photo %d is a duplicate; only the second shot of Muur A overlaps an earlier photo of its wall", n.ID, n.PhotoID)
		case !ok || orig.PhotoID != photos[0].ID || n.DuplicateOfPhoto != photos[0].ID:
			t.Errorf("note %d: duplicate of %d (photo %d), want a note of the first shot", n.ID, n.DuplicateOf, n.DuplicateOfPhoto)
		case ids[n.ID] >= 0 && ids[orig.ID] >= 0 && ids[n.ID] != ids[orig.ID]:
			t.Errorf("note %d (wall note %d) named a duplicate of note %d (wall note %d)", n.ID, ids[n.ID], orig.ID, ids[orig.ID])
		}
		if n.Read || n.Text != "" || n.Review {
			t.Errorf("duplicate %d was read: %+v", n.ID, n)
		}
	}
	if len(dups) == 0 {
		t.Fatal("no duplicates stored for two overlapping shots of one wall")
	}

	// Wall A's physical notes, counted once.
	var physical []int
	for _, p := range photos[:2] {
		for _, n := range byPhoto[p.ID] {
			if n.DuplicateOf == 0 {
				physical = append(physical, ids[n.ID])
			}
		}
	}
	kept, left := countKept(physical)
	t.Logf("Muur A: %d notes on two shots, %d duplicates, %d kept, %d of them a physical note twice",
		len(byPhoto[photos[0].ID])+len(byPhoto[photos[1].ID]), len(dups), kept, left)
	if left*20 > kept {
		t.Errorf("%d of %d kept notes of Muur A are a physical note twice, want <= 5%%", left, kept)
	}
	var second wallscan.Photo
	c.json("GET", fmt.Sprintf("/api/v1/photos/%d", photos[1].ID), nil, &second)
	if got, want := second.NotesFound, len(byPhoto[photos[1].ID])-len(dups); got != want {
		t.Errorf("second shot: notes_found = %d, want %d (its notes not on the first shot)", got, want)
	}
	if second.NotesRead != second.NotesFound {
		t.Errorf("second shot: %d of %d notes read", second.NotesRead, second.NotesFound)
	}

	var clusters []wallscan.Cluster
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/clusters", w.ID), nil, &clusters)
	grouped := 0
	for _, cl := range clusters {
		for _, id := range cl.NoteIDs {
			grouped++
			if dups[id] {
				t.Errorf("cluster %q holds duplicate %d", cl.Label, id)
			}
		}
	}
	var rep struct {
		NoteCount int `json:"note_count"`
	}
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/report", w.ID), nil, &rep)
	if want := len(notes) - len(dups); grouped != want || rep.NoteCount != want {
		t.Errorf("clusters hold %d notes, the report counts %d; want %d (every note once)", grouped, rep.NoteCount, want)
	}
}

// TestServeDedupeSurvivesKill runs the real binary as its own process:
// the first shot of a wall is processed, then the server is killed
// (SIGKILL) at several moments while the second, overlapping shot is
// segmented and matched, and started again each time. The database must
// pass its integrity check after every kill, and in the end the second
// shot holds the notes of one segmentation, each duplicate once, with the
// very duplicates that `wallscan scan` of the two shots names: the dedupe
// is stored in the segment step's one transaction, so a kill leaves all
// of it or none, and the resumed step computes it again from the same
// stored first shot.
func TestServeDedupeSurvivesKill(t *testing.T) {
	bin, dir := buildBinary(t), t.TempDir()
	shots := overlappingShots(t, 9, 16)
	var data [][]byte
	var paths []string
	for i, sh := range shots {
		b, err := sh.JPEG(90)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b)
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("shot-%d.jpg", i+1)))
		if err := os.WriteFile(paths[i], b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// What the command line makes of the two shots: the reference.
	cmd := exec.Command(bin, "scan", "--json", "--no-ocr", "--no-cluster", paths[0], paths[1])
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("wallscan scan: %v", err)
	}
	ref := decodeScan(t, string(stdout))
	wantDup := map[int]int{} // index on shot 2 -> index on shot 1
	for i, n := range ref.Photos[1].Notes {
		if n.DuplicateOf != "" {
			var k int
			fmt.Sscanf(strings.TrimPrefix(n.DuplicateOf, "shot-1.jpg#"), "%d", &k)
			wantDup[i+1] = k
		}
	}
	if len(wantDup) == 0 {
		t.Fatal("wallscan scan names no duplicates between the two shots")
	}

	data0 := filepath.Join(dir, "data")
	srv := startProcess(t, bin, data0, io.Discard)
	c := newAPIClient(t, srv.url)
	c.login()
	w := c.createWorkshop(map[string]any{"title": "Stroomstoring"})
	first := uploadToWall(t, c, w.ID, "shot-1.jpg", data[0], "Muur A")
	body, ct := uploadBody("shot-2.jpg", data[1], "Muur A")
	var second wallscan.Photo
	if code := c.do("POST", fmt.Sprintf("/api/v1/workshops/%d/photos", w.ID), ct, bytes.NewReader(body), &second); code != http.StatusCreated {
		t.Fatalf("upload shot 2: status %d", code)
	}

	// Kill while the second shot is segmented and matched, at growing
	// delays, so that some kills come before its notes are stored and
	// some after; start again each time.
	killed := 0
	for _, delay := range []time.Duration{0, 150 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond} {
		var p wallscan.Photo
		deadline := time.Now().Add(time.Minute)
		for {
			c.json("GET", fmt.Sprintf("/api/v1/photos/%d", second.ID), nil, &p)
			if p.Status != wallscan.PhotoQueued || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if p.Status != wallscan.PhotoSegmenting {
			break // it got past the step: the remaining kills would miss it
		}
		time.Sleep(delay)
		srv.kill()
		killed++
		if msg := integrityCheck(t, filepath.Join(data0, "wallscan.db")); msg != "ok" {
			t.Fatalf("after kill %d: integrity_check: %s", killed, msg)
		}
		srv = startProcess(t, bin, data0, io.Discard)
		c = newAPIClient(t, srv.url)
		c.login()
	}
	if killed == 0 {
		t.Fatal("the second shot was never caught while it was segmented")
	}
	p := c.waitPhoto(second.ID, 3*time.Minute)
	if p.Status != wallscan.PhotoDone {
		t.Fatalf("second shot: %s (%s), want done", p.Status, p.Error)
	}

	var notes []wallscan.Note
	c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notes)
	indexOf := map[int64]int{}
	var secondNotes []wallscan.Note
	for _, n := range notes {
		if n.PhotoID == first.ID {
			indexOf[n.ID] = n.Index
		}
		if n.PhotoID == second.ID {
			secondNotes = append(secondNotes, n)
		}
	}
	if got, want := len(secondNotes), len(ref.Photos[1].Notes); got != want {
		t.Errorf("second shot holds %d notes after %d kills, want %d (one segmentation)", got, killed, want)
	}
	gotDup := map[int]int{}
	for _, n := range secondNotes {
		if n.DuplicateOf != 0 {
			gotDup[n.Index] = indexOf[n.DuplicateOf]
			if n.Read {
				t.Errorf("duplicate %d was read", n.Index)
			}
		} else if !n.Read {
			t.Errorf("note %d of the second shot was not read", n.Index)
		}
	}
	if fmt.Sprint(gotDup) != fmt.Sprint(wantDup) {
		t.Errorf("after %d kills the server stored duplicates (index on shot 2: index on shot 1) %v; wallscan scan names %v", killed, gotDup, wantDup)
	}
	if got, want := p.NotesFound, len(secondNotes)-len(gotDup); got != want || p.NotesRead != want {
		t.Errorf("second shot: found %d, read %d; want %d each", got, p.NotesRead, want)
	}
	t.Logf("%d kills while segmenting; %d duplicates, as wallscan scan names them", killed, len(gotDup))
}

// countKept takes the physical note of each note kept (not a duplicate),
// -1 where none is known, and returns how many notes were kept and how
// many of them are a physical note kept before: duplicates left over.
func countKept(physical []int) (kept, left int) {
	seen := map[int]bool{}
	for _, id := range physical {
		if id >= 0 && seen[id] {
			left++
		}
		seen[id] = true
	}
	return len(physical), left
}
