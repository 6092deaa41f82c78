package synth

import (
	"image"
	"math"
	"math/rand/v2"

	"wallscan"
)

// lowRes is the step, in photo pixels, of the grids on which slowly varying
// things (the background texture, the light) are computed before they are
// interpolated to every pixel.
const lowRes = 4

// photograph renders shot i of shots.
func (sc *scene) photograph(shot, shots int) *Wall {
	lp := sc.lp
	rng := rand.New(rand.NewPCG(uint64(sc.opt.Seed)^0x73686f74, uint64(shot)))
	W, H := sc.width, sc.height
	img := image.NewRGBA(image.Rect(0, 0, W, H))

	// The part of the wall this shot sees.
	x0, x1 := sc.minX, sc.maxX
	if shots > 1 {
		f := math.Min(1, 1.5/float64(shots))
		span := sc.maxX - sc.minX
		x0 = sc.minX + float64(shot)*(1-f)*span/float64(shots-1)
		x1 = x0 + f*span
	}
	cam := sc.camera(rng, x0, x1, W, H)

	sc.paintBackground(img, cam, rng)
	for _, m := range sc.marks {
		m.draw(img, cam)
	}

	// Shadows and notes, in the order they were stuck on.
	light := rng.Float64() * 2 * math.Pi
	sdx, sdy := math.Cos(light)*0.5, 0.6+0.4*math.Abs(math.Sin(light)) // light from above
	cover := newCoverage(W, H)
	var truth []TruthNote
	for k, sn := range sc.notes {
		var q [4][2]float64
		for i, c := range sn.corners() {
			x, y := cam.apply(c[0], c[1])
			q[i] = [2]float64{x, y}
		}
		side := math.Sqrt(quadArea(q))
		if !quadInFrame(q, W, H) {
			continue
		}
		off := side * (0.02 + 0.02*float64(sn.curl)/math.Max(lp.curl, 1))
		drawShadow(img, q, sdx*off, sdy*off, side*0.035, sn.shadow)
		warpNote(img, sn, q)
		cover.fill(q, k)
		truth = append(truth, TruthNote{
			ID: sn.id, Polygon: roundQuad(q), Text: sn.text, Color: sn.color, Theme: sn.theme,
			Printed: sn.printed, Group: sn.group,
		})
	}
	counts := cover.counts(len(sc.notes))
	j := 0
	for k, sn := range sc.notes {
		if j < len(truth) && truth[j].ID == sn.id {
			a := truth[j].Polygon.Area()
			if a > 0 {
				truth[j].Visible = math.Min(1, float64(counts[k]*lowRes*lowRes)/a)
			}
			j++
		}
	}

	finish(img, lp, rng)
	return &Wall{Image: img, Notes: truth, Background: sc.background, Level: sc.opt.Level,
		Seed: sc.opt.Seed, Shot: shot, Quality: lp.quality}
}

// camera returns the wall-to-photo homography of a shot that sees the wall
// between x0 and x1 (mm), fitted into a W x H photo with a margin.
func (sc *scene) camera(rng *rand.Rand, x0, x1 float64, W, H int) homography {
	lp := sc.lp
	sign := func() float64 {
		if rng.IntN(2) == 0 {
			return -1
		}
		return 1
	}
	yaw := sign() * (lp.yawMin + rng.Float64()*(lp.yawMax-lp.yawMin)) * math.Pi / 180
	pitch := (rng.Float64() - 0.5) * 2 * lp.pitch * math.Pi / 180
	roll := (rng.Float64() - 0.5) * 2 * lp.roll * math.Pi / 180
	focal := 0.85 * float64(max(W, H))
	// However few notes there are, the camera sees a stretch of wall at
	// least minView wide: one note does not fill the photo. (Walls of
	// three or more notes are always wider, and unaffected.)
	const minView = 180.0
	y0, y1 := sc.minY, sc.maxY
	if max(x1-x0, (y1-y0)*float64(W)/float64(H)) < minView {
		minH := minView * float64(H) / float64(W)
		if d := minView - (x1 - x0); d > 0 {
			x0, x1 = x0-d/2, x1+d/2
		}
		if d := minH - (y1 - y0); d > 0 {
			y0, y1 = y0-d/2, y1+d/2
		}
	}
	cx, cy := (x0+x1)/2, (y0+y1)/2
	ww, wh := x1-x0, y1-y0
	dist := focal * math.Max(ww/float64(W), wh/float64(H)) * 1.1
	h := camera(yaw, pitch, roll, dist, focal).mul(translate(-cx, -cy))

	// Fit the seen part into the photo, leaving a margin of 3-10%.
	bx0, by0, bx1, by1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} {
		x, y := h.apply(c[0], c[1])
		bx0, bx1 = min(bx0, x), max(bx1, x)
		by0, by1 = min(by0, y), max(by1, y)
	}
	mx := float64(W) * (0.03 + 0.07*rng.Float64())
	my := float64(H) * (0.03 + 0.07*rng.Float64())
	s := math.Min((float64(W)-2*mx)/(bx1-bx0), (float64(H)-2*my)/(by1-by0))
	// Centre what is left over, a little off.
	ox := (float64(W) - s*(bx1-bx0)) / 2 * (0.7 + 0.6*rng.Float64())
	oy := (float64(H) - s*(by1-by0)) / 2 * (0.7 + 0.6*rng.Float64())
	return translate(ox, oy).mul(scaleBy(s, s)).mul(translate(-bx0, -by0)).mul(h)
}

