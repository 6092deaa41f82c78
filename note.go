package wallscan

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"time"
)

// Color is the named colour of a sticky note. Facilitators map colours to
// perspectives (see Workshop.Legend); the clustering never uses colour as
// the key of a theme.
type Color string

// The colours wallscan names. Anything else is ColorOther.
const (
	Yellow     Color = "yellow"
	Orange     Color = "orange"
	Pink       Color = "pink"
	Green      Color = "green"
	Blue       Color = "blue"
	Purple     Color = "purple"
	White      Color = "white"
	ColorOther Color = "other"
)

// Colors lists every named colour in the order the interface shows them.
var Colors = []Color{Yellow, Orange, Pink, Green, Blue, Purple, White, ColorOther}

// Valid reports whether c is one of Colors.
func (c Color) Valid() bool {
	for _, k := range Colors {
		if c == k {
			return true
		}
	}
	return false
}

// Quad is a note's outline in photo pixels: four corners, clockwise from
// the top-left as the note is read.
type Quad [4]image.Point

// Bounds returns the smallest rectangle holding q.
func (q Quad) Bounds() image.Rectangle {
	r := image.Rectangle{Min: q[0], Max: q[0]}
	for _, p := range q[1:] {
		r.Min.X, r.Min.Y = min(r.Min.X, p.X), min(r.Min.Y, p.Y)
		r.Max.X, r.Max.Y = max(r.Max.X, p.X), max(r.Max.Y, p.Y)
	}
	return r
}

// Area returns the area of q in square pixels (shoelace formula).
func (q Quad) Area() float64 {
	var s int
	for i := range q {
		j := (i + 1) % len(q)
		s += q[i].X*q[j].Y - q[j].X*q[i].Y
	}
	if s < 0 {
		s = -s
	}
	return float64(s) / 2
}

// Center returns the mean of q's corners.
func (q Quad) Center() (x, y float64) {
	for _, p := range q {
		x += float64(p.X)
		y += float64(p.Y)
	}
	return x / 4, y / 4
}

// HexRGB formats c as "#rrggbb", the form the JSON contract uses.
func HexRGB(c color.RGBA) string {
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// Word is one word that the reader recognised, with its box in the note
// crop's pixels and the reader's confidence (0-100).
type Word struct {
	Text       string          `json:"text"`
	Box        image.Rectangle `json:"box"`
	Confidence float64         `json:"confidence"`
}

// Reading is what a Reader made of one note crop.
type Reading struct {
	Text string
	// Confidence runs from 0 to 100 and orders notes by how likely their
	// text is right; Review marks those a person should check.
	Confidence float64
	Review     bool
	Words      []Word
}

// Reader reads the text of one perspective-corrected note crop. A Reader
// may be used by many goroutines at once. An unreadable or empty crop is
// not an error: it gives an empty Reading with Review set.
type Reader interface {
	Read(ctx context.Context, crop image.Image) (Reading, error)
}

// VocabularyReader is a Reader that can be taught a workshop's own words
// (AVG, CIO, ketenpartners): the reader it returns prefers them when it
// corrects what it read, and shares the original's resources.
type VocabularyReader interface {
	Reader
	WithVocabulary(words []string) Reader
}

// Note is one sticky note found on a photo.
type Note struct {
	ID         int64 `json:"id"`
	PhotoID    int64 `json:"photo_id"`
	WorkshopID int64 `json:"workshop_id"`
	// Index numbers the notes of one photo from 1, in reading order; the
	// command line names a note "photo.jpg#Index".
	Index   int             `json:"index"`
	Polygon Quad            `json:"polygon"`
	BBox    image.Rectangle `json:"bbox"`
	Color   Color           `json:"color"`
	RGB     string          `json:"rgb"`
	// X and Y are the note's centre on the photo, normalised to 0..1.
	X float64 `json:"x"`
	Y float64 `json:"y"`
	// Neighbours holds the Index of notes that sit close to this one on the
	// wall: groups the participants made physically.
	Neighbours []int `json:"neighbours,omitempty"`

	Text       string  `json:"text"`
	Confidence float64 `json:"confidence"`
	Review     bool    `json:"review"`
	Words      []Word  `json:"words,omitempty"`
	// Read is set once the reader has run (or a person typed the text).
	Read bool `json:"read"`
	// Edited is set when a person fixed the text; automatic work never
	// overwrites an edited text.
	Edited bool `json:"edited"`

	// ClusterID is the note's cluster, 0 when it is not grouped yet.
	ClusterID int64 `json:"cluster_id,omitempty"`
	// Pinned is set when the facilitator placed the note in its cluster by
	// hand; re-grouping leaves it there.
	Pinned bool `json:"pinned"`

	// DuplicateOf is the ID of the same physical note on an earlier photo
	// of the same wall (see ShotMatcher), 0 when this photo is where the
	// note was seen first. A duplicate stays on its photo, so the wall
	// view can show it, but it is not read, grouped or counted: one note
	// on the wall is one note in the findings. It names the first
	// appearance, never another duplicate.
	DuplicateOf int64 `json:"duplicate_of,omitempty"`
	// DuplicateOfPhoto is the photo of the note DuplicateOf names, so that
	// a view can say where the note was seen first. The store fills it.
	DuplicateOfPhoto int64 `json:"duplicate_of_photo,omitempty"`

	UpdatedAt time.Time `json:"updated_at"`
}

// NoteFilter selects notes. Zero fields do not filter.
type NoteFilter struct {
	WorkshopID int64
	PhotoID    int64
	ClusterID  int64
	Review     *bool
}

// NoteService stores notes and their crops.
type NoteService interface {
	// Note returns one note. ENOTFOUND.
	Note(ctx context.Context, id int64) (*Note, error)
	// Notes returns the notes that match f, ordered by photo and index.
	Notes(ctx context.Context, f NoteFilter) ([]*Note, error)
	// NoteCrop returns the note's perspective-corrected crop as a JPEG. ENOTFOUND.
	NoteCrop(ctx context.Context, id int64) ([]byte, error)
	// SetReading records the reader's result and, in the same transaction,
	// the photo's count of notes read (so parallel readers and a resumed
	// job keep it right). It leaves an Edited note's text alone. ENOTFOUND.
	SetReading(ctx context.Context, id int64, r Reading) error
	// EditNoteText sets a person's correction of a note's text and marks it
	// Edited. EINVALID (too long), ENOTFOUND.
	EditNoteText(ctx context.Context, id int64, text string) (*Note, error)
}
