package capture

import (
	"context"
	"testing"

	"wallscan"
	"wallscan/synth"
)

// segmentedShots photographs one wall in n overlapping shots, segments
// them, and returns the shots with, per found note, the ID of the
// physical note it shows (-1 for none).
func segmentedShots(tb testing.TB, opt synth.Options, n int) ([]wallscan.Shot, [][]int) {
	tb.Helper()
	walls, err := synth.GenerateShots(opt, n)
	if err != nil {
		tb.Fatal(err)
	}
	seg := NewSegmenter(Options{})
	var shots []wallscan.Shot
	var ids [][]int
	for _, w := range walls {
		data, err := w.JPEG(w.Quality)
		if err != nil {
			tb.Fatal(err)
		}
		s, err := seg.Segment(context.Background(), data)
		if err != nil {
			tb.Fatal(err)
		}
		shots = append(shots, wallscan.Shot{Photo: data, Segmentation: s})
		ids = append(ids, truthIDs(w.Notes, s))
	}
	return shots, ids
}

// TestShotMatcher photographs one wall in three overlapping shots and
// feeds them to the matcher one by one, as the server and `wallscan scan`
// do: each shot against the ones before it. Every physical note must be
// left about once, no two different notes may be paired, and the
// contract holds (each new note once, each earlier note at most once per
// shot, indexes in range).
func TestShotMatcher(t *testing.T) {
	for _, lv := range []synth.Level{synth.LevelStandard, synth.LevelHard} {
		t.Run(string(lv), func(t *testing.T) {
			shots, ids := segmentedShots(t, synth.Options{Seed: 3, Level: lv, Notes: 30, Width: 2400, Height: 1800}, 3)
			m := NewShotMatcher()
			// root[s][n] is the (shot, note) of the first appearance.
			root := make([][][2]int, len(shots))
			var reported, wrong int
			for s := range shots {
				root[s] = make([][2]int, len(shots[s].Segmentation.Notes))
				for n := range root[s] {
					root[s][n] = [2]int{s, n}
				}
				dups, err := m.MatchShot(context.Background(), shots[s], shots[:s])
				if err != nil {
					t.Fatal(err)
				}
				seenNew := map[int]bool{}
				seenOld := map[[2]int]bool{}
				for _, d := range dups {
					if d.Note < 0 || d.Note >= len(root[s]) || d.OfShot < 0 || d.OfShot >= s ||
						d.OfNote < 0 || d.OfNote >= len(root[d.OfShot]) {
						t.Fatalf("shot %d: duplicate out of range: %+v", s, d)
					}
					if seenNew[d.Note] || seenOld[[2]int{d.OfShot, d.OfNote}] {
						t.Errorf("shot %d: a note is paired twice: %+v", s, d)
					}
					seenNew[d.Note], seenOld[[2]int{d.OfShot, d.OfNote}] = true, true
					root[s][d.Note] = root[d.OfShot][d.OfNote]
					reported++
					if a, b := ids[s][d.Note], ids[d.OfShot][d.OfNote]; a >= 0 && b >= 0 && a != b {
						wrong++
					}
				}
			}
			// Count what is left: each kept note (its own root) by its
			// physical note.
			kept, left := 0, 0
			seen := map[int]bool{}
			for s := range root {
				for n, r := range root[s] {
					if r != [2]int{s, n} {
						continue
					}
					kept++
					if id := ids[s][n]; id >= 0 {
						if seen[id] {
							left++
						}
						seen[id] = true
					}
				}
			}
			t.Logf("%s: kept %d, duplicates left %d, reported %d, wrong %d", lv, kept, left, reported, wrong)
			if reported == 0 {
				t.Fatal("no duplicates across three overlapping shots")
			}
			if rate := float64(left) / float64(max(kept, 1)); rate > 0.05 {
				t.Errorf("%.1f%% of kept notes are the same physical note twice, want <= 5%%", 100*rate)
			}
			if wrong > reported/20 {
				t.Errorf("%d of %d duplicates pair different notes", wrong, reported)
			}
		})
	}
}

// TestShotMatcherDifferentWalls: two walls share no notes, whatever
// their order.
func TestShotMatcherDifferentWalls(t *testing.T) {
	var shots []wallscan.Shot
	for seed := int64(21); seed <= 22; seed++ {
		s, _ := segmentedShots(t, synth.Options{Seed: seed, Level: synth.LevelStandard, Width: 2000, Height: 1500}, 1)
		shots = append(shots, s...)
	}
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		dups, err := NewShotMatcher().MatchShot(context.Background(), shots[order[1]], []wallscan.Shot{shots[order[0]]})
		if err != nil {
			t.Fatal(err)
		}
		if len(dups) != 0 {
			t.Errorf("%d duplicates between two different walls: %+v", len(dups), dups)
		}
	}
}

// TestShotMatcherSharedSentence: three different walls that carry the
// same printed sentence on a blue note ("elke gemeente interpreteert de
// regels anders"). Features of that text alone can fit a homography that
// maps one wall onto the other and pairs whatever notes line up; the
// matcher must not believe it.
func TestShotMatcherSharedSentence(t *testing.T) {
	var shots []wallscan.Shot
	for _, seed := range []int64{7, 11, 14} {
		s, _ := segmentedShots(t, synth.Options{Seed: seed, Level: synth.LevelEasy, Width: 1600, Height: 1200, Notes: 6, Printed: true}, 1)
		shots = append(shots, s...)
	}
	for i := 1; i < len(shots); i++ {
		raw, err := MatchShots(context.Background(), []WallShot{{shots[0].Photo, shots[0].Segmentation}, {shots[i].Photo, shots[i].Segmentation}})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("walls 1 and %d: MatchShots pairs %d notes", i+1, len(raw))
		dups, err := NewShotMatcher().MatchShot(context.Background(), shots[i], shots[:1])
		if err != nil {
			t.Fatal(err)
		}
		if len(dups) != 0 {
			t.Errorf("walls 1 and %d: %d duplicates between different walls: %+v", i+1, len(dups), dups)
		}
	}
}

