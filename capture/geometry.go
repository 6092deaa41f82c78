package capture

import (
	"cmp"
	"image"
	"math"
	"slices"
	"sort"

	"wallscan"
)

// pt is a point in floating-point pixels.
type pt struct{ X, Y float64 }

func (p pt) sub(q pt) pt        { return pt{p.X - q.X, p.Y - q.Y} }
func (p pt) add(q pt) pt        { return pt{p.X + q.X, p.Y + q.Y} }
func (p pt) mul(k float64) pt   { return pt{p.X * k, p.Y * k} }
func (p pt) cross(q pt) float64 { return p.X*q.Y - p.Y*q.X }
func (p pt) dot(q pt) float64   { return p.X*q.X + p.Y*q.Y }
func (p pt) len() float64       { return math.Hypot(p.X, p.Y) }

// quad is a note outline in floating-point pixels, clockwise (on screen,
// y down) from the top-left corner as the note is read.
type quad [4]pt

// area returns the area of a polygon (shoelace).
func polyArea(p []pt) float64 {
	var s float64
	for i := range p {
		j := (i + 1) % len(p)
		s += p[i].cross(p[j])
	}
	return math.Abs(s) / 2
}

func polyPerimeter(p []pt) float64 {
	var s float64
	for i := range p {
		s += p[(i+1)%len(p)].sub(p[i]).len()
	}
	return s
}

func (q quad) area() float64 { return polyArea(q[:]) }

func (q quad) center() pt {
	var c pt
	for _, p := range q {
		c = c.add(p)
	}
	return c.mul(0.25)
}

// sides returns the mean lengths of the top/bottom and left/right sides.
func (q quad) sides() (w, h float64) {
	w = (q[1].sub(q[0]).len() + q[2].sub(q[3]).len()) / 2
	h = (q[3].sub(q[0]).len() + q[2].sub(q[1]).len()) / 2
	return w, h
}

func (q quad) scale(sx, sy float64) quad {
	for i := range q {
		q[i] = pt{q[i].X * sx, q[i].Y * sy}
	}
	return q
}

// convex reports whether q is a convex quadrilateral with corners in a
// consistent turning direction.
func (q quad) convex() bool {
	sign := 0.0
	for i := range q {
		a, b, c := q[i], q[(i+1)%4], q[(i+2)%4]
		cr := b.sub(a).cross(c.sub(b))
		if cr == 0 {
			return false
		}
		if sign == 0 {
			sign = cr
		} else if (cr > 0) != (sign > 0) {
			return false
		}
	}
	return true
}

// ordered returns q clockwise on screen (y down), starting at the corner
// whose outgoing side points most nearly to the right: the top-left corner
// as the note is read, for rotations up to 45 degrees either way.
func (q quad) ordered() quad {
	c := q.center()
	sort.Slice(q[:], func(i, j int) bool {
		return math.Atan2(q[i].Y-c.Y, q[i].X-c.X) < math.Atan2(q[j].Y-c.Y, q[j].X-c.X)
	})
	// Increasing atan2 with y down is clockwise on screen.
	best, bestCos := 0, -2.0
	for i := range q {
		d := q[(i+1)%4].sub(q[i])
		if l := d.len(); l > 0 {
			if cs := d.X / l; cs > bestCos {
				best, bestCos = i, cs
			}
		}
	}
	var r quad
	for i := range r {
		r[i] = q[(best+i)%4]
	}
	return r
}

// toQuad rounds q to whole pixels.
func (q quad) toQuad() wallscan.Quad {
	var r wallscan.Quad
	for i, p := range q {
		r[i] = image.Pt(int(math.Round(p.X)), int(math.Round(p.Y)))
	}
	return r
}

// convexHull returns the convex hull of pts, clockwise on screen
// (Andrew's monotone chain).
func convexHull(pts []pt) []pt {
	if len(pts) < 3 {
		return append([]pt(nil), pts...)
	}
	p := append([]pt(nil), pts...)
	slices.SortFunc(p, func(a, b pt) int {
		if c := cmp.Compare(a.X, b.X); c != 0 {
			return c
		}
		return cmp.Compare(a.Y, b.Y)
	})
	h := make([]pt, 0, 2*len(p))
	for _, q := range p {
		for len(h) >= 2 && h[len(h)-1].sub(h[len(h)-2]).cross(q.sub(h[len(h)-1])) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, q)
	}
	lo := len(h) + 1
	for i := len(p) - 2; i >= 0; i-- {
		q := p[i]
		for len(h) >= lo && h[len(h)-1].sub(h[len(h)-2]).cross(q.sub(h[len(h)-1])) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, q)
	}
	return h[:len(h)-1]
}

