package dashboard

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"wallscan/synth"
)

// TestOrientImage turns a 3x2 image with a marked corner each way EXIF
// knows and checks where the corner lands.
func TestOrientImage(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	red := color.RGBA{255, 0, 0, 255}
	src.Set(0, 0, red) // the top-left of the scene as stored
	for _, tc := range []struct {
		o          int
		w, h, x, y int // size after turning and where the corner is
	}{
		{1, 3, 2, 0, 0}, {2, 3, 2, 2, 0}, {3, 3, 2, 2, 1}, {4, 3, 2, 0, 1},
		{5, 2, 3, 0, 0}, {6, 2, 3, 1, 0}, {7, 2, 3, 1, 2}, {8, 2, 3, 0, 2},
	} {
		got := orientImage(src, tc.o)
		if b := got.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("orientation %d: size %dx%d, want %dx%d", tc.o, b.Dx(), b.Dy(), tc.w, tc.h)
			continue
		}
		if r, _, _, _ := got.At(tc.x, tc.y).RGBA(); r>>8 != 255 {
			t.Errorf("orientation %d: corner not at (%d,%d)", tc.o, tc.x, tc.y)
		}
	}
}

func TestPDFImageScalesAndTurns(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3200, 2000))
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	out, typ := pdfImage(synth.WithOrientation(b.Bytes(), 6, binary.BigEndian), "image/jpeg")
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := [2]int{cfg.Width, cfg.Height}, [2]int{1000, 1600}; got != want || typ != "JPG" {
		t.Errorf("pdf photo %v %s, want %v JPG (turned upright, longest side %d)", got, typ, want, pdfPhotoSide)
	}
}
