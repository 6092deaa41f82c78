// Package shotfake holds the stand-in for capture's shot matcher that the
// Processor's tests share: their fake segmenters put note i of every photo
// at the same place, so a note is the same note as an earlier one exactly
// when its outline is the same.
package shotfake

import "wallscan"

// SamePlace pairs each note of shot with the note of the same outline in
// the LATEST earlier shot that has one, which may hold a duplicate itself:
// the Processor must follow that to the first appearance.
func SamePlace(shot wallscan.Shot, earlier []wallscan.Shot) []wallscan.DuplicateNote {
	var out []wallscan.DuplicateNote
	for i, n := range shot.Segmentation.Notes {
	shots:
		for s := len(earlier) - 1; s >= 0; s-- {
			for j, o := range earlier[s].Segmentation.Notes {
				if o.Polygon == n.Polygon {
					out = append(out, wallscan.DuplicateNote{Note: i, OfShot: s, OfNote: j})
					break shots
				}
			}
		}
	}
	return out
}
