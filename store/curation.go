package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"wallscan"
)

// MaxUndo is how many curation actions per workshop can be undone.
const MaxUndo = 100

// MaxPosition is the largest board position a facilitator can set.
const MaxPosition = 100_000

// snapshot is the state a curation action replaced: the clusters it
// changed or deleted as they were, the clusters it created, and the notes
// it moved with their old place. Undo puts exactly these back.
type snapshot struct {
	Clusters []clusterSnap `json:"clusters,omitempty"`
	Created  []int64       `json:"created,omitempty"`
	Notes    []noteSnap    `json:"notes,omitempty"`
}

type clusterSnap struct {
	ID             int64    `json:"id"`
	Label          string   `json:"label"`
	Keywords       []string `json:"keywords"`
	Theme          string   `json:"theme"`
	Representative int64    `json:"representative"`
	Unsorted       bool     `json:"unsorted"`
	Locked         bool     `json:"locked"`
	Renamed        bool     `json:"renamed"`
	Position       int      `json:"position"`
}

type noteSnap struct {
	ID        int64 `json:"id"`
	ClusterID int64 `json:"cluster_id"`
	Pinned    bool  `json:"pinned"`
}

func (s *snapshot) cluster(c *wallscan.Cluster) {
	s.Clusters = append(s.Clusters, clusterSnap{
		ID: c.ID, Label: c.Label, Keywords: c.Keywords, Theme: c.Theme, Representative: c.Representative,
		Unsorted: c.Unsorted, Locked: c.Locked, Renamed: c.Renamed, Position: c.Position,
	})
}

// notes records the place of the given notes.
func (s *snapshot) notes(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for _, id := range ids {
		var c sql.NullInt64
		var pinned bool
		if err := tx.QueryRowContext(ctx, `SELECT cluster_id, pinned FROM notes WHERE id = ?`, id).Scan(&c, &pinned); err != nil {
			return fmt.Errorf("note %d: %w", id, err)
		}
		s.Notes = append(s.Notes, noteSnap{ID: id, ClusterID: c.Int64, Pinned: pinned})
	}
	return nil
}

// logAction records an action's snapshot and forgets actions beyond MaxUndo.
func (db *DB) logAction(ctx context.Context, tx *sql.Tx, workshopID int64, action string, s *snapshot) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO curation_log (workshop_id, action, before, created_at) VALUES (?, ?, ?, ?)`,
		workshopID, action, string(data), formatTime(db.nowUTC())); err != nil {
		return fmt.Errorf("log %s: %w", action, err)
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM curation_log WHERE workshop_id = ? AND id <= (
		SELECT id FROM curation_log WHERE workshop_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
		workshopID, workshopID, MaxUndo)
	return err
}

func validLabel(label string) (string, error) {
	label = strings.TrimSpace(label)
	switch {
	case label == "":
		return "", wallscan.Errorf(wallscan.EINVALID, "A cluster needs a label.")
	case len(label) > wallscan.MaxTitle:
		return "", wallscan.Errorf(wallscan.EINVALID, "The label is longer than %d characters.", wallscan.MaxTitle)
	case !utf8.ValidString(label):
		return "", wallscan.Errorf(wallscan.EINVALID, "The label is not valid UTF-8 text.")
	}
	return label, nil
}

// nextPosition returns the position after the last cluster of a workshop.
func nextPosition(ctx context.Context, tx *sql.Tx, workshopID int64) (int, error) {
	var pos sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(position) FROM clusters WHERE workshop_id = ?`, workshopID).Scan(&pos); err != nil {
		return 0, err
	} else if !pos.Valid {
		return 0, nil
	}
	return int(pos.Int64) + 1, nil
}

