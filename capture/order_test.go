package capture

import (
	"context"
	"fmt"
	"testing"

	"wallscan"
)

// TestSegmentOrderAndNeighbours: two rows of notes, the first row a tight
// group of three and a fourth far off; the second row lower down. Notes
// come in reading order, and only notes close together are neighbours.
func TestSegmentOrderAndNeighbours(t *testing.T) {
	notes := []drawnNote{
		{q: square(100, 100, 200, 0), paper: paperYellow},  // 0
		{q: square(340, 110, 200, 0), paper: paperPink},    // 1: gap 40 px from 0
		{q: square(580, 95, 200, 0), paper: paperBlue},     // 2: gap 40 px from 1
		{q: square(1300, 120, 200, 0), paper: paperGreen},  // 3: far right
		{q: square(120, 600, 200, 0), paper: paperGreen},   // 4: second row
		{q: square(1250, 620, 200, 0), paper: paperYellow}, // 5
	}
	got, err := NewSegmenter(Options{}).Segment(context.Background(), encodeJPEG(t, drawWall(1600, 1000, wallWhite, notes, pt{}, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Notes) != len(notes) {
		t.Fatalf("found %d notes, want %d", len(got.Notes), len(notes))
	}
	for i, n := range got.Notes {
		if iou := quadIoU(fromWallQuad(n.Polygon), notes[i].q); iou < 0.85 {
			t.Errorf("note %d in reading order is at %v, want %v (IoU %.2f)", i, n.Polygon, notes[i].q, iou)
		}
	}
	want := map[int]string{0: "[1]", 1: "[0 2]", 2: "[1]", 3: "[]", 4: "[]", 5: "[]"}
	for i, n := range got.Notes {
		if got := fmt.Sprint(n.Neighbours); got != want[i] && !(got == "[]" && want[i] == "[]") {
			t.Errorf("note %d neighbours %s, want %s", i, got, want[i])
		}
	}
	if got, want := got.Notes[3].X, 1400.0/1600; got < want-0.01 || got > want+0.01 {
		t.Errorf("note 3 centre x %.3f, want %.3f", got, want)
	}
}

// TestSegmentManyNotes: a grid of more notes than MaxNotesPerPhoto keeps
// the first MaxNotesPerPhoto in reading order and warns.
func TestSegmentManyNotes(t *testing.T) {
	var notes []drawnNote
	for r := range 23 {
		for c := range 23 {
			notes = append(notes, drawnNote{q: square(80+float64(c)*80, 80+float64(r)*80, 44, 0), paper: paperYellow})
		}
	}
	got, err := NewSegmenter(Options{}).Segment(context.Background(), encodeJPEG(t, drawWall(2000, 2000, wallWhite, notes, pt{}, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(got.Notes), wallscan.MaxNotesPerPhoto; got != want {
		t.Errorf("kept %d notes, want %d", got, want)
	}
	has := map[string]bool{}
	for _, w := range got.Quality.Warnings {
		has[w] = true
	}
	if !has[wallscan.WarnManyNotes] || !has[wallscan.WarnSmall] {
		t.Errorf("warnings %v, want %s and %s", got.Quality.Warnings, wallscan.WarnManyNotes, wallscan.WarnSmall)
	}
}
