package dashboard

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// exportFormats are the report downloads, with their content types.
var exportFormats = map[string]string{
	"pdf":  "application/pdf",
	"md":   "text/markdown; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"json": "application/json",
}

func (s *Server) directorExport(c *gin.Context) { s.export(c, ctxWorkshop(c)) }

func (s *Server) facilitatorExport(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.export(c, w)
}

// export answers the report of w in the :format of the path as a download.
func (s *Server) export(c *gin.Context, w *wallscan.Workshop) {
	format := c.Param("format")
	ct, ok := exportFormats[format]
	if !ok {
		s.fail(c, wallscan.Errorf(wallscan.ENOTFOUND, "There is no %q download; choose pdf, md, csv or json.", format))
		return
	}
	rep := s.report(c, w)
	if rep == nil {
		return
	}
	l := s.loc(c)
	var data []byte
	var err error
	switch format {
	case "pdf":
		data, err = s.reportPDF(c.Request.Context(), rep, l)
	case "md":
		data = reportMarkdown(rep, l)
	case "csv":
		data, err = reportCSV(rep, l)
	case "json":
		data, err = json.MarshalIndent(rep, "", "  ")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, fileStem(w), format))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ct, data)
}

var unsafeFileChars = regexp.MustCompile(`[^a-z0-9]+`)

// fileStem names a workshop's downloads: "wallscan-<title>-<date>", in
// plain ASCII.
func fileStem(w *wallscan.Workshop) string {
	stem := strings.Trim(unsafeFileChars.ReplaceAllString(strings.ToLower(w.Title), "-"), "-")
	if len(stem) > 40 {
		stem = strings.Trim(stem[:40], "-")
	}
	parts := []string{"wallscan"}
	if stem != "" {
		parts = append(parts, stem)
	}
	if w.Date != "" {
		parts = append(parts, w.Date)
	}
	return strings.Join(parts, "-")
}

// perspectiveName shows the column "" as the localised "no perspective".
func perspectiveName(l *localizer, name string) string {
	if name == "" {
		return l.T("report.noperspective")
	}
	return name
}

// clusterLabel shows the cluster of loose notes by its localised name.
func clusterLabel(l *localizer, c *ReportCluster) string {
	if c.Unsorted || c.Label == "" {
		return l.T("board.unsorted")
	}
	return c.Label
}

// oneLine puts a multi-line note text on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "#", `\#`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "`", "\\`")
	return r.Replace(oneLine(s))
}

// reportMarkdown writes the report as Markdown: the case, each cluster
// with its notes, the matrix, the photos.
func reportMarkdown(rep *Report, l *localizer) []byte {
	var b bytes.Buffer
	w := rep.Workshop
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(w.Title))
	if w.Case != "" {
		fmt.Fprintf(&b, "**%s:** %s  \n", l.T("workshop.case"), mdEscape(w.Case))
	}
	if w.Date != "" {
		fmt.Fprintf(&b, "**%s:** %s  \n", l.T("workshop.date"), mdEscape(w.Date))
	}
	fmt.Fprintf(&b, "**%s:** %d, **%s:** %d\n\n", l.T("report.notes"), rep.NoteCount, l.T("report.clusters"), len(rep.Clusters))
	fmt.Fprintf(&b, "## %s\n\n", l.T("report.clusters"))
	for i, c := range rep.Clusters {
		fmt.Fprintf(&b, "### %d. %s (%d)\n\n", i+1, mdEscape(clusterLabel(l, c)), c.Count)
		if len(c.Perspectives) > 0 {
			fmt.Fprintf(&b, "%s: %s\n\n", l.T("report.raisedby"), mdEscape(strings.Join(c.Perspectives, ", ")))
		}
		for _, n := range c.Notes {
			text := mdEscape(n.Text)
			if text == "" {
				text = "_" + l.T("note.empty") + "_"
			}
			fmt.Fprintf(&b, "- %s (%s)\n", text, mdEscape(perspectiveName(l, n.Perspective)))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "## %s\n\n| %s |", l.T("tab.matrix"), l.T("matrix.cluster"))
	for _, p := range rep.Perspectives {
		fmt.Fprintf(&b, " %s |", mdEscape(perspectiveName(l, p)))
	}
	fmt.Fprintf(&b, " %s |\n|---|", l.T("matrix.total"))
	for range rep.Perspectives {
		b.WriteString("---:|")
	}
	b.WriteString("---:|\n")
	for _, c := range rep.Clusters {
		fmt.Fprintf(&b, "| %s |", mdEscape(clusterLabel(l, c)))
		for _, n := range c.Counts {
			fmt.Fprintf(&b, " %d |", n)
		}
		fmt.Fprintf(&b, " %d |\n", c.Count)
	}
	if len(rep.Photos) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", l.T("report.photos"))
		for _, p := range rep.Photos {
			name := p.Wall
			if name == "" {
				name = p.Filename
			}
			fmt.Fprintf(&b, "- %s: %d %s\n", mdEscape(name), p.NotesFound, l.T("report.notes"))
		}
	}
	return b.Bytes()
}

// csvSafe keeps a spreadsheet from running a note's text as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// reportCSV writes one row per note, with its cluster and perspective.
// The header names are fixed (English), so scripts can rely on them.
func reportCSV(rep *Report, l *localizer) ([]byte, error) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write([]string{"cluster_id", "cluster", "note_id", "photo_id", "wall", "index", "color", "perspective", "text", "confidence", "review", "edited"})
	for _, c := range rep.Clusters {
		for _, n := range c.Notes {
			cw.Write([]string{
				strconv.FormatInt(c.ID, 10), csvSafe(clusterLabel(l, c)), strconv.FormatInt(n.ID, 10),
				strconv.FormatInt(n.PhotoID, 10), csvSafe(n.Wall), strconv.Itoa(n.Index), string(n.Color),
				csvSafe(n.Perspective), csvSafe(n.Text), strconv.FormatFloat(n.Confidence, 'f', 1, 64),
				strconv.FormatBool(n.Review), strconv.FormatBool(n.Edited),
			})
		}
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}
