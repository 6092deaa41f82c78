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
	f := float64(s.workFactor(W, H))
	reduce := func(f float64) gocv.Mat {
		if f <= 1 {
			return full
		}
		small := gocv.NewMat()
		gocv.Resize(full, &small, image.Pt(int(float64(W)/f), int(float64(H)/f)), 0, 0, gocv.InterpolationArea)
		return small
	}
	small := reduce(f)
	stage("reduce")
	cands, lab, wall := s.detect(small, nil)
	if err := ctx.Err(); err != nil {
		if f > 1 {
			small.Close()
		}
		return nil, err
	}
	// Small notes (a wall photographed from afar) are found better at a
	// finer working scale: look again, once, closer up.
	if side := medianSide(cands); f > 1 && len(cands) >= 3 && side < minWorkNoteSide {
		f2 := math.Max(1, math.Min(fineMaxShare*f, side*f/targetWorkNoteSide))
		small.Close()
		f = f2
		small = reduce(f)
		cands, lab, _ = s.detect(small, wall)
		stage("detect again")
	}
	if f > 1 {
		defer small.Close()
	}
	w, h := small.Cols(), small.Rows()
	seg := &wallscan.Segmentation{Width: W, Height: H}
	sx, sy := float64(W)/float64(w), float64(H)/float64(h)

	cands = readingOrder(cands)
	if len(cands) > wallscan.MaxNotesPerPhoto {
		cands = cands[:wallscan.MaxNotesPerPhoto]
		seg.Quality.Warnings = append(seg.Quality.Warnings, wallscan.WarnManyNotes)
	}
	smallPix, _ := small.DataPtrUint8()
	stats := make([]paperStats, len(cands))
	for i, c := range cands {
		stats[i] = samplePaper(lab, smallPix, w, h, c.q)
		fq := c.q.scale(sx, sy).clamp(float64(W-1), float64(H-1))
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
	s.judgeQuality(seg, small, cands, stats, f)
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
	if !m.IsContinuous() {
		c := m.Clone()
		defer c.Close()
		m = c
	}
	src, err := m.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	d := img.Pix
	for i, j := 0, 0; i+2 < len(src) && j+3 < len(d); i, j = i+3, j+4 {
		d[j], d[j+1], d[j+2], d[j+3] = src[i+2], src[i+1], src[i], 255
	}
	return img, nil
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
