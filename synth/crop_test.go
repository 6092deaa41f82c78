package synth

import (
	"image"
	"image/color"
	"testing"
)

func TestCropQuad(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 80, 70))
	for y := range 70 {
		for x := range 80 {
			src.SetRGBA(x, y, color.RGBA{uint8(3 * x), uint8(3 * y), uint8(x + y), 255})
		}
	}
	for _, tc := range []struct {
		name string
		q    [4][2]int
		// at returns the source pixel that crop pixel (x, y) should be.
		at   func(x, y int) (int, int)
		w, h int
	}{
		{"upright", [4][2]int{{10, 20}, {50, 20}, {50, 60}, {10, 60}},
			func(x, y int) (int, int) { return 10 + x, 20 + y }, 40, 40},
		// The note's top-left corner at the source's top-right: the note
		// hangs turned a quarter clockwise.
		{"quarter turn", [4][2]int{{60, 10}, {60, 40}, {20, 40}, {20, 10}},
			func(x, y int) (int, int) { return 59 - y, 10 + x }, 30, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CropQuad(src, tc.q)
			if got, want := got.Rect.Size(), image.Pt(tc.w, tc.h); got != want {
				t.Fatalf("crop size = %v, want %v", got, want)
			}
			for y := 1; y < tc.h-1; y++ {
				for x := 1; x < tc.w-1; x++ {
					sx, sy := tc.at(x, y)
					if got, want := got.RGBAAt(x, y), src.RGBAAt(sx, sy); !near(got, want, 1) {
						t.Fatalf("crop (%d, %d) = %v, want about %v (source (%d, %d))", x, y, got, want, sx, sy)
					}
				}
			}
		})
	}
}

// near reports whether two colours differ by at most d in every channel.
func near(a, b color.RGBA, d int) bool {
	diff := func(u, v uint8) int { return max(int(u)-int(v), int(v)-int(u)) }
	return diff(a.R, b.R) <= d && diff(a.G, b.G) <= d && diff(a.B, b.B) <= d && a.A == 255
}
