package capture

import (
	"context"
	"encoding/binary"
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"

	"wallscan"
)

// Shot matching constants.
const (
	// MatchSide is the longest side of the images shots are matched on.
	MatchSide = 1200
	// matchFeatures is the number of ORB features per shot.
	matchFeatures = 5000
	// matchRatio is Lowe's ratio test for a good feature match.
	matchRatio = 0.75
	// minInliers is the least number of feature matches a homography
	// must explain for two shots to be taken as views of one wall.
	minInliers = 25
	// sameNoteIoU is the least overlap of a note mapped from one shot with
	// a note of the other for both to be one physical note.
	sameNoteIoU = 0.4
)

// WallShot is one photo of a wall and what Segment found on it.
type WallShot struct {
	Photo []byte
	Seg   *wallscan.Segmentation
}

// Duplicate says that note Note of shot Shot is the same physical note as
// note OfNote of the earlier shot OfShot (indexes into MatchShots' shots
// and their Seg.Notes).
type Duplicate struct {
	Shot, Note     int
	OfShot, OfNote int
	IoU            float64 // overlap of the mapped outline with the original
}

// MatchShots finds notes that appear in more than one of several
// overlapping photos of the same wall. It matches ORB features between
// every pair of shots, fits a homography with RANSAC, maps each note of the
// later shot into the earlier one, and pairs it with the note it covers.
// Shots that do not overlap give no duplicates. Every note is reported at
// most once, against its earliest appearance; dropping the notes named in
// Shot/Note leaves each physical note once.
func MatchShots(ctx context.Context, shots []WallShot) ([]Duplicate, error) {
	type view struct {
		kps   []gocv.KeyPoint
		desc  gocv.Mat
		scale float64 // photo pixels per view pixel
	}
	views := make([]view, len(shots))
	defer func() {
		for _, v := range views {
			v.desc.Close()
		}
	}()
	orb := gocv.NewORBWithParams(matchFeatures, 1.2, 8, 31, 0, 2, gocv.ORBScoreTypeHarris, 31, 20)
	defer orb.Close()
	for i, s := range shots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.Seg == nil {
			return nil, wallscan.Errorf(wallscan.EINVALID, "Shot %d has no segmentation.", i+1)
		}
		grey, err := decodeGrey(s.Photo, MatchSide)
		if err != nil {
			return nil, err
		}
		mask := gocv.NewMat()
		kps, desc := orb.DetectAndCompute(grey, mask)
		mask.Close()
		views[i] = view{kps: kps, desc: desc, scale: float64(s.Seg.Width) / float64(grey.Cols())}
		grey.Close()
	}
	bf := gocv.NewBFMatcherWithParams(gocv.NormHamming, false)
	defer bf.Close()

	dupOf := map[[2]int]bool{} // notes already reported
	var out []Duplicate
	for j := 1; j < len(shots); j++ {
		for i := 0; i < j; i++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			vi, vj := views[i], views[j]
			if vi.desc.Empty() || vj.desc.Empty() {
				continue
			}
			H, ok := matchPair(bf, vj.kps, vj.desc, vi.kps, vi.desc)
			if !ok {
				continue
			}
			// H maps view j pixels to view i pixels; notes are in photo
			// pixels of each shot.
			toI := func(p image.Point) pt {
				x, y := float64(p.X)/vj.scale, float64(p.Y)/vj.scale
				w := H[6]*x + H[7]*y + H[8]
				return pt{(H[0]*x + H[1]*y + H[2]) / w * vi.scale, (H[3]*x + H[4]*y + H[5]) / w * vi.scale}
			}
			type pair struct {
				a, b int
				iou  float64
			}
			var ps []pair
			for b, nb := range shots[j].Seg.Notes {
				var mq quad
				for k, p := range nb.Polygon {
					mq[k] = toI(p)
				}
				if !mq.convex() {
					continue
				}
				for a, na := range shots[i].Seg.Notes {
					if v := quadIoU(fromWallQuad(na.Polygon), mq); v >= sameNoteIoU {
						ps = append(ps, pair{a, b, v})
					}
				}
			}
			sort.Slice(ps, func(x, y int) bool { return ps[x].iou > ps[y].iou })
			usedA := map[int]bool{}
			for _, p := range ps {
				if usedA[p.a] || dupOf[[2]int{j, p.b}] {
					continue
				}
				usedA[p.a] = true
				dupOf[[2]int{j, p.b}] = true
				// Point at the earliest appearance of the note.
				oi, on := i, p.a
				for _, d := range out {
					if d.Shot == i && d.Note == p.a {
						oi, on = d.OfShot, d.OfNote
					}
				}
				out = append(out, Duplicate{Shot: j, Note: p.b, OfShot: oi, OfNote: on, IoU: p.iou})
			}
		}
	}
	return out, nil
}

