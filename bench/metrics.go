// Package bench measures wallscan against ground truth: how many notes the
// segmenter finds and how well it outlines them, how well the reader reads
// them, how well the grouper recovers the themes, and how fast all of it
// runs, next to the peers a user could use instead (Tesseract alone, TF-IDF
// with k-means). It reads the ground truth written by synth (a JSON file
// beside each JPEG) and imports only the root package and the standard
// library, so any Pipeline can be measured.
package bench

import (
	"math"
	"slices"
	"sort"
	"strings"

	"wallscan"
)

// MinIoU is the intersection over union at which a found note counts as
// the true note it overlaps.
const MinIoU = 0.5

// GoodCER is the character error rate up to which a note counts as read.
const GoodCER = 0.3

// pt is a point with float coordinates.
type pt struct{ x, y float64 }

func quadPts(q wallscan.Quad) []pt {
	out := make([]pt, 4)
	for i, p := range q {
		out[i] = pt{float64(p.X), float64(p.Y)}
	}
	return out
}

// polyArea returns the signed area of a polygon (positive when its corners
// run clockwise on screen, y down).
func polyArea(p []pt) float64 {
	var s float64
	for i := range p {
		j := (i + 1) % len(p)
		s += p[i].x*p[j].y - p[j].x*p[i].y
	}
	return s / 2
}

// convex reports whether p is convex (collinear corners allowed).
func convex(p []pt) bool {
	sign := 0.0
	for i := range p {
		a, b, c := p[i], p[(i+1)%len(p)], p[(i+2)%len(p)]
		cr := (b.x-a.x)*(c.y-b.y) - (b.y-a.y)*(c.x-b.x)
		if cr == 0 {
			continue
		}
		if sign == 0 {
			sign = cr
		} else if (cr > 0) != (sign > 0) {
			return false
		}
	}
	return true
}

// clip returns the part of subject inside the convex polygon clip
// (Sutherland-Hodgman). clip must run clockwise (positive polyArea).
func clip(subject, clipPoly []pt) []pt {
	out := subject
	for i := range clipPoly {
		a, b := clipPoly[i], clipPoly[(i+1)%len(clipPoly)]
		inside := func(p pt) bool { return (b.x-a.x)*(p.y-a.y)-(b.y-a.y)*(p.x-a.x) >= 0 }
		cross := func(p, q pt) pt {
			// Intersection of segment p-q with the line a-b.
			d1 := (b.x-a.x)*(p.y-a.y) - (b.y-a.y)*(p.x-a.x)
			d2 := (b.x-a.x)*(q.y-a.y) - (b.y-a.y)*(q.x-a.x)
			t := d1 / (d1 - d2)
			return pt{p.x + t*(q.x-p.x), p.y + t*(q.y-p.y)}
		}
		in := out
		out = nil
		if len(in) == 0 {
			break
		}
		prev := in[len(in)-1]
		for _, cur := range in {
			switch {
			case inside(cur) && inside(prev):
				out = append(out, cur)
			case inside(cur):
				out = append(out, cross(prev, cur), cur)
			case inside(prev):
				out = append(out, cross(prev, cur))
			}
			prev = cur
		}
	}
	return out
}

// Covered returns the share of quad a's area that lies inside quad b.
func Covered(a, b wallscan.Quad) float64 {
	inter, areaA, _ := intersection(a, b)
	if areaA == 0 {
		return 0
	}
	return inter / areaA
}

// PolygonIoU returns the intersection over union of two quadrilaterals.
// Convex quads (every photographed note) are intersected exactly; others
// are compared on a raster.
func PolygonIoU(a, b wallscan.Quad) float64 {
	inter, areaA, areaB := intersection(a, b)
	union := areaA + areaB - inter
	if union <= 0 || inter <= 0 {
		return 0
	}
	return inter / union
}

