package capture

import (
	"image/color"
	"math"

	"wallscan"
)

// Colour naming constants, in CIE Lab (L 0..100, a and b signed).
const (
	// whiteChroma is the largest chroma of paper called white.
	whiteChroma = 13.0
	// minWhiteL is the least lightness of paper called white (darker
	// unsaturated paper is "other": grey or brown).
	minWhiteL = 45.0
	// glareL and glareChroma mark a washed-out pixel on coloured paper.
	glareL      = 93.0
	glareChroma = 12.0
	// paperInset shrinks a note towards its centre before sampling, to
	// stay clear of its border and shadow.
	paperInset = 0.15
)

// hueCentres gives the Lab hue angle (degrees) typical of each note colour;
// a colour is named after the nearest centre.
var hueCentres = []struct {
	c   wallscan.Color
	deg float64
}{
	{wallscan.Pink, 353},
	{wallscan.Orange, 65},
	{wallscan.Yellow, 99},
	{wallscan.Green, 130},
	{wallscan.Blue, 246},
	{wallscan.Purple, 308},
}

// paperStats is what sampling a note's paper found.
type paperStats struct {
	rgb   color.RGBA
	name  wallscan.Color
	L     float64 // lightness 0..100 of the paper
	glare float64 // share of the note's pixels that are washed out
}

// colourName names a Lab colour (L 0..100, a and b signed).
func colourName(L, a, b float64) wallscan.Color {
	c := math.Hypot(a, b)
	if c < whiteChroma {
		if L >= minWhiteL {
			return wallscan.White
		}
		return wallscan.ColorOther
	}
	h := math.Atan2(b, a) * 180 / math.Pi
	if h < 0 {
		h += 360
	}
	best, bd := wallscan.ColorOther, 360.0
	for _, hc := range hueCentres {
		d := math.Abs(h - hc.deg)
		d = math.Min(d, 360-d)
		if d < bd {
			best, bd = hc.c, d
		}
	}
	if bd > 50 {
		return wallscan.ColorOther
	}
	return best
}

// samplePaper samples a note's paper on the working image: the median
// colour of its brighter pixels (the paper, not the ink), and the share of
// washed-out pixels.
func samplePaper(lab, bgr []byte, w, h int, q quad) paperStats {
	c := q.center()
	var in quad
	for i := range q {
		in[i] = c.add(q[i].sub(c).mul(1 - paperInset))
	}
	minX, minY, maxX, maxY := w, h, 0, 0
	for _, p := range in {
		minX, maxX = min(minX, int(p.X)), max(maxX, int(p.X)+1)
		minY, maxY = min(minY, int(p.Y)), max(maxY, int(p.Y)+1)
	}
	minX, minY = max(minX, 0), max(minY, 0)
	maxX, maxY = min(maxX, w-1), min(maxY, h-1)
	step := 1
	if (maxX-minX)*(maxY-minY) > 40000 {
		step = 2
	}
	idx := make([]int, 0, max((maxY-minY)/step+1, 0)*max((maxX-minX)/step+1, 0))
	for y := minY; y <= maxY; y += step {
		for x := minX; x <= maxX; x += step {
			if inside(in, pt{float64(x) + 0.5, float64(y) + 0.5}) {
				idx = append(idx, y*w+x)
			}
		}
	}
	if len(idx) == 0 {
		return paperStats{name: wallscan.ColorOther}
	}
	// Order by lightness (a counting sort: lightness is a byte); the
	// paper is the band between the 40th and 85th percentiles (ink below,
	// glare above).
	idx = sortByByte(idx, func(i int) byte { return lab[3*i] })
	band := idx[len(idx)*40/100 : max(len(idx)*85/100, len(idx)*40/100+1)]
	med := func(ch []byte, off int) float64 {
		var hist [256]int
		for _, i := range band {
			hist[ch[3*i+off]]++
		}
		// The element at len/2 of the sorted values.
		k := len(band) / 2
		for v, n := range hist {
			if k < n {
				return float64(v)
			}
			k -= n
		}
		return 255
	}
	L, a, b := med(lab, 0)*100/255, med(lab, 1)-128, med(lab, 2)-128
	st := paperStats{
		rgb:  color.RGBA{uint8(med(bgr, 2)), uint8(med(bgr, 1)), uint8(med(bgr, 0)), 255},
		name: colourName(L, a, b),
		L:    L,
	}
	if st.name != wallscan.White {
		n := 0
		for _, i := range idx {
			pl := float64(lab[3*i]) * 100 / 255
			pc := math.Hypot(float64(lab[3*i+1])-128, float64(lab[3*i+2])-128)
			if pl > glareL && pc < glareChroma {
				n++
			}
		}
		st.glare = float64(n) / float64(len(idx))
	}
	return st
}

// sortByByte returns idx stably sorted by key, which is a byte.
func sortByByte(idx []int, key func(int) byte) []int {
	var start [257]int
	for _, i := range idx {
		start[int(key(i))+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	out := make([]int, len(idx))
	for _, i := range idx {
		k := key(i)
		out[start[k]] = i
		start[k]++
	}
	return out
}
