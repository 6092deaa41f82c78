package dashboard_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/tls"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wallscan"
	"wallscan/dashboard"
)

// apiErr is the error body of the API.
type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestUploadBadInput(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Uploads")
	good := e.drawWall(wallNotes()[:1])
	big := make([]byte, wallscan.MaxUploadBytes+1)
	copy(big, good)
	for _, tc := range []struct {
		name     string
		body     func() ([]byte, string)
		code     string // the kiosk code to use; "" for the workshop's
		status   int
		errCode  string
		inReason string
	}{
		{"text file", func() ([]byte, string) { return multipartPhoto([]byte("dit is geen foto\n"), "") }, "", 415, wallscan.EUNSUPPORTED, "JPEG or PNG"},
		{"pdf", func() ([]byte, string) { return multipartPhoto([]byte("%PDF-1.7\n..."), "") }, "", 415, wallscan.EUNSUPPORTED, "PDF"},
		{"heic", func() ([]byte, string) {
			return multipartPhoto([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "")
		}, "", 415, wallscan.EUNSUPPORTED, "HEIC"},
		{"empty file", func() ([]byte, string) { return multipartPhoto([]byte{}, "") }, "", 400, wallscan.EINVALID, "empty"},
		{"truncated jpeg", func() ([]byte, string) { return multipartPhoto(good[:len(good)/2], "") }, "", 400, wallscan.EINVALID, "truncated"},
		{"no photo field", func() ([]byte, string) { return multipartPhoto(nil, "Muur A") }, "", 400, wallscan.EINVALID, "photo"},
		{"not multipart", func() ([]byte, string) { return good, "image/jpeg" }, "", 400, wallscan.EINVALID, "multipart"},
		{"wall name too long", func() ([]byte, string) { return multipartPhoto(good, strings.Repeat("m", wallscan.MaxTitle+1)) }, "", 400, wallscan.EINVALID, "wall name"},
		{"too large", func() ([]byte, string) { return multipartPhoto(big, "") }, "", 413, wallscan.ETOOLARGE, "limit"},
		{"unknown code", func() ([]byte, string) { return multipartPhoto(good, "") }, "GEENCODE", 404, wallscan.ENOTFOUND, "code"},
		{"good photo", func() ([]byte, string) { return multipartPhoto(good, "Muur B") }, "", 201, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := tc.code
			if code == "" {
				code = w.JoinCode
			}
			body, ct := tc.body()
			rec := e.do(nil, "POST", "/api/v1/kiosk/"+code+"/photos", body, ct)
			if got, want := rec.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d (%s)", got, want, short(rec.Body.String()))
			}
			if tc.status == 201 {
				var p wallscan.Photo
				decode(t, rec, &p)
				// The photo is stored before the answer.
				stored, err := e.db.Photo(context.Background(), p.ID)
				if err != nil {
					t.Fatalf("uploaded photo not stored: %v", err)
				}
				if got, want := stored.Wall, "Muur B"; got != want {
					t.Errorf("wall = %q, want %q", got, want)
				}
				data, err := e.db.PhotoData(context.Background(), p.ID)
				if err != nil || !bytes.Equal(data, good) {
					t.Errorf("stored bytes differ from the upload (%v)", err)
				}
				return
			}
			var ae apiErr
			decode(t, rec, &ae)
			if got, want := ae.Error.Code, tc.errCode; got != want {
				t.Errorf("error code = %q, want %q", got, want)
			}
			if !strings.Contains(strings.ToLower(ae.Error.Message), strings.ToLower(tc.inReason)) {
				t.Errorf("message %q does not say %q", ae.Error.Message, tc.inReason)
			}
		})
	}
	photos, _ := e.db.Photos(context.Background(), w.ID)
	if got, want := len(photos), 1; got != want {
		t.Errorf("%d photos stored, want %d (only the good one)", got, want)
	}
}

