package synth

import (
	"image"
	"math"
	"math/rand/v2"
)

// noise2 is smooth value noise in [-1, 1] on a unit lattice.
func noise2(x, y float64, seed uint64) float64 {
	ix, iy := math.Floor(x), math.Floor(y)
	fx, fy := x-ix, y-iy
	fx = fx * fx * (3 - 2*fx)
	fy = fy * fy * (3 - 2*fy)
	i, j := int64(ix), int64(iy)
	a := lattice(i, j, seed)
	b := lattice(i+1, j, seed)
	c := lattice(i, j+1, seed)
	d := lattice(i+1, j+1, seed)
	return (a*(1-fx)+b*fx)*(1-fy) + (c*(1-fx)+d*fx)*fy
}

func lattice(i, j int64, seed uint64) float64 {
	h := uint64(i)*0x9E3779B97F4A7C15 ^ uint64(j)*0xC2B2AE3D27D4EB4F ^ seed
	h ^= h >> 31
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 29
	return float64(h>>11)/float64(1<<53)*2 - 1
}

// fbm sums octaves of value noise: a natural-looking mottle.
func fbm(x, y float64, octaves int, seed uint64) float64 {
	var s, amp, norm float64 = 0, 1, 0
	for o := 0; o < octaves; o++ {
		s += amp * noise2(x, y, seed+uint64(o)*101)
		norm += amp
		amp *= 0.5
		x, y = x*2.03, y*2.03
	}
	return s / norm
}

// surface is the look of one background, evaluated at a point of the wall
// (mm) and of the photo (fractions of its width and height).
type surface struct {
	kind      string
	seed      uint64
	r, g, b   float64
	grainDir  float64 // wood: direction of the grain, radians
	plank     float64 // wood: plank width, mm
	glossX    float64 // whiteboard: where the reflection runs, photo fraction
	glossW    float64
	glossAmt  float64
	glossTilt float64

	// A sheet of kraft paper, a whiteboard or a table top ends somewhere:
	// beyond the edge (mm) lies the wall or the floor.
	edged              bool
	ex0, ey0, ex1, ey1 float64
	frame              float64 // whiteboard: width of the aluminium frame, mm
	or, og, ob         float64 // colour beyond the edge
	beyond             string  // "wall" or "floor"
}

// newSurface picks the look of a surface; bounds are the notes' extent on
// the wall (mm), which the surface's edge, if any, lies well outside.
func newSurface(kind string, rng *rand.Rand, bounds [4]float64) *surface {
	s := &surface{kind: kind, seed: rng.Uint64()}
	j := func(v, amt float64) float64 { return v + (rng.Float64()-0.5)*2*amt }
	edge := func(p, lo, hi float64) {
		if rng.Float64() >= p {
			return
		}
		s.edged = true
		s.ex0 = bounds[0] - lo - rng.Float64()*(hi-lo)
		s.ey0 = bounds[1] - lo - rng.Float64()*(hi-lo)
		s.ex1 = bounds[2] + lo + rng.Float64()*(hi-lo)
		s.ey1 = bounds[3] + lo + rng.Float64()*(hi-lo)
		s.or, s.og, s.ob = j(226, 8), j(223, 8), j(214, 8)
		s.beyond = "wall"
	}
	switch kind {
	case "plaster":
		s.r, s.g, s.b = j(234, 6), j(231, 6), j(224, 6)
	case "whiteboard":
		s.r, s.g, s.b = j(232, 5), j(236, 5), j(240, 5)
		s.glossX, s.glossW = 0.15+0.7*rng.Float64(), 0.08+0.15*rng.Float64()
		s.glossAmt = 0.25 + 0.35*rng.Float64()
		s.glossTilt = (rng.Float64() - 0.5) * 0.6
		edge(0.6, 40, 160)
		if s.edged {
			s.frame = 12 + 8*rng.Float64()
		}
	case "kraft":
		s.r, s.g, s.b = j(182, 10), j(140, 8), j(98, 8)
		edge(0.6, 30, 130)
	case "wood":
		s.r, s.g, s.b = j(214, 8), j(176, 8), j(128, 8)
		s.grainDir = (rng.Float64() - 0.5) * 0.2
		if rng.IntN(2) == 0 {
			s.grainDir += math.Pi / 2
		}
		s.plank = 90 + 80*rng.Float64()
		edge(0.5, 40, 160)
		if s.edged {
			s.or, s.og, s.ob = j(88, 10), j(84, 10), j(80, 10)
			s.beyond = "floor"
		}
	default: // grey
		s.r, s.g, s.b = j(150, 10), j(152, 10), j(155, 10)
	}
	return s
}

