package synth

import (
	"image"
	"image/color"
	"math"
)

// Overlay returns a copy of the photo shrunk by the integer factor scale
// (1 keeps the size), with each note's ground-truth polygon outlined: a
// picture to check the truth by eye.
func (w *Wall) Overlay(scale int) *image.RGBA {
	scale = max(1, scale)
	src := w.Image
	W, H := src.Rect.Dx()/scale, src.Rect.Dy()/scale
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	n := scale * scale
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			var s [3]int
			for dy := 0; dy < scale; dy++ {
				o := (y*scale+dy)*src.Stride + x*scale*4
				for dx := 0; dx < scale; dx++ {
					s[0] += int(src.Pix[o])
					s[1] += int(src.Pix[o+1])
					s[2] += int(src.Pix[o+2])
					o += 4
				}
			}
			p := y*out.Stride + x*4
			out.Pix[p], out.Pix[p+1], out.Pix[p+2], out.Pix[p+3] = uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n), 255
		}
	}
	palette := []color.RGBA{{220, 0, 0, 255}, {0, 150, 0, 255}, {0, 0, 220, 255}, {200, 0, 200, 255}, {0, 160, 160, 255}, {120, 60, 0, 255}}
	for _, tn := range w.Notes {
		c := palette[tn.Group%len(palette)]
		for i := range tn.Polygon {
			a, b := tn.Polygon[i], tn.Polygon[(i+1)%4]
			drawLine(out, float64(a.X)/float64(scale), float64(a.Y)/float64(scale),
				float64(b.X)/float64(scale), float64(b.Y)/float64(scale), c)
		}
		// A dot marks the top-left corner.
		p := tn.Polygon[0]
		for dy := -2; dy <= 2; dy++ {
			for dx := -2; dx <= 2; dx++ {
				out.SetRGBA(p.X/scale+dx, p.Y/scale+dy, c)
			}
		}
	}
	return out
}

func drawLine(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	n := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x, y := int(x0+(x1-x0)*t), int(y0+(y1-y0)*t)
		img.SetRGBA(x, y, c)
		img.SetRGBA(x+1, y, c)
	}
}
