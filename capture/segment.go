// Package capture turns a photo of a wall into notes: it checks and
// decodes the photo, judges its quality, finds each sticky note with
// OpenCV, names its colour and cuts out a perspective-corrected crop for
// reading. It is the only package that touches OpenCV; what it returns uses
// the standard library's image types.
package capture

import (
	"context"
	"image"
	"image/color"
	"math"
	"sort"
	"time"

	"gocv.io/x/gocv"

	"wallscan"
)

// Defaults for Options.
const (
	// DefaultWorkSide is the longest side, in pixels, of the reduced image
	// the notes are found on. Crops still come from the full photo.
	DefaultWorkSide = 1400
	// DefaultMinNoteArea is the smallest note, as a fraction of the photo's
	// area (about 1/50 of the width squared on a 4:3 photo).
	DefaultMinNoteArea = 0.0003
	// DefaultMaxNoteArea is the largest note, as a fraction of the photo.
	DefaultMaxNoteArea = 0.25
	// DefaultMaxCropSide caps a crop's longer side, in pixels: more does not
	// help reading and costs memory.
	DefaultMaxCropSide = 1600
	// minWorkNoteSide: when the median note found is shorter than this on
	// the working image, the notes are looked for again at a finer scale
	// that makes them about targetWorkNoteSide (a scale that need not be
	// a whole factor of the photo: at 100 the hard set scores better, and
	// costs less, than at the nearest whole factor). fineMaxShare keeps the
	// finer scale at least this much finer than the first.
	minWorkNoteSide    = 85.0
	targetWorkNoteSide = 100.0
	fineMaxShare       = 0.9
	// windowFill is the least share of its bounding box a part of the
	// note mask fills to count for the finer pass's window.
	windowFill = 0.3
	// fineSteps: the finer scale is a whole number of photo pixels per
	// fineSteps working pixels.
	fineSteps = 16
	// NeighbourGap is the largest gap between two notes, as a fraction of
	// the smaller note's side, for them to count as neighbours.
	NeighbourGap = 0.5
)

// Options tune a Segmenter. Zero fields take the defaults above.
type Options struct {
	WorkSide    int
	MinNoteArea float64
	MaxNoteArea float64
	MaxCropSide int
}

// Segmenter finds notes on photos with OpenCV. It implements
// wallscan.Segmenter and is safe for concurrent use.
type Segmenter struct {
	opts Options
}

var _ wallscan.Segmenter = (*Segmenter)(nil)

var white8 = color.RGBA{255, 255, 255, 255}

// debugStage, when set by a test, is called at the end of each step, to
// time them.
var debugStage func(name string)

func stage(name string) {
	if debugStage != nil {
		debugStage(name)
	}
}

// NewSegmenter returns a Segmenter with opts, defaults filled in.
func NewSegmenter(opts Options) *Segmenter {
	orDefault(&opts.WorkSide, DefaultWorkSide)
	orDefault(&opts.MinNoteArea, DefaultMinNoteArea)
	orDefault(&opts.MaxNoteArea, DefaultMaxNoteArea)
	orDefault(&opts.MaxCropSide, DefaultMaxCropSide)
	return &Segmenter{opts: opts}
}

