package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wallscan"
)

func TestPassword(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if has, err := db.HasPassword(ctx); err != nil || has {
		t.Fatalf("HasPassword on a new database = %v, %v", has, err)
	}
	wantCode(t, db.CheckPassword(ctx, "anything"), wallscan.EUNAUTHORIZED)

	for _, tc := range []struct {
		name, pw string
		code     string
	}{
		{"too short", strings.Repeat("a", wallscan.MinPasswordLen-1), wallscan.EINVALID},
		{"too long", strings.Repeat("a", wallscan.MaxPasswordLen+1), wallscan.EINVALID},
		{"shortest", strings.Repeat("a", wallscan.MinPasswordLen), ""},
		{"longest", strings.Repeat("b", wallscan.MaxPasswordLen), ""},
	} {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, db.SetPassword(ctx, tc.pw), tc.code) })
	}

	const pw = "wand-vol-geeltjes"
	if err := db.SetPassword(ctx, pw); err != nil {
		t.Fatal(err)
	}
	if has, err := db.HasPassword(ctx); err != nil || !has {
		t.Fatalf("HasPassword = %v, %v", has, err)
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
	for _, wrong := range []string{"", "wand-vol-geeltjeS", pw + " ", strings.Repeat("x", 1000)} {
		wantCode(t, db.CheckPassword(ctx, wrong), wallscan.EUNAUTHORIZED)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return now }

	s, err := db.CreateSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Token) < 22 || !s.ExpiresAt.Equal(now.Add(wallscan.SessionTTL)) {
		t.Errorf("session = %+v", s)
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
	s2, _ := db.CreateSession(ctx)
	if s2.Token == s.Token {
		t.Fatal("two sessions share a token")
	}
	for _, bad := range []string{"", "nope", s.Token + "x", strings.Repeat("a", 10000)} {
		_, err := db.Session(ctx, bad)
		wantCode(t, err, wallscan.EUNAUTHORIZED)
	}

	// Expiry.
	now = now.Add(wallscan.SessionTTL - time.Second)
	if _, err := db.Session(ctx, s.Token); err != nil {
		t.Errorf("session a second before expiry: %v", err)
	}
	now = now.Add(time.Second)
	_, err = db.Session(ctx, s.Token)
	wantCode(t, err, wallscan.EUNAUTHORIZED)

	// Logout.
	now = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	if err := db.DeleteSession(ctx, s2.Token); err != nil {
		t.Fatal(err)
	}
	_, err = db.Session(ctx, s2.Token)
	wantCode(t, err, wallscan.EUNAUTHORIZED)
	if err := db.DeleteSession(ctx, "unknown"); err != nil {
		t.Errorf("DeleteSession(unknown) = %v", err)
	}

	// The same password again (a restart with WALLSCAN_PASSWORD) keeps
	// the sessions; a new password ends them all.
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
	wantCode(t, err, wallscan.EUNAUTHORIZED)
	if err := db.CheckPassword(ctx, "eerste wachtwoord"); err == nil {
		t.Error("old password still accepted")
	}
}
