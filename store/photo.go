package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"time"
	"unicode/utf8"

	"wallscan"
)

// CropQuality is the JPEG quality of stored note crops: high enough that
// re-reading a crop reads what the first reading read.
const CropQuality = 90

// MaxContentType is the longest content type stored, in bytes.
const MaxContentType = 100

// AddPhoto implements wallscan.PhotoService: the row, the bytes and the
// processing job are one transaction, committed (and synced, see the
// package comment) before AddPhoto returns.
//
// A repeat is found through the unique index on (workshop_id,
// idempotency_key): the insert is tried first and its constraint error
// (matched by code) leads to the stored photo, in the same transaction.
// So two sendings at the same moment, even from two processes, store one
// photo, and the usual, first sending costs no extra lookup.
func (db *DB) AddPhoto(ctx context.Context, p *wallscan.Photo, data []byte) error {
	if p == nil {
		return wallscan.Errorf(wallscan.EINVALID, "No photo given.")
	}
	p.Repeat = false
	switch {
	case len(p.IdempotencyKey) > wallscan.MaxIdempotencyKey || !utf8.ValidString(p.IdempotencyKey):
		return wallscan.Errorf(wallscan.EINVALID, "The idempotency key is not text of at most %d bytes.", wallscan.MaxIdempotencyKey)
	case len(data) == 0:
		return wallscan.Errorf(wallscan.EINVALID, "The photo is empty (0 bytes).")
	case len(data) > wallscan.MaxUploadBytes:
		return wallscan.Errorf(wallscan.ETOOLARGE, "The photo is larger than %d MiB.", wallscan.MaxUploadBytes>>20)
	case len(p.Wall) > wallscan.MaxTitle || !utf8.ValidString(p.Wall):
		return wallscan.Errorf(wallscan.EINVALID, "The wall name is not text of at most %d characters.", wallscan.MaxTitle)
	case len(p.Filename) > wallscan.MaxTitle || !utf8.ValidString(p.Filename):
		return wallscan.Errorf(wallscan.EINVALID, "The file name is not text of at most %d characters.", wallscan.MaxTitle)
	case len(p.ContentType) > MaxContentType:
		return wallscan.Errorf(wallscan.EINVALID, "The content type is longer than %d characters.", MaxContentType)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.addPhoto(ctx, tx, p, data); err != nil {
		return err
	}
	if p.Repeat {
		return nil // nothing was written; the deferred rollback ends the transaction
	}
	if err := db.enqueueProcessing(ctx, tx, p.ID); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		p.ID = 0
		return fmt.Errorf("commit photo: %w", err)
	}
	return nil
}

