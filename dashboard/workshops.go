package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// Limits of a workshop's vocabulary.
const (
	MaxVocabulary = 200 // entries: words, synonym lists and themes of its own
	MaxWordLen    = 64  // bytes per word or phrase
)

// workshopInput is the JSON of a new workshop or of a change to one; a
// missing field stays as it is on a change.
type workshopInput struct {
	Title      *string                 `json:"title"`
	Case       *string                 `json:"case"`
	Date       *string                 `json:"date"`
	Legend     *[]wallscan.Perspective `json:"legend"`
	Vocabulary *[]string               `json:"vocabulary"`
}

func (in *workshopInput) validate() error {
	if in.Legend != nil {
		seen := map[wallscan.Color]bool{}
		for _, p := range *in.Legend {
			if seen[p.Color] {
				return wallscan.Errorf(wallscan.EINVALID, "The legend names the colour %q twice.", p.Color)
			}
			seen[p.Color] = true
		}
	}
	if in.Vocabulary != nil {
		if len(*in.Vocabulary) > MaxVocabulary {
			return wallscan.Errorf(wallscan.EINVALID, "The vocabulary has %d words; the limit is %d.", len(*in.Vocabulary), MaxVocabulary)
		}
		for _, e := range *in.Vocabulary {
			if len(e) > wallscan.MaxTitle {
				return wallscan.Errorf(wallscan.EINVALID, "The vocabulary line %.20q... is longer than %d characters.", e, wallscan.MaxTitle)
			}
			_, terms := wallscan.ParseVocabularyEntry(e)
			for _, w := range terms {
				if len(w) > MaxWordLen {
					return wallscan.Errorf(wallscan.EINVALID, "The vocabulary word %.20q... is longer than %d characters.", w, MaxWordLen)
				}
			}
		}
	}
	return nil
}

// workshop loads the workshop of the :id path parameter.
func (s *Server) workshop(c *gin.Context) (*wallscan.Workshop, error) {
	id, err := paramID(c, "id", "workshop")
	if err != nil {
		return nil, err
	}
	return s.cfg.Workshops.Workshop(c.Request.Context(), id)
}

func (s *Server) listWorkshops(c *gin.Context) {
	ws, err := s.cfg.Workshops.Workshops(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if ws == nil {
		ws = []*wallscan.Workshop{}
	}
	c.JSON(http.StatusOK, ws)
}

func (s *Server) createWorkshop(c *gin.Context) {
	var in workshopInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := in.validate(); err != nil {
		s.fail(c, err)
		return
	}
	w := &wallscan.Workshop{}
	if in.Title != nil {
		w.Title = *in.Title
	}
	if in.Case != nil {
		w.Case = *in.Case
	}
	if in.Date != nil {
		w.Date = *in.Date
	}
	if in.Legend != nil {
		w.Legend = *in.Legend
	}
	if in.Vocabulary != nil {
		w.Vocabulary = *in.Vocabulary
	}
	if err := w.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.cfg.Workshops.CreateWorkshop(c.Request.Context(), w); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, w)
}

func (s *Server) getWorkshop(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

func (s *Server) updateWorkshop(c *gin.Context) {
	id, err := paramID(c, "id", "workshop")
	if err != nil {
		s.fail(c, err)
		return
	}
	var in workshopInput
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := in.validate(); err != nil {
		s.fail(c, err)
		return
	}
	w, err := s.cfg.Workshops.UpdateWorkshop(c.Request.Context(), id, wallscan.WorkshopUpdate{
		Title: in.Title, Case: in.Case, Date: in.Date, Legend: in.Legend, Vocabulary: in.Vocabulary,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, w)
}

func (s *Server) renewJoinCode(c *gin.Context) {
	id, err := paramID(c, "id", "workshop")
	if err != nil {
		s.fail(c, err)
		return
	}
	code, err := s.cfg.Workshops.RenewJoinCode(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"join_code": code})
}

// unknownWords answers the words of the workshop's notes that the grouping
// does not know, most used first: suggestions for its vocabulary.
func (s *Server) unknownWords(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	words := []wallscan.UnknownWord{}
	if s.cfg.Words != nil {
		if words, err = s.cfg.Words.UnknownWords(c.Request.Context(), w.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, words)
}
