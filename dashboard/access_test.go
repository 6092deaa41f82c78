package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"wallscan"
)

// Roles of the access test.
const (
	nobody      = "nobody"
	kiosk       = "kiosk"
	director    = "director"
	facilitator = "facilitator"
)

var roles = []string{nobody, kiosk, director, facilitator}

// fixture is the state the access test walks: workshop A (with a processed
// wall, a share link and the kiosk's code) and workshop B.
type fixture struct {
	a, b       *wallscan.Workshop
	photoA     *wallscan.Photo
	photoB     *wallscan.Photo
	notesA     []*wallscan.Note
	notesB     []*wallscan.Note
	clustersA  []*wallscan.Cluster
	token      string
	shareB     int64
	newCluster int64
}

func newFixture(t *testing.T, e *env) *fixture {
	ctx := context.Background()
	f := &fixture{a: e.workshop("Workshop A"), b: e.workshop("Workshop B")}
	f.photoA, f.photoB = e.processedWall(f.a), e.processedWall(f.b)
	var err error
	if f.notesA, err = e.db.Notes(ctx, wallscan.NoteFilter{WorkshopID: f.a.ID}); err != nil {
		t.Fatal(err)
	}
	if f.notesB, err = e.db.Notes(ctx, wallscan.NoteFilter{WorkshopID: f.b.ID}); err != nil {
		t.Fatal(err)
	}
	if f.clustersA, err = e.db.Clusters(ctx, f.a.ID); err != nil || len(f.clustersA) < 3 {
		t.Fatalf("clusters of A: %v, %v", f.clustersA, err)
	}
	link, err := e.db.CreateShareLink(ctx, f.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.token = link.Token
	linkB, err := e.db.CreateShareLink(ctx, f.b.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.shareB = linkB.ID
	return f
}

// route is one route of the engine with a request that succeeds for the
// role that may use it.
type route struct {
	method, pattern string
	// path fills the pattern; code and token are the kiosk code and share
	// token the role holds (wrong ones for roles that hold none).
	path func(f *fixture, code, token string) string
	body func(f *fixture) ([]byte, string)
	// who may use the route, and the status it then gets.
	who    string
	status int
}

func id(v int64) string { return fmt.Sprint(v) }

func jsonOf(v any) func(*fixture) ([]byte, string) {
	return func(*fixture) ([]byte, string) { return jsonBody(v), "application/json" }
}

func fixedPath(p string) func(*fixture, string, string) string {
	return func(*fixture, string, string) string { return p }
}

func wsPath(suffix string) func(*fixture, string, string) string {
	return func(f *fixture, _, _ string) string { return "/api/v1/workshops/" + id(f.a.ID) + suffix }
}

// routes lists every route of the engine in an order in which each
// facilitator request is valid (curation works on workshop A's clusters).
func routes(e *env) []route {
	upload := func(f *fixture) ([]byte, string) {
		return multipartPhoto(e.drawWall(wallNotes()[:2]), "Tafel 3")
	}
	c := func(f *fixture, i int) string { return id(f.clustersA[i].ID) }
	return []route{
		{"GET", "/", fixedPath("/"), nil, "", http.StatusSeeOther},
		{"GET", "/healthz", fixedPath("/healthz"), nil, "", http.StatusOK},
		{"GET", "/static/*filepath", fixedPath("/static/app.css"), nil, "", http.StatusOK},
		{"HEAD", "/static/*filepath", fixedPath("/static/common.js"), nil, "", http.StatusOK},
		{"GET", "/login", fixedPath("/login"), nil, "", http.StatusOK},

		{"GET", "/workshops", fixedPath("/workshops"), nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) }, nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id/settings", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) + "/settings" }, nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id/wall", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) + "/wall" }, nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id/review", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) + "/review" }, nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id/board", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) + "/board" }, nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id/matrix", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) + "/matrix" }, nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id/report", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) + "/report" }, nil, facilitator, http.StatusOK},
		{"GET", "/workshops/:id/export/:format", func(f *fixture, _, _ string) string { return "/workshops/" + id(f.a.ID) + "/export/csv" }, nil, facilitator, http.StatusOK},

		{"GET", "/api/v1/session", fixedPath("/api/v1/session"), nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/workshops", fixedPath("/api/v1/workshops"), nil, facilitator, http.StatusOK},
		{"POST", "/api/v1/workshops", fixedPath("/api/v1/workshops"), jsonOf(map[string]string{"title": "Nieuw"}), facilitator, http.StatusCreated},
		{"GET", "/api/v1/workshops/:id", wsPath(""), nil, facilitator, http.StatusOK},
		{"PATCH", "/api/v1/workshops/:id", wsPath(""), jsonOf(map[string]any{"case": "Provincie", "vocabulary": []string{"AVG"}}), facilitator, http.StatusOK},
		{"POST", "/api/v1/workshops/:id/joincode", func(f *fixture, _, _ string) string { return "/api/v1/workshops/" + id(f.b.ID) + "/joincode" }, nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/workshops/:id/unknown-words", wsPath("/unknown-words"), nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/workshops/:id/photos", wsPath("/photos"), nil, facilitator, http.StatusOK},
		{"POST", "/api/v1/workshops/:id/photos", wsPath("/photos"), upload, facilitator, http.StatusCreated},
		{"GET", "/api/v1/workshops/:id/notes", wsPath("/notes?review=true"), nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/workshops/:id/clusters", wsPath("/clusters"), nil, facilitator, http.StatusOK},
		{"POST", "/api/v1/workshops/:id/clusters", wsPath("/clusters"), jsonOf(map[string]string{"label": "Nieuw cluster"}), facilitator, http.StatusCreated},
		{"PATCH", "/api/v1/workshops/:id/clusters/:cluster", func(f *fixture, _, _ string) string {
			return "/api/v1/workshops/" + id(f.a.ID) + "/clusters/" + c(f, 0)
		}, jsonOf(map[string]any{"label": "Juridisch", "locked": true}), facilitator, http.StatusOK},
		{"POST", "/api/v1/workshops/:id/notes/:note/move", func(f *fixture, _, _ string) string {
			return "/api/v1/workshops/" + id(f.a.ID) + "/notes/" + id(f.notesA[4].ID) + "/move"
		}, func(f *fixture) ([]byte, string) {
			return jsonBody(map[string]int64{"cluster_id": f.clustersA[0].ID}), "application/json"
		}, facilitator, http.StatusNoContent},
		{"POST", "/api/v1/workshops/:id/clusters/:cluster/split", func(f *fixture, _, _ string) string {
			return "/api/v1/workshops/" + id(f.a.ID) + "/clusters/" + c(f, 0) + "/split"
		},
			func(f *fixture) ([]byte, string) {
				return jsonBody(map[string]any{"note_ids": []int64{f.notesA[4].ID}, "label": "Afgesplitst"}), "application/json"
			}, facilitator, http.StatusCreated},
		{"POST", "/api/v1/workshops/:id/clusters/:cluster/merge", func(f *fixture, _, _ string) string {
			return "/api/v1/workshops/" + id(f.a.ID) + "/clusters/" + c(f, 1) + "/merge"
		},
			func(f *fixture) ([]byte, string) {
				return jsonBody(map[string]int64{"from": f.clustersA[2].ID}), "application/json"
			}, facilitator, http.StatusNoContent},
		{"DELETE", "/api/v1/workshops/:id/clusters/:cluster", func(f *fixture, _, _ string) string {
			return "/api/v1/workshops/" + id(f.a.ID) + "/clusters/" + c(f, 1)
		}, nil, facilitator, http.StatusNoContent},
		{"POST", "/api/v1/workshops/:id/undo", wsPath("/undo"), nil, facilitator, http.StatusNoContent},
		{"POST", "/api/v1/workshops/:id/regroup", wsPath("/regroup"), nil, facilitator, http.StatusNoContent},
		{"GET", "/api/v1/workshops/:id/matrix", wsPath("/matrix"), nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/workshops/:id/report", wsPath("/report"), nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/workshops/:id/shares", wsPath("/shares"), nil, facilitator, http.StatusOK},
		{"POST", "/api/v1/workshops/:id/shares", wsPath("/shares"), nil, facilitator, http.StatusCreated},
		{"POST", "/api/v1/workshops/:id/shares/:share/revoke", func(f *fixture, _, _ string) string {
			return "/api/v1/workshops/" + id(f.b.ID) + "/shares/" + id(f.shareB) + "/revoke"
		}, nil, facilitator, http.StatusNoContent},
		{"GET", "/api/v1/workshops/:id/events", wsPath("/events"), nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/photos/:id", func(f *fixture, _, _ string) string { return "/api/v1/photos/" + id(f.photoA.ID) }, nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/photos/:id/image", func(f *fixture, _, _ string) string { return "/api/v1/photos/" + id(f.photoA.ID) + "/image" }, nil, facilitator, http.StatusOK},
		{"GET", "/api/v1/notes/:id", func(f *fixture, _, _ string) string { return "/api/v1/notes/" + id(f.notesA[0].ID) }, nil, facilitator, http.StatusOK},
		{"PATCH", "/api/v1/notes/:id", func(f *fixture, _, _ string) string { return "/api/v1/notes/" + id(f.notesA[0].ID) }, jsonOf(map[string]string{"text": "gegevens delen is juridisch onduidelijk!"}), facilitator, http.StatusOK},
		{"GET", "/api/v1/notes/:id/crop", func(f *fixture, _, _ string) string { return "/api/v1/notes/" + id(f.notesA[0].ID) + "/crop" }, nil, facilitator, http.StatusOK},
		{"POST", "/api/v1/logout", fixedPath("/api/v1/logout"), nil, facilitator, http.StatusNoContent},
		{"POST", "/logout", fixedPath("/logout"), nil, facilitator, http.StatusSeeOther},

		{"GET", "/k/:code", func(f *fixture, code, _ string) string { return "/k/" + code }, nil, kiosk, http.StatusOK},
		{"GET", "/api/v1/kiosk/:code", func(f *fixture, code, _ string) string { return "/api/v1/kiosk/" + code }, nil, kiosk, http.StatusOK},
		{"POST", "/api/v1/kiosk/:code/photos", func(f *fixture, code, _ string) string { return "/api/v1/kiosk/" + code + "/photos" }, upload, kiosk, http.StatusCreated},
		{"GET", "/api/v1/kiosk/:code/photos/:id", func(f *fixture, code, _ string) string { return "/api/v1/kiosk/" + code + "/photos/" + id(f.photoA.ID) }, nil, kiosk, http.StatusOK},
		{"GET", "/api/v1/kiosk/:code/photos/:id/image", func(f *fixture, code, _ string) string {
			return "/api/v1/kiosk/" + code + "/photos/" + id(f.photoA.ID) + "/image"
		}, nil, kiosk, http.StatusOK},
		{"GET", "/api/v1/kiosk/:code/photos/:id/events", func(f *fixture, code, _ string) string {
			return "/api/v1/kiosk/" + code + "/photos/" + id(f.photoA.ID) + "/events"
		}, nil, kiosk, http.StatusOK},
		{"PATCH", "/api/v1/kiosk/:code/notes/:id", func(f *fixture, code, _ string) string {
			return "/api/v1/kiosk/" + code + "/notes/" + id(f.notesA[1].ID)
		},
			jsonOf(map[string]string{"text": "AVG-angst bij ketenpartners"}), kiosk, http.StatusOK},

		{"GET", "/r/:token", func(f *fixture, _, token string) string { return "/r/" + token }, nil, director, http.StatusOK},
		{"GET", "/r/:token/export/:format", func(f *fixture, _, token string) string { return "/r/" + token + "/export/md" }, nil, director, http.StatusOK},
		{"GET", "/r/:token/photos/:id/image", func(f *fixture, _, token string) string {
			return "/r/" + token + "/photos/" + id(f.photoA.ID) + "/image"
		}, nil, director, http.StatusOK},
		{"GET", "/r/:token/notes/:id/crop", func(f *fixture, _, token string) string {
			return "/r/" + token + "/notes/" + id(f.notesA[0].ID) + "/crop"
		}, nil, director, http.StatusOK},
		{"GET", "/api/v1/shared/:token/report", func(f *fixture, _, token string) string { return "/api/v1/shared/" + token + "/report" }, nil, director, http.StatusOK},

		// Login last: it makes a session of its own.
		{"POST", "/api/v1/login", fixedPath("/api/v1/login"), jsonOf(map[string]string{"password": testPassword}), "", http.StatusOK},
		{"POST", "/login", fixedPath("/login"), func(*fixture) ([]byte, string) {
			return []byte("password=" + testPassword + "&next=%2Fworkshops"), "application/x-www-form-urlencoded"
		}, "", http.StatusSeeOther},
	}
}

