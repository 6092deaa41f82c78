package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"wallscan"
)

// Join codes: short enough to type on a phone, without characters that are
// easily confused (0/O, 1/I). 32 symbols x 6 places is about 10^9 codes;
// the dashboard rate-limits guesses.
const (
	// JoinCodeAlphabet holds the symbols of a join code.
	JoinCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	// JoinCodeLen is the number of symbols in a join code.
	JoinCodeLen = 6
	// MaxVocabulary is the most terms a workshop's vocabulary holds.
	MaxVocabulary = 500
	// joinCodeTries bounds the retries when a fresh code collides.
	joinCodeTries = 10
)

// newJoinCode returns a random join code from crypto/rand.
func newJoinCode() string {
	b := make([]byte, JoinCodeLen)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	for i := range b {
		// 256 is a multiple of 32, so this is uniform.
		b[i] = JoinCodeAlphabet[int(b[i])%len(JoinCodeAlphabet)]
	}
	return string(b)
}

// NormalizeJoinCode returns code as it is stored: upper case, without the
// spaces and dashes a person may type between groups of symbols.
func NormalizeJoinCode(code string) string {
	var b strings.Builder
	for _, r := range code {
		if r != ' ' && r != '-' && r != '\t' {
			b.WriteRune(r)
		}
	}
	return strings.ToUpper(b.String())
}

func validateVocabulary(v []string) error {
	if len(v) > MaxVocabulary {
		return wallscan.Errorf(wallscan.EINVALID, "The vocabulary holds more than %d terms.", MaxVocabulary)
	}
	for _, t := range v {
		if len(t) > wallscan.MaxTitle {
			return wallscan.Errorf(wallscan.EINVALID, "A vocabulary term is longer than %d characters.", wallscan.MaxTitle)
		} else if !utf8.ValidString(t) {
			return wallscan.Errorf(wallscan.EINVALID, "A vocabulary term is not valid UTF-8 text.")
		}
	}
	return nil
}

func validateWorkshop(w *wallscan.Workshop) error {
	if err := w.Validate(); err != nil {
		return err
	}
	if !utf8.ValidString(w.Title) || !utf8.ValidString(w.Case) {
		return wallscan.Errorf(wallscan.EINVALID, "The title or case is not valid UTF-8 text.")
	}
	return validateVocabulary(w.Vocabulary)
}

// CreateWorkshop implements wallscan.WorkshopService.
func (db *DB) CreateWorkshop(ctx context.Context, w *wallscan.Workshop) error {
	if w == nil {
		return wallscan.Errorf(wallscan.EINVALID, "No workshop given.")
	}
	if err := validateWorkshop(w); err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.createWorkshop(ctx, tx, w); err != nil {
		return err
	}
	return tx.Commit()
}

