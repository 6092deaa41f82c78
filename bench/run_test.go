package bench_test

import (
	"context"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wallscan"
	"wallscan/bench"
	"wallscan/synth"
)

// textCrop is a crop that carries the true text, for the fake reader.
type textCrop struct {
	image.Rectangle
	text string
}

func (c textCrop) ColorModel() color.Model { return color.RGBAModel }
func (c textCrop) At(x, y int) color.Color { return color.RGBA{} }

// fakeSegmenter returns the true notes of each photo, minus the ones listed
// in drop, plus one false note when extra is set.
type fakeSegmenter struct {
	truth map[string]*bench.Truth
	drop  map[int]bool
	extra bool
	wrong map[int]wallscan.Color
	// part outlines only the left 40% of these notes, as a segmenter
	// does with a note that is mostly covered.
	part map[int]bool
}

func (f *fakeSegmenter) Segment(ctx context.Context, photo []byte) (*wallscan.Segmentation, error) {
	t := f.truth[string(photo)]
	s := &wallscan.Segmentation{Width: t.Width, Height: t.Height}
	for i, n := range t.Notes {
		if f.drop[i] {
			continue
		}
		c := n.Color
		if w, ok := f.wrong[i]; ok {
			c = w
		}
		cx, cy := n.Quad().Center()
		q := n.Quad()
		if f.part[i] {
			for _, k := range [][2]int{{1, 0}, {2, 3}} {
				q[k[0]].X = q[k[1]].X + (q[k[0]].X-q[k[1]].X)*2/5
				q[k[0]].Y = q[k[1]].Y + (q[k[0]].Y-q[k[1]].Y)*2/5
			}
		}
		s.Notes = append(s.Notes, wallscan.FoundNote{Polygon: q, Color: c,
			X: cx / float64(t.Width), Y: cy / float64(t.Height), Crop: textCrop{image.Rect(0, 0, 10, 10), n.Text}})
	}
	if f.extra {
		q := wallscan.Quad{{1, 1}, {50, 1}, {50, 50}, {1, 50}}
		s.Notes = append(s.Notes, wallscan.FoundNote{Polygon: q, Color: wallscan.Yellow, Crop: textCrop{image.Rect(0, 0, 10, 10), "ruis"}})
	}
	return s, nil
}

// fakeReader reads the text the crop carries, or
// reads nothing when garble says so.
type fakeReader struct{ garble map[string]bool }

func (r fakeReader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	t := crop.(textCrop).text
	if r.garble[t] {
		return wallscan.Reading{Text: "", Review: true}, nil
	}
	return wallscan.Reading{Text: t}, nil
}

// themeGrouper groups notes by the corpus theme of their text: a perfect
// grouper.
type themeGrouper struct{ theme map[string]string }

func (g themeGrouper) Group(ctx context.Context, req wallscan.GroupRequest) ([]wallscan.Group, error) {
	byTheme := map[string]*wallscan.Group{}
	var out []wallscan.Group
	var order []string
	for _, n := range req.Notes {
		th := g.theme[strings.ToLower(bench.NormalizeSpace(n.Text))]
		if byTheme[th] == nil {
			byTheme[th] = &wallscan.Group{Key: "g" + th}
			order = append(order, th)
		}
		byTheme[th].Notes = append(byTheme[th].Notes, n.Key)
	}
	for _, th := range order {
		out = append(out, *byTheme[th])
	}
	return out, nil
}

func newThemeGrouper() themeGrouper {
	m := map[string]string{}
	for _, n := range synth.Corpus() {
		m[strings.ToLower(n.Text)] = n.Theme
	}
	return themeGrouper{m}
}

func smallSet(t *testing.T, n int) (bench.Samples, map[string]*bench.Truth) {
	t.Helper()
	var set bench.Samples
	truth := map[string]*bench.Truth{}
	for i := range n {
		w, err := synth.Generate(synth.Options{Seed: int64(40 + i), Level: synth.LevelEasy, Width: 1200, Height: 900, Notes: 6, Printed: true})
		if err != nil {
			t.Fatal(err)
		}
		jpg, err := w.JPEG(90)
		if err != nil {
			t.Fatal(err)
		}
		js, err := w.TruthJSON()
		if err != nil {
			t.Fatal(err)
		}
		tr, err := bench.ParseTruth(js)
		if err != nil {
			t.Fatal(err)
		}
		set = append(set, &bench.Sample{Name: "p" + string(rune('a'+i)) + ".jpg", Photo: jpg, Truth: tr})
		truth[string(jpg)] = tr
	}
	return set, truth
}

