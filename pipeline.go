package wallscan

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
)

// Pipeline joins the three steps that turn a photo into grouped notes. The
// command line (`wallscan scan`, `wallscan bench`) and the server's jobs
// both run it, so what is measured on one holds for the other.
type Pipeline struct {
	Segmenter Segmenter
	Reader    Reader  // nil: notes are found but not read
	Grouper   Grouper // nil: notes are not grouped
	// Workers is how many notes are read at once; 0 means one per core.
	Workers int
}

// ScannedPhoto is the outcome of one photo through the pipeline.
type ScannedPhoto struct {
	Name         string
	Segmentation *Segmentation
	Readings     []Reading // one per Segmentation.Notes, when a Reader is set
}

// NoteKey names note i (0-based) of the photo called name, as the command
// line does: "wall-a.jpg#1".
func NoteKey(name string, i int) string { return fmt.Sprintf("%s#%d", name, i+1) }

// Scan segments one photo and reads its notes. onRead, if not nil, is
// called as each note is read (from several goroutines, one call at a
// time), so a caller can show texts as they come.
func (p *Pipeline) Scan(ctx context.Context, name string, photo []byte, onRead func(i int, r Reading)) (*ScannedPhoto, error) {
	seg, err := p.Segmenter.Segment(ctx, photo)
	if err != nil {
		return nil, err
	}
	out := &ScannedPhoto{Name: name, Segmentation: seg}
	if p.Reader == nil {
		return out, nil
	}
	out.Readings = make([]Reading, len(seg.Notes))
	var mu sync.Mutex
	err = p.readEach(ctx, len(seg.Notes), func(ctx context.Context, i int) error {
		r, err := p.Reader.Read(ctx, seg.Notes[i].Crop)
		if err != nil {
			return fmt.Errorf("read note %d: %w", i+1, err)
		}
		out.Readings[i] = r
		if onRead != nil {
			mu.Lock()
			onRead(i, r)
			mu.Unlock()
		}
		return nil
	})
	return out, err
}

// readEach runs fn for 0..n-1 on p.Workers goroutines and returns the first
// error.
func (p *Pipeline) readEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, i); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return ctx.Err()
	}
}

// GroupNotes turns scanned photos into the Grouper's input: every note with
// its text, position and wall neighbours.
func GroupNotes(photos []*ScannedPhoto) []GroupNote {
	var notes []GroupNote
	for _, sp := range photos {
		if sp == nil || sp.Segmentation == nil {
			continue
		}
		for i, n := range sp.Segmentation.Notes {
			gn := GroupNote{
				Key: NoteKey(sp.Name, i), Photo: sp.Name, Color: n.Color,
				X: n.X, Y: n.Y, HasPosition: true,
			}
			if i < len(sp.Readings) {
				gn.Text = sp.Readings[i].Text
			}
			for _, j := range n.Neighbours {
				gn.Neighbours = append(gn.Neighbours, NoteKey(sp.Name, j))
			}
			notes = append(notes, gn)
		}
	}
	return notes
}

// CleanText tidies a note's text for storage: trimmed lines, no runs of
// spaces, at most MaxNoteText bytes, cut at a rune boundary.
func CleanText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var kept []string
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			kept = append(kept, l)
		}
	}
	s = strings.Join(kept, "\n")
	if len(s) > MaxNoteText {
		s = strings.ToValidUTF8(s[:MaxNoteText], "")
	}
	return s
}