// orDefault sets an option that is zero or negative (not given) to its
// default.
func orDefault[T int | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Segment finds the notes on an encoded photo (JPEG or PNG). See
// wallscan.Segmenter for the errors it returns.
func (s *Segmenter) Segment(ctx context.Context, photo []byte) (*wallscan.Segmentation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	full, err := decodePhoto(photo)
	if err != nil {
		return nil, err
	}
	defer full.Close()
	stage("decode")
	return s.segmentMat(ctx, full)
}

// workFactor returns the integer reduction from a photo to its first
// working image (integer factors make the area reduction fast and exact).
func (s *Segmenter) workFactor(w, h int) int {
	f := int(math.Ceil(float64(max(w, h)) / float64(s.opts.WorkSide)))
	return max(f, 1)
}

func (s *Segmenter) segmentMat(ctx context.Context, full gocv.Mat) (*wallscan.Segmentation, error) {
	W, H := full.Cols(), full.Rows()
	f := s.workFactor(W, H)
	small := full
	// half is the photo at half size, which OpenCV makes fast (2x2
	// blocks); both working images are reduced from it when they are at
	// least half as small, as INTER_AREA at other factors is slow.
	var half gocv.Mat
	if f > 1 {
		even := full.Region(image.Rect(0, 0, W&^1, H&^1))
		half = goMat(W/2, H/2)
		gocv.Resize(even, &half, image.Pt(W/2, H/2), 0, 0, gocv.InterpolationArea)
		even.Close()
		defer half.Close()
		small = half
		if f > 2 {
			small = goMat(W/f, H/f)
			gocv.Resize(half, &small, image.Pt(W/f, H/f), 0, 0, gocv.InterpolationArea)
			defer small.Close()
		}
	}
	stage("reduce")
	w, h := small.Cols(), small.Rows()
	cands, lab, wall, fg := s.detect(small, nil, float64(w*h))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	brightness := meanBrightness(small)
	// work is the image the notes were found on: a point p on it lies at
	// origin + p*(sx, sy) on the photo.
	work := small
	sx, sy := float64(W)/float64(w), float64(H)/float64(h)
	var origin pt
	scale := float64(f)
	// Small notes (a wall photographed from afar) are found better at a
	// finer working scale: look again, once, closer up, on the part of
	// the photo that holds notes.
	if side := medianSide(cands); f > 1 && len(cands) >= 3 && side < minWorkNoteSide {
		// The finer factor in sixteenths: then a window that starts on a
		// multiple of 16 finer pixels is reduced exactly as the whole
		// photo would be.
		f2 := math.Max(1, math.Min(fineMaxShare*scale, side*scale/targetWorkNoteSide))
		q := int(math.Round(f2 * fineSteps)) // photo pixels per fineSteps finer pixels
		f2 = float64(q) / fineSteps
		win := noteWindow(fg, w, h, s.opts.MinNoteArea*float64(w*h), side)
		x0, y0 := win.Min.X*W/w/q*q, win.Min.Y*H/h/q*q
		r := image.Rect(x0, y0, min(W, (win.Max.X*W/w+q)/q*q), min(H, (win.Max.Y*H/h+q)/q*q))
		var fine gocv.Mat
		if f2 >= 2 {
			// From the half-size photo, on even photo pixels.
			x0, y0 = x0&^1, y0&^1
			hr := image.Rect(x0/2, y0/2, (r.Max.X+1)/2, (r.Max.Y+1)/2).Intersect(image.Rect(0, 0, half.Cols(), half.Rows()))
			r = image.Rect(x0, y0, 2*hr.Max.X, 2*hr.Max.Y)
			part := half.Region(hr)
			size := image.Pt(int(math.Round(float64(r.Dx())/f2)), int(math.Round(float64(r.Dy())/f2)))
			fine = goMat(size.X, size.Y)
			gocv.Resize(part, &fine, size, 0, 0, gocv.InterpolationArea)
			part.Close()
		} else {
			part := full.Region(r)
			fine = gocv.NewMat()
			gocv.Resize(part, &fine, image.Point{}, 1/f2, 1/f2, gocv.InterpolationArea)
			part.Close()
		}
		defer fine.Close()
		stage("reduce again")
		fw, fh := fine.Cols(), fine.Rows()
		sx, sy = f2, f2
		origin = pt{float64(r.Min.X), float64(r.Min.Y)}
		pw, ph := float64(W)/f2, float64(H)/f2
		fwall := wall.window(float64(x0)/f2, float64(y0)/f2, fw, fh, pw, ph)
		if debugLog != nil {
			debugLog("fine pass: side %.1f factor %.3f window %v of %dx%d", side, f2, r, W, H)
		}
		cands, lab, _, _ = s.detect(fine, fwall, pw*ph)
		work, w, h, scale = fine, fw, fh, f2
		stage("detect again")
	}
	seg := &wallscan.Segmentation{Width: W, Height: H}

	cands = readingOrder(cands)
	if len(cands) > wallscan.MaxNotesPerPhoto {
		cands = cands[:wallscan.MaxNotesPerPhoto]
		seg.Quality.Warnings = append(seg.Quality.Warnings, wallscan.WarnManyNotes)
	}
	workPix, _ := work.DataPtrUint8()
	stats := make([]paperStats, len(cands))
	for i, c := range cands {
		stats[i] = samplePaper(lab, workPix, w, h, c.q)
		fq := c.q.scale(sx, sy).translate(origin.X, origin.Y).clamp(float64(W-1), float64(H-1))
		crop, err := s.crop(full, fq)
		if err != nil {
			return nil, err
		}
		cx, cy := fq.center().X/float64(W), fq.center().Y/float64(H)
		seg.Notes = append(seg.Notes, wallscan.FoundNote{
			Polygon: fq.toQuad(),
			Color:   stats[i].name,
			RGB:     stats[i].rgb,
			X:       cx,
			Y:       cy,
			Crop:    crop,
		})
	}
	stage("crops")
	linkNeighbours(seg, cands)
	seg.Quality.Brightness = brightness
	s.judgeQuality(seg, work, cands, stats, scale)
	stage("quality")
	return seg, nil
}

// crop cuts a note out of the full photo with a perspective warp, upright.
func (s *Segmenter) crop(full gocv.Mat, q quad) (image.Image, error) {
	cw, ch := q.sides()
	if k := float64(s.opts.MaxCropSide) / math.Max(cw, ch); k < 1 {
		cw, ch = cw*k, ch*k
	}
	iw, ih := max(int(math.Round(cw)), 8), max(int(math.Round(ch)), 8)
	src := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{
		{X: float32(q[0].X), Y: float32(q[0].Y)}, {X: float32(q[1].X), Y: float32(q[1].Y)},
		{X: float32(q[2].X), Y: float32(q[2].Y)}, {X: float32(q[3].X), Y: float32(q[3].Y)},
	})
	defer src.Close()
	dst := gocv.NewPoint2fVectorFromPoints([]gocv.Point2f{
		{X: 0, Y: 0}, {X: float32(iw), Y: 0}, {X: float32(iw), Y: float32(ih)}, {X: 0, Y: float32(ih)},
	})
	defer dst.Close()
	m := gocv.GetPerspectiveTransform2f(src, dst)
	defer m.Close()
	out := gocv.NewMat()
	defer out.Close()
	gocv.WarpPerspectiveWithParams(full, &out, m, image.Pt(iw, ih), gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	return bgrToRGBA(out)
}

// bgrToRGBA copies an 8-bit BGR Mat into an *image.RGBA.
func bgrToRGBA(m gocv.Mat) (*image.RGBA, error) {
	w, h := m.Cols(), m.Rows()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// OpenCV converts straight into the image's pixels.
	rgba, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC4, img.Pix)
	if err != nil {
		return nil, err
	}
	defer rgba.Close()
	gocv.CvtColor(m, &rgba, gocv.ColorBGRToRGBA)
	if src, err := rgba.DataPtrUint8(); err != nil {
		return nil, err
	} else if len(src) > 0 && &src[0] != &img.Pix[0] {
		copy(img.Pix, src)
	}
	return img, nil
}

