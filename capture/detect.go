package capture

import (
	"fmt"
	"image"
	"image/color"
	"maps"
	"math"
	"sort"
	"unsafe"

	"gocv.io/x/gocv"
)

// Detection constants, in pixels of the reduced (working) image unless
// said otherwise. They were tuned on the synth standard and hard sets.
const (
	// fgThreshold is how far (in wall spreads, x16) a pixel must lie from
	// the wall colour to count as paper of a note.
	fgThreshold = 51 // 3.2 spreads
	// edgeThreshold is the colour step (8-bit Lab, L and chroma weighted)
	// that marks the border between two notes or a note and its shadow.
	edgeThreshold = 10
	// valleyThreshold is how much darker (8-bit L) than the paper on both
	// sides a thin line must be to separate notes: the soft shadow a note
	// casts on the one below it.
	valleyThreshold = 6
	// inkRatio (percent) and inkWindow: a pixel darker than inkRatio of
	// the brightest within inkWindow pixels is writing.
	inkRatio  = 60
	inkWindow = 11
	// fgOpen is the opening of the note mask: it removes marker lines,
	// circles and writing on the wall, which are thinner than it.
	fgOpen = 9
	// borderEdge, borderValley and borderEvidence: a border between two
	// notes side by side shows a colour step of borderEdge or a shadow of
	// borderValley on at least borderEvidence of its length.
	borderEdge     = 8
	borderValley   = 5
	borderEvidence = 0.7
	// minCorner is the sharpest corner, in degrees, a note shows.
	minCorner = 42.0
	// localNotes is how many nearby clean notes set the expected size.
	localNotes = 5
	// scrapShare: an outline under this share of the median note that
	// touches a larger one is a scrap of it.
	scrapShare = 0.37
	// maxPieceShare: a seed piece merged into the note around it is at
	// most this share of a typical seed.
	maxPieceShare = 0.5
	// splitErode is the kernel that shrinks the seeds inside a region
	// that holds several notes, breaking the thin bridges where the
	// border between two notes has a gap.
	splitErode = 9
	// valleyReach is the half-width, in working pixels, of the lines
	// valleyMap looks for.
	valleyReach = 3
	// minSolidity is the least share of its convex hull a single note fills.
	minSolidity = 0.86
	// minQuadFit is the least hull-to-quad area ratio of a single note.
	minQuadFit = 0.86
	// maxAspect is the longest side over the shortest of a note.
	maxAspect = 3.2
	// splitAreaFactor: a region this many times the median note area is
	// taken to be several notes that touch.
	splitAreaFactor = 1.6
	// splitAspect: a region this much longer than wide may be two square
	// notes side by side (or one oblong note: the split must find a border).
	splitAspect = 1.45
	// fallbackSolidity and fallbackQuadFit: a region that cannot be split
	// is still kept as one note above these (a note partly covered).
	fallbackSolidity = 0.6
	fallbackQuadFit  = 0.7
	// splitEdgeThreshold is the weaker colour step looked for inside a
	// region that seems to hold several notes of one colour.
	splitEdgeThreshold = 7
	// notchDepth is the least depth of a concave notch, as a fraction of
	// the median note side, where two touching notes are cut apart.
	notchDepth = 0.06
	// lineEdgeThreshold is the faint colour step or shadow that may mark
	// the straight border of a note inside a region.
	lineEdgeThreshold = 6
	// rowCutInk is the largest share of a cut across a row of notes of
	// one colour that may run through writing.
	rowCutInk = 0.2
	// maxCutLines bounds the straight lines cut along in one region.
	maxCutLines = 12
)

// debugLog, when set by a test, receives notes on decisions.
var debugLog func(format string, args ...any)

// debugMask, when set by a test, receives the intermediate masks.
var debugMask func(name string, mask []byte, w, h int)

// candidate is a note outline found on the working image.
type candidate struct {
	q    quad
	area float64 // pixels of the region behind q
	// fallback is set on a quad that does not look like one clean note
	// (a note partly covered by another) but is still the best guess.
	fallback bool
	fit      float64 // how well q fits the region (1 is perfect)
}

// region is a labelled area of the working image.
type region struct {
	label          int32
	count          int
	minX, minY     int
	maxX, maxY     int
	rowMin, rowMax []int32 // per row from minY: leftmost and rightmost x
}

// int32s views a CV_32S Mat's data.
func int32s(m gocv.Mat) []int32 {
	b, err := m.DataPtrUint8()
	if err != nil || len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// maskMat wraps a Go byte mask as a CV_8UC1 Mat sharing its memory.
func maskMat(b []byte, w, h int) gocv.Mat {
	m, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, b)
	return m
}

// intoGo returns the data of m, which OpenCV was asked to write into the
// Go buffer buf that m wraps: buf itself, or a copy should OpenCV have
// made m new memory. (Writing into Go memory spares a C allocation and a
// copy per step; fresh memory costs page faults.)
func intoGo(m gocv.Mat, buf []byte) []byte {
	d, _ := m.DataPtrUint8()
	if len(d) == len(buf) && len(d) > 0 && &d[0] == &buf[0] {
		return buf
	}
	return append(buf[:0], d...)
}

func morph(src []byte, w, h int, op gocv.MorphType, k int) []byte {
	return morphInto(make([]byte, w*h), src, w, h, op, k)
}

// morphInPlace is morph writing over src, for a mask not needed after.
func morphInPlace(src []byte, w, h int, op gocv.MorphType, k int) []byte {
	return morphInto(src, src, w, h, op, k)
}

// morphInto applies the morphological operation op with an elliptic
// kernel of size k to the mask src, writing into dst (which may be src).
func morphInto(dst, src []byte, w, h int, op gocv.MorphType, k int) []byte {
	s := maskMat(src, w, h)
	defer s.Close()
	d := s
	if len(dst) == 0 || len(src) == 0 || &dst[0] != &src[0] {
		d = maskMat(dst, w, h)
		defer d.Close()
	}
	kernel := gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(k, k))
	defer kernel.Close()
	gocv.MorphologyEx(s, &d, op, kernel)
	return intoGo(d, dst)
}

// fillHoles fills every hole inside the mask's outer contours: text, glare
// and shadows inside a note become note.
func fillHoles(mask []byte, w, h int) []byte {
	s := maskMat(mask, w, h)
	defer s.Close()
	cs := gocv.FindContours(s, gocv.RetrievalExternal, gocv.ChainApproxSimple)
	defer cs.Close()
	out := make([]byte, w*h)
	d := maskMat(out, w, h)
	defer d.Close()
	gocv.DrawContours(&d, cs, -1, white8, -1)
	return intoGo(d, out)
}