func (db *DB) createWorkshop(ctx context.Context, tx *sql.Tx, w *wallscan.Workshop) error {
	now := db.nowUTC()
	for range joinCodeTries {
		code := newJoinCode()
		res, err := tx.ExecContext(ctx, `
			INSERT INTO workshops (title, case_name, date, legend, vocabulary, join_code, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			w.Title, w.Case, w.Date, jsonText(w.Legend), jsonText(w.Vocabulary), code,
			formatTime(now), formatTime(now))
		if isUnique(err) {
			continue
		} else if err != nil {
			return fmt.Errorf("insert workshop: %w", err)
		}
		if w.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		w.JoinCode, w.CreatedAt, w.UpdatedAt = code, now, now
		return nil
	}
	return fmt.Errorf("no free join code after %d tries", joinCodeTries)
}

// Workshop implements wallscan.WorkshopService.
func (db *DB) Workshop(ctx context.Context, id int64) (*wallscan.Workshop, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findWorkshop(ctx, tx, `id = ?`, id)
}

// WorkshopByJoinCode implements wallscan.WorkshopService. The code is
// compared after NormalizeJoinCode.
func (db *DB) WorkshopByJoinCode(ctx context.Context, code string) (*wallscan.Workshop, error) {
	code = NormalizeJoinCode(code)
	if len(code) != JoinCodeLen {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "No workshop has this code.")
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w, err := findWorkshop(ctx, tx, `join_code = ?`, code)
	if wallscan.ErrorCode(err) == wallscan.ENOTFOUND {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "No workshop has this code.")
	}
	return w, err
}

// Workshops implements wallscan.WorkshopService.
func (db *DB) Workshops(ctx context.Context) ([]*wallscan.Workshop, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findWorkshops(ctx, tx, `1 ORDER BY created_at DESC, id DESC`)
}

// UpdateWorkshop implements wallscan.WorkshopService.
func (db *DB) UpdateWorkshop(ctx context.Context, id int64, u wallscan.WorkshopUpdate) (*wallscan.Workshop, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w, err := findWorkshop(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if u.Title != nil {
		w.Title = *u.Title
	}
	if u.Case != nil {
		w.Case = *u.Case
	}
	if u.Date != nil {
		w.Date = *u.Date
	}
	if u.Legend != nil {
		w.Legend = *u.Legend
	}
	if u.Vocabulary != nil {
		w.Vocabulary = *u.Vocabulary
	}
	if err := validateWorkshop(w); err != nil {
		return nil, err
	}
	w.UpdatedAt = db.nowUTC()
	if _, err := tx.ExecContext(ctx, `
		UPDATE workshops SET title = ?, case_name = ?, date = ?, legend = ?, vocabulary = ?, updated_at = ?
		WHERE id = ?`,
		w.Title, w.Case, w.Date, jsonText(w.Legend), jsonText(w.Vocabulary), formatTime(w.UpdatedAt), id); err != nil {
		return nil, fmt.Errorf("update workshop: %w", err)
	}
	return w, tx.Commit()
}

// RenewJoinCode implements wallscan.WorkshopService.
func (db *DB) RenewJoinCode(ctx context.Context, id int64) (string, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	if _, err := findWorkshop(ctx, tx, `id = ?`, id); err != nil {
		return "", err
	}
	for range joinCodeTries {
		code := newJoinCode()
		_, err := tx.ExecContext(ctx, `UPDATE workshops SET join_code = ?, updated_at = ? WHERE id = ?`,
			code, formatTime(db.nowUTC()), id)
		if isUnique(err) {
			continue
		} else if err != nil {
			return "", fmt.Errorf("renew join code: %w", err)
		}
		return code, tx.Commit()
	}
	return "", fmt.Errorf("no free join code after %d tries", joinCodeTries)
}

// workshopExists returns ENOTFOUND unless workshop id exists.
func workshopExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM workshops WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return wallscan.Errorf(wallscan.ENOTFOUND, "Workshop %d does not exist.", id)
	}
	return nil
}

func findWorkshop(ctx context.Context, tx *sql.Tx, where string, args ...any) (*wallscan.Workshop, error) {
	ws, err := findWorkshops(ctx, tx, where, args...)
	if err != nil {
		return nil, err
	} else if len(ws) == 0 {
		if len(args) == 1 {
			if id, ok := args[0].(int64); ok {
				return nil, wallscan.Errorf(wallscan.ENOTFOUND, "Workshop %d does not exist.", id)
			}
		}
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "The workshop does not exist.")
	}
	return ws[0], nil
}

// findWorkshops selects workshops; where is a constant condition of ours.
func findWorkshops(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*wallscan.Workshop, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, title, case_name, date, legend, vocabulary, join_code, created_at, updated_at
		FROM workshops WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select workshops: %w", err)
	}
	defer rows.Close()
	var out []*wallscan.Workshop
	for rows.Next() {
		var w wallscan.Workshop
		var legend, vocab, created, updated string
		if err := rows.Scan(&w.ID, &w.Title, &w.Case, &w.Date, &legend, &vocab, &w.JoinCode, &created, &updated); err != nil {
			return nil, err
		}
		if err := errors.Join(fromJSON(legend, &w.Legend), fromJSON(vocab, &w.Vocabulary)); err != nil {
			return nil, err
		}
		w.CreatedAt, w.UpdatedAt = parseTime(created), parseTime(updated)
		out = append(out, &w)
	}
	return out, rows.Err()
}
