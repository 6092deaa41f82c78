package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"wallscan"
	"wallscan/capture"
	"wallscan/spool"
)

func init() {
	register(&command{
		name:    "capture",
		summary: "a camera station that shoots when the picture is steady",
		run:     runCapture,
	})
}

// captureCmd is one run of `wallscan capture`.
type captureCmd struct {
	camera                    int
	source                    string
	server, kiosk, wall       string
	out, spoolDir             string
	preview                   string
	still                     time.Duration
	minSharpness              float64
	stdio                     Stdio
	mu                        sync.Mutex // serialises lines on stderr
	shots, saved, sent, wrong int
}

func runCapture(ctx context.Context, stdio Stdio, args []string) error {
	c := &captureCmd{stdio: stdio}
	fs := newFlagSet("capture", stdio)
	fs.IntVar(&c.camera, "camera", 0, "the camera `N` to use (0 is /dev/video0)")
	fs.StringVar(&c.source, "source", "", "a video `FILE_OR_URL` to use instead of a camera")
	fs.StringVar(&c.server, "server", "", "the wallscan server `URL` to send photos to, e.g. http://wallscan.local:8080")
	fs.StringVar(&c.kiosk, "kiosk", "", "the workshop's kiosk `CODE`")
	fs.StringVar(&c.wall, "wall", "", "the `NAME` of the wall or table the camera looks at")
	fs.StringVar(&c.out, "out", "", "save the shots in `DIR` instead of sending them")
	fs.StringVar(&c.spoolDir, "spool", defaultSpoolDir(), "keep photos waiting to be sent in `DIR` (one subfolder per kiosk code)")
	fs.StringVar(&c.preview, "preview", "auto", "show the camera in a window: auto (when there is a display), on, off")
	fs.DurationVar(&c.still, "still", capture.DefaultStillFor, "how long the picture must be steady before a shot")
	fs.Float64Var(&c.minSharpness, "min-sharpness", capture.DefaultMinSharpness, "the least sharpness of a shot; lower it for a bare table")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: wallscan capture [--camera N | --source FILE_OR_URL] (--server URL --kiosk CODE | --out DIR) [--wall NAME] [--spool DIR]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case set["camera"] && c.source != "":
		return usagef("use --camera or --source, not both")
	case c.out != "" && (c.server != "" || c.kiosk != ""):
		return usagef("--out saves the shots instead of sending them: leave out --server and --kiosk")
	case c.out == "" && (c.server == "" || c.kiosk == ""):
		return usagef("say where the shots go: --server URL --kiosk CODE, or --out DIR")
	case c.preview != "auto" && c.preview != "on" && c.preview != "off":
		return usagef("--preview is auto, on or off, not %q", c.preview)
	case c.still <= 0:
		return usagef("--still must be positive")
	case len(c.wall) > wallscan.MaxTitle:
		return usagef("--wall is %d bytes long; the limit is %d", len(c.wall), wallscan.MaxTitle)
	}
	if c.out != "" {
		return c.saveShots(ctx)
	}
	return c.sendShots(ctx)
}

func defaultSpoolDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "wallscan", "spool")
	}
	return "wallscan-spool"
}

// logf prints one progress line on stderr.
func (c *captureCmd) logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.stdio.Err, format+"\n", args...)
}

// openStation opens the camera or source and says what it sees.
func (c *captureCmd) openStation() (*capture.Station, error) {
	opts := capture.StationOptions{Device: c.camera, Source: c.source, StillFor: c.still, MinSharpness: c.minSharpness}
	switch c.preview {
	case "auto":
		opts.Preview = capture.HasDisplay()
	case "on":
		opts.Preview = true
	}
	st, err := capture.OpenStation(opts)
	if err != nil {
		return nil, err
	}
	w, h := st.Size()
	name := c.source
	if name == "" {
		name = fmt.Sprintf("camera %d", c.camera)
	}
	c.logf("%s: %dx%d at %.0f frames/s; shooting when the picture is steady for %v", name, w, h, st.FPS(), c.still)
	return st, nil
}

// describe says what a shot is, for the progress lines.
func describe(n int, s capture.Shot) string {
	return fmt.Sprintf("shot %d at %s (%dx%d, sharpness %.0f, %.0f%% new)", n, clock(s.At), s.Width, s.Height, s.Sharpness, 100*s.Change)
}

// clock formats a time since the start as m:ss.s.
func clock(d time.Duration) string {
	return fmt.Sprintf("%d:%04.1f", int(d.Minutes()), (d % time.Minute).Seconds())
}

