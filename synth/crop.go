package synth

import (
	"image"
	"image/draw"
	"math"
)

// CropQuad cuts the quadrilateral q (clockwise from the top-left) out of
// img and warps it upright: a perfect, unprocessed crop of a note, as the
// benchmark's OCR peer gets it from the true polygon.
func CropQuad(img image.Image, q [4][2]int) *image.RGBA {
	var c [4][2]float64
	for i, p := range q {
		c[i] = [2]float64{float64(p[0]), float64(p[1])}
	}
	dist := func(a, b [2]float64) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
	w := int(math.Round((dist(c[0], c[1]) + dist(c[3], c[2])) / 2))
	h := int(math.Round((dist(c[0], c[3]) + dist(c[1], c[2])) / 2))
	w, h = max(w, 1), max(h, 1)
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(img.Bounds())
		draw.Draw(src, src.Rect, img, img.Bounds().Min, draw.Src)
	}
	hm := quadToQuad([4][2]float64{{0, 0}, {float64(w), 0}, {float64(w), float64(h)}, {0, float64(h)}}, c)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	b := src.Rect
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := hm[6]*fx + hm[7]*fy + hm[8]
			sx := (hm[0]*fx+hm[1]*fy+hm[2])/d - 0.5
			sy := (hm[3]*fx+hm[4]*fy+hm[5])/d - 0.5
			ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
			tx, ty := sx-float64(ix), sy-float64(iy)
			o := y*out.Stride + x*4
			for ch := 0; ch < 3; ch++ {
				v := (1-ty)*((1-tx)*px(src, b, ix, iy, ch)+tx*px(src, b, ix+1, iy, ch)) +
					ty*((1-tx)*px(src, b, ix, iy+1, ch)+tx*px(src, b, ix+1, iy+1, ch))
				out.Pix[o+ch] = uint8(math.Max(0, math.Min(255, v+0.5)))
			}
			out.Pix[o+3] = 255
		}
	}
	return out
}

func px(img *image.RGBA, b image.Rectangle, x, y, ch int) float64 {
	x = max(b.Min.X, min(b.Max.X-1, x))
	y = max(b.Min.Y, min(b.Max.Y-1, y))
	return float64(img.Pix[(y-b.Min.Y)*img.Stride+(x-b.Min.X)*4+ch])
}
