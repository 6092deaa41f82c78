package capture

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"wallscan"
	"wallscan/synth"
)

var (
	measureCamera = flag.Bool("camera.measure", false, "log the per-frame change and sharpness of the camera test videos")
	keepVideo     = flag.String("camera.video", "", "also write the video of TestStationShootsSteadyViews to `PATH`, to try wallscan capture with")
)

// Test videos are 1280x720 at 10 frames a second, MJPG in AVI: a codec
// every OpenCV build with its video I/O can write and read back.
const (
	camW, camH = 1280, 720
	camFPS     = 10
	camCodec   = "MJPG"
)

// scene is a wall (or two walls side by side) that a test camera looks at.
type scene struct {
	canvas gocv.Mat
}

// newScene puts synthetic walls of notes (synth, level easy) side by side,
// each 1700x1000 and of its own seed, so a camera can pan from one to the
// next.
func newScene(t *testing.T, seed int64, walls int) *scene {
	t.Helper()
	opts := make([]synth.Options, walls)
	for i := range opts {
		opts[i] = synth.Options{Seed: seed*100 + int64(i), Level: synth.LevelEasy, Width: 1700, Height: 1000, Notes: 20}
	}
	img, err := synth.Panorama(opts...)
	if err != nil {
		t.Fatal(err)
	}
	canvas, err := gocv.ImageToMatRGB(img)
	if err != nil {
		t.Fatal(err)
	}
	s := &scene{canvas: canvas}
	t.Cleanup(func() { s.canvas.Close() })
	return s
}

// addNote sticks one more note on the scene at (x, y).
func (s *scene) addNote(x, y int) {
	gocv.Rectangle(&s.canvas, image.Rect(x, y, x+170, y+170), color.RGBA{250, 228, 90, 0}, -1)
	gocv.PutText(&s.canvas, "nieuw idee", image.Pt(x+10, y+60), gocv.FontHersheySimplex, 0.8, color.RGBA{30, 30, 40, 0}, 2)
}

// shotSpec is one frame of a test video: where the camera looks, and how.
type shotSpec struct {
	x, y     int     // top-left of the view in the scene
	blur     float64 // Gaussian sigma: motion blur or a camera out of focus
	occluder int     // > 0: a person passes, this many pixels from the left
}

// video is a test video being described frame by frame.
type video struct {
	frames []shotSpec
	steady [][2]int // frame ranges [from, to) that are steady views
}

// move pans from the last position to (x, y) in n frames, blurred.
func (v *video) move(x, y, n int) {
	from := v.last()
	for i := 1; i <= n; i++ {
		v.frames = append(v.frames, shotSpec{x: from.x + (x-from.x)*i/n, y: from.y + (y-from.y)*i/n, blur: 2})
	}
}

// hold keeps the camera still for n frames.
func (v *video) hold(n int, blur float64) {
	at := v.last()
	from := len(v.frames)
	for i := 0; i < n; i++ {
		v.frames = append(v.frames, shotSpec{x: at.x, y: at.y, blur: blur})
	}
	v.steady = append(v.steady, [2]int{from, len(v.frames)})
}

// pass lets a person walk through the view in n frames.
func (v *video) pass(n int) {
	at := v.last()
	for i := 0; i < n; i++ {
		v.frames = append(v.frames, shotSpec{x: at.x, y: at.y, occluder: 1 + i*camW/n})
	}
}

func (v *video) last() shotSpec {
	if len(v.frames) == 0 {
		return shotSpec{}
	}
	f := v.frames[len(v.frames)-1]
	return shotSpec{x: f.x, y: f.y}
}

// view renders what the camera sees for one frame, with sensor noise.
func (s *scene) view(f shotSpec, rng *rand.Rand) gocv.Mat {
	roi := s.canvas.Region(image.Rect(f.x, f.y, f.x+camW, f.y+camH))
	defer roi.Close()
	out := roi.Clone()
	if f.blur > 0 {
		gocv.GaussianBlur(out, &out, image.Pt(0, 0), f.blur, f.blur, gocv.BorderReplicate)
	}
	if f.occluder > 0 {
		gocv.Rectangle(&out, image.Rect(f.occluder, 80, f.occluder+360, camH), color.RGBA{60, 50, 70, 0}, -1)
	}
	noise := gocv.NewMatWithSize(camH, camW, gocv.MatTypeCV8UC3)
	defer noise.Close()
	gocv.RandN(&noise, gocv.NewScalar(128, 128, 128, 0), gocv.NewScalar(4, 4, 4, 0))
	gocv.AddWeighted(out, 1, noise, 1, -128, &out)
	return out
}

