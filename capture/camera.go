package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	"gocv.io/x/gocv"

	"wallscan"
)

// Camera station defaults. The station compares downscaled, blurred
// colour frames: a pixel "changed" when one of its channels moved by more
// than DefaultPixelDelta, and two views differ by the share of their
// pixels that changed. The values were measured on 1280x720 views of
// synthetic walls (synth, level easy) with sensor noise and JPEG, by
// TestCameraThresholds, which logs the figures and checks the margins:
// sensor noise, brightness +10 and gain x1.1 change 0.00-0.03% of the
// pixels; the camera shifted by 2 pixels (of 1280) 0.01%, by 4 px about
// 1.7%, by 8 px 4.5%, by 50 px 17%; another wall 100%, a person in front
// 26%; a note of 170x170 px stuck on 3.4%.
const (
	// DefaultStillFor is how long the picture must stay steady before the
	// station shoots: long enough for a participant to step back and for
	// the camera to settle its focus and exposure.
	DefaultStillFor = time.Second
	// DefaultStillChange is the largest share of pixels that may differ
	// from the first frame of a steady stretch while it still counts as
	// steady: a drift of up to about 3 pixels in 1280.
	DefaultStillChange = 0.005
	// DefaultNewView is the least share of pixels that must differ from
	// the last shot for a view to count as new, both to notice that
	// something changed after a shot and to take the next one: the camera
	// moved by 4 pixels in 1280, or a note of a tenth of the view's height
	// stuck on. A smaller change is the same view.
	DefaultNewView = 0.01
	// DefaultPixelDelta is how far (0-255) a pixel's colour must move to
	// count as changed: above sensor noise, JPEG artefacts and the
	// camera's exposure hunting.
	DefaultPixelDelta = 24
	// DefaultMinSharpness is the least sharpness (variance of the
	// Laplacian of the grey frame at SharpnessWidth) of a shot. Sharp
	// views of the synthetic walls measure 380-650; blurred as by a camera
	// out of focus (Gaussian sigma at 1280 px) sigma 1: 130-170, sigma 2:
	// 46-51, sigma 3: 36. A view with fewer notes, or a plain table,
	// measures less: lower it there (wallscan capture --min-sharpness).
	DefaultMinSharpness = 100
	// DefaultJPEGQuality is the JPEG quality shots are encoded with.
	DefaultJPEGQuality = 92

	// MotionWidth is the width frames are reduced to for comparing views.
	MotionWidth = 320
	// SharpnessWidth is the width frames are reduced to for measuring
	// sharpness, so the measure means the same for every camera (a
	// smaller frame is measured as it is); at this width sensor noise
	// hardly counts, which at 1280 it does.
	SharpnessWidth = 640
	// CameraAskSide is the side the station asks a camera for, so that the
	// driver answers with its highest resolution.
	CameraAskSide = 10000
	// maxReadFailures is how many reads in a row a live camera may fail
	// (unplugged, busy) before the station gives up.
	maxReadFailures = 100
	// readRetryWait is the pause after a failed read from a live camera.
	readRetryWait = 20 * time.Millisecond
	// defaultFileFPS is assumed for a video file that does not say.
	defaultFileFPS = 25
	// previewTitle is the title of the preview window.
	previewTitle = "wallscan capture"
)

// StationOptions configure a Station. The zero value of each threshold
// means its default.
type StationOptions struct {
	// Device is the camera number (0 for /dev/video0), used when Source
	// is empty.
	Device int
	// Source is a video file or a stream URL (rtsp://, http://) to use
	// instead of a camera.
	Source string
	// Preview shows the camera picture in a window. Only set it where a
	// display is present (on Linux, $DISPLAY); see HasDisplay.
	Preview bool

	StillFor     time.Duration
	StillChange  float64
	NewView      float64
	PixelDelta   int
	MinSharpness float64
	JPEGQuality  int
}

