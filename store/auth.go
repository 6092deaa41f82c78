package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"wallscan"
)

// BcryptCost is the work factor of the stored password hash.
const BcryptCost = 11

// TokenBytes is the length of session and share-link tokens: 128 bits of
// crypto/rand. Encoded (base64url, no padding) a token has 22 characters.
const TokenBytes = 16

// maxTokenLen bounds a token given by a client before it is hashed.
const maxTokenLen = 64

func newToken() string {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// HasPassword implements wallscan.AuthService.
func (db *DB) HasPassword(ctx context.Context) (bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM facilitator`).Scan(&n)
	return n > 0, err
}

// SetPassword implements wallscan.AuthService. A new password ends every
// session; setting the password it already is (a server restarted with
// WALLSCAN_PASSWORD) changes nothing, so nobody is logged out.
func (db *DB) SetPassword(ctx context.Context, password string) error {
	if len(password) < wallscan.MinPasswordLen {
		return wallscan.Errorf(wallscan.EINVALID, "The password must have at least %d characters.", wallscan.MinPasswordLen)
	} else if len(password) > wallscan.MaxPasswordLen {
		return wallscan.Errorf(wallscan.EINVALID, "The password must have at most %d bytes.", wallscan.MaxPasswordLen)
	}
	if err := db.CheckPassword(ctx, password); err == nil {
		return nil
	} else if wallscan.ErrorCode(err) != wallscan.EUNAUTHORIZED {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO facilitator (id, password_hash, updated_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
		string(hash), formatTime(db.nowUTC())); err != nil {
		return fmt.Errorf("store password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions`); err != nil {
		return err
	}
	return tx.Commit()
}

// CheckPassword implements wallscan.AuthService. Without a stored password
// every password is refused.
func (db *DB) CheckPassword(ctx context.Context, password string) error {
	if len(password) > wallscan.MaxPasswordLen {
		return wallscan.Errorf(wallscan.EUNAUTHORIZED, "Wrong password.")
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var hash string
	err = tx.QueryRowContext(ctx, `SELECT password_hash FROM facilitator WHERE id = 1`).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return wallscan.Errorf(wallscan.EUNAUTHORIZED, "No facilitator password is set.")
	} else if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return wallscan.Errorf(wallscan.EUNAUTHORIZED, "Wrong password.")
	}
	return nil
}

// CreateSession implements wallscan.AuthService. Expired sessions are
// removed on the way.
func (db *DB) CreateSession(ctx context.Context) (*wallscan.Session, error) {
	now := db.nowUTC()
	s := &wallscan.Session{Token: newToken(), CreatedAt: now, ExpiresAt: now.Add(wallscan.SessionTTL)}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, formatTime(now)); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, created_at, expires_at) VALUES (?, ?, ?)`,
		hashToken(s.Token), formatTime(s.CreatedAt), formatTime(s.ExpiresAt)); err != nil {
		return nil, fmt.Errorf("insert session: %w", err)
	}
	return s, tx.Commit()
}

// Session implements wallscan.AuthService.
func (db *DB) Session(ctx context.Context, token string) (*wallscan.Session, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, wallscan.Errorf(wallscan.EUNAUTHORIZED, "Please log in.")
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var created, expires string
	err = tx.QueryRowContext(ctx, `SELECT created_at, expires_at FROM sessions WHERE token_hash = ?`,
		hashToken(token)).Scan(&created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wallscan.Errorf(wallscan.EUNAUTHORIZED, "Please log in.")
	} else if err != nil {
		return nil, err
	}
	s := &wallscan.Session{Token: token, CreatedAt: parseTime(created), ExpiresAt: parseTime(expires)}
	if !db.nowUTC().Before(s.ExpiresAt) {
		return nil, wallscan.Errorf(wallscan.EUNAUTHORIZED, "Your session has expired; please log in again.")
	}
	return s, nil
}

// DeleteSession implements wallscan.AuthService.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
		return err
	}
	return tx.Commit()
}

// CreateShareLink implements wallscan.AuthService. Share tokens are stored
// as they are, so the facilitator can copy a link again; a link only reads
// what the database holds anyway. Session tokens, which can change data,
// are stored hashed.
func (db *DB) CreateShareLink(ctx context.Context, workshopID int64) (*wallscan.ShareLink, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := workshopExists(ctx, tx, workshopID); err != nil {
		return nil, err
	}
	l := &wallscan.ShareLink{WorkshopID: workshopID, Token: newToken(), CreatedAt: db.nowUTC()}
	res, err := tx.ExecContext(ctx, `INSERT INTO share_links (workshop_id, token, created_at) VALUES (?, ?, ?)`,
		workshopID, l.Token, formatTime(l.CreatedAt))
	if err != nil {
		return nil, fmt.Errorf("insert share link: %w", err)
	}
	if l.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	return l, tx.Commit()
}

// ShareLinks implements wallscan.AuthService.
func (db *DB) ShareLinks(ctx context.Context, workshopID int64) ([]*wallscan.ShareLink, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return selectShareLinks(ctx, tx, `workshop_id = ? ORDER BY id DESC`, workshopID)
}

// ShareLinkByToken implements wallscan.AuthService.
func (db *DB) ShareLinkByToken(ctx context.Context, token string) (*wallscan.ShareLink, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, wallscan.Errorf(wallscan.EUNAUTHORIZED, "This link is not valid.")
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	ls, err := selectShareLinks(ctx, tx, `token = ?`, token)
	if err != nil {
		return nil, err
	} else if len(ls) == 0 {
		return nil, wallscan.Errorf(wallscan.EUNAUTHORIZED, "This link is not valid.")
	} else if ls[0].Revoked {
		return nil, wallscan.Errorf(wallscan.EUNAUTHORIZED, "This link was revoked; ask the facilitator for a new one.")
	}
	return ls[0], nil
}

// RevokeShareLink implements wallscan.AuthService.
func (db *DB) RevokeShareLink(ctx context.Context, workshopID, id int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE share_links SET revoked = 1 WHERE id = ? AND workshop_id = ?`, id, workshopID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return wallscan.Errorf(wallscan.ENOTFOUND, "Workshop %d has no share link %d.", workshopID, id)
	}
	return tx.Commit()
}

func selectShareLinks(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*wallscan.ShareLink, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, workshop_id, token, created_at, revoked FROM share_links WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select share links: %w", err)
	}
	defer rows.Close()
	var out []*wallscan.ShareLink
	for rows.Next() {
		var l wallscan.ShareLink
		var created string
		if err := rows.Scan(&l.ID, &l.WorkshopID, &l.Token, &created, &l.Revoked); err != nil {
			return nil, err
		}
		l.CreatedAt = parseTime(created)
		out = append(out, &l)
	}
	return out, rows.Err()
}
