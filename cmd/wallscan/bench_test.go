package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wallscan/bench"
)

// TestBenchOnGeneratedSet runs the real pipeline (OpenCV, Tesseract, the
// grouper) on one generated wall and checks the figures come out whole.
func TestBenchOnGeneratedSet(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCmd(t, "", "gen", dir, "--n", "1", "--seed", "3", "--level", "easy", "--notes", "5", "--printed"); code != 0 {
		t.Fatalf("gen: exit code %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "bench.json")
	code, stdout, stderr := runCmd(t, "", "bench", "--set", dir, "--no-peers", "--json", out)
	if code != 0 {
		t.Fatalf("bench: exit code %d: %s", code, stderr)
	}
	for _, want := range []string{"| segmentation precision / recall / F1 (IoU >= 0.5) |", "| text recall", "| ARI / NMI whole set |", "| peak memory (VmHWM) |"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Photos, 1; got != want {
		t.Errorf("photos = %d, want %d", got, want)
	}
	if got, want := rep.Notes, 5; got != want {
		t.Errorf("notes = %d, want %d", got, want)
	}
	if rep.OCR == nil || rep.Cluster == nil || rep.Speed.PeakMemoryMB <= 0 {
		t.Errorf("report lacks figures: %s", data)
	}
	// Five printed notes, well apart on an easy wall: most must be found.
	if rep.Segmentation.Recall < 0.6 {
		t.Errorf("recall %.2f on an easy wall of printed notes", rep.Segmentation.Recall)
	}
}

func TestBenchBadSet(t *testing.T) {
	code, _, stderr := runCmd(t, "", "bench", "--set", t.TempDir())
	if got, want := code, 1; got != want {
		t.Errorf("exit code = %d, want %d", got, want)
	}
	if !strings.Contains(stderr, "wallscan gen") {
		t.Errorf("stderr %q does not say how to make a set", stderr)
	}
	if code, _, _ := runCmd(t, "", "bench", "--level", "extreme"); code != 2 {
		t.Errorf("bad level: exit code %d, want 2", code)
	}
}
