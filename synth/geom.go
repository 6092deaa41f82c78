package synth

import "math"

// homography is a 3x3 projective transform in row-major order that maps
// (x, y) to ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w) with
// w = h6 x + h7 y + h8.
type homography [9]float64

// identity returns the identity transform.
func identity() homography { return homography{1, 0, 0, 0, 1, 0, 0, 0, 1} }

// apply maps the point (x, y).
func (h homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// mul returns h*g: first g, then h.
func (h homography) mul(g homography) homography {
	var r homography
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			r[i*3+j] = h[i*3]*g[j] + h[i*3+1]*g[3+j] + h[i*3+2]*g[6+j]
		}
	}
	return r
}

// inverse returns the inverse transform (the adjugate; scale does not matter).
func (h homography) inverse() homography {
	a, b, c, d, e, f, g, hh, i := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	r := homography{
		e*i - f*hh, c*hh - b*i, b*f - c*e,
		f*g - d*i, a*i - c*g, c*d - a*f,
		d*hh - e*g, b*g - a*hh, a*e - b*d,
	}
	det := a*r[0] + b*r[3] + c*r[6]
	if det != 0 {
		for k := range r {
			r[k] /= det
		}
	}
	return r
}

// translate returns the transform that shifts by (dx, dy).
func translate(dx, dy float64) homography { return homography{1, 0, dx, 0, 1, dy, 0, 0, 1} }

// scaleBy returns the transform that scales by (sx, sy).
func scaleBy(sx, sy float64) homography { return homography{sx, 0, 0, 0, sy, 0, 0, 0, 1} }

// rotate returns the rotation by a radians (clockwise on screen, y down).
func rotate(a float64) homography {
	s, c := math.Sincos(a)
	return homography{c, -s, 0, s, c, 0, 0, 0, 1}
}

// quadToQuad returns the homography that maps the four points src to dst,
// solving the 8x8 linear system by Gaussian elimination.
func quadToQuad(src, dst [4][2]float64) homography {
	var m [8][9]float64
	for k := 0; k < 4; k++ {
		x, y := src[k][0], src[k][1]
		u, v := dst[k][0], dst[k][1]
		m[2*k] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		m[2*k+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for col := 0; col < 8; col++ {
		piv := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		m[col], m[piv] = m[piv], m[col]
		p := m[col][col]
		if p == 0 {
			return identity()
		}
		for c := col; c < 9; c++ {
			m[col][c] /= p
		}
		for r := 0; r < 8; r++ {
			if r == col || m[r][col] == 0 {
				continue
			}
			f := m[r][col]
			for c := col; c < 9; c++ {
				m[r][c] -= f * m[col][c]
			}
		}
	}
	return homography{m[0][8], m[1][8], m[2][8], m[3][8], m[4][8], m[5][8], m[6][8], m[7][8], 1}
}

// camera returns the homography that maps wall millimetres (origin at the
// centre of the view, y down) to image pixels of a pinhole camera turned by
// yaw (about the vertical axis), pitch (about the horizontal axis) and roll,
// all in radians, at the given distance in mm and focal length in pixels.
// The principal point is (0, 0); callers fit the result into the photo.
func camera(yaw, pitch, roll, dist, focal float64) homography {
	sy, cy := math.Sincos(yaw)
	sp, cp := math.Sincos(pitch)
	sr, cr := math.Sincos(roll)
	ry := [9]float64{cy, 0, sy, 0, 1, 0, -sy, 0, cy}
	rx := [9]float64{1, 0, 0, 0, cp, -sp, 0, sp, cp}
	rz := [9]float64{cr, -sr, 0, sr, cr, 0, 0, 0, 1}
	r := mat3(rz, mat3(rx, ry))
	// Columns r1, r2 of R and the translation (0, 0, dist) form [r1 r2 t].
	return homography{
		focal * r[0], focal * r[1], 0,
		focal * r[3], focal * r[4], 0,
		r[6], r[7], dist,
	}
}

func mat3(a, b [9]float64) [9]float64 {
	var r [9]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			r[i*3+j] = a[i*3]*b[j] + a[i*3+1]*b[3+j] + a[i*3+2]*b[6+j]
		}
	}
	return r
}

func clamp01(v float64) float64 {
	if v < 0 {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

func clamp255(v float64) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

func smoothstep(a, b, x float64) float64 {
	t := clamp01((x - a) / (b - a))
	return t * t * (3 - 2*t)
}
