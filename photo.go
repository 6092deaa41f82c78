package wallscan

import (
	"context"
	"image"
	"image/color"
	"time"
)

// PhotoStatus is where a photo is in the pipeline.
type PhotoStatus string

// Photo statuses, in pipeline order; a photo ends as PhotoDone or PhotoFailed.
const (
	PhotoQueued     PhotoStatus = "queued"
	PhotoSegmenting PhotoStatus = "segmenting"
	PhotoReading    PhotoStatus = "reading"
	PhotoGrouping   PhotoStatus = "grouping"
	PhotoDone       PhotoStatus = "done"
	PhotoFailed     PhotoStatus = "failed"
)

// Quality warnings, each a thing the participant can do something about.
const (
	WarnBlurry    = "blurry"     // hold still or focus, then retake
	WarnGlare     = "glare"      // step to the side of the light
	WarnDark      = "dark"       // more light, or move the notes to it
	WarnSmall     = "small"      // the notes are too small to read: stand closer
	WarnNoNotes   = "no_notes"   // no notes found at all
	WarnManyNotes = "many_notes" // more notes than MaxNotesPerPhoto; some dropped
)

// Quality is the photo-level verdict of the segmenter.
type Quality struct {
	Sharpness  float64  `json:"sharpness"`
	Brightness float64  `json:"brightness"`
	Warnings   []string `json:"warnings"`
	// GlareNotes counts the notes with washed-out patches.
	GlareNotes int `json:"glare_notes,omitempty"`
}

// Photo is one picture of a wall or table, taken at a workshop.
type Photo struct {
	ID          int64  `json:"id"`
	WorkshopID  int64  `json:"workshop_id"`
	Wall        string `json:"wall"`     // which wall or table, as the participant named it
	Filename    string `json:"filename"` // as uploaded
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Width       int    `json:"width"` // as displayed (EXIF orientation applied); 0 until segmented
	Height      int    `json:"height"`

	Status PhotoStatus `json:"status"`
	// NotesFound and NotesRead give the progress of the reading step.
	// NotesFound counts the notes seen first on this photo: a duplicate of
	// an earlier photo's note (Note.DuplicateOf) is not read, so it is not
	// counted.
	NotesFound int     `json:"notes_found"`
	NotesRead  int     `json:"notes_read"`
	Quality    Quality `json:"quality"`
	Error      string  `json:"error,omitempty"` // set when Status is PhotoFailed

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// IdempotencyKey, if set, is the sender's name for this upload (the
	// HTTP header Idempotency-Key): a photo sent again under the same key,
	// because the answer to the first sending was lost, is stored once.
	// Unique per workshop, at most MaxIdempotencyKey bytes; never shown.
	IdempotencyKey string `json:"-"`
	// Repeat is set by PhotoService.AddPhoto when the workshop already held
	// a photo under IdempotencyKey: p is that photo and nothing was stored.
	Repeat bool `json:"-"`
}

// PhotoService stores photos. Processing is queued in the same transaction
// that stores the bytes, so a photo that was accepted is never lost and is
// always processed, even across a crash.
type PhotoService interface {
	// AddPhoto stores p and its bytes and queues it for processing, in one
	// transaction. It sets p.ID, p.Status and p.CreatedAt. ENOTFOUND (workshop).
	//
	// A repeated upload: when p.IdempotencyKey is set and a photo of the
	// same workshop was already stored under that key, AddPhoto stores and
	// queues nothing, fills p with the stored photo as it is now (same ID
	// and CreatedAt; processing may have moved on), sets p.Repeat and
	// returns nil. It returns ECONFLICT instead when the stored photo's
	// bytes or wall differ: the key was reused for another photo. Calls with
	// one key at the same moment store exactly one photo; the others are
	// repeats. EINVALID for a key longer than MaxIdempotencyKey bytes.
	AddPhoto(ctx context.Context, p *Photo, data []byte) error
	// Photo returns one photo. ENOTFOUND.
	Photo(ctx context.Context, id int64) (*Photo, error)
	// Photos returns a workshop's photos, oldest first.
	Photos(ctx context.Context, workshopID int64) ([]*Photo, error)
	// PhotoData returns the photo's original bytes. ENOTFOUND.
	PhotoData(ctx context.Context, id int64) ([]byte, error)
	// UpdatePhoto records processing progress. ENOTFOUND.
	UpdatePhoto(ctx context.Context, id int64, u PhotoUpdate) error
	// ReplaceNotes stores the segmentation of a photo, replacing any notes
	// an earlier, interrupted attempt left, in one transaction. It sets the
	// IDs of notes. ENOTFOUND.
	//
	// A note's DuplicateOf must name a note of an earlier photo (lower ID)
	// of the same workshop that is not itself a duplicate (EINVALID), so
	// a photo's dedupe is stored whole or not at all. Notes of later
	// photos that were duplicates of this photo's notes keep pointing at
	// the note with the same Index; if there is none any more, they stop
	// being duplicates (they are never left pointing at nothing).
	ReplaceNotes(ctx context.Context, photoID int64, s *Segmentation, notes []*Note) error
}

// PhotoUpdate holds the fields of a photo that processing changes. Nil
// fields stay as they are.
type PhotoUpdate struct {
	Status *PhotoStatus
	// NotesRead never lowers the count; NoteService.SetReading keeps it.
	NotesRead  *int
	Error      *string
	Quality    *Quality
	Width      *int
	Height     *int
	NotesFound *int
}

// FoundNote is one note as the segmenter found it.
type FoundNote struct {
	Polygon Quad
	Color   Color
	RGB     color.RGBA
	// X and Y are the centre, normalised to the photo's size.
	X, Y float64
	// Neighbours holds indexes into Segmentation.Notes of the notes that
	// sit close by: a group the participants made.
	Neighbours []int
	// Crop is the perspective-corrected note at full resolution, upright.
	Crop image.Image
}

// Segmentation is what a Segmenter found on one photo.
type Segmentation struct {
	Width, Height int // as displayed
	Quality       Quality
	Notes         []FoundNote // in reading order: top to bottom, left to right
}

// Segmenter finds the notes on a photo, given its encoded bytes (JPEG or
// PNG). It applies the EXIF orientation and checks the named limits before
// decoding. It returns EINVALID for a file that is not a readable image,
// EUNSUPPORTED for a format wallscan does not read, and ETOOLARGE over a
// limit. A photo without notes is not an error (Quality warns).
type Segmenter interface {
	Segment(ctx context.Context, photo []byte) (*Segmentation, error)
}