// CreateCluster implements wallscan.CurationService. The new cluster is
// Renamed: its label is the facilitator's.
func (db *DB) CreateCluster(ctx context.Context, workshopID int64, label string) (*wallscan.Cluster, error) {
	label, err := validLabel(label)
	if err != nil {
		return nil, err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := workshopExists(ctx, tx, workshopID); err != nil {
		return nil, err
	}
	c, err := db.createCuratedCluster(ctx, tx, workshopID, label)
	if err != nil {
		return nil, err
	}
	if err := db.logAction(ctx, tx, workshopID, "create", &snapshot{Created: []int64{c.ID}}); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

func (db *DB) createCuratedCluster(ctx context.Context, tx *sql.Tx, workshopID int64, label string) (*wallscan.Cluster, error) {
	pos, err := nextPosition(ctx, tx, workshopID)
	if err != nil {
		return nil, err
	}
	c := &wallscan.Cluster{WorkshopID: workshopID, Label: label, Renamed: true, Position: pos,
		Keywords: []string{}, NoteIDs: []int64{}}
	if err := db.insertCluster(ctx, tx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCluster implements wallscan.CurationService.
func (db *DB) UpdateCluster(ctx context.Context, id int64, u wallscan.ClusterUpdate) (*wallscan.Cluster, error) {
	var label string
	if u.Label != nil {
		var err error
		if label, err = validLabel(*u.Label); err != nil {
			return nil, err
		}
	}
	if u.Position != nil && (*u.Position < 0 || *u.Position > MaxPosition) {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The position must be between 0 and %d.", MaxPosition)
	}
	tx, c, err := db.beginWriteCluster(ctx, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var s snapshot
	s.cluster(c)
	if u.Label != nil {
		c.Label, c.Renamed = label, true
	}
	if u.Locked != nil {
		c.Locked = *u.Locked
	}
	if u.Position != nil {
		c.Position = *u.Position
	}
	if err := db.updateCluster(ctx, tx, c); err != nil {
		return nil, err
	}
	if err := db.logAction(ctx, tx, c.WorkshopID, "update", &s); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

// beginWriteCluster begins a write transaction and reads cluster id in
// it; ENOTFOUND when there is no such cluster. The caller rolls back or
// commits.
func (db *DB) beginWriteCluster(ctx context.Context, id int64) (*sql.Tx, *wallscan.Cluster, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := findCluster(ctx, tx, id)
	if err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	return tx, c, nil
}

// MoveNote implements wallscan.CurationService.
func (db *DB) MoveNote(ctx context.Context, noteID, clusterID int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	n, err := findNote(ctx, tx, noteID)
	if err != nil {
		return err
	}
	var s snapshot
	var c *wallscan.Cluster
	if clusterID == 0 {
		var created bool
		if c, created, err = db.unsortedCluster(ctx, tx, n.WorkshopID); err != nil {
			return err
		} else if created {
			s.Created = append(s.Created, c.ID)
		}
	} else if c, err = findCluster(ctx, tx, clusterID); err != nil {
		return err
	} else if c.WorkshopID != n.WorkshopID {
		return wallscan.Errorf(wallscan.EINVALID, "Note %d and cluster %d belong to different workshops.", noteID, clusterID)
	}
	if err := s.notes(ctx, tx, []int64{noteID}); err != nil {
		return err
	}
	if err := db.placeNotes(ctx, tx, []int64{noteID}, c.ID, true); err != nil {
		return err
	}
	if err := db.logAction(ctx, tx, n.WorkshopID, "move", &s); err != nil {
		return err
	}
	return tx.Commit()
}

// placeNotes puts notes into a cluster, pinned or not.
func (db *DB) placeNotes(ctx context.Context, tx *sql.Tx, noteIDs []int64, clusterID int64, pinned bool) error {
	now := formatTime(db.nowUTC())
	for _, id := range noteIDs {
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET cluster_id = ?, pinned = ?, updated_at = ? WHERE id = ?`,
			nullID(clusterID), pinned, now, id); err != nil {
			return fmt.Errorf("place note %d: %w", id, err)
		}
	}
	return nil
}

// MergeClusters implements wallscan.CurationService.
func (db *DB) MergeClusters(ctx context.Context, intoID, fromID int64) error {
	if intoID == fromID {
		return wallscan.Errorf(wallscan.EINVALID, "A cluster cannot be merged into itself.")
	}
	tx, into, err := db.beginWriteCluster(ctx, intoID)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	from, err := findCluster(ctx, tx, fromID)
	if err != nil {
		return err
	}
	if into.WorkshopID != from.WorkshopID {
		return wallscan.Errorf(wallscan.EINVALID, "Clusters %d and %d belong to different workshops.", intoID, fromID)
	}
	var s snapshot
	s.cluster(from)
	if err := s.notes(ctx, tx, from.NoteIDs); err != nil {
		return err
	}
	if err := db.placeNotes(ctx, tx, from.NoteIDs, into.ID, true); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM clusters WHERE id = ?`, from.ID); err != nil {
		return fmt.Errorf("delete cluster %d: %w", from.ID, err)
	}
	if err := db.logAction(ctx, tx, into.WorkshopID, "merge", &s); err != nil {
		return err
	}
	return tx.Commit()
}

// SplitCluster implements wallscan.CurationService.
func (db *DB) SplitCluster(ctx context.Context, id int64, noteIDs []int64, label string) (*wallscan.Cluster, error) {
	label, err := validLabel(label)
	if err != nil {
		return nil, err
	}
	if len(noteIDs) == 0 {
		return nil, wallscan.Errorf(wallscan.EINVALID, "Choose at least one note to split off.")
	}
	tx, c, err := db.beginWriteCluster(ctx, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	in := map[int64]bool{}
	for _, n := range c.NoteIDs {
		in[n] = true
	}
	seen := map[int64]bool{}
	for _, n := range noteIDs {
		if !in[n] {
			return nil, wallscan.Errorf(wallscan.EINVALID, "Note %d is not in cluster %d.", n, id)
		} else if seen[n] {
			return nil, wallscan.Errorf(wallscan.EINVALID, "Note %d is named twice.", n)
		}
		seen[n] = true
	}
	var s snapshot
	if err := s.notes(ctx, tx, noteIDs); err != nil {
		return nil, err
	}
	nc, err := db.createCuratedCluster(ctx, tx, c.WorkshopID, label)
	if err != nil {
		return nil, err
	}
	s.Created = []int64{nc.ID}
	if err := db.placeNotes(ctx, tx, noteIDs, nc.ID, true); err != nil {
		return nil, err
	}
	if err := db.logAction(ctx, tx, c.WorkshopID, "split", &s); err != nil {
		return nil, err
	}
	if nc, err = findCluster(ctx, tx, nc.ID); err != nil {
		return nil, err
	}
	return nc, tx.Commit()
}

// DeleteCluster implements wallscan.CurationService.
func (db *DB) DeleteCluster(ctx context.Context, id int64) error {
	tx, c, err := db.beginWriteCluster(ctx, id)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if c.Unsorted && len(c.NoteIDs) > 0 {
		return wallscan.Errorf(wallscan.EINVALID, "The unsorted cluster cannot be deleted while it holds notes; move them first.")
	}
	var s snapshot
	s.cluster(c)
	if err := s.notes(ctx, tx, c.NoteIDs); err != nil {
		return err
	}
	if len(c.NoteIDs) > 0 {
		u, created, err := db.unsortedCluster(ctx, tx, c.WorkshopID)
		if err != nil {
			return err
		} else if created {
			s.Created = append(s.Created, u.ID)
		}
		if err := db.placeNotes(ctx, tx, c.NoteIDs, u.ID, false); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM clusters WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete cluster %d: %w", id, err)
	}
	if err := db.logAction(ctx, tx, c.WorkshopID, "delete", &s); err != nil {
		return err
	}
	return tx.Commit()
}

// Undo implements wallscan.CurationService. It puts back the clusters and
// note places the last action replaced. What automatic grouping did since
// is kept where it does not clash: notes that reached a cluster the action
// created go to Unsorted when that cluster goes.
func (db *DB) Undo(ctx context.Context, workshopID int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := workshopExists(ctx, tx, workshopID); err != nil {
		return err
	}
	var logID int64
	var data string
	err = tx.QueryRowContext(ctx, `SELECT id, before FROM curation_log WHERE workshop_id = ? ORDER BY id DESC LIMIT 1`,
		workshopID).Scan(&logID, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return wallscan.Errorf(wallscan.ENOTFOUND, "There is nothing to undo.")
	} else if err != nil {
		return err
	}
	var s snapshot
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		return fmt.Errorf("curation log %d: %w", logID, err)
	}
	if err := db.undo(ctx, tx, workshopID, &s); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM curation_log WHERE id = ?`, logID); err != nil {
		return err
	}
	return tx.Commit()
}

func (db *DB) undo(ctx context.Context, tx *sql.Tx, workshopID int64, s *snapshot) error {
	restored := map[int64]bool{}
	for _, n := range s.Notes {
		restored[n.ID] = true
	}
	// Clusters the action created go; notes that reached them since, and
	// are not put back below, go to Unsorted.
	for _, id := range s.Created {
		c, err := findCluster(ctx, tx, id)
		if wallscan.ErrorCode(err) == wallscan.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		var stray []int64
		for _, n := range c.NoteIDs {
			if !restored[n] {
				stray = append(stray, n)
			}
		}
		if err := db.placeNotes(ctx, tx, c.NoteIDs, 0, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM clusters WHERE id = ?`, id); err != nil {
			return err
		}
		if len(stray) > 0 {
			u, _, err := db.unsortedCluster(ctx, tx, workshopID)
			if err != nil {
				return err
			}
			if err := db.placeNotes(ctx, tx, stray, u.ID, false); err != nil {
				return err
			}
		}
	}
	// Clusters it changed or deleted come back as they were, with their IDs.
	for _, c := range s.Clusters {
		if err := db.restoreCluster(ctx, tx, workshopID, c); err != nil {
			return err
		}
	}
	// Notes go back to their places, if both still exist.
	for _, n := range s.Notes {
		var ws int64
		err := tx.QueryRowContext(ctx, `SELECT workshop_id FROM notes WHERE id = ?`, n.ID).Scan(&ws)
		if errors.Is(err, sql.ErrNoRows) || ws != workshopID {
			continue // the photo was processed again
		} else if err != nil {
			return err
		}
		target := n.ClusterID
		if target != 0 {
			var k int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM clusters WHERE id = ?`, target).Scan(&k); err != nil {
				return err
			} else if k == 0 {
				u, _, err := db.unsortedCluster(ctx, tx, workshopID)
				if err != nil {
					return err
				}
				target, n.Pinned = u.ID, false
			}
		}
		if err := db.placeNotes(ctx, tx, []int64{n.ID}, target, n.Pinned); err != nil {
			return err
		}
	}
	return nil
}

// restoreCluster writes a snapshot of a cluster back under its own ID. If
// it was the Unsorted cluster and another was made since, that one's notes
// join it and the other goes.
func (db *DB) restoreCluster(ctx context.Context, tx *sql.Tx, workshopID int64, c clusterSnap) error {
	var other []int64
	if c.Unsorted {
		cs, err := selectClusters(ctx, tx, `workshop_id = ? AND unsorted AND id != ?`, workshopID, c.ID)
		if err != nil {
			return err
		}
		for _, o := range cs {
			full, err := findCluster(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			other = append(other, full.NoteIDs...)
			if _, err := tx.ExecContext(ctx, `DELETE FROM clusters WHERE id = ?`, o.ID); err != nil {
				return err
			}
		}
	}
	var rep sql.NullInt64
	if c.Representative != 0 {
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notes WHERE id = ?`, c.Representative).Scan(&k); err != nil {
			return err
		}
		rep = nullID(c.Representative)
		rep.Valid = k > 0
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO clusters (id, workshop_id, label, keywords, theme, representative, unsorted, locked, renamed, position, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET label = excluded.label, keywords = excluded.keywords,
			theme = excluded.theme, representative = excluded.representative, unsorted = excluded.unsorted,
			locked = excluded.locked, renamed = excluded.renamed, position = excluded.position,
			updated_at = excluded.updated_at`,
		c.ID, workshopID, c.Label, jsonText(c.Keywords), c.Theme, rep, c.Unsorted, c.Locked, c.Renamed,
		c.Position, formatTime(db.nowUTC())); err != nil {
		return fmt.Errorf("restore cluster %d: %w", c.ID, err)
	}
	return db.placeNotes(ctx, tx, other, c.ID, false)
}
