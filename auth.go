package wallscan

import (
	"context"
	"time"
)

// Limits of the facilitator password, in bytes. bcrypt reads at most 72
// bytes, so a longer password would be silently cut: it is refused instead.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// SessionTTL is how long a facilitator login lasts.
const SessionTTL = 7 * 24 * time.Hour

// Session is a facilitator's login. Token is only known when the session
// is created; the store keeps its SHA-256 hash.
type Session struct {
	Token     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ShareLink gives a director read-only access to one workshop's report
// without an account. Token is a 128-bit random value.
type ShareLink struct {
	ID         int64
	WorkshopID int64
	Token      string
	CreatedAt  time.Time
	Revoked    bool
}

// AuthService stores the facilitator password, sessions and share links.
type AuthService interface {
	// HasPassword reports whether a facilitator password was set.
	HasPassword(ctx context.Context) (bool, error)
	// SetPassword stores the facilitator password, bcrypt-hashed.
	// EINVALID when shorter than MinPasswordLen or longer than MaxPasswordLen bytes.
	SetPassword(ctx context.Context, password string) error
	// CheckPassword returns nil when password is the facilitator's. EUNAUTHORIZED.
	CheckPassword(ctx context.Context, password string) error
	// CreateSession starts a session lasting SessionTTL with a 128-bit+
	// random token; only its SHA-256 hash is stored.
	CreateSession(ctx context.Context) (*Session, error)
	// Session returns the session of token. EUNAUTHORIZED if unknown or expired.
	Session(ctx context.Context, token string) (*Session, error)
	// DeleteSession ends a session (logout); an unknown token is not an error.
	DeleteSession(ctx context.Context, token string) error
	// CreateShareLink makes a new share link for a workshop with a 128-bit
	// random token. ENOTFOUND (workshop).
	CreateShareLink(ctx context.Context, workshopID int64) (*ShareLink, error)
	// ShareLinks returns a workshop's links, revoked ones included, newest first.
	ShareLinks(ctx context.Context, workshopID int64) ([]*ShareLink, error)
	// ShareLinkByToken returns the link of token. EUNAUTHORIZED if unknown or revoked.
	ShareLinkByToken(ctx context.Context, token string) (*ShareLink, error)
	// RevokeShareLink stops a link from working. ENOTFOUND (no such link of
	// that workshop).
	RevokeShareLink(ctx context.Context, workshopID, id int64) error
}