// edgeMap returns the colour step at each pixel: the largest Lab difference
// to the pixels two steps right, down and diagonally. With need set, only
// the pixels need marks are sure to be right (the rest may be 0): the
// steps are worked out only where a needed pixel uses them.
func edgeMap(lab []byte, w, h int, need []byte) []byte {
	out := make([]byte, w*h)
	if w < 3 || h < 3 {
		return out
	}
	abs := func(v int) int {
		m := v >> 63
		return (v ^ m) - m
	}
	// step[x] is the step at (x, y); each marks (x..x+1, y..y+1).
	step, prev := make([]byte, w), make([]byte, w)
	for y := 0; y <= h-2; y++ {
		step, prev = prev, step
		clear(step)
		if y < h-2 {
			row := lab[3*y*w : 3*(y+1)*w]
			down := lab[3*(y+2)*w : 3*(y+3)*w]
			var n0, n1 []byte
			if need != nil {
				n0, n1 = need[y*w:(y+1)*w], need[(y+1)*w:(y+2)*w]
			}
			for x := 0; x < w-2; x++ {
				if n0 != nil && n0[x]|n0[x+1]|n1[x]|n1[x+1] == 0 {
					continue
				}
				i := 3 * x
				pL, pa, pb := int(row[i]), int(row[i+1]), int(row[i+2])
				rL, ra, rb := int(row[i+6]), int(row[i+7]), int(row[i+8])
				bL, ba, bb := int(down[i]), int(down[i+1]), int(down[i+2])
				d := max(abs(pL-rL)>>1+abs(pa-ra)+abs(pb-rb),
					abs(pL-bL)>>1+abs(pa-ba)+abs(pb-bb),
					abs(rL-bL)>>1+abs(ra-ba)+abs(rb-bb))
				step[x] = byte(min(d, 255))
			}
		}
		// Row y gets the steps of rows y-1 and y, each at x-1 and x.
		o := out[y*w : (y+1)*w]
		o[0] = max(step[0], prev[0])
		var nr []byte
		if need != nil {
			nr = need[y*w : (y+1)*w]
		}
		for x := 1; x < w; x++ {
			if nr != nil && nr[x] == 0 {
				continue
			}
			o[x] = max(step[x], step[x-1], prev[x], prev[x-1])
		}
	}
	return out // the last row has no step below it
}

// inkMask marks writing and its rim: pixels much darker than the
// brightest paper around them, grown by a pixel. Colour steps there are
// the writing, not the border of a note. L is the lightness channel.
func inkMask(L []byte, w, h int) []byte {
	lmax := morph(L, w, h, gocv.MorphDilate, inkWindow)
	ink := make([]byte, w*h)
	for i, v := range L {
		if lmax[i] > 80 && int(v)*100 < inkRatio*int(lmax[i]) {
			ink[i] = 255
		}
	}
	return morphInPlace(ink, w, h, gocv.MorphDilate, 5)
}

// valleyMap returns, per pixel, how much darker it is than the pixels
// valleyReach steps away on both sides, in the direction where that is
// most: thin dark lines such as shadows between overlapping notes. With
// need set, it looks only at the pixels need marks (the rest are 0). L is
// the lightness channel.
func valleyMap(L []byte, w, h int, need []byte) []byte {
	const r = valleyReach
	out := make([]byte, w*h)
	for y := r; y < h-r; y++ {
		up, mid, down := L[(y-r)*w:(y-r+1)*w], L[y*w:(y+1)*w], L[(y+r)*w:(y+r+1)*w]
		o := out[y*w : (y+1)*w]
		var nr []byte
		if need != nil {
			nr = need[y*w : (y+1)*w]
		}
		for x := r; x < w-r; x++ {
			if nr != nil && nr[x] == 0 {
				continue
			}
			// Across: horizontal, vertical and both diagonals. (Windows of
			// fixed length spare the bounds checks.)
			u, m, d := up[x-r:x+r+1:x+r+1], mid[x-r:x+r+1:x+r+1], down[x-r:x+r+1:x+r+1]
			a := min(m[0], m[2*r])
			a = max(a, min(u[r], d[r]))
			a = max(a, min(u[0], d[2*r]))
			a = max(a, min(u[2*r], d[0]))
			if c := m[r]; a > c {
				o[x] = a - c
			}
		}
	}
	return out
}

// regions collects per-label extents of a label image (labels > minLabel).
// It walks each row by runs of one label, in one pass.
func regions(labels []int32, w, h int, minLabel int32) map[int32]*region {
	rs := map[int32]*region{}
	var byLabel []*region // indexed by label: a map lookup per run is slow
	for y := 0; y < h; y++ {
		row := labels[y*w : (y+1)*w]
		for x := 0; x < w; {
			l := row[x]
			if l <= minLabel {
				x++
				continue
			}
			x0 := x
			for x < w && row[x] == l {
				x++
			}
			if int(l) >= len(byLabel) {
				byLabel = append(byLabel, make([]*region, int(l)+1-len(byLabel))...)
			}
			r := byLabel[l]
			if r == nil {
				r = &region{label: l, minX: x0, maxX: x - 1, minY: y, maxY: y}
				byLabel[l] = r
				rs[l] = r
			}
			r.count += x - x0
			r.minX, r.maxX = min(r.minX, x0), max(r.maxX, x-1)
			r.maxY = y
			i := y - r.minY
			for len(r.rowMin) <= i {
				r.rowMin = append(r.rowMin, -1)
				r.rowMax = append(r.rowMax, -1)
			}
			if r.rowMin[i] < 0 {
				r.rowMin[i] = int32(x0)
			}
			r.rowMax[i] = int32(x - 1)
		}
	}
	return rs
}

// hull returns the convex hull of a region from its row extremes, in pixel
// corner coordinates (a pixel covers [x, x+1)).
func (r *region) hull() []pt {
	// Row i covers the lines y and y+1: on each line only the leftmost
	// and rightmost corner can be a vertex of the hull.
	pts := make([]pt, 0, 2*len(r.rowMin)+2)
	for k := 0; k <= len(r.rowMin); k++ {
		lo, hi := int32(math.MaxInt32), int32(-1)
		for _, i := range [2]int{k - 1, k} {
			if i >= 0 && i < len(r.rowMin) && r.rowMin[i] >= 0 {
				lo, hi = min(lo, r.rowMin[i]), max(hi, r.rowMax[i]+1)
			}
		}
		if hi < 0 {
			continue
		}
		y := float64(r.minY + k)
		pts = append(pts, pt{float64(lo), y}, pt{float64(hi), y})
	}
	return convexHull(pts)
}

