package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"wallscan"
)

// UnsortedLabel is the label of a new Unsorted cluster when the grouping
// gives none.
const UnsortedLabel = "Overig"

// Clusters implements wallscan.ClusterService. ENOTFOUND (workshop).
func (db *DB) Clusters(ctx context.Context, workshopID int64) ([]*wallscan.Cluster, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := workshopExists(ctx, tx, workshopID); err != nil {
		return nil, err
	}
	return loadClusters(ctx, tx, workshopID)
}

// ApplyGroups implements wallscan.ClusterService. Everything the
// facilitator curated is read again inside the transaction, so a curation
// that committed while the grouping ran is kept:
//   - a locked cluster keeps its label, keywords and notes; it may receive
//     notes that are not pinned elsewhere;
//   - a renamed cluster keeps its label;
//   - a pinned note, and a note in a locked cluster, stays where it is;
//   - a curated cluster the facilitator deleted meanwhile is not brought back.
//
// Groups with a "c<ID>" key update that cluster, others create automatic
// clusters; groups marked Unsorted all go to the workshop's one Unsorted
// cluster. Automatic clusters left empty are deleted. Notes that no group
// names (found after the grouping began) stay where they are.
func (db *DB) ApplyGroups(ctx context.Context, workshopID int64, groups []wallscan.Group) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.applyGroups(ctx, tx, workshopID, groups); err != nil {
		return err
	}
	return tx.Commit()
}

// noteState is where a note sits.
type noteState struct {
	clusterID int64
	pinned    bool
}

