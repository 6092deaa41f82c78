package dashboard_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wallscan"
	"wallscan/dashboard"
)

// uploadKeyed posts photo to path as s (nil: a kiosk) with the given
// Idempotency-Key header values.
func (e *env) uploadKeyed(s *session, path string, photo []byte, wall string, keys ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	body, ct := multipartPhoto(photo, wall)
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	for _, k := range keys {
		req.Header.Add(dashboard.IdempotencyHeader, k)
	}
	if s != nil {
		req.AddCookie(s.cookie)
		req.Header.Set(dashboard.CSRFHeader, s.csrf)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// TestUploadIdempotencyKey: a photo sent again under its key, because the
// first answer was lost, is answered with the photo stored the first time
// and stored, queued and announced only once; the key is the workshop's,
// whichever route the photo came by.
func TestUploadIdempotencyKey(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w, other := e.workshop("Idempotent"), e.workshop("Andere")
	fac := e.login()
	photo := e.drawWall(wallNotes()[:1])
	events, stop := e.broker.Subscribe(w.ID)
	defer stop()
	kiosk := "/api/v1/kiosk/" + w.JoinCode + "/photos"
	const key = "station-2f9c41-0001"

	first := e.uploadKeyed(nil, kiosk, photo, "Muur A", key)
	if got, want := first.Code, http.StatusCreated; got != want {
		t.Fatalf("first upload: %d, want %d (%s)", got, want, short(first.Body.String()))
	}
	if got := first.Header().Get(dashboard.ReplayedHeader); got != "" {
		t.Errorf("first upload: %s = %q, want none", dashboard.ReplayedHeader, got)
	}
	var p1 wallscan.Photo
	decode(t, first, &p1)

	for _, tc := range []struct {
		name string
		s    *session
		path string
	}{
		{"kiosk again", nil, kiosk},
		{"facilitator, same workshop", fac, "/api/v1/workshops/" + itoa(w.ID) + "/photos"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.uploadKeyed(tc.s, tc.path, photo, "Muur A", key)
			if got, want := rec.Code, http.StatusOK; got != want {
				t.Fatalf("repeat: %d, want %d (%s)", got, want, short(rec.Body.String()))
			}
			if got, want := rec.Header().Get(dashboard.ReplayedHeader), "true"; got != want {
				t.Errorf("repeat: %s = %q, want %q", dashboard.ReplayedHeader, got, want)
			}
			var p wallscan.Photo
			decode(t, rec, &p)
			if p.ID != p1.ID || !p.CreatedAt.Equal(p1.CreatedAt) || p.Filename != p1.Filename ||
				p.Wall != p1.Wall || p.Size != p1.Size || p.ContentType != p1.ContentType || p.WorkshopID != w.ID {
				t.Errorf("repeat answered %+v, want the first photo %+v", p, p1)
			}
			if strings.Contains(rec.Body.String(), key) {
				t.Errorf("the answer shows the key: %s", short(rec.Body.String()))
			}
		})
	}
	photos, err := e.db.Photos(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(photos), 1; got != want {
		t.Fatalf("workshop holds %d photos after a repeat, want %d", got, want)
	}
	// Publish is synchronous: every announcement of the uploads is in
	// the channel by now.
	var added int
	for len(events) > 0 {
		if ev := <-events; ev.Type == wallscan.EventPhotoAdded {
			added++
		}
	}
	if got, want := added, 1; got != want {
		t.Errorf("%d photo_added events, want %d", got, want)
	}

	// Another workshop may use the same key.
	rec := e.uploadKeyed(nil, "/api/v1/kiosk/"+other.JoinCode+"/photos", photo, "Muur A", key)
	if got, want := rec.Code, http.StatusCreated; got != want {
		t.Fatalf("same key, other workshop: %d, want %d (%s)", got, want, short(rec.Body.String()))
	}
	var p2 wallscan.Photo
	decode(t, rec, &p2)
	if p2.ID == p1.ID || p2.WorkshopID != other.ID {
		t.Errorf("same key, other workshop: photo %d of workshop %d, want a new photo of %d", p2.ID, p2.WorkshopID, other.ID)
	}

	// The key reused for a different photo is refused, not answered
	// with the first photo.
	rec = e.uploadKeyed(nil, kiosk, e.drawWall(wallNotes()[:2]), "Muur A", key)
	if got, want := rec.Code, http.StatusConflict; got != want {
		t.Errorf("key reused for another photo: %d, want %d (%s)", got, want, short(rec.Body.String()))
	}
	// Without a key, the same photo twice is two photos.
	for range 2 {
		if rec := e.uploadKeyed(nil, kiosk, photo, "Muur A"); rec.Code != http.StatusCreated {
			t.Fatalf("upload without a key: %d (%s)", rec.Code, short(rec.Body.String()))
		}
	}
	if photos, _ := e.db.Photos(ctx, w.ID); len(photos) != 3 {
		t.Errorf("workshop holds %d photos, want 3", len(photos))
	}
}

func TestUploadIdempotencyKeyInvalid(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	w := e.workshop("Sleutels")
	photo := e.drawWall(wallNotes()[:1])
	kiosk := "/api/v1/kiosk/" + w.JoinCode + "/photos"
	for _, tc := range []struct {
		name   string
		keys   []string
		status int
	}{
		{"too long", []string{strings.Repeat("k", wallscan.MaxIdempotencyKey+1)}, http.StatusBadRequest},
		{"empty", []string{""}, http.StatusBadRequest},
		{"not ascii", []string{"foto-één"}, http.StatusBadRequest},
		{"control character", []string{"foto\t1"}, http.StatusBadRequest},
		{"two keys", []string{"a", "b"}, http.StatusBadRequest},
		{"longest", []string{strings.Repeat("k", wallscan.MaxIdempotencyKey)}, http.StatusCreated},
		{"printable ascii", []string{`a Z~!"#$%&'()*+,-./:;<=>?@[\]^_{|}` + "`"}, http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.uploadKeyed(nil, kiosk, photo, "", tc.keys...)
			if got, want := rec.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d (%s)", got, want, short(rec.Body.String()))
			}
			if tc.status != http.StatusBadRequest {
				return
			}
			var ae apiErr
			decode(t, rec, &ae)
			if got, want := ae.Error.Code, wallscan.EINVALID; got != want {
				t.Errorf("error code = %q, want %q", got, want)
			}
			if !strings.Contains(ae.Error.Message, dashboard.IdempotencyHeader) {
				t.Errorf("message %q does not name the header", ae.Error.Message)
			}
		})
	}
	if photos, _ := e.db.Photos(ctx, w.ID); len(photos) != 2 {
		t.Errorf("workshop holds %d photos, want 2 (the good keys only)", len(photos))
	}
}