// detect finds note outlines on the working image (8-bit BGR). With wall
// set (a model of the wall found on the same photo at another scale,
// windowed to small) it does not estimate the wall again; area is the
// area, in pixels of small's scale, of the whole photo small is (part
// of), which the note size limits are shares of. It returns the wall
// model it used and the note mask.
func (s *Segmenter) detect(small gocv.Mat, wall *background, area float64) (cands []candidate, lab []byte, bg *background, fg []byte) {
	w, h := small.Cols(), small.Rows()
	blur := goMat(w, h)
	defer blur.Close()
	gocv.MedianBlur(small, &blur, 5)
	lab = make([]byte, 3*w*h)
	labM, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, lab)
	defer labM.Close()
	gocv.CvtColor(blur, &labM, gocv.ColorBGRToLab)
	lab = intoGo(labM, lab)

	stage("blur+lab")
	if wall != nil {
		bg = wall
	} else {
		bg = estimateBackground(lab, w, h)
	}
	stage("background")
	fg = bg.foreground(lab, fgThreshold)
	fg = morphInPlace(fg, w, h, gocv.MorphOpen, fgOpen)
	fg = morphInPlace(fg, w, h, gocv.MorphClose, 5)
	fg = fillHoles(fg, w, h)
	stage("foreground")

	// Seeds: note paper away from colour steps. The steps matter only on
	// and near the note mask (the splits look a few pixels past a
	// region's edge at most).
	bgMask := morph(fg, w, h, gocv.MorphDilate, 7)
	edges := edgeMap(lab, w, h, bgMask)
	L := make([]byte, w*h)
	for i := range L {
		L[i] = lab[3*i]
	}
	valleys := valleyMap(L, w, h, bgMask)
	ink := inkMask(L, w, h)
	seed := make([]byte, w*h)
	for i := range seed {
		if fg[i] != 0 && edges[i] < edgeThreshold && valleys[i] < valleyThreshold {
			seed[i] = 255
		}
	}
	seed = morphInPlace(seed, w, h, gocv.MorphOpen, 5)
	if debugMask != nil {
		debugMask("lab-L", func() []byte {
			g := make([]byte, w*h)
			for i := range g {
				g[i] = lab[3*i]
			}
			return g
		}(), w, h)
		debugMask("fg", fg, w, h)
		debugMask("seed", seed, w, h)
		debugMask("edges", edges, w, h)
		debugMask("valleys", valleys, w, h)
		debugMask("ink", ink, w, h)
	}

	minArea := s.opts.MinNoteArea * area
	maxArea := s.opts.MaxNoteArea * area

	sm := maskMat(seed, w, h)
	labels := gocv.NewMat()
	n := gocv.ConnectedComponents(sm, &labels)
	sm.Close()
	defer labels.Close()
	lb := int32s(labels)
	// Drop seeds too small to be a note's core.
	stage("seeds")
	mergeEnclosedSeeds(lb, n, w, h, lab, minArea*0.3)
	stage("merge seeds")
	counts := make([]int, n)
	for _, l := range lb {
		counts[l]++
	}
	markers := make([]int32, w*h)
	for i, l := range lb {
		switch {
		case l > 0 && float64(counts[l]) >= minArea*0.3:
			markers[i] = l + 1
		case bgMask[i] == 0:
			markers[i] = 1
		}
	}
	mb := unsafe.Slice((*byte)(unsafe.Pointer(&markers[0])), 4*len(markers))
	mk, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV32SC1, mb)
	gocv.Watershed(blur, &mk)
	ws := int32s(mk) // the watershed labels markers in place
	if &ws[0] == &markers[0] {
		ws = markers
	} else {
		ws = append([]int32(nil), ws...)
	}
	mk.Close()
	// Watershed lines (-1) and pixels outside the note mask are no note.
	for i := range ws {
		if fg[i] == 0 {
			ws[i] = 0
		}
	}

	stage("watershed")
	rs := regions(ws, w, h, 1)
	fits, oks := map[int32]candidate{}, map[int32]bool{}
	changed := mergeFragments(rs, ws, w, h, lab, minArea, fits, oks)
	if changed != nil {
		rs = regions(ws, w, h, 1)
	}
	stage("merge regions")
	type fitted struct {
		r  *region
		c  candidate
		ok bool
	}
	var fs []fitted
	var areas []float64
	for _, r := range rs {
		if float64(r.count) < minArea || float64(r.count) > maxArea {
			continue
		}
		c, ok := fits[r.label], oks[r.label]
		if _, done := fits[r.label]; !done || changed[r.label] {
			c, ok = fitRegion(r)
		}
		fs = append(fs, fitted{r, c, ok})
		if ok {
			areas = append(areas, c.q.area())
		}
	}
	medArea := 0.0
	if len(areas) > 0 {
		sort.Float64s(areas)
		medArea = areas[(len(areas)-1)/2] // the lower median: pairs must not set the size
	}
	sp := splitter{w: w, h: h, ws: ws, edges: edges, valleys: valleys, ink: ink, lab: lab, blur: blur, minArea: minArea, medArea: medArea}
	// Perspective makes notes far from the camera smaller: judge a region
	// against the clean notes nearest to it.
	type sized struct {
		c    pt
		area float64
	}
	var clean []sized
	for _, f := range fs {
		if f.ok && f.c.q.area() > 0.5*medArea && f.c.q.area() < splitAreaFactor*medArea {
			clean = append(clean, sized{f.c.q.center(), f.c.q.area()})
		}
	}
	localMed := func(c pt) float64 {
		if len(clean) < localNotes {
			return medArea
		}
		sort.Slice(clean, func(i, j int) bool { return clean[i].c.sub(c).len() < clean[j].c.sub(c).len() })
		as := make([]float64, localNotes)
		for i := range as {
			as[i] = clean[i].area
		}
		sort.Float64s(as)
		return as[localNotes/2]
	}
	for _, f := range fs {
		if medArea > 0 {
			sp.medArea = localMed(f.c.q.center())
			if f.c.q.area() == 0 {
				sp.medArea = localMed(pt{float64(f.r.minX+f.r.maxX) / 2, float64(f.r.minY+f.r.maxY) / 2})
			}
		}
		if debugLog != nil {
			sw, sh := f.c.q.sides()
			debugLog("region %d at (%d,%d)-(%d,%d) count %d ok %v fb %v fit %.2f sides %.0fx%.0f med %.0f local %.0f", f.r.label, f.r.minX, f.r.minY, f.r.maxX, f.r.maxY, f.r.count, f.ok, f.c.fallback, f.c.fit, sw, sh, medArea, sp.medArea)
		}
		big := medArea > 0 && f.c.q.area() > splitAreaFactor*sp.medArea
		sw, sh := f.c.q.sides()
		long := f.ok && math.Max(sw, sh) > splitAspect*math.Min(sw, sh)
		if !f.ok || big || long {
			if parts := sp.split(f.r, f.c, f.ok); len(parts) > 1 {
				cands = append(cands, parts...)
				continue
			}
		}
		if f.ok || f.c.fallback {
			cands = append(cands, f.c)
		}
	}
	cands = dropMisshapen(cands)
	cands = dropOverlaps(cands)
	cands = dropScraps(cands)
	stage("fit+split")
	return cands, lab, bg, fg
}

