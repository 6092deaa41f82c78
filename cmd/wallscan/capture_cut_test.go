package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"wallscan"
	"wallscan/spool"
)

// cuttingProxy stands between the camera station and the real server and
// forwards every request. The answer to the first photo upload it is
// given is lost: the server stores the photo, and the proxy closes the
// station's connection without a word, as a network cut would.
type cuttingProxy struct {
	t      *testing.T
	target string // the real server's base URL
	// closeEach answers every request with Connection: close, so the
	// station opens a new connection for each: Go's client then does not
	// resend on its own, and the spool must.
	closeEach bool

	mu   sync.Mutex
	keys []string // the Idempotency-Key of each photo upload, in order
	cuts int
}

func (p *cuttingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the station gave up
	}
	upload := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/photos")
	var cut bool
	if upload {
		p.mu.Lock()
		p.keys = append(p.keys, r.Header.Get(spool.IdempotencyHeader))
		cut = p.cuts == 0
		if cut {
			p.cuts++
		}
		p.mu.Unlock()
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		p.t.Errorf("proxy: %v", err)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if cut {
		if resp.StatusCode != http.StatusCreated {
			p.t.Errorf("proxy: the server answered the upload to be cut with %d, want 201: %s", resp.StatusCode, answer)
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			p.t.Errorf("proxy: hijack: %v", err)
			return
		}
		conn.Close()
		return
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	if p.closeEach {
		w.Header().Set("Connection", "close")
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// TestCaptureAnswerLost, against the real server: the server stores the
// first photo, but its answer never reaches the station. The station
// sends the photo again under the same Idempotency-Key, and the server
// holds each shot exactly once. On a reused connection Go's client
// resends the upload itself; on a fresh one the spool resends it.
func TestCaptureAnswerLost(t *testing.T) {
	video := captureVideo(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		closeEach bool
	}{
		{"connection reused", false},
		{"fresh connections", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := openCaptureServer(t, "127.0.0.1:0", t.TempDir())
			defer srv.Close()
			ws := &wallscan.Workshop{Title: "Verloren antwoord"}
			if err := srv.db.CreateWorkshop(ctx, ws); err != nil {
				t.Fatal(err)
			}
			proxy := &cuttingProxy{t: t, target: srv.URL(), closeEach: tc.closeEach}
			front := httptest.NewServer(proxy)
			defer front.Close()

			code, _, stderr := runCmd(t, "", "capture", "--source", video, "--server", front.URL,
				"--kiosk", ws.JoinCode, "--wall", "Muur A", "--spool", t.TempDir(), "--preview", "off")
			if code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", code, stderr)
			}
			if want := "2 shots taken, 2 photos sent, 0 refused; 0 waiting"; !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
			resent := strings.Contains(stderr, "not sent")
			if tc.closeEach && !resent {
				t.Errorf("on fresh connections the spool must resend, but stderr reports no failed attempt:\n%s", stderr)
			}
			t.Logf("resent by the spool: %v (otherwise by Go's client)", resent)

			proxy.mu.Lock()
			keys, cuts := proxy.keys, proxy.cuts
			proxy.mu.Unlock()
			if got, want := cuts, 1; got != want {
				t.Fatalf("%d answers cut, want %d", got, want)
			}
			if len(keys) < 3 || keys[0] == "" || keys[1] != keys[0] {
				t.Fatalf("uploads under keys %q; want the cut one (first) sent again under its key", keys)
			}
			distinct := map[string]bool{}
			for _, k := range keys {
				distinct[k] = true
			}
			if got, want := len(distinct), 2; got != want {
				t.Errorf("%d distinct keys over %d uploads, want %d (one per shot)", got, len(keys), want)
			}

			photos, err := srv.db.Photos(ctx, ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(photos), 2; got != want {
				t.Fatalf("server holds %d photos after %d uploads of 2 shots, want %d", got, len(keys), want)
			}
			// In spool order: the cut shot first, under its key, then the other.
			for i, want := range []string{keys[0], keys[len(keys)-1]} {
				if got := photos[i].IdempotencyKey; got != want {
					t.Errorf("photo %d stored under key %q, want %q", i+1, got, want)
				}
			}
		})
	}
}
