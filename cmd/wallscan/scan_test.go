package main

import (
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wallscan"
	"wallscan/bench"
	"wallscan/synth"
)

// writeWall generates a synthetic wall and writes it as a JPEG in dir.
func writeWall(t *testing.T, dir, name string, opt synth.Options) (string, *synth.Wall) {
	t.Helper()
	w, err := synth.Generate(opt)
	if err != nil {
		t.Fatal(err)
	}
	data, err := w.JPEG(90)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, w
}

func decodeScan(t *testing.T, stdout string) scanOutput {
	t.Helper()
	var out scanOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
	}
	return out
}

func quadOf(poly [][2]int) wallscan.Quad {
	var q wallscan.Quad
	for i := range min(4, len(poly)) {
		q[i] = image.Pt(poly[i][0], poly[i][1])
	}
	return q
}

// TestScanPrintedWall is the foundation's promise: on a 4000x3000 photo of
// 20 printed notes on a plain wall, scan finds at least 18 notes and reads
// most texts correctly, and groups them.
func TestScanPrintedWall(t *testing.T) {
	dir := t.TempDir()
	path, wall := writeWall(t, dir, "wall-a.jpg", synth.Options{
		Seed: 7, Level: synth.LevelEasy, Width: 4000, Height: 3000, Notes: 20, Printed: true, Background: "plaster",
	})
	code, stdout, stderr := runCmd(t, "", "scan", "--json", path)
	if code != 0 {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr)
	}
	out := decodeScan(t, stdout)
	if got, want := len(out.Photos), 1; got != want {
		t.Fatalf("photos = %d, want %d", got, want)
	}
	p := out.Photos[0]
	if got, want := [2]int{p.Width, p.Height}, [2]int{4000, 3000}; got != want {
		t.Errorf("size = %v, want %v", got, want)
	}

	truth := make([]wallscan.Quad, len(wall.Notes))
	for i, n := range wall.Notes {
		truth[i] = n.Polygon
	}
	found := make([]wallscan.Quad, len(p.Notes))
	for i, n := range p.Notes {
		found[i] = quadOf(n.Polygon)
	}
	matches := bench.MatchNotes(truth, found, 0.5)
	if got := len(matches); got < 18 {
		t.Errorf("found %d of 20 notes at IoU >= 0.5, want >= 18", got)
	}
	readWell := 0
	for _, m := range matches {
		if bench.CER(wall.Notes[m.Truth].Text, p.Notes[m.Pred].Text) <= 0.2 {
			readWell++
		}
	}
	if readWell < 14 {
		t.Errorf("read %d of 20 texts with CER <= 0.2, want most (>= 14)", readWell)
		for _, m := range matches {
			t.Logf("truth %q\n  read %q", wall.Notes[m.Truth].Text, p.Notes[m.Pred].Text)
		}
	}
	if len(out.Clusters) == 0 {
		t.Error("no clusters")
	}
	grouped := 0
	for _, c := range out.Clusters {
		grouped += len(c.Notes)
	}
	if got, want := grouped, len(p.Notes); got != want {
		t.Errorf("clusters hold %d notes, want all %d", got, want)
	}
}

// TestScanBadFiles: a missing and a broken photo each get an error, the
// good one is still processed, and the exit code is 1.
func TestScanBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, _ := writeWall(t, dir, "good.jpg", synth.Options{Seed: 3, Level: synth.LevelEasy, Width: 1600, Height: 1200, Notes: 6, Printed: true})
	broken := filepath.Join(dir, "broken.jpg")
	data, _ := os.ReadFile(good)
	os.WriteFile(broken, data[:len(data)/2], 0o644)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a photo"), 0o644)

	code, stdout, stderr := runCmd(t, "", "scan", "--json", "--no-ocr", filepath.Join(dir, "missing.jpg"), broken, text, good)
	if got, want := code, 1; got != want {
		t.Errorf("exit code = %d, want %d", got, want)
	}
	out := decodeScan(t, stdout)
	if got, want := len(out.Photos), 4; got != want {
		t.Fatalf("photos = %d, want %d", got, want)
	}
	for i, want := range []string{"no such file", "truncated", "not a photo", ""} {
		p := out.Photos[i]
		if want == "" {
			if p.Error != "" || len(p.Notes) == 0 {
				t.Errorf("%s: error %q, %d notes; want notes and no error", p.Path, p.Error, len(p.Notes))
			}
			continue
		}
		if !strings.Contains(p.Error, want) {
			t.Errorf("%s: error = %q, want it to say %q", p.Path, p.Error, want)
		}
		if !strings.Contains(stderr, filepath.Base(p.Path)) {
			t.Errorf("stderr does not name %s:\n%s", p.Path, stderr)
		}
	}
}