// at returns the colour of the surface at wall point (x, y) mm, seen at
// photo fraction (px, py).
func (s *surface) at(x, y, px, py float64) (r, g, b float64) {
	if s.edged {
		// Distance inside the edge (negative beyond it).
		d := min(x-s.ex0, s.ex1-x, y-s.ey0, s.ey1-y)
		switch {
		case d < 0:
			m := 1 + 0.02*fbm(x/120, y/120, 2, s.seed+11)
			if s.beyond == "floor" {
				m = 1 + 0.08*fbm(x/8, y/8, 2, s.seed+11)
			}
			// The sheet or board casts a little shadow on what is behind it.
			m *= 1 - 0.18*math.Exp(d/4)
			return s.or * m, s.og * m, s.ob * m
		case d < s.frame:
			// Brushed aluminium, lit from above.
			m := 0.95 + 0.08*math.Sin(d/s.frame*math.Pi) + 0.01*fbm(x/2, y/40, 1, s.seed+13)
			return 188 * m, 190 * m, 194 * m
		case s.kind == "wood" && d < 6:
			m := 0.8 + 0.03*d
			r, g, b = s.wood(x, y)
			return r * m, g * m, b * m
		}
	}
	switch s.kind {
	case "plaster":
		m := 1 + 0.025*fbm(x/90, y/90, 3, s.seed) + 0.012*fbm(x/9, y/9, 2, s.seed+7)
		return s.r * m, s.g * m, s.b * m
	case "whiteboard":
		m := 1 + 0.01*fbm(x/200, y/200, 2, s.seed)
		// Ghosts of wiped-off marker.
		ghost := math.Max(0, fbm(x/40, y/12, 3, s.seed+3)-0.45) * 0.08
		r, g, b = s.r*m*(1-ghost), s.g*m*(1-ghost*0.8), s.b*m*(1-ghost*0.6)
		// The glossy reflection of a window or lamp: a broad bright band.
		d := (px - s.glossX - s.glossTilt*(py-0.5)) / s.glossW
		gl := s.glossAmt * math.Exp(-d*d) * (0.7 + 0.3*py)
		return r + gl*(255-r), g + gl*(255-g), b + gl*(255-b)
	case "kraft":
		m := 1 + 0.05*fbm(x/60, y/60, 3, s.seed) + 0.025*fbm(x/2.5, y/7, 2, s.seed+5)
		return s.r * m, s.g * m, s.b * m
	case "wood":
		return s.wood(x, y)
	default:
		m := 1 + 0.03*fbm(x/150, y/150, 3, s.seed) + 0.01*fbm(x/6, y/6, 2, s.seed+7)
		return s.r * m, s.g * m, s.b * m
	}
}

// wood is a light table top of planks with grain.
func (s *surface) wood(x, y float64) (r, g, b float64) {
	{
		sn, cs := math.Sincos(s.grainDir)
		u, v := cs*x+sn*y, -sn*x+cs*y // u along the grain
		plank := math.Floor(v / s.plank)
		ps := s.seed + uint64(int64(plank)*7919)
		warp := 6 * fbm(u/300, v/40, 3, ps)
		ring := 0.5 + 0.5*math.Sin((v+warp+plank*13)*2*math.Pi/(7+3*lattice(int64(plank), 1, s.seed)))
		tone := 1 + 0.06*lattice(int64(plank), 2, s.seed) - 0.07*ring*ring + 0.03*fbm(u/4, v/60, 2, ps+9)
		// The seam between planks.
		dv := v - plank*s.plank
		if dv < 1.2 || dv > s.plank-1.2 {
			tone *= 0.72
		}
		return s.r * tone, s.g * tone * 0.99, s.b * tone * 0.97
	}
}

// paintBackground fills img with the surface as the camera sees it. The
// texture is computed on a grid every lowRes pixels (each point mapped back
// onto the wall) and interpolated, with a fine grain added per pixel.
func (sc *scene) paintBackground(img *image.RGBA, cam homography, rng *rand.Rand) {
	s := newSurface(sc.background, rand.New(rand.NewPCG(sc.bgSeed, 1)), [4]float64{sc.minX, sc.minY, sc.maxX, sc.maxY})
	inv := cam.inverse()
	W, H := img.Rect.Dx(), img.Rect.Dy()
	gw, gh := W/lowRes+2, H/lowRes+2
	grid := make([]float32, gw*gh*3)
	for j := 0; j < gh; j++ {
		for i := 0; i < gw; i++ {
			px, py := float64(i*lowRes), float64(j*lowRes)
			x, y := inv.apply(px, py)
			r, g, b := s.at(x, y, px/float64(W), py/float64(H))
			o := (j*gw + i) * 3
			grid[o], grid[o+1], grid[o+2] = float32(r), float32(g), float32(b)
		}
	}
	grain := 2.0
	if s.kind == "kraft" || s.kind == "plaster" {
		grain = 3.5
	}
	state := rng.Uint64() | 1
	for y := 0; y < H; y++ {
		j := y / lowRes
		tv := float32(y-j*lowRes) / lowRes
		row := img.Pix[y*img.Stride:]
		r0 := grid[j*gw*3:]
		r1 := grid[(j+1)*gw*3:]
		for x := 0; x < W; x++ {
			i := x / lowRes
			tu := float32(x-i*lowRes) / lowRes
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			n := (float32(state&0xff)/127.5 - 1) * float32(grain)
			o, gi := x*4, i*3
			for c := 0; c < 3; c++ {
				a := r0[gi+c]*(1-tu) + r0[gi+3+c]*tu
				b := r1[gi+c]*(1-tu) + r1[gi+3+c]*tu
				v := a*(1-tv) + b*tv + n
				if v < 0 {
					v = 0
				} else if v > 255 {
					v = 255
				}
				row[o+c] = uint8(v)
			}
			row[o+3] = 255
		}
	}
}

