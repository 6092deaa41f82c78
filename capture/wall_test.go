package capture

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"

	"wallscan"
)

// drawnNote is a note drawn by a test: an outline and a paper colour.
type drawnNote struct {
	q     quad
	paper color.RGBA
	shade float64 // multiply the paper by (1-shade)
}

// Paper colours of common notes, for drawn test walls.
var (
	paperYellow = color.RGBA{250, 236, 112, 255}
	paperPink   = color.RGBA{248, 138, 184, 255}
	paperBlue   = color.RGBA{112, 194, 236, 255}
	paperGreen  = color.RGBA{164, 222, 118, 255}
	wallWhite   = color.RGBA{236, 236, 232, 255}
)

// square returns an axis-aligned note of side s at (x, y), rotated by deg
// about its centre.
func square(x, y, s, deg float64) quad {
	c := pt{x + s/2, y + s/2}
	r := deg * math.Pi / 180
	var q quad
	for i, d := range []pt{{-s / 2, -s / 2}, {s / 2, -s / 2}, {s / 2, s / 2}, {-s / 2, s / 2}} {
		q[i] = c.add(pt{d.X*math.Cos(r) - d.Y*math.Sin(r), d.X*math.Sin(r) + d.Y*math.Cos(r)})
	}
	return q
}

// drawWall paints notes on a plain wall with a little noise, with
// scribbled "text" on each note, and a glare spot if glareR > 0.
func drawWall(w, h int, wall color.RGBA, notes []drawnNote, glare pt, glareR float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < len(img.Pix); i += 4 {
		n := uint8(rng.IntN(5))
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = wall.R-n, wall.G-n, wall.B-n, 255
	}
	for _, dn := range notes {
		b := quadBounds(dn.q)
		k := 1 - dn.shade
		for y := max(b[1], 0); y < min(b[3], h); y++ {
			for x := max(b[0], 0); x < min(b[2], w); x++ {
				p := pt{float64(x) + .5, float64(y) + .5}
				if !inside(dn.q, p) {
					continue
				}
				o := img.PixOffset(x, y)
				img.Pix[o] = uint8(float64(dn.paper.R) * k)
				img.Pix[o+1] = uint8(float64(dn.paper.G) * k)
				img.Pix[o+2] = uint8(float64(dn.paper.B) * k)
				// Three lines of "writing": dark bars in the middle band.
				u, v := noteUV(dn.q, p)
				if u > 0.15 && u < 0.85 && (math.Abs(v-0.35) < 0.03 || math.Abs(v-0.5) < 0.03 || math.Abs(v-0.65) < 0.03) && int(u*40)%3 != 0 {
					img.Pix[o], img.Pix[o+1], img.Pix[o+2] = 30, 30, 40
				}
			}
		}
	}
	if glareR > 0 {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				d := math.Hypot(float64(x)-glare.X, float64(y)-glare.Y) / glareR
				if d >= 1 {
					continue
				}
				a := math.Min(1, 1.6*(1-d*d))
				o := img.PixOffset(x, y)
				for c := 0; c < 3; c++ {
					img.Pix[o+c] = uint8(float64(img.Pix[o+c])*(1-a) + 255*a)
				}
			}
		}
	}
	return img
}