// simplifyClosed reduces a closed polygon with the Douglas-Peucker rule.
func simplifyClosed(p []pt, eps float64) []pt {
	if len(p) < 4 {
		return p
	}
	// Split at the point farthest from p[0], then simplify both chains.
	far, fd := 0, -1.0
	for i, q := range p {
		if d := q.sub(p[0]).len(); d > fd {
			far, fd = i, d
		}
	}
	a := dp(append([]pt(nil), p[:far+1]...), eps)
	b := dp(append(append([]pt(nil), p[far:]...), p[0]), eps)
	out := append(a[:len(a)-1], b[:len(b)-1]...)
	return out
}

func dp(p []pt, eps float64) []pt {
	if len(p) < 3 {
		return p
	}
	a, b := p[0], p[len(p)-1]
	ab := b.sub(a)
	l := ab.len()
	idx, dmax := 0, -1.0
	for i := 1; i < len(p)-1; i++ {
		var d float64
		if l == 0 {
			d = p[i].sub(a).len()
		} else {
			d = math.Abs(ab.cross(p[i].sub(a))) / l
		}
		if d > dmax {
			idx, dmax = i, d
		}
	}
	if dmax <= eps {
		return []pt{a, b}
	}
	left := dp(p[:idx+1], eps)
	right := dp(p[idx:], eps)
	return append(left[:len(left)-1], right...)
}

// lineIntersect intersects the lines through a1-a2 and b1-b2.
func lineIntersect(a1, a2, b1, b2 pt) (pt, bool) {
	r, s := a2.sub(a1), b2.sub(b1)
	den := r.cross(s)
	if math.Abs(den) < 1e-9 {
		return pt{}, false
	}
	t := b1.sub(a1).cross(s) / den
	return a1.add(r.mul(t)), true
}

// fitQuad fits a quadrilateral to a convex hull: it simplifies the hull and
// keeps the four longest sides, extending them to meet, so that a corner
// cut off by an overlapping note or rounded by glare is restored. The
// second result is the hull's area over the quad's (1 for a perfect fit).
func fitQuad(hull []pt) (quad, float64, bool) {
	if len(hull) < 4 {
		return quad{}, 0, false
	}
	ha := polyArea(hull)
	per := polyPerimeter(hull)
	var best quad
	bestScore, found := 0.0, false
	for _, f := range []float64{0.01, 0.02, 0.035, 0.05} {
		s := simplifyClosed(hull, f*per)
		if len(s) < 4 {
			continue
		}
		q, ok := fourLongest(s)
		if !ok || !q.convex() || !nearHull(q, hull, 0.12*math.Sqrt(ha)) {
			continue
		}
		qa := q.area()
		if qa <= 0 {
			continue
		}
		ratio := ha / qa
		score := math.Min(ratio, 1/ratio)
		if score > bestScore {
			best, bestScore, found = q, score, true
		}
		if score > 0.97 {
			break
		}
	}
	if !found {
		return quad{}, 0, false
	}
	return best.ordered(), ha / best.area(), true
}