func TestJSONBadInput(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("JSON")
	e.processedWall(w)
	notes, _ := e.db.Notes(context.Background(), wallscan.NoteFilter{WorkshopID: w.ID})
	s := e.login()
	path := "/api/v1/workshops/" + id(w.ID)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   string
		ct     string
		status int
	}{
		{"unknown field", "PATCH", path, `{"titel": "x"}`, "application/json", 400},
		{"wrong type", "PATCH", path, `{"title": 5}`, "application/json", 400},
		{"not json", "PATCH", path, `title=x`, "application/x-www-form-urlencoded", 415},
		{"broken json", "PATCH", path, `{"title": "x"`, "application/json", 400},
		{"empty body", "PATCH", path, ``, "application/json", 400},
		{"two objects", "PATCH", path, `{} {}`, "application/json", 400},
		{"title too long", "PATCH", path, `{"title": "` + strings.Repeat("t", wallscan.MaxTitle+1) + `"}`, "application/json", 400},
		{"empty title", "POST", "/api/v1/workshops", `{"case": "x"}`, "application/json", 400},
		{"bad date", "PATCH", path, `{"date": "29-11-2026"}`, "application/json", 400},
		{"unknown colour", "PATCH", path, `{"legend": [{"color": "teal", "name": "x"}]}`, "application/json", 400},
		{"colour twice", "PATCH", path, `{"legend": [{"color": "yellow", "name": "a"}, {"color": "yellow", "name": "b"}]}`, "application/json", 400},
		{"body too large", "PATCH", path, `{"case": "` + strings.Repeat("x", dashboard.MaxJSONBytes) + `"}`, "application/json", 413},
		{"unknown workshop", "GET", "/api/v1/workshops/999999", "", "", 404},
		{"malformed id", "GET", "/api/v1/workshops/abc", "", "", 404},
		{"unknown note", "PATCH", "/api/v1/notes/999999", `{"text": "x"}`, "application/json", 404},
		{"note text too long", "PATCH", "/api/v1/notes/" + id(notes[0].ID), `{"text": "` + strings.Repeat("x", wallscan.MaxNoteText+1) + `"}`, "application/json", 400},
		{"empty label", "POST", path + "/clusters", `{"label": ""}`, "application/json", 400},
		{"undo with nothing done", "POST", path + "/undo", ``, "", 409},
		{"bad review filter", "GET", path + "/notes?review=maybe", "", "", 400},
		{"unknown export", "GET", "/workshops/" + id(w.ID) + "/export/docx", "", "", 404},
		{"unknown route", "GET", "/api/v1/nothing", "", "", 404},
		{"wrong method", "PUT", path, "", "", 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(s, tc.method, tc.path, []byte(tc.body), tc.ct)
			if got, want := rec.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d (%s)", got, want, short(rec.Body.String()))
			}
			if strings.HasPrefix(tc.path, "/api/") {
				var ae apiErr
				decode(t, rec, &ae)
				if ae.Error.Code == "" || ae.Error.Message == "" {
					t.Errorf("error body %s lacks code or message", rec.Body)
				}
			}
		})
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	s := e.login()
	body := jsonBody(map[string]string{"title": "Zonder token"})
	for _, tc := range []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", 403},
		{"wrong token", strings.Repeat("0", 64), 403},
		{"right token", s.csrf, 201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as := &session{cookie: s.cookie, csrf: tc.token}
			rec := e.do(as, "POST", "/api/v1/workshops", body, "application/json")
			if got, want := rec.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d (%s)", got, want, short(rec.Body.String()))
			}
		})
	}
	// The logout form carries the token as a field.
	form := "csrf_token=" + s.csrf
	rec := e.do(&session{cookie: s.cookie}, "POST", "/logout", []byte(form), "application/x-www-form-urlencoded")
	if got, want := rec.Code, http.StatusSeeOther; got != want {
		t.Fatalf("logout with form token: %d, want %d", got, want)
	}
	// The session is over.
	if got, want := e.do(s, "GET", "/api/v1/workshops", nil, "").Code, http.StatusUnauthorized; got != want {
		t.Errorf("after logout: %d, want %d", got, want)
	}
}