// TestPlausibleOverlap pins the checks on pairs between two photos of
// 1000x800 with a row of notes 100 px apart; the new photo sees the
// wall shifted 200 px to the left.
func TestPlausibleOverlap(t *testing.T) {
	row := func(colours ...wallscan.Color) *wallscan.Segmentation {
		s := &wallscan.Segmentation{Width: 1000, Height: 800}
		for i, c := range colours {
			x := 100 + 100*i
			s.Notes = append(s.Notes, wallscan.FoundNote{Color: c,
				Polygon: wallscan.Quad{{x, 350}, {x + 80, 350}, {x + 80, 430}, {x, 430}}})
		}
		return s
	}
	Y, B, P := wallscan.Yellow, wallscan.Blue, wallscan.Pink
	earlier := row(Y, B, P, Y, B, P, Y, B) // notes at x = 100..800
	shot := row(P, Y, B, P, Y, B, Y, Y)    // x = 100..800 here is 300..1000 there
	// Note i of the shot is note i+2 of the earlier photo, for i < 6.
	pair := func(notes ...int) []Duplicate {
		var ps []Duplicate
		for _, i := range notes {
			ps = append(ps, Duplicate{Shot: 1, Note: i, OfShot: 0, OfNote: i + 2})
		}
		return ps
	}
	tests := []struct {
		name  string
		shot  *wallscan.Segmentation
		pairs []Duplicate
		want  bool
	}{
		{"every note in the overlap paired", shot, pair(0, 1, 2, 3, 4, 5), true},
		{"most of them", shot, pair(0, 1, 2, 4), true},
		{"none", shot, nil, false},
		{"one note, the rest of the overlap unpaired", shot, pair(2), false},
		{"two notes, the rest of the overlap unpaired", shot, pair(1, 4), false},
		{"three notes of one colour each are trusted", shot, pair(0, 3, 5), true},
		{"colours disagree", row(Y, B, Y, P, B, Y, Y, Y), pair(0, 1, 2, 3, 4, 5), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plausibleOverlap(tt.shot, earlier, tt.pairs); got != tt.want {
				t.Errorf("plausibleOverlap = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestShotMatcherInput: a shot without a segmentation is refused with
// EINVALID, one whose bytes are not a photo as Segment refuses it; no earlier shots or no notes
// give no duplicates.
func TestShotMatcherInput(t *testing.T) {
	shots, _ := segmentedShots(t, synth.Options{Seed: 5, Level: synth.LevelEasy, Width: 1200, Height: 900, Notes: 10}, 2)
	empty := wallscan.Shot{Photo: shots[0].Photo, Segmentation: &wallscan.Segmentation{Width: 1200, Height: 900}}
	broken := wallscan.Shot{Photo: []byte("not a photo"), Segmentation: shots[0].Segmentation}
	tests := []struct {
		name    string
		shot    wallscan.Shot
		earlier []wallscan.Shot
		code    string
	}{
		{"no segmentation", wallscan.Shot{Photo: shots[1].Photo}, shots[:1], wallscan.EINVALID},
		{"earlier without segmentation", shots[1], []wallscan.Shot{{Photo: shots[0].Photo}}, wallscan.EINVALID},
		{"earlier not a photo", shots[1], []wallscan.Shot{broken}, wallscan.EUNSUPPORTED},
		{"no earlier shots", shots[1], nil, ""},
		{"no notes", empty, shots[:1], ""},
		{"earlier without notes", shots[1], []wallscan.Shot{empty}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dups, err := NewShotMatcher().MatchShot(context.Background(), tt.shot, tt.earlier)
			if got := wallscan.ErrorCode(err); got != tt.code {
				t.Fatalf("error code = %q (%v), want %q", got, err, tt.code)
			}
			if len(dups) != 0 {
				t.Errorf("duplicates = %+v, want none", dups)
			}
		})
	}
}

// benchShots holds the segmented shots of the matching benchmark: walls
// of three overlapping 12 MP shots, as many walls as needed.
var benchShots []wallscan.Shot

func shotsForBench(b *testing.B, n int) []wallscan.Shot {
	for seed := int64(1); len(benchShots) < n; seed++ {
		s, _ := segmentedShots(b, synth.Options{Seed: seed, Level: synth.LevelStandard, Width: 4000, Height: 3000}, 3)
		benchShots = append(benchShots, s...)
	}
	return benchShots[:n]
}

// BenchmarkMatchShots measures what dedupe adds to a scan of n 12 MP
// photos (standard level, walls of three overlapping shots): every photo
// matched against all the photos before it, as `wallscan scan` does (n=2:
// one pair; n=10: 45 pairs). The server matches a photo only against the
// earlier photos of its own wall. It reports the median wall and CPU time
// of the whole scan's matching.
//
//	go test -run - -bench MatchShots -benchtime 3x ./capture/
func BenchmarkMatchShots(b *testing.B) {
	for _, n := range []int{2, 10} {
		b.Run(map[int]string{2: "photos=2", 10: "photos=10"}[n], func(b *testing.B) {
			shots := shotsForBench(b, n)
			m := NewShotMatcher()
			medians(b, func() {
				for s := 1; s < len(shots); s++ {
					if _, err := m.MatchShot(context.Background(), shots[s], shots[:s]); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