func loadNoteStates(ctx context.Context, tx *sql.Tx, workshopID int64) (map[int64]noteState, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, cluster_id, pinned FROM notes WHERE workshop_id = ?`, workshopID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]noteState{}
	for rows.Next() {
		var id int64
		var c sql.NullInt64
		var s noteState
		if err := rows.Scan(&id, &c, &s.pinned); err != nil {
			return nil, err
		}
		s.clusterID = c.Int64
		out[id] = s
	}
	return out, rows.Err()
}

func cutLabel(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	if len(s) > wallscan.MaxTitle {
		s = strings.ToValidUTF8(s[:wallscan.MaxTitle], "")
	}
	return s
}

func cutKeywords(k []string) []string {
	const maxKeywords = 20
	if len(k) > maxKeywords {
		k = k[:maxKeywords]
	}
	out := make([]string, 0, len(k))
	for _, w := range k {
		out = append(out, cutLabel(w))
	}
	return out
}

func (db *DB) applyGroups(ctx context.Context, tx *sql.Tx, workshopID int64, groups []wallscan.Group) error {
	if err := workshopExists(ctx, tx, workshopID); err != nil {
		return err
	}
	list, err := loadClusters(ctx, tx, workshopID)
	if err != nil {
		return err
	}
	clusters := map[int64]*wallscan.Cluster{}
	was := map[int64]string{} // clusters as they were, to write only changes
	var unsorted *wallscan.Cluster
	for _, c := range list {
		clusters[c.ID] = c
		was[c.ID] = clusterFields(c)
		if c.Unsorted {
			unsorted = c
		}
	}
	notes, err := loadNoteStates(ctx, tx, workshopID)
	if err != nil {
		return err
	}
	protected := func(id int64) bool {
		s := notes[id]
		c := clusters[s.clusterID]
		return s.pinned || (c != nil && c.Locked)
	}
	noteID := func(key string) int64 {
		id, err := strconv.ParseInt(key, 10, 64)
		if _, ok := notes[id]; err != nil || !ok {
			return 0
		}
		return id
	}

	// Map each group to a cluster: existing, new, or none (dropped).
	targets := make([]*wallscan.Cluster, len(groups))
	used := map[int64]bool{}
	for i, g := range groups {
		var c *wallscan.Cluster
		id := wallscan.ParseClusterKey(g.Key)
		switch {
		case g.Unsorted:
			if unsorted == nil {
				unsorted = &wallscan.Cluster{WorkshopID: workshopID, Unsorted: true, Label: UnsortedLabel}
				if err := db.insertCluster(ctx, tx, unsorted); err != nil {
					return err
				}
				clusters[unsorted.ID] = unsorted
			}
			c = unsorted
		case id != 0 && clusters[id] != nil && !used[id] && !clusters[id].Unsorted:
			c = clusters[id]
		case id != 0 && clusters[id] == nil && (g.Locked || g.Renamed):
			// A curated cluster the facilitator deleted meanwhile.
			continue
		default:
			c = &wallscan.Cluster{WorkshopID: workshopID}
			if err := db.insertCluster(ctx, tx, c); err != nil {
				return err
			}
			clusters[c.ID] = c
		}
		used[c.ID] = true
		targets[i] = c
		if c.Locked {
			continue
		}
		if !c.Renamed {
			if label := cutLabel(g.Label); label != "" || !c.Unsorted {
				c.Label = label
			}
		}
		c.Keywords, c.Theme = cutKeywords(g.Keywords), cutLabel(g.Theme)
		if rep := noteID(g.Representative); rep != 0 {
			c.Representative = rep
		}
	}

	// Place the notes that are not the facilitator's.
	placed := map[int64]bool{}
	for i, g := range groups {
		c := targets[i]
		if c == nil {
			continue
		}
		for _, key := range g.Notes {
			id := noteID(key)
			if id == 0 || placed[id] || protected(id) {
				continue
			}
			placed[id] = true
			if notes[id].clusterID == c.ID {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notes SET cluster_id = ?, updated_at = ? WHERE id = ?`,
				c.ID, formatTime(db.nowUTC()), id); err != nil {
				return fmt.Errorf("place note %d: %w", id, err)
			}
			notes[id] = noteState{clusterID: c.ID}
		}
	}

	// Count what each cluster holds now; drop empty automatic clusters.
	count := map[int64]int{}
	for _, s := range notes {
		count[s.clusterID]++
	}
	for id, c := range clusters {
		if count[id] == 0 && !c.Locked && !c.Renamed {
			if _, err := tx.ExecContext(ctx, `DELETE FROM clusters WHERE id = ?`, id); err != nil {
				return fmt.Errorf("delete empty cluster %d: %w", id, err)
			}
			delete(clusters, id)
		}
	}

	// Board order: curated clusters keep their places; automatic ones
	// follow in the grouping's order, the Unsorted cluster last.
	next := 0
	for _, c := range clusters {
		if c.Locked || c.Renamed {
			next = max(next, c.Position+1)
		}
	}
	var auto []*wallscan.Cluster
	seen := map[int64]bool{}
	for _, c := range targets {
		if c != nil && clusters[c.ID] != nil && !seen[c.ID] && !c.Locked && !c.Renamed && !c.Unsorted {
			seen[c.ID] = true
			auto = append(auto, c)
		}
	}
	for _, c := range list { // automatic clusters no group named, in their old order
		if clusters[c.ID] != nil && !seen[c.ID] && !c.Locked && !c.Renamed && !c.Unsorted {
			seen[c.ID] = true
			auto = append(auto, c)
		}
	}
	for _, c := range auto {
		c.Position, next = next, next+1
	}
	if unsorted != nil && clusters[unsorted.ID] != nil && !unsorted.Locked && !unsorted.Renamed {
		unsorted.Position = next
	}
	for _, c := range clusters {
		if c.Representative != 0 && notes[c.Representative].clusterID != c.ID {
			c.Representative = 0
		}
		if clusterFields(c) == was[c.ID] {
			continue
		}
		if err := db.updateCluster(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// clusterFields returns the stored fields of c as one comparable string.
func clusterFields(c *wallscan.Cluster) string {
	return jsonText([]any{c.Label, c.Keywords, c.Theme, c.Representative, c.Unsorted, c.Locked, c.Renamed, c.Position})
}

// insertCluster stores a new cluster and sets its ID.
func (db *DB) insertCluster(ctx context.Context, tx *sql.Tx, c *wallscan.Cluster) error {
	c.Updated = db.nowUTC()
	res, err := tx.ExecContext(ctx, `
		INSERT INTO clusters (workshop_id, label, keywords, theme, representative, unsorted, locked, renamed, position, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.WorkshopID, c.Label, jsonText(c.Keywords), c.Theme, nullID(c.Representative), c.Unsorted,
		c.Locked, c.Renamed, c.Position, formatTime(c.Updated))
	if err != nil {
		return fmt.Errorf("insert cluster: %w", err)
	}
	c.ID, err = res.LastInsertId()
	return err
}

// updateCluster writes all fields of c.
func (db *DB) updateCluster(ctx context.Context, tx *sql.Tx, c *wallscan.Cluster) error {
	c.Updated = db.nowUTC()
	_, err := tx.ExecContext(ctx, `
		UPDATE clusters SET label = ?, keywords = ?, theme = ?, representative = ?, unsorted = ?,
			locked = ?, renamed = ?, position = ?, updated_at = ?
		WHERE id = ?`,
		c.Label, jsonText(c.Keywords), c.Theme, nullID(c.Representative), c.Unsorted,
		c.Locked, c.Renamed, c.Position, formatTime(c.Updated), c.ID)
	if err != nil {
		return fmt.Errorf("update cluster %d: %w", c.ID, err)
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// findCluster returns one cluster with its NoteIDs. ENOTFOUND.
func findCluster(ctx context.Context, tx *sql.Tx, id int64) (*wallscan.Cluster, error) {
	cs, err := selectClusters(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	} else if len(cs) == 0 {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "Cluster %d does not exist.", id)
	}
	c := cs[0]
	rows, err := tx.QueryContext(ctx, `SELECT id FROM notes WHERE cluster_id = ? ORDER BY photo_id, idx`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c.NoteIDs = []int64{}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		c.NoteIDs = append(c.NoteIDs, n)
	}
	return c, rows.Err()
}

// loadClusters returns a workshop's clusters in board order with NoteIDs.
func loadClusters(ctx context.Context, tx *sql.Tx, workshopID int64) ([]*wallscan.Cluster, error) {
	cs, err := selectClusters(ctx, tx, `workshop_id = ? ORDER BY position, id`, workshopID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*wallscan.Cluster{}
	for _, c := range cs {
		c.NoteIDs = []int64{}
		byID[c.ID] = c
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, cluster_id FROM notes
		WHERE workshop_id = ? AND cluster_id IS NOT NULL ORDER BY photo_id, idx`, workshopID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, cid int64
		if err := rows.Scan(&id, &cid); err != nil {
			return nil, err
		}
		if c := byID[cid]; c != nil {
			c.NoteIDs = append(c.NoteIDs, id)
		}
	}
	return cs, rows.Err()
}

// selectClusters selects clusters without NoteIDs; where is a constant
// condition of ours.
func selectClusters(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*wallscan.Cluster, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, workshop_id, label, keywords, theme, representative, unsorted, locked, renamed, position, updated_at
		FROM clusters WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select clusters: %w", err)
	}
	defer rows.Close()
	var out []*wallscan.Cluster
	for rows.Next() {
		var c wallscan.Cluster
		var keywords, updated string
		var rep sql.NullInt64
		if err := rows.Scan(&c.ID, &c.WorkshopID, &c.Label, &keywords, &c.Theme, &rep, &c.Unsorted,
			&c.Locked, &c.Renamed, &c.Position, &updated); err != nil {
			return nil, err
		}
		if err := fromJSON(keywords, &c.Keywords); err != nil {
			return nil, err
		}
		if c.Keywords == nil {
			c.Keywords = []string{}
		}
		c.Representative, c.Updated = rep.Int64, parseTime(updated)
		out = append(out, &c)
	}
	return out, rows.Err()
}

// unsortedCluster returns the workshop's Unsorted cluster, creating it
// when there is none; created tells which.
func (db *DB) unsortedCluster(ctx context.Context, tx *sql.Tx, workshopID int64) (c *wallscan.Cluster, created bool, err error) {
	cs, err := selectClusters(ctx, tx, `workshop_id = ? AND unsorted`, workshopID)
	if err != nil {
		return nil, false, err
	} else if len(cs) > 0 {
		return cs[0], false, nil
	}
	var pos sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(position) FROM clusters WHERE workshop_id = ?`, workshopID).Scan(&pos); err != nil {
		return nil, false, err
	}
	c = &wallscan.Cluster{WorkshopID: workshopID, Unsorted: true, Label: UnsortedLabel, Keywords: []string{}}
	if pos.Valid {
		c.Position = int(pos.Int64) + 1
	}
	if err := db.insertCluster(ctx, tx, c); err != nil {
		return nil, false, err
	}
	return c, true, nil
}