// fourLongest keeps the four longest sides of a polygon, in order, and
// intersects neighbours.
func fourLongest(s []pt) (quad, bool) {
	n := len(s)
	if n == 4 {
		return quad{s[0], s[1], s[2], s[3]}, true
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	length := func(i int) float64 { return s[(i+1)%n].sub(s[i]).len() }
	sort.Slice(idx, func(a, b int) bool { return length(idx[a]) > length(idx[b]) })
	keep := append([]int(nil), idx[:4]...)
	sort.Ints(keep)
	var q quad
	for k := range 4 {
		i, j := keep[k], keep[(k+1)%4]
		p, ok := lineIntersect(s[i], s[(i+1)%n], s[j], s[(j+1)%n])
		if !ok {
			return quad{}, false
		}
		q[(k+1)%4] = p
	}
	return q, true
}

// minAreaRectQuad returns the minimum-area rotated rectangle around a convex
// hull (rotating calipers over hull edges).
func minAreaRectQuad(hull []pt) quad {
	best := math.Inf(1)
	var bq quad
	n := len(hull)
	for i := 0; i < n; i++ {
		e := hull[(i+1)%n].sub(hull[i])
		l := e.len()
		if l == 0 {
			continue
		}
		u := e.mul(1 / l)
		v := pt{-u.Y, u.X}
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, p := range hull {
			a, b := p.dot(u), p.dot(v)
			minU, maxU = math.Min(minU, a), math.Max(maxU, a)
			minV, maxV = math.Min(minV, b), math.Max(maxV, b)
		}
		if ar := (maxU - minU) * (maxV - minV); ar < best {
			best = ar
			bq = quad{
				u.mul(minU).add(v.mul(minV)),
				u.mul(maxU).add(v.mul(minV)),
				u.mul(maxU).add(v.mul(maxV)),
				u.mul(minU).add(v.mul(maxV)),
			}
		}
	}
	return bq.ordered()
}

// quadGap returns the smallest distance between two convex quads, 0 when
// they touch or overlap.
func quadGap(a, b quad) float64 {
	if quadsIntersect(a, b) {
		return 0
	}
	d := math.Inf(1)
	for i := range 4 {
		for j := range 4 {
			d = math.Min(d, segDist(a[i], b[j], b[(j+1)%4]))
			d = math.Min(d, segDist(b[j], a[i], a[(i+1)%4]))
		}
	}
	return d
}

func segDist(p, a, b pt) float64 {
	ab := b.sub(a)
	l2 := ab.dot(ab)
	if l2 == 0 {
		return p.sub(a).len()
	}
	t := math.Max(0, math.Min(1, p.sub(a).dot(ab)/l2))
	return p.sub(a.add(ab.mul(t))).len()
}

func quadsIntersect(a, b quad) bool {
	if inside(a, b[0]) || inside(b, a[0]) {
		return true
	}
	for i := range 4 {
		for j := range 4 {
			if segsCross(a[i], a[(i+1)%4], b[j], b[(j+1)%4]) {
				return true
			}
		}
	}
	return false
}

func segsCross(p1, p2, q1, q2 pt) bool {
	d1 := p2.sub(p1).cross(q1.sub(p1))
	d2 := p2.sub(p1).cross(q2.sub(p1))
	d3 := q2.sub(q1).cross(p1.sub(q1))
	d4 := q2.sub(q1).cross(p2.sub(q1))
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0)
}

// inside reports whether p lies inside the convex quad q.
func inside(q quad, p pt) bool { return insideConvex(q[:], p) }

// clipArea returns the area of the intersection of two convex polygons
// (Sutherland-Hodgman), for IoU between quads.
func clipArea(subject, clip []pt) float64 {
	out := append([]pt(nil), subject...)
	// Orientation of clip decides which side is inside.
	var s float64
	for i := range clip {
		s += clip[i].cross(clip[(i+1)%len(clip)])
	}
	for i := range clip {
		if len(out) == 0 {
			return 0
		}
		a, b := clip[i], clip[(i+1)%len(clip)]
		in := func(p pt) bool { return b.sub(a).cross(p.sub(a))*s >= 0 }
		var next []pt
		for j := range out {
			p, q := out[j], out[(j+1)%len(out)]
			pin, qin := in(p), in(q)
			if pin {
				next = append(next, p)
			}
			if pin != qin {
				if x, ok := lineIntersect(p, q, a, b); ok {
					next = append(next, x)
				}
			}
		}
		out = next
	}
	if len(out) < 3 {
		return 0
	}
	return polyArea(out)
}

// quadIoU returns the intersection over union of two convex quads.
func quadIoU(a, b quad) float64 {
	inter := clipArea(a[:], b[:])
	u := a.area() + b.area() - inter
	if u <= 0 {
		return 0
	}
	return inter / u
}

func (q quad) translate(dx, dy float64) quad {
	for i := range q {
		q[i] = pt{q[i].X + dx, q[i].Y + dy}
	}
	return q
}

// insideConvex reports whether p lies inside the convex polygon h.
func insideConvex(h []pt, p pt) bool {
	sign := 0.0
	for i := range h {
		c := h[(i+1)%len(h)].sub(h[i]).cross(p.sub(h[i]))
		if c == 0 {
			continue
		}
		if sign == 0 {
			sign = c
		} else if (c > 0) != (sign > 0) {
			return false
		}
	}
	return true
}

// nearHull reports whether every corner of q lies within tol of the convex
// polygon h (inside counts as near): extending sides to meet must restore
// a covered corner, not shoot a spike out.
func nearHull(q quad, h []pt, tol float64) bool {
	for _, c := range q {
		if insideConvex(h, c) {
			continue
		}
		d := math.Inf(1)
		for i := range h {
			d = math.Min(d, segDist(c, h[i], h[(i+1)%len(h)]))
		}
		if d > tol {
			return false
		}
	}
	return true
}

// clamp keeps q's corners within 0..maxX, 0..maxY: a note cut by the
// photo's edge is outlined up to the edge.
func (q quad) clamp(maxX, maxY float64) quad {
	for i := range q {
		q[i].X = math.Max(0, math.Min(maxX, q[i].X))
		q[i].Y = math.Max(0, math.Min(maxY, q[i].Y))
	}
	return q
}
