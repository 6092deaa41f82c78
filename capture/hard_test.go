package capture

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"
)

// Colours of a drawn whiteboard and of the marker ink on it.
var (
	wallBoard = color.RGBA{226, 230, 236, 255}
	inkMarker = color.RGBA{30, 50, 150, 255}
)

// oblong returns an axis-aligned note w wide and h high at (x, y).
func oblong(x, y, w, h float64) quad {
	return quad{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}
}

// drawRing draws a marker loop of the given stroke width around the
// ellipse at c with radii rx and ry, as a facilitator rings a group.
func drawRing(img *image.RGBA, c pt, rx, ry, width float64, ink color.RGBA) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dx, dy := (float64(x)+.5-c.X)/rx, (float64(y)+.5-c.Y)/ry
			// Distance to the ellipse, roughly, in pixels.
			d := math.Abs(math.Hypot(dx, dy)-1) * math.Min(rx, ry)
			if d <= width/2 {
				o := img.PixOffset(x, y)
				img.Pix[o], img.Pix[o+1], img.Pix[o+2] = ink.R, ink.G, ink.B
			}
		}
	}
}

// TestSegmentHardCases pins failures once seen on the hard synth set:
// each case must give exactly its notes, each at IoU >= 0.8.
func TestSegmentHardCases(t *testing.T) {
	seg := NewSegmenter(Options{})
	squares := func(y float64, n int) []drawnNote {
		var out []drawnNote
		for i := range n {
			out = append(out, drawnNote{q: square(150+float64(i)*330, y, 280, 0), paper: paperYellow})
		}
		return out
	}
	tests := []struct {
		name  string
		wall  color.RGBA
		notes []drawnNote
		draw  func(img *image.RGBA)
	}{
		{
			// An oblong note as long as two squares (perspective makes
			// 76x127 mm look so) was cut blindly in two.
			name: "oblong among squares",
			wall: wallWhite,
			notes: append(squares(120, 4), drawnNote{q: oblong(300, 560, 560, 290), paper: paperYellow},
				drawnNote{q: square(1000, 560, 280, 0), paper: paperPink}),
		},
		{
			name: "square beside oblong, one colour",
			wall: wallWhite,
			notes: append(squares(120, 4),
				drawnNote{q: oblong(300, 560, 480, 290), paper: paperGreen},
				drawnNote{q: square(780, 560, 290, 0), paper: paperGreen, shade: 0.05}),
		},
		{
			// Three notes of one colour, each overlapping the next by
			// about 15%, told apart only by a slight difference in shade.
			name: "three overlapping, one colour",
			wall: wallWhite,
			notes: append(squares(120, 4),
				drawnNote{q: square(300, 560, 290, 0), paper: paperPink},
				drawnNote{q: square(545, 575, 290, 2), paper: paperPink, shade: 0.05},
				drawnNote{q: square(790, 560, 290, -2), paper: paperPink}),
		},
		{
			// Two lines of writing that run from edge to edge cut a
			// note's region in three; the parts are one note, not an
			// oblong note with its last line lost.
			name:  "writing cuts a note in three",
			wall:  wallWhite,
			notes: append(squares(120, 4), drawnNote{q: square(600, 560, 290, 0), paper: paperYellow}),
			draw: func(img *image.RGBA) {
				for _, y := range []int{560 + 150, 560 + 215} {
					for dy := range 6 {
						for x := 600 + 4; x < 600+290-4; x++ {
							o := img.PixOffset(x, y+dy)
							img.Pix[o], img.Pix[o+1], img.Pix[o+2] = 40, 40, 50
						}
					}
				}
			},
		},
		{
			// Marker ink on a whiteboard: a ring around a group is no note,
			// and must not join the notes into one region.
			name: "marker ring on a whiteboard",
			wall: wallBoard,
			notes: []drawnNote{
				{q: square(420, 330, 280, 3), paper: paperBlue},
				{q: square(760, 340, 280, -2), paper: paperYellow},
			},
			draw: func(img *image.RGBA) {
				drawRing(img, pt{710, 480}, 480, 260, 12, inkMarker)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := drawWall(1600, 1000, tt.wall, tt.notes, pt{}, 0)
			if tt.draw != nil {
				tt.draw(img)
			}
			segmentDrawn(t, seg, img, tt.notes, 0.8)
		})
	}
}