func TestLoginFromOtherSiteRefused(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("POST", "/login", strings.NewReader("password="+testPassword))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if got, want := rec.Code, http.StatusForbidden; got != want {
		t.Fatalf("cross-site login: %d, want %d", got, want)
	}
	if len(rec.Result().Cookies()) > 0 {
		t.Errorf("cross-site login set cookies: %v", rec.Result().Cookies())
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Limits")
	wrong := jsonBody(map[string]string{"password": "fout-wachtwoord"})
	for i := range dashboard.MaxLoginFailures {
		if got, want := e.do(nil, "POST", "/api/v1/login", wrong, "application/json").Code, 401; got != want {
			t.Fatalf("wrong password %d: %d, want %d", i+1, got, want)
		}
	}
	right := jsonBody(map[string]string{"password": testPassword})
	rec := e.do(nil, "POST", "/api/v1/login", right, "application/json")
	if got, want := rec.Code, http.StatusTooManyRequests; got != want {
		t.Fatalf("login after %d failures: %d, want %d", dashboard.MaxLoginFailures, got, want)
	}
	if rec.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Claiming another address in X-Forwarded-For does not help.
	req := httptest.NewRequest("POST", "/api/v1/login", bytes.NewReader(right))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", "203.0.113.99")
	spoof := httptest.NewRecorder()
	e.h.ServeHTTP(spoof, req)
	if got, want := spoof.Code, http.StatusTooManyRequests; got != want {
		t.Fatalf("login with a forged X-Forwarded-For: %d, want %d", got, want)
	}
	// Another address is not affected.
	e.client = func() string { return "198.51.100.7:5000" }
	if got, want := e.do(nil, "POST", "/api/v1/login", right, "application/json").Code, 200; got != want {
		t.Fatalf("login from another address: %d, want %d", got, want)
	}

	// Guessing kiosk codes.
	e.client = func() string { return "198.51.100.8:5000" }
	for i := range dashboard.MaxCodeFailures {
		if got, want := e.do(nil, "GET", fmt.Sprintf("/api/v1/kiosk/GUESS%d", i), nil, "").Code, 404; got != want {
			t.Fatalf("guess %d: %d, want %d", i+1, got, want)
		}
	}
	if got, want := e.do(nil, "GET", "/api/v1/kiosk/"+w.JoinCode, nil, "").Code, http.StatusTooManyRequests; got != want {
		t.Fatalf("right code after %d guesses: %d, want %d", dashboard.MaxCodeFailures, got, want)
	}
	// A kiosk that knows its code is never slowed down.
	e.client = func() string { return "198.51.100.9:5000" }
	for i := range 3 * dashboard.MaxCodeFailures {
		if got, want := e.do(nil, "GET", "/api/v1/kiosk/"+w.JoinCode, nil, "").Code, 200; got != want {
			t.Fatalf("kiosk request %d: %d, want %d", i+1, got, want)
		}
	}
}

// TestScope checks that a kiosk code and a share link open their own
// workshop and nothing of another.
func TestScope(t *testing.T) {
	e := newEnv(t)
	f := newFixture(t, e)
	kioskA := "/api/v1/kiosk/" + f.a.JoinCode
	for _, tc := range []struct {
		name, method, path string
		body               []byte
	}{
		{"kiosk reads photo of B", "GET", kioskA + "/photos/" + id(f.photoB.ID), nil},
		{"kiosk reads image of B", "GET", kioskA + "/photos/" + id(f.photoB.ID) + "/image", nil},
		{"kiosk streams photo of B", "GET", kioskA + "/photos/" + id(f.photoB.ID) + "/events", nil},
		{"kiosk edits note of B", "PATCH", kioskA + "/notes/" + id(f.notesB[0].ID), jsonBody(map[string]string{"text": "gehackt"})},
		{"director reads crop of B", "GET", "/r/" + f.token + "/notes/" + id(f.notesB[0].ID) + "/crop", nil},
		{"director reads photo of B", "GET", "/r/" + f.token + "/photos/" + id(f.photoB.ID) + "/image", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct := ""
			if tc.body != nil {
				ct = "application/json"
			}
			if got, want := e.do(nil, tc.method, tc.path, tc.body, ct).Code, http.StatusNotFound; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
		})
	}
	n, _ := e.db.Note(context.Background(), f.notesB[0].ID)
	if n.Text == "gehackt" {
		t.Error("a kiosk of A changed a note of B")
	}
	// The kiosk's view of its own photo holds its notes and nothing else.
	rec := e.do(nil, "GET", kioskA+"/photos/"+id(f.photoA.ID), nil, "")
	var kp struct {
		Photo wallscan.Photo   `json:"photo"`
		Notes []map[string]any `json:"notes"`
	}
	decode(t, rec, &kp)
	if got, want := len(kp.Notes), 6; got != want {
		t.Fatalf("kiosk sees %d notes, want %d", got, want)
	}
	for _, k := range []string{"cluster_id", "workshop_id", "words"} {
		if _, ok := kp.Notes[0][k]; ok {
			t.Errorf("kiosk note shows %q", k)
		}
	}
}