// intersection returns the area common to a and b and their own areas.
func intersection(a, b wallscan.Quad) (inter, areaA, areaB float64) {
	pa, pb := quadPts(a), quadPts(b)
	areaA, areaB = polyArea(pa), polyArea(pb)
	if areaA < 0 {
		slices.Reverse(pa)
		areaA = -areaA
	}
	if areaB < 0 {
		slices.Reverse(pb)
		areaB = -areaB
	}
	if areaA == 0 || areaB == 0 || !a.Bounds().Overlaps(b.Bounds()) {
		return 0, areaA, areaB
	}
	switch {
	case convex(pb):
		inter = math.Abs(polyArea(clip(pa, pb)))
	case convex(pa):
		inter = math.Abs(polyArea(clip(pb, pa)))
	default:
		// Neither is convex: measure the overlap on a raster.
		iou := rasterIoU(a, b)
		inter = iou * (areaA + areaB) / (1 + iou)
	}
	return inter, areaA, areaB
}

// rasterIoU compares two polygons on a grid of at most 256x256 cells over
// their joint bounding box.
func rasterIoU(a, b wallscan.Quad) float64 {
	r := a.Bounds().Union(b.Bounds())
	step := math.Max(1, float64(max(r.Dx(), r.Dy()))/256)
	pa, pb := quadPts(a), quadPts(b)
	var inter, union int
	for y := float64(r.Min.Y) + step/2; y < float64(r.Max.Y); y += step {
		for x := float64(r.Min.X) + step/2; x < float64(r.Max.X); x += step {
			ia, ib := insidePoly(pa, x, y), insidePoly(pb, x, y)
			if ia && ib {
				inter++
			}
			if ia || ib {
				union++
			}
		}
	}
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// insidePoly is the even-odd point-in-polygon test.
func insidePoly(p []pt, x, y float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		if (p[i].y > y) != (p[j].y > y) && x < (p[j].x-p[i].x)*(y-p[i].y)/(p[j].y-p[i].y)+p[i].x {
			in = !in
		}
	}
	return in
}

// Match pairs a true note with a found one.
type Match struct {
	Truth, Pred int
	IoU         float64
}

// MatchNotes pairs found notes (pred) with true notes one to one, greedily
// by descending IoU, keeping pairs with IoU >= minIoU. The matches come
// back ordered by Truth.
func MatchNotes(truth, pred []wallscan.Quad, minIoU float64) []Match {
	var cand []Match
	for i, t := range truth {
		for j, p := range pred {
			if iou := PolygonIoU(t, p); iou >= minIoU {
				cand = append(cand, Match{i, j, iou})
			}
		}
	}
	sort.SliceStable(cand, func(i, j int) bool { return cand[i].IoU > cand[j].IoU })
	usedT := make([]bool, len(truth))
	usedP := make([]bool, len(pred))
	var out []Match
	for _, c := range cand {
		if usedT[c.Truth] || usedP[c.Pred] {
			continue
		}
		usedT[c.Truth], usedP[c.Pred] = true, true
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Truth < out[j].Truth })
	return out
}

// Counts are the outcome of detection: true positives, false positives and
// false negatives.
type Counts struct {
	TP, FP, FN int
}

// Add adds o to c.
func (c *Counts) Add(o Counts) { c.TP, c.FP, c.FN = c.TP+o.TP, c.FP+o.FP, c.FN+o.FN }

// Precision is TP / (TP + FP); 1 when nothing was found.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN); 1 when there was nothing to find.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// NormalizeSpace joins all runs of white space (line breaks too) into one
// space and trims the ends.
func NormalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// CER is the character error rate of got against the truth: the
// Levenshtein distance over runes divided by the truth's length, after
// white space is normalised. An empty truth gives 0 for an empty reading
// and 1 otherwise.
func CER(truth, got string) float64 {
	t, g := []rune(NormalizeSpace(truth)), []rune(NormalizeSpace(got))
	if len(t) == 0 {
		if len(g) == 0 {
			return 0
		}
		return 1
	}
	return float64(levenshtein(t, g)) / float64(len(t))
}

