package wallscan

import (
	"context"
	"fmt"
	"runtime"
	"slices"
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
	// Matcher finds notes that an earlier photo of the same wall already
	// holds; they are kept as duplicates and not read or grouped. nil:
	// every photo stands alone and overlapping shots count notes twice.
	Matcher ShotMatcher
	// Workers is how many notes are read at once; 0 means one per core.
	Workers int
}

// ScannedPhoto is the outcome of one photo through the pipeline.
type ScannedPhoto struct {
	Name         string
	Segmentation *Segmentation
	Readings     []Reading // one per Segmentation.Notes, when a Reader is set
	// Photo holds the encoded photo, so that later photos can be matched
	// against it (see ScanAfter).
	Photo []byte
	// DuplicateOf holds, per note of Segmentation.Notes, the NoteKey of the
	// same physical note on an earlier photo, or "" for a note seen here
	// first. Nil when no note is a duplicate.
	DuplicateOf []string
}

// Duplicate reports whether note i is already on an earlier photo.
func (sp *ScannedPhoto) Duplicate(i int) bool {
	return i < len(sp.DuplicateOf) && sp.DuplicateOf[i] != ""
}

// NoteKey names note i (0-based) of the photo called name, as the command
// line does: "wall-a.jpg#1".
func NoteKey(name string, i int) string { return fmt.Sprintf("%s#%d", name, i+1) }

// Scan segments one photo and reads its notes. onRead, if not nil, is
// called as each note is read (from several goroutines, one call at a
// time), so a caller can show texts as they come.
func (p *Pipeline) Scan(ctx context.Context, name string, photo []byte, onRead func(i int, r Reading)) (*ScannedPhoto, error) {
	return p.ScanAfter(ctx, name, photo, nil, onRead)
}

// ScanAfter is Scan for a photo taken after the earlier ones (in the order
// the photos were given): when a Matcher is set, notes that an earlier
// photo already holds are marked in DuplicateOf and are not read (onRead
// is not called for them). The command line matches all the photos of
// one scan this way, as it cannot know which of them show one wall;
// shots that do not overlap give no duplicates. The latest
// MaxMatchedShots earlier photos are matched.
func (p *Pipeline) ScanAfter(ctx context.Context, name string, photo []byte, earlier []*ScannedPhoto, onRead func(i int, r Reading)) (*ScannedPhoto, error) {
	seg, err := p.Segmenter.Segment(ctx, photo)
	if err != nil {
		return nil, err
	}
	out := &ScannedPhoto{Name: name, Segmentation: seg, Photo: photo}
	if err := p.markDuplicates(ctx, out, earlier); err != nil {
		return nil, err
	}
	if p.Reader == nil {
		return out, nil
	}
	out.Readings = make([]Reading, len(seg.Notes))
	var todo []int
	for i := range seg.Notes {
		if !out.Duplicate(i) {
			todo = append(todo, i)
		}
	}
	var mu sync.Mutex
	err = p.readEach(ctx, len(todo), func(ctx context.Context, k int) error {
		i := todo[k]
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

// markDuplicates sets sp.DuplicateOf from the Matcher, naming each
// duplicate's first appearance.
func (p *Pipeline) markDuplicates(ctx context.Context, sp *ScannedPhoto, earlier []*ScannedPhoto) error {
	var shots []Shot
	var from []*ScannedPhoto
	for _, e := range earlier {
		if e != nil && e.Segmentation != nil && e.Photo != nil && len(e.Segmentation.Notes) > 0 {
			shots = append(shots, Shot{Photo: e.Photo, Segmentation: e.Segmentation})
			from = append(from, e)
		}
	}
	if p.Matcher == nil || len(shots) == 0 || len(sp.Segmentation.Notes) == 0 {
		return nil
	}
	if len(shots) > MaxMatchedShots {
		shots, from = shots[len(shots)-MaxMatchedShots:], from[len(from)-MaxMatchedShots:]
	}
	dups, err := p.Matcher.MatchShot(ctx, Shot{Photo: sp.Photo, Segmentation: sp.Segmentation}, shots)
	if err != nil {
		return fmt.Errorf("match %s with earlier photos: %w", sp.Name, err)
	}
	for _, d := range dups {
		if d.Note < 0 || d.Note >= len(sp.Segmentation.Notes) || d.OfShot < 0 || d.OfShot >= len(from) ||
			d.OfNote < 0 || d.OfNote >= len(from[d.OfShot].Segmentation.Notes) {
			return fmt.Errorf("match %s: the matcher named a note that does not exist: %+v", sp.Name, d)
		}
		if sp.DuplicateOf == nil {
			sp.DuplicateOf = make([]string, len(sp.Segmentation.Notes))
		}
		e := from[d.OfShot]
		key := NoteKey(e.Name, d.OfNote)
		if e.Duplicate(d.OfNote) {
			key = e.DuplicateOf[d.OfNote] // the first appearance
		}
		sp.DuplicateOf[d.Note] = key
	}
	return nil
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
// its text, position and wall neighbours, each physical note once (a
// duplicate is left out; its first appearance stands for it).
func GroupNotes(photos []*ScannedPhoto) []GroupNote {
	var notes []GroupNote
	for _, sp := range photos {
		if sp == nil || sp.Segmentation == nil {
			continue
		}
		for i, n := range sp.Segmentation.Notes {
			if sp.Duplicate(i) {
				continue // its first appearance is grouped
			}
			gn := GroupNote{
				Key: NoteKey(sp.Name, i), Photo: sp.Name, Color: n.Color,
				X: n.X, Y: n.Y, HasPosition: true,
			}
			if i < len(sp.Readings) {
				gn.Text = sp.Readings[i].Text
			}
			for _, j := range n.Neighbours {
				// A neighbour seen first on an earlier photo is that note.
				k := NoteKey(sp.Name, j)
				if sp.Duplicate(j) {
					k = sp.DuplicateOf[j]
				}
				if !slices.Contains(gn.Neighbours, k) {
					gn.Neighbours = append(gn.Neighbours, k)
				}
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
