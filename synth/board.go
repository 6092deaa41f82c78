package synth

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// mark is marker ink on the board itself, not on a note: a heading over a
// group or a ring drawn around one. Facilitators write them on whiteboards
// and kraft paper; they are not notes and are not in the ground truth.
type mark struct {
	mask *image.Alpha // the ink, upright
	quad [4][2]float64
	ink  color.RGBA
}

var markerInks = []color.RGBA{inkBlack, inkBlue, {196, 32, 40, 255}, {24, 118, 56, 255}}

// annotate decides which marks the facilitator made. Only whiteboards and
// kraft paper get them, on about half of the walls.
func (sc *scene) annotate(fs fontSet) {
	if sc.background != "whiteboard" && sc.background != "kraft" {
		return
	}
	rng := rand.New(rand.NewPCG(sc.bgSeed, 2))
	if rng.Float64() >= 0.5 {
		return
	}
	// The extent of each group on the wall.
	type box struct{ x0, y0, x1, y1 float64 }
	boxes := map[int]*box{}
	maxGroup := 0
	for _, sn := range sc.notes {
		b := boxes[sn.group]
		if b == nil {
			b = &box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
			boxes[sn.group] = b
		}
		for _, c := range sn.corners() {
			b.x0, b.x1 = min(b.x0, c[0]), max(b.x1, c[0])
			b.y0, b.y1 = min(b.y0, c[1]), max(b.y1, c[1])
		}
		maxGroup = max(maxGroup, sn.group)
	}
	style := rng.IntN(3)
	ink := markerInks[rng.IntN(len(markerInks))]
	face := fs.hand[rng.IntN(len(fs.hand))]
	res := 3.0 // mask pixels per mm
	for g := 0; g <= maxGroup; g++ {
		b := boxes[g]
		if b == nil {
			continue
		}
		if rng.Float64() < 0.75 {
			var text string
			switch style {
			case 0:
				text = fmt.Sprintf("Groep %d", g+1)
			case 1:
				text = fmt.Sprintf("Thema %c", 'A'+g)
			default:
				text = fmt.Sprintf("%d.", g+1)
			}
			if g == maxGroup && rng.Float64() < 0.3 {
				text = "Overig"
			}
			w, h := 220.0, 55.0
			x0 := b.x0 + rng.Float64()*30
			y1 := b.y0 - 6 - rng.Float64()*10
			p := noteParams{text: text, face: face, w: int(w * res), h: int(h * res), seed: rng.Uint64(),
				maxSize: 0.75, oneLine: true}
			mask := image.NewAlpha(image.Rect(0, 0, p.w, p.h))
			drawText(mask, p, rand.New(rand.NewPCG(p.seed, 3)))
			a := (rng.Float64() - 0.5) * 0.06
			sc.marks = append(sc.marks, mark{mask: mask, quad: rotatedBox(x0, y1-h, w, h, a), ink: ink})
		}
		if rng.Float64() < 0.35 {
			sc.marks = append(sc.marks, ring(b.x0, b.y0, b.x1, b.y1, res, ink, rng))
		}
	}
}

// rotatedBox returns the corners of the w x h box at (x, y), turned by a
// radians about its centre.
func rotatedBox(x, y, w, h, a float64) [4][2]float64 {
	cx, cy := x+w/2, y+h/2
	sn, cs := math.Sincos(a)
	var q [4][2]float64
	for i, c := range [4][2]float64{{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}} {
		q[i] = [2]float64{cx + cs*c[0] - sn*c[1], cy + sn*c[0] + cs*c[1]}
	}
	return q
}

