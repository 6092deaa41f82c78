package cluster_test

import (
	"context"
	"fmt"
	"testing"

	"wallscan"
	"wallscan/bench"
	"wallscan/cluster"
	"wallscan/synth"
)

// synthWorkshop builds the notes of `walls` generated photos (small images:
// only the layout and truth are used) as the scanner would hand them over:
// text, photo and normalised centre.
func synthWorkshop(t testing.TB, walls int, seed int64, level synth.Level) ([]wallscan.GroupNote, []string) {
	var notes []wallscan.GroupNote
	var themes []string
	for w := 0; w < walls; w++ {
		wall, err := synth.Generate(synth.Options{Seed: seed*100 + int64(w), Level: level, Width: 800, Height: 600, Printed: true})
		if err != nil {
			t.Fatal(err)
		}
		b := wall.Image.Bounds()
		for _, n := range wall.Notes {
			x, y := n.Polygon.Center()
			notes = append(notes, wallscan.GroupNote{
				Key: fmt.Sprintf("w%d#%d", w, n.ID), Text: n.Text, Photo: fmt.Sprintf("wall-%d.jpg", w),
				Color: n.Color, X: x / float64(b.Dx()), Y: y / float64(b.Dy()), HasPosition: true,
			})
			themes = append(themes, n.Theme)
		}
	}
	return notes, themes
}

// TestSynthWalls measures the grouping on workshops of eight generated
// walls (synth.Generate: its own layout of loose theme groups, its truth),
// with and without the positions, at each level; the figure is the median
// over three seeds.
func TestSynthWalls(t *testing.T) {
	g := cluster.New(cluster.Options{})
	t.Logf("| level | notes | ARI positions + text | ARI text alone |")
	for _, level := range []synth.Level{synth.LevelEasy, synth.LevelStandard, synth.LevelHard} {
		var pos, txt []float64
		total := 0
		for seed := int64(1); seed <= 3; seed++ {
			notes, themes := synthWorkshop(t, 8, seed, level)
			total += len(notes)
			ids := map[string]int{}
			truth := make([]int, len(themes))
			for i, th := range themes {
				if _, ok := ids[th]; !ok {
					ids[th] = len(ids)
				}
				truth[i] = ids[th]
			}
			for _, withPos := range []bool{true, false} {
				ns := append([]wallscan.GroupNote(nil), notes...)
				for i := range ns {
					ns[i].HasPosition = withPos
				}
				gs, err := g.Group(context.Background(), wallscan.GroupRequest{Notes: ns})
				if err != nil {
					t.Fatal(err)
				}
				where := bench.GroupLabels(gs)
				pred := make([]string, len(ns))
				for i, n := range ns {
					pred[i] = where[n.Key]
				}
				if withPos {
					pos = append(pos, bench.ARI(truth, bench.Labels(pred)))
				} else {
					txt = append(txt, bench.ARI(truth, bench.Labels(pred)))
				}
			}
		}
		t.Logf("| %s | %d | %.3f | %.3f |", level, total/3, bench.Median(pos), bench.Median(txt))
		// Floors at the figures reached (see TestQuality for the targets).
		if bench.Median(pos) < 0.55 || bench.Median(pos) < bench.Median(txt)+0.2 {
			t.Errorf("%s: ARI with positions %.3f (text alone %.3f), want >= 0.55 and well above text alone", level, bench.Median(pos), bench.Median(txt))
		}
	}
}