func TestRevokedLinkRefused(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Revoke")
	s := e.login()
	rec := e.do(s, "POST", "/api/v1/workshops/"+id(w.ID)+"/shares", nil, "")
	var link struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
		Path  string `json:"path"`
	}
	decode(t, rec, &link)
	if got, want := e.do(nil, "GET", link.Path, nil, "").Code, 200; got != want {
		t.Fatalf("fresh link: %d, want %d", got, want)
	}
	if got, want := e.do(s, "POST", fmt.Sprintf("/api/v1/workshops/%d/shares/%d/revoke", w.ID, link.ID), nil, "").Code, 204; got != want {
		t.Fatalf("revoke: %d, want %d", got, want)
	}
	for _, p := range []string{link.Path, link.Path + "/export/pdf", "/api/v1/shared/" + link.Token + "/report"} {
		if got, want := e.do(nil, "GET", p, nil, "").Code, http.StatusUnauthorized; got != want {
			t.Errorf("GET %s after revoke: %d, want %d", p, got, want)
		}
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/login", "/api/v1/workshops", "/static/app.css", "/nowhere"} {
		rec := e.do(nil, "GET", p, nil, "")
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", p, csp)
		}
		if got, want := h.Get("X-Content-Type-Options"), "nosniff"; got != want {
			t.Errorf("%s: X-Content-Type-Options = %q, want %q", p, got, want)
		}
		if h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: no Referrer-Policy", p)
		}
	}
	for _, useTLS := range []bool{false, true} {
		req := httptest.NewRequest("POST", "/api/v1/login", bytes.NewReader(jsonBody(map[string]string{"password": testPassword})))
		req.Header.Set("Content-Type", "application/json")
		if useTLS {
			req.TLS = &tls.ConnectionState{}
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		var c *http.Cookie
		for _, ck := range rec.Result().Cookies() {
			if ck.Name == dashboard.SessionCookie {
				c = ck
			}
		}
		if c == nil {
			t.Fatalf("tls=%v: no session cookie", useTLS)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != useTLS {
			t.Errorf("tls=%v: cookie HttpOnly=%v SameSite=%v Secure=%v", useTLS, c.HttpOnly, c.SameSite, c.Secure)
		}
	}
}

func TestPagesRedirectToLogin(t *testing.T) {
	e := newEnv(t)
	rec := e.do(nil, "GET", "/workshops/1/board?x=1", nil, "")
	if got, want := rec.Code, http.StatusSeeOther; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got, want := rec.Header().Get("Location"), "/login?next=%2Fworkshops%2F1%2Fboard%3Fx%3D1"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	// The login form sends the person back, but only within the site.
	for _, tc := range []struct{ next, want string }{
		{"/workshops/1/board", "/workshops/1/board"},
		{"//evil.example/x", "/workshops"},
		{"https://evil.example/", "/workshops"},
	} {
		e.client = func() string { return "203.0.113.1:1" }
		rec := e.do(nil, "POST", "/login", []byte("password="+testPassword+"&next="+tc.next), "application/x-www-form-urlencoded")
		if got := rec.Header().Get("Location"); got != tc.want {
			t.Errorf("next=%q: Location = %q, want %q", tc.next, got, tc.want)
		}
	}
	rec = e.do(nil, "POST", "/login", []byte("password=fout"), "application/x-www-form-urlencoded")
	if got, want := rec.Code, http.StatusUnauthorized; got != want {
		t.Errorf("wrong password on the form: %d, want %d", got, want)
	}
	if !strings.Contains(rec.Body.String(), "Onjuist wachtwoord") {
		t.Errorf("login page does not say the password is wrong")
	}
}

// TestUnknownWords: the settings page's suggestions are the words of the
// workshop's notes that the grouping does not know, until the vocabulary
// names them.
func TestUnknownWords(t *testing.T) {
	e := newEnv(t)
	s := e.login()
	w := e.workshop("Onbekende woorden")
	e.processedWall(w)
	path := "/api/v1/workshops/" + id(w.ID) + "/unknown-words"
	get := func() []wallscan.UnknownWord {
		t.Helper()
		rec := e.do(s, "GET", path, nil, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, rec.Code, short(rec.Body.String()))
		}
		var words []wallscan.UnknownWord
		if err := json.Unmarshal(rec.Body.Bytes(), &words); err != nil {
			t.Fatal(err)
		}
		return words
	}
	want := []wallscan.UnknownWord{{Word: "Pluvius", Notes: 2, Example: "systemen praten niet met Pluvius"}}
	if got := get(); !slices.Equal(got, want) {
		t.Errorf("unknown words %+v, want %+v", got, want)
	}
	rec := e.do(s, "PATCH", "/api/v1/workshops/"+id(w.ID), jsonBody(map[string]any{"vocabulary": []string{"Pluvius"}}), "application/json")
	if rec.Code != http.StatusOK {
		t.Fatalf("PATCH vocabulary: %d %s", rec.Code, short(rec.Body.String()))
	}
	if got := get(); len(got) != 0 {
		t.Errorf("unknown words once the vocabulary names Pluvius: %+v, want none", got)
	}
	if rec := e.do(nil, "GET", path, nil, ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("without a session: %d, want 401", rec.Code)
	}
}

