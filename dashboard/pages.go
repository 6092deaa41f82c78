package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// pages holds the parsed page templates, each joined with the layout.
type pages struct {
	byName map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"inc":  func(i int) int { return i + 1 },
	"join": strings.Join,
	"colorName": func(l *localizer, c wallscan.Color) string {
		return l.T("color." + string(c))
	},
	"colors":    func() []wallscan.Color { return wallscan.Colors },
	"vocabText": vocabText,
	// heat grades a matrix cell 0..4 by its share of the row.
	"heat": func(n, total int) int {
		if n <= 0 || total <= 0 {
			return 0
		}
		return (n*4 + total - 1) / total
	},
}

func parsePages(cat catalogues) (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	partials, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if base := path.Base(n); base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		files := append([]string{"templates/layout.html", n}, partials...)
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, err
		}
		p.byName[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return p, nil
}

// pageData is what every page template gets.
type pageData struct {
	L     *localizer
	Title string
	// CSRF is the session's token, for the page's scripts and forms; empty
	// on pages without a session.
	CSRF string
	// Facilitator pages show the navigation.
	Facilitator bool
	Workshop    *wallscan.Workshop
	Tab         string
	// Script names the page's script under /static.
	Script string
	// BodyClass styles the page kind (kiosk, report).
	BodyClass string
	Data      any
}

// render executes page with d and writes it with status.
func (s *Server) render(c *gin.Context, status int, page string, d *pageData) {
	t := s.pages.byName[page]
	if t == nil {
		s.fail(c, fmt.Errorf("no page template %q", page))
		return
	}
	if d.L == nil {
		d.L = s.loc(c)
	}
	if tok := c.GetString(keySession); tok != "" {
		d.CSRF = csrfToken(tok)
		d.Facilitator = true
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		s.log.Error("render page", "page", page, "err", err)
		c.String(http.StatusInternalServerError, "Internal error.")
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) renderError(c *gin.Context, status int, msg string) {
	l := s.loc(c)
	title := l.T(fmt.Sprintf("error.%d", status))
	if strings.HasPrefix(title, "[") {
		title = l.T("error.other")
	}
	s.render(c, status, "error", &pageData{L: l, Title: title, Data: msg})
}

// errorText is a message for a person in their language, for the errors
// the pages show themselves.
func (s *Server) errorText(c *gin.Context, err error) string {
	l := s.loc(c)
	switch wallscan.ErrorCode(err) {
	case wallscan.EUNAUTHORIZED:
		return l.T("login.wrong")
	case wallscan.ERATELIMIT:
		return l.T("login.ratelimit")
	}
	return wallscan.ErrorMessage(err)
}

func (s *Server) renderLogin(c *gin.Context, status int, next, msg string) {
	l := s.loc(c)
	s.render(c, status, "login", &pageData{L: l, Title: l.T("login.title"), Script: "login.js",
		Data: struct{ Next, Error string }{next, msg}})
}

func (s *Server) workshopsPage(c *gin.Context) {
	ws, err := s.cfg.Workshops.Workshops(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	l := s.loc(c)
	s.render(c, http.StatusOK, "workshops", &pageData{L: l, Title: l.T("workshops.title"), Script: "workshops.js", Data: ws})
}

// workshopPage renders one of the script-driven tabs of a workshop.
func (s *Server) workshopPage(tab string) gin.HandlerFunc {
	return func(c *gin.Context) {
		w, err := s.workshop(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		l := s.loc(c)
		s.render(c, http.StatusOK, tab, &pageData{L: l, Title: l.T("tab."+tab) + " · " + w.Title,
			Workshop: w, Tab: tab, Script: tab + ".js"})
	}
}

func (s *Server) matrixPage(c *gin.Context) {
	w, rep := s.workshopReport(c)
	if rep == nil {
		return
	}
	l := s.loc(c)
	s.render(c, http.StatusOK, "matrix", &pageData{L: l, Title: l.T("tab.matrix") + " · " + w.Title,
		Workshop: w, Tab: "matrix", Data: rep})
}

func (s *Server) kioskPage(c *gin.Context) {
	w := ctxWorkshop(c)
	l := s.loc(c)
	s.render(c, http.StatusOK, "kiosk", &pageData{L: l, Title: l.T("kiosk.title") + " · " + w.Title,
		Script: "kiosk.js", BodyClass: "kiosk", Data: struct{ Title, Code string }{w.Title, c.Param("code")}})
}

// vocabText shows a workshop's vocabulary for editing: its words on the
// first line, comma-separated, and each theme of its own ("Label: term,
// term") on a line of its own, the way settings.js reads it back.
func vocabText(entries []string) string {
	var words, themes []string
	for _, e := range entries {
		if label, _ := wallscan.ParseVocabularyEntry(e); label != "" {
			themes = append(themes, e)
		} else {
			words = append(words, e)
		}
	}
	lines := themes
	if len(words) > 0 {
		lines = append([]string{strings.Join(words, ", ")}, themes...)
	}
	return strings.Join(lines, "\n")
}