// fitRegion fits a note quad to one region and judges whether it looks like
// a single note.
func fitRegion(r *region) (candidate, bool) {
	h := r.hull()
	ha := polyArea(h)
	if ha <= 0 {
		return candidate{}, false
	}
	q, ratio, ok := fitQuad(h)
	if !ok {
		return candidate{}, false
	}
	solidity := float64(r.count) / ha
	fit := math.Min(ratio, 1/ratio)
	sw, sh := q.sides()
	aspect := math.Max(sw, sh) / math.Max(1, math.Min(sw, sh))
	if solidity < minSolidity || fit < minQuadFit || aspect > maxAspect {
		fb := solidity >= fallbackSolidity && fit >= fallbackQuadFit && aspect <= maxAspect
		return candidate{q: q, area: float64(r.count), fallback: fb, fit: fit * solidity}, false
	}
	return candidate{q: q, area: float64(r.count), fit: fit * solidity}, true
}

// dropOverlaps removes the smaller of two candidates that cover the same
// note.
func dropOverlaps(cs []candidate) []candidate {
	sort.Slice(cs, func(i, j int) bool { return cs[i].area > cs[j].area })
	var out []candidate
	for _, c := range cs {
		dup := false
		for _, o := range out {
			inter := clipArea(c.q[:], o.q[:])
			if inter > 0.5*(c.q.area()+o.q.area()-inter) || inter > 0.6*c.q.area() {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// splitter separates regions that hold several touching notes.
type splitter struct {
	w, h    int
	ws      []int32
	edges   []byte
	valleys []byte
	ink     []byte
	lab     []byte
	blur    gocv.Mat
	minArea float64
	medArea float64
}

// split tries, in turn: weaker colour steps inside the region, long
// straight faint lines, concave notches of its outline, a faint border
// across a long clean quad, and cutting a clean quad three or more notes
// long into notes. It returns nil when the region stays whole.
func (sp *splitter) split(r *region, c candidate, ok bool) []candidate {
	rect := image.Rect(r.minX, r.minY, r.maxX+1, r.maxY+1)
	rw, rh := rect.Dx(), rect.Dy()
	mask := make([]byte, rw*rh)
	for y := 0; y < rh; y++ {
		for x := 0; x < rw; x++ {
			if sp.ws[(y+rect.Min.Y)*sp.w+x+rect.Min.X] == r.label {
				mask[y*rw+x] = 255
			}
		}
	}
	// 1. Weaker colour steps.
	seeds := make([]byte, len(mask))
	for y := 0; y < rh; y++ {
		for x := 0; x < rw; x++ {
			i := y*rw + x
			j := (y+rect.Min.Y)*sp.w + x + rect.Min.X
			if mask[i] != 0 && sp.edges[j] < splitEdgeThreshold && sp.valleys[j] < valleyThreshold {
				seeds[i] = 255
			}
		}
	}
	seeds = morph(seeds, rw, rh, gocv.MorphOpen, 5)
	seeds = morph(seeds, rw, rh, gocv.MorphErode, splitErode)
	if parts := sp.grow(mask, seeds, rect); len(parts) > 1 {
		return parts
	}
	// 2. Long straight lines inside the region: the borders of notes that
	// overlap, too faint for the seeds but straight.
	if parts := sp.cutAtLines(mask, rect); len(parts) > 1 {
		return parts
	}
	// 3. Shape: cut between two concave notches of the outline, where the
	// edges of two notes meet.
	if parts := sp.cutAtNotches(mask, rect, 0); len(parts) > 1 {
		return parts
	}
	if ok && sp.medArea > 0 {
		sw, sh := c.q.sides()
		aspect := math.Max(sw, sh) / math.Min(sw, sh)
		// 4. Two notes side by side whose border is a faint straight line
		// across the short way: look for that line.
		if r := c.q.area() / sp.medArea; aspect >= splitAspect && r >= 1.3 && r <= 2.6 {
			if parts := sp.cutAtBorder(c.q, sw >= sh); parts != nil {
				return parts
			}
		}
		// 5. A clean quad three or more notes long and as many notes
		// large: notes of one colour in a row, overlapping, with no border
		// to see; cut it into notes unless a cut runs through writing (an
		// oblong note and a square one in a row are as long). Two notes
		// long is not enough: an oblong note (76x127 mm) under perspective
		// is as long, and on the hard sets cutting such quads in two made
		// more false notes than it found.
		k := int(math.Round(c.q.area() / sp.medArea))
		if k >= 3 && k <= 6 && math.Abs(aspect/float64(k)-1) < 0.35 {
			parts := cutQuad(c.q, k, sw >= sh)
			worst := 0.0
			for _, p := range parts[1:] {
				// The cut before this part runs along its first side
				// across the row.
				a, b := p.q[0], p.q[3]
				if sw < sh {
					a, b = p.q[0], p.q[1]
				}
				worst = math.Max(worst, sp.inkAlong(a, b))
			}
			if debugLog != nil {
				debugLog("  row cut of %v into %d: ink on the cuts %.2f", c.q, k, worst)
			}
			if worst <= rowCutInk {
				return parts
			}
		}
	}
	return nil
}

// inkAlong returns the share of the line from a to b, inset by a tenth at
// both ends, that runs through writing: a cut there goes through a note.
func (sp *splitter) inkAlong(a, b pt) float64 {
	n, hit := 0, 0
	for k := 4; k <= 36; k++ {
		p := a.add(b.sub(a).mul(float64(k) / 40))
		x, y := int(p.X), int(p.Y)
		if x < 0 || y < 0 || x >= sp.w || y >= sp.h {
			continue
		}
		n++
		if sp.ink[y*sp.w+x] != 0 {
			hit++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}

// cutQuad cuts q into k equal notes along its longer side pair.
func cutQuad(q quad, k int, alongTop bool) []candidate {
	var out []candidate
	lerp := func(a, b pt, t float64) pt { return a.add(b.sub(a).mul(t)) }
	for i := range k {
		t0, t1 := float64(i)/float64(k), float64(i+1)/float64(k)
		var p quad
		if alongTop {
			p = quad{lerp(q[0], q[1], t0), lerp(q[0], q[1], t1), lerp(q[3], q[2], t1), lerp(q[3], q[2], t0)}
		} else {
			p = quad{lerp(q[0], q[3], t0), lerp(q[1], q[2], t0), lerp(q[1], q[2], t1), lerp(q[0], q[3], t1)}
		}
		out = append(out, candidate{q: p.ordered(), area: p.area()})
	}
	return out
}

// cutAtBorder looks across a long quad for a straight line, near its
// middle, along which the paper shows a colour step or a shadow (not
// writing) almost everywhere, and cuts the quad there.
func (sp *splitter) cutAtBorder(q quad, alongTop bool) []candidate {
	lerp := func(a, b pt, t float64) pt { return a.add(b.sub(a).mul(t)) }
	line := func(t float64) (pt, pt) {
		if alongTop {
			return lerp(q[0], q[1], t), lerp(q[3], q[2], t)
		}
		return lerp(q[0], q[3], t), lerp(q[1], q[2], t)
	}
	evidence := func(a, b pt) float64 {
		n, hit := 0, 0
		for k := 1; k < 40; k++ {
			p := lerp(a, b, float64(k)/40)
			x, y := int(p.X), int(p.Y)
			if x < 1 || y < 1 || x >= sp.w-1 || y >= sp.h-1 {
				continue
			}
			n++
			// The border may be off by a pixel: take the strongest of the
			// pixel and its neighbours across.
			best := false
			for _, d := range [3]int{-1, 0, 1} {
				j := y*sp.w + x + d
				if !alongTop {
					j = (y+d)*sp.w + x
				}
				if sp.ink[j] == 0 && (sp.edges[j] >= borderEdge || sp.valleys[j] >= borderValley) {
					best = true
				}
			}
			if best {
				hit++
			}
		}
		if n == 0 {
			return 0
		}
		return float64(hit) / float64(n)
	}
	bestT, bestE := 0.0, 0.0
	for t := 0.3; t <= 0.701; t += 0.02 {
		a, b := line(t)
		if e := evidence(a, b); e > bestE {
			bestT, bestE = t, e
		}
	}
	if debugLog != nil {
		debugLog("  border cut of %v: best evidence %.2f at %.2f", q, bestE, bestT)
	}
	if bestE < borderEvidence {
		return nil
	}
	a, b := line(bestT)
	var p1, p2 quad
	if alongTop {
		p1 = quad{q[0], a, b, q[3]}
		p2 = quad{a, q[1], q[2], b}
	} else {
		p1 = quad{q[0], q[1], b, a}
		p2 = quad{a, b, q[2], q[3]}
	}
	return []candidate{{q: p1.ordered(), area: p1.area(), fit: 1}, {q: p2.ordered(), area: p2.area(), fit: 1}}
}

// grow turns seed components into regions (watershed within the mask) and
// fits a note to each. It returns the parts only if each is a clean note.
func (sp *splitter) grow(mask, seeds []byte, rect image.Rectangle) []candidate {
	rw, rh := rect.Dx(), rect.Dy()
	sm := maskMat(seeds, rw, rh)
	labels := gocv.NewMat()
	n := gocv.ConnectedComponents(sm, &labels)
	sm.Close()
	defer labels.Close()
	if n < 3 {
		return nil
	}
	lb := int32s(labels)
	counts := make([]int, n)
	for _, l := range lb {
		counts[l]++
	}
	big := 0
	for l := 1; l < n; l++ {
		if float64(counts[l]) >= sp.minArea*0.3 {
			big++
		}
	}
	if big < 2 {
		return nil
	}
	markers := make([]int32, rw*rh)
	for i, l := range lb {
		switch {
		case mask[i] == 0:
			markers[i] = 1
		case l > 0 && float64(counts[l]) >= sp.minArea*0.3:
			markers[i] = l + 1
		}
	}
	mk, _ := gocv.NewMatFromBytes(rh, rw, gocv.MatTypeCV32SC1, unsafe.Slice((*byte)(unsafe.Pointer(&markers[0])), 4*len(markers)))
	roi := sp.blur.Region(rect)
	img := roi.Clone()
	roi.Close()
	gocv.Watershed(img, &mk)
	img.Close()
	out := append([]int32(nil), int32s(mk)...)
	mk.Close()
	for i := range out {
		if mask[i] == 0 {
			out[i] = 0
		}
	}
	rs := regions(out, rw, rh, 1)
	if sp.medArea > 0 {
		local := make([]byte, 3*rw*rh)
		for y := 0; y < rh; y++ {
			o := 3 * ((y+rect.Min.Y)*sp.w + rect.Min.X)
			copy(local[3*y*rw:3*(y+1)*rw], sp.lab[o:o+3*rw])
		}
		if mergeFragmentsMed(rs, out, rw, rh, local, sp.medArea) {
			rs = regions(out, rw, rh, 1)
		}
	}
	var parts []candidate
	clean := 0
	for _, r := range rs {
		if float64(r.count) < sp.minArea {
			continue
		}
		c, ok := fitRegion(r)
		switch {
		case ok:
			clean++
		case c.fallback && float64(r.count) >= 0.5*sp.medArea:
			// A note partly covered by its neighbours: keep the best guess.
		case float64(r.count) < 0.5*sp.medArea:
			continue // a sliver between notes
		default:
			if debugLog != nil {
				debugLog("  grow %v: part %d px not a note (fit %.2f)", rect, r.count, c.fit)
			}
			if debugMask != nil {
				debugMask(fmt.Sprintf("grow-%d-%d", rect.Min.X, rect.Min.Y), func() []byte {
					g := make([]byte, len(out))
					for i, l := range out {
						g[i] = byte(l * 37)
					}
					return g
				}(), rw, rh)
			}
			return nil
		}
		c.q = c.q.translate(float64(rect.Min.X), float64(rect.Min.Y))
		parts = append(parts, c)
	}
	if clean < 2 {
		return nil
	}
	return parts
}

// cutAtNotches splits a region along the line between two deep concave
// notches of its outline, choosing the cut whose parts both look like
// notes; parts still too large are cut again.
func (sp *splitter) cutAtNotches(mask []byte, rect image.Rectangle, depth int) []candidate {
	if sp.medArea <= 0 || depth > 3 {
		return nil
	}
	rw, rh := rect.Dx(), rect.Dy()
	m := maskMat(mask, rw, rh)
	defer m.Close()
	cs := gocv.FindContours(m, gocv.RetrievalExternal, gocv.ChainApproxNone)
	defer cs.Close()
	if cs.Size() == 0 {
		return nil
	}
	best, bestLen := 0, 0
	for i := 0; i < cs.Size(); i++ {
		if l := cs.At(i).Size(); l > bestLen {
			best, bestLen = i, l
		}
	}
	contour := cs.At(best)
	pts := contour.ToPoints()
	hull := gocv.NewMat()
	defer hull.Close()
	gocv.ConvexHull(contour, &hull, false, false)
	if !hullMonotonic(int32s(hull), len(pts)) {
		// A self-intersecting outline (a damaged photo can make one):
		// ConvexityDefects would throw, which aborts the whole process.
		return nil
	}
	defects := gocv.NewMat()
	defer defects.Close()
	gocv.ConvexityDefects(contour, hull, &defects)
	dv := int32s(defects)
	minDepth := math.Max(2.5, notchDepth*math.Sqrt(sp.medArea))
	var notches []image.Point
	for k := 0; k+3 < len(dv); k += 4 {
		if float64(dv[k+3])/256 >= minDepth {
			notches = append(notches, pts[dv[k+2]])
		}
	}
	if debugLog != nil {
		debugLog("notches %v depth %d: %v (min depth %.1f)", rect, depth, notches, minDepth)
	}
	if len(notches) < 2 {
		return nil
	}
	side := math.Sqrt(sp.medArea)
	var bestParts []candidate
	bestScore := 0.0
	for i := range notches {
		for j := i + 1; j < len(notches); j++ {
			a, b := notches[i], notches[j]
			if l := math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y)); l > 1.6*side || l < 0.3*side {
				continue
			}
			cut := append([]byte(nil), mask...)
			cm := maskMat(cut, rw, rh)
			gocv.Line(&cm, a, b, color.RGBA{}, 2)
			cm.Close()
			parts, score := sp.fitParts(cut, rect, depth)
			if debugLog != nil {
				debugLog("  cut %v-%v: %d parts score %.2f", a, b, len(parts), score)
			}
			if parts != nil && score > bestScore {
				bestParts, bestScore = parts, score
			}
		}
	}
	return bestParts
}

// hullMonotonic reports whether the convex hull indices h of a contour of
// n points pass OpenCV's own check in convexityDefects: in range, and
// running around the contour in one direction. OpenCV throws a C++
// exception otherwise, which gocv cannot catch.
func hullMonotonic(h []int32, n int) bool {
	if n <= 3 || len(h) < 3 {
		return true // OpenCV returns no defects without checking
	}
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	rev := b(h[1] > h[0])+b(h[2] > h[1])+b(h[0] > h[2]) != 2
	at := func(i int) int32 {
		if rev {
			return h[len(h)-1-i]
		}
		return h[i]
	}
	cur := at(len(h) - 1)
	if cur < 0 || int(cur) >= n {
		return false
	}
	increasing := -1
	for i := range h {
		next := at(i)
		if next < 0 || int(next) >= n {
			return false
		}
		if increasing < 0 {
			increasing = 1 - b(cur < next)
		} else if increasing != b(cur < next) {
			return false
		}
		cur = next
	}
	return true
}

// fitParts fits notes to the components of a cut mask. It returns nil
// unless there are at least two parts and each is a note (or, when too
// large, splits further); the score is the worst part's quad fit.
func (sp *splitter) fitParts(cut []byte, rect image.Rectangle, depth int) ([]candidate, float64) {
	rw, rh := rect.Dx(), rect.Dy()
	cm := maskMat(cut, rw, rh)
	labels := gocv.NewMat()
	gocv.ConnectedComponents(cm, &labels)
	cm.Close()
	defer labels.Close()
	lb := append([]int32(nil), int32s(labels)...)
	rs := regions(lb, rw, rh, 0)
	var parts []candidate
	score, clean := 1.0, 0
	for _, r := range rs {
		if float64(r.count) < 0.5*sp.medArea {
			continue // a sliver left by the cut, or a scrap of a neighbour
		}
		c, ok := fitRegion(r)
		if float64(r.count) > splitAreaFactor*sp.medArea {
			sub := make([]byte, len(lb))
			for i, l := range lb {
				if l == r.label {
					sub[i] = 255
				}
			}
			if more := sp.cutAtNotches(sub, rect, depth+1); len(more) > 1 {
				parts = append(parts, more...)
				clean += len(more)
				continue
			}
		}
		switch {
		case ok:
			clean++
			score = math.Min(score, c.fit)
		case c.fallback:
			score = math.Min(score, c.fit*0.8)
		default:
			return nil, 0
		}
		c.q = c.q.translate(float64(rect.Min.X), float64(rect.Min.Y))
		parts = append(parts, c)
	}
	if len(parts) < 2 || clean < 1 {
		return nil, 0
	}
	return parts, score
}

// distancePeaks returns seeds at the cores of a region's lobes: where the
// distance to its border is within 80% of the largest, split by the
// narrower necks between touching notes. It returns nil for one lobe.
func distancePeaks(mask []byte, w, h int) []byte {
	m := maskMat(mask, w, h)
	defer m.Close()
	d := gocv.NewMat()
	defer d.Close()
	lbl := gocv.NewMat()
	defer lbl.Close()
	gocv.DistanceTransform(m, &d, &lbl, gocv.DistL2, gocv.DistanceMask5, gocv.DistanceLabelCComp)
	_, mx, _, _ := gocv.MinMaxLoc(d)
	if mx <= 0 {
		return nil
	}
	df, _ := d.DataPtrFloat32()
	out := make([]byte, w*h)
	for i, v := range df {
		if v >= 0.8*mx {
			out[i] = 255
		}
	}
	return out
}

// mergeEnclosedSeeds joins seed pieces that lie inside the convex hull of a
// larger seed of the same colour: paper between lines of writing that the
// ink cut off from the rest of its note. It relabels lb in place.
func mergeEnclosedSeeds(lb []int32, n, w, h int, lab []byte, minSeed float64) {
	rs := regions(lb, w, h, 0)
	type seedInfo struct {
		r    *region
		hull []pt
		a, b float64
	}
	var sum [][3]float64 = make([][3]float64, n)
	for i, l := range lb {
		if l > 0 {
			sum[l][1] += float64(lab[3*i+1])
			sum[l][2] += float64(lab[3*i+2])
		}
	}
	var ss []*seedInfo
	for _, r := range rs {
		ss = append(ss, &seedInfo{r: r, a: sum[r.label][1] / float64(r.count), b: sum[r.label][2] / float64(r.count)})
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].r.count > ss[j].r.count })
	// A piece to merge is well under a typical seed: the seeds of whole
	// notes are never swallowed, even by a seed that leaks into others.
	var sizes []int
	for _, si := range ss {
		if float64(si.r.count) >= minSeed {
			sizes = append(sizes, si.r.count)
		}
	}
	if len(sizes) == 0 {
		return
	}
	medSeed := float64(sizes[len(sizes)/2])
	remap := make([]int32, n)
	for i := range remap {
		remap[i] = int32(i)
	}
	changed := false
	for i, big := range ss {
		if remap[big.r.label] != big.r.label {
			continue
		}
		for _, small := range ss[i+1:] {
			if float64(small.r.count) > maxPieceShare*medSeed {
				continue
			}
			if remap[small.r.label] != small.r.label || small.r.maxX < big.r.minX || small.r.minX > big.r.maxX || small.r.maxY < big.r.minY || small.r.minY > big.r.maxY {
				continue
			}
			if math.Hypot(small.a-big.a, small.b-big.b) > 12 {
				continue
			}
			if big.hull == nil {
				big.hull = big.r.hull()
			}
			// Inside if all row ends of the piece lie in the hull.
			in, all := 0, 0
			for k := range small.r.rowMin {
				if small.r.rowMin[k] < 0 {
					continue
				}
				y := float64(small.r.minY+k) + 0.5
				for _, x := range []float64{float64(small.r.rowMin[k]) + 0.5, float64(small.r.rowMax[k]) + 0.5} {
					all++
					if insideConvex(big.hull, pt{x, y}) {
						in++
					}
				}
			}
			if all > 0 && float64(in) >= 0.9*float64(all) {
				remap[small.r.label] = big.r.label
				changed = true
			}
		}
	}
	if changed {
		for i, l := range lb {
			lb[i] = remap[l]
		}
	}
}

// mergeFragments joins neighbouring regions of one colour that together
// make one clean note of about the usual size: a note that its own writing
// or a crease cut in two or three. It relabels ws and returns the labels
// whose regions changed (nil for none). It records in fits and oks the fits
// of the regions it looked at, which still hold for the regions that did
// not change.
func mergeFragments(rs map[int32]*region, ws []int32, w, h int, lab []byte, minArea float64, fits map[int32]candidate, oks map[int32]bool) map[int32]bool {
	// The usual note size, from regions that are clean notes.
	var areas []float64
	for l, r := range rs {
		if float64(r.count) < 0.1*minArea {
			continue
		}
		c, ok := fitRegion(r)
		fits[l], oks[l] = c, ok
		if ok && float64(r.count) >= minArea {
			areas = append(areas, c.q.area())
		}
	}
	if len(areas) == 0 {
		return nil
	}
	sort.Float64s(areas)
	return mergeFragmentsFits(rs, ws, w, h, lab, areas[(len(areas)-1)/2], fits, oks)
}

// mergeFragmentsMed is mergeFragments with the usual note area given; it
// reports whether it merged any.
func mergeFragmentsMed(rs map[int32]*region, ws []int32, w, h int, lab []byte, med float64) bool {
	return mergeFragmentsFits(rs, ws, w, h, lab, med, map[int32]candidate{}, map[int32]bool{}) != nil
}

// maxMergeRounds bounds the rounds of mergeFragmentsFits.
const maxMergeRounds = 3

// mergeFragmentsFits is mergeFragmentsMed with some regions' fits
// (fitRegion's results) already made; it fits the rest, and returns the
// changed labels as mergeFragments does. It leaves rs out of date.
//
// Each round joins a region with one neighbour at most, so a note that two
// lines of writing cut in three comes together in the second round; rounds
// after the first look only around the regions just joined.
func mergeFragmentsFits(rs map[int32]*region, ws []int32, w, h int, lab []byte, med float64, fits map[int32]candidate, oks map[int32]bool) map[int32]bool {
	for l, r := range rs {
		if _, done := fits[l]; done {
			continue
		}
		c, ok := fitRegion(r)
		fits[l], oks[l] = c, ok
	}
	rs = maps.Clone(rs) // joined regions replace their parts below

	// Mean colours, kept up to date as regions join.
	maxL := int32(1)
	for _, l := range ws {
		maxL = max(maxL, l)
	}
	type acc struct{ a, b, n int }
	col := make([]acc, maxL+1)
	for i, l := range ws {
		if l > 1 {
			col[l].a += int(lab[3*i+1])
			col[l].b += int(lab[3*i+2])
			col[l].n++
		}
	}
	mean := func(l int32) (float64, float64) {
		c := col[l]
		return float64(c.a) / float64(c.n), float64(c.b) / float64(c.n)
	}

	var changed map[int32]bool
	within := image.Rect(0, 0, w, h)
	for range maxMergeRounds {
		// Neighbours, across the one-pixel watershed lines.
		type pair struct{ p, q int32 }
		touch := map[pair]int{}
		for y := within.Min.Y; y < within.Max.Y; y++ {
			row := ws[y*w : (y+1)*w]
			var below []int32
			if y+2 < h {
				below = ws[(y+2)*w : (y+3)*w]
			}
			for x := within.Min.X; x < within.Max.X; x++ {
				l := row[x]
				if l <= 1 {
					continue
				}
				if x+2 < w {
					if m := row[x+2]; m > 1 && m != l {
						touch[pair{min(l, m), max(l, m)}]++
					}
				}
				if below != nil {
					if m := below[x]; m > 1 && m != l {
						touch[pair{min(l, m), max(l, m)}]++
					}
				}
			}
		}
		type cand struct {
			p   pair
			u   *region
			c   candidate
			fit float64
		}
		var cs []cand
		for p, n := range touch {
			rp, rq := rs[p.p], rs[p.q]
			if rp == nil || rq == nil || n < 4 {
				continue
			}
			if _, ok := fits[p.p]; !ok {
				continue
			}
			if _, ok := fits[p.q]; !ok {
				continue
			}
			// Only fragments: at least one part is not a whole note.
			fragP := !oks[p.p] || float64(rp.count) < 0.75*med
			fragQ := !oks[p.q] || float64(rq.count) < 0.75*med
			if !fragP && !fragQ {
				continue
			}
			if float64(rp.count+rq.count) > 1.35*med {
				continue
			}
			ap, bp := mean(p.p)
			aq, bq := mean(p.q)
			if math.Hypot(ap-aq, bp-bq) > 10 {
				continue
			}
			u := unionRegion(rp, rq)
			c, ok := fitRegion(u)
			if !ok {
				continue
			}
			cs = append(cs, cand{p, u, c, c.fit})
		}
		if len(cs) == 0 {
			break
		}
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].fit != cs[j].fit {
				return cs[i].fit > cs[j].fit
			}
			return cs[i].p.p < cs[j].p.p || cs[i].p.p == cs[j].p.p && cs[i].p.q < cs[j].p.q
		})
		if changed == nil {
			changed = map[int32]bool{}
		}
		used := map[int32]bool{}
		within = image.Rectangle{}
		for _, c := range cs {
			p, q := c.p.p, c.p.q
			if used[p] || used[q] {
				continue
			}
			used[p], used[q] = true, true
			changed[p], changed[q] = true, true
			rq := rs[q]
			for y := rq.minY; y <= rq.maxY; y++ {
				for x := rq.minX; x <= rq.maxX; x++ {
					if ws[y*w+x] == q {
						ws[y*w+x] = p
					}
				}
			}
			col[p].a += col[q].a
			col[p].b += col[q].b
			col[p].n += col[q].n
			c.u.label = p
			rs[p] = c.u
			delete(rs, q)
			fits[p], oks[p] = c.c, true
			delete(fits, q)
			delete(oks, q)
			within = within.Union(image.Rect(c.u.minX-2, c.u.minY-2, c.u.maxX+3, c.u.maxY+3))
		}
		within = within.Intersect(image.Rect(0, 0, w, h))
	}
	return changed
}

