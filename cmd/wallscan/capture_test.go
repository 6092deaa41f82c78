package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"wallscan"
	"wallscan/synth"
)

// captureVideo writes a 1280x720 MJPG video, 10 frames a second, of a
// camera that looks at one synthetic wall, pans to a second, and looks at
// that: two steady views.
func captureVideo(t *testing.T) string {
	t.Helper()
	const w, h = 1280, 720
	wall := func(seed int64) synth.Options {
		return synth.Options{Seed: seed, Level: synth.LevelEasy, Width: 1700, Height: 1000, Notes: 15}
	}
	img, err := synth.Panorama(wall(40), wall(41))
	if err != nil {
		t.Fatal(err)
	}
	canvas, err := gocv.ImageToMatRGB(img)
	if err != nil {
		t.Fatal(err)
	}
	defer canvas.Close()
	var views []image.Point
	for i := 0; i < 14; i++ {
		views = append(views, image.Pt(100, 100))
	}
	for i := 1; i <= 8; i++ {
		views = append(views, image.Pt(100+i*(1900-100)/8, 100+i*50/8))
	}
	for i := 0; i < 14; i++ {
		views = append(views, image.Pt(1900, 150))
	}
	path := filepath.Join(t.TempDir(), "station.avi")
	vw, err := gocv.VideoWriterFile(path, "MJPG", 10, w, h, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	for i, p := range views {
		roi := canvas.Region(image.Rect(p.X, p.Y, p.X+w, p.Y+h))
		frame := roi.Clone()
		roi.Close()
		if i > 0 && views[i-1] != p { // moving: motion blur
			gocv.GaussianBlur(frame, &frame, image.Pt(0, 0), 2, 2, gocv.BorderReplicate)
		}
		err := vw.Write(frame)
		frame.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestCaptureOut(t *testing.T) {
	video := captureVideo(t)
	out := filepath.Join(t.TempDir(), "shots")
	for run, want := range [][]string{{"shot-0001.jpg", "shot-0002.jpg"}, {"shot-0003.jpg", "shot-0004.jpg"}} {
		code, stdout, stderr := runCmd(t, "", "capture", "--source", video, "--out", out, "--preview", "off")
		if code != 0 {
			t.Fatalf("run %d: exit %d; stderr:\n%s", run+1, code, stderr)
		}
		var paths []string
		for _, name := range want {
			paths = append(paths, filepath.Join(out, name))
		}
		if got, want := strings.Fields(stdout), paths; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("run %d: stdout = %q, want the saved paths %q", run+1, got, want)
		}
		if !strings.Contains(stderr, "2 shots saved in "+out) {
			t.Errorf("run %d: stderr does not say how many shots were saved:\n%s", run+1, stderr)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			info, err := wallscan.CheckPhoto(data)
			if err != nil {
				t.Errorf("%s: %v", p, err)
			}
			if info.Width != 1280 || info.Height != 720 {
				t.Errorf("%s is %dx%d, want 1280x720", p, info.Width, info.Height)
			}
		}
	}
}

// renewedKiosk is a server whose kiosk code K1 was renewed after the
// station checked it: it still answers the check, but refuses uploads as
// the real server refuses an unknown code.
type renewedKiosk struct{}

func (renewedKiosk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/api/v1/kiosk/K1" {
		io.WriteString(w, `{"title":"Test workshop"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, `{"error":{"code":"not_found","message":"This kiosk code is not known."}}`)
}

// openCaptureServer starts the real wallscan server (segmenting, without
// OCR and grouping, to keep the test light) on addr with the database in
// dataDir.
func openCaptureServer(t *testing.T, addr, dataDir string) *Server {
	t.Helper()
	s := &Server{Addr: addr, DataDir: dataDir, Password: "capture test password", Workers: 1,
		NoOCR: true, NoCluster: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCaptureServerDownThenUp, against the real server: with the server
// down the shots wait in the spool and the command says so; the next run,
// with the server up again on the same address, sends them first, then its
// own, each once and in order.
func TestCaptureServerDownThenUp(t *testing.T) {
	video := captureVideo(t)
	ctx := context.Background()
	dataDir, spoolDir := t.TempDir(), t.TempDir()
	srv := openCaptureServer(t, "127.0.0.1:0", dataDir)
	ws := &wallscan.Workshop{Title: "Camera station"}
	if err := srv.db.CreateWorkshop(ctx, ws); err != nil {
		t.Fatal(err)
	}
	addr := srv.listener.Addr().String()
	if err := srv.Close(); err != nil { // the server goes down
		t.Fatal(err)
	}
	args := []string{"capture", "--source", video, "--server", "http://" + addr, "--kiosk", ws.JoinCode,
		"--wall", "Muur A", "--spool", spoolDir, "--preview", "off"}

	code, _, stderr := runCmd(t, "", args...)
	if code != 0 {
		t.Fatalf("run with the server down: exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"cannot be reached", "2 shots taken, 0 photos sent, 0 refused; 2 waiting"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr with the server down lacks %q:\n%s", want, stderr)
		}
	}

	srv = openCaptureServer(t, addr, dataDir) // back, on the same address
	defer srv.Close()
	code, _, stderr = runCmd(t, "", args...)
	if code != 0 {
		t.Fatalf("run with the server up: exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"2 photos waiting in", `workshop "Camera station"`, "2 shots taken, 4 photos sent, 0 refused; 0 waiting"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr with the server up lacks %q:\n%s", want, stderr)
		}
	}
	photos, err := srv.db.Photos(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(photos), 4; got != want {
		t.Fatalf("server holds %d photos, want %d", got, want)
	}
	for i, p := range photos { // oldest first: in spool order
		if want := fmt.Sprintf("-%04d.jpg", i+1); !strings.HasPrefix(p.Filename, "camera-") || !strings.HasSuffix(p.Filename, want) {
			t.Errorf("photo %d is %q, want camera-...%s", i+1, p.Filename, want)
		}
		if p.Wall != "Muur A" || p.Width != 0 && (p.Width != 1280 || p.Height != 720) {
			t.Errorf("photo %d: wall %q, %dx%d; want Muur A, 1280x720", i+1, p.Wall, p.Width, p.Height)
		}
	}
}

func TestCaptureRefusedKiosk(t *testing.T) {
	srv := openCaptureServer(t, "127.0.0.1:0", t.TempDir())
	defer srv.Close()
	code, _, stderr := runCmd(t, "", "capture", "--source", "unused.avi", "--server", srv.URL(), "--kiosk", "WRONG1", "--spool", t.TempDir(), "--preview", "off")
	if got, want := code, 1; got != want {
		t.Errorf("exit %d, want %d", got, want)
	}
	if !strings.Contains(stderr, `refuses kiosk code "WRONG1"`) {
		t.Errorf("stderr does not say the kiosk code is refused:\n%s", stderr)
	}
}

// TestCaptureKioskRenewed: the code stops working while the station runs;
// the command stops with a clear message and the photo stays in the spool.
func TestCaptureKioskRenewed(t *testing.T) {
	video := captureVideo(t)
	srv := httptest.NewServer(renewedKiosk{})
	defer srv.Close()
	spoolDir := t.TempDir()
	code, _, stderr := runCmd(t, "", "capture", "--source", video, "--server", srv.URL, "--kiosk", "K1", "--spool", spoolDir, "--preview", "off")
	if got, want := code, 1; got != want {
		t.Errorf("exit %d, want %d", got, want)
	}
	// The station stops soon after the refusal; the shots it took wait.
	kept, _ := filepath.Glob(filepath.Join(spoolDir, "K1", "*.jpg"))
	if len(kept) == 0 {
		t.Errorf("spool is empty, want the refused shots kept")
	}
	for _, want := range []string{`refuses kiosk code "K1"`, fmt.Sprintf("0 photos sent, 0 refused; %d waiting", len(kept))} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestCaptureUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"nowhere to go", []string{"--source", "x.avi"}, "--server URL --kiosk CODE, or --out DIR"},
		{"server without kiosk", []string{"--source", "x.avi", "--server", "http://localhost:8080"}, "--server URL --kiosk CODE"},
		{"out and server", []string{"--source", "x.avi", "--out", "d", "--server", "http://h", "--kiosk", "K"}, "leave out --server"},
		{"camera and source", []string{"--camera", "1", "--source", "x.avi", "--out", "d"}, "not both"},
		{"bad preview", []string{"--source", "x.avi", "--out", "d", "--preview", "maybe"}, "auto, on or off"},
		{"extra argument", []string{"--out", "d", "x.avi"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, "", append([]string{"capture"}, tt.args...)...)
			if got, want := code, 2; got != want {
				t.Errorf("exit %d, want %d", got, want)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}

func TestCaptureMissingVideo(t *testing.T) {
	code, _, stderr := runCmd(t, "", "capture", "--source", filepath.Join(t.TempDir(), "none.avi"), "--out", t.TempDir())
	if got, want := code, 1; got != want {
		t.Errorf("exit %d, want %d", got, want)
	}
	if !strings.Contains(stderr, "does not exist") {
		t.Errorf("stderr = %q, want it to say the file does not exist", stderr)
	}
}
