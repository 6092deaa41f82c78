package cluster

import (
	"math"
	"sort"
)

// unionFind joins notes into the groups they formed on the wall.
type unionFind []int32

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = int32(i)
	}
	return u
}

func (u unionFind) find(i int32) int32 {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

// union joins the sets of a and b; the smaller index becomes the root, so
// the result does not depend on the order of the calls.
func (u unionFind) union(a, b int32) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		u[rb] = ra
	} else {
		u[ra] = rb
	}
}

// wallNote is the part of a note the wall signal looks at.
type wallNote struct {
	photo      string
	x, y       float64
	hasPos     bool
	neighbours []int32 // indexes of notes it sat next to
}

// gapFactor: two notes of one photo belong to one physical group when they
// are closer than gapFactor times the photo's median nearest-neighbour
// distance. Notes in a group touch or nearly touch; groups are set apart by
// a gap of at least a note's width, which doubles the distance.
const gapFactor = 1.5

// maxBlockShare: a physical group holding more than this share of a photo's
// notes (on a photo of at least minNotesForShare notes) says nothing: the
// notes were stuck up evenly, not grouped. Such a group is dissolved.
const (
	maxBlockShare    = 0.5
	minNotesForShare = 12
)

// wallBlocks returns, per note, the index of the first note of its physical
// group. Neighbours given by the segmenter join notes; on photos without
// them, positions are grouped by their gaps.
func wallBlocks(notes []wallNote) []int32 {
	n := len(notes)
	uf := newUnionFind(n)
	photos := map[string][]int32{}
	for i, nt := range notes {
		photos[nt.photo] = append(photos[nt.photo], int32(i))
	}
	names := make([]string, 0, len(photos))
	for p := range photos {
		names = append(names, p)
	}
	sort.Strings(names)
	local := newUnionFind(n) // reset at each photo's notes after use
	for _, p := range names {
		idx := photos[p]
		hasNeighbours := false
		for _, i := range idx {
			for _, j := range notes[i].neighbours {
				if notes[j].photo == p {
					local.union(i, j)
					hasNeighbours = true
				}
			}
		}
		if !hasNeighbours {
			gapGroups(notes, idx, local)
		}
		// Dissolve groups that cover most of the photo.
		size := map[int32]int{}
		for _, i := range idx {
			size[local.find(i)]++
		}
		for _, i := range idx {
			r := local.find(i)
			if len(idx) >= minNotesForShare && float64(size[r]) > maxBlockShare*float64(len(idx)) {
				continue
			}
			uf.union(i, r)
		}
		for _, i := range idx {
			local[i] = i
		}
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = uf.find(int32(i))
	}
	return out
}

// gapGroups joins the positioned notes of one photo that are closer than
// gapFactor times the median nearest-neighbour distance.
func gapGroups(notes []wallNote, idx []int32, uf unionFind) {
	var pos []int32
	for _, i := range idx {
		if notes[i].hasPos {
			pos = append(pos, i)
		}
	}
	if len(pos) < 3 {
		return
	}
	nn := make([]float64, len(pos))
	for a, i := range pos {
		nn[a] = math.Inf(1)
		for b, j := range pos {
			if a != b {
				nn[a] = min(nn[a], dist(notes[i], notes[j]))
			}
		}
	}
	s := append([]float64(nil), nn...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if med <= 0 {
		return
	}
	limit := gapFactor * med
	for a, i := range pos {
		for b := a + 1; b < len(pos); b++ {
			if dist(notes[i], notes[pos[b]]) <= limit {
				uf.union(i, pos[b])
			}
		}
	}
}

func dist(a, b wallNote) float64 { return math.Hypot(a.x-b.x, a.y-b.y) }