// goMat returns a w x h 8-bit BGR Mat in Go memory, for OpenCV to write
// into: the Go heap reuses its memory, where each fresh OpenCV buffer of
// this size costs page faults.
func goMat(w, h int) gocv.Mat {
	m, _ := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, make([]byte, 3*w*h))
	return m
}

// readingOrder sorts notes into rows, top to bottom, each left to right. A
// note joins a row when its centre lies within half a typical note height
// of the row's centre line.
func readingOrder(cs []candidate) []candidate {
	if len(cs) == 0 {
		return cs
	}
	hs := make([]float64, len(cs))
	for i, c := range cs {
		_, hs[i] = c.q.sides()
	}
	sort.Float64s(hs)
	tol := hs[len(hs)/2] / 2
	sort.Slice(cs, func(i, j int) bool { return cs[i].q.center().Y < cs[j].q.center().Y })
	var out []candidate
	for i := 0; i < len(cs); {
		j := i + 1
		sum := cs[i].q.center().Y
		for j < len(cs) && cs[j].q.center().Y-sum/float64(j-i) < tol {
			sum += cs[j].q.center().Y
			j++
		}
		row := cs[i:j]
		sort.Slice(row, func(a, b int) bool { return row[a].q.center().X < row[b].q.center().X })
		out = append(out, row...)
		i = j
	}
	return out
}

// linkNeighbours records, for each note, the notes whose gap to it is less
// than NeighbourGap of the smaller note's side.
func linkNeighbours(seg *wallscan.Segmentation, cs []candidate) {
	side := make([]float64, len(cs))
	for i, c := range cs {
		w, h := c.q.sides()
		side[i] = math.Min(w, h)
	}
	for i := range cs {
		bi := cs[i].q
		for j := i + 1; j < len(cs); j++ {
			lim := NeighbourGap * math.Min(side[i], side[j])
			// Cheap reject on centre distance first.
			if cs[j].q.center().sub(bi.center()).len() > lim+side[i]*1.5+side[j]*1.5 {
				continue
			}
			if quadGap(bi, cs[j].q) < lim {
				seg.Notes[i].Neighbours = append(seg.Notes[i].Neighbours, j)
				seg.Notes[j].Neighbours = append(seg.Notes[j].Neighbours, i)
			}
		}
	}
}

// medianSide returns the median shorter side of the outlines, 0 for none.
func medianSide(cs []candidate) float64 {
	if len(cs) == 0 {
		return 0
	}
	ss := make([]float64, len(cs))
	for i, c := range cs {
		w, h := c.q.sides()
		ss[i] = math.Min(w, h)
	}
	sort.Float64s(ss)
	return ss[len(ss)/2]
}

// noteWindow returns the part of a working image that holds the notes of
// the note mask fg: the bounds of its parts at least minArea large that
// fill a good share of their bounding box (not marker lines or a board's
// frame), widened by margin pixels.
func noteWindow(fg []byte, w, h int, minArea, margin float64) image.Rectangle {
	m := maskMat(fg, w, h)
	defer m.Close()
	labels, stats, centroids := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer labels.Close()
	defer stats.Close()
	defer centroids.Close()
	n := gocv.ConnectedComponentsWithStats(m, &labels, &stats, &centroids)
	var win image.Rectangle
	for l := 1; l < n; l++ {
		x, y := int(stats.GetIntAt(l, 0)), int(stats.GetIntAt(l, 1))
		bw, bh, a := int(stats.GetIntAt(l, 2)), int(stats.GetIntAt(l, 3)), float64(stats.GetIntAt(l, 4))
		if a < minArea || a < windowFill*float64(bw*bh) {
			continue
		}
		win = win.Union(image.Rect(x, y, x+bw, y+bh))
	}
	if win.Empty() {
		return image.Rect(0, 0, w, h)
	}
	k := int(math.Ceil(margin))
	return image.Rect(win.Min.X-k, win.Min.Y-k, win.Max.X+k, win.Max.Y+k).Intersect(image.Rect(0, 0, w, h))
}
