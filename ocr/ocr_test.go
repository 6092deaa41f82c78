package ocr

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"
	"testing"

	"wallscan"
	"wallscan/synth"
)

var (
	sharedOnce   sync.Once
	sharedReader *Reader
	sharedErr    error
)

// testReader returns one Reader shared by the tests of this package (two
// workers), so the Tesseract models load once.
func testReader(t testing.TB) *Reader {
	t.Helper()
	sharedOnce.Do(func() { sharedReader, sharedErr = New(Options{Workers: 2}) })
	if sharedErr != nil {
		t.Fatalf("New: %v", sharedErr)
	}
	return sharedReader
}

func read(t testing.TB, r wallscan.Reader, m image.Image) wallscan.Reading {
	t.Helper()
	got, err := r.Read(context.Background(), m)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got
}

func TestReadNotes(t *testing.T) {
	r := testReader(t)
	red := color.RGBA{200, 25, 30, 255}
	synthNote := func(text string, c wallscan.Color, printed bool, ink color.RGBA, seed int64) func(testing.TB) *image.RGBA {
		return func(testing.TB) *image.RGBA {
			return synth.RenderNote(synth.NoteSpec{Text: text, Color: c, Printed: printed, Seed: seed, Size: 400, Ink: ink})
		}
	}
	turned := func(f func(testing.TB) *image.RGBA, k int) func(testing.TB) *image.RGBA {
		return func(t testing.TB) *image.RGBA {
			m := f(t)
			for range k {
				m = turnRGBA(m)
			}
			return m
		}
	}
	tests := []struct {
		name string
		text string
		crop func(testing.TB) *image.RGBA
		// maxCER is the largest character error rate accepted.
		maxCER float64
	}{
		{"printed", "wettelijke basis voor koppeling onduidelijk", synthNote("wettelijke basis voor koppeling onduidelijk", wallscan.Yellow, true, color.RGBA{}, 1), 0},
		{"hand-lettered", "convenant nodig voor elk informatieverzoek", synthNote("convenant nodig voor elk informatieverzoek", wallscan.Yellow, false, color.RGBA{}, 2), 0.08},
		{"blue ink on green", "DPIA duurt maanden", synthNote("DPIA duurt maanden", wallscan.Green, false, color.RGBA{24, 48, 150, 255}, 3), 0.05},
		{"red ink on pink", "angst voor boetes van de toezichthouder", synthNote("angst voor boetes van de toezichthouder", wallscan.Pink, false, red, 4), 0.05},
		{"red printed on orange", "bewaartermijnen verschillen per afdeling", synthNote("bewaartermijnen verschillen per afdeling", wallscan.Orange, true, red, 5), 0},
		{"sideways", "privacy officer zegt nee", turned(synthNote("privacy officer zegt nee", wallscan.Yellow, true, color.RGBA{}, 6), 1), 0},
		{"other way sideways", "legacy systemen zijn niet te koppelen", turned(synthNote("legacy systemen zijn niet te koppelen", wallscan.Blue, false, color.RGBA{}, 7), 3), 0.05},
		{"upside down", "juristen durven geen risico te nemen", turned(synthNote("juristen durven geen risico te nemen", wallscan.Green, false, color.RGBA{}, 8), 2), 0.05},
		{"uneven light", "elke gemeente interpreteert de regels anders", testNote{text: "elke gemeente interpreteert de regels anders", paper: yellowPaper, ink: blackInk, shadow: true}.draw, 0},
		{"small crop", "AVG maakt delen lastig", testNote{text: "AVG maakt delen lastig", paper: yellowPaper, ink: blackInk, size: 120}.draw, 0.05},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crop := tt.crop(t)
			got := read(t, r, crop)
			if cer := cer(got.Text, tt.text); cer > tt.maxCER {
				t.Errorf("read %q (confidence %.0f), want %q: CER %.3f > %.3f", got.Text, got.Confidence, tt.text, cer, tt.maxCER)
			}
			if got.Confidence < 0 || got.Confidence > 100 {
				t.Errorf("confidence %v out of 0..100", got.Confidence)
			}
			if got.Review != (got.Confidence < DefaultReviewThreshold) {
				t.Errorf("review %v with confidence %.1f, threshold %d", got.Review, got.Confidence, DefaultReviewThreshold)
			}
			if len(got.Words) == 0 {
				t.Fatalf("no words")
			}
			for _, w := range got.Words {
				if w.Box.Empty() || !w.Box.In(crop.Bounds()) {
					t.Errorf("word %q box %v empty or outside the crop %v", w.Text, w.Box, crop.Bounds())
				}
			}
		})
	}
}

// TestWordBoxes checks that boxes land where the words are on a turned
// note and on a crop whose bounds do not start at the origin.
func TestWordBoxes(t *testing.T) {
	r := testReader(t)
	upright := testNote{text: "BSN", paper: yellowPaper, ink: blackInk, px: 80}.draw(t)
	want := inkBox(upright)
	for _, turn := range []int{0, 1} {
		m := upright
		w := want
		if turn == 1 {
			m = turnRGBA(upright)
			s := upright.Bounds().Dy()
			w = image.Rect(s-want.Max.Y, want.Min.X, s-want.Min.Y, want.Max.X)
		}
		// place the note inside a larger image and read it as a sub-image
		big := image.NewRGBA(image.Rect(0, 0, 700, 700))
		off := image.Pt(150, 90)
		draw.Draw(big, m.Bounds().Add(off), m, image.Point{}, draw.Src)
		crop := big.SubImage(m.Bounds().Add(off))
		got := read(t, r, crop)
		if len(got.Words) != 1 || got.Words[0].Text != "BSN" {
			t.Fatalf("turn %d: words %+v, want BSN", turn, got.Words)
		}
		if iou := iou(got.Words[0].Box, w.Add(off)); iou < 0.7 {
			t.Errorf("turn %d: box %v, ink at %v: IoU %.2f < 0.7", turn, got.Words[0].Box, w.Add(off), iou)
		}
	}
}