// matchPair matches descriptors of a query view against a train view and
// fits a homography from query to train pixels.
func matchPair(bf gocv.BFMatcher, qk []gocv.KeyPoint, qd gocv.Mat, tk []gocv.KeyPoint, td gocv.Mat) ([9]float64, bool) {
	var H [9]float64
	ms := bf.KnnMatch(qd, td, 2)
	var src, dst []float64
	for _, m := range ms {
		if len(m) < 2 || m[0].Distance >= matchRatio*m[1].Distance {
			continue
		}
		q, t := qk[m[0].QueryIdx], tk[m[0].TrainIdx]
		src = append(src, q.X, q.Y)
		dst = append(dst, t.X, t.Y)
	}
	n := len(src) / 2
	if n < minInliers {
		return H, false
	}
	sm, _ := gocv.NewMatFromBytes(n, 1, gocv.MatTypeCV64FC2, float64Bytes(src))
	defer sm.Close()
	dm, _ := gocv.NewMatFromBytes(n, 1, gocv.MatTypeCV64FC2, float64Bytes(dst))
	defer dm.Close()
	inl := gocv.NewMat()
	defer inl.Close()
	hm := gocv.FindHomography(sm, &dm, gocv.HomograpyMethodRANSAC, 4, &inl, 2000, 0.995)
	defer hm.Close()
	if hm.Empty() || gocv.CountNonZero(inl) < minInliers {
		return H, false
	}
	for r := range 3 {
		for c := range 3 {
			H[3*r+c] = hm.GetDoubleAt(r, c)
		}
	}
	// A wall seen twice is not mirrored or squashed to a line.
	if det := H[0]*H[4] - H[1]*H[3]; det <= 0.05 || math.IsNaN(det) {
		return H, false
	}
	return H, true
}

func float64Bytes(v []float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

func fromWallQuad(q wallscan.Quad) quad {
	var r quad
	for i, p := range q {
		r[i] = pt{float64(p.X), float64(p.Y)}
	}
	return r
}

// decodeGrey decodes a photo to greyscale as displayed, reduced so its
// longer side is at most maxSide (libjpeg scales while decoding).
func decodeGrey(data []byte, maxSide int) (gocv.Mat, error) {
	info, err := wallscan.CheckPhoto(data)
	if err != nil {
		return gocv.Mat{}, err
	}
	flag := gocv.IMReadGrayScale
	long := max(info.Width, info.Height)
	switch {
	case info.Format == "jpeg" && long >= 8*maxSide:
		flag = gocv.IMReadReducedGrayscale8
	case info.Format == "jpeg" && long >= 4*maxSide:
		flag = gocv.IMReadReducedGrayscale4
	case info.Format == "jpeg" && long >= 2*maxSide:
		flag = gocv.IMReadReducedGrayscale2
	}
	m, err := gocv.IMDecode(data, flag|gocv.IMReadIgnoreOrientation)
	if err != nil || m.Empty() {
		m.Close()
		return gocv.Mat{}, wallscan.Errorf(wallscan.EINVALID, "The photo cannot be decoded. Send the photo again.")
	}
	if info.Format == "jpeg" {
		m = orientMat(m, wallscan.JPEGOrientation(data))
	}
	if l := max(m.Cols(), m.Rows()); l > maxSide {
		k := float64(maxSide) / float64(l)
		r := gocv.NewMat()
		gocv.Resize(m, &r, image.Pt(int(float64(m.Cols())*k), int(float64(m.Rows())*k)), 0, 0, gocv.InterpolationArea)
		m.Close()
		m = r
	}
	return m, nil
}
