package wallscan

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image/jpeg"
	"log/slog"
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
	// Logger hears of what processing got past without failing the
	// photo; nil means slog.Default().
	Logger *slog.Logger
}

func (p *Processor) logger() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
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
	// The duplicates are stored with the notes, in ReplaceNotes' one
	// transaction: a crash leaves the photo's notes and their dedupe
	// together or not at all, and the step run again matches against the
	// same stored earlier photos.
	dupOf, err := p.matchEarlier(ctx, photo, data, seg)
	if err != nil {
		return err
	}
	notes := make([]*Note, len(seg.Notes))
	found := 0
	for i, f := range seg.Notes {
		notes[i] = &Note{
			PhotoID: photo.ID, WorkshopID: photo.WorkshopID, Index: i + 1,
			Polygon: f.Polygon, BBox: f.Polygon.Bounds(), Color: f.Color, RGB: HexRGB(f.RGB),
			X: f.X, Y: f.Y,
		}
		for _, j := range f.Neighbours {
			notes[i].Neighbours = append(notes[i].Neighbours, j+1)
		}
		if dupOf != nil {
			notes[i].DuplicateOf = dupOf[i]
		}
		if notes[i].DuplicateOf == 0 {
			found++
		}
	}
	if err := p.Photos.ReplaceNotes(ctx, photo.ID, seg, notes); err != nil {
		if dupOf != nil && ErrorCode(err) == EINVALID {
			// An original vanished since the match (its photo was
			// segmented again): not this photo's fault; the retry
			// matches afresh.
			return fmt.Errorf("store notes of photo %d with their duplicates: %s", photo.ID, err)
		}
		return err
	}
	status := PhotoReading
	if p.Pipeline.Reader == nil {
		status = PhotoGrouping
	}
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

// notesStored reports whether a photo's notes are stored for good: its
// segment step has finished.
func notesStored(s PhotoStatus) bool {
	return s == PhotoReading || s == PhotoGrouping || s == PhotoDone
}

