package capture

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"wallscan"
	"wallscan/synth"
)

// minVisible is the share of a note that must show for it to count as one
// the segmenter has to find; notes mostly covered are optional.
const minVisible = 0.5

// score adds up detection results over generated walls.
type score struct {
	tp, fp, fn        int
	iouSum            float64
	colourOK, colourN int
}

func (s *score) add(o score) {
	s.tp += o.tp
	s.fp += o.fp
	s.fn += o.fn
	s.iouSum += o.iouSum
	s.colourOK += o.colourOK
	s.colourN += o.colourN
}

func (s score) f1() float64 {
	if s.tp == 0 {
		return 0
	}
	p := float64(s.tp) / float64(s.tp+s.fp)
	r := float64(s.tp) / float64(s.tp+s.fn)
	return 2 * p * r / (p + r)
}

func (s score) meanIoU() float64 { return s.iouSum / float64(max(s.tp, 1)) }
func (s score) colour() float64  { return float64(s.colourOK) / float64(max(s.colourN, 1)) }

func (s score) String() string {
	return fmt.Sprintf("tp %d fp %d fn %d  F1 %.3f  mean IoU %.3f  colour %.3f", s.tp, s.fp, s.fn, s.f1(), s.meanIoU(), s.colour())
}

// scoreWall matches found notes to the truth greedily by IoU (>= 0.5).
func scoreWall(truth []synth.TruthNote, seg *wallscan.Segmentation) score {
	type pair struct {
		t, f int
		iou  float64
	}
	var ps []pair
	for i, tn := range truth {
		for j, fn := range seg.Notes {
			if v := quadIoU(fromWallQuad(tn.Polygon), fromWallQuad(fn.Polygon)); v >= 0.5 {
				ps = append(ps, pair{i, j, v})
			}
		}
	}
	sort.Slice(ps, func(a, b int) bool { return ps[a].iou > ps[b].iou })
	tUsed := make([]bool, len(truth))
	fUsed := make([]bool, len(seg.Notes))
	var s score
	for _, p := range ps {
		if tUsed[p.t] || fUsed[p.f] {
			continue
		}
		tUsed[p.t], fUsed[p.f] = true, true
		if truth[p.t].Visible < minVisible {
			continue // optional note found: neither reward nor penalty
		}
		s.tp++
		s.iouSum += p.iou
		s.colourN++
		if seg.Notes[p.f].Color == truth[p.t].Color {
			s.colourOK++
		}
	}
	for i, u := range tUsed {
		if !u && truth[i].Visible >= minVisible {
			s.fn++
		}
	}
	for _, u := range fUsed {
		if !u {
			s.fp++
		}
	}
	return s
}

// evalSynth segments generated walls and scores them; with dir set it
// writes an overlay of each (truth green, found magenta) there.
func evalSynth(tb testing.TB, opt synth.Options, seeds []int64, dir string) score {
	tb.Helper()
	seg := NewSegmenter(Options{})
	var total score
	bg := opt.Background
	for _, sd := range seeds {
		opt.Seed = sd
		// Like wallscan bench and gen: every background in turn, by seed.
		if opt.Background = bg; bg == "" {
			opt.Background = synth.Backgrounds[((sd%5)+5)%5]
		}
		wall, err := synth.Generate(opt)
		if err != nil {
			tb.Fatal(err)
		}
		data, err := wall.JPEG(wall.Quality)
		if err != nil {
			tb.Fatal(err)
		}
		got, err := seg.Segment(context.Background(), data)
		if err != nil {
			tb.Fatal(err)
		}
		s := scoreWall(wall.Notes, got)
		tb.Logf("%s seed %d %s: %s  warnings %v sharp %.0f", opt.Level, sd, wall.Background, s, got.Quality.Warnings, got.Quality.Sharpness)
		total.add(s)
		if dir != "" {
			extra := make([]wallscan.Quad, len(wall.Notes))
			for i, n := range wall.Notes {
				extra[i] = n.Polygon
			}
			img, err := DrawOverlay(data, got, OverlayOptions{MaxSide: 1400, Extra: extra})
			if err != nil {
				tb.Fatal(err)
			}
			f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", opt.Level, sd, wall.Background)))
			if err != nil {
				tb.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		}
	}
	return total
}

func seedRange(from, n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(from + i)
	}
	return s
}

// TestSynthPrintedWall pins the foundation's promise: a 4000x3000 photo of
// 20 printed notes on a plain wall gives at least 18 notes at IoU >= 0.5.
func TestSynthPrintedWall(t *testing.T) {
	wall, err := synth.Generate(synth.Options{Seed: 7, Width: 4000, Height: 3000, Notes: 20, Printed: true, Background: "plaster"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := wall.JPEG(90)
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewSegmenter(Options{}).Segment(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	s := scoreWall(wall.Notes, got)
	if s.tp < 18 {
		t.Errorf("found %d of 20 notes at IoU >= 0.5 (%s)", s.tp, s)
	}
	if got, want := got.Width, 4000; got != want {
		t.Errorf("width %d, want %d", got, want)
	}
}

// TestSynthEval measures detection on the standard and hard sets; set
// WALLSCAN_EVAL=N to run N seeds per level (from WALLSCAN_EVAL_FROM, default
// 1), WALLSCAN_EVAL_LEVEL to run one level only and WALLSCAN_OVERLAY to a
// directory for overlays. Without it two seeds
// per level pin a floor.
func TestSynthEval(t *testing.T) {
	n, from := 2, 1
	if v := os.Getenv("WALLSCAN_EVAL"); v != "" {
		fmt.Sscan(v, &n)
	}
	if v := os.Getenv("WALLSCAN_EVAL_FROM"); v != "" {
		fmt.Sscan(v, &from)
	}
	dir := os.Getenv("WALLSCAN_OVERLAY")
	floor := map[synth.Level]float64{synth.LevelStandard: 0.95, synth.LevelHard: 0.85}
	for _, lv := range []synth.Level{synth.LevelStandard, synth.LevelHard} {
		if l := os.Getenv("WALLSCAN_EVAL_LEVEL"); l != "" && synth.Level(l) != lv {
			continue
		}
		s := evalSynth(t, synth.Options{Level: lv}, seedRange(from, n), dir)
		t.Logf("%s: %s", lv, s)
		if s.f1() < floor[lv] {
			t.Errorf("%s: F1 %.3f, want >= %.2f", lv, s.f1(), floor[lv])
		}
		if s.colour() < 0.95 {
			t.Errorf("%s: colour accuracy %.3f, want >= 0.95", lv, s.colour())
		}
	}
}