func (db *DB) addPhoto(ctx context.Context, tx *sql.Tx, p *wallscan.Photo, data []byte) error {
	if err := workshopExists(ctx, tx, p.WorkshopID); err != nil {
		return err
	}
	now := db.nowUTC()
	p.Status, p.Size, p.CreatedAt, p.UpdatedAt = wallscan.PhotoQueued, int64(len(data)), now, now
	p.Width, p.Height, p.NotesFound, p.NotesRead, p.Error = 0, 0, 0, 0, ""
	p.Quality = wallscan.Quality{}
	var key sql.NullString
	if p.IdempotencyKey != "" {
		key = sql.NullString{String: p.IdempotencyKey, Valid: true}
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO photos (workshop_id, wall, filename, content_type, size, status, quality, created_at, updated_at,
			idempotency_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.WorkshopID, p.Wall, p.Filename, p.ContentType, p.Size, string(p.Status), qualityJSON(p.Quality),
		formatTime(now), formatTime(now), key)
	if isUnique(err) && key.Valid {
		// The failed statement is undone on its own; the transaction
		// goes on and finds the photo stored under the key.
		return repeatedPhoto(ctx, tx, p, data, err)
	} else if err != nil {
		return fmt.Errorf("insert photo: %w", err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO photo_data (photo_id, data) VALUES (?, ?)`, p.ID, data); err != nil {
		return fmt.Errorf("insert photo data: %w", err)
	}
	return nil
}

// repeatedPhoto fills p with the photo of p's workshop stored under
// p.IdempotencyKey and sets p.Repeat; insertErr is the unique constraint
// error that led here. ECONFLICT if that photo has other bytes or another
// wall: the key was reused for a different photo.
func repeatedPhoto(ctx context.Context, tx *sql.Tx, p *wallscan.Photo, data []byte, insertErr error) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM photos WHERE workshop_id = ? AND idempotency_key = ?`,
		p.WorkshopID, p.IdempotencyKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // another constraint failed
		return fmt.Errorf("insert photo: %w", insertErr)
	} else if err != nil {
		return fmt.Errorf("find repeated photo: %w", err)
	}
	stored, err := findPhoto(ctx, tx, id)
	if err != nil {
		return err
	}
	// SQLite compares the blobs; the stored bytes never come into Go.
	var same bool
	if err := tx.QueryRowContext(ctx, `SELECT data = ? FROM photo_data WHERE photo_id = ?`, data, id).Scan(&same); err != nil {
		return fmt.Errorf("compare repeated photo: %w", err)
	}
	if !same || stored.Wall != p.Wall {
		return wallscan.Errorf(wallscan.ECONFLICT,
			"Another photo (%d) was already sent under this idempotency key; give each photo its own key.", id)
	}
	*p = *stored
	p.Repeat = true
	return nil
}

func qualityJSON(q wallscan.Quality) string {
	if q.Warnings == nil {
		q.Warnings = []string{}
	}
	return jsonText(q)
}

// Photo implements wallscan.PhotoService.
func (db *DB) Photo(ctx context.Context, id int64) (*wallscan.Photo, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findPhoto(ctx, tx, id)
}

// Photos implements wallscan.PhotoService.
func (db *DB) Photos(ctx context.Context, workshopID int64) ([]*wallscan.Photo, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findPhotos(ctx, tx, `workshop_id = ? ORDER BY id`, workshopID)
}

// PhotoData implements wallscan.PhotoService.
func (db *DB) PhotoData(ctx context.Context, id int64) ([]byte, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var data []byte
	err = tx.QueryRowContext(ctx, `SELECT data FROM photo_data WHERE photo_id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "Photo %d does not exist.", id)
	}
	return data, err
}

// UpdatePhoto implements wallscan.PhotoService.
func (db *DB) UpdatePhoto(ctx context.Context, id int64, u wallscan.PhotoUpdate) error {
	if u.Status != nil {
		switch *u.Status {
		case wallscan.PhotoQueued, wallscan.PhotoSegmenting, wallscan.PhotoReading,
			wallscan.PhotoGrouping, wallscan.PhotoDone, wallscan.PhotoFailed:
		default:
			return wallscan.Errorf(wallscan.EINVALID, "Unknown photo status %q.", *u.Status)
		}
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.updatePhoto(ctx, tx, id, u); err != nil {
		return err
	}
	return tx.Commit()
}

func (db *DB) updatePhoto(ctx context.Context, tx *sql.Tx, id int64, u wallscan.PhotoUpdate) error {
	p, err := findPhoto(ctx, tx, id)
	if err != nil {
		return err
	}
	if u.Status != nil {
		p.Status = *u.Status
	}
	if u.NotesRead != nil {
		// Notes are read in parallel and their counts may arrive out of
		// order; progress never goes back. SetReading keeps the exact
		// count; ReplaceNotes resets it.
		p.NotesRead = max(p.NotesRead, *u.NotesRead)
	}
	if u.Error != nil {
		p.Error = *u.Error
	}
	if u.Quality != nil {
		p.Quality = *u.Quality
	}
	if u.Width != nil {
		p.Width = *u.Width
	}
	if u.Height != nil {
		p.Height = *u.Height
	}
	if u.NotesFound != nil {
		p.NotesFound = *u.NotesFound
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE photos SET status = ?, notes_read = ?, error = ?, quality = ?, width = ?, height = ?,
			notes_found = ?, updated_at = ?
		WHERE id = ?`,
		string(p.Status), p.NotesRead, p.Error, qualityJSON(p.Quality), p.Width, p.Height,
		p.NotesFound, formatTime(db.nowUTC()), id)
	if err != nil {
		return fmt.Errorf("update photo: %w", err)
	}
	return nil
}

// failUnfinished marks a photo failed with msg unless it is done. Used
// when the job queue gives up; errors only go to the log.
func (db *DB) failUnfinished(ctx context.Context, id int64, msg string) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		db.opts.logger.Error("mark photo failed", "photo", id, "err", err)
		return
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `
		UPDATE photos SET status = ?, error = ?, updated_at = ?
		WHERE id = ? AND status NOT IN (?, ?)`,
		string(wallscan.PhotoFailed), msg, formatTime(db.nowUTC()), id,
		string(wallscan.PhotoDone), string(wallscan.PhotoFailed)); err != nil {
		db.opts.logger.Error("mark photo failed", "photo", id, "err", err)
		return
	}
	if err := tx.Commit(); err != nil {
		db.opts.logger.Error("mark photo failed", "photo", id, "err", err)
	}
}

