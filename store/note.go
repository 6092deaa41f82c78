package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"strings"
	"unicode/utf8"

	"wallscan"
)

// EditedConfidence is the confidence of a text a person typed.
const EditedConfidence = 100

// Note implements wallscan.NoteService.
func (db *DB) Note(ctx context.Context, id int64) (*wallscan.Note, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findNote(ctx, tx, id)
}

// Notes implements wallscan.NoteService.
func (db *DB) Notes(ctx context.Context, f wallscan.NoteFilter) ([]*wallscan.Note, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findNotes(ctx, tx, f)
}

// NoteCrop implements wallscan.NoteService.
func (db *DB) NoteCrop(ctx context.Context, id int64) ([]byte, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var data []byte
	err = tx.QueryRowContext(ctx, `SELECT data FROM note_crops WHERE note_id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "Note %d has no crop.", id)
	}
	return data, err
}

// SetReading implements wallscan.NoteService. The check for Edited is in
// the UPDATE itself, so an edit that commits first always wins.
func (db *DB) SetReading(ctx context.Context, id int64, r wallscan.Reading) error {
	text := wallscan.CleanText(r.Text)
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := findNote(ctx, tx, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE notes SET text = ?, confidence = ?, review = ?, words = ?, read = 1, updated_at = ?
		WHERE id = ? AND NOT edited`,
		text, r.Confidence, r.Review, jsonText(r.Words), formatTime(db.nowUTC()), id); err != nil {
		return fmt.Errorf("set reading: %w", err)
	}
	if err := refreshNotesRead(ctx, tx, id); err != nil {
		return err
	}
	return tx.Commit()
}

// EditNoteText implements wallscan.NoteService. Surrounding white space is
// trimmed; an empty text is allowed (a blank note).
func (db *DB) EditNoteText(ctx context.Context, id int64, text string) (*wallscan.Note, error) {
	if len(text) > wallscan.MaxNoteText {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The text is longer than %d characters.", wallscan.MaxNoteText)
	} else if !utf8.ValidString(text) {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The text is not valid UTF-8.")
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := findNote(ctx, tx, id); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE notes SET text = ?, edited = 1, read = 1, review = 0, confidence = ?, updated_at = ?
		WHERE id = ?`, text, EditedConfidence, formatTime(db.nowUTC()), id); err != nil {
		return nil, fmt.Errorf("edit note: %w", err)
	}
	if err := refreshNotesRead(ctx, tx, id); err != nil {
		return nil, err
	}
	n, err := findNote(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return n, tx.Commit()
}

// refreshNotesRead sets the reading progress of a note's photo from the
// notes themselves, in the transaction that read or typed the note: the
// count is exact even when parallel readers finish out of order or a
// crash cuts a job between a reading and its progress report. Duplicates
// are not read, so a typed one does not count (as in NotesFound).
func refreshNotesRead(ctx context.Context, tx *sql.Tx, noteID int64) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE photos SET notes_read = (SELECT count(*) FROM notes
			WHERE photo_id = photos.id AND read AND duplicate_of IS NULL)
		WHERE id = (SELECT photo_id FROM notes WHERE id = ?)`, noteID)
	if err != nil {
		return fmt.Errorf("reading progress: %w", err)
	}
	return nil
}

func rectJSON(r image.Rectangle) string {
	return jsonText([4]int{r.Min.X, r.Min.Y, r.Max.X, r.Max.Y})
}

func findNote(ctx context.Context, tx *sql.Tx, id int64) (*wallscan.Note, error) {
	ns, err := selectNotes(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	} else if len(ns) == 0 {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "Note %d does not exist.", id)
	}
	return ns[0], nil
}

func findNotes(ctx context.Context, tx *sql.Tx, f wallscan.NoteFilter) ([]*wallscan.Note, error) {
	where, args := []string{"1"}, []any{}
	if f.WorkshopID != 0 {
		where, args = append(where, "workshop_id = ?"), append(args, f.WorkshopID)
	}
	if f.PhotoID != 0 {
		where, args = append(where, "photo_id = ?"), append(args, f.PhotoID)
	}
	if f.ClusterID != 0 {
		where, args = append(where, "cluster_id = ?"), append(args, f.ClusterID)
	}
	if f.Review != nil {
		where, args = append(where, "review = ?"), append(args, *f.Review)
	}
	return selectNotes(ctx, tx, strings.Join(where, " AND ")+" ORDER BY photo_id, idx", args...)
}

// selectNotes selects notes; where is built from constant conditions of ours.
func selectNotes(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*wallscan.Note, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, photo_id, workshop_id, idx, polygon, bbox, color, rgb, x, y, neighbours,
			text, confidence, review, words, read, edited, cluster_id, pinned, updated_at,
			duplicate_of, (SELECT o.photo_id FROM notes o WHERE o.id = notes.duplicate_of)
		FROM notes WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select notes: %w", err)
	}
	defer rows.Close()
	var out []*wallscan.Note
	for rows.Next() {
		var n wallscan.Note
		var polygon, bbox, color, neighbours, words, updated string
		var cluster, dupOf, dupPhoto sql.NullInt64
		if err := rows.Scan(&n.ID, &n.PhotoID, &n.WorkshopID, &n.Index, &polygon, &bbox, &color, &n.RGB,
			&n.X, &n.Y, &neighbours, &n.Text, &n.Confidence, &n.Review, &words, &n.Read, &n.Edited,
			&cluster, &n.Pinned, &updated, &dupOf, &dupPhoto); err != nil {
			return nil, err
		}
		var b [4]int
		if err := errors.Join(fromJSON(polygon, &n.Polygon), json.Unmarshal([]byte(bbox), &b),
			fromJSON(neighbours, &n.Neighbours), fromJSON(words, &n.Words)); err != nil {
			return nil, fmt.Errorf("note %d: %w", n.ID, err)
		}
		n.BBox = image.Rect(b[0], b[1], b[2], b[3])
		n.Color, n.ClusterID, n.UpdatedAt = wallscan.Color(color), cluster.Int64, parseTime(updated)
		n.DuplicateOf, n.DuplicateOfPhoto = dupOf.Int64, dupPhoto.Int64
		if len(n.Neighbours) == 0 {
			n.Neighbours = nil
		}
		if len(n.Words) == 0 {
			n.Words = nil
		}
		out = append(out, &n)
	}
	return out, rows.Err()
}