func (o *StationOptions) defaults() {
	orDefault(&o.StillFor, DefaultStillFor)
	orDefault(&o.StillChange, DefaultStillChange)
	orDefault(&o.NewView, DefaultNewView)
	orDefault(&o.PixelDelta, DefaultPixelDelta)
	orDefault(&o.MinSharpness, DefaultMinSharpness)
	if o.JPEGQuality <= 0 || o.JPEGQuality > 100 {
		o.JPEGQuality = DefaultJPEGQuality
	}
}

// HasDisplay reports whether a preview window can be shown: on Linux and
// other X11 or Wayland systems, whether $DISPLAY or $WAYLAND_DISPLAY is set.
func HasDisplay() bool {
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// Shot is one photo a Station took.
type Shot struct {
	// JPEG is the photo, at the source's full resolution.
	JPEG          []byte
	Width, Height int
	// Sharpness is the variance of the Laplacian of the shot frame at
	// SharpnessWidth: the sharpest frame of the steady stretch.
	Sharpness float64
	// Frame is the shot frame's index in the source, from 0.
	Frame int
	// At is the shot frame's time since the source started: its position
	// in a video file, or the time since Run began for a live source.
	At time.Duration
	// Change is the share of pixels that differ from the previous shot
	// (1 for the first).
	Change float64
}

// Station watches a camera (or a video) and shoots a photo each time the
// picture has been steady and sharp for a moment and shows something new.
// A Station belongs to one goroutine.
type Station struct {
	opts   StationOptions
	vc     *gocv.VideoCapture
	live   bool // a camera or a stream: time is the clock's, a failed read is retried; else a video, timed by its frame rate
	fps    float64
	width  int
	height int
	name   string // the source, for messages
}

// OpenStation opens the camera (at its highest resolution) or the video
// source of opts. It returns ENOTFOUND for a missing file and a camera
// or stream that cannot be opened, and EINVALID for a source that opens
// but delivers no frame size.
func OpenStation(opts StationOptions) (*Station, error) {
	opts.defaults()
	if opts.Preview && !HasDisplay() {
		// highgui would abort the whole process without a display.
		return nil, wallscan.Errorf(wallscan.EINVALID, "There is no display to show the preview on ($DISPLAY is not set); run without the preview.")
	}
	s := &Station{opts: opts}
	var err error
	if opts.Source != "" {
		s.name = opts.Source
		url := strings.Contains(opts.Source, "://")
		if !url {
			if _, err := os.Stat(opts.Source); errors.Is(err, fs.ErrNotExist) {
				return nil, wallscan.Errorf(wallscan.ENOTFOUND, "The video file %s does not exist.", opts.Source)
			}
		}
		// FFmpeg reads files and streams; the other back-ends only add noise
		// to the log when it cannot.
		s.vc, err = gocv.VideoCaptureFileWithAPI(opts.Source, gocv.VideoCaptureFFmpeg)
		if err != nil {
			s.vc.Close()
			s.vc, err = gocv.VideoCaptureFile(opts.Source)
		}
		if err != nil {
			s.vc.Close()
			return nil, wallscan.Errorf(wallscan.ENOTFOUND, "The video source %s cannot be opened: not a video this OpenCV build reads, or the stream is unreachable.", opts.Source)
		}
		// A stream (an IP camera) has no frame count; a video file, also
		// one behind a URL, has one and is timed by its frame rate.
		s.live = url && s.vc.Get(gocv.VideoCaptureFrameCount) <= 0
	} else {
		if opts.Device < 0 {
			return nil, wallscan.Errorf(wallscan.EINVALID, "Camera number %d is negative; the first camera is 0.", opts.Device)
		}
		s.name = fmt.Sprintf("camera %d", opts.Device)
		s.live = true
		s.vc, err = gocv.VideoCaptureDevice(opts.Device)
		if err != nil {
			s.vc.Close()
			return nil, wallscan.Errorf(wallscan.ENOTFOUND, "Camera %d cannot be opened: is it connected (ls /dev/video*) and not in use by another program?", opts.Device)
		}
		// Most USB cameras offer their largest sizes only as MJPG. Asking
		// for a size beyond any camera makes the driver pick its largest.
		s.vc.Set(gocv.VideoCaptureFOURCC, s.vc.ToCodec("MJPG"))
		s.vc.Set(gocv.VideoCaptureFrameWidth, CameraAskSide)
		s.vc.Set(gocv.VideoCaptureFrameHeight, CameraAskSide)
		s.vc.Set(gocv.VideoCaptureBufferSize, 1)
	}
	s.width = int(s.vc.Get(gocv.VideoCaptureFrameWidth))
	s.height = int(s.vc.Get(gocv.VideoCaptureFrameHeight))
	s.fps = s.vc.Get(gocv.VideoCaptureFPS)
	if s.fps <= 0 || s.fps > 1000 || s.fps != s.fps {
		s.fps = defaultFileFPS
	}
	if s.width <= 0 || s.height <= 0 {
		s.vc.Close()
		return nil, wallscan.Errorf(wallscan.EINVALID, "%s gives no frame size; it is not a camera or video wallscan can use.", s.name)
	}
	return s, nil
}

// Size returns the frame size the source delivers.
func (s *Station) Size() (width, height int) { return s.width, s.height }

// FPS returns the source's frame rate as it reports it.
func (s *Station) FPS() float64 { return s.fps }

// Close releases the camera.
func (s *Station) Close() error { return s.vc.Close() }

// frameAnalysis holds one frame reduced for measuring, and scratch space.
type frameAnalysis struct {
	sharpColor gocv.Mat // the frame at SharpnessWidth, colour (also the preview)
	sharpGrey  gocv.Mat
	lap        gocv.Mat
	small      gocv.Mat // blurred colour at MotionWidth: what views are compared on
	diff, most gocv.Mat
	mean, std  gocv.Mat
}

func newFrameAnalysis() *frameAnalysis {
	return &frameAnalysis{sharpColor: gocv.NewMat(), sharpGrey: gocv.NewMat(), lap: gocv.NewMat(),
		small: gocv.NewMat(), diff: gocv.NewMat(), most: gocv.NewMat(), mean: gocv.NewMat(), std: gocv.NewMat()}
}

func (a *frameAnalysis) Close() {
	for _, m := range []*gocv.Mat{&a.sharpColor, &a.sharpGrey, &a.lap, &a.small, &a.diff, &a.most, &a.mean, &a.std} {
		m.Close()
	}
}

// reduce fills sharpColor, sharpGrey and small from a full frame.
func (a *frameAnalysis) reduce(frame gocv.Mat) {
	w, h := frame.Cols(), frame.Rows()
	if w > SharpnessWidth {
		gocv.Resize(frame, &a.sharpColor, image.Pt(SharpnessWidth, max(1, h*SharpnessWidth/w)), 0, 0, gocv.InterpolationArea)
	} else {
		frame.CopyTo(&a.sharpColor)
	}
	gocv.CvtColor(a.sharpColor, &a.sharpGrey, gocv.ColorBGRToGray)
	sw, sh := a.sharpColor.Cols(), a.sharpColor.Rows()
	gocv.Resize(a.sharpColor, &a.small, image.Pt(MotionWidth, max(1, sh*MotionWidth/sw)), 0, 0, gocv.InterpolationArea)
	gocv.GaussianBlur(a.small, &a.small, image.Pt(5, 5), 0, 0, gocv.BorderReplicate)
}

// sharpness is the variance of the Laplacian of sharpGrey.
func (a *frameAnalysis) sharpness() float64 {
	gocv.Laplacian(a.sharpGrey, &a.lap, gocv.MatTypeCV64F, 1, 1, 0, gocv.BorderReplicate)
	gocv.MeanStdDev(a.lap, &a.mean, &a.std)
	sd := a.std.GetDoubleAt(0, 0)
	return sd * sd
}

// changed is the share of pixels of two small views that differ by more
// than delta in any colour channel: a yellow note on a kraft wall changes
// the colour more than the brightness.
func (a *frameAnalysis) changed(x, y gocv.Mat, delta int) float64 {
	if x.Empty() || y.Empty() || x.Cols() != y.Cols() || x.Rows() != y.Rows() {
		return 1
	}
	gocv.AbsDiff(x, y, &a.diff)
	ch := gocv.Split(a.diff)
	defer func() {
		for _, c := range ch {
			c.Close()
		}
	}()
	ch[0].CopyTo(&a.most)
	for _, c := range ch[1:] {
		gocv.Max(a.most, c, &a.most)
	}
	gocv.Threshold(a.most, &a.most, float32(delta), 255, gocv.ThresholdBinary)
	return float64(gocv.CountNonZero(a.most)) / float64(x.Cols()*x.Rows())
}

// watcher is the station's judgement over the frames so far: the steady
// stretch it is in, its sharpest frame, and the last shot.
type watcher struct {
	opts StationOptions

	anchor    gocv.Mat      // small view of the first frame of the steady stretch
	anchorAt  time.Duration // when the stretch began
	best      gocv.Mat      // the sharpest frame of the stretch, full size
	bestSmall gocv.Mat
	bestSharp float64 // -1: no frame yet
	bestIndex int
	bestAt    time.Duration
	lastShot  gocv.Mat // small view of the last shot; empty before the first
	// waiting is true after a shot (or a steady view that was the same as
	// the last shot) until a frame differs from the last shot by NewView.
	waiting bool
	sharp   float64 // of the latest frame, for the preview
}

func newWatcher(opts StationOptions) *watcher {
	return &watcher{opts: opts, anchor: gocv.NewMat(), best: gocv.NewMat(), bestSmall: gocv.NewMat(),
		lastShot: gocv.NewMat(), bestSharp: -1}
}

func (w *watcher) Close() {
	for _, m := range []*gocv.Mat{&w.anchor, &w.best, &w.bestSmall, &w.lastShot} {
		m.Close()
	}
}

// restart begins a steady stretch at the frame in a.
func (w *watcher) restart(a *frameAnalysis, at time.Duration) {
	a.small.CopyTo(&w.anchor)
	w.anchorAt = at
	w.bestSharp = -1
}

// observe takes in one frame (reduced in a) and reports whether the
// sharpest frame of the stretch, w.best, is to be shot now, and how much
// of it is new since the last shot.
func (w *watcher) observe(frame gocv.Mat, a *frameAnalysis, index int, at time.Duration) (shoot bool, change float64) {
	if w.waiting {
		// Nothing is shot until the view differs from the last shot.
		if a.changed(a.small, w.lastShot, w.opts.PixelDelta) < w.opts.NewView {
			return false, 0
		}
		w.waiting = false
		w.restart(a, at)
	} else if w.anchor.Empty() || a.changed(a.small, w.anchor, w.opts.PixelDelta) > w.opts.StillChange {
		w.restart(a, at) // moving: the steady stretch starts again here
	}
	// Steady so far: keep the sharpest frame of the stretch.
	if w.sharp = a.sharpness(); w.sharp > w.bestSharp {
		w.bestSharp, w.bestIndex, w.bestAt = w.sharp, index, at
		frame.CopyTo(&w.best)
		a.small.CopyTo(&w.bestSmall)
	}
	if at-w.anchorAt < w.opts.StillFor || w.bestSharp < w.opts.MinSharpness {
		return false, 0
	}
	// Steady and sharp: shoot, unless it is the view of the last shot.
	w.waiting = true
	change = 1
	if !w.lastShot.Empty() {
		change = a.changed(w.bestSmall, w.lastShot, w.opts.PixelDelta)
	}
	if change < w.opts.NewView {
		return false, change
	}
	w.bestSmall.CopyTo(&w.lastShot)
	return true, change
}

// Run reads frames until the source ends (a video file), ctx is done, or
// the preview window is closed with q or Esc, and calls shoot for every
// shot, in order, from Run's goroutine. Steady means: for StillFor, no
// frame differs from the first frame of the stretch in more than
// StillChange of its pixels. The station then shoots the sharpest frame of
// the stretch, if it reaches MinSharpness (otherwise it waits on, steady,
// for a sharp frame) and if it differs from the last shot in at least
// NewView of its pixels. After a shot, and after a steady view that was
// the same as the last shot, it waits until a frame differs from the last
// shot by NewView before it looks for a steady view again, so the same
// view is never shot twice. An error from shoot stops Run and is returned.
// Run returns nil at the end of a video file and ctx's error when ctx is
// done.
func (s *Station) Run(ctx context.Context, shoot func(Shot) error) error {
	var win *gocv.Window
	if s.opts.Preview {
		// highgui wants all its calls on one OS thread.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		win = gocv.NewWindow(previewTitle)
		defer win.Close()
	}
	a := newFrameAnalysis()
	defer a.Close()
	w := newWatcher(s.opts)
	defer w.Close()
	frame := gocv.NewMat()
	defer frame.Close()

	start := time.Now()
	failures := 0
	for index := 0; ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !s.vc.Read(&frame) || frame.Empty() {
			if !s.live {
				return nil // end of the video
			}
			if failures++; failures >= maxReadFailures {
				return wallscan.Errorf(wallscan.ENOTFOUND, "%s stopped delivering pictures (%d failed reads): is it still connected?", s.name, failures)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(readRetryWait):
			}
			continue
		}
		failures = 0
		at := time.Duration(float64(index) / s.fps * float64(time.Second))
		if s.live {
			at = time.Since(start)
		}
		a.reduce(frame)
		if ok, change := w.observe(frame, a, index, at); ok {
			shot, err := s.encode(w.best)
			if err != nil {
				return err
			}
			shot.Sharpness, shot.Frame, shot.At, shot.Change = w.bestSharp, w.bestIndex, w.bestAt, change
			if err := shoot(shot); err != nil {
				return err
			}
		}
		index++
		if win != nil {
			s.preview(win, a.sharpColor, w, at)
			if k := win.WaitKey(1); k == 'q' || k == 27 {
				return nil
			}
		}
	}
}

