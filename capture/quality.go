package capture

import (
	"math"
	"sort"

	"gocv.io/x/gocv"

	"wallscan"
)

// Quality thresholds, measured on the synth sets (see docs/BENCHMARKS.md).
const (
	// BlurryBelow is the sharpness (variance of the Laplacian over the
	// notes on the working image, scaled to paper of grey 200) under which
	// a photo is called blurry. On synth walls (12 MP, standard and hard)
	// a photo as generated gives 1700-4000, with an added Gaussian blur of
	// sigma 3 photo pixels 159-354, of sigma 5 (writing no longer legible)
	// 25-47 and of sigma 8 7-10 (capture/calib_test.go).
	BlurryBelow = 80.0
	// DarkBelow is the mean brightness (0..255) under which a photo is
	// called too dark (a photo at half the light of a normal one still
	// reads; at a third it does not).
	DarkBelow = 65.0
	// sharpnessRefGrey is the paper brightness that sharpness is scaled
	// to, so that a dim photo is not called blurry for its low contrast.
	sharpnessRefGrey = 200.0
	// GlareNoteShare is the share of washed-out pixels that marks a
	// coloured note as hit by glare.
	GlareNoteShare = 0.04
	// MinReadableSide is the shortest note side, in photo pixels, at which
	// handwriting can still be read; smaller notes call for stepping closer.
	MinReadableSide = 120.0
)

// meanBrightness returns the mean grey level (0..255) of a BGR image, to
// one decimal.
func meanBrightness(img gocv.Mat) float64 {
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(img, &grey, gocv.ColorBGRToGray)
	g, _ := grey.DataPtrUint8()
	var sum float64
	for _, v := range g {
		sum += float64(v)
	}
	return math.Round(sum/float64(max(len(g), 1))*10) / 10
}

// judgeQuality fills seg.Quality from the working image and the notes;
// seg.Quality.Brightness must be set.
func (s *Segmenter) judgeQuality(seg *wallscan.Segmentation, small gocv.Mat, cs []candidate, st []paperStats, factor float64) {
	w, h := small.Cols(), small.Rows()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(small, &grey, gocv.ColorBGRToGray)
	g, _ := grey.DataPtrUint8()

	q := &seg.Quality

	// Sharpness: variance of the 4-neighbour Laplacian over the notes'
	// inner parts (where the writing is), or over the photo if none.
	var n, s1, s2, sg float64
	lap := func(x, y int) {
		i := y*w + x
		v := 4*float64(g[i]) - float64(g[i-1]) - float64(g[i+1]) - float64(g[i-w]) - float64(g[i+w])
		n++
		s1 += v
		s2 += v * v
		sg += float64(g[i])
	}
	if len(cs) == 0 {
		for y := 1; y < h-1; y += 2 {
			for x := 1; x < w-1; x += 2 {
				lap(x, y)
			}
		}
	} else {
		for _, c := range cs {
			ctr := c.q.center()
			var in quad
			for i := range c.q {
				in[i] = ctr.add(c.q[i].sub(ctr).mul(0.85))
			}
			b := quadBounds(in)
			for y := max(b[1], 1); y < min(b[3], h-1); y++ {
				for x := max(b[0], 1); x < min(b[2], w-1); x++ {
					if inside(in, pt{float64(x) + .5, float64(y) + .5}) {
						lap(x, y)
					}
				}
			}
		}
	}
	if n > 0 {
		m := s1 / n
		// Contrast scales with the light; judge focus as if the paper
		// were lit to sharpnessRefGrey.
		k := sharpnessRefGrey / math.Max(sg/n, 20)
		q.Sharpness = math.Round((s2/n-m*m)*k*k*10) / 10
	}

	for _, p := range st {
		if p.glare > GlareNoteShare {
			q.GlareNotes++
		}
	}
	if len(seg.Notes) == 0 {
		q.Warnings = append(q.Warnings, wallscan.WarnNoNotes)
	}
	if len(cs) > 0 && q.Sharpness < BlurryBelow {
		q.Warnings = append(q.Warnings, wallscan.WarnBlurry)
	}
	if q.GlareNotes > 0 {
		q.Warnings = append(q.Warnings, wallscan.WarnGlare)
	}
	if q.Brightness < DarkBelow {
		q.Warnings = append(q.Warnings, wallscan.WarnDark)
	}
	if len(cs) > 0 {
		sides := make([]float64, len(cs))
		for i, c := range cs {
			a, b := c.q.sides()
			sides[i] = math.Min(a, b) * factor
		}
		sort.Float64s(sides)
		if sides[len(sides)/2] < MinReadableSide {
			q.Warnings = append(q.Warnings, wallscan.WarnSmall)
		}
	}
	if q.Warnings == nil {
		q.Warnings = []string{}
	}
}

// quadBounds returns minX, minY, maxX, maxY of q, rounded outwards.
func quadBounds(q quad) [4]int {
	b := [4]int{math.MaxInt, math.MaxInt, math.MinInt, math.MinInt}
	for _, p := range q {
		b[0], b[1] = min(b[0], int(math.Floor(p.X))), min(b[1], int(math.Floor(p.Y)))
		b[2], b[3] = max(b[2], int(math.Ceil(p.X))), max(b[3], int(math.Ceil(p.Y)))
	}
	return b
}