// write renders the frames of v into an MJPG AVI file and returns its path.
func (s *scene) write(t *testing.T, v *video) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "camera.avi")
	vw, err := gocv.VideoWriterFile(path, camCodec, camFPS, camW, camH, true)
	if err != nil {
		t.Fatalf("VideoWriterFile(%s): %v", camCodec, err)
	}
	defer vw.Close()
	if !vw.IsOpened() {
		t.Fatalf("this OpenCV build cannot write %s video", camCodec)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range v.frames {
		m := s.view(f, rng)
		err := vw.Write(m)
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// runStation runs a Station over a video file and returns its shots.
func runStation(t *testing.T, path string, opts StationOptions) []Shot {
	t.Helper()
	opts.Source = path
	st, err := OpenStation(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if w, h := st.Size(); w != camW || h != camH {
		t.Fatalf("Size = %dx%d, want %dx%d", w, h, camW, camH)
	}
	var shots []Shot
	if err := st.Run(context.Background(), func(s Shot) error { shots = append(shots, s); return nil }); err != nil {
		t.Fatal(err)
	}
	return shots
}

// checkShot checks that a shot is a full-resolution JPEG of the view at
// frame spec f.
func checkShot(t *testing.T, sc *scene, shot Shot, f shotSpec) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(shot.JPEG))
	if err != nil {
		t.Fatalf("shot at frame %d is not a JPEG: %v", shot.Frame, err)
	}
	if got, want := img.Bounds().Size(), image.Pt(camW, camH); got != want || shot.Width != camW || shot.Height != camH {
		t.Errorf("shot size = %v (%dx%d), want %v", got, shot.Width, shot.Height, want)
	}
	if _, err := wallscan.CheckPhoto(shot.JPEG); err != nil {
		t.Errorf("CheckPhoto(shot): %v", err)
	}
	// The shot shows the steady view: compare it with the scene there.
	want := sc.view(shotSpec{x: f.x, y: f.y}, rand.New(rand.NewPCG(3, 4)))
	defer want.Close()
	got, err := gocv.IMDecode(shot.JPEG, gocv.IMReadColor)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	diff := gocv.NewMat()
	defer diff.Close()
	gocv.AbsDiff(got, want, &diff)
	m := diff.Mean()
	if mean := (m.Val1 + m.Val2 + m.Val3) / 3; mean > 8 {
		t.Errorf("shot at frame %d differs from the steady view at (%d,%d) by %.1f grey levels on average", shot.Frame, f.x, f.y, mean)
	}
}

// TestStationShootsSteadyViews: a camera moves along a wall, stops, moves
// to the next wall, stops, is passed by a person (the same view again: no
// new shot), then pans a little to a view that is new.
func TestStationShootsSteadyViews(t *testing.T) {
	sc := newScene(t, 1, 2)
	v := &video{}
	v.frames = append(v.frames, shotSpec{x: 0, y: 100, blur: 2})
	v.move(300, 180, 8) // moving along wall 1
	v.hold(16, 0)       // steady: shot 1
	v.move(2000, 200, 14)
	v.hold(16, 0) // steady at wall 2: shot 2
	v.pass(6)     // a person walks through
	v.hold(16, 0) // the same view again: no shot
	v.move(1700, 120, 6)
	v.hold(16, 0) // a new view: shot 3
	v.move(1500, 120, 4)
	path := sc.write(t, v)
	if *measureCamera {
		logMeasurements(t, path)
	}
	if *keepVideo != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*keepVideo, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	shots := runStation(t, path, StationOptions{})
	wantIn := [][2]int{v.steady[0], v.steady[1], v.steady[3]}
	if got, want := len(shots), len(wantIn); got != want {
		for _, s := range shots {
			t.Logf("shot at frame %d (%v), sharpness %.0f, change %.3f", s.Frame, s.At, s.Sharpness, s.Change)
		}
		t.Fatalf("%d shots, want %d (steady parts %v)", got, want, v.steady)
	}
	for i, s := range shots {
		if r := wantIn[i]; s.Frame < r[0] || s.Frame >= r[1] {
			t.Errorf("shot %d at frame %d, want within the steady frames %v", i+1, s.Frame, r)
		}
		if got, want := s.At, frameTime(s.Frame); got != want {
			t.Errorf("shot %d At = %v, want %v", i+1, got, want)
		}
		if s.Sharpness < DefaultMinSharpness {
			t.Errorf("shot %d sharpness %.0f, below %d", i+1, s.Sharpness, DefaultMinSharpness)
		}
		checkShot(t, sc, s, v.frames[s.Frame])
	}
}

// frameTime is the position of frame i in a test video.
func frameTime(i int) time.Duration { return time.Duration(float64(i) / camFPS * float64(time.Second)) }

// TestStationWaitsForFocus: a steady but blurred view (a camera out of
// focus) is not shot; once the camera focuses, it is.
func TestStationWaitsForFocus(t *testing.T) {
	sc := newScene(t, 2, 1)
	v := &video{}
	v.frames = append(v.frames, shotSpec{x: 100, y: 100, blur: 4})
	v.hold(20, 4) // steady, out of focus
	v.hold(14, 0) // in focus
	path := sc.write(t, v)
	shots := runStation(t, path, StationOptions{})
	if got, want := len(shots), 1; got != want {
		t.Fatalf("%d shots, want %d", got, want)
	}
	if r := v.steady[1]; shots[0].Frame < r[0] {
		t.Errorf("shot at frame %d, while the camera was out of focus (frames %v)", shots[0].Frame, v.steady[0])
	}
}

// TestStationShootsSharpestFrame: of a steady stretch whose focus hunts,
// the shot is the one frame in focus.
func TestStationShootsSharpestFrame(t *testing.T) {
	sc := newScene(t, 5, 1)
	v := &video{}
	v.frames = append(v.frames, shotSpec{x: 150, y: 120, blur: 1.5})
	sharp := 7
	for i := 1; i < 15; i++ {
		blur := 1.5
		if i == sharp {
			blur = 0
		}
		v.frames = append(v.frames, shotSpec{x: 150, y: 120, blur: blur})
	}
	shots := runStation(t, sc.write(t, v), StationOptions{})
	if got, want := len(shots), 1; got != want {
		t.Fatalf("%d shots, want %d", got, want)
	}
	if got, want := shots[0].Frame, sharp; got != want {
		t.Errorf("shot frame %d (sharpness %.0f), want the focused frame %d", got, shots[0].Sharpness, want)
	}
}

// TestStationSeesANewNote: a fixed camera over a table; the shot is taken,
// then a participant adds a note and steps away: a second shot.
func TestStationSeesANewNote(t *testing.T) {
	sc := newScene(t, 3, 1)
	v := &video{}
	v.frames = append(v.frames, shotSpec{x: 200, y: 150})
	v.hold(15, 0)
	first := len(v.frames)
	v.pass(4) // a participant reaches in
	v.hold(15, 0)
	// Render the video in two parts around the change of the scene.
	path := filepath.Join(t.TempDir(), "table.avi")
	vw, err := gocv.VideoWriterFile(path, camCodec, camFPS, camW, camH, true)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i, f := range v.frames {
		if i == first+2 {
			sc.addNote(700, 450) // stuck on while the hand is in view
		}
		m := sc.view(f, rng)
		vw.Write(m)
		m.Close()
	}
	vw.Close()
	if *measureCamera {
		logMeasurements(t, path)
	}
	shots := runStation(t, path, StationOptions{})
	if got, want := len(shots), 2; got != want {
		t.Fatalf("%d shots, want %d", got, want)
	}
	if shots[1].Frame < first+4 {
		t.Errorf("second shot at frame %d, before the hand left (frame %d)", shots[1].Frame, first+4)
	}
}

func TestOpenStationErrors(t *testing.T) {
	dir := t.TempDir()
	notVideo := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notVideo, []byte("not a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts StationOptions
		code string
	}{
		{"missing file", StationOptions{Source: filepath.Join(dir, "none.avi")}, wallscan.ENOTFOUND},
		{"not a video", StationOptions{Source: notVideo}, wallscan.ENOTFOUND},
		{"negative camera", StationOptions{Device: -1}, wallscan.EINVALID},
		{"no such camera", StationOptions{Device: 63}, wallscan.ENOTFOUND},
		{"preview without display", StationOptions{Source: notVideo, Preview: true}, wallscan.EINVALID},
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := OpenStation(tt.opts)
			if err == nil {
				st.Close()
			}
			if got := wallscan.ErrorCode(err); got != tt.code {
				t.Errorf("OpenStation: code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

// TestStationStatus: what the preview tells the participant.
func TestStationStatus(t *testing.T) {
	opts := StationOptions{}
	opts.defaults()
	s := &Station{opts: opts}
	tests := []struct {
		name string
		w    watcher
		at   time.Duration
		want string
	}{
		{"moving", watcher{anchorAt: time.Second}, 1200 * time.Millisecond, "hold still 0.8s"},
		{"blurry", watcher{bestSharp: 40, sharp: 38}, 3 * time.Second, "blurry (38 < 100): focus"},
		{"taken", watcher{waiting: true, bestSharp: 500}, 3 * time.Second, "taken - show the next wall"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := s.status(&tt.w, tt.at); got != tt.want {
				t.Errorf("status = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestStationReadsVideoURL: a video behind an HTTP URL is a video like a
// file (timed by its frames, ended at its end), not a live stream.
func TestStationReadsVideoURL(t *testing.T) {
	sc := newScene(t, 6, 1)
	v := &video{}
	v.frames = append(v.frames, shotSpec{x: 100, y: 100})
	v.hold(14, 0)
	path := sc.write(t, v)
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(path))))
	defer srv.Close()
	shots := runStation(t, srv.URL+"/"+filepath.Base(path), StationOptions{})
	if got, want := len(shots), 1; got != want {
		t.Fatalf("%d shots, want %d", got, want)
	}
	if got, want := shots[0].At, frameTime(shots[0].Frame); got != want {
		t.Errorf("At = %v, want %v (the video's own time)", got, want)
	}
}

// TestShootErrorStopsRun: when the shot cannot be kept, Run stops and says so.
func TestShootErrorStopsRun(t *testing.T) {
	sc := newScene(t, 4, 1)
	v := &video{}
	v.frames = append(v.frames, shotSpec{x: 50, y: 50})
	v.hold(14, 0)
	v.move(300, 50, 5)
	v.hold(14, 0)
	st, err := OpenStation(StationOptions{Source: sc.write(t, v)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	full := errors.New("disk full")
	n := 0
	err = st.Run(context.Background(), func(Shot) error { n++; return full })
	if !errors.Is(err, full) || n != 1 {
		t.Errorf("Run = %v after %d shots, want %v after 1", err, n, full)
	}
}

// jpegRoundTrip returns m as a camera would deliver it: JPEG at quality 80.
func jpegRoundTrip(t *testing.T, m gocv.Mat) gocv.Mat {
	t.Helper()
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, 80})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	d, err := gocv.IMDecode(buf.GetBytes(), gocv.IMReadColor)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCameraThresholds measures the change and sharpness of views that
// must, and must not, count as steady, new or sharp, and checks that the
// defaults fall between them. Run with -v to see the figures.
func TestCameraThresholds(t *testing.T) {
	sc := newScene(t, 1, 2)
	rng := rand.New(rand.NewPCG(1, 2))
	ref, cur := newFrameAnalysis(), newFrameAnalysis()
	defer ref.Close()
	defer cur.Close()
	measure := func(f shotSpec, edit func(*gocv.Mat)) (change, sharp float64) {
		m := sc.view(f, rng)
		if edit != nil {
			edit(&m)
		}
		d := jpegRoundTrip(t, m)
		m.Close()
		defer d.Close()
		cur.reduce(d)
		return cur.changed(ref.small, cur.small, DefaultPixelDelta), cur.sharpness()
	}
	base := shotSpec{x: 300, y: 180}
	m := sc.view(base, rng)
	d := jpegRoundTrip(t, m)
	ref.reduce(d)
	m.Close()
	d.Close()

	const dontCare, no, yes = 0, -1, 1
	tests := []struct {
		name        string
		f           shotSpec
		edit        func(*gocv.Mat)
		steady      int // change below DefaultStillChange
		newView     int // change at least DefaultNewView
		sharpEnough int
	}{
		{"same view, new noise", base, nil, yes, no, yes},
		{"brightness +10", base, func(m *gocv.Mat) { m.ConvertToWithParams(m, gocv.MatTypeCV8UC3, 1, 10) }, yes, no, yes},
		{"gain x1.1", base, func(m *gocv.Mat) { m.ConvertToWithParams(m, gocv.MatTypeCV8UC3, 1.1, 0) }, yes, no, yes},
		{"shifted 2 px", shotSpec{x: 302, y: 180}, nil, yes, no, yes},
		{"shifted 4 px", shotSpec{x: 304, y: 180}, nil, dontCare, dontCare, yes},
		{"shifted 8 px", shotSpec{x: 308, y: 180}, nil, no, dontCare, yes},
		{"shifted 16 px", shotSpec{x: 316, y: 180}, nil, no, dontCare, yes},
		{"shifted 50 px", shotSpec{x: 350, y: 180}, nil, no, yes, yes},
		{"other wall", shotSpec{x: 2000, y: 200}, nil, no, yes, yes},
		{"person in front", shotSpec{x: 300, y: 180, occluder: 400}, nil, no, yes, yes},
		{"soft focus sigma 1", shotSpec{x: 300, y: 180, blur: 1}, nil, dontCare, dontCare, dontCare},
		{"out of focus sigma 2", shotSpec{x: 300, y: 180, blur: 2}, nil, dontCare, dontCare, no},
		{"out of focus sigma 3", shotSpec{x: 300, y: 180, blur: 3}, nil, dontCare, dontCare, no},
		{"out of focus sigma 4", shotSpec{x: 300, y: 180, blur: 4}, nil, dontCare, dontCare, no},
	}
	want := func(v int) bool { return v == yes }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			change, sharp := measure(tt.f, tt.edit)
			t.Logf("change %.4f  sharpness %6.0f", change, sharp)
			if got := change < DefaultStillChange; tt.steady != dontCare && got != want(tt.steady) {
				t.Errorf("change %.4f: steady = %v, want %v (DefaultStillChange %v)", change, got, want(tt.steady), DefaultStillChange)
			}
			if got := change >= DefaultNewView; tt.newView != dontCare && got != want(tt.newView) {
				t.Errorf("change %.4f: new view = %v, want %v (DefaultNewView %v)", change, got, want(tt.newView), DefaultNewView)
			}
			if got := sharp >= DefaultMinSharpness; tt.sharpEnough != dontCare && got != want(tt.sharpEnough) {
				t.Errorf("sharpness %.0f: sharp enough = %v, want %v (DefaultMinSharpness %v)", sharp, got, want(tt.sharpEnough), DefaultMinSharpness)
			}
		})
	}
	// One note added to the view is a new view.
	sc.addNote(700, 450)
	change, _ := measure(base, nil)
	t.Logf("one note added: change %.4f", change)
	if change < DefaultNewView {
		t.Errorf("one note added: change %.4f, below DefaultNewView %v", change, DefaultNewView)
	}
}

// logMeasurements prints, per frame, the share of pixels that changed
// since the previous frame and the sharpness: the figures the defaults
// were chosen from.
func logMeasurements(t *testing.T, path string) {
	vc, err := gocv.VideoCaptureFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer vc.Close()
	a, b := newFrameAnalysis(), newFrameAnalysis()
	defer a.Close()
	defer b.Close()
	frame := gocv.NewMat()
	defer frame.Close()
	for i := 0; vc.Read(&frame) && !frame.Empty(); i++ {
		a.reduce(frame)
		change := a.changed(a.small, b.small, DefaultPixelDelta)
		t.Logf("frame %3d  change %.4f  sharpness %7.1f", i, change, a.sharpness())
		a, b = b, a
	}
}

// BenchmarkStationFrame measures what the station spends on one camera
// frame (reduce, compare, sharpness, keeping the sharpest frame) at common
// camera sizes: it must stay well under the frame interval (33 ms at 30
// frames a second) for the station to keep up.
func BenchmarkStationFrame(b *testing.B) {
	for _, size := range []image.Point{{1280, 720}, {1920, 1080}, {3840, 2160}} {
		b.Run(fmt.Sprintf("%dx%d", size.X, size.Y), func(b *testing.B) {
			frames := make([]gocv.Mat, 2)
			for i := range frames {
				frames[i] = gocv.NewMatWithSize(size.Y, size.X, gocv.MatTypeCV8UC3)
				gocv.RandN(&frames[i], gocv.NewScalar(128, 128, 128, 0), gocv.NewScalar(40, 40, 40, 0))
				defer frames[i].Close()
			}
			a := newFrameAnalysis()
			defer a.Close()
			opts := StationOptions{}
			opts.defaults()
			w := newWatcher(opts)
			defer w.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := frames[i%2]
				a.reduce(f)
				w.observe(f, a, i, time.Duration(i)*time.Second/30)
			}
		})
	}
}
