package ocr

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"slices"
)

// gray is an 8-bit image in row-major order, 0 black (ink) and 255 white
// (paper). The preprocessing works on it rather than on image.Gray so the
// loops stay simple and fast.
type gray struct {
	w, h int
	pix  []uint8
}

func newGray(w, h int) *gray { return &gray{w: w, h: h, pix: make([]uint8, w*h)} }

func (g *gray) at(x, y int) uint8 { return g.pix[y*g.w+x] }

// toRGBA returns crop as an *image.RGBA whose bounds start at (0, 0).
func toRGBA(crop image.Image) *image.RGBA {
	b := crop.Bounds()
	if m, ok := crop.(*image.RGBA); ok && b.Min == (image.Point{}) {
		return m
	}
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Bounds(), crop, b.Min, draw.Src)
	return m
}

// inkProjection turns a colour crop into a gray image in which the ink is
// dark and the paper light, whatever their colours. It estimates the paper
// colour (the median) and the ink colour (the mean of the pixels farthest
// from the paper) and projects every pixel onto the line between them, so
// red ink on pink paper keeps its contrast where plain luma would lose it.
// It also returns the distance between ink and paper colour, a measure of
// how much there is to read.
func inkProjection(m *image.RGBA) (*gray, float64) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	// Sample on a grid: enough for the colour statistics, cheap on large crops.
	step := max(1, int(math.Sqrt(float64(w*h)/20000)))
	var rs, gs, bs []uint8
	for y := 0; y < h; y += step {
		row := m.Pix[y*m.Stride:]
		for x := 0; x < w; x += step {
			rs = append(rs, row[4*x])
			gs = append(gs, row[4*x+1])
			bs = append(bs, row[4*x+2])
		}
	}
	paper := [3]float64{median(rs), median(gs), median(bs)}
	n := len(rs)
	dist := make([]float64, n)
	for i := range n {
		dr, dg, db := float64(rs[i])-paper[0], float64(gs[i])-paper[1], float64(bs[i])-paper[2]
		dist[i] = math.Sqrt(dr*dr + dg*dg + db*db)
	}
	// Ink: the samples in the far tail. A note with little ink has less
	// than 3% of it, so the tail is cut at half the far end's distance too.
	sorted := slices.Clone(dist)
	slices.Sort(sorted)
	far := sorted[min(n-1, n*999/1000)]
	cut := max(sorted[min(n-1, n*97/100)], far/2)
	var ink [3]float64
	var k float64
	for i := range n {
		if dist[i] >= cut {
			ink[0] += float64(rs[i])
			ink[1] += float64(gs[i])
			ink[2] += float64(bs[i])
			k++
		}
	}
	for c := range ink {
		ink[c] /= k
	}
	d := [3]float64{paper[0] - ink[0], paper[1] - ink[1], paper[2] - ink[2]}
	d2 := d[0]*d[0] + d[1]*d[1] + d[2]*d[2]
	contrast := math.Sqrt(d2)
	g := newGray(w, h)
	if contrast < 1 {
		for i := range g.pix {
			g.pix[i] = 255
		}
		return g, contrast
	}
	// Pixels darker than the paper in a direction other than the ink's
	// (shadows) still project partly; the flattening step takes care of them.
	for y := range h {
		row := m.Pix[y*m.Stride:]
		out := g.pix[y*w:]
		for x := range w {
			r, gg, b := float64(row[4*x]), float64(row[4*x+1]), float64(row[4*x+2])
			v := ((r-ink[0])*d[0] + (gg-ink[1])*d[1] + (b-ink[2])*d[2]) / d2
			out[x] = clamp8(v * 255)
		}
	}
	return g, contrast
}

// luma converts to plain luminance (ITU-R 601), the baseline inkProjection
// is measured against.
func luma(m *image.RGBA) *gray {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	g := newGray(w, h)
	for y := range h {
		row := m.Pix[y*m.Stride:]
		for x := range w {
			c := color.RGBA{row[4*x], row[4*x+1], row[4*x+2], 255}
			g.pix[y*w+x] = color.GrayModel.Convert(c).(color.Gray).Y
		}
	}
	return g
}

