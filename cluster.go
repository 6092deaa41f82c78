package wallscan

import (
	"context"
	"time"
)

// Cluster is one theme of barriers: notes grouped together, with a label.
type Cluster struct {
	ID         int64    `json:"id"`
	WorkshopID int64    `json:"workshop_id"`
	Label      string   `json:"label"`
	Keywords   []string `json:"keywords"`
	// Theme is the lexicon theme the cluster belongs to, if any.
	Theme string `json:"theme,omitempty"`
	// Representative is the note that best stands for the cluster, or 0.
	Representative int64 `json:"representative,omitempty"`
	// Unsorted marks the one cluster per workshop that holds the notes that
	// fit no theme ("Overig").
	Unsorted bool `json:"unsorted"`
	// Locked clusters are the facilitator's: automatic grouping never
	// changes their label or takes notes out of them.
	Locked bool `json:"locked"`
	// Renamed is set when the facilitator chose the label; re-grouping keeps it.
	Renamed bool `json:"renamed"`
	// Position orders clusters on the board.
	Position int       `json:"position"`
	NoteIDs  []int64   `json:"note_ids"`
	Updated  time.Time `json:"updated_at"`
}

// ClusterService stores clusters and the facilitator's curation of them.
// Every method is one transaction.
type ClusterService interface {
	// Clusters returns a workshop's clusters in board order, with NoteIDs.
	Clusters(ctx context.Context, workshopID int64) ([]*Cluster, error)
	// ApplyGroups stores an automatic grouping of a workshop's notes. It
	// keeps everything the facilitator curated (locked clusters, pinned
	// notes, renamed labels) even if groups disagree, since the facilitator
	// may have acted after the grouping began.
	ApplyGroups(ctx context.Context, workshopID int64, groups []Group) error
}

// Group is a cluster as the Grouper sees it: keys instead of database IDs,
// so the same code serves the server, `wallscan scan` and `wallscan cluster`.
type Group struct {
	Key            string   `json:"id"`
	Label          string   `json:"label"`
	Keywords       []string `json:"keywords"`
	Theme          string   `json:"theme,omitempty"`
	Notes          []string `json:"notes"`
	Representative string   `json:"representative,omitempty"`
	Unsorted       bool     `json:"unsorted,omitempty"`
	Locked         bool     `json:"locked,omitempty"`
	Renamed        bool     `json:"renamed,omitempty"`
}

// GroupNote is a note as the Grouper sees it.
type GroupNote struct {
	Key   string `json:"id"`
	Text  string `json:"text"`
	Photo string `json:"photo,omitempty"`
	Color Color  `json:"color,omitempty"`
	// X and Y are the normalised position on the photo; HasPosition is false
	// when the note came without one (for example `wallscan cluster` input).
	X           float64 `json:"x,omitempty"`
	Y           float64 `json:"y,omitempty"`
	HasPosition bool    `json:"-"`
	// Neighbours holds keys of notes that sat next to this one on the wall.
	Neighbours []string `json:"neighbours,omitempty"`
}

// GroupRequest is the input of one grouping.
type GroupRequest struct {
	Notes []GroupNote
	// Curated holds the facilitator's groups: Locked ones are fixed and act
	// as labelled examples; Renamed ones keep their label.
	Curated []Group
	// Pins maps a note key to the key of the curated group it was placed in
	// by hand.
	Pins map[string]string
	// Vocabulary holds the workshop's own terms.
	Vocabulary []string
}

// Grouper groups notes into themes. The same request always gives the same
// groups. Curated groups come back with their keys; notes that fit no theme
// go to one group with Unsorted set.
type Grouper interface {
	Group(ctx context.Context, req GroupRequest) ([]Group, error)
}

// UnknownWord is a word that a workshop's notes use and the grouping does
// not know: a candidate for the workshop's vocabulary, where it names a
// concept of its own, a synonym of a known term or a term of a theme of
// the workshop's own ("Chat en apps: WhatsApp, Signal").
type UnknownWord struct {
	// Word is the word as most of its notes write it.
	Word string `json:"word"`
	// Notes counts the notes that use it.
	Notes int `json:"notes"`
	// Example is the text of the first note that uses it.
	Example string `json:"example"`
}

// VocabularyAdvisor is a Grouper that can also say which words of a
// request's notes it does not know, most used first, so that the
// facilitator can teach it the workshop's own names and jargon.
type VocabularyAdvisor interface {
	UnknownWords(ctx context.Context, req GroupRequest) ([]UnknownWord, error)
}
