package wallscan

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Processor runs the pipeline for photos stored in the server. The job
// queue calls ProcessPhoto; each step stores its result before the next
// begins, and each step can run again after a crash without doubling
// anything: segmentation replaces the photo's notes, reading skips notes
// already read, grouping keeps the facilitator's curation.
type Processor struct {
	Pipeline  *Pipeline
	Workshops WorkshopService
	Photos    PhotoService
	Notes     NoteService
	Clusters  ClusterService
	Events    EventService // may be nil
}

// ProcessPhoto finds, reads and groups the notes of one stored photo.
// A photo that cannot be processed (not an image, over a limit) is marked
// PhotoFailed with a message and is not an error of the job: retrying
// would not help. Other errors are returned so that the queue retries.
func (p *Processor) ProcessPhoto(ctx context.Context, photoID int64) error {
	photo, err := p.Photos.Photo(ctx, photoID)
	if err != nil {
		return err
	}
	switch photo.Status {
	case PhotoDone, PhotoFailed:
		return nil
	case PhotoQueued, PhotoSegmenting:
		if err := p.segment(ctx, photo); err != nil {
			if code := ErrorCode(err); code == EINVALID || code == EUNSUPPORTED || code == ETOOLARGE {
				return p.fail(ctx, photo, ErrorMessage(err))
			}
			return err
		}
	}
	if err := p.read(ctx, photo); err != nil {
		return err
	}
	if err := p.setStatus(ctx, photo, PhotoGrouping); err != nil {
		return err
	}
	if err := p.GroupWorkshop(ctx, photo.WorkshopID); err != nil {
		return err
	}
	return p.setStatus(ctx, photo, PhotoDone)
}

func (p *Processor) segment(ctx context.Context, photo *Photo) error {
	if err := p.setStatus(ctx, photo, PhotoSegmenting); err != nil {
		return err
	}
	data, err := p.Photos.PhotoData(ctx, photo.ID)
	if err != nil {
		return err
	}
	seg, err := p.Pipeline.Segmenter.Segment(ctx, data)
	if err != nil {
		return err
	}
	notes := make([]*Note, len(seg.Notes))
	for i, f := range seg.Notes {
		notes[i] = &Note{
			PhotoID: photo.ID, WorkshopID: photo.WorkshopID, Index: i + 1,
			Polygon: f.Polygon, BBox: f.Polygon.Bounds(), Color: f.Color, RGB: HexRGB(f.RGB),
			X: f.X, Y: f.Y,
		}
		for _, j := range f.Neighbours {
			notes[i].Neighbours = append(notes[i].Neighbours, j+1)
		}
	}
	if err := p.Photos.ReplaceNotes(ctx, photo.ID, seg, notes); err != nil {
		return err
	}
	status := PhotoReading
	if p.Pipeline.Reader == nil {
		status = PhotoGrouping
	}
	found := len(notes)
	if err := p.Photos.UpdatePhoto(ctx, photo.ID, PhotoUpdate{
		Status: &status, Width: &seg.Width, Height: &seg.Height,
		Quality: &seg.Quality, NotesFound: &found,
	}); err != nil {
		return err
	}
	photo.Status, photo.NotesFound = status, found
	p.publish(Event{Type: EventNotesFound, WorkshopID: photo.WorkshopID, PhotoID: photo.ID})
	return nil
}

func (p *Processor) read(ctx context.Context, photo *Photo) error {
	if p.Pipeline.Reader == nil {
		return nil
	}
	notes, err := p.Notes.Notes(ctx, NoteFilter{PhotoID: photo.ID})
	if err != nil {
		return err
	}
	var todo []*Note
	for _, n := range notes {
		if !n.Read {
			todo = append(todo, n)
		}
	}
	reader, err := p.workshopReader(ctx, photo.WorkshopID)
	if err != nil {
		return err
	}
	return p.Pipeline.readEach(ctx, len(todo), func(ctx context.Context, i int) error {
		n := todo[i]
		crop, err := p.Notes.NoteCrop(ctx, n.ID)
		if err != nil {
			return err
		}
		img, err := jpeg.Decode(bytes.NewReader(crop))
		if err != nil {
			return fmt.Errorf("note %d crop: %w", n.ID, err)
		}
		r, err := reader.Read(ctx, img)
		if err != nil {
			return fmt.Errorf("read note %d: %w", n.ID, err)
		}
		r.Text = CleanText(r.Text)
		if err := p.Notes.SetReading(ctx, n.ID, r); err != nil {
			return err
		}
		p.publish(Event{Type: EventNoteRead, WorkshopID: photo.WorkshopID, PhotoID: photo.ID, NoteID: n.ID})
		return nil
	})
}

