package capture

import (
	"math"
)

// background is a model of the wall behind the notes: each Lab channel as a
// smooth quadratic surface over the photo (uneven light, colour casts), and
// the spread of the wall's own texture (paint, paper fibres, wood grain).
type background struct {
	coef   [3][6]float64 // per channel: c0 + c1 x + c2 y + c3 x² + c4 xy + c5 y² (x, y in 0..1)
	sigma  [3]float64    // robust spread of the wall around the surface
	w, h   int
	global [3]float64 // the mode the fit started from
	// The image the model is applied to may be a window of the photo:
	// pixel (x, y) lies at ((x+ox)/nw, (y+oy)/nh) on the surface.
	ox, oy, nw, nh float64
}

// window returns the model for an image of w by h pixels that shows the
// part of the photo from (x, y), at a scale where the whole photo is pw
// by ph pixels.
func (b *background) window(x, y float64, w, h int, pw, ph float64) *background {
	c := *b
	c.w, c.h = w, h
	c.ox, c.oy, c.nw, c.nh = x, y, pw, ph
	return &c
}

// Background model constants (8-bit Lab units: L 0..255, a and b 0..255
// centred on 128).
const (
	bgSampleStep   = 4    // sample every 4th pixel in each direction
	bgBorderWeight = 3    // border samples count this many times in the mode
	bgChromaTol    = 14.0 // first guess: wall pixels within this much a/b of the mode
	bgLightTol     = 45.0 // ... and this much L
	bgInlierK      = 2.5  // refit on samples within this many spreads
	bgMinSigmaL    = 6.0
	bgMinSigmaC    = 2.5
)

func quadTerms(x, y float64) [6]float64 { return [6]float64{1, x, y, x * x, x * y, y * y} }

func (b *background) at(c int, x, y float64) float64 {
	t := quadTerms(x, y)
	var v float64
	for k := range t {
		v += b.coef[c][k] * t[k]
	}
	return v
}

// estimateBackground finds the wall colour of a Lab image (3 bytes a pixel):
// the most common colour (border pixels weigh more, as notes cluster in the
// middle), then a robust quadratic fit per channel over the pixels near it.
func estimateBackground(lab []byte, w, h int) *background {
	const nb = 16 * 32 * 32
	hist := make([]float64, nb)
	bx, by := w/10, h/10
	for y := 0; y < h; y += bgSampleStep {
		for x := 0; x < w; x += bgSampleStep {
			i := 3 * (y*w + x)
			wt := 1.0
			if x < bx || x >= w-bx || y < by || y >= h-by {
				wt = bgBorderWeight
			}
			hist[int(lab[i]>>4)<<10|int(lab[i+1]>>3)<<5|int(lab[i+2]>>3)] += wt
		}
	}
	best, bestV := 0, -1.0
	for l := 0; l < 16; l++ {
		for a := 0; a < 32; a++ {
			for bb := 0; bb < 32; bb++ {
				if hist[l<<10|a<<5|bb] == 0 {
					continue
				}
				var s float64
				for dl := -1; dl <= 1; dl++ {
					for da := -1; da <= 1; da++ {
						for db := -1; db <= 1; db++ {
							L, A, B := l+dl, a+da, bb+db
							if L < 0 || L > 15 || A < 0 || A > 31 || B < 0 || B > 31 {
								continue
							}
							s += hist[L<<10|A<<5|B]
						}
					}
				}
				if s > bestV {
					best, bestV = l<<10|a<<5|bb, s
				}
			}
		}
	}
	m := [3]float64{float64(best>>10)*16 + 8, float64(best>>5&31)*8 + 4, float64(best&31)*8 + 4}

	// Samples near the mode.
	type sample struct {
		t [6]float64
		v [3]float64
	}
	// At most one sample per grid point: allocate once, not by doubling.
	ss := make([]sample, 0, ((h+bgSampleStep-1)/bgSampleStep)*((w+bgSampleStep-1)/bgSampleStep))
	for y := 0; y < h; y += bgSampleStep {
		for x := 0; x < w; x += bgSampleStep {
			i := 3 * (y*w + x)
			v := [3]float64{float64(lab[i]), float64(lab[i+1]), float64(lab[i+2])}
			if math.Abs(v[1]-m[1]) <= bgChromaTol && math.Abs(v[2]-m[2]) <= bgChromaTol && math.Abs(v[0]-m[0]) <= bgLightTol {
				ss = append(ss, sample{quadTerms(float64(x)/float64(w), float64(y)/float64(h)), v})
			}
		}
	}
	b := &background{w: w, h: h, global: m, nw: float64(w), nh: float64(h)}
	for c := range 3 {
		b.coef[c][0] = m[c]
		b.sigma[c] = 10
	}
	if len(ss) < 50 {
		return b
	}
	inl := make([]bool, len(ss))
	// res holds each sample's residuals under the model of the last
	// iteration, worked out once for its spread and its inliers.
	res := make([][3]float64, len(ss))
	for iter := 0; iter < 3; iter++ {
		// Inliers by the current model (all of them at first).
		n := 0
		for k := range ss {
			ok := true
			for c := range 3 {
				if iter > 0 && res[k][c] > bgInlierK*b.sigma[c]+2 {
					ok = false
					break
				}
			}
			inl[k] = ok
			if ok {
				n++
			}
		}
		if n < 50 {
			break
		}
		// The normal equations share one matrix: the inliers are the
		// same for the three channels.
		var ata [6][6]float64
		var atb [3][6]float64
		for k := range ss {
			s := &ss[k]
			if !inl[k] {
				continue
			}
			for i := range 6 {
				ti := s.t[i]
				atb[0][i] += ti * s.v[0]
				atb[1][i] += ti * s.v[1]
				atb[2][i] += ti * s.v[2]
				for j := i; j < 6; j++ {
					ata[i][j] += ti * s.t[j]
				}
			}
		}
		for i := range 6 {
			for j := 0; j < i; j++ {
				ata[i][j] = ata[j][i]
			}
			ata[i][i] += 1e-6 * float64(n) // keep the system regular
		}
		for c := range 3 {
			if x, ok := solve6(ata, atb[c]); ok {
				b.coef[c] = x
			}
			// Median absolute residual, from a histogram in quarter units.
			var hist [256]int
			cnt := 0
			for k := range ss {
				s := &ss[k]
				res[k][c] = math.Abs(s.v[c] - dot6(b.coef[c], s.t))
				if inl[k] {
					r := int(res[k][c] * 4)
					hist[min(r, 255)]++
					cnt++
				}
			}
			medRes, acc := 0.0, 0
			for i, v := range hist {
				acc += v
				if 2*acc >= cnt {
					medRes = (float64(i) + 0.5) / 4
					break
				}
			}
			sg := 1.4826 * medRes
			minS := bgMinSigmaC
			if c == 0 {
				minS = bgMinSigmaL
			}
			b.sigma[c] = math.Max(sg, minS)
		}
	}
	return b
}

