package spool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"wallscan"
)

// kiosk is a stand-in for the server's kiosk endpoint: it stores each photo
// it accepts once per Idempotency-Key, as the real server should, and can
// be told to misbehave.
type kiosk struct {
	t    *testing.T
	code string

	mu       sync.Mutex
	stored   []received      // photos kept, in arrival order
	attempts []string        // Idempotency-Keys of every request
	byKey    map[string]bool // keys stored
	fail     func(n int) int // status to answer attempt n (0-based) with, 0 = accept
	dropOnce map[string]bool // keys whose first answer is lost after storing
	arrived  chan struct{}   // signalled after each stored photo
	answers  map[int]string  // body per failure status
	dropped  map[string]bool // keys whose answer was already dropped
}

type received struct {
	key, wall, filename string
	data                []byte
}

func newKiosk(t *testing.T) *kiosk {
	return &kiosk{t: t, code: "ABC123", byKey: map[string]bool{}, dropOnce: map[string]bool{},
		dropped: map[string]bool{}, arrived: make(chan struct{}, 100), answers: map[int]string{}}
}

func (k *kiosk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/api/v1/kiosk/"+k.code {
		io.WriteString(w, `{"title":"Informatiebarrières VWS"}`)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/kiosk/"+k.code+"/photos" {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	key := r.Header.Get(IdempotencyHeader)
	k.mu.Lock()
	n := len(k.attempts)
	k.attempts = append(k.attempts, key)
	fail := k.fail
	k.mu.Unlock()
	if fail != nil {
		if status := fail(n); status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, k.answers[status])
			return
		}
	}
	f, fh, err := r.FormFile("photo")
	if err != nil {
		http.Error(w, `{"error":"no photo field"}`, http.StatusBadRequest)
		return
	}
	data, _ := io.ReadAll(f)
	k.mu.Lock()
	if !k.byKey[key] {
		k.byKey[key] = true
		k.stored = append(k.stored, received{key: key, wall: r.FormValue("wall"), filename: fh.Filename, data: data})
		k.arrived <- struct{}{}
	}
	drop := k.dropOnce[key] && !k.dropped[key]
	k.dropped[key] = k.dropped[key] || drop
	k.mu.Unlock()
	if drop { // stored, but the answer is lost on the way back
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"id":%d}`, len(k.stored))
}

func (k *kiosk) storedPhotos() []received {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]received(nil), k.stored...)
}

// addPhotos spools n photos for walls "w1".."wn" and returns them.
// uploaderFor starts a test server for the kiosk and returns an Uploader
// that sends to it from a fresh spool holding photos 1..n, and those
// photos. The server stops when the test ends.
func uploaderFor(t *testing.T, k *kiosk, n int) (*Uploader, []Item) {
	t.Helper()
	srv := httptest.NewServer(k)
	t.Cleanup(srv.Close)
	s := openSpool(t, t.TempDir())
	items := addPhotos(t, s, 1, n)
	return &Uploader{Spool: s, Server: srv.URL, Kiosk: k.code}, items
}

func addPhotos(t *testing.T, s *Spool, from, n int) []Item {
	t.Helper()
	var items []Item
	for i := from; i < from+n; i++ {
		it, err := s.Add(photo(i), Meta{Wall: fmt.Sprintf("w%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	return items
}

// checkArrivedOnce checks that the kiosk holds exactly the given photos,
// each once, in order.
func checkArrivedOnce(t *testing.T, k *kiosk, items []Item, firstPhoto int) {
	t.Helper()
	got := k.storedPhotos()
	if len(got) != len(items) {
		t.Fatalf("server stored %d photos, want %d", len(got), len(items))
	}
	for i, it := range items {
		if got[i].key != it.ID || string(got[i].data) != string(photo(firstPhoto+i)) || got[i].wall != it.Wall {
			t.Errorf("stored[%d] = key %q wall %q data %q; want key %q wall %q data %q",
				i, got[i].key, got[i].wall, got[i].data, it.ID, it.Wall, photo(firstPhoto+i))
		}
	}
}

func TestFlushSendsInOrderAndEmptiesSpool(t *testing.T) {
	k := newKiosk(t)
	u, items := uploaderFor(t, k, 4)
	s := u.Spool
	var events []Event
	u.Report = func(e Event) { events = append(events, e) }
	sent, err := u.Flush(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sent, 4; got != want {
		t.Errorf("sent = %d, want %d", got, want)
	}
	checkArrivedOnce(t, k, items, 1)
	if n, _ := s.Len(); n != 0 {
		t.Errorf("spool holds %d photos after a full flush, want 0", n)
	}
	if got, want := k.storedPhotos()[0].filename, items[0].Filename(); got != want || !strings.HasPrefix(got, "camera-") || !strings.HasSuffix(got, "-0001.jpg") {
		t.Errorf("filename = %q, want %q", got, want)
	}
	for i, e := range events {
		if e.Outcome != Sent || e.Status != http.StatusCreated || e.Waiting != 3-i {
			t.Errorf("event %d = %+v, want sent, 201, %d waiting", i, e, 3-i)
		}
	}
}

// TestServerStoppedAndRestarted stops the server while photos are taken:
// they wait in the spool and arrive, in order and each once, when a server
// listens on the same address again.
func TestServerStoppedAndRestarted(t *testing.T) {
	k := newKiosk(t)
	srv := httptest.NewServer(k)
	addr := srv.Listener.Addr().String()
	s := openSpool(t, t.TempDir())
	u := &Uploader{Spool: s, Server: srv.URL, Kiosk: k.code, MinBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	first := addPhotos(t, s, 1, 2)
	if _, err := u.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for range first {
		<-k.arrived
	}
	srv.Close() // the server goes away

	wake := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx, wake) }()
	later := addPhotos(t, s, 3, 3)
	wake <- struct{}{}
	// Nothing can arrive while the server is down; the photos wait.
	if _, err := u.Flush(ctx); !isRetry(err) {
		t.Fatalf("Flush with the server down: %v, want a retryable error", err)
	}
	if n, _ := s.Len(); n != 3 {
		t.Errorf("spool holds %d photos with the server down, want 3", n)
	}

	// The server comes back on the same address.
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	srv2 := &httptest.Server{Listener: l, Config: &http.Server{Handler: k}}
	srv2.Start()
	defer srv2.Close()
	for range later {
		select {
		case <-k.arrived:
		case <-ctx.Done():
			t.Fatalf("photos did not arrive after the server came back; stored %d", len(k.storedPhotos()))
		}
	}
	// The answers are on their way back: wait until the uploader has
	// taken the photos out of the spool before stopping it.
	for n, _ := s.Len(); n > 0 && ctx.Err() == nil; n, _ = s.Len() {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	checkArrivedOnce(t, k, append(first, later...), 1)
}

// TestLostAnswerIsNotDoubled: the server stored the photo but the answer
// never came back; the uploader sends it again under the same key, and a
// server that honours the key keeps it once.
func TestLostAnswerIsNotDoubled(t *testing.T) {
	k := newKiosk(t)
	u, items := uploaderFor(t, k, 3)
	s := u.Spool
	k.dropOnce[items[1].ID] = true
	// net/http itself may send the request again on the closed connection
	// (a POST with an Idempotency-Key counts as idempotent); otherwise the
	// next Flush does. Either way the photo goes again under its key.
	for i := 0; i < 3; i++ {
		_, err := u.Flush(context.Background())
		if err == nil {
			break
		}
		if !isRetry(err) {
			t.Fatalf("Flush = %v, want nil or a retryable error", err)
		}
	}
	if n, _ := s.Len(); n != 0 {
		t.Fatalf("spool holds %d photos, want 0", n)
	}
	checkArrivedOnce(t, k, items, 1)
	k.mu.Lock()
	defer k.mu.Unlock()
	if got, want := strings.Join(k.attempts, " "), strings.Join([]string{items[0].ID, items[1].ID, items[1].ID, items[2].ID}, " "); got != want {
		t.Errorf("attempts (keys) = %s, want %s", got, want)
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        string
		wantOutcome Outcome
		wantSpool   int // photos left waiting
		wantStored  int
		wantRetry   bool
		wantKiosk   bool
		wantReason  string
	}{
		{"unavailable", 503, `{"error":"starting up"}`, Retry, 3, 0, true, false, ""},
		{"busy", 429, `{"error":"slow down"}`, Retry, 3, 0, true, false, ""},
		{"request timeout", 408, ``, Retry, 3, 0, true, false, ""},
		{"not a photo", 415, `{"error":{"code":"unsupported","message":"HEIC photos are not supported."}}`, Rejected, 0, 2, false, false, "415 HEIC photos are not supported."},
		{"too large", 413, `{"error":"The photo is 40 MB; the limit is 32 MB."}`, Rejected, 0, 2, false, false, "413 The photo is 40 MB; the limit is 32 MB."},
		{"unknown kiosk", 404, `{"error":"no such kiosk"}`, Stopped, 3, 0, false, true, ""},
		{"closed workshop", 403, `closed`, Stopped, 3, 0, false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newKiosk(t)
			k.answers[tt.status] = tt.body
			k.fail = func(n int) int { // the first photo's first answer
				if n == 0 {
					return tt.status
				}
				return 0
			}
			u, items := uploaderFor(t, k, 3)
			s := u.Spool
			var events []Event
			u.Report = func(e Event) { events = append(events, e) }
			_, err := u.Flush(context.Background())
			if got, want := isRetry(err), tt.wantRetry; got != want {
				t.Errorf("retryable = %v (%v), want %v", got, err, want)
			}
			if got, want := errors.Is(err, ErrKiosk), tt.wantKiosk; got != want {
				t.Errorf("ErrKiosk = %v (%v), want %v", got, err, want)
			}
			if tt.wantKiosk && wallscan.ErrorCode(err) != wallscan.EUNAUTHORIZED {
				t.Errorf("code = %q, want %q", wallscan.ErrorCode(err), wallscan.EUNAUTHORIZED)
			}
			if len(events) == 0 || events[0].Outcome != tt.wantOutcome || events[0].Item.ID != items[0].ID {
				t.Errorf("first event = %+v, want %s for %s", events, tt.wantOutcome, items[0].ID)
			}
			if n, _ := s.Len(); n != tt.wantSpool {
				t.Errorf("spool holds %d, want %d", n, tt.wantSpool)
			}
			if got, want := len(k.storedPhotos()), tt.wantStored; got != want {
				t.Errorf("server stored %d, want %d", got, want)
			}
			rej, _ := s.Rejected()
			if tt.wantReason == "" {
				if len(rej) != 0 {
					t.Errorf("rejected = %d photos, want none", len(rej))
				}
				return
			}
			if len(rej) != 1 || rej[0].ID != items[0].ID {
				t.Fatalf("rejected = %+v, want photo %s", rej, items[0].ID)
			}
			reason, err := readReason(s, rej[0])
			if err != nil {
				t.Fatal(err)
			}
			if reason != tt.wantReason {
				t.Errorf("reason = %q, want %q", reason, tt.wantReason)
			}
		})
	}
}

func readReason(s *Spool, it Item) (string, error) {
	b, err := os.ReadFile(strings.TrimSuffix(it.Path, photoExt) + ".txt")
	return strings.TrimSpace(string(b)), err
}

func TestUploaderChecksSettings(t *testing.T) {
	s := openSpool(t, t.TempDir())
	tests := []struct {
		name          string
		server, kiosk string
	}{
		{"no kiosk", "http://localhost:8080", ""},
		{"no scheme", "localhost:8080", "ABC"},
		{"ftp", "ftp://host/", "ABC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &Uploader{Spool: s, Server: tt.server, Kiosk: tt.kiosk}
			if _, err := u.Flush(context.Background()); wallscan.ErrorCode(err) != wallscan.EINVALID {
				t.Errorf("Flush = %v, want EINVALID", err)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	k := newKiosk(t)
	srv := httptest.NewServer(k)
	s := openSpool(t, t.TempDir())
	title, err := (&Uploader{Spool: s, Server: srv.URL, Kiosk: k.code}).Check(context.Background())
	if err != nil || title != "Informatiebarrières VWS" {
		t.Errorf("Check = %q, %v; want the workshop title", title, err)
	}
	_, err = (&Uploader{Spool: s, Server: srv.URL, Kiosk: "WRONG"}).Check(context.Background())
	if !errors.Is(err, ErrKiosk) || wallscan.ErrorCode(err) != wallscan.EUNAUTHORIZED {
		t.Errorf("Check(wrong code) = %v, want ErrKiosk", err)
	}
	srv.Close()
	_, err = (&Uploader{Spool: s, Server: srv.URL, Kiosk: k.code}).Check(context.Background())
	if !IsRetry(err) {
		t.Errorf("Check(server down) = %v, want a retryable error", err)
	}
}

// TestFlushSkipsPhotoRemovedByHand: someone deletes a waiting photo from
// the folder while the uploader is busy; the others are still sent.
func TestFlushSkipsPhotoRemovedByHand(t *testing.T) {
	k := newKiosk(t)
	u, items := uploaderFor(t, k, 3)
	u.Report = func(e Event) {
		if e.Item.Seq == items[0].Seq {
			os.Remove(items[1].Path) // after Flush listed the spool
		}
	}
	sent, err := u.Flush(context.Background())
	if err != nil || sent != 2 {
		t.Fatalf("Flush = %d, %v; want 2, nil", sent, err)
	}
	var keys []string
	for _, p := range k.storedPhotos() {
		keys = append(keys, p.key)
	}
	if got, want := strings.Join(keys, " "), items[0].ID+" "+items[2].ID; got != want {
		t.Errorf("stored %s, want %s", got, want)
	}
}