func median(v []uint8) float64 {
	var hist [256]int
	for _, x := range v {
		hist[x]++
	}
	half, acc := len(v)/2, 0
	for i, c := range hist {
		acc += c
		if acc > half {
			return float64(i)
		}
	}
	return 255
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// flatten removes uneven light and what is left of the paper's colour: it
// estimates the background by a large-radius maximum (which erases the thin
// dark strokes) followed by a blur, on a downscaled copy, and divides the
// image by it. radius is the stroke-erasing radius in full-size pixels.
func flatten(g *gray, radius int) *gray {
	f := max(1, radius/3) // downscale factor: background varies slowly
	sw, sh := (g.w+f-1)/f, (g.h+f-1)/f
	small := newGray(sw, sh)
	for y := range sh {
		for x := range sw {
			// max over the f x f block keeps the paper level
			var m uint8
			for yy := y * f; yy < min(g.h, (y+1)*f); yy++ {
				for xx := x * f; xx < min(g.w, (x+1)*f); xx++ {
					m = max(m, g.pix[yy*g.w+xx])
				}
			}
			small.pix[y*sw+x] = m
		}
	}
	r := max(1, (radius+f-1)/f)
	bg := boxBlur(maxFilter(small, r), r)
	out := newGray(g.w, g.h)
	for y := range g.h {
		sy := min(sh-1, y/f)
		for x := range g.w {
			b := float64(bg.pix[sy*sw+min(sw-1, x/f)])
			if b < 1 {
				b = 1
			}
			out.pix[y*g.w+x] = clamp8(float64(g.pix[y*g.w+x]) * 255 / b)
		}
	}
	return out
}

// maxFilter is a separable square maximum filter of radius r.
func maxFilter(g *gray, r int) *gray {
	tmp := newGray(g.w, g.h)
	for y := range g.h {
		row := g.pix[y*g.w : (y+1)*g.w]
		for x := range g.w {
			var m uint8
			for xx := max(0, x-r); xx <= min(g.w-1, x+r); xx++ {
				m = max(m, row[xx])
			}
			tmp.pix[y*g.w+x] = m
		}
	}
	out := newGray(g.w, g.h)
	for x := range g.w {
		for y := range g.h {
			var m uint8
			for yy := max(0, y-r); yy <= min(g.h-1, y+r); yy++ {
				m = max(m, tmp.pix[yy*g.w+x])
			}
			out.pix[y*g.w+x] = m
		}
	}
	return out
}

// boxBlur is a separable box blur of radius r with clamped edges.
func boxBlur(g *gray, r int) *gray {
	tmp := make([]float64, g.w*g.h)
	for y := range g.h {
		for x := range g.w {
			var s float64
			n := 0
			for xx := max(0, x-r); xx <= min(g.w-1, x+r); xx++ {
				s += float64(g.pix[y*g.w+xx])
				n++
			}
			tmp[y*g.w+x] = s / float64(n)
		}
	}
	out := newGray(g.w, g.h)
	for x := range g.w {
		for y := range g.h {
			var s float64
			n := 0
			for yy := max(0, y-r); yy <= min(g.h-1, y+r); yy++ {
				s += tmp[yy*g.w+x]
				n++
			}
			out.pix[y*g.w+x] = clamp8(s / float64(n))
		}
	}
	return out
}

// otsu returns the threshold that best separates g's histogram in two.
func otsu(g *gray) uint8 {
	var hist [256]float64
	for _, v := range g.pix {
		hist[v]++
	}
	total := float64(len(g.pix))
	var sum float64
	for i, c := range hist {
		sum += float64(i) * c
	}
	var sumB, wB, best float64
	var t uint8
	for i := range 256 {
		wB += hist[i]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(i) * hist[i]
		mB, mF := sumB/wB, (sum-sumB)/wF
		v := wB * wF * (mB - mF) * (mB - mF)
		if v > best {
			best, t = v, uint8(i)
		}
	}
	return t
}

// threshold returns a binary image: 0 where g <= t, 255 elsewhere.
func threshold(g *gray, t uint8) *gray {
	out := newGray(g.w, g.h)
	for i, v := range g.pix {
		if v > t {
			out.pix[i] = 255
		}
	}
	return out
}

// sauvola binarises with Sauvola's local threshold over a window of radius
// r: t = m * (1 + k*(s/128 - 1)).
func sauvola(g *gray, r int, k float64) *gray {
	w, h := g.w, g.h
	iw := w + 1
	sum := make([]float64, iw*(h+1))
	sq := make([]float64, iw*(h+1))
	for y := range h {
		var rs, rq float64
		for x := range w {
			v := float64(g.pix[y*w+x])
			rs += v
			rq += v * v
			sum[(y+1)*iw+x+1] = sum[y*iw+x+1] + rs
			sq[(y+1)*iw+x+1] = sq[y*iw+x+1] + rq
		}
	}
	out := newGray(w, h)
	for y := range h {
		y0, y1 := max(0, y-r), min(h, y+r+1)
		for x := range w {
			x0, x1 := max(0, x-r), min(w, x+r+1)
			n := float64((y1 - y0) * (x1 - x0))
			s := sum[y1*iw+x1] - sum[y0*iw+x1] - sum[y1*iw+x0] + sum[y0*iw+x0]
			q := sq[y1*iw+x1] - sq[y0*iw+x1] - sq[y1*iw+x0] + sq[y0*iw+x0]
			m := s / n
			sd := math.Sqrt(max(0, q/n-m*m))
			if float64(g.pix[y*w+x]) > m*(1+k*(sd/128-1)) {
				out.pix[y*w+x] = 255
			}
		}
	}
	return out
}

// stretch maps the level lo to 0 and hi to 255, linearly.
func stretch(g *gray, lo, hi uint8) *gray {
	out := newGray(g.w, g.h)
	if hi <= lo {
		copy(out.pix, g.pix)
		return out
	}
	var lut [256]uint8
	for i := range lut {
		lut[i] = clamp8(float64(i-int(lo)) * 255 / float64(hi-lo))
	}
	for i, v := range g.pix {
		out.pix[i] = lut[v]
	}
	return out
}

// percentile returns the level below which a share p of g's pixels lie.
func percentile(g *gray, p float64) uint8 {
	var hist [256]int
	for _, v := range g.pix {
		hist[v]++
	}
	want, acc := int(p*float64(len(g.pix))), 0
	for i, c := range hist {
		acc += c
		if acc > want {
			return uint8(i)
		}
	}
	return 255
}

// resize scales g by s with bilinear interpolation (area averaging when
// shrinking by more than two).
func resize(g *gray, s float64) *gray {
	w, h := max(1, int(math.Round(float64(g.w)*s))), max(1, int(math.Round(float64(g.h)*s)))
	if s < 0.5 {
		// box-average first so thin strokes do not alias away
		f := int(1 / s)
		g = shrink(g, f)
		s *= float64(f)
	}
	out := newGray(w, h)
	for y := range h {
		fy := (float64(y)+0.5)/s - 0.5
		y0 := int(math.Floor(fy))
		ty := fy - float64(y0)
		y0c, y1c := min(max(y0, 0), g.h-1), min(max(y0+1, 0), g.h-1)
		for x := range w {
			fx := (float64(x)+0.5)/s - 0.5
			x0 := int(math.Floor(fx))
			tx := fx - float64(x0)
			x0c, x1c := min(max(x0, 0), g.w-1), min(max(x0+1, 0), g.w-1)
			a := float64(g.pix[y0c*g.w+x0c])*(1-tx) + float64(g.pix[y0c*g.w+x1c])*tx
			b := float64(g.pix[y1c*g.w+x0c])*(1-tx) + float64(g.pix[y1c*g.w+x1c])*tx
			out.pix[y*w+x] = clamp8(a*(1-ty) + b*ty)
		}
	}
	return out
}

// shrink averages f x f blocks.
func shrink(g *gray, f int) *gray {
	w, h := max(1, g.w/f), max(1, g.h/f)
	out := newGray(w, h)
	for y := range h {
		for x := range w {
			s := 0
			for yy := y * f; yy < (y+1)*f; yy++ {
				for xx := x * f; xx < (x+1)*f; xx++ {
					s += int(g.pix[yy*g.w+xx])
				}
			}
			out.pix[y*w+x] = uint8(s / (f * f))
		}
	}
	return out
}

// pad surrounds g with a white margin of m pixels.
func pad(g *gray, m int) *gray {
	out := newGray(g.w+2*m, g.h+2*m)
	for i := range out.pix {
		out.pix[i] = 255
	}
	for y := range g.h {
		copy(out.pix[(y+m)*out.w+m:], g.pix[y*g.w:(y+1)*g.w])
	}
	return out
}

// rotate turns g clockwise by k quarter turns.
func rotate(g *gray, k int) *gray {
	k = ((k % 4) + 4) % 4
	if k == 0 {
		return g
	}
	var out *gray
	if k == 2 {
		out = newGray(g.w, g.h)
		n := len(g.pix)
		for i, v := range g.pix {
			out.pix[n-1-i] = v
		}
		return out
	}
	out = newGray(g.h, g.w)
	for y := range g.h {
		for x := range g.w {
			v := g.pix[y*g.w+x]
			if k == 1 {
				out.pix[x*out.w+(g.h-1-y)] = v
			} else {
				out.pix[(g.w-1-x)*out.w+y] = v
			}
		}
	}
	return out
}

// pgm encodes g as a binary PGM, which Leptonica reads without the cost of
// PNG compression.
func (g *gray) pgm() []byte {
	head := []byte("P5\n" + itoa(g.w) + " " + itoa(g.h) + "\n255\n")
	return append(head, g.pix...)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// whitenEdges paints a band of width m along g's edges white.
func whitenEdges(g *gray, m int) {
	if m <= 0 {
		return
	}
	for y := range g.h {
		for x := range g.w {
			if x < m || y < m || x >= g.w-m || y >= g.h-m {
				g.pix[y*g.w+x] = 255
			}
		}
	}
}
