package bench

import (
	"math"
	"math/rand/v2"
	"strings"
	"unicode"

	"wallscan/synth"
)

// tokens returns the lowercased words of s without stop words.
func tokens(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len([]rune(w)) > 1 && !synth.StopWord(w) {
			out = append(out, w)
		}
	}
	return out
}

// TFIDFKMeans is the clustering peer: each text becomes an L2-normalised
// TF-IDF vector (smoothed idf, as scikit-learn's default), and k-means with
// k-means++ seeding groups them into k clusters; of restarts runs the one
// with the least inertia wins. The same seed gives the same labels.
func TFIDFKMeans(texts []string, k int, seed uint64) []int {
	n := len(texts)
	if n == 0 {
		return nil
	}
	k = max(1, min(k, n))
	vocab := map[string]int{}
	docs := make([]map[int]float64, n)
	df := map[int]int{}
	for i, t := range texts {
		docs[i] = map[int]float64{}
		for _, w := range tokens(t) {
			id, ok := vocab[w]
			if !ok {
				id = len(vocab)
				vocab[w] = id
			}
			if docs[i][id] == 0 {
				df[id]++
			}
			docs[i][id]++
		}
	}
	dim := len(vocab)
	x := make([][]float64, n)
	for i, d := range docs {
		v := make([]float64, dim)
		for id, tf := range d {
			v[id] = tf * (math.Log(float64(1+n)/float64(1+df[id])) + 1)
		}
		// Summed in index order, not map order: the same texts give the
		// same vectors to the last bit, and so the same labels.
		var norm float64
		for _, w := range v {
			norm += w * w
		}
		if norm > 0 {
			norm = math.Sqrt(norm)
			for j := range v {
				v[j] /= norm
			}
		}
		x[i] = v
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b6d65616e73))
	const restarts = 10
	var best []int
	bestInertia := math.Inf(1)
	for range restarts {
		labels, inertia := kmeans(x, k, rng)
		if inertia < bestInertia-1e-12 {
			best, bestInertia = labels, inertia
		}
	}
	return best
}

func sqDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// kmeans runs Lloyd's algorithm from a k-means++ start.
func kmeans(x [][]float64, k int, rng *rand.Rand) ([]int, float64) {
	n, dim := len(x), len(x[0])
	centres := make([][]float64, 0, k)
	centres = append(centres, append([]float64(nil), x[rng.IntN(n)]...))
	d2 := make([]float64, n)
	for len(centres) < k {
		var sum float64
		for i := range x {
			d2[i] = math.Inf(1)
			for _, c := range centres {
				d2[i] = min(d2[i], sqDist(x[i], c))
			}
			sum += d2[i]
		}
		pick := rng.IntN(n)
		if sum > 0 {
			r := rng.Float64() * sum
			for i, d := range d2 {
				r -= d
				if r <= 0 {
					pick = i
					break
				}
			}
		}
		centres = append(centres, append([]float64(nil), x[pick]...))
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = -1
	}
	var inertia float64
	for iter := 0; iter < 100; iter++ {
		changed := false
		inertia = 0
		for i := range x {
			bi, bd := 0, math.Inf(1)
			for c := range centres {
				if d := sqDist(x[i], centres[c]); d < bd {
					bi, bd = c, d
				}
			}
			inertia += bd
			if labels[i] != bi {
				labels[i], changed = bi, true
			}
		}
		if !changed {
			break
		}
		counts := make([]int, k)
		for c := range centres {
			for j := range centres[c] {
				centres[c][j] = 0
			}
		}
		for i, l := range labels {
			counts[l]++
			for j := 0; j < dim; j++ {
				centres[l][j] += x[i][j]
			}
		}
		for c := range centres {
			if counts[c] == 0 {
				// An empty cluster takes a random point.
				copy(centres[c], x[rng.IntN(n)])
				continue
			}
			for j := range centres[c] {
				centres[c][j] /= float64(counts[c])
			}
		}
	}
	return labels, inertia
}