// unionRegion returns the region covering both a and b (extents only).
func unionRegion(a, b *region) *region {
	u := &region{label: a.label, count: a.count + b.count,
		minX: min(a.minX, b.minX), minY: min(a.minY, b.minY), maxX: max(a.maxX, b.maxX), maxY: max(a.maxY, b.maxY)}
	n := u.maxY - u.minY + 1
	u.rowMin, u.rowMax = make([]int32, n), make([]int32, n)
	for i := range u.rowMin {
		u.rowMin[i], u.rowMax[i] = -1, -1
	}
	for _, r := range []*region{a, b} {
		for k := range r.rowMin {
			if r.rowMin[k] < 0 {
				continue
			}
			i := r.minY + k - u.minY
			if u.rowMin[i] < 0 || r.rowMin[k] < u.rowMin[i] {
				u.rowMin[i] = r.rowMin[k]
			}
			if r.rowMax[k] > u.rowMax[i] {
				u.rowMax[i] = r.rowMax[k]
			}
		}
	}
	return u
}

// cutAtLines cuts a region along the long straight faint edges inside it
// (Hough segments at least half a note side long) and keeps the cut if
// every part is a clean note.
func (sp *splitter) cutAtLines(mask []byte, rect image.Rectangle) []candidate {
	if sp.medArea <= 0 {
		return nil
	}
	rw, rh := rect.Dx(), rect.Dy()
	side := math.Sqrt(sp.medArea)
	inner := morph(mask, rw, rh, gocv.MorphErode, 7)
	lines := make([]byte, rw*rh)
	on := 0
	for y := 0; y < rh; y++ {
		for x := 0; x < rw; x++ {
			i := y*rw + x
			j := (y+rect.Min.Y)*sp.w + x + rect.Min.X
			if inner[i] != 0 && sp.ink[j] == 0 && (sp.edges[j] >= lineEdgeThreshold || sp.valleys[j] >= lineEdgeThreshold) {
				lines[i] = 255
				on++
			}
		}
	}
	if on < int(0.3*side) {
		return nil // too few votes for any line
	}
	lm := maskMat(lines, rw, rh)
	defer lm.Close()
	segs := gocv.NewMat()
	defer segs.Close()
	gocv.HoughLinesPWithParams(lm, &segs, 1, math.Pi/180, int(0.3*side), float32(0.45*side), 3)
	sv := int32s(segs)
	if len(sv) < 4 {
		return nil
	}
	if len(sv) > 4*maxCutLines {
		sv = sv[:4*maxCutLines]
	}
	cut := append([]byte(nil), mask...)
	cm := maskMat(cut, rw, rh)
	for k := 0; k+3 < len(sv); k += 4 {
		a := pt{float64(sv[k]), float64(sv[k+1])}
		b := pt{float64(sv[k+2]), float64(sv[k+3])}
		d := b.sub(a)
		d = d.mul(0.12 * side / math.Max(d.len(), 1))
		a, b = a.sub(d), b.add(d)
		gocv.Line(&cm, image.Pt(int(a.X), int(a.Y)), image.Pt(int(b.X), int(b.Y)), color.RGBA{}, 2)
	}
	cm.Close()
	parts, _ := sp.fitParts(cut, rect, 0)
	if debugLog != nil {
		debugLog("cutAtLines %v: %d segments, %d parts", rect, len(sv)/4, len(parts))
	}
	if debugMask != nil {
		debugMask(fmt.Sprintf("cut-%d-%d", rect.Min.X, rect.Min.Y), cut, rw, rh)
	}
	return parts
}