// TestSegmentSmallFarNotes: notes about 230 pixels wide on a 12 MP photo
// (a wall photographed from afar) are looked for again at a finer scale,
// on the part of the photo that holds them; a note far from the group
// must be inside that part too.
func TestSegmentSmallFarNotes(t *testing.T) {
	var notes []drawnNote
	papers := []color.RGBA{paperYellow, paperPink, paperBlue, paperGreen}
	for i := range 16 {
		x, y := 600+float64(i%4)*300, 700+float64(i/4)*300
		notes = append(notes, drawnNote{q: square(x, y, 230, float64(i%3-1)*4), paper: papers[i%4]})
	}
	notes = append(notes, drawnNote{q: square(3500, 2500, 230, 6), paper: paperYellow})
	var logs []string
	debugLog = func(format string, args ...any) {
		if len(format) > 10 && format[:10] == "fine pass:" {
			logs = append(logs, fmt.Sprintf(format, args...))
		}
	}
	defer func() { debugLog = nil }()
	got, err := NewSegmenter(Options{}).Segment(context.Background(), encodeJPEG(t, drawWall(4000, 3000, wallWhite, notes, pt{}, 0)))
	debugLog = nil
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 1 {
		t.Fatalf("the finer pass ran %d times, want once", len(logs))
	}
	t.Log(logs[0])
	checkNotes(t, got, notes, 0.8)
}

// TestNoteWindow: the finer pass's window holds the solid parts of the
// note mask, widened by the margin, and leaves out thin marker lines.
func TestNoteWindow(t *testing.T) {
	w, h := 400, 300
	mask := make([]byte, w*h)
	for y := 100; y < 160; y++ {
		for x := 120; x < 200; x++ {
			mask[y*w+x] = 255
		}
	}
	// A long thin line across the image (a board's edge, a marker line).
	for x := 0; x < w; x++ {
		for y := 10 + x/4; y < 13+x/4; y++ {
			mask[y*w+x] = 255
		}
	}
	tests := []struct {
		name    string
		minArea float64
		want    image.Rectangle
	}{
		{"block only", 500, image.Rect(110, 90, 210, 170)},
		{"nothing large enough", 10000, image.Rect(0, 0, w, h)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := noteWindow(mask, w, h, tt.minArea, 10); got != tt.want {
				t.Errorf("noteWindow = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRegionsAndHull checks the run-walking regions and the hull from
// line ends against the plain definitions (every pixel, all four corners
// of each row's ends) on random label images with gaps and shared rows.
func TestRegionsAndHull(t *testing.T) {
	for _, tc := range []struct {
		name     string
		w, h     int
		labels   int
		minLabel int32
		seed     uint64
	}{
		{"two labels", 40, 30, 2, 0, 1},
		{"many labels above 1", 64, 48, 9, 1, 2},
		{"thin", 5, 80, 3, 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Blobs of labels: random rectangles and discs, drawn over
			// each other, so regions have gaps and ragged rows.
			lb := make([]int32, tc.w*tc.h)
			s := tc.seed
			rnd := func(n int) int {
				s = s*6364136223846793005 + 1442695040888963407
				return int((s >> 33) % uint64(n))
			}
			for range 12 {
				l := int32(rnd(tc.labels + 1))
				cx, cy, r := rnd(tc.w), rnd(tc.h), 1+rnd(8)
				disc := rnd(2) == 0
				for y := max(cy-r, 0); y < min(cy+r, tc.h); y++ {
					for x := max(cx-r, 0); x < min(cx+r, tc.w); x++ {
						if !disc || (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
							lb[y*tc.w+x] = l
						}
					}
				}
			}
			rs := regions(lb, tc.w, tc.h, tc.minLabel)
			seen := map[int32]int{}
			for i, l := range lb {
				if l <= tc.minLabel {
					continue
				}
				seen[l]++
				r := rs[l]
				if r == nil {
					t.Fatalf("label %d missing", l)
				}
				x, y := i%tc.w, i/tc.w
				if x < r.minX || x > r.maxX || y < r.minY || y > r.maxY {
					t.Fatalf("label %d pixel (%d,%d) outside %d,%d-%d,%d", l, x, y, r.minX, r.minY, r.maxX, r.maxY)
				}
				k := y - r.minY
				if int(r.rowMin[k]) > x || int(r.rowMax[k]) < x {
					t.Fatalf("label %d row %d ends %d..%d miss x %d", l, y, r.rowMin[k], r.rowMax[k], x)
				}
			}
			if got, want := len(rs), len(seen); got != want {
				t.Fatalf("regions = %d, want %d", got, want)
			}
			for l, r := range rs {
				if got, want := r.count, seen[l]; got != want {
					t.Errorf("label %d count = %d, want %d", l, got, want)
				}
				if got, want := len(r.rowMin), r.maxY-r.minY+1; got != want {
					t.Errorf("label %d rows = %d, want %d", l, got, want)
				}
				var pts []pt
				for k := range r.rowMin {
					if r.rowMin[k] < 0 {
						continue
					}
					y := float64(r.minY + k)
					lo, hi := float64(r.rowMin[k]), float64(r.rowMax[k])+1
					pts = append(pts, pt{lo, y}, pt{lo, y + 1}, pt{hi, y}, pt{hi, y + 1})
				}
				if got, want := fmt.Sprint(r.hull()), fmt.Sprint(convexHull(pts)); got != want {
					t.Errorf("label %d hull = %s, want %s", l, got, want)
				}
			}
		})
	}
}
