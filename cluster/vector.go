package cluster

import (
	"math"
	"sort"
)

// feat is one entry of a sparse vector.
type feat struct {
	id int32
	w  float32
}

// vec is a sparse vector sorted by feature id.
type vec []feat

// dot returns the dot product of a and b.
func dot(a, b vec) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id == b[j].id:
			s += float64(a[i].w) * float64(b[j].w)
			i++
			j++
		case a[i].id < b[j].id:
			i++
		default:
			j++
		}
	}
	return s
}

// norm returns the Euclidean length of v.
func (v vec) norm() float64 {
	var s float64
	for _, f := range v {
		s += float64(f.w) * float64(f.w)
	}
	return math.Sqrt(s)
}

// scaled returns v scaled to length l (unchanged if v is zero).
func (v vec) scaled(l float64) vec {
	n := v.norm()
	if n == 0 {
		return v
	}
	out := make(vec, len(v))
	for i, f := range v {
		out[i] = feat{f.id, float32(float64(f.w) * l / n)}
	}
	return out
}

// vecBuilder accumulates weights by feature id.
type vecBuilder map[int32]float64

func (b vecBuilder) add(id int32, w float64) { b[id] += w }

// vec returns the accumulated vector, sorted by id, without zeros.
func (b vecBuilder) vec() vec {
	out := make(vec, 0, len(b))
	for id, w := range b {
		if w != 0 {
			out = append(out, feat{id, float32(w)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// sumVecs returns the sum of vs, each scaled by its weight.
func sumVecs(vs []vec, ws []float64) vec {
	b := vecBuilder{}
	for i, v := range vs {
		for _, f := range v {
			b.add(f.id, float64(f.w)*ws[i])
		}
	}
	return b.vec()
}

// concat joins vectors whose id ranges do not overlap and are in order.
func concat(parts ...vec) vec {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make(vec, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}
