package capture

import (
	"context"
	"math/cmplx"
	"runtime"
	"sync"

	"wallscan"
)

// Checks a shot pair's duplicates must pass before they are believed.
const (
	// maxColourMismatch is the largest share of paired notes whose named
	// colours differ that a true overlap shows (colour is named right
	// for about 98% of notes, so a pair of shots of one wall rarely
	// disagrees; two walls matched by mistake pair notes at random).
	maxColourMismatch = 0.2
	// minPairedInOverlap is the share of the new photo's notes that,
	// mapped into the earlier photo, land well inside it, which must be
	// exceeded by those paired there: if the two photos show one wall,
	// the notes in their overlap are on both.
	minPairedInOverlap = 0.5
	// trustedPairs is the number of colour-consistent pairs from which a
	// shot pair is believed without the overlap check: that many notes
	// lining up by chance, each in its colour, does not happen, while
	// under strong perspective the check, which fits only a similarity,
	// can miss a true overlap.
	trustedPairs = 3
	// overlapMargin is the share of the earlier photo's width and height
	// left out at each edge when deciding that a note lands inside it;
	// the mapping is a similarity fitted to the pairs, rough near edges.
	overlapMargin = 0.1
)

// ShotMatcher implements wallscan.ShotMatcher with MatchShots: ORB
// features and a RANSAC homography map the new photo's notes onto each
// earlier photo in turn. It has no state; the zero value is ready.
type ShotMatcher struct{}

// NewShotMatcher returns the matcher the pipeline uses to find notes that
// an earlier photo of the same wall already holds.
func NewShotMatcher() ShotMatcher { return ShotMatcher{} }

var _ wallscan.ShotMatcher = ShotMatcher{}

// MatchShot implements wallscan.ShotMatcher. The new photo is matched
// against each earlier shot on its own (MatchShots of the two), on as
// many goroutines as there are cores, since one match uses one core; a
// note of the new photo is claimed by the oldest shot it is found on, as
// MatchShots does for a whole set. The price of matching in pairs is that
// the new photo's features are computed once per earlier shot.
//
// A wrong pairing removes a finding from the report, which is worse than
// counting a note twice, so the pairs of one shot pair are believed only
// if they look like one wall (see plausibleOverlap), and a pair of notes
// of different named colours is never a duplicate.
func (ShotMatcher) MatchShot(ctx context.Context, shot wallscan.Shot, earlier []wallscan.Shot) ([]wallscan.DuplicateNote, error) {
	if shot.Segmentation == nil {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The photo to match has no segmentation.")
	}
	for i, e := range earlier {
		if e.Segmentation == nil {
			return nil, wallscan.Errorf(wallscan.EINVALID, "Earlier shot %d has no segmentation.", i+1)
		}
	}
	if len(shot.Segmentation.Notes) == 0 {
		return nil, nil
	}
	matched := make([][]Duplicate, len(earlier))
	errs := make([]error, len(earlier))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(earlier)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				matched[i], errs[i] = matchPairOfShots(ctx, shot, earlier[i])
			}
		}()
	}
	for i := range earlier {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the oldest shot's, whatever finished first
		}
	}
	claimed := make([]bool, len(shot.Segmentation.Notes))
	var out []wallscan.DuplicateNote
	for i, e := range earlier {
		for _, d := range matched[i] {
			if claimed[d.Note] || shot.Segmentation.Notes[d.Note].Color != e.Segmentation.Notes[d.OfNote].Color {
				continue
			}
			claimed[d.Note] = true
			out = append(out, wallscan.DuplicateNote{Note: d.Note, OfShot: i, OfNote: d.OfNote})
		}
	}
	return out, nil
}

// matchPairOfShots returns the pairs of notes MatchShots finds between a
// new photo and one earlier shot, if they look like one wall.
func matchPairOfShots(ctx context.Context, shot, e wallscan.Shot) ([]Duplicate, error) {
	if len(e.Segmentation.Notes) == 0 {
		return nil, nil
	}
	dups, err := MatchShots(ctx, []WallShot{
		{Photo: e.Photo, Seg: e.Segmentation},
		{Photo: shot.Photo, Seg: shot.Segmentation},
	})
	if err != nil {
		return nil, err
	}
	// With two shots every duplicate is of the new one (1) onto the
	// earlier one (0), and each note is paired at most once.
	var pairs []Duplicate
	for _, d := range dups {
		if d.Shot == 1 && d.OfShot == 0 {
			pairs = append(pairs, d)
		}
	}
	if !plausibleOverlap(shot.Segmentation, e.Segmentation, pairs) {
		return nil, nil
	}
	return pairs, nil
}

// plausibleOverlap reports whether the note pairs MatchShots found between
// a new photo and an earlier one look like two views of one wall. Two
// different walls that carry the same printed sentence give a homography
// from one note's text to the other's, and then pair whatever notes
// happen to line up. Such pairs disagree in colour, and, when there are
// only one or two of them, most notes that the mapping carries into the
// earlier photo find no partner there.
func plausibleOverlap(shot, earlier *wallscan.Segmentation, pairs []Duplicate) bool {
	if len(pairs) == 0 {
		return false
	}
	mismatch := 0
	for _, d := range pairs {
		if shot.Notes[d.Note].Color != earlier.Notes[d.OfNote].Color {
			mismatch++
		}
	}
	if float64(mismatch) > maxColourMismatch*float64(len(pairs)) {
		return false
	}
	if len(pairs)-mismatch >= trustedPairs {
		return true
	}
	// Fit a similarity (scale, rotation, shift) to the paired corners and
	// carry every note of the new photo into the earlier one.
	var src, dst []complex128
	for _, d := range pairs {
		for k := range 4 {
			p, q := shot.Notes[d.Note].Polygon[k], earlier.Notes[d.OfNote].Polygon[k]
			src = append(src, complex(float64(p.X), float64(p.Y)))
			dst = append(dst, complex(float64(q.X), float64(q.Y)))
		}
	}
	a, b := fitSimilarity(src, dst)
	paired := make(map[int]bool, len(pairs))
	for _, d := range pairs {
		paired[d.Note] = true
	}
	w, h := float64(earlier.Width), float64(earlier.Height)
	inside, found := 0, 0
	for i, n := range shot.Notes {
		x, y := n.Polygon.Center()
		m := a*complex(x, y) + b
		if real(m) < overlapMargin*w || real(m) > (1-overlapMargin)*w || imag(m) < overlapMargin*h || imag(m) > (1-overlapMargin)*h {
			continue
		}
		inside++
		if paired[i] {
			found++
		}
	}
	return float64(found) > minPairedInOverlap*float64(inside)
}

// fitSimilarity returns a, b minimising the squared distance of a*src+b
// to dst: the least-squares similarity between two point sets, as complex
// numbers.
func fitSimilarity(src, dst []complex128) (a, b complex128) {
	var ms, md complex128
	for i := range src {
		ms += src[i]
		md += dst[i]
	}
	n := complex(float64(len(src)), 0)
	ms, md = ms/n, md/n
	var num complex128
	var den float64
	for i := range src {
		s, d := src[i]-ms, dst[i]-md
		num += cmplx.Conj(s) * d
		den += real(s)*real(s) + imag(s)*imag(s)
	}
	if den == 0 {
		return 1, md - ms
	}
	a = num / complex(den, 0)
	return a, md - a*ms
}