// WER is the word error rate: the Levenshtein distance over words divided
// by the number of true words.
func WER(truth, got string) float64 {
	t, g := strings.Fields(truth), strings.Fields(got)
	if len(t) == 0 {
		if len(g) == 0 {
			return 0
		}
		return 1
	}
	return float64(levenshtein(t, g)) / float64(len(t))
}

func levenshtein[T comparable](a, b []T) int { return editDistances(a, b, false)[len(b)] }

// editDistances returns the last row of the edit-distance table of a
// against b: entry j is the fewest insertions, deletions and substitutions
// that turn a into b[:j], or, with anyStart, into a part of b that ends
// at j (a match may start anywhere: row 0 is all zeros).
func editDistances[T comparable](a, b []T, anyStart bool) []int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	if !anyStart {
		for j := range prev {
			prev[j] = j
		}
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev
}

// SubstringCER is the character error rate of the best match of truth
// anywhere inside text (approximate substring matching, Sellers'
// algorithm): how well a note's text can be found in the output of a
// reader that read a whole photo at once.
func SubstringCER(truth, text string) float64 {
	t, g := []rune(NormalizeSpace(truth)), []rune(NormalizeSpace(text))
	if len(t) == 0 {
		return 0
	}
	return float64(slices.Min(editDistances(t, g, true))) / float64(len(t))
}

// Labels turns names into small integers in order of first appearance, for
// ARI and NMI.
func Labels(names []string) []int {
	ids := map[string]int{}
	out := make([]int, len(names))
	for i, n := range names {
		id, ok := ids[n]
		if !ok {
			id = len(ids)
			ids[n] = id
		}
		out[i] = id
	}
	return out
}

// contingency counts how often label i of a meets label j of b.
func contingency(a, b []int) (table map[[2]int]int, rows, cols map[int]int) {
	table, rows, cols = map[[2]int]int{}, map[int]int{}, map[int]int{}
	for i := range a {
		table[[2]int{a[i], b[i]}]++
		rows[a[i]]++
		cols[b[i]]++
	}
	return
}

func comb2(n int) float64 { return float64(n) * float64(n-1) / 2 }

// ARI is the adjusted Rand index of two labelings of the same items
// (Hubert and Arabie): 1 for identical partitions, about 0 for chance.
// Two partitions that are both trivial the same way score 1.
func ARI(a, b []int) float64 {
	n := len(a)
	if n != len(b) {
		panic("bench: ARI of labelings of different lengths")
	}
	if n < 2 {
		return 1
	}
	table, rows, cols := contingency(a, b)
	var index, sa, sb float64
	for _, v := range table {
		index += comb2(v)
	}
	for _, v := range rows {
		sa += comb2(v)
	}
	for _, v := range cols {
		sb += comb2(v)
	}
	expected := sa * sb / comb2(n)
	maxIndex := (sa + sb) / 2
	if maxIndex == expected {
		return 1
	}
	return (index - expected) / (maxIndex - expected)
}

// NMI is the normalised mutual information of two labelings, with the
// arithmetic mean of the entropies as the normaliser: 1 for identical
// partitions, 0 for independent ones.
func NMI(a, b []int) float64 {
	n := float64(len(a))
	if len(a) != len(b) {
		panic("bench: NMI of labelings of different lengths")
	}
	if len(a) == 0 {
		return 1
	}
	table, rows, cols := contingency(a, b)
	var mi, ha, hb float64
	for k, v := range table {
		p := float64(v) / n
		mi += p * math.Log(p*n*n/(float64(rows[k[0]])*float64(cols[k[1]])))
	}
	for _, v := range rows {
		p := float64(v) / n
		ha -= p * math.Log(p)
	}
	for _, v := range cols {
		p := float64(v) / n
		hb -= p * math.Log(p)
	}
	if ha == 0 && hb == 0 {
		return 1
	}
	return math.Max(0, mi/((ha+hb)/2))
}

// Mean returns the mean of xs, or 0.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Median returns the median of xs, or 0.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
