package dashboard_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wallscan"
)

// TestEventStream follows a workshop's event stream over a real HTTP
// connection: a kiosk's fix of a note arrives as a note_edited event.
func TestEventStream(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Live")
	e.processedWall(w)
	notes, _ := e.db.Notes(context.Background(), wallscan.NoteFilter{WorkshopID: w.ID})
	s := e.login()
	ts := httptest.NewServer(e.h)
	defer ts.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/workshops/"+id(w.ID)+"/events", nil)
	req.AddCookie(s.cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if got, want := res.Header.Get("Content-Type"), "text/event-stream"; got != want {
		t.Fatalf("Content-Type = %q, want %q", got, want)
	}
	lines := bufio.NewScanner(res.Body)
	next := func(prefix string) string {
		t.Helper()
		for lines.Scan() {
			if l := lines.Text(); strings.HasPrefix(l, prefix) {
				return l
			}
		}
		t.Fatalf("stream ended before %q: %v", prefix, lines.Err())
		return ""
	}
	if got, want := next("event:"), "event: ready"; got != want {
		t.Fatalf("first event %q, want %q", got, want)
	}
	rec := e.do(nil, "PATCH", "/api/v1/kiosk/"+w.JoinCode+"/notes/"+id(notes[2].ID), jsonBody(map[string]string{"text": "systemen praten niet"}), "application/json")
	if rec.Code != http.StatusOK {
		t.Fatalf("kiosk edit: %d %s", rec.Code, rec.Body)
	}
	if got, want := next("event:"), "event: note_edited"; got != want {
		t.Fatalf("event %q, want %q", got, want)
	}
	if got, want := next("data:"), `"note_id":`+id(notes[2].ID); !strings.Contains(got, want) {
		t.Errorf("data %q lacks %q", got, want)
	}
}

// TestLanguageSwitch checks that ?lang=en switches a page to English and
// that the choice is remembered.
func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	rec := e.do(nil, "GET", "/login", nil, "")
	if !strings.Contains(rec.Body.String(), `<html lang="nl">`) || !strings.Contains(rec.Body.String(), "Wachtwoord") {
		t.Fatalf("default page is not Dutch")
	}
	rec = e.do(nil, "GET", "/login?lang=en", nil, "")
	if !strings.Contains(rec.Body.String(), `<html lang="en">`) || !strings.Contains(rec.Body.String(), "Password") {
		t.Fatalf("?lang=en page is not English")
	}
	var lang *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "wallscan_lang" {
			lang = c
		}
	}
	if lang == nil {
		t.Fatal("the language choice is not remembered")
	}
	req := httptest.NewRequest("GET", "/login", nil)
	req.AddCookie(lang)
	rec = httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "Password") {
		t.Errorf("the next page forgot the language")
	}
}
