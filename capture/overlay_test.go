package capture

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"wallscan"
)

// The overlay outlines each note on the photo: a note this photo adds in
// magenta, a note already on an earlier photo of the wall in grey.
func TestDrawOverlayMarksDuplicates(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for i := range img.Pix {
		img.Pix[i] = 236
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var photo bytes.Buffer
	if err := png.Encode(&photo, img); err != nil {
		t.Fatal(err)
	}
	box := func(x, y int) wallscan.Quad {
		return wallscan.Quad{{X: x, Y: y}, {X: x + 100, Y: y}, {X: x + 100, Y: y + 100}, {X: x, Y: y + 100}}
	}
	seg := &wallscan.Segmentation{Width: 400, Height: 300, Notes: []wallscan.FoundNote{
		{Polygon: box(40, 100)}, {Polygon: box(240, 100)},
	}}
	out, err := DrawOverlay(photo.Bytes(), seg, OverlayOptions{MaxSide: -1, Duplicate: []bool{false, true}})
	if err != nil {
		t.Fatal(err)
	}
	// The middle of each note's bottom edge, clear of the number tag.
	for _, c := range []struct {
		name string
		at   image.Point
		want color.RGBA
	}{
		{"new note", image.Pt(90, 200), overlayNote},
		{"duplicate", image.Pt(290, 200), overlayDuplicate},
		{"wall", image.Pt(190, 200), color.RGBA{236, 236, 236, 255}},
	} {
		if got := out.RGBAAt(c.at.X, c.at.Y); !near(got, c.want) {
			t.Errorf("%s: pixel %v is %v, want %v", c.name, c.at, got, c.want)
		}
	}
}

// near reports whether two colours differ by at most 2 in every channel
// (anti-aliasing and rounding).
func near(a, b color.RGBA) bool {
	d := func(x, y uint8) bool { return max(x, y)-min(x, y) <= 2 }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}
