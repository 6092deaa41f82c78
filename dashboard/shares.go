package dashboard

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// shareJSON is a share link as the API shows it, with the path a director opens.
type shareJSON struct {
	ID        int64     `json:"id"`
	Token     string    `json:"token"`
	Path      string    `json:"path"`
	CreatedAt time.Time `json:"created_at"`
	Revoked   bool      `json:"revoked"`
}

func toShareJSON(l *wallscan.ShareLink) shareJSON {
	return shareJSON{ID: l.ID, Token: l.Token, Path: "/r/" + l.Token, CreatedAt: l.CreatedAt, Revoked: l.Revoked}
}

func (s *Server) listShares(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	links, err := s.cfg.Auth.ShareLinks(c.Request.Context(), w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]shareJSON, 0, len(links))
	for _, l := range links {
		out = append(out, toShareJSON(l))
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) createShare(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	l, err := s.cfg.Auth.CreateShareLink(c.Request.Context(), w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toShareJSON(l))
}

func (s *Server) revokeShare(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	id, err := paramID(c, "share", "share link")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.cfg.Auth.RevokeShareLink(c.Request.Context(), w.ID, id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