func inkBox(m *image.RGBA) image.Rectangle {
	r := image.Rectangle{}
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := m.RGBAAt(x, y); c.R < 128 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

func iou(a, b image.Rectangle) float64 {
	i := a.Intersect(b)
	ia := float64(i.Dx() * i.Dy())
	u := float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia
	if u == 0 {
		return 0
	}
	return ia / u
}

func TestEmptyAndTinyCrops(t *testing.T) {
	r := testReader(t)
	blank := testNote{text: "", paper: yellowPaper, ink: blackInk}.draw(t)
	noisy := testNote{text: "", paper: pinkPaper, ink: blackInk}.draw(t)
	addNoise(noisy, 6, 1)
	tests := []struct {
		name string
		crop image.Image
	}{
		{"blank note", blank},
		{"blank noisy note", noisy},
		{"nil crop", nil},
		{"zero size", image.NewRGBA(image.Rectangle{})},
		{"tiny crop", testNote{text: "AVG", paper: yellowPaper, ink: blackInk, size: MinCropSide - 1}.draw(t)},
		{"one pixel high", image.NewRGBA(image.Rect(0, 0, 400, 1))},
		{"uniform gray", image.NewUniform(color.Gray{128})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crop := tt.crop
			if u, ok := crop.(*image.Uniform); ok {
				m := image.NewRGBA(image.Rect(0, 0, 300, 300))
				draw.Draw(m, m.Bounds(), u, image.Point{}, draw.Src)
				crop = m
			}
			got := read(t, r, crop)
			if got.Text != "" || !got.Review || got.Confidence != 0 || len(got.Words) != 0 {
				t.Errorf("got %+v, want an empty reading marked for review", got)
			}
		})
	}
}

func TestTooLargeCrop(t *testing.T) {
	r := testReader(t)
	_, err := r.Read(context.Background(), image.NewGray(image.Rect(0, 0, MaxCropSide+1, 10)))
	if got, want := wallscan.ErrorCode(err), wallscan.EINVALID; got != want {
		t.Errorf("error %v: code %q, want %q", err, got, want)
	}
}

func TestMissingLanguage(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantPkg string
	}{
		{"language not installed", Options{Languages: []string{"nld", "fry"}, Workers: 1}, "tesseract-ocr-fry"},
		{"script variant", Options{Languages: []string{"chi_sim"}, Workers: 1}, "tesseract-ocr-chi-sim"},
		{"empty tessdata", Options{TessdataDir: t.TempDir(), Workers: 1}, "tesseract-ocr-nld, tesseract-ocr-eng"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(tt.opts)
			if err == nil {
				r.Close()
				t.Fatal("New succeeded, want an error")
			}
			if got, want := wallscan.ErrorCode(err), wallscan.EINVALID; got != want {
				t.Errorf("code %q, want %q (%v)", got, want, err)
			}
			if msg := wallscan.ErrorMessage(err); !strings.Contains(msg, tt.wantPkg) {
				t.Errorf("message %q does not name %s", msg, tt.wantPkg)
			}
		})
	}
	t.Run("TESSDATA_PREFIX without the languages", func(t *testing.T) {
		t.Setenv("TESSDATA_PREFIX", t.TempDir())
		r, err := New(Options{Workers: 1})
		if err == nil {
			r.Close()
			t.Fatal("New succeeded, want an error")
		}
		if msg := wallscan.ErrorMessage(err); !strings.Contains(msg, "tesseract-ocr-nld") || !strings.Contains(msg, "TESSDATA_PREFIX") {
			t.Errorf("message %q does not name tesseract-ocr-nld and TESSDATA_PREFIX", msg)
		}
	})
	if err := Available("", DefaultLanguages); err != nil {
		t.Errorf("Available(default languages): %v", err)
	}
	if err := Available("", []string{"../eng"}); wallscan.ErrorCode(err) != wallscan.EINVALID {
		t.Errorf("Available(../eng) = %v, want EINVALID", err)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []Options{{Workers: -1}, {Workers: MaxWorkers + 1}, {ReviewThreshold: 101}} {
		if r, err := New(o); wallscan.ErrorCode(err) != wallscan.EINVALID {
			if r != nil {
				r.Close()
			}
			t.Errorf("New(%+v) = %v, want EINVALID", o, err)
		}
	}
}

func TestConcurrentReads(t *testing.T) {
	r, err := New(Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	texts := []string{"AVG maakt delen lastig", "DPIA duurt maanden", "BSN mag alleen binnen eigen taak"}
	crops := make([]*image.RGBA, len(texts))
	for i, s := range texts {
		crops[i] = testNote{text: s, paper: yellowPaper, ink: blackInk, size: 240}.draw(t)
	}
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := r.Read(context.Background(), crops[i%len(crops)])
			if err != nil {
				errs <- err
				return
			}
			if want := texts[i%len(texts)]; got.Text != want {
				errs <- fmt.Errorf("read %q, want %q", got.Text, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestReadCancelledAndClosed(t *testing.T) {
	r, err := New(Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	crop := testNote{text: "DPIA", paper: yellowPaper, ink: blackInk, size: 200}.draw(t)
	// hold the only client so Read has to wait, then cancel
	c, err := r.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := r.Read(ctx, crop)
		done <- err
	}()
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Read with a cancelled context: %v, want context.Canceled", err)
	}
	r.release(c)
	r.Close()
	r.Close()
	if _, err := r.Read(context.Background(), crop); err == nil {
		t.Error("Read after Close succeeded")
	}
}
