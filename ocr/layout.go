package ocr

import (
	"image"
	"math"
	"slices"
)

// blob is one connected component of ink.
type blob struct {
	box  image.Rectangle
	area int
}

// blobs returns the 8-connected components of ink (value 0) in a binary
// image, leaving out specks smaller than minArea pixels and components
// that touch the border and span most of it (a note's edge or shadow).
func blobs(b *gray, minArea int) []blob {
	w, h := b.w, b.h
	seen := make([]bool, w*h)
	var out []blob
	stack := make([]int, 0, 256)
	for start, v := range b.pix {
		if v != 0 || seen[start] {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], start)
		box := image.Rectangle{Min: image.Pt(w, h)}
		area := 0
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%w, i/w
			area++
			box.Min.X, box.Min.Y = min(box.Min.X, x), min(box.Min.Y, y)
			box.Max.X, box.Max.Y = max(box.Max.X, x+1), max(box.Max.Y, y+1)
			for dy := -1; dy <= 1; dy++ {
				yy := y + dy
				if yy < 0 || yy >= h {
					continue
				}
				for dx := -1; dx <= 1; dx++ {
					xx := x + dx
					if xx < 0 || xx >= w {
						continue
					}
					j := yy*w + xx
					if !seen[j] && b.pix[j] == 0 {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if area < minArea {
			continue
		}
		touches := box.Min.X == 0 || box.Min.Y == 0 || box.Max.X == w || box.Max.Y == h
		if touches && (box.Dx() > w/2 || box.Dy() > h/2) {
			continue
		}
		out = append(out, blob{box: box, area: area})
	}
	return out
}

// letterHeight estimates the typical height of a letter in pixels from the
// components of a binary image: the median height of the components that
// are not specks and not long lines, measured across the lines (along x
// when the lines run vertically). It returns 0 when there are no
// letter-like components.
func letterHeight(bs []blob, vertical bool) float64 {
	var hs []int
	for _, b := range bs {
		h, w := b.box.Dy(), b.box.Dx()
		if vertical {
			h, w = w, h
		}
		if h >= 4 && w <= 8*h {
			hs = append(hs, h)
		}
	}
	if len(hs) == 0 {
		return 0
	}
	slices.Sort(hs)
	return float64(hs[len(hs)/2])
}

// lineScore measures how strongly the ink of a binary image is arranged in
// horizontal lines: the mean squared change of the row ink counts between
// neighbouring rows, relative to the total ink. Text lines make rows
// alternate between full and empty; the same text turned a quarter makes
// the columns do so instead.
func lineScore(b *gray) (rows, cols float64) {
	rc := make([]float64, b.h)
	cc := make([]float64, b.w)
	var ink float64
	for y := range b.h {
		for x := range b.w {
			if b.pix[y*b.w+x] == 0 {
				rc[y]++
				cc[x]++
				ink++
			}
		}
	}
	if ink == 0 {
		return 0, 0
	}
	return variation(rc) / ink, variation(cc) / ink
}

// variation is the sum of the squared differences between a profile
// smoothed over three bins and its mean.
func variation(p []float64) float64 {
	if len(p) < 3 {
		return 0
	}
	var mean float64
	for _, v := range p {
		mean += v
	}
	mean /= float64(len(p))
	var s float64
	for i := 1; i < len(p)-1; i++ {
		v := (p[i-1]+p[i]+p[i+1])/3 - mean
		s += v * v
	}
	return s / float64(len(p))
}

// linesRunVertically reports whether the letters of a note are strung
// top to bottom rather than left to right, as on a note photographed
// sideways: each letter-sized component votes by the direction to its
// nearest letter-sized neighbour (letters in a word mostly sit closer
// together than lines do), and the projection profiles of lineScore must
// agree. With too few letters the profiles decide alone.
func linesRunVertically(bs []blob, bin *gray) bool {
	// letter size, whichever way the note is turned
	var sizes []int
	for _, b := range bs {
		if d := max(b.box.Dx(), b.box.Dy()); d >= 4 {
			sizes = append(sizes, d)
		}
	}
	if len(sizes) == 0 {
		return false
	}
	slices.Sort(sizes)
	lh := float64(sizes[len(sizes)/2])
	type pt struct{ x, y float64 }
	var cs []pt
	for _, b := range bs {
		h, w := float64(b.box.Dy()), float64(b.box.Dx())
		if max(h, w) >= 0.5*lh && max(h, w) <= 2.5*lh {
			cs = append(cs, pt{float64(b.box.Min.X+b.box.Max.X) / 2, float64(b.box.Min.Y+b.box.Max.Y) / 2})
		}
	}
	if len(cs) >= 3 && len(cs) <= 2000 {
		var hv, vv int
		for i, a := range cs {
			best, bj := math.Inf(1), -1
			for j, b := range cs {
				if d := (a.x-b.x)*(a.x-b.x) + (a.y-b.y)*(a.y-b.y); j != i && d < best {
					best, bj = d, j
				}
			}
			if math.Abs(cs[bj].x-a.x) >= math.Abs(cs[bj].y-a.y) {
				hv++
			} else {
				vv++
			}
		}
		// Letters of neighbouring lines can sit closer than letters of one
		// word (capitals, tight lines): the profiles must agree.
		rows, cols := lineScore(bin)
		return vv > hv && cols > rows
	}
	rows, cols := lineScore(bin)
	return cols > rows
}

// expectedChars estimates how many characters the ink of a note holds,
// whichever way it is turned: the typical character size is the median of
// the components' shorter sides (a letter's width, or the height of
// letters run together into one component), and each component counts
// its longer side in such sizes. Specks and dots do not count.
func expectedChars(bs []blob) float64 {
	var short []int
	for _, b := range bs {
		short = append(short, min(b.box.Dx(), b.box.Dy()))
	}
	if len(short) == 0 {
		return 0
	}
	slices.Sort(short)
	size := float64(max(1, short[len(short)/2]))
	var n float64
	for _, b := range bs {
		if float64(min(b.box.Dx(), b.box.Dy())) < size/2 {
			continue
		}
		n += max(1, float64(max(b.box.Dx(), b.box.Dy()))/size)
	}
	return n
}