// ReplaceNotes implements wallscan.PhotoService. Crops are encoded before
// the transaction begins, so the write lock is held only for the inserts.
//
// A person may have edited or placed a note of the interrupted attempt in
// the moment it was visible; the segmenter is deterministic, so the note
// with the same Index is the same note, and it keeps that person's text
// and place.
func (db *DB) ReplaceNotes(ctx context.Context, photoID int64, s *wallscan.Segmentation, notes []*wallscan.Note) error {
	if s == nil || len(s.Notes) != len(notes) {
		return fmt.Errorf("replace notes of photo %d: %d notes for a segmentation of %d", photoID, len(notes), lenNotes(s))
	}
	if len(notes) > wallscan.MaxNotesPerPhoto {
		return wallscan.Errorf(wallscan.ETOOLARGE, "More than %d notes on one photo.", wallscan.MaxNotesPerPhoto)
	}
	crops := make([][]byte, len(notes))
	for i, f := range s.Notes {
		if f.Crop == nil {
			continue
		}
		var err error
		if crops[i], err = encodeCrop(f.Crop); err != nil {
			return fmt.Errorf("note %d crop: %w", i+1, err)
		}
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.replaceNotes(ctx, tx, photoID, notes, crops); err != nil {
		return err
	}
	return tx.Commit()
}

func lenNotes(s *wallscan.Segmentation) int {
	if s == nil {
		return 0
	}
	return len(s.Notes)
}

func encodeCrop(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: CropQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// keptNote is what a person did to a note of an earlier attempt.
type keptNote struct {
	text      string
	edited    bool
	clusterID sql.NullInt64
	pinned    bool
}

func (db *DB) replaceNotes(ctx context.Context, tx *sql.Tx, photoID int64, notes []*wallscan.Note, crops [][]byte) error {
	p, err := findPhoto(ctx, tx, photoID)
	if err != nil {
		return err
	}
	kept := map[int]keptNote{}
	rows, err := tx.QueryContext(ctx, `SELECT idx, text, edited, cluster_id, pinned FROM notes
		WHERE photo_id = ? AND (edited OR pinned)`, photoID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var idx int
		var k keptNote
		if err := rows.Scan(&idx, &k.text, &k.edited, &k.clusterID, &k.pinned); err != nil {
			rows.Close()
			return err
		}
		kept[idx] = k
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	// Later photos' duplicates of these notes follow them by index (the
	// segmenter is deterministic); the DELETE sets them to NULL first.
	followers, err := duplicatesOfPhoto(ctx, tx, photoID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM notes WHERE photo_id = ?`, photoID); err != nil {
		return fmt.Errorf("delete old notes: %w", err)
	}
	now := db.nowUTC()
	var read int
	for i, n := range notes {
		n.PhotoID, n.WorkshopID, n.UpdatedAt = photoID, p.WorkshopID, now
		if n.Index == 0 {
			n.Index = i + 1
		}
		if !n.Color.Valid() {
			n.Color = wallscan.ColorOther
		}
		var cluster sql.NullInt64
		if n.ClusterID != 0 {
			cluster = sql.NullInt64{Int64: n.ClusterID, Valid: true}
		}
		if k, ok := kept[n.Index]; ok {
			if k.edited {
				n.Text, n.Edited, n.Read, n.Review, n.Confidence = k.text, true, true, false, 100
			}
			if k.pinned && k.clusterID.Valid {
				cluster, n.Pinned = k.clusterID, true
			}
		}
		n.ClusterID = cluster.Int64
		var dupOf sql.NullInt64
		if n.DuplicateOf != 0 {
			if n.DuplicateOfPhoto, err = checkOriginal(ctx, tx, p, n); err != nil {
				return err
			}
			dupOf = sql.NullInt64{Int64: n.DuplicateOf, Valid: true}
		} else {
			n.DuplicateOfPhoto = 0
		}
		if n.Read && !dupOf.Valid {
			read++
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO notes (photo_id, workshop_id, idx, polygon, bbox, color, rgb, x, y, neighbours,
				text, confidence, review, words, read, edited, cluster_id, pinned, updated_at, duplicate_of)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			photoID, p.WorkshopID, n.Index, jsonText(n.Polygon), rectJSON(n.BBox), string(n.Color), n.RGB,
			n.X, n.Y, jsonText(n.Neighbours), n.Text, n.Confidence, n.Review, jsonText(n.Words),
			n.Read, n.Edited, cluster, n.Pinned, formatTime(now), dupOf)
		if isUnique(err) {
			return wallscan.Errorf(wallscan.EINVALID, "Two notes of photo %d have index %d.", photoID, n.Index)
		} else if isForeignKey(err) {
			return wallscan.Errorf(wallscan.EINVALID, "Note %d of photo %d names a cluster that does not exist.", n.Index, photoID)
		} else if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		if n.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if crops[i] != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO note_crops (note_id, data) VALUES (?, ?)`, n.ID, crops[i]); err != nil {
				return fmt.Errorf("insert crop: %w", err)
			}
		}
	}
	if err := followNotes(ctx, tx, photoID, followers, now); err != nil {
		return err
	}
	// Reading progress starts again, from the notes a person already typed.
	if _, err := tx.ExecContext(ctx, `UPDATE photos SET notes_read = ?, updated_at = ? WHERE id = ?`,
		read, formatTime(now), photoID); err != nil {
		return fmt.Errorf("reset reading progress: %w", err)
	}
	return nil
}

// checkOriginal makes sure that the note n.DuplicateOf names can be the
// first appearance of note n of photo p: a note of an earlier photo of the
// same workshop that is not a duplicate itself. It returns that note's photo.
func checkOriginal(ctx context.Context, tx *sql.Tx, p *wallscan.Photo, n *wallscan.Note) (int64, error) {
	var photoID, workshopID int64
	var dupOf sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT photo_id, workshop_id, duplicate_of FROM notes WHERE id = ?`,
		n.DuplicateOf).Scan(&photoID, &workshopID, &dupOf)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, wallscan.Errorf(wallscan.EINVALID, "Note %d of photo %d is a duplicate of note %d, which does not exist.", n.Index, p.ID, n.DuplicateOf)
	case err != nil:
		return 0, fmt.Errorf("duplicate of note %d: %w", n.DuplicateOf, err)
	case workshopID != p.WorkshopID || photoID >= p.ID:
		return 0, wallscan.Errorf(wallscan.EINVALID, "Note %d of photo %d can only be a duplicate of a note of an earlier photo of the same workshop.", n.Index, p.ID)
	case dupOf.Valid:
		return 0, wallscan.Errorf(wallscan.EINVALID, "Note %d of photo %d names note %d, itself a duplicate; name its first appearance.", n.Index, p.ID, n.DuplicateOf)
	}
	return photoID, nil
}

// follower is a later photo's duplicate of a note of a photo whose notes
// are being replaced: it follows the note with the same index.
type follower struct {
	id  int64
	idx int
}

func duplicatesOfPhoto(ctx context.Context, tx *sql.Tx, photoID int64) ([]follower, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT d.id, o.idx FROM notes d JOIN notes o ON d.duplicate_of = o.id
		WHERE o.photo_id = ? AND d.photo_id <> o.photo_id`, photoID)
	if err != nil {
		return nil, fmt.Errorf("duplicates of photo %d: %w", photoID, err)
	}
	var out []follower
	for rows.Next() {
		var f follower
		if err := rows.Scan(&f.id, &f.idx); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}

// followNotes points the followers at the new notes of photoID with their
// index (or at that note's own first appearance). A follower whose index is gone stays a normal note (the DELETE
// cleared it) and is grouped from then on; it was never read, so it
// shows without text until a person types it.
func followNotes(ctx context.Context, tx *sql.Tx, photoID int64, fs []follower, now time.Time) error {
	for _, f := range fs {
		if _, err := tx.ExecContext(ctx, `
			UPDATE notes SET duplicate_of = (SELECT coalesce(duplicate_of, id) FROM notes WHERE photo_id = ? AND idx = ?),
				updated_at = ?
			WHERE id = ?`, photoID, f.idx, formatTime(now), f.id); err != nil {
			return fmt.Errorf("follow note %d: %w", f.id, err)
		}
	}
	return nil
}

func findPhoto(ctx context.Context, tx *sql.Tx, id int64) (*wallscan.Photo, error) {
	ps, err := findPhotos(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "Photo %d does not exist.", id)
	}
	return ps[0], nil
}

// findPhotos selects photos; where is a constant condition of ours.
func findPhotos(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*wallscan.Photo, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, workshop_id, wall, filename, content_type, size, width, height, status,
			notes_found, notes_read, quality, error, created_at, updated_at, idempotency_key
		FROM photos WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select photos: %w", err)
	}
	defer rows.Close()
	var out []*wallscan.Photo
	for rows.Next() {
		var p wallscan.Photo
		var status, quality, created, updated string
		var key sql.NullString
		if err := rows.Scan(&p.ID, &p.WorkshopID, &p.Wall, &p.Filename, &p.ContentType, &p.Size,
			&p.Width, &p.Height, &status, &p.NotesFound, &p.NotesRead, &quality, &p.Error,
			&created, &updated, &key); err != nil {
			return nil, err
		}
		p.IdempotencyKey = key.String
		p.Status = wallscan.PhotoStatus(status)
		if err := fromJSON(quality, &p.Quality); err != nil {
			return nil, err
		}
		p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
		out = append(out, &p)
	}
	return out, rows.Err()
}