// finish applies what the camera and the room add: uneven light and
// vignetting with a white-balance cast, lens blur, then sensor noise.
func finish(img *image.RGBA, lp levelParams, rng *rand.Rand) {
	W, H := img.Rect.Dx(), img.Rect.Dy()
	// Light: a gradient, a broad lamp spot and vignetting, on a coarse grid.
	const step = 16
	gw, gh := W/step+2, H/step+2
	gain := make([]float32, gw*gh)
	exposure := 0.95 + 0.08*rng.Float64()
	gx := (rng.Float64() - 0.5) * 2 * lp.light
	gy := (rng.Float64() - 0.5) * 2 * lp.light
	lx, ly := rng.Float64(), rng.Float64()
	lamp := rng.Float64() * lp.light
	diag := math.Hypot(float64(W), float64(H)) / 2
	for j := 0; j < gh; j++ {
		for i := 0; i < gw; i++ {
			fx, fy := float64(i*step)/float64(W), float64(j*step)/float64(H)
			g := exposure * (1 + gx*(fx-0.5) + gy*(fy-0.5))
			dl := (fx-lx)*(fx-lx) + (fy-ly)*(fy-ly)
			g *= 1 + lamp*math.Exp(-dl/0.15)
			r := math.Hypot(float64(i*step)-float64(W)/2, float64(j*step)-float64(H)/2) / diag
			g *= 1 - lp.vignette*r*r
			gain[j*gw+i] = float32(g)
		}
	}
	wb := [3]float32{float32(1 + (rng.Float64()-0.5)*0.08), 1, float32(1 + (rng.Float64()-0.5)*0.08)}
	rowGain := make([]float32, gw)
	for y := 0; y < H; y++ {
		j := y / step
		tv := float32(y-j*step) / step
		for i := range rowGain {
			rowGain[i] = gain[j*gw+i]*(1-tv) + gain[(j+1)*gw+i]*tv
		}
		row := img.Pix[y*img.Stride:]
		for x := 0; x < W; x++ {
			i := x / step
			tu := float32(x-i*step) / step
			g := rowGain[i]*(1-tu) + rowGain[i+1]*tu
			o := x * 4
			for c := 0; c < 3; c++ {
				v := float32(row[o+c]) * g * wb[c]
				if v > 255 {
					v = 255
				}
				row[o+c] = uint8(v)
			}
		}
	}

	passes := lp.blur
	if passes > 1 {
		passes = 1 + rng.IntN(passes)
	}
	for range passes {
		blur121(img)
	}
	addNoise(img, lp.noise, rng)
}

// blur121 applies the separable [1 2 1]/4 kernel once.
func blur121(img *image.RGBA) {
	W, H := img.Rect.Dx(), img.Rect.Dy()
	buf := make([]uint8, W*4)
	for y := 0; y < H; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+W*4]
		copy(buf, row)
		for x := 1; x < W-1; x++ {
			o := x * 4
			for c := 0; c < 3; c++ {
				row[o+c] = uint8((uint16(buf[o-4+c]) + 2*uint16(buf[o+c]) + uint16(buf[o+4+c]) + 2) >> 2)
			}
		}
	}
	prev := make([]uint8, W*4)
	cur := make([]uint8, W*4)
	copy(prev, img.Pix[:W*4])
	for y := 1; y < H-1; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+W*4]
		next := img.Pix[(y+1)*img.Stride : (y+1)*img.Stride+W*4]
		copy(cur, row)
		for i := 0; i < W*4; i++ {
			row[i] = uint8((uint16(prev[i]) + 2*uint16(cur[i]) + uint16(next[i]) + 2) >> 2)
		}
		prev, cur = cur, prev
	}
}

// normals is a table of standard normal samples for fast sensor noise.
var normals = func() [4096]float32 {
	var t [4096]float32
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range t {
		t[i] = float32(rng.NormFloat64())
	}
	return t
}()

// addNoise adds sensor noise with the given sigma: mostly luminance, a
// little per channel, stronger in the dark as on a phone.
func addNoise(img *image.RGBA, sigma float64, rng *rand.Rand) {
	if sigma <= 0 {
		return
	}
	W, H := img.Rect.Dx(), img.Rect.Dy()
	s := float32(sigma)
	state := rng.Uint64() | 1
	for y := 0; y < H; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < W; x++ {
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			o := x * 4
			dark := 1.4 - float32(row[o+1])/255*0.6
			l := normals[state&4095] * s * dark
			for c := 0; c < 3; c++ {
				v := float32(row[o+c]) + l + normals[(state>>(12*(c+1)))&4095]*s*0.35
				if v < 0 {
					v = 0
				} else if v > 255 {
					v = 255
				}
				row[o+c] = uint8(v)
			}
		}
	}
}