// noteUV returns p's position within q (0..1 along the top and left sides),
// for a parallelogram-like q.
func noteUV(q quad, p pt) (float64, float64) {
	ex, ey := q[1].sub(q[0]), q[3].sub(q[0])
	d := p.sub(q[0])
	den := ex.cross(ey)
	return d.cross(ey) / den, ex.cross(d) / den
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// segmentDrawn segments a drawn wall and checks that it gives exactly the
// drawn notes, each found at IoU >= minIoU.
func segmentDrawn(t *testing.T, seg *Segmenter, img image.Image, notes []drawnNote, minIoU float64) *wallscan.Segmentation {
	t.Helper()
	got, err := seg.Segment(context.Background(), encodeJPEG(t, img))
	if err != nil {
		t.Fatal(err)
	}
	checkNotes(t, got, notes, minIoU)
	return got
}

// checkNotes checks that a segmentation holds exactly the drawn notes,
// each at IoU >= minIoU.
func checkNotes(t *testing.T, got *wallscan.Segmentation, notes []drawnNote, minIoU float64) {
	t.Helper()
	if got, want := len(got.Notes), len(notes); got != want {
		t.Errorf("found %d notes, want %d", got, want)
	}
	truth := make([]quad, len(notes))
	for i, n := range notes {
		truth[i] = n.q
	}
	for i, v := range matchNotes(truth, got) {
		if v < minIoU {
			t.Errorf("note %d: IoU %.2f, want >= %.2f", i, v, minIoU)
		}
	}
}

// matchNotes pairs each truth quad with the found note of highest IoU and
// returns the IoUs (0 for a missed note).
func matchNotes(truth []quad, seg *wallscan.Segmentation) []float64 {
	ious := make([]float64, len(truth))
	used := make([]bool, len(seg.Notes))
	for i, tq := range truth {
		best, bi := 0.0, -1
		for j, n := range seg.Notes {
			if used[j] {
				continue
			}
			if v := quadIoU(tq, fromWallQuad(n.Polygon)); v > best {
				best, bi = v, j
			}
		}
		if bi >= 0 && best >= 0.5 {
			used[bi] = true
			ious[i] = best
		}
	}
	return ious
}

func TestSegmentDrawnWalls(t *testing.T) {
	seg := NewSegmenter(Options{})
	row := func(notes ...drawnNote) []drawnNote { return notes }
	tests := []struct {
		name   string
		notes  []drawnNote
		glare  pt
		glareR float64
		colors []wallscan.Color
	}{
		{
			name: "three apart",
			notes: row(
				drawnNote{q: square(200, 200, 300, 0), paper: paperYellow},
				drawnNote{q: square(700, 250, 300, 0), paper: paperPink},
				drawnNote{q: square(1200, 220, 300, 0), paper: paperBlue},
			),
			colors: []wallscan.Color{wallscan.Yellow, wallscan.Pink, wallscan.Blue},
		},
		{
			name: "rotated",
			notes: row(
				drawnNote{q: square(300, 300, 320, 20), paper: paperGreen},
				drawnNote{q: square(900, 300, 320, -35), paper: paperYellow},
			),
			colors: []wallscan.Color{wallscan.Green, wallscan.Yellow},
		},
		{
			name: "touching same colour",
			notes: row(
				drawnNote{q: square(200, 300, 300, 0), paper: paperYellow},
				drawnNote{q: square(500, 300, 300, 0), paper: paperYellow, shade: 0.04},
				drawnNote{q: square(1100, 300, 300, 0), paper: paperYellow},
			),
			colors: []wallscan.Color{wallscan.Yellow, wallscan.Yellow, wallscan.Yellow},
		},
		{
			name: "glare spot",
			notes: row(
				drawnNote{q: square(300, 300, 360, 5), paper: paperYellow},
				drawnNote{q: square(900, 300, 360, 0), paper: paperPink},
			),
			glare: pt{430, 420}, glareR: 110,
			colors: []wallscan.Color{wallscan.Yellow, wallscan.Pink},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := drawWall(1600, 1000, wallWhite, tt.notes, tt.glare, tt.glareR)
			got := segmentDrawn(t, seg, img, tt.notes, 0.85)
			for i, n := range got.Notes {
				if i < len(tt.colors) && n.Color != tt.colors[i] {
					t.Errorf("note %d colour %s, want %s", i, n.Color, tt.colors[i])
				}
				if n.Crop == nil || n.Crop.Bounds().Dx() < 100 {
					t.Errorf("note %d: crop %v", i, n.Crop)
				}
			}
			if tt.glareR > 0 {
				if got.Quality.GlareNotes < 1 {
					t.Errorf("GlareNotes = %d, want >= 1", got.Quality.GlareNotes)
				}
			}
			t.Logf("quality %+v", got.Quality)
		})
	}
}
