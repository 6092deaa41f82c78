package dashboard_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestBrowserKioskResends loses the answers to the kiosk's upload on the
// way back (the server stored the photo, the tablet hears a dropped
// connection), as flaky workshop Wi-Fi does. The kiosk sends the photo
// again under the same Idempotency-Key, by itself three times and then
// when the participant asks; the server answers with the photo it already
// has, and the participant sees the result of one photo.
func TestBrowserKioskResends(t *testing.T) {
	t.Run("one answer lost", func(t *testing.T) { kioskResends(t, 1) })
	t.Run("four answers lost", func(t *testing.T) { kioskResends(t, 4) })
}

// kioskResends throws away the first `lost` answers to the kiosk's upload.
func kioskResends(t *testing.T, lost int) {
	e := newEnv(t)
	ts := e.listen()
	w := e.workshop("Wifi valt weg")
	photoFile := filepath.Join(t.TempDir(), "muur-a.jpg")
	if err := os.WriteFile(photoFile, e.drawWall(wallNotes()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)

	// Every upload is paused once its answer has arrived; the first
	// `lost` answers are thrown away.
	type sent struct {
		key    string
		status int64
	}
	var mu sync.Mutex
	var uploads []sent
	paused := make(chan *fetch.EventRequestPaused, 16)
	if err := chromedp.Listen(ctx, func(ev any) {
		if p, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- p
		}
	}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case <-done:
				return
			case p := <-paused:
				key, _ := p.Request.Headers["Idempotency-Key"].(string)
				mu.Lock()
				uploads = append(uploads, sent{key, p.ResponseStatusCode})
				drop := len(uploads) <= lost
				mu.Unlock()
				if drop {
					chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: p.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
				} else {
					chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: p.RequestID})
				}
			}
		}
	}()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*/api/v1/kiosk/*/photos", RequestStage: fetch.RequestStageResponse},
	}}); err != nil {
		t.Fatal(err)
	}

	do(t, ctx, "open kiosk", chromedp.Navigate(ts.URL+"/k/"+w.JoinCode), chromedp.WaitVisible("#start-camera"))
	do(t, ctx, "choose wall and photo", chromedp.SetValue("#wall", "Muur A"),
		chromedp.SetUploadFiles("#file", []string{photoFile}))
	if lost > 3 {
		// The kiosk gave up after three resends: it says so and offers
		// to send the same photo again.
		poll(t, ctx, "the error and the resend button", `!document.getElementById("upload-error").hidden && !document.getElementById("resend").hidden`)
		do(t, ctx, "send again", chromedp.Click("#resend"))
	}
	poll(t, ctx, "the photo's notes after the resend", `document.querySelectorAll("#kiosk-wall polygon.line").length === 6 &&
		document.getElementById("upload-error").hidden`)

	mu.Lock()
	got := append([]sent(nil), uploads...)
	mu.Unlock()
	if len(got) != lost+1 {
		t.Fatalf("the kiosk sent the photo %d times, want %d (the lost ones and one resend): %+v", len(got), lost+1, got)
	}
	for i, u := range got {
		if u.key == "" || u.key != got[0].key {
			t.Errorf("sending %d: Idempotency-Key %q, want the first sending's %q", i+1, u.key, got[0].key)
		}
		want := int64(200) // the photo stored before
		if i == 0 {
			want = 201 // stored
		}
		if u.status != want {
			t.Errorf("sending %d answered %d, want %d", i+1, u.status, want)
		}
	}
	photos, err := e.db.Photos(context.Background(), w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(photos) != 1 {
		t.Fatalf("%d photos stored, want 1", len(photos))
	}
	if got, want := photos[0].IdempotencyKey, got[0].key; got != want {
		t.Errorf("stored key %q, want the kiosk's %q", got, want)
	}
	if got, want := eval[string](t, ctx, `document.getElementById("count").textContent`), "6 notities gevonden"; got != want {
		t.Errorf("count = %q after the resend, want %q", got, want)
	}
}
