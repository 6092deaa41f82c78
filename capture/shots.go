package capture

import (
	"context"

	"wallscan"
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
// against one earlier shot at a time, oldest first, so that memory holds
// two decoded shots, not all of them; a note of the new photo is claimed
// by the first shot it is found on, as MatchShots does for a whole set.
// The price is that the new photo's features are computed once per
// earlier shot.
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
	claimed := make([]bool, len(shot.Segmentation.Notes))
	var out []wallscan.DuplicateNote
	for i, e := range earlier {
		if len(e.Segmentation.Notes) == 0 {
			continue
		}
		dups, err := MatchShots(ctx, []WallShot{
			{Photo: e.Photo, Seg: e.Segmentation},
			{Photo: shot.Photo, Seg: shot.Segmentation},
		})
		if err != nil {
			return nil, err
		}
		for _, d := range dups {
			// With two shots every duplicate is of the new one onto the
			// earlier one; each earlier note is paired at most once.
			if d.Shot != 1 || d.OfShot != 0 || claimed[d.Note] {
				continue
			}
			claimed[d.Note] = true
			out = append(out, wallscan.DuplicateNote{Note: d.Note, OfShot: i, OfNote: d.OfNote})
		}
	}
	return out, nil
}