func dot6(a, b [6]float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// solve6 solves a 6x6 linear system by Gaussian elimination with pivoting.
func solve6(a [6][6]float64, b [6]float64) ([6]float64, bool) {
	for col := 0; col < 6; col++ {
		p := col
		for r := col + 1; r < 6; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return b, false
		}
		a[col], a[p] = a[p], a[col]
		b[col], b[p] = b[p], b[col]
		for r := col + 1; r < 6; r++ {
			f := a[r][col] / a[col][col]
			for k := col; k < 6; k++ {
				a[r][k] -= f * a[col][k]
			}
			b[r] -= f * b[col]
		}
	}
	var x [6]float64
	for r := 5; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < 6; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// foreground marks, with 255, the pixels whose colour lies more than
// limit/16 of the wall's own spread from the wall (limit is in the units
// of a distance map scaled by 16 and capped at 255).
func (b *background) foreground(lab []byte, limit int) []byte {
	w, h := b.w, b.h
	out := make([]byte, w*h)
	sL := math.Max(1.5*b.sigma[0], 8)
	sA := math.Max(1.5*b.sigma[1], 4)
	sB := math.Max(1.5*b.sigma[2], 4)
	// A whole distance d*16 above limit is d >= (limit+1)/16: compare
	// squares, no root.
	lim2 := float64(limit+1) * float64(limit+1) / 256
	iL, iA, iB := 1/sL, 1/sA, 1/sB
	var row [3][]float64
	for c := range 3 {
		row[c] = make([]float64, w)
	}
	for y := 0; y < h; y++ {
		fy := (float64(y) + b.oy) / b.nh
		for c := range 3 {
			// Along a row the quadratic is c0' + c1' x + c3 x².
			k := b.coef[c]
			c0 := k[0] + k[2]*fy + k[5]*fy*fy
			c1 := k[1] + k[4]*fy
			r := row[c]
			for x := range r {
				fx := (float64(x) + b.ox) / b.nw
				r[x] = c0 + c1*fx + k[3]*fx*fx
			}
		}
		px := lab[3*y*w : 3*(y+1)*w]
		o := out[y*w : (y+1)*w]
		r0, r1, r2 := row[0][:w], row[1][:w], row[2][:w]
		for x := range o {
			p := px[3*x : 3*x+3 : 3*x+3]
			dl := (float64(p[0]) - r0[x]) * iL
			da := (float64(p[1]) - r1[x]) * iA
			db := (float64(p[2]) - r2[x]) * iB
			if dl*dl+da*da+db*db >= lim2 {
				o[x] = 255
			}
		}
	}
	return out
}
