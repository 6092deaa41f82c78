package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// kioskWorkshopJSON is all a kiosk learns of its workshop.
type kioskWorkshopJSON struct {
	Title string `json:"title"`
}

func (s *Server) kioskWorkshop(c *gin.Context) {
	c.JSON(http.StatusOK, kioskWorkshopJSON{Title: ctxWorkshop(c).Title})
}

func (s *Server) kioskUpload(c *gin.Context) {
	p, err := s.storePhoto(c, ctxWorkshop(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	answerUpload(c, p)
}

// kioskNote is a note as the kiosk shows it: its outline and reading.
type kioskNote struct {
	ID         int64          `json:"id"`
	Index      int            `json:"index"`
	Polygon    wallscan.Quad  `json:"polygon"`
	Color      wallscan.Color `json:"color"`
	RGB        string         `json:"rgb"`
	Text       string         `json:"text"`
	Confidence float64        `json:"confidence"`
	Review     bool           `json:"review"`
	Read       bool           `json:"read"`
	Edited     bool           `json:"edited"`
	// DuplicateOf and DuplicateOfPhoto name the same note on an earlier
	// photo of the wall, where it is counted; the kiosk says so.
	DuplicateOf      int64 `json:"duplicate_of,omitempty"`
	DuplicateOfPhoto int64 `json:"duplicate_of_photo,omitempty"`
}

// kioskPhotoJSON is the answer of GET /api/v1/kiosk/:code/photos/:id.
type kioskPhotoJSON struct {
	Photo *wallscan.Photo `json:"photo"`
	Notes []kioskNote     `json:"notes"`
}

func (s *Server) kioskPhoto(c *gin.Context) {
	p, err := s.photo(c, ctxWorkshop(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	notes, err := s.cfg.Notes.Notes(c.Request.Context(), wallscan.NoteFilter{PhotoID: p.ID})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := kioskPhotoJSON{Photo: p, Notes: make([]kioskNote, 0, len(notes))}
	for _, n := range notes {
		out.Notes = append(out.Notes, toKioskNote(n))
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) kioskPhotoImage(c *gin.Context) { s.sendPhotoImage(c, ctxWorkshop(c).ID) }

func (s *Server) kioskEditNote(c *gin.Context) {
	n, err := s.editNoteText(c, ctxWorkshop(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toKioskNote(n))
}

func toKioskNote(n *wallscan.Note) kioskNote {
	return kioskNote{
		ID: n.ID, Index: n.Index, Polygon: n.Polygon, Color: n.Color, RGB: n.RGB,
		Text: n.Text, Confidence: n.Confidence, Review: n.Review, Read: n.Read, Edited: n.Edited,
		DuplicateOf: n.DuplicateOf, DuplicateOfPhoto: n.DuplicateOfPhoto,
	}
}

// kioskEvents streams the events of one photo of the kiosk's workshop.
func (s *Server) kioskEvents(c *gin.Context) {
	w := ctxWorkshop(c)
	p, err := s.photo(c, w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.streamEvents(c, w.ID, func(e wallscan.Event) bool { return e.PhotoID == p.ID })
}