// matchEarlier matches a photo against the earlier photos (lower ID) of
// the same workshop and wall whose notes are stored, the latest
// MaxMatchedShots of them. It returns, per note of seg, the ID of the
// note's first appearance or 0, or nil when no matching was done.
//
// A photo processed while an earlier photo of its wall is still being
// segmented (possible only with several workers) is not matched with
// that photo: the earlier one's notes are not final yet.
func (p *Processor) matchEarlier(ctx context.Context, photo *Photo, data []byte, seg *Segmentation) ([]int64, error) {
	if p.Pipeline.Matcher == nil || len(seg.Notes) == 0 || strings.TrimSpace(photo.Wall) == "" {
		return nil, nil
	}
	photos, err := p.Photos.Photos(ctx, photo.WorkshopID)
	if err != nil {
		return nil, err
	}
	var earlier []*Photo
	for _, e := range photos {
		if e.ID < photo.ID && SameWall(e.Wall, photo.Wall) && notesStored(e.Status) && e.Width > 0 {
			earlier = append(earlier, e)
		}
	}
	slices.SortFunc(earlier, func(a, b *Photo) int { return cmp.Compare(a.ID, b.ID) })
	if len(earlier) > MaxMatchedShots {
		earlier = earlier[len(earlier)-MaxMatchedShots:]
	}
	var shots []Shot
	var stored [][]*Note
	for _, e := range earlier {
		notes, err := p.Notes.Notes(ctx, NoteFilter{PhotoID: e.ID})
		if err != nil {
			return nil, err
		}
		if len(notes) == 0 {
			continue
		}
		b, err := p.Photos.PhotoData(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		es := &Segmentation{Width: e.Width, Height: e.Height, Quality: e.Quality}
		for _, n := range notes {
			es.Notes = append(es.Notes, FoundNote{Polygon: n.Polygon, Color: n.Color, X: n.X, Y: n.Y})
		}
		shots = append(shots, Shot{Photo: b, Segmentation: es})
		stored = append(stored, notes)
	}
	if len(shots) == 0 {
		return nil, nil
	}
	dups, err := p.Pipeline.Matcher.MatchShot(ctx, Shot{Photo: data, Segmentation: seg}, shots)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// Matching the same photos again fails the same way, and retrying
		// would end with the photo failed and its notes never read. A
		// note counted twice is the lesser harm: the photo goes on
		// without dedupe, and the facilitator sees both copies.
		p.logger().Warn("photo kept without dedupe: matching with earlier photos failed",
			"photo", photo.ID, "wall", photo.Wall, "err", err)
		return nil, nil
	}
	dupOf := make([]int64, len(seg.Notes))
	for _, d := range dups {
		if d.Note < 0 || d.Note >= len(seg.Notes) || d.OfShot < 0 || d.OfShot >= len(stored) ||
			d.OfNote < 0 || d.OfNote >= len(stored[d.OfShot]) {
			return nil, fmt.Errorf("match photo %d: the matcher named a note that does not exist: %+v", photo.ID, d)
		}
		o := stored[d.OfShot][d.OfNote]
		dupOf[d.Note] = o.ID
		if o.DuplicateOf != 0 {
			dupOf[d.Note] = o.DuplicateOf // the first appearance
		}
	}
	return dupOf, nil
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
		if !n.Read && n.DuplicateOf == 0 { // a duplicate's first appearance is read
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
	return vr.WithVocabulary(append(VocabularyTerms(w.Vocabulary), ConfirmedWords(notes)...)), nil
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
	req, err := p.groupRequest(ctx, workshopID)
	if err != nil {
		return err
	}
	if req.Curated, err = p.curatedGroups(ctx, workshopID); err != nil {
		return err
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

// UnknownWords lists the words of a workshop's notes that its Grouper does
// not know (see VocabularyAdvisor), for the facilitator to add to the
// workshop's vocabulary. It is empty when the Grouper gives no such advice.
func (p *Processor) UnknownWords(ctx context.Context, workshopID int64) ([]UnknownWord, error) {
	advisor, ok := p.Pipeline.Grouper.(VocabularyAdvisor)
	if !ok {
		return []UnknownWord{}, nil
	}
	req, err := p.groupRequest(ctx, workshopID)
	if err != nil {
		return nil, err
	}
	words, err := advisor.UnknownWords(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("unknown words of workshop %d: %w", workshopID, err)
	}
	return words, nil
}

// groupRequest gathers what the Grouper needs of a workshop's notes: the
// notes with their places on the wall, the notes the facilitator pinned,
// and the workshop's vocabulary. The curated groups are curatedGroups'.
func (p *Processor) groupRequest(ctx context.Context, workshopID int64) (GroupRequest, error) {
	w, err := p.Workshops.Workshop(ctx, workshopID)
	if err != nil {
		return GroupRequest{}, err
	}
	notes, err := p.Notes.Notes(ctx, NoteFilter{WorkshopID: workshopID})
	if err != nil {
		return GroupRequest{}, err
	}
	req := GroupRequest{Pins: map[string]string{}, Vocabulary: w.Vocabulary}
	photoKey := func(id int64) string { return "p" + strconv.FormatInt(id, 10) }
	// A duplicate is left out: its first appearance stands for it, also
	// as the neighbour of the notes around it. A duplicate whose first
	// appearance is gone is not a duplicate any more (the store clears
	// DuplicateOf), so no note drops out of the grouping.
	byPhotoIndex := map[[2]int64]int64{}
	for _, n := range notes {
		id := n.ID
		if n.DuplicateOf != 0 {
			id = n.DuplicateOf
		}
		byPhotoIndex[[2]int64{n.PhotoID, int64(n.Index)}] = id
	}
	for _, n := range notes {
		if n.DuplicateOf != 0 {
			continue
		}
		gn := GroupNote{
			Key: noteKey(n.ID), Text: n.Text, Photo: photoKey(n.PhotoID), Color: n.Color,
			X: n.X, Y: n.Y, HasPosition: true,
		}
		for _, idx := range n.Neighbours {
			if id, ok := byPhotoIndex[[2]int64{n.PhotoID, int64(idx)}]; ok && id != n.ID {
				if k := noteKey(id); !slices.Contains(gn.Neighbours, k) {
					gn.Neighbours = append(gn.Neighbours, k)
				}
			}
		}
		req.Notes = append(req.Notes, gn)
		if n.Pinned && n.ClusterID != 0 {
			req.Pins[gn.Key] = ClusterKey(n.ClusterID)
		}
	}
	return req, nil
}

// curatedGroups returns the workshop's clusters that the facilitator
// locked or renamed, as the Grouper's curated groups.
func (p *Processor) curatedGroups(ctx context.Context, workshopID int64) ([]Group, error) {
	clusters, err := p.Clusters.Clusters(ctx, workshopID)
	if err != nil {
		return nil, err
	}
	var curated []Group
	for _, c := range clusters {
		if !c.Locked && !c.Renamed {
			continue
		}
		g := Group{Key: ClusterKey(c.ID), Label: c.Label, Keywords: c.Keywords, Theme: c.Theme,
			Locked: c.Locked, Renamed: c.Renamed, Unsorted: c.Unsorted}
		for _, id := range c.NoteIDs {
			g.Notes = append(g.Notes, noteKey(id))
		}
		curated = append(curated, g)
	}
	return curated, nil
}

// noteKey is a stored note's key in a GroupRequest.
func noteKey(id int64) string { return strconv.FormatInt(id, 10) }

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