// saveShots runs the station and writes every shot to c.out.
func (c *captureCmd) saveShots(ctx context.Context) error {
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	st, err := c.openStation()
	if err != nil {
		return err
	}
	defer st.Close()
	next, err := nextShotNumber(c.out)
	if err != nil {
		return err
	}
	err = st.Run(ctx, func(s capture.Shot) error {
		c.shots++
		name := fmt.Sprintf("shot-%04d.jpg", next)
		next++
		if err := spool.WriteFile(c.out, name, s.JPEG); err != nil {
			return fmt.Errorf("save %s: %w", name, err)
		}
		c.saved++
		path := filepath.Join(c.out, name)
		c.logf("%s: saved %s", describe(c.shots, s), path)
		fmt.Fprintln(c.stdio.Out, path)
		return nil
	})
	c.logf("%d shots saved in %s", c.saved, c.out)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

var shotName = regexp.MustCompile(`^shot-(\d+)\.jpg$`)

// nextShotNumber returns the number after the highest shot-NNNN.jpg in
// dir, so a second run does not overwrite the first run's shots.
func nextShotNumber(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	next := 1
	for _, e := range entries {
		if m := shotName.FindStringSubmatch(e.Name()); m != nil {
			var n int
			fmt.Sscan(m[1], &n)
			next = max(next, n+1)
		}
	}
	return next, nil
}

// kioskFolder turns a kiosk code into a folder name.
func kioskFolder(code string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, code)
}

// sendShots runs the station, spools every shot and sends the spool to
// the server in the background; at the end it tries once more and says
// how many photos are still waiting.
func (c *captureCmd) sendShots(ctx context.Context) error {
	sp, err := spool.Open(filepath.Join(c.spoolDir, kioskFolder(c.kiosk)))
	if err != nil {
		return err
	}
	defer sp.Close()
	up := &spool.Uploader{Spool: sp, Server: c.server, Kiosk: c.kiosk, Report: c.reportUpload}
	waiting, err := sp.Len()
	if err != nil {
		return err
	}
	if waiting > 0 {
		c.logf("%d photos waiting in %s from an earlier run; sending them first", waiting, sp.Dir())
	}
	switch title, err := up.Check(ctx); {
	case err == nil:
		c.logf("server %s: workshop %q", c.server, title)
	case spool.IsRetry(err):
		c.logf("server %s cannot be reached now (%v); photos wait in %s and are sent when it can", c.server, err, sp.Dir())
	default:
		return err
	}

	st, err := c.openStation()
	if err != nil {
		return err
	}
	defer st.Close()

	upCtx, stopUploads := context.WithCancel(ctx)
	wake := make(chan struct{}, 1)
	uploads := make(chan error, 1)
	go func() {
		err := up.Run(upCtx, wake)
		if errors.Is(err, spool.ErrKiosk) {
			stopUploads() // and the station: the photos would only pile up
		}
		uploads <- err
	}()

	runErr := st.Run(upCtx, func(s capture.Shot) error {
		c.shots++
		it, err := sp.Add(s.JPEG, spool.Meta{Wall: c.wall})
		if err != nil {
			return err
		}
		n, _ := sp.Len()
		c.logf("%s: spooled as %s; %d waiting", describe(c.shots, s), filepath.Base(it.Path), n)
		select {
		case wake <- struct{}{}:
		default:
		}
		return nil
	})
	if ctx.Err() == nil && runErr == nil {
		// The video ended. Flush waits for an upload under way (cutting it
		// off could lose its answer and send the photo twice) and tries
		// once more for what is left.
		if _, err := up.Flush(ctx); err != nil && !spool.IsRetry(err) {
			runErr = err
		}
	}
	stopUploads()
	if upErr := <-uploads; errors.Is(upErr, spool.ErrKiosk) {
		runErr = upErr // the kiosk was refused while shooting
	}
	waiting, _ = sp.Len()
	c.logf("%d shots taken, %d photos sent, %d refused; %d waiting in %s", c.shots, c.sent, c.wrong, waiting, sp.Dir())
	if waiting > 0 && runErr == nil {
		c.logf("the waiting photos are sent, in order, the next time wallscan capture runs for kiosk %s", c.kiosk)
	}
	if errors.Is(runErr, context.Canceled) {
		return nil
	}
	return runErr
}

// reportUpload prints what became of one upload attempt.
func (c *captureCmd) reportUpload(e spool.Event) {
	name := filepath.Base(e.Item.Path)
	switch e.Outcome {
	case spool.Sent:
		c.mu.Lock()
		c.sent++
		c.mu.Unlock()
		c.logf("sent %s; %d waiting", name, e.Waiting)
	case spool.Rejected:
		c.mu.Lock()
		c.wrong++
		c.mu.Unlock()
		c.logf("the server refused %s (%d: %s); kept in %s", name, e.Status, e.Message, filepath.Join(filepath.Dir(e.Item.Path), spool.RejectedDir))
	case spool.Retry:
		c.logf("not sent: %s; %d waiting, trying again later", e.Message, e.Waiting)
	case spool.Stopped:
		c.logf("the server refuses kiosk %s (%d: %s); %d waiting", c.kiosk, e.Status, e.Message, e.Waiting)
	}
}