// dropScraps removes outlines much smaller than the usual note that touch
// or overlap a larger one: pieces of a note that glare or a neighbour cut
// off, not notes of their own.
func dropScraps(cs []candidate) []candidate {
	if len(cs) < 3 {
		return cs
	}
	areas := make([]float64, len(cs))
	for i, c := range cs {
		areas[i] = c.q.area()
	}
	sort.Float64s(areas)
	med := areas[len(areas)/2]
	var out []candidate
	for i, c := range cs {
		a := c.q.area()
		scrap := false
		if a < scrapShare*med {
			w, h := c.q.sides()
			for j, o := range cs {
				if j != i && o.q.area() > a && quadGap(c.q, o.q) < 0.1*math.Min(w, h) {
					scrap = true
					break
				}
			}
		}
		if !scrap {
			out = append(out, c)
		}
	}
	return out
}

// dropMisshapen removes outlines no note can have, even in steep
// perspective: a corner sharper than minCorner or flatter than 180 minus
// it, or sides more unequal than maxAspect.
func dropMisshapen(cs []candidate) []candidate {
	var out []candidate
	for _, c := range cs {
		if !c.q.convex() {
			continue
		}
		w, h := c.q.sides()
		if math.Max(w, h) > maxAspect*math.Min(w, h) {
			continue
		}
		ok := true
		for i := range 4 {
			a, b, d := c.q[(i+3)%4], c.q[i], c.q[(i+1)%4]
			u, v := a.sub(b), d.sub(b)
			cos := u.dot(v) / math.Max(u.len()*v.len(), 1e-9)
			ang := math.Acos(math.Max(-1, math.Min(1, cos))) * 180 / math.Pi
			if ang < minCorner || ang > 180-minCorner {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}
