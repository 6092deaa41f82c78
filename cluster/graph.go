package cluster

import (
	"context"
	"sort"
)

// edge is a weighted link of the similarity graph.
type edge struct {
	to int32
	w  float64
}

// graph is a weighted undirected graph in adjacency lists, each list
// sorted by neighbour.
type graph struct {
	adj  [][]edge
	self []float64 // weight of each node's loop (its inner cohesion)
}

// knnGraph links every vector to its k most similar others with a cosine of
// at least minSim. Candidates come from an inverted index, so the cost
// follows the shared features rather than the square of the count.
// The graph is symmetric: an edge kept by either end is kept.
func knnGraph(ctx context.Context, vs []vec, k int, minSim float64) (*graph, error) {
	n := len(vs)
	type post struct {
		j int32
		w float32
	}
	posting := map[int32][]post{}
	for i, v := range vs {
		for _, f := range v {
			posting[f.id] = append(posting[f.id], post{int32(i), f.w})
		}
	}
	acc := make([]float64, n)
	var touched []int32
	type cand struct {
		j int32
		s float64
	}
	better := func(a, b cand) bool { return a.s > b.s || (a.s == b.s && a.j < b.j) }
	links := make([]map[int32]float64, n)
	for i := range links {
		links[i] = map[int32]float64{}
	}
	top := make([]cand, 0, k+1)
	for i, v := range vs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		touched = touched[:0]
		for _, f := range v {
			for _, p := range posting[f.id] {
				if int(p.j) == i {
					continue
				}
				if acc[p.j] == 0 {
					touched = append(touched, p.j)
				}
				acc[p.j] += float64(f.w) * float64(p.w)
			}
		}
		// Keep the k best by insertion: k is small.
		top = top[:0]
		for _, j := range touched {
			c := cand{j, acc[j]}
			acc[j] = 0
			if c.s < minSim || (len(top) == k && !better(c, top[k-1])) {
				continue
			}
			pos := len(top)
			if pos < k {
				top = append(top, c)
			} else {
				pos = k - 1
			}
			for pos > 0 && better(c, top[pos-1]) {
				top[pos] = top[pos-1]
				pos--
			}
			top[pos] = c
		}
		for _, c := range top {
			links[i][c.j] = c.s
			links[c.j][int32(i)] = c.s
		}
	}
	return &graph{adj: adjacency(links), self: make([]float64, n)}, nil
}

// adjacency turns each node's links (neighbour to weight) into its edges,
// in order of neighbour, so that walks over the graph are deterministic.
func adjacency(links []map[int32]float64) [][]edge {
	adj := make([][]edge, len(links))
	for i, l := range links {
		es := make([]edge, 0, len(l))
		for j, w := range l {
			es = append(es, edge{j, w})
		}
		sort.Slice(es, func(a, b int) bool { return es[a].to < es[b].to })
		adj[i] = es
	}
	return adj
}

// louvain partitions g by the Louvain method (Blondel et al. 2008): move
// nodes between communities while modularity grows, fold communities into
// nodes, repeat. resolution above 1 gives more, smaller communities. The
// result maps every node to a community numbered from 0 in order of the
// community's first node; the same graph always gives the same result.
func louvain(ctx context.Context, g *graph, resolution float64) ([]int, error) {
	n := len(g.adj)
	member := make([]int, n)
	for i := range member {
		member[i] = i
	}
	cur := g
	for level := 0; level < 20; level++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		comm, moved := louvainLevel(cur, resolution)
		if !moved {
			break
		}
		comm, count := renumber(comm)
		for i := range member {
			member[i] = comm[member[i]]
		}
		cur = fold(cur, comm, count)
	}
	member, _ = renumber(member)
	return member, nil
}

// louvainLevel runs the local moving phase once to convergence.
func louvainLevel(g *graph, res float64) ([]int, bool) {
	n := len(g.adj)
	deg := make([]float64, n)
	var m2 float64
	for i, es := range g.adj {
		d := 2 * g.self[i]
		for _, e := range es {
			d += e.w
		}
		deg[i] = d
		m2 += d
	}
	comm := make([]int, n)
	tot := make([]float64, n)
	for i := range comm {
		comm[i] = i
		tot[i] = deg[i]
	}
	if m2 == 0 {
		return comm, false
	}
	linkTo := make([]float64, n)
	var touched []int
	moved := false
	for pass := 0; pass < 50; pass++ {
		changes := 0
		for i := 0; i < n; i++ {
			ci := comm[i]
			touched = touched[:0]
			for _, e := range g.adj[i] {
				c := comm[e.to]
				if linkTo[c] == 0 {
					touched = append(touched, c)
				}
				linkTo[c] += e.w
			}
			tot[ci] -= deg[i]
			best, bestGain := ci, linkTo[ci]-res*tot[ci]*deg[i]/m2
			sort.Ints(touched)
			for _, c := range touched {
				gain := linkTo[c] - res*tot[c]*deg[i]/m2
				if gain > bestGain+1e-12 {
					best, bestGain = c, gain
				}
			}
			for _, c := range touched {
				linkTo[c] = 0
			}
			linkTo[ci] = 0
			tot[best] += deg[i]
			if best != ci {
				comm[i] = best
				changes++
				moved = true
			}
		}
		if changes == 0 {
			break
		}
	}
	return comm, moved
}

// renumber maps community ids to 0..count-1 in order of first appearance.
func renumber(comm []int) ([]int, int) {
	ids := map[int]int{}
	out := make([]int, len(comm))
	for i, c := range comm {
		id, ok := ids[c]
		if !ok {
			id = len(ids)
			ids[c] = id
		}
		out[i] = id
	}
	return out, len(ids)
}

// fold returns the graph whose nodes are the communities of g.
func fold(g *graph, comm []int, count int) *graph {
	links := make([]map[int32]float64, count)
	for i := range links {
		links[i] = map[int32]float64{}
	}
	self := make([]float64, count)
	for i, es := range g.adj {
		ci := comm[i]
		self[ci] += g.self[i]
		for _, e := range es {
			cj := comm[e.to]
			if cj == ci {
				self[ci] += e.w / 2 // each inner edge is seen from both ends
			} else {
				links[ci][int32(cj)] += e.w
			}
		}
	}
	return &graph{adj: adjacency(links), self: self}
}
