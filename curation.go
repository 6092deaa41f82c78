package wallscan

import "context"

// ClusterUpdate holds the facilitator's changes to a cluster; nil fields stay.
type ClusterUpdate struct {
	Label    *string
	Locked   *bool
	Position *int
}

// CurationService holds the facilitator's hand work on a workshop's
// clusters. Every method is one transaction, and every change it makes is
// one the automatic grouping keeps: a moved note is pinned, a new label
// marks the cluster Renamed. Each action is logged so Undo can reverse it.
type CurationService interface {
	// CreateCluster adds an empty, facilitator-made cluster at the end of
	// the board. EINVALID (label empty or too long), ENOTFOUND (workshop).
	CreateCluster(ctx context.Context, workshopID int64, label string) (*Cluster, error)
	// UpdateCluster applies u; a new label sets Renamed. EINVALID, ENOTFOUND.
	UpdateCluster(ctx context.Context, id int64, u ClusterUpdate) (*Cluster, error)
	// MoveNote puts a note into a cluster and pins it there; clusterID 0
	// means the workshop's Unsorted cluster. ENOTFOUND, EINVALID (the
	// cluster belongs to another workshop).
	MoveNote(ctx context.Context, noteID, clusterID int64) error
	// MergeClusters moves the notes of from into into (pinned) and deletes
	// from. ENOTFOUND, EINVALID (same cluster, other workshop).
	MergeClusters(ctx context.Context, intoID, fromID int64) error
	// SplitCluster moves the given notes of a cluster to a new cluster
	// with label, pinned. EINVALID (no notes, a note not in the cluster,
	// bad label), ENOTFOUND.
	SplitCluster(ctx context.Context, id int64, noteIDs []int64, label string) (*Cluster, error)
	// DeleteCluster deletes a cluster; its notes go to Unsorted, unpinned.
	// ENOTFOUND, EINVALID (the Unsorted cluster itself while it holds notes).
	DeleteCluster(ctx context.Context, id int64) error
	// Undo reverses the last curation action of the workshop. ENOTFOUND
	// when there is nothing to undo.
	Undo(ctx context.Context, workshopID int64) error
}
