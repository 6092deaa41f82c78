package ocr

import (
	"image"
	"image/color"
	"math"
	"testing"

	"wallscan"
	"wallscan/synth"
)

// Two sets of evaluation notes, both from the synth corpus:
//
//   - wall crops: notes cut out of generated photos of walls at the standard
//     level (perspective, uneven light, vignetting, blur, noise), each by
//     its ground-truth outline with a perspective warp, as the segmenter
//     hands them over. The targets are measured on these.
//   - clean crops: synth.RenderNote's perfect upright notes.

// drawCleanCases draws n corpus notes with synth.RenderNote, spread over
// the themes, every other one hand-lettered, in the paper colours, inks
// and crop sizes of a workshop, from fixed seeds.
func drawCleanCases(t testing.TB, n int) []evalCase {
	t.Helper()
	corpus := synth.Corpus()
	colors := []wallscan.Color{wallscan.Yellow, wallscan.Pink, wallscan.Green, wallscan.Orange, wallscan.Blue, wallscan.Purple}
	inks := []color.RGBA{{28, 28, 34, 255}, {24, 48, 150, 255}}
	sizes := []int{360, 480, 600}
	out := make([]evalCase, n)
	for i := range n {
		c := corpus[(i*len(corpus)/n)%len(corpus)]
		spec := synth.NoteSpec{
			Text:    c.Text,
			Color:   colors[i%len(colors)],
			Printed: i%2 == 0,
			Seed:    int64(1000 + i),
			Size:    sizes[(i/2)%len(sizes)],
			Ink:     inks[(i/4)%len(inks)],
		}
		out[i] = evalCase{text: c.Text, hand: !spec.Printed, crop: synth.RenderNote(spec)}
	}
	return out
}

// drawWallCases cuts n fully visible notes out of walls of a level: half the walls hand-lettered (a few printed notes among them, as
// synth mixes them), half all printed.
func drawWallCases(t testing.TB, n int, level synth.Level) []evalCase {
	t.Helper()
	var hand, printed []evalCase
	for seed := int64(1); len(hand) < n/2 || len(printed) < n-n/2; seed++ {
		all := seed%2 == 0
		if all && len(printed) >= n-n/2 || !all && len(hand) >= n/2 {
			continue
		}
		w, err := synth.Generate(synth.Options{Seed: seed, Level: level, Printed: all})
		if err != nil {
			t.Fatal(err)
		}
		for _, tn := range w.Notes {
			if tn.Visible < 0.98 {
				continue
			}
			c := evalCase{text: cleanSpace(tn.Text), hand: !tn.Printed, crop: warpQuad(w.Image, tn.Polygon)}
			if c.hand && len(hand) < n/2 {
				hand = append(hand, c)
			} else if !c.hand && len(printed) < n-n/2 {
				printed = append(printed, c)
			}
		}
	}
	return append(hand, printed...)
}

// warpQuad cuts the quadrilateral q out of m and straightens it into a
// rectangle as large as its mean sides, sampling bilinearly.
func warpQuad(m *image.RGBA, q wallscan.Quad) *image.RGBA {
	d := func(a, b image.Point) float64 { return math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y)) }
	w := int(math.Round((d(q[0], q[1]) + d(q[3], q[2])) / 2))
	h := int(math.Round((d(q[0], q[3]) + d(q[1], q[2])) / 2))
	H := homography([4][2]float64{{0, 0}, {float64(w), 0}, {float64(w), float64(h)}, {0, float64(h)}},
		[4][2]float64{{float64(q[0].X), float64(q[0].Y)}, {float64(q[1].X), float64(q[1].Y)}, {float64(q[2].X), float64(q[2].Y)}, {float64(q[3].X), float64(q[3].Y)}})
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	b := m.Bounds()
	for y := range h {
		for x := range w {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			den := H[6]*fx + H[7]*fy + H[8]
			sx := (H[0]*fx+H[1]*fy+H[2])/den - 0.5
			sy := (H[3]*fx+H[4]*fy+H[5])/den - 0.5
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			tx, ty := sx-float64(x0), sy-float64(y0)
			for c := range 3 {
				at := func(x, y int) float64 {
					x = min(max(x, b.Min.X), b.Max.X-1)
					y = min(max(y, b.Min.Y), b.Max.Y-1)
					return float64(m.Pix[m.PixOffset(x, y)+c])
				}
				v := (at(x0, y0)*(1-tx)+at(x0+1, y0)*tx)*(1-ty) + (at(x0, y0+1)*(1-tx)+at(x0+1, y0+1)*tx)*ty
				out.Pix[out.PixOffset(x, y)+c] = uint8(math.Round(v))
			}
			out.Pix[out.PixOffset(x, y)+3] = 255
		}
	}
	return out
}

// homography returns the 3x3 matrix (row-major) that maps the points src
// onto dst, by solving the eight linear equations of the four pairs.
func homography(src, dst [4][2]float64) [9]float64 {
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := src[i][0], src[i][1], dst[i][0], dst[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r != c {
				f := a[r][c] / a[c][c]
				for k := c; k < 9; k++ {
					a[r][k] -= f * a[c][k]
				}
			}
		}
	}
	var h [9]float64
	for i := range 8 {
		h[i] = a[i][8] / a[i][i]
	}
	h[8] = 1
	return h
}
