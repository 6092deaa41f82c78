package capture

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"strconv"

	"gocv.io/x/gocv"

	"wallscan"
)

// DefaultOverlaySide is the longest side of an overlay image, in pixels.
const DefaultOverlaySide = 2000

// OverlayOptions say how DrawOverlay draws.
type OverlayOptions struct {
	// MaxSide scales the photo down so its longer side is at most this
	// (0: DefaultOverlaySide; negative: full size).
	MaxSide int
	// Extra outlines to draw in another colour, in photo pixels: for
	// example the ground truth of a generated photo.
	Extra []wallscan.Quad
	// Duplicate marks, per found note, the notes already on an earlier
	// photo of the wall (see wallscan.ShotMatcher): they are drawn in
	// grey, so the overlay shows which notes this photo adds.
	Duplicate []bool
}

// Overlay colours: found notes in magenta (seen on every paper colour),
// duplicates in grey, extra outlines in green.
var (
	overlayNote      = color.RGBA{230, 0, 160, 255}
	overlayDuplicate = color.RGBA{110, 110, 110, 255}
	overlayExtra     = color.RGBA{0, 170, 60, 255}
	overlayLabel     = color.RGBA{255, 255, 255, 255}
)

// DrawOverlay returns the photo, as displayed, with each found note
// outlined and numbered in reading order (1, 2, ...), the way the command
// line and the dashboard name them.
func DrawOverlay(photo []byte, seg *wallscan.Segmentation, opts OverlayOptions) (*image.RGBA, error) {
	m, err := decodePhoto(photo)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return drawOverlayMat(m, seg, opts)
}

func drawOverlayMat(m gocv.Mat, seg *wallscan.Segmentation, opts OverlayOptions) (*image.RGBA, error) {
	if opts.MaxSide == 0 {
		opts.MaxSide = DefaultOverlaySide
	}
	W, H := m.Cols(), m.Rows()
	k := 1.0
	if opts.MaxSide > 0 && max(W, H) > opts.MaxSide {
		k = float64(opts.MaxSide) / float64(max(W, H))
	}
	img := gocv.NewMat()
	defer img.Close()
	if k < 1 {
		gocv.Resize(m, &img, image.Pt(int(float64(W)*k), int(float64(H)*k)), 0, 0, gocv.InterpolationArea)
	} else {
		m.CopyTo(&img)
	}
	thick := max(2, int(math.Round(float64(max(img.Cols(), img.Rows()))/500)))
	scaled := func(q wallscan.Quad) []image.Point {
		ps := make([]image.Point, 4)
		for i, p := range q {
			ps[i] = image.Pt(int(float64(p.X)*k), int(float64(p.Y)*k))
		}
		return ps
	}
	// gocv hands a color.RGBA to OpenCV in the Mat's BGR order itself.
	for _, q := range opts.Extra {
		pv := gocv.NewPointsVectorFromPoints([][]image.Point{scaled(q)})
		gocv.Polylines(&img, pv, true, overlayExtra, thick)
		pv.Close()
	}
	if seg != nil {
		for i, n := range seg.Notes {
			c := overlayNote
			if i < len(opts.Duplicate) && opts.Duplicate[i] {
				c = overlayDuplicate
			}
			ps := scaled(n.Polygon)
			pv := gocv.NewPointsVectorFromPoints([][]image.Point{ps})
			gocv.Polylines(&img, pv, true, c, thick)
			pv.Close()
			// The number on a filled tag at the note's top-left corner.
			label := strconv.Itoa(i + 1)
			scale := float64(thick) * 0.25
			tt := max(1, thick/2)
			sz := gocv.GetTextSize(label, gocv.FontHersheySimplex, scale, tt)
			at := ps[0].Add(image.Pt(thick, thick))
			tag := image.Rect(at.X, at.Y, at.X+sz.X+2*tt, at.Y+sz.Y+2*tt)
			gocv.Rectangle(&img, tag, c, -1)
			gocv.PutText(&img, label, image.Pt(at.X+tt, at.Y+sz.Y+tt), gocv.FontHersheySimplex, scale, overlayLabel, tt)
		}
	}
	return bgrToRGBA(img)
}

// WriteOverlay draws the overlay (see DrawOverlay) and writes it to w as
// "jpeg" or "png".
func WriteOverlay(w io.Writer, format string, photo []byte, seg *wallscan.Segmentation, opts OverlayOptions) error {
	img, err := DrawOverlay(photo, seg, opts)
	if err != nil {
		return err
	}
	switch format {
	case "jpeg", "jpg":
		return jpeg.Encode(w, img, &jpeg.Options{Quality: 85})
	case "png":
		return png.Encode(w, img)
	}
	return wallscan.Errorf(wallscan.EINVALID, "Overlay format %q is not known; use jpeg or png.", format)
}