func quadArea(q [4][2]float64) float64 {
	var s float64
	for i := range q {
		j := (i + 1) % 4
		s += q[i][0]*q[j][1] - q[j][0]*q[i][1]
	}
	return math.Abs(s) / 2
}

// quadInFrame reports whether any part of q may fall inside the photo.
func quadInFrame(q [4][2]float64, W, H int) bool {
	x0, y0, x1, y1 := quadBounds(q)
	return x1 > 0 && y1 > 0 && x0 < float64(W) && y0 < float64(H)
}

func quadBounds(q [4][2]float64) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = q[0][0], q[0][1], q[0][0], q[0][1]
	for _, p := range q[1:] {
		x0, x1 = min(x0, p[0]), max(x1, p[0])
		y0, y1 = min(y0, p[1]), max(y1, p[1])
	}
	return
}

func roundQuad(q [4][2]float64) wallscan.Quad {
	var out wallscan.Quad
	for i, p := range q {
		out[i] = image.Pt(int(math.Round(p[0])), int(math.Round(p[1])))
	}
	return out
}

// edges holds the inward edge lines of a convex quad, normalised so that
// a*x + b*y + c is the signed distance from the edge (positive inside).
type edges [4][3]float64

func quadEdges(q [4][2]float64) edges {
	var e edges
	orient := 1.0
	var s float64
	for i := range q {
		j := (i + 1) % 4
		s += q[i][0]*q[j][1] - q[j][0]*q[i][1]
	}
	if s < 0 {
		orient = -1
	}
	for i := range q {
		j := (i + 1) % 4
		dx, dy := q[j][0]-q[i][0], q[j][1]-q[i][1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			l = 1
		}
		// With y down and clockwise order, the inside is to the right.
		a, b := -dy/l*orient, dx/l*orient
		e[i] = [3]float64{a, b, -(a*q[i][0] + b*q[i][1])}
	}
	return e
}

// dist returns the distance of (x, y) inside the quad (negative outside).
func (e *edges) dist(x, y float64) float64 {
	d := math.Inf(1)
	for _, l := range e {
		d = min(d, l[0]*x+l[1]*y+l[2])
	}
	return d
}

// drawShadow darkens the photo under the quad q shifted by (dx, dy), with
// a soft edge of the given width: the shadow of a note that stands off the
// wall a little.
func drawShadow(img *image.RGBA, q [4][2]float64, dx, dy, soft, strength float64) {
	for i := range q {
		q[i][0] += dx
		q[i][1] += dy
	}
	e := quadEdges(q)
	x0, y0, x1, y1 := quadBounds(q)
	r := clipRect(img.Rect, x0-soft, y0-soft, x1+soft, y1+soft)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride:]
		fy := float64(y) + 0.5
		for x := r.Min.X; x < r.Max.X; x++ {
			d := e.dist(float64(x)+0.5, fy)
			if d <= -soft {
				continue
			}
			k := 1 - strength*smoothstep(-soft, soft, d)
			o := x * 4
			row[o] = uint8(float64(row[o]) * k)
			row[o+1] = uint8(float64(row[o+1]) * k)
			row[o+2] = uint8(float64(row[o+2]) * k)
		}
	}
}