// refused is the status a role gets on a route that is not for it.
func refused(r route) int {
	switch {
	case r.who == facilitator && strings.HasPrefix(r.pattern, "/api/"):
		return http.StatusUnauthorized
	case r.who == facilitator && r.method == "GET":
		return http.StatusSeeOther // to /login
	case r.who == facilitator:
		return http.StatusUnauthorized
	case r.who == kiosk:
		return http.StatusNotFound // the code opens no workshop
	case r.who == director:
		return http.StatusUnauthorized // the link does not work
	}
	return 0
}

// TestAccess walks every route of the engine with every role and checks
// the status: the role a route is for gets its answer, every other role is
// refused, and nothing is left out.
func TestAccess(t *testing.T) {
	e := newEnv(t)
	f := newFixture(t, e)
	// The walk uploads photos to workshop A; processed in the background,
	// they would regroup A and replace the clusters the walk is about to
	// merge and delete. Uploads stay queued instead.
	if err := e.db.StopWorkers(context.Background()); err != nil {
		t.Fatal(err)
	}
	fac := e.login()
	table := routes(e)
	// Each request from its own address: wrong codes are part of the walk,
	// and the rate limit has its own test.
	n := 0
	e.client = func() string { n++; return fmt.Sprintf("10.%d.%d.%d:4000", n>>16&255, n>>8&255, n&255) }

	// Every route of the engine is in the table, and nothing else.
	have := map[string]bool{}
	for _, r := range table {
		have[r.method+" "+r.pattern] = true
	}
	var missing []string
	for _, ri := range e.h.(*gin.Engine).Routes() {
		if !have[ri.Method+" "+ri.Path] {
			missing = append(missing, ri.Method+" "+ri.Path)
		}
		delete(have, ri.Method+" "+ri.Path)
	}
	sort.Strings(missing)
	if len(missing) > 0 || len(have) > 0 {
		t.Fatalf("routes not in the access table: %v; table routes the engine lacks: %v", missing, have)
	}

	checked := 0
	for _, r := range table {
		for _, role := range roles {
			code, token := "WRONGCODE", "0123456789abcdef0123456789abcdef"
			var s *session
			switch role {
			case kiosk:
				code = f.a.JoinCode
			case director:
				token = f.token
			case facilitator:
				s = fac
				if r.method == "POST" && strings.HasSuffix(r.pattern, "logout") {
					s = e.login() // a session of its own to end
				}
			}
			want := r.status
			if r.who != "" && r.who != role {
				want = refused(r)
			}
			var body []byte
			var ct string
			if r.body != nil {
				body, ct = r.body(f)
			}
			path := r.path(f, code, token)
			rec := e.do(s, r.method, path, body, ct)
			checked++
			if got := rec.Code; got != want {
				t.Errorf("%s %s as %s: status %d, want %d (%s)", r.method, path, role, got, want, short(rec.Body.String()))
			}
			if want == http.StatusSeeOther && r.who == facilitator && role != facilitator {
				if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
					t.Errorf("%s %s as %s: redirect to %q, want /login", r.method, path, role, loc)
				}
			}
		}
	}
	t.Logf("%d routes x %d roles = %d requests checked", len(table), len(roles), checked)
}

// short cuts a response body for an error message.
func short(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
