package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"wallscan"
	"wallscan/dashboard"
	"wallscan/store"
)

// fuzzRoutes are the JSON routes a facilitator's or a kiosk's browser
// sends bodies to. In a path, W is the workshop, N a note, C and D two of
// the workshop's current clusters, K the kiosk code.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/api/v1/login"},
	{"POST", "/api/v1/workshops"},
	{"PATCH", "/api/v1/workshops/W"},
	{"PATCH", "/api/v1/notes/N"},
	{"POST", "/api/v1/workshops/W/clusters"},
	{"PATCH", "/api/v1/workshops/W/clusters/C"},
	{"POST", "/api/v1/workshops/W/clusters/C/merge"},
	{"POST", "/api/v1/workshops/W/clusters/C/split"},
	{"POST", "/api/v1/workshops/W/notes/N/move"},
	{"POST", "/api/v1/workshops/W/shares"},
	{"PATCH", "/api/v1/kiosk/K/notes/N"},
}

// fuzzDashboard is one dashboard on a real store with a workshop of four
// notes in two clusters, and a logged-in facilitator.
type fuzzDashboard struct {
	db      *store.DB
	h       http.Handler
	w       *wallscan.Workshop
	notes   []int64
	cookie  *http.Cookie
	csrf    string
	clients int
}

func newFuzzDashboard(tb testing.TB) *fuzzDashboard {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "wallscan.db"), store.WithLogger(quiet))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.SetPassword(ctx, testPassword); err != nil {
		tb.Fatal(err)
	}
	d := &fuzzDashboard{db: db, w: &wallscan.Workshop{Title: "Fuzz", Case: "Gemeente Testdorp"}}
	if err := db.CreateWorkshop(ctx, d.w); err != nil {
		tb.Fatal(err)
	}
	// A stored photo with four notes, as processing leaves it (no worker
	// runs: the notes are stored directly).
	p := &wallscan.Photo{WorkshopID: d.w.ID, Wall: "muur A", Filename: "a.jpg", ContentType: "image/jpeg"}
	if err := db.AddPhoto(ctx, p, []byte("\xff\xd8\xff fuzz photo \xff\xd9")); err != nil {
		tb.Fatal(err)
	}
	seg := &wallscan.Segmentation{Width: 1600, Height: 1200}
	var notes []*wallscan.Note
	for i := range 4 {
		q := wallscan.Quad{{100 + 300*i, 100}, {300 + 300*i, 100}, {300 + 300*i, 300}, {100 + 300*i, 300}}
		seg.Notes = append(seg.Notes, wallscan.FoundNote{Polygon: q})
		notes = append(notes, &wallscan.Note{Index: i + 1, Polygon: q, BBox: image.Rect(100+300*i, 100, 300+300*i, 300),
			Color: wallscan.Yellow, RGB: "#f5d90a", X: float64(i) / 4, Y: 0.2})
	}
	if err := db.ReplaceNotes(ctx, p.ID, seg, notes); err != nil {
		tb.Fatal(err)
	}
	for i, n := range notes {
		d.notes = append(d.notes, n.ID)
		if err := db.SetReading(ctx, n.ID, wallscan.Reading{Text: fmt.Sprintf("briefje %d", i+1), Confidence: 80}); err != nil {
			tb.Fatal(err)
		}
	}
	key := func(i int) string { return fmt.Sprint(d.notes[i]) }
	if err := db.ApplyGroups(ctx, d.w.ID, []wallscan.Group{
		{Key: "g1", Label: "eerste", Notes: []string{key(0), key(1)}},
		{Key: "g2", Label: "tweede", Notes: []string{key(2), key(3)}},
	}); err != nil {
		tb.Fatal(err)
	}
	d.h = dashboard.NewServer(dashboard.Config{
		Workshops: db, Photos: db, Notes: db, Clusters: db, Curation: db, Auth: db, Logger: quiet,
	}).Handler()

	rec := d.do("POST", "/api/v1/login", []byte(`{"password":"`+testPassword+`"}`), true)
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	json.Unmarshal(rec.Body.Bytes(), &out)
	for _, c := range rec.Result().Cookies() {
		if c.Name == dashboard.SessionCookie {
			d.cookie, d.csrf = c, out.CSRFToken
		}
	}
	if d.cookie == nil {
		tb.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	return d
}

// do sends one request, each from its own client address so that the
// per-address limits on failed logins do not hide the handlers.
func (d *fuzzDashboard) do(method, path string, body []byte, asFacilitator bool) *httptest.ResponseRecorder {
	d.clients++
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:5000", d.clients>>16&255, d.clients>>8&255, d.clients&255)
	req.Header.Set("Content-Type", "application/json")
	if asFacilitator && d.cookie != nil {
		req.AddCookie(d.cookie)
		req.Header.Set(dashboard.CSRFHeader, d.csrf)
	}
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	return rec
}