func TestRunPerfect(t *testing.T) {
	set, truth := smallSet(t, 2)
	pipe := &wallscan.Pipeline{Segmenter: &fakeSegmenter{truth: truth}, Reader: fakeReader{}, Grouper: newThemeGrouper(), Workers: 2}
	rep, err := bench.Run(context.Background(), set, bench.Options{Pipeline: pipe, Peers: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Segmentation
	if s.Precision != 1 || s.Recall != 1 || s.MeanIoU != 1 || s.ColourAcc != 1 {
		t.Errorf("segmentation %+v, want all 1", s)
	}
	if got, want := rep.Notes, 12; got != want {
		t.Errorf("notes = %d, want %d", got, want)
	}
	if rep.OCR.CERMean != 0 || rep.OCR.TextRecall != 1 {
		t.Errorf("OCR %+v, want CER 0 and text recall 1", rep.OCR)
	}
	c := rep.Cluster
	if c.ARISet != 1 || c.ARIPhoto != 1 || c.ARIText != 1 || c.NMISet != 1 {
		t.Errorf("cluster %+v, want ARI 1", c)
	}
	p := rep.Peers
	// Real Tesseract reads printed notes on clean crops, not perfectly.
	if p.CropCERMean < 0 || p.CropCERMean > 0.5 || p.CropTextRecall < 0.5 {
		t.Errorf("tesseract on true crops: CER %.3f recall %.3f; printed text should mostly read", p.CropCERMean, p.CropTextRecall)
	}
	if p.WholePhotos != 2 || p.WholeTextRecall > p.CropTextRecall {
		t.Errorf("whole photo peer: %d photos, recall %.3f (crops %.3f)", p.WholePhotos, p.WholeTextRecall, p.CropTextRecall)
	}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| segmentation precision / recall / F1 (IoU >= 0.5) | 1.000 / 1.000 / 1.000 |", "tesseract --psm 6", "peak memory"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	t.Logf("\n%s", b.String())
}

func TestRunImperfect(t *testing.T) {
	set, truth := smallSet(t, 1)
	notes := set[0].Truth.Notes
	seg := &fakeSegmenter{truth: truth, drop: map[int]bool{0: true}, extra: true, wrong: map[int]wallscan.Color{1: wallscan.White}}
	reader := fakeReader{garble: map[string]bool{notes[2].Text: true}}
	pipe := &wallscan.Pipeline{Segmenter: seg, Reader: reader, Workers: 1}
	rep, err := bench.Run(context.Background(), set, bench.Options{Pipeline: pipe})
	if err != nil {
		t.Fatal(err)
	}
	// 6 notes: 5 found, 1 missed, 1 false find.
	s := rep.Segmentation
	if got, want := s.Counts, (bench.Counts{TP: 5, FP: 1, FN: 1}); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	if got, want := s.F1, 5.0/6; got != want {
		t.Errorf("F1 = %v, want %v", got, want)
	}
	if got, want := s.ColourAcc, 4.0/5; got != want {
		t.Errorf("colour accuracy = %v, want %v", got, want)
	}
	// One of the 5 matched notes reads nothing: CER 1, the others 0.
	if got, want := rep.OCR.CERMean, 1.0/5; got != want {
		t.Errorf("CER mean = %v, want %v", got, want)
	}
	if got, want := rep.OCR.TextRecall, 4.0/6; got != want {
		t.Errorf("text recall = %v, want %v", got, want)
	}
	if got, want := rep.OCR.ReviewOfBad, 1.0; got != want {
		t.Errorf("review of bad = %v, want %v", got, want)
	}
	if rep.Cluster != nil || rep.Peers != nil {
		t.Error("cluster or peer figures without a grouper or peers")
	}
}

func TestWriteTableWithoutPeers(t *testing.T) {
	rep := &bench.Report{Photos: 1, OCR: &bench.OCRFigures{}, Cluster: &bench.ClusterFigures{}}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "tesseract") {
		t.Errorf("table names a peer that did not run:\n%s", b.String())
	}
}

func TestDirSet(t *testing.T) {
	set, _ := smallSet(t, 1)
	dir := t.TempDir()
	js := `{"width": 1200, "height": 900, "level": "easy", "notes": [{"id": 1, "polygon": [[1,1],[9,1],[9,9],[1,9]], "text": "a", "color": "pink", "visible": 1}]}`
	if err := os.WriteFile(filepath.Join(dir, "a.jpg"), set[0].Photo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	// A photo without truth is not part of the set.
	if err := os.WriteFile(filepath.Join(dir, "b.jpg"), set[0].Photo, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := bench.DirSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Len(), 1; got != want {
		t.Fatalf("len = %d, want %d", got, want)
	}
	smp, err := s.Sample(0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := smp.Truth.Notes[0].Color, wallscan.Pink; got != want {
		t.Errorf("colour = %q, want %q", got, want)
	}
	if got, want := smp.Truth.Notes[0].Quad(), (wallscan.Quad{{1, 1}, {9, 1}, {9, 9}, {1, 9}}); got != want {
		t.Errorf("quad = %v, want %v", got, want)
	}
	if _, err := bench.DirSet(t.TempDir()); wallscan.ErrorCode(err) != wallscan.ENOTFOUND {
		t.Errorf("empty dir: %v, want ENOTFOUND", err)
	}
	if _, err := bench.ParseTruth([]byte(`{"notes": [{"color": "teal"}]}`)); wallscan.ErrorCode(err) != wallscan.EINVALID {
		t.Errorf("unknown colour: %v, want EINVALID", err)
	}
}

func TestRunShots(t *testing.T) {
	walls, err := synth.GenerateShots(synth.Options{Seed: 9, Level: synth.LevelEasy, Width: 1200, Height: 900, Notes: 30, Printed: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	var set bench.Samples
	truth := map[string]*bench.Truth{}
	for i, w := range walls {
		jpg, _ := w.JPEG(90)
		js, _ := w.TruthJSON()
		tr, err := bench.ParseTruth(js)
		if err != nil {
			t.Fatal(err)
		}
		set = append(set, &bench.Sample{Name: "shot" + string(rune('1'+i)) + ".jpg", Photo: jpg, Truth: tr})
		truth[string(jpg)] = tr
	}
	pipe := &wallscan.Pipeline{Segmenter: &fakeSegmenter{truth: truth}}
	rep, err := bench.Run(context.Background(), set, bench.Options{Pipeline: pipe})
	if err != nil {
		t.Fatal(err)
	}
	sh := rep.Shots
	if sh == nil || sh.Walls != 1 {
		t.Fatalf("shots = %+v, want one wall", sh)
	}
	if sh.DuplicatesRaw <= 0 || sh.Duplicates != sh.DuplicatesRaw || sh.Lost != 0 {
		t.Errorf("without a matcher: %+v, want copies and nothing dropped", sh)
	}
	// A perfect matcher drops every later copy of a physical note.
	perfect := func(ctx context.Context, photos [][]byte, segs []*wallscan.Segmentation) ([][2]int, error) {
		seen := map[int]bool{}
		var drop [][2]int
		for s, ph := range photos {
			for k, n := range truth[string(ph)].Notes {
				if seen[n.ID] {
					drop = append(drop, [2]int{s, k})
				}
				seen[n.ID] = true
			}
		}
		return drop, nil
	}
	rep, err = bench.Run(context.Background(), set, bench.Options{Pipeline: pipe, Shots: perfect})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Shots; got.Duplicates != 0 || got.Lost != 0 || got.Physical != sh.Physical {
		t.Errorf("perfect matcher: %+v, want no duplicates and nothing lost", got)
	}
	// A matcher that drops everything of the second shot loses the notes
	// seen only there.
	greedy := func(ctx context.Context, photos [][]byte, segs []*wallscan.Segmentation) ([][2]int, error) {
		var drop [][2]int
		for k := range segs[1].Notes {
			drop = append(drop, [2]int{1, k})
		}
		return drop, nil
	}
	rep, err = bench.Run(context.Background(), set, bench.Options{Pipeline: pipe, Shots: greedy})
	if err != nil {
		t.Fatal(err)
	}
	only1 := 0
	in0 := map[int]bool{}
	for _, n := range set[0].Truth.Notes {
		if bench.Counted(n) {
			in0[n.ID] = true
		}
	}
	for _, n := range set[1].Truth.Notes {
		if bench.Counted(n) && !in0[n.ID] {
			only1++
		}
	}
	if got, want := rep.Shots.Lost, only1; got != want || want == 0 {
		t.Errorf("lost = %d, want %d (notes seen only in shot 2)", got, want)
	}
}

func TestRunDontCare(t *testing.T) {
	set, truth := smallSet(t, 1)
	set[0].Truth.Notes[0].Visible = 0.3 // mostly covered: don't care
	set[0].Truth.Notes[1].Visible = 0.3
	seg := &fakeSegmenter{truth: truth, part: map[int]bool{0: true}, drop: map[int]bool{1: true}}
	rep, err := bench.Run(context.Background(), set, bench.Options{Pipeline: &wallscan.Pipeline{Segmenter: seg}})
	if err != nil {
		t.Fatal(err)
	}
	// The visible part of note 0 is neither right nor wrong; missing
	// note 1 is no miss.
	if got, want := rep.Segmentation.Counts, (bench.Counts{TP: 4}); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	if got, want := rep.DontCare, 2; got != want {
		t.Errorf("don't care = %d, want %d", got, want)
	}
}
