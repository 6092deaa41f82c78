package dashboard

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// Report is everything a director reads about one workshop: the JSON
// export, and the data of the report page, the PDF, Markdown and CSV.
type Report struct {
	Workshop *wallscan.Workshop `json:"workshop"`
	// Perspectives are the matrix columns: the legend's names in order,
	// then "" for notes whose colour the legend does not name, if any.
	Perspectives []string          `json:"perspectives"`
	Clusters     []*ReportCluster  `json:"clusters"`
	Photos       []*wallscan.Photo `json:"photos"`
	NoteCount    int               `json:"note_count"`
	GeneratedAt  time.Time         `json:"generated_at"`
}

// ReportCluster is one cluster of the report, with its notes.
type ReportCluster struct {
	ID       int64    `json:"id"` // 0 for the notes not grouped yet
	Label    string   `json:"label"`
	Keywords []string `json:"keywords"`
	Unsorted bool     `json:"unsorted"`
	Locked   bool     `json:"locked"`
	Count    int      `json:"count"`
	// Perspectives names those that raised the cluster, most notes first.
	Perspectives []string `json:"perspectives"`
	// Counts holds the notes per Report.Perspectives column.
	Counts []int         `json:"counts"`
	Notes  []*ReportNote `json:"notes"`
}

// ReportNote is one note in the report.
type ReportNote struct {
	ID          int64          `json:"id"`
	PhotoID     int64          `json:"photo_id"`
	Wall        string         `json:"wall"`
	Index       int            `json:"index"`
	Text        string         `json:"text"`
	Color       wallscan.Color `json:"color"`
	Perspective string         `json:"perspective"`
	Confidence  float64        `json:"confidence"`
	Review      bool           `json:"review"`
	Edited      bool           `json:"edited"`
}

