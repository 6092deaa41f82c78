package capture

import (
	"context"
	"fmt"
	"os"
	"testing"

	"wallscan"
	"wallscan/synth"
)

// shotScore counts, over a wall photographed in several shots, the found
// notes left after dropping reported duplicates, how many of them are
// still the same physical note twice, and duplicates reported between
// different notes.
type shotScore struct {
	kept, leftDup, wrong, reported int
}

func (s shotScore) String() string {
	return fmt.Sprintf("kept %d, duplicates left %d (%.1f%%), wrong matches %d, reported %d",
		s.kept, s.leftDup, 100*float64(s.leftDup)/float64(max(s.kept, 1)), s.wrong, s.reported)
}

// truthIDs returns the truth note ID each found note matches (IoU >= 0.5),
// or -1.
func truthIDs(truth []synth.TruthNote, seg *wallscan.Segmentation) []int {
	ids := make([]int, len(seg.Notes))
	for j, n := range seg.Notes {
		ids[j] = -1
		best := 0.5
		for _, t := range truth {
			if v := quadIoU(fromWallQuad(t.Polygon), fromWallQuad(n.Polygon)); v >= best {
				best, ids[j] = v, t.ID
			}
		}
	}
	return ids
}

func evalShots(tb testing.TB, opt synth.Options, shots int) shotScore {
	tb.Helper()
	segmented, ids := segmentedShots(tb, opt, shots)
	in := make([]WallShot, len(segmented))
	for i, s := range segmented {
		in[i] = WallShot{Photo: s.Photo, Seg: s.Segmentation}
	}
	dups, err := MatchShots(context.Background(), in)
	if err != nil {
		tb.Fatal(err)
	}
	var sc shotScore
	dropped := map[[2]int]bool{}
	for _, d := range dups {
		dropped[[2]int{d.Shot, d.Note}] = true
		// Pairing two different real notes is wrong; pairing a false
		// detection with itself in another shot is not.
		a, b := ids[d.Shot][d.Note], ids[d.OfShot][d.OfNote]
		if a >= 0 && b >= 0 && a != b {
			sc.wrong++
		}
	}
	sc.reported = len(dups)
	seen := map[int]int{}
	for s := range in {
		for n := range in[s].Seg.Notes {
			if dropped[[2]int{s, n}] {
				continue
			}
			sc.kept++
			if id := ids[s][n]; id >= 0 {
				seen[id]++
			}
		}
	}
	for _, c := range seen {
		sc.leftDup += c - 1
	}
	return sc
}

// TestMatchShots photographs one wall in three overlapping shots: matching
// must leave few notes twice and pair no different notes.
func TestMatchShots(t *testing.T) {
	n, w, h := 1, 2400, 1800 // small photos keep the default run short
	if v := os.Getenv("WALLSCAN_EVAL"); v != "" {
		fmt.Sscan(v, &n)
		w, h = 4000, 3000
	}
	for _, lv := range []synth.Level{synth.LevelStandard, synth.LevelHard} {
		var total shotScore
		for seed := int64(1); seed <= int64(n); seed++ {
			s := evalShots(t, synth.Options{Seed: seed, Level: lv, Notes: 30, Width: w, Height: h}, 3)
			t.Logf("%s seed %d: %s", lv, seed, s)
			total.kept += s.kept
			total.leftDup += s.leftDup
			total.wrong += s.wrong
			total.reported += s.reported
		}
		t.Logf("%s: %s", lv, total)
		if total.reported == 0 {
			t.Errorf("%s: no duplicates found across three overlapping shots", lv)
		}
		if rate := float64(total.leftDup) / float64(max(total.kept, 1)); rate > 0.05 {
			t.Errorf("%s: %.1f%% of kept notes are duplicates, want <= 5%%", lv, 100*rate)
		}
		if total.wrong > total.reported/20 {
			t.Errorf("%s: %d of %d reported duplicates pair different notes", lv, total.wrong, total.reported)
		}
	}
}

// TestMatchShotsNoOverlap: two different walls share no notes.
func TestMatchShotsNoOverlap(t *testing.T) {
	var in []WallShot
	for seed := int64(11); seed <= 12; seed++ {
		w, err := synth.Generate(synth.Options{Seed: seed, Level: synth.LevelEasy, Width: 2000, Height: 1500})
		if err != nil {
			t.Fatal(err)
		}
		data, _ := w.JPEG(90)
		s, err := NewSegmenter(Options{}).Segment(context.Background(), data)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, WallShot{Photo: data, Seg: s})
	}
	dups, err := MatchShots(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(dups) != 0 {
		t.Errorf("%d duplicates between two different walls: %+v", len(dups), dups)
	}
}