// workshopReader returns the pipeline's reader, taught the workshop's own
// words when it can learn them: the facilitator's vocabulary and the words
// people confirmed by fixing other notes' texts.
func (p *Processor) workshopReader(ctx context.Context, workshopID int64) (Reader, error) {
	vr, ok := p.Pipeline.Reader.(VocabularyReader)
	if !ok {
		return p.Pipeline.Reader, nil
	}
	w, err := p.Workshops.Workshop(ctx, workshopID)
	if err != nil {
		return nil, err
	}
	notes, err := p.Notes.Notes(ctx, NoteFilter{WorkshopID: workshopID})
	if err != nil {
		return nil, err
	}
	return vr.WithVocabulary(append(slices.Clone(w.Vocabulary), ConfirmedWords(notes)...)), nil
}

// ConfirmedWords returns the distinct words of the notes a person edited,
// in order of first use: words the workshop has confirmed it uses.
func ConfirmedWords(notes []*Note) []string {
	seen := map[string]bool{}
	var words []string
	for _, n := range notes {
		if !n.Edited {
			continue
		}
		for _, f := range strings.FieldsFunc(n.Text, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
		}) {
			f = strings.Trim(f, "-'")
			if utf8.RuneCountInString(f) >= 2 && !seen[f] {
				seen[f] = true
				words = append(words, f)
			}
		}
	}
	return words
}

// GroupWorkshop groups all notes of a workshop again, keeping the
// facilitator's curation, and stores the result.
func (p *Processor) GroupWorkshop(ctx context.Context, workshopID int64) error {
	if p.Pipeline.Grouper == nil {
		return nil
	}
	w, err := p.Workshops.Workshop(ctx, workshopID)
	if err != nil {
		return err
	}
	notes, err := p.Notes.Notes(ctx, NoteFilter{WorkshopID: workshopID})
	if err != nil {
		return err
	}
	clusters, err := p.Clusters.Clusters(ctx, workshopID)
	if err != nil {
		return err
	}
	req := GroupRequest{Pins: map[string]string{}, Vocabulary: w.Vocabulary}
	photoKey := func(id int64) string { return "p" + strconv.FormatInt(id, 10) }
	noteKey := func(id int64) string { return strconv.FormatInt(id, 10) }
	byPhotoIndex := map[[2]int64]int64{}
	for _, n := range notes {
		byPhotoIndex[[2]int64{n.PhotoID, int64(n.Index)}] = n.ID
	}
	for _, n := range notes {
		gn := GroupNote{
			Key: noteKey(n.ID), Text: n.Text, Photo: photoKey(n.PhotoID), Color: n.Color,
			X: n.X, Y: n.Y, HasPosition: true,
		}
		for _, idx := range n.Neighbours {
			if id, ok := byPhotoIndex[[2]int64{n.PhotoID, int64(idx)}]; ok {
				gn.Neighbours = append(gn.Neighbours, noteKey(id))
			}
		}
		req.Notes = append(req.Notes, gn)
		if n.Pinned && n.ClusterID != 0 {
			req.Pins[gn.Key] = ClusterKey(n.ClusterID)
		}
	}
	for _, c := range clusters {
		if !c.Locked && !c.Renamed {
			continue
		}
		g := Group{Key: ClusterKey(c.ID), Label: c.Label, Keywords: c.Keywords, Theme: c.Theme,
			Locked: c.Locked, Renamed: c.Renamed, Unsorted: c.Unsorted}
		for _, id := range c.NoteIDs {
			g.Notes = append(g.Notes, noteKey(id))
		}
		req.Curated = append(req.Curated, g)
	}
	groups, err := p.Pipeline.Grouper.Group(ctx, req)
	if err != nil {
		return fmt.Errorf("group workshop %d: %w", workshopID, err)
	}
	if err := p.Clusters.ApplyGroups(ctx, workshopID, groups); err != nil {
		return err
	}
	p.publish(Event{Type: EventClustersChanged, WorkshopID: workshopID})
	return nil
}

// ClusterKey is the Group key of a stored cluster; ParseClusterKey reverses it.
func ClusterKey(id int64) string { return "c" + strconv.FormatInt(id, 10) }

// ParseClusterKey returns the ID of a stored cluster's key, or 0 for a key
// of a new group.
func ParseClusterKey(key string) int64 {
	if len(key) < 2 || key[0] != 'c' {
		return 0
	}
	id, err := strconv.ParseInt(key[1:], 10, 64)
	if err != nil {
		return 0
	}
	return id
}

func (p *Processor) setStatus(ctx context.Context, photo *Photo, s PhotoStatus) error {
	if err := p.Photos.UpdatePhoto(ctx, photo.ID, PhotoUpdate{Status: &s}); err != nil {
		return err
	}
	photo.Status = s
	p.publish(Event{Type: EventPhotoStatus, WorkshopID: photo.WorkshopID, PhotoID: photo.ID})
	return nil
}

func (p *Processor) fail(ctx context.Context, photo *Photo, msg string) error {
	s := PhotoFailed
	if err := p.Photos.UpdatePhoto(ctx, photo.ID, PhotoUpdate{Status: &s, Error: &msg}); err != nil {
		return err
	}
	p.publish(Event{Type: EventPhotoStatus, WorkshopID: photo.WorkshopID, PhotoID: photo.ID})
	return nil
}

func (p *Processor) publish(e Event) {
	if p.Events != nil {
		p.Events.Publish(e)
	}
}