func clipRect(b image.Rectangle, x0, y0, x1, y1 float64) image.Rectangle {
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1)
	return r.Intersect(b)
}

// warpNote draws the note's upright image into the photo so that its
// corners land on q, by inverse mapping over q's bounding box: each photo
// pixel looks up its place on the note, samples it bilinearly and blends
// it in with an anti-aliased edge. Glare is added on the way.
func warpNote(img *image.RGBA, sn *sceneNote, q [4][2]float64) {
	src := sn.img
	nw, nh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	hn := quadToQuad([4][2]float64{{0, 0}, {nw, 0}, {nw, nh}, {0, nh}}, q)
	inv := hn.inverse()
	k := math.Sqrt(quadArea(q) / (nw * nh)) // photo pixels per note pixel
	x0, y0, x1, y1 := quadBounds(q)
	r := clipRect(img.Rect, x0-1, y0-1, x1+1, y1+1)
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	sp, ss := src.Pix, src.Stride
	gr2 := sn.glareR * sn.glareR
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride:]
		fy := float64(y) + 0.5
		for x := r.Min.X; x < r.Max.X; x++ {
			fx := float64(x) + 0.5
			w := inv[6]*fx + inv[7]*fy + inv[8]
			u := (inv[0]*fx + inv[1]*fy + inv[2]) / w
			v := (inv[3]*fx + inv[4]*fy + inv[5]) / w
			d := min(u, nw-u, v, nh-v)
			a := d*k + 0.5
			if a <= 0 {
				continue
			}
			if a > 1 {
				a = 1
			}
			// Bilinear sample at (u-0.5, v-0.5).
			su, sv := u-0.5, v-0.5
			iu, iv := int(math.Floor(su)), int(math.Floor(sv))
			tu, tv := su-float64(iu), sv-float64(iv)
			iu0, iu1 := max(0, min(sw-1, iu)), max(0, min(sw-1, iu+1))
			iv0, iv1 := max(0, min(sh-1, iv)), max(0, min(sh-1, iv+1))
			p00, p10 := iv0*ss+iu0*4, iv0*ss+iu1*4
			p01, p11 := iv1*ss+iu0*4, iv1*ss+iu1*4
			var glare float64
			if sn.glare {
				gu, gv := u/nw-sn.glareU, v/nh-sn.glareV
				glare = sn.glareAmt * math.Exp(-(gu*gu+gv*gv)/gr2)
			}
			o := x * 4
			for c := 0; c < 3; c++ {
				top := float64(sp[p00+c])*(1-tu) + float64(sp[p10+c])*tu
				bot := float64(sp[p01+c])*(1-tu) + float64(sp[p11+c])*tu
				val := top*(1-tv) + bot*tv
				val += glare * (255 - val)
				row[o+c] = uint8(float64(row[o+c])*(1-a) + val*a + 0.5)
			}
		}
	}
}

// coverage records, on a coarse grid, which note is on top where.
type coverage struct {
	w, h int
	id   []int32
}

func newCoverage(W, H int) *coverage {
	c := &coverage{w: (W + lowRes - 1) / lowRes, h: (H + lowRes - 1) / lowRes}
	c.id = make([]int32, c.w*c.h)
	for i := range c.id {
		c.id[i] = -1
	}
	return c
}

func (c *coverage) fill(q [4][2]float64, k int) {
	e := quadEdges(q)
	x0, y0, x1, y1 := quadBounds(q)
	for gy := max(0, int(y0/lowRes)); gy < min(c.h, int(y1/lowRes)+1); gy++ {
		for gx := max(0, int(x0/lowRes)); gx < min(c.w, int(x1/lowRes)+1); gx++ {
			if e.dist((float64(gx)+0.5)*lowRes, (float64(gy)+0.5)*lowRes) > 0 {
				c.id[gy*c.w+gx] = int32(k)
			}
		}
	}
}

func (c *coverage) counts(n int) []int {
	out := make([]int, n)
	for _, k := range c.id {
		if k >= 0 {
			out[k]++
		}
	}
	return out
}