// encode turns a full-resolution frame into a JPEG shot.
func (s *Station) encode(frame gocv.Mat) (Shot, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, frame, []int{gocv.IMWriteJpegQuality, s.opts.JPEGQuality})
	if err != nil {
		return Shot{}, fmt.Errorf("encode shot: %w", err)
	}
	defer buf.Close()
	data := append([]byte(nil), buf.GetBytes()...)
	if len(data) > wallscan.MaxUploadBytes {
		return Shot{}, wallscan.Errorf(wallscan.ETOOLARGE, "A shot of %s is %d MB as JPEG; the server takes %d MB. Lower the JPEG quality.", s.name, len(data)>>20, wallscan.MaxUploadBytes>>20)
	}
	return Shot{JPEG: data, Width: frame.Cols(), Height: frame.Rows()}, nil
}

// preview shows the reduced frame with what the station is doing.
func (s *Station) preview(win *gocv.Window, img gocv.Mat, w *watcher, at time.Duration) {
	text, c := s.status(w, at)
	gocv.PutText(&img, text, image.Pt(20, 40), gocv.FontHersheySimplex, 1, c, 2)
	win.IMShow(img)
}

// status says what the station is doing, for the preview: the text and
// its colour.
func (s *Station) status(w *watcher, at time.Duration) (string, color.RGBA) {
	switch steady := at - w.anchorAt; {
	case w.waiting:
		return "taken - show the next wall", color.RGBA{0, 200, 0, 0}
	case steady < s.opts.StillFor:
		return fmt.Sprintf("hold still %.1fs", (s.opts.StillFor - steady).Seconds()), color.RGBA{255, 160, 0, 0}
	case w.bestSharp < s.opts.MinSharpness:
		return fmt.Sprintf("blurry (%.0f < %.0f): focus", w.sharp, s.opts.MinSharpness), color.RGBA{255, 0, 0, 0}
	}
	return "", color.RGBA{}
}
