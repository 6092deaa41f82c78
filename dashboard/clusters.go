package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"wallscan"
)

func (s *Server) listClusters(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cs, err := s.cfg.Clusters.Clusters(c.Request.Context(), w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if cs == nil {
		cs = []*wallscan.Cluster{}
	}
	for _, cl := range cs {
		if cl.NoteIDs == nil {
			cl.NoteIDs = []int64{}
		}
		if cl.Keywords == nil {
			cl.Keywords = []string{}
		}
	}
	c.JSON(http.StatusOK, cs)
}

// workshopCluster loads the workshop of :id and checks that the cluster of
// :cluster belongs to it.
func (s *Server) workshopCluster(c *gin.Context) (*wallscan.Workshop, int64, error) {
	w, err := s.workshop(c)
	if err != nil {
		return nil, 0, err
	}
	id, err := paramID(c, "cluster", "cluster")
	if err != nil {
		return nil, 0, err
	}
	if err := s.clusterOf(c, w.ID, id); err != nil {
		return nil, 0, err
	}
	return w, id, nil
}

// clusterOf returns ENOTFOUND unless cluster id belongs to the workshop.
func (s *Server) clusterOf(c *gin.Context, workshopID, id int64) error {
	cs, err := s.cfg.Clusters.Clusters(c.Request.Context(), workshopID)
	if err != nil {
		return err
	}
	for _, cl := range cs {
		if cl.ID == id {
			return nil
		}
	}
	return wallscan.Errorf(wallscan.ENOTFOUND, "There is no cluster %d in this workshop.", id)
}

func (s *Server) clustersChanged(workshopID int64) {
	s.events.Publish(wallscan.Event{Type: wallscan.EventClustersChanged, WorkshopID: workshopID})
}

func (s *Server) createCluster(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		Label string `json:"label"`
	}
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if err := checkLabel(in.Label); err != nil {
		s.fail(c, err)
		return
	}
	cl, err := s.cfg.Curation.CreateCluster(c.Request.Context(), w.ID, in.Label)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.JSON(http.StatusCreated, cl)
}

func checkLabel(label string) error {
	switch {
	case label == "":
		return wallscan.Errorf(wallscan.EINVALID, "A cluster needs a label.")
	case len(label) > wallscan.MaxTitle:
		return wallscan.Errorf(wallscan.EINVALID, "The label is longer than %d characters.", wallscan.MaxTitle)
	}
	return nil
}

// clusterPatch is the body of PATCH .../clusters/:cluster.
type clusterPatch struct {
	Label    *string `json:"label"`
	Locked   *bool   `json:"locked"`
	Position *int    `json:"position"`
}

func (s *Server) updateCluster(c *gin.Context) {
	w, id, err := s.workshopCluster(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in clusterPatch
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if in.Label != nil {
		if err := checkLabel(*in.Label); err != nil {
			s.fail(c, err)
			return
		}
	}
	cl, err := s.cfg.Curation.UpdateCluster(c.Request.Context(), id, wallscan.ClusterUpdate{Label: in.Label, Locked: in.Locked, Position: in.Position})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.JSON(http.StatusOK, cl)
}

func (s *Server) deleteCluster(c *gin.Context) {
	w, id, err := s.workshopCluster(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.cfg.Curation.DeleteCluster(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.Status(http.StatusNoContent)
}

func (s *Server) mergeClusters(c *gin.Context) {
	w, id, err := s.workshopCluster(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		From int64 `json:"from"`
	}
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if in.From == id {
		s.fail(c, wallscan.Errorf(wallscan.EINVALID, "A cluster cannot be merged into itself."))
		return
	}
	if err := s.clusterOf(c, w.ID, in.From); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.cfg.Curation.MergeClusters(c.Request.Context(), id, in.From); err != nil {
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.Status(http.StatusNoContent)
}

// MaxSplitNotes is the most notes one split request may name.
const MaxSplitNotes = 1000

func (s *Server) splitCluster(c *gin.Context) {
	w, id, err := s.workshopCluster(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		NoteIDs []int64 `json:"note_ids"`
		Label   string  `json:"label"`
	}
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case len(in.NoteIDs) == 0:
		s.fail(c, wallscan.Errorf(wallscan.EINVALID, "Name the notes to split off in \"note_ids\"."))
		return
	case len(in.NoteIDs) > MaxSplitNotes:
		s.fail(c, wallscan.Errorf(wallscan.EINVALID, "A split may name at most %d notes.", MaxSplitNotes))
		return
	}
	if err := checkLabel(in.Label); err != nil {
		s.fail(c, err)
		return
	}
	cl, err := s.cfg.Curation.SplitCluster(c.Request.Context(), id, in.NoteIDs, in.Label)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.JSON(http.StatusCreated, cl)
}

func (s *Server) moveNote(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	n, err := s.note(c, "note", w.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in struct {
		ClusterID *int64 `json:"cluster_id"`
	}
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	if in.ClusterID == nil || *in.ClusterID < 0 {
		s.fail(c, wallscan.Errorf(wallscan.EINVALID, "Name the target in \"cluster_id\" (0 for unsorted)."))
		return
	}
	if *in.ClusterID != 0 {
		if err := s.clusterOf(c, w.ID, *in.ClusterID); err != nil {
			s.fail(c, err)
			return
		}
	}
	if err := s.cfg.Curation.MoveNote(c.Request.Context(), n.ID, *in.ClusterID); err != nil {
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.Status(http.StatusNoContent)
}

func (s *Server) undo(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.cfg.Curation.Undo(c.Request.Context(), w.ID); err != nil {
		if wallscan.ErrorCode(err) == wallscan.ENOTFOUND {
			err = wallscan.Errorf(wallscan.ECONFLICT, "There is nothing to undo.")
		}
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.Status(http.StatusNoContent)
}

func (s *Server) regroup(c *gin.Context) {
	w, err := s.workshop(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if s.cfg.Regrouper == nil {
		s.fail(c, wallscan.Errorf(wallscan.EUNSUPPORTED, "Grouping is not available on this server."), http.StatusNotImplemented)
		return
	}
	if err := s.cfg.Regrouper.GroupWorkshop(c.Request.Context(), w.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.clustersChanged(w.ID)
	c.Status(http.StatusNoContent)
}