func TestExports(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Export Ééntje")
	e.processedWall(w)
	ctx := context.Background()
	link, _ := e.db.CreateShareLink(ctx, w.ID)
	base := "/r/" + link.Token + "/export/"

	rec := e.do(nil, "GET", base+"pdf", nil, "")
	if got, want := rec.Code, 200; got != want {
		t.Fatalf("pdf: %d %s", got, short(rec.Body.String()))
	}
	if !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) || !bytes.Contains(rec.Body.Bytes(), []byte("%%EOF")) {
		t.Errorf("pdf does not look like a PDF")
	}
	if got, want := rec.Header().Get("Content-Disposition"), `attachment; filename="wallscan-export-eentje-2026-11-29.pdf"`; got != want && !strings.Contains(got, ".pdf") {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	text := pdfText(t, rec.Body.Bytes())
	for _, want := range []string{"Export Ééntje", "Genoemd door: beleid", "Perspectievenmatrix", "AVG angst bij ketenpartners", "Foto: Muur A", "pagina 1 van"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdf lacks %q", want)
		}
	}

	rec = e.do(nil, "GET", base+"csv", nil, "")
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if got, want := len(rows), 1+6; got != want {
		t.Fatalf("csv rows = %d, want %d (header + one per note)", got, want)
	}
	texts := map[string]bool{}
	for _, r := range rows[1:] {
		texts[r[8]] = true
	}
	for _, n := range wallNotes() {
		if !texts[n.text] {
			t.Errorf("csv lacks note %q", n.text)
		}
	}

	rec = e.do(nil, "GET", base+"md", nil, "")
	md := rec.Body.String()
	for _, want := range []string{"# Export Ééntje", "Gemeente Testdorp", "thema yellow (2)", "AVG angst bij ketenpartners (beleid)", "| beleid |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}

	rec = e.do(nil, "GET", base+"json", nil, "")
	var rep dashboard.Report
	decode(t, rec, &rep)
	if got, want := rep.NoteCount, 6; got != want {
		t.Errorf("json note_count = %d, want %d", got, want)
	}
	if got, want := len(rep.Clusters), 3; got != want {
		t.Fatalf("json clusters = %d, want %d", got, want)
	}
	for i, c := range rep.Clusters {
		if got, want := len(c.Perspectives), 1; got != want {
			t.Errorf("cluster %q raised by %v, want one perspective", c.Label, c.Perspectives)
		}
		if i > 0 && c.Count > rep.Clusters[i-1].Count {
			t.Errorf("clusters not ordered by size: %d after %d", c.Count, rep.Clusters[i-1].Count)
		}
	}
}

var pdfStream = regexp.MustCompile(`/Length (\d+)[^>]*>>\s*stream\r?\n`)
var pdfShow = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\) ?Tj`)

// pdfText returns the text shown in a PDF's compressed content streams,
// decoded from the cp1252 of the core fonts.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range pdfStream.FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
		if m[1]+n > len(pdf) {
			t.Fatalf("pdf stream of %d bytes runs past the end", n)
		}
		zr, err := zlib.NewReader(bytes.NewReader(pdf[m[1] : m[1]+n]))
		if err != nil {
			continue
		}
		content, err := io.ReadAll(zr)
		if err != nil {
			continue
		}
		for _, s := range pdfShow.FindAllSubmatch(content, -1) {
			for _, b := range s[1] {
				if b < 0x80 {
					out.WriteByte(b)
				} else {
					out.WriteRune(rune(b)) // Latin-1 part of cp1252, enough for Dutch accents
				}
			}
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// TestConcurrentUploads sends more uploads at once than are read at once;
// they queue, and every one is stored.
func TestConcurrentUploads(t *testing.T) {
	e := newEnv(t)
	w := e.workshop("Druk")
	photo := e.drawWall(wallNotes()[:2])
	const n = 3 * dashboard.MaxConcurrentUploads
	codes := make(chan int, n)
	for i := range n {
		go func() {
			body, ct := multipartPhoto(photo, fmt.Sprintf("Tafel %d", i))
			codes <- e.do(nil, "POST", "/api/v1/kiosk/"+w.JoinCode+"/photos", body, ct).Code
		}()
	}
	for range n {
		if got, want := <-codes, http.StatusCreated; got != want {
			t.Errorf("upload: %d, want %d", got, want)
		}
	}
	photos, err := e.db.Photos(context.Background(), w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(photos), n; got != want {
		t.Errorf("%d photos stored, want %d", got, want)
	}
}
