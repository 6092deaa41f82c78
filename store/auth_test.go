package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wallscan"
	"wallscan/store/storetest"
)

// TestPasswordStoredHashed: the conformance suite checks setting and
// checking the password; here, that only a bcrypt hash of it is stored.
func TestPasswordStoredHashed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const pw = "wand-vol-geeltjes"
	if err := db.SetPassword(ctx, pw); err != nil {
		t.Fatal(err)
	}
	var hash string
	if err := db.read.QueryRow(`SELECT password_hash FROM facilitator`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(hash, pw) {
		t.Fatal("password stored in clear")
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != BcryptCost {
		t.Errorf("stored hash cost = %d, %v; want bcrypt cost %d", cost, err, BcryptCost)
	}
	if err := db.CheckPassword(ctx, pw); err != nil {
		t.Errorf("CheckPassword(right) = %v", err)
	}
}

// TestSessions: the conformance suite checks creating, finding and ending
// sessions; here, how they are stored, when they expire, and that a new
// password ends them.
func TestSessions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return now }

	s, err := db.CreateSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.ExpiresAt, now.Add(wallscan.SessionTTL); !got.Equal(want) {
		t.Errorf("session expires at %v, want %v", got, want)
	}
	var stored []byte
	if err := db.read.QueryRow(`SELECT token_hash FROM sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte(s.Token)) || len(stored) != 32 {
		t.Errorf("token not stored as a SHA-256 hash: %x", stored)
	}
	got, err := db.Session(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !got.CreatedAt.Equal(s.CreatedAt) || !got.ExpiresAt.Equal(s.ExpiresAt) {
		t.Errorf("Session = %+v, want %+v", got, s)
	}

	// Expiry.
	now = now.Add(wallscan.SessionTTL - time.Second)
	if _, err := db.Session(ctx, s.Token); err != nil {
		t.Errorf("session a second before expiry: %v", err)
	}
	now = now.Add(time.Second)
	_, err = db.Session(ctx, s.Token)
	storetest.WantCode(t, err, wallscan.EUNAUTHORIZED)

	// The same password again (a restart with WALLSCAN_PASSWORD) keeps
	// the sessions; a new password ends them all.
	now = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	if err := db.SetPassword(ctx, "eerste wachtwoord"); err != nil {
		t.Fatal(err)
	}
	s3, _ := db.CreateSession(ctx)
	if err := db.SetPassword(ctx, "eerste wachtwoord"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, s3.Token); err != nil {
		t.Errorf("session ended by setting the same password: %v", err)
	}
	if err := db.SetPassword(ctx, "nieuw wachtwoord"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Session(ctx, s3.Token)
	storetest.WantCode(t, err, wallscan.EUNAUTHORIZED)
	if err := db.CheckPassword(ctx, "eerste wachtwoord"); err == nil {
		t.Error("old password still accepted")
	}
}