// ring draws a wobbly loop around a group, a little more than a full turn.
func ring(x0, y0, x1, y1, res float64, ink color.RGBA, rng *rand.Rand) mark {
	pad := 25 + 20*rng.Float64()
	cx, cy := (x0+x1)/2, (y0+y1)/2
	rx, ry := (x1-x0)/2+pad, (y1-y0)/2+pad
	bx0, by0 := cx-rx*1.1-10, cy-ry*1.1-10
	w, h := 2*(rx*1.1+10), 2*(ry*1.1+10)
	mask := image.NewAlpha(image.Rect(0, 0, int(w*res), int(h*res)))
	width := (3 + 1.5*rng.Float64()) * res / 2
	start := rng.Float64() * 2 * math.Pi
	turn := 2*math.Pi + 0.2 + 0.3*rng.Float64()
	ph1, ph2 := rng.Float64()*6, rng.Float64()*6
	steps := int(turn * math.Max(rx, ry) * res / (width / 2))
	for i := 0; i <= steps; i++ {
		t := start + turn*float64(i)/float64(steps)
		// The hand drifts outward over the turn and wobbles.
		k := 1 + 0.04*float64(i)/float64(steps) + 0.02*math.Sin(3*t+ph1) + 0.015*math.Sin(5*t+ph2)
		x := (cx + rx*k*math.Cos(t) - bx0) * res
		y := (cy + ry*k*math.Sin(t) - by0) * res
		stampDisc(mask, x, y, width)
	}
	return mark{mask: mask, quad: rotatedBox(bx0, by0, w, h, 0), ink: ink}
}

// stampDisc draws an anti-aliased disc of radius r into mask.
func stampDisc(mask *image.Alpha, x, y, r float64) {
	b := image.Rect(int(x-r)-1, int(y-r)-1, int(x+r)+2, int(y+r)+2).Intersect(mask.Rect)
	for py := b.Min.Y; py < b.Max.Y; py++ {
		for px := b.Min.X; px < b.Max.X; px++ {
			d := math.Hypot(float64(px)+0.5-x, float64(py)+0.5-y)
			a := clamp01(r - d + 0.5)
			if a > 0 {
				o := py*mask.Stride + px
				mask.Pix[o] = max(mask.Pix[o], uint8(a*255))
			}
		}
	}
}

// draw puts the mark's ink onto the photo through the camera.
func (m mark) draw(img *image.RGBA, cam homography) {
	var q [4][2]float64
	for i, c := range m.quad {
		x, y := cam.apply(c[0], c[1])
		q[i] = [2]float64{x, y}
	}
	mw, mh := float64(m.mask.Rect.Dx()), float64(m.mask.Rect.Dy())
	inv := quadToQuad([4][2]float64{{0, 0}, {mw, 0}, {mw, mh}, {0, mh}}, q).inverse()
	x0, y0, x1, y1 := quadBounds(q)
	r := clipRect(img.Rect, x0, y0, x1, y1)
	iw, ih := m.mask.Rect.Dx(), m.mask.Rect.Dy()
	ir, ig, ib := float64(m.ink.R), float64(m.ink.G), float64(m.ink.B)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride:]
		fy := float64(y) + 0.5
		for x := r.Min.X; x < r.Max.X; x++ {
			fx := float64(x) + 0.5
			w := inv[6]*fx + inv[7]*fy + inv[8]
			u := (inv[0]*fx+inv[1]*fy+inv[2])/w - 0.5
			v := (inv[3]*fx+inv[4]*fy+inv[5])/w - 0.5
			iu, iv := int(math.Floor(u)), int(math.Floor(v))
			if iu < 0 || iv < 0 || iu+1 >= iw || iv+1 >= ih {
				continue
			}
			tu, tv := u-float64(iu), v-float64(iv)
			p := m.mask.Pix[iv*m.mask.Stride+iu:]
			p2 := m.mask.Pix[(iv+1)*m.mask.Stride+iu:]
			a := ((1-tv)*((1-tu)*float64(p[0])+tu*float64(p[1])) + tv*((1-tu)*float64(p2[0])+tu*float64(p2[1]))) / 255 * 0.9
			if a <= 0 {
				continue
			}
			o := x * 4
			row[o] = uint8(float64(row[o])*(1-a) + ir*a)
			row[o+1] = uint8(float64(row[o+1])*(1-a) + ig*a)
			row[o+2] = uint8(float64(row[o+2])*(1-a) + ib*a)
		}
	}
}
