package bench

import (
	"context"
	"fmt"
	"sort"
	"time"

	"wallscan"
)

// ShotMatcher finds the notes that appear in more than one of several
// overlapping photos of one wall. It gets each shot's photo and
// segmentation, in shot order, and returns the notes to drop as
// [shot, note] indexes, so that each physical note is kept once.
type ShotMatcher func(ctx context.Context, photos [][]byte, segs []*wallscan.Segmentation) ([][2]int, error)

// ShotFigures measure the same physical note found in several overlapping
// photos of one wall (sets generated with --shots 2 or 3).
type ShotFigures struct {
	Walls    int `json:"walls"`    // walls photographed more than once
	Physical int `json:"physical"` // distinct physical notes found
	// DuplicatesRaw is the share of extra copies among the notes found,
	// before the matcher: (found - physical) / physical.
	DuplicatesRaw float64 `json:"duplicates_raw"`
	// Duplicates is the same after the matcher's drops.
	Duplicates float64 `json:"duplicates"`
	// Lost counts physical notes the matcher dropped in every shot.
	Lost    int     `json:"lost"`
	MatchMs float64 `json:"match_ms"` // per wall
}

// scoreShots groups the photos of each wall (same level and seed) and
// counts copies of each physical note before and after the matcher.
func scoreShots(ctx context.Context, set Set, results []*photoResult, match ShotMatcher) (*ShotFigures, error) {
	walls := map[string][]int{}
	var keys []string
	for i, pr := range results {
		k := fmt.Sprintf("%s/%d", pr.truth.Level, pr.truth.Seed)
		if _, ok := walls[k]; !ok {
			keys = append(keys, k)
		}
		walls[k] = append(walls[k], i)
	}
	f := &ShotFigures{}
	var found, kept, physical int
	var matchTime time.Duration
	for _, k := range keys {
		idx := walls[k]
		if len(idx) < 2 {
			continue
		}
		sort.Slice(idx, func(a, b int) bool { return results[idx[a]].truth.Shot < results[idx[b]].truth.Shot })
		f.Walls++
		dropped := map[[2]int]bool{}
		if match != nil {
			var photos [][]byte
			var segs []*wallscan.Segmentation
			ok := true
			for _, i := range idx {
				s, err := set.Sample(i)
				if err != nil {
					return nil, err
				}
				if results[i].scanned == nil {
					ok = false
					break
				}
				photos = append(photos, s.Photo)
				segs = append(segs, results[i].scanned.Segmentation)
			}
			if ok {
				t0 := time.Now()
				drops, err := match(ctx, photos, segs)
				matchTime += time.Since(t0)
				if err != nil {
					return nil, fmt.Errorf("bench: match the shots of %s: %w", k, err)
				}
				for _, d := range drops {
					dropped[d] = true
				}
			}
		}
		// Copies of each physical note (truth ID), before and after.
		before, after := map[int]int{}, map[int]int{}
		for shot, i := range idx {
			pr := results[i]
			for _, m := range pr.matches {
				tn := pr.truth.Notes[m.Truth]
				if !Counted(tn) {
					continue
				}
				before[tn.ID]++
				if !dropped[[2]int{shot, m.Pred}] {
					after[tn.ID]++
				}
			}
		}
		for id, n := range before {
			found += n
			physical++
			kept += after[id]
			if after[id] == 0 {
				f.Lost++
			}
		}
	}
	if f.Walls == 0 {
		return nil, nil
	}
	f.Physical = physical
	if physical > 0 {
		f.DuplicatesRaw = float64(found-physical) / float64(physical)
		f.Duplicates = float64(kept-(physical-f.Lost)) / float64(physical)
	}
	f.MatchMs = ms(matchTime) / float64(f.Walls)
	return f, nil
}