// TestUploadIdempotencyKeyConcurrent: a station whose client resent while
// the first sending was still being stored; the uploads arrive together.
// One is stored (201), the others are repeats (200) of that photo.
func TestUploadIdempotencyKeyConcurrent(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Tegelijk")
	photo := e.drawWall(wallNotes()[:1])
	const n = 4
	recs := make(chan *httptest.ResponseRecorder, n)
	for range n {
		go func() { recs <- e.uploadKeyed(nil, "/api/v1/kiosk/"+w.JoinCode+"/photos", photo, "", "together-1") }()
	}
	statuses := map[int]int{}
	ids := map[int64]bool{}
	for range n {
		rec := <-recs
		statuses[rec.Code]++
		var p wallscan.Photo
		decode(t, rec, &p)
		ids[p.ID] = true
	}
	if statuses[http.StatusCreated] != 1 || statuses[http.StatusOK] != n-1 {
		t.Errorf("statuses = %v, want one 201 and %d times 200", statuses, n-1)
	}
	if got, want := len(ids), 1; got != want {
		t.Errorf("answers name %d photos, want %d", got, want)
	}
	if photos, _ := e.db.Photos(context.Background(), w.ID); len(photos) != 1 {
		t.Errorf("workshop holds %d photos, want 1", len(photos))
	}
}
