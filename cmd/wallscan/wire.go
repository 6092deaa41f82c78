package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"wallscan"
	"wallscan/bench"
	"wallscan/capture"
	"wallscan/cluster"
	"wallscan/ocr"
)

// pipelineConfig says which steps a command runs.
type pipelineConfig struct {
	Read    bool   // read the notes (Tesseract)
	Group   bool   // group the notes
	Lang    string // Tesseract languages joined by "+"
	Workers int    // notes read at once; 0: one per core
	// NoDedupe leaves the matcher out. With it, each photo is matched
	// with the earlier ones (of the same wall, in the server), so that a
	// note on two overlapping shots counts once.
	NoDedupe bool
}

// newPipeline builds the pipeline from the adapters. The returned function
// releases the Tesseract clients.
func newPipeline(c pipelineConfig) (*wallscan.Pipeline, func(), error) {
	p := &wallscan.Pipeline{Segmenter: capture.NewSegmenter(capture.Options{}), Workers: c.Workers}
	if !c.NoDedupe {
		p.Matcher = capture.NewShotMatcher()
	}
	closeFn := func() {}
	if c.Read {
		r, err := ocr.New(ocr.Options{Languages: strings.Split(c.Lang, "+"), Workers: c.Workers})
		if err != nil {
			return nil, nil, err
		}
		p.Reader, closeFn = r, func() { r.Close() }
	}
	if c.Group {
		p.Grouper = cluster.New(cluster.Options{})
	}
	return p, closeFn, nil
}

// shotDrops turns the pipeline's matcher into bench's: the shots of one
// wall are matched in order, each against the ones before it, as scan and
// the server do, so `wallscan bench --shots` measures the dedupe that
// ships. It returns the duplicates to drop, as [shot, note].
func shotDrops(m wallscan.ShotMatcher) bench.ShotMatcher {
	if m == nil {
		return nil
	}
	return func(ctx context.Context, photos [][]byte, segs []*wallscan.Segmentation) ([][2]int, error) {
		var drops [][2]int
		shots := make([]wallscan.Shot, len(photos))
		for i := range photos {
			shots[i] = wallscan.Shot{Photo: photos[i], Segmentation: segs[i]}
			dups, err := m.MatchShot(ctx, shots[i], shots[:i])
			if err != nil {
				return nil, err
			}
			for _, d := range dups {
				drops = append(drops, [2]int{i, d.Note})
			}
		}
		return drops, nil
	}
}

// writeOverlay writes the photo with its notes outlined and numbered to
// dir/NAME.overlay.jpg; notes already on an earlier photo are grey.
func writeOverlay(dir, name string, photo []byte, sp *wallscan.ScannedPhoto) error {
	path := filepath.Join(dir, strings.TrimSuffix(name, filepath.Ext(name))+".overlay.jpg")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	opts := capture.OverlayOptions{Duplicate: make([]bool, len(sp.Segmentation.Notes))}
	for i := range opts.Duplicate {
		opts.Duplicate[i] = sp.Duplicate(i)
	}
	if err := capture.WriteOverlay(f, "jpeg", photo, sp.Segmentation, opts); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// The server teaches the reader each workshop's words through this interface.
var _ wallscan.VocabularyReader = (*ocr.Reader)(nil)