// buildReport gathers a workshop's report: clusters by size (largest
// first, the unsorted notes last), each with its notes and the
// perspectives that raised them.
func (s *Server) buildReport(ctx context.Context, w *wallscan.Workshop) (*Report, error) {
	photos, err := s.cfg.Photos.Photos(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	all, err := s.cfg.Notes.Notes(ctx, wallscan.NoteFilter{WorkshopID: w.ID})
	if err != nil {
		return nil, err
	}
	// One note on the wall is one finding: a duplicate (the same note on
	// an earlier, overlapping photo) is counted where it was seen first.
	notes := all[:0:0]
	for _, n := range all {
		if n.DuplicateOf == 0 {
			notes = append(notes, n)
		}
	}
	clusters, err := s.cfg.Clusters.Clusters(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	rep := &Report{Workshop: w, Photos: photos, NoteCount: len(notes), GeneratedAt: time.Now().UTC()}
	if rep.Photos == nil {
		rep.Photos = []*wallscan.Photo{}
	}
	column := map[string]int{}
	for _, p := range w.Legend {
		if _, ok := column[p.Name]; !ok {
			column[p.Name] = len(rep.Perspectives)
			rep.Perspectives = append(rep.Perspectives, p.Name)
		}
	}
	wall := map[int64]string{}
	for _, p := range photos {
		wall[p.ID] = p.Wall
	}
	byID := map[int64]*ReportCluster{}
	for _, c := range clusters {
		rc := &ReportCluster{ID: c.ID, Label: c.Label, Keywords: c.Keywords, Unsorted: c.Unsorted, Locked: c.Locked}
		if rc.Keywords == nil {
			rc.Keywords = []string{}
		}
		byID[c.ID] = rc
		rep.Clusters = append(rep.Clusters, rc)
	}
	var loose *ReportCluster
	for _, n := range notes {
		rn := &ReportNote{ID: n.ID, PhotoID: n.PhotoID, Wall: wall[n.PhotoID], Index: n.Index, Text: n.Text,
			Color: n.Color, Perspective: w.PerspectiveOf(n.Color), Confidence: n.Confidence, Review: n.Review, Edited: n.Edited}
		if _, ok := column[rn.Perspective]; !ok {
			column[rn.Perspective] = len(rep.Perspectives)
			rep.Perspectives = append(rep.Perspectives, rn.Perspective)
		}
		rc := byID[n.ClusterID]
		if rc == nil {
			if loose == nil {
				loose = &ReportCluster{Unsorted: true, Keywords: []string{}}
			}
			rc = loose
		}
		rc.Notes = append(rc.Notes, rn)
	}
	if loose != nil {
		rep.Clusters = append(rep.Clusters, loose)
	}
	if rep.Perspectives == nil {
		rep.Perspectives = []string{}
	}
	kept := rep.Clusters[:0]
	for _, rc := range rep.Clusters {
		if len(rc.Notes) == 0 {
			continue
		}
		rc.Count = len(rc.Notes)
		rc.Counts = make([]int, len(rep.Perspectives))
		for _, n := range rc.Notes {
			rc.Counts[column[n.Perspective]]++
		}
		for i, name := range rep.Perspectives {
			if name != "" && rc.Counts[i] > 0 {
				rc.Perspectives = append(rc.Perspectives, name)
			}
		}
		sort.SliceStable(rc.Perspectives, func(i, j int) bool {
			return rc.Counts[column[rc.Perspectives[i]]] > rc.Counts[column[rc.Perspectives[j]]]
		})
		if rc.Perspectives == nil {
			rc.Perspectives = []string{}
		}
		kept = append(kept, rc)
	}
	rep.Clusters = kept
	sort.SliceStable(rep.Clusters, func(i, j int) bool {
		a, b := rep.Clusters[i], rep.Clusters[j]
		if a.Unsorted != b.Unsorted {
			return b.Unsorted
		}
		return a.Count > b.Count
	})
	if rep.Clusters == nil {
		rep.Clusters = []*ReportCluster{}
	}
	return rep, nil
}

// Totals returns the notes per perspective column over all clusters.
func (r *Report) Totals() []int {
	t := make([]int, len(r.Perspectives))
	for _, c := range r.Clusters {
		for i, n := range c.Counts {
			t[i] += n
		}
	}
	return t
}

// reportView is the data of the report page; Base prefixes the image URLs
// and the download links, so one template serves the director's link and
// the facilitator's preview.
type reportView struct {
	*Report
	ImageBase string // photos: ImageBase/photos/ID/image, crops: ImageBase/notes/ID/crop
	Export    string // downloads: Export/pdf, ...
}

func (s *Server) renderReport(c *gin.Context, w *wallscan.Workshop, imageBase, export string, facilitator bool) {
	rep := s.report(c, w)
	if rep == nil {
		return
	}
	l := s.loc(c)
	d := &pageData{L: l, Title: l.T("report.title") + " · " + w.Title, BodyClass: "report", Script: "report.js",
		Data: reportView{Report: rep, ImageBase: imageBase, Export: export}}
	if facilitator {
		d.Workshop, d.Tab = w, "report"
	}
	s.render(c, http.StatusOK, "report", d)
}

func (s *Server) directorReportPage(c *gin.Context) {
	base := "/r/" + c.Param("token")
	s.renderReport(c, ctxWorkshop(c), base, base+"/export", false)
}

func (s *Server) facilitatorReportPage(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderReport(c, w, "/api/v1", "/workshops/"+c.Param("id")+"/export", true)
}

// report builds the report of w. On error it answers the error and
// returns nil.
func (s *Server) report(c *gin.Context, w *wallscan.Workshop) *Report {
	rep, err := s.buildReport(c.Request.Context(), w)
	if err != nil {
		s.fail(c, err)
		return nil
	}
	return rep
}

// workshopReport loads the workshop of the :id path parameter and builds
// its report. On error it answers the error and returns a nil report.
func (s *Server) workshopReport(c *gin.Context) (*wallscan.Workshop, *Report) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return nil, nil
	}
	return w, s.report(c, w)
}

func (s *Server) getReport(c *gin.Context) {
	if _, rep := s.workshopReport(c); rep != nil {
		c.JSON(http.StatusOK, rep)
	}
}

func (s *Server) sharedReport(c *gin.Context) {
	if rep := s.report(c, ctxWorkshop(c)); rep != nil {
		c.JSON(http.StatusOK, rep)
	}
}

// matrixJSON is the answer of GET /workshops/:id/matrix.
type matrixJSON struct {
	Perspectives []string    `json:"perspectives"`
	Rows         []matrixRow `json:"rows"`
	Totals       []int       `json:"totals"`
}

type matrixRow struct {
	ClusterID int64  `json:"cluster_id"`
	Label     string `json:"label"`
	Unsorted  bool   `json:"unsorted"`
	Counts    []int  `json:"counts"`
	Total     int    `json:"total"`
}

func (s *Server) getMatrix(c *gin.Context) {
	_, rep := s.workshopReport(c)
	if rep == nil {
		return
	}
	m := matrixJSON{Perspectives: rep.Perspectives, Rows: []matrixRow{}, Totals: rep.Totals()}
	for _, rc := range rep.Clusters {
		m.Rows = append(m.Rows, matrixRow{ClusterID: rc.ID, Label: rc.Label, Unsorted: rc.Unsorted, Counts: rc.Counts, Total: rc.Count})
	}
	c.JSON(http.StatusOK, m)
}

func (s *Server) sharedPhotoImage(c *gin.Context) { s.sendPhotoImage(c, ctxWorkshop(c).ID) }

func (s *Server) sharedNoteCrop(c *gin.Context) { s.sendNoteCrop(c, ctxWorkshop(c).ID) }
