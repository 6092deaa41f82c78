package dashboard

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// noteFilter reads the query of GET /workshops/:id/notes: photo, cluster,
// review (true or false).
func noteFilter(c *gin.Context, workshopID int64) (wallscan.NoteFilter, error) {
	f := wallscan.NoteFilter{WorkshopID: workshopID}
	for _, q := range []struct {
		name string
		dst  *int64
	}{{"photo", &f.PhotoID}, {"cluster", &f.ClusterID}} {
		if v := c.Query(q.name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return f, wallscan.Errorf(wallscan.EINVALID, "The query parameter %s must be a positive number.", q.name)
			}
			*q.dst = id
		}
	}
	if v := c.Query("review"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, wallscan.Errorf(wallscan.EINVALID, "The query parameter review must be true or false.")
		}
		f.Review = &b
	}
	return f, nil
}

func (s *Server) listNotes(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := noteFilter(c, w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	notes, err := s.cfg.Notes.Notes(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	if notes == nil {
		notes = []*wallscan.Note{}
	}
	c.JSON(http.StatusOK, notes)
}

// note loads the note of path parameter name; if workshopID is not 0 the
// note must belong to that workshop (ENOTFOUND otherwise).
func (s *Server) note(c *gin.Context, name string, workshopID int64) (*wallscan.Note, error) {
	id, err := paramID(c, name, "note")
	if err != nil {
		return nil, err
	}
	n, err := s.cfg.Notes.Note(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if workshopID != 0 && n.WorkshopID != workshopID {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "There is no note %d.", id)
	}
	return n, nil
}

func (s *Server) getNote(c *gin.Context) {
	n, err := s.note(c, "id", 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

// noteEdit is the body of PATCH .../notes/:id.
type noteEdit struct {
	Text *string `json:"text"`
}

// editNoteText applies a person's correction to the note of :id, which must
// belong to workshopID unless it is 0, and returns the note as it is now.
func (s *Server) editNoteText(c *gin.Context, workshopID int64) (*wallscan.Note, error) {
	n, err := s.note(c, "id", workshopID)
	if err != nil {
		return nil, err
	}
	var in noteEdit
	if err := bindJSON(c, &in); err != nil {
		return nil, err
	}
	if in.Text == nil {
		return nil, wallscan.Errorf(wallscan.EINVALID, "Send the new text in the field \"text\".")
	}
	if len(*in.Text) > wallscan.MaxNoteText {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The text is longer than %d characters.", wallscan.MaxNoteText)
	}
	n, err = s.cfg.Notes.EditNoteText(c.Request.Context(), n.ID, wallscan.CleanText(*in.Text))
	if err != nil {
		return nil, err
	}
	s.events.Publish(wallscan.Event{Type: wallscan.EventNoteEdited, WorkshopID: n.WorkshopID, PhotoID: n.PhotoID, NoteID: n.ID})
	return n, nil
}

func (s *Server) editNote(c *gin.Context) {
	n, err := s.editNoteText(c, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

// sendNoteCrop answers the crop JPEG of the note of :id, which must belong
// to workshopID unless it is 0.
func (s *Server) sendNoteCrop(c *gin.Context, workshopID int64) {
	n, err := s.note(c, "id", workshopID)
	if err != nil {
		s.fail(c, err)
		return
	}
	data, err := s.cfg.Notes.NoteCrop(c.Request.Context(), n.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "image/jpeg", data)
}

func (s *Server) noteCrop(c *gin.Context) { s.sendNoteCrop(c, 0) }