// FuzzJSONAPI sends arbitrary bodies to every JSON route of the real Gin
// engine on a real store. No body may cause a 5xx; every refusal must be
// the API's JSON error with a code that maps to the status and a message;
// and whatever is accepted, no note is lost and no note sits in two
// clusters.
//
//	go test -run='^$' -fuzz=FuzzJSONAPI -fuzztime=3m ./dashboard
func FuzzJSONAPI(f *testing.F) {
	seeds := []string{
		`{"password":"x"}`, `{"password":12}`, `{"password":"` + strings.Repeat("p", 5000) + `"}`,
		`{"title":"Nieuwe workshop","case":"Dienst X","date":"2026-11-29"}`,
		`{"title":""}`, `{"title":"` + strings.Repeat("t", 300) + `"}`, `{"title":7}`, `{"date":"29-11-2026"}`,
		`{"legend":[{"color":"yellow","name":"beleid"},{"color":"yellow","name":"twee"}]}`,
		`{"legend":[{"color":"teal","name":"x"}]}`, `{"vocabulary":["AVG","grondslag"]}`, `{"vocabulary":"AVG"}`,
		`{"text":"gecorrigeerde tekst"}`, `{"text":null}`, `{"text":"` + strings.Repeat("x", 2100) + `"}`, `{"text":"\ud800"}`,
		`{"label":"Nieuw thema"}`, `{"label":""}`, `{"locked":true}`, `{"locked":"ja"}`, `{"position":-5}`, `{"position":1e99}`,
		`{"from":0}`, `{"from":-1}`, `{"from":99999}`, `{"from":"1"}`,
		`{"note_ids":[],"label":"x"}`, `{"note_ids":[1,2,3],"label":"deel"}`, `{"note_ids":[-1],"label":"x"}`,
		`{"cluster_id":0}`, `{"cluster_id":-3}`, `{"cluster_id":99999}`, `{"cluster_id":null}`,
		`{"label":"voor de directeur"}`, `{}`, `[]`, `null`, ``, `{`, `{"a":1}{"b":2}`, `{"unknown":1}`,
		"\x00\xff", `"just a string"`, `{"title":"a","title":"b"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i%len(fuzzRoutes)), uint8(i), []byte(s))
	}
	d := newFuzzDashboard(f)
	f.Fuzz(func(t *testing.T, route, pick uint8, body []byte) {
		ctx := context.Background()
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		clusters, err := d.db.Clusters(ctx, d.w.ID)
		if err != nil {
			t.Fatal(err)
		}
		clusterID := func(i int) string {
			if len(clusters) == 0 {
				return "1"
			}
			return fmt.Sprint(clusters[i%len(clusters)].ID)
		}
		// Bodies may name the fixture's notes and clusters by the numbers 1-4.
		path := strings.NewReplacer(
			"W", fmt.Sprint(d.w.ID), "K", d.w.JoinCode,
			"N", fmt.Sprint(d.notes[int(pick)%len(d.notes)]),
			"C", clusterID(int(pick)), "D", clusterID(int(pick)+1),
		).Replace(r.path)
		rec := d.do(r.method, path, body, true)

		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: status %d %s", r.method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %s %q: status %d with body %q, want a JSON error with code and message", r.method, path, body, rec.Code, rec.Body)
			}
			if got, want := rec.Code, dashboard.ErrorStatus(wallscan.Errorf(e.Error.Code, "")); got != want {
				t.Fatalf("%s %s %q: status %d for code %q, which maps to %d", r.method, path, body, got, e.Error.Code, want)
			}
		}

		// Nothing lost: the four notes are still there, each in at most one cluster.
		notes, err := d.db.Notes(ctx, wallscan.NoteFilter{WorkshopID: d.w.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(notes), len(d.notes); got != want {
			t.Fatalf("after %s %s %q: %d notes, want %d", r.method, path, body, got, want)
		}
		if clusters, err = d.db.Clusters(ctx, d.w.ID); err != nil {
			t.Fatal(err)
		}
		in := map[int64]int64{}
		for _, c := range clusters {
			for _, id := range c.NoteIDs {
				if other, ok := in[id]; ok {
					t.Fatalf("after %s %s %q: note %d is in clusters %d and %d", r.method, path, body, id, other, c.ID)
				}
				in[id] = c.ID
			}
		}
	})
}
