package wallscan

import (
	"context"
	"strings"
)

// A wall too wide for one photo is photographed in several overlapping
// shots, and every note in an overlap is found on each of them. Counted
// twice, it would weigh twice in its cluster and in the director's report,
// and a facilitator would fix its text twice. So a photo's notes are
// matched against the earlier photos of the same wall, and a note already
// on one of them is kept as a duplicate: shown, but neither read nor
// grouped nor counted.

// MaxMatchedShots is the most earlier photos of one wall a new photo is
// matched against: the latest ones. It bounds the time and memory of the
// match (every shot is decoded) when a wall was photographed many times.
const MaxMatchedShots = 8

// Shot is a photo of a wall that has been segmented: its encoded bytes
// and what was found on it. An earlier shot's Segmentation needs only the
// size and the notes' outlines (a stored photo has no crops any more).
type Shot struct {
	Photo        []byte
	Segmentation *Segmentation
}

// DuplicateNote says that note Note of a new photo (an index into its
// Segmentation.Notes) is the same physical note as note OfNote of the
// earlier shot OfShot (indexes into the earlier shots and their notes).
type DuplicateNote struct {
	Note           int
	OfShot, OfNote int
}

// ShotMatcher finds the notes of a new photo that earlier photos of the
// same wall already hold. Each note of the new photo is reported at most
// once, against the earliest shot it is found on, and no two notes of the
// new photo are reported as one note of an earlier shot. Shots that do not
// overlap give nothing. EINVALID when a shot has no Segmentation; for a
// shot that cannot be decoded, the codes Segmenter gives.
type ShotMatcher interface {
	MatchShot(ctx context.Context, shot Shot, earlier []Shot) ([]DuplicateNote, error)
}

// SameWall reports whether two photos were named as the same wall or
// table: both named, equal but for case and surrounding space. Photos
// without a wall name are never matched, since nothing says they overlap.
func SameWall(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return a != "" && strings.EqualFold(a, b)
}
