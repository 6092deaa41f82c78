package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"wallscan"
	"wallscan/synth"
)

func init() {
	register(&command{
		name:    "load",
		summary: "load-test a server on loopback: kiosks upload, dashboards listen, facilitators edit",
		run:     runLoad,
	})
}

// loadConfig describes one load test.
type loadConfig struct {
	Kiosks         int // kiosks uploading at once
	PhotosPerKiosk int // photos each kiosk uploads, one after the other
	Dashboards     int // facilitator screens holding a live event stream
	Facilitators   int // facilitators browsing and editing
	Width, Height  int // photo size in pixels
	Notes          int // notes per photo
	Seed           int64
	// Interval is the pause between two uploads of one kiosk.
	Interval time.Duration
	// Timeout bounds the whole test; photos not done by then count as lost.
	Timeout time.Duration
	// Password is the facilitator password of the server under test.
	Password string
}

// Limits that keep `wallscan load` bounded in count and time.
const (
	maxLoadClients = 200
	maxLoadPhotos  = 500
	maxLoadTimeout = 2 * time.Hour
)

func (c loadConfig) check() error {
	switch {
	case c.Kiosks < 1 || c.Kiosks > maxLoadClients, c.Dashboards < 0 || c.Dashboards > maxLoadClients,
		c.Facilitators < 0 || c.Facilitators > maxLoadClients:
		return usagef("kiosks 1-%d, dashboards and facilitators 0-%d", maxLoadClients, maxLoadClients)
	case c.PhotosPerKiosk < 1 || c.Kiosks*c.PhotosPerKiosk > maxLoadPhotos:
		return usagef("at least one and at most %d photos in all", maxLoadPhotos)
	case c.Interval < 0 || c.Interval > time.Hour:
		return usagef("--interval must be between 0 and 1h")
	case c.Timeout <= 0 || c.Timeout > maxLoadTimeout:
		return usagef("--timeout must be positive and at most %v", maxLoadTimeout)
	}
	if err := wallscan.CheckPhotoSize(c.Width, c.Height); err != nil {
		return usagef("--width and --height: %s", wallscan.ErrorMessage(err))
	}
	return nil
}

// loadReport holds the figures of one load test.
type loadReport struct {
	Config loadConfig

	PhotoBytes int // mean size of an uploaded photo

	Uploaded, Refused, UploadErrors int // answers to the uploads
	Done, Failed, Unfinished        int // what became of the accepted photos
	NotesFound                      int

	IntakePerMinute     float64 // uploads accepted per minute while uploading
	ProcessedPerMinute  float64 // photos fully read per minute, first upload to last read
	UploadToRead        []time.Duration
	UploadRequest       []time.Duration
	API, Pages          []time.Duration
	ServerErrors        int // 5xx answers and failed requests other than uploads
	StreamsHeld         int // event streams open until the end
	Events              int // events the streams received
	EditsAnswered       int
	EditsLost           int
	MaxRSS, HWM         int64 // bytes, of the server process; 0 when unknown
	Wall, Generate      time.Duration
	CPUs                int
	ServerWorkers       int
	FirstUploadToLastOK time.Duration
}

// Failed reports whether the load test saw anything lost or broken.
func (r *loadReport) failed() bool {
	return r.Refused+r.UploadErrors+r.Failed+r.Unfinished+r.ServerErrors+r.EditsLost > 0 ||
		r.StreamsHeld < r.Config.Dashboards
}

func runLoad(ctx context.Context, stdio Stdio, args []string) error {
	fs := newFlagSet("load", stdio)
	cfg := loadConfig{}
	fs.IntVar(&cfg.Kiosks, "kiosks", 20, "kiosks uploading at once")
	fs.IntVar(&cfg.PhotosPerKiosk, "photos", 1, "photos per kiosk")
	fs.IntVar(&cfg.Dashboards, "dashboards", 30, "facilitator screens holding a live event stream")
	fs.IntVar(&cfg.Facilitators, "facilitators", 5, "facilitators browsing and editing")
	fs.IntVar(&cfg.Width, "width", 4000, "photo width in pixels")
	fs.IntVar(&cfg.Height, "height", 3000, "photo height in pixels")
	fs.IntVar(&cfg.Notes, "notes", 15, "notes per photo")
	fs.DurationVar(&cfg.Interval, "interval", 30*time.Second, "pause between two uploads of one kiosk")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the photos and of the facilitators' choices")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Minute, "give up after this long")
	workers := fs.Int("workers", 1, "the server's --workers (photos processed at once)")
	maxRSS := fs.Int("max-rss-mb", 2048, "fail when the server's peak resident memory exceeds this many MB")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `usage: wallscan load [flags]

Starts "wallscan serve" on a free loopback port with a new data folder, and
drives it as a workshop would: kiosks upload generated photos at once,
dashboards hold live event streams, facilitators open pages and edit notes
and clusters. Prints the figures as a Markdown table; exits 1 if an upload
was refused, a photo was lost or failed, a request failed, or the server's
memory went over --max-rss-mb. Traffic goes to 127.0.0.1 only.`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	cfg.Password = newPassword()

	start := time.Now()
	fmt.Fprintf(stdio.Err, "generating %d photos of %dx%d with %d notes...\n", cfg.Kiosks*cfg.PhotosPerKiosk, cfg.Width, cfg.Height, cfg.Notes)
	photos, err := loadPhotos(cfg)
	if err != nil {
		return err
	}
	generated := time.Since(start)

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "wallscan-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--data", dir, "--workers", strconv.Itoa(*workers))
	srv.Env = append(os.Environ(), "WALLSCAN_PASSWORD="+cfg.Password, "WALLSCAN_ADDR=", "WALLSCAN_DATA=")
	logf, err := os.Create(dir + "/serve.log")
	if err != nil {
		return err
	}
	defer logf.Close()
	srv.Stderr = logf
	out, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	urls := announcedURL(out)
	go func() { srv.Wait(); close(exited) }()
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(time.Minute):
			srv.Process.Kill()
			<-exited
		}
	}()
	var url string
	select {
	case u, ok := <-urls:
		if !ok {
			return fmt.Errorf("wallscan serve exited at start; see its log above")
		}
		url = u
	case <-exited:
		return fmt.Errorf("wallscan serve exited at start; see its log above")
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("wallscan serve did not start within 2 minutes")
	}
	fmt.Fprintf(stdio.Err, "server %s (pid %d, log %s); %d kiosks, %d dashboards, %d facilitators\n",
		url, srv.Process.Pid, logf.Name(), cfg.Kiosks, cfg.Dashboards, cfg.Facilitators)

	rep, err := loadTest(ctx, cfg, url, srv.Process.Pid, photos, stdio.Err)
	if err != nil {
		return err
	}
	rep.Generate, rep.ServerWorkers = generated, *workers
	rep.write(stdio.Out)
	if rep.failed() {
		fmt.Fprintln(stdio.Err, "wallscan load: something was lost or failed (see the table)")
		return errPartial
	}
	if limit := int64(*maxRSS) << 20; rep.HWM > limit || rep.MaxRSS > limit {
		fmt.Fprintf(stdio.Err, "wallscan load: the server's memory went over %d MB\n", *maxRSS)
		return errPartial
	}
	return nil
}

// loadPhotos generates one JPEG per upload, two at a time.
func loadPhotos(cfg loadConfig) ([][]byte, error) {
	n := cfg.Kiosks * cfg.PhotosPerKiosk
	photos := make([][]byte, n)
	errs := make([]error, n)
	sem := make(chan struct{}, max(1, min(2, runtime.NumCPU())))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			w, err := synth.Generate(synth.Options{Seed: cfg.Seed + int64(i), Level: synth.LevelEasy,
				Width: cfg.Width, Height: cfg.Height, Notes: cfg.Notes, Printed: true})
			if err != nil {
				errs[i] = err
				return
			}
			photos[i], errs[i] = w.JPEG(88)
		}()
	}
	wg.Wait()
	return photos, errors.Join(errs...)
}

// loadClient is one browser or kiosk: its own cookies, a shared transport.
type loadClient struct {
	base string
	http *http.Client
	csrf string
}

var loadTransport = &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}

func newLoadClient(base string, timeout time.Duration) *loadClient {
	jar, _ := cookiejar.New(nil)
	return &loadClient{base: base, http: &http.Client{Jar: jar, Transport: loadTransport, Timeout: timeout}}
}

// do sends a request, decodes a JSON answer into out (if not nil) and
// returns the status and how long the answer took.
func (c *loadClient) do(ctx context.Context, method, path, contentType string, body []byte, out any) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.csrf != "" && method != "GET" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil {
		return resp.StatusCode, took, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, took, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, took, nil
}

func (c *loadClient) json(ctx context.Context, method, path string, in, out any) (int, time.Duration, error) {
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	return c.do(ctx, method, path, "application/json", body, out)
}

func (c *loadClient) login(ctx context.Context, password string) error {
	var res struct {
		CSRF string `json:"csrf_token"`
	}
	code, _, err := c.json(ctx, "POST", "/api/v1/login", map[string]string{"password": password}, &res)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("login: status %d", code)
	}
	c.csrf = res.CSRF
	return err
}

// recorder collects the figures from many goroutines.
type recorder struct {
	mu                      sync.Mutex
	api, pages, uploads     []time.Duration
	uploadToRead            []time.Duration
	serverErrors            int
	events                  int
	firstUpload, lastUpload time.Time
	lastRead                time.Time
	uploaded, refused, errs int
	edits                   map[int64]string // note ID -> last answered text
	editsAnswered           int
}

func (r *recorder) request(page bool, code int, took time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil || code >= 500 {
		r.serverErrors++
		return
	}
	if page {
		r.pages = append(r.pages, took)
	} else {
		r.api = append(r.api, took)
	}
}

// loadTest drives the server at base (whose process is pid, 0 if unknown)
// with the photos and returns the figures.
func loadTest(ctx context.Context, cfg loadConfig, base string, pid int, photos [][]byte, progress io.Writer) (*loadReport, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	start := time.Now()
	rep := &loadReport{Config: cfg, CPUs: runtime.NumCPU()}
	for _, p := range photos {
		rep.PhotoBytes += len(p) / len(photos)
	}

	fac := newLoadClient(base, time.Minute)
	if err := fac.login(ctx, cfg.Password); err != nil {
		return nil, err
	}
	var w wallscan.Workshop
	if code, _, err := fac.json(ctx, "POST", "/api/v1/workshops", map[string]any{"title": "Load test", "case": "wallscan load"}, &w); err != nil || code != http.StatusCreated {
		return nil, fmt.Errorf("create workshop: status %d %v", code, err)
	}
	rec := &recorder{edits: map[int64]string{}}

	// Memory of the server, sampled four times a second.
	memDone := make(chan struct{})
	go func() {
		defer close(memDone)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss, hwm := procMemory(pid); rss > 0 {
				rep.MaxRSS, rep.HWM = max(rep.MaxRSS, rss), max(rep.HWM, hwm)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	// Dashboards: each logs in and holds the workshop's event stream,
	// refreshing the photo list at most every two seconds on events.
	streamCtx, stopStreams := context.WithCancel(ctx)
	var streams sync.WaitGroup
	held := make([]bool, cfg.Dashboards)
	opened := make(chan struct{}, cfg.Dashboards)
	for i := range cfg.Dashboards {
		streams.Add(1)
		go func() {
			defer streams.Done()
			held[i] = dashboardStream(streamCtx, base, cfg.Password, w.ID, rec, opened)
		}()
	}
	for range cfg.Dashboards {
		select {
		case <-opened:
		case <-ctx.Done():
			stopStreams()
			return nil, fmt.Errorf("event streams did not open: %w", ctx.Err())
		}
	}

	// Facilitators browse and edit until the photos are processed.
	facCtx, stopFacilitators := context.WithCancel(ctx)
	var facs sync.WaitGroup
	for i := range cfg.Facilitators {
		facs.Add(1)
		go func() {
			defer facs.Done()
			facilitate(facCtx, base, cfg.Password, w.ID, i, cfg.Facilitators, rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i))), rec)
		}()
	}

	// Kiosks upload their photos one after the other, Interval apart, and
	// watch each until its notes are read, as the kiosk page shows progress.
	var kiosks sync.WaitGroup
	var mu sync.Mutex
	watch := func(res uploadResult) {
		mu.Lock()
		defer mu.Unlock()
		switch res.status {
		case wallscan.PhotoDone:
			rep.Done++
			rep.NotesFound += res.notes
		case wallscan.PhotoFailed:
			rep.Failed++
		case "":
		default:
			rep.Unfinished++
		}
	}
	for k := range cfg.Kiosks {
		kiosks.Add(1)
		go func() {
			defer kiosks.Done()
			c := newLoadClient(base, 10*time.Minute)
			for j := range cfg.PhotosPerKiosk {
				if j > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(cfg.Interval):
					}
				}
				answered := make(chan struct{})
				kiosks.Add(1)
				go func() {
					defer kiosks.Done()
					watch(kioskUpload(ctx, c, w.JoinCode, fmt.Sprintf("kiosk%d-%d.jpg", k+1, j+1), photos[k*cfg.PhotosPerKiosk+j], rec, answered))
				}()
				<-answered
			}
		}()
	}
	kiosks.Wait()
	fmt.Fprintf(progress, "all photos answered and watched after %v\n", time.Since(start).Round(time.Second))
	stopFacilitators()
	facs.Wait()
	stopStreams()
	streams.Wait()
	for _, h := range held {
		if h {
			rep.StreamsHeld++
		}
	}

	// The facilitators' answered edits are all there.
	var notes []wallscan.Note
	if code, _, err := fac.json(ctx, "GET", fmt.Sprintf("/api/v1/workshops/%d/notes", w.ID), nil, &notes); err != nil || code != http.StatusOK {
		return nil, fmt.Errorf("list notes: %d %v", code, err)
	}
	text := map[int64]string{}
	for _, n := range notes {
		text[n.ID] = n.Text
	}
	rec.mu.Lock()
	for id, want := range rec.edits {
		if got, ok := text[id]; !ok || got != want {
			rep.EditsLost++
		}
	}
	cancel()
	<-memDone

	rep.Uploaded, rep.Refused, rep.UploadErrors = rec.uploaded, rec.refused, rec.errs
	rep.UploadToRead, rep.UploadRequest, rep.API, rep.Pages = rec.uploadToRead, rec.uploads, rec.api, rec.pages
	rep.ServerErrors, rep.Events, rep.EditsAnswered = rec.serverErrors, rec.events, rec.editsAnswered
	if span := rec.lastUpload.Sub(rec.firstUpload); rec.uploaded > 1 && span > 0 {
		rep.IntakePerMinute = float64(rec.uploaded) / span.Minutes()
	}
	if span := rec.lastRead.Sub(rec.firstUpload); rep.Done > 0 && span > 0 {
		rep.ProcessedPerMinute = float64(rep.Done) / span.Minutes()
		rep.FirstUploadToLastOK = span
	}
	rec.mu.Unlock()
	rep.Wall = time.Since(start)
	return rep, nil
}

// uploadResult is what became of one kiosk upload.
type uploadResult struct {
	status wallscan.PhotoStatus // "" when the upload was not accepted
	notes  int
}

// kioskUpload uploads one photo as the kiosk page does and polls it, as
// the kiosk shows progress, until its notes are read.
// It closes answered when the upload has its answer.
func kioskUpload(ctx context.Context, c *loadClient, code, name string, photo []byte, rec *recorder, answered chan<- struct{}) uploadResult {
	body, contentType := uploadBody(name, photo, name)
	sent := time.Now()
	var p wallscan.Photo
	status, took, err := c.do(ctx, "POST", "/api/v1/kiosk/"+code+"/photos", contentType, body, &p)
	close(answered)
	rec.mu.Lock()
	if rec.firstUpload.IsZero() || sent.Before(rec.firstUpload) {
		rec.firstUpload = sent
	}
	switch {
	case err != nil:
		rec.errs++
	case status != http.StatusCreated:
		rec.refused++
	default:
		rec.uploaded++
		rec.uploads = append(rec.uploads, took)
		if end := sent.Add(took); end.After(rec.lastUpload) {
			rec.lastUpload = end
		}
	}
	rec.mu.Unlock()
	if err != nil || status != http.StatusCreated {
		return uploadResult{}
	}
	var view struct {
		Photo wallscan.Photo `json:"photo"`
	}
	seenRead := false
	for {
		select {
		case <-ctx.Done():
			return uploadResult{status: view.Photo.Status}
		case <-time.After(500 * time.Millisecond):
		}
		code, took, err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/kiosk/%s/photos/%d", code, p.ID), "", nil, &view)
		if ctx.Err() != nil {
			return uploadResult{status: view.Photo.Status}
		}
		rec.request(false, code, took, err)
		ph := view.Photo
		read := ph.Status == wallscan.PhotoDone || (ph.Status == wallscan.PhotoGrouping && ph.NotesRead == ph.NotesFound)
		if read && !seenRead {
			seenRead = true
			now := time.Now()
			rec.mu.Lock()
			rec.uploadToRead = append(rec.uploadToRead, now.Sub(sent))
			if now.After(rec.lastRead) {
				rec.lastRead = now
			}
			rec.mu.Unlock()
		}
		if ph.Status == wallscan.PhotoDone || ph.Status == wallscan.PhotoFailed {
			return uploadResult{status: ph.Status, notes: ph.NotesFound}
		}
	}
}

// dashboardStream logs in, holds the workshop's event stream until ctx
// ends, and on events refreshes the photo list (at most every two
// seconds). It reports whether the stream stayed open to the end.
func dashboardStream(ctx context.Context, base, password string, workshopID int64, rec *recorder, opened chan<- struct{}) bool {
	c := newLoadClient(base, time.Minute)
	if err := c.login(ctx, password); err != nil {
		rec.request(false, 0, 0, err)
		opened <- struct{}{}
		return false
	}
	stream := &http.Client{Jar: c.http.Jar, Transport: loadTransport} // no timeout: it stays open
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/workshops/%d/events", base, workshopID), nil)
	resp, err := stream.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		rec.request(false, 0, 0, fmt.Errorf("event stream: %v", err))
		opened <- struct{}{}
		return false
	}
	defer resp.Body.Close()
	opened <- struct{}{}
	var last time.Time
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "event: ") || sc.Text() == "event: ready" {
			continue
		}
		rec.mu.Lock()
		rec.events++
		rec.mu.Unlock()
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			code, took, err := c.json(ctx, "GET", fmt.Sprintf("/api/v1/workshops/%d/photos", workshopID), nil, nil)
			if ctx.Err() == nil {
				rec.request(false, code, took, err)
			}
		}
	}
	// The stream ends when ctx does; ending before is a failure.
	return ctx.Err() != nil
}

// facilitate is facilitator i of n: every second or two they open a page
// or the board's data, correct a note's text or rename a cluster. Each
// corrects only the notes whose ID is i modulo n, so that the last answered
// edit of a note is known.
func facilitate(ctx context.Context, base, password string, workshopID int64, i, n int, rng *rand.Rand, rec *recorder) {
	c := newLoadClient(base, time.Minute)
	if err := c.login(ctx, password); err != nil {
		rec.request(false, 0, 0, err)
		return
	}
	ws := fmt.Sprintf("/api/v1/workshops/%d", workshopID)
	for round := 1; ; round++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second + time.Duration(rng.Int64N(int64(time.Second)))):
		}
		var code int
		var took time.Duration
		var err error
		page := false
		switch rng.IntN(6) {
		case 0:
			page = true
			code, took, err = c.do(ctx, "GET", fmt.Sprintf("/workshops/%d/board", workshopID), "", nil, nil)
		case 1:
			page = true
			code, took, err = c.do(ctx, "GET", fmt.Sprintf("/workshops/%d", workshopID), "", nil, nil)
		case 2:
			code, took, err = c.json(ctx, "GET", ws+"/clusters", nil, nil)
		case 3:
			var cs []wallscan.Cluster
			code, took, err = c.json(ctx, "GET", ws+"/clusters", nil, &cs)
			if err == nil && len(cs) > 0 {
				rec.request(false, code, took, err)
				cl := cs[rng.IntN(len(cs))]
				code, took, err = c.json(ctx, "PATCH", fmt.Sprintf("%s/clusters/%d", ws, cl.ID), map[string]any{"label": fmt.Sprintf("Thema %d.%d", i+1, round)}, nil)
			}
		default:
			var all, notes []wallscan.Note
			code, took, err = c.json(ctx, "GET", ws+"/notes", nil, &all)
			for _, note := range all {
				if note.ID%int64(n) == int64(i) {
					notes = append(notes, note)
				}
			}
			if err == nil && len(notes) > 0 {
				rec.request(false, code, took, err)
				note := notes[rng.IntN(len(notes))]
				text := fmt.Sprintf("%s (nagekeken %d)", strings.SplitN(note.Text, " (nagekeken", 2)[0], round)
				text = wallscan.CleanText(text)
				code, took, err = c.json(ctx, "PATCH", fmt.Sprintf("/api/v1/notes/%d", note.ID), map[string]any{"text": text}, nil)
				if err == nil && code == http.StatusOK {
					rec.mu.Lock()
					rec.edits[note.ID] = text
					rec.editsAnswered++
					rec.mu.Unlock()
				}
			}
		}
		if ctx.Err() != nil {
			return
		}
		rec.request(page, code, took, err)
	}
}

// procMemory returns VmRSS and VmHWM of process pid in bytes, or zeros.
func procMemory(pid int) (rss, hwm int64) {
	if pid <= 0 {
		return 0, 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(value)
		if len(f) < 1 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		switch name {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// percentile returns the q-th quantile (0-1) of ds, nearest rank.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1)+0.5)]
}

func spread(ds []time.Duration) string {
	round := func(d time.Duration) time.Duration {
		if d > 10*time.Second {
			return d.Round(100 * time.Millisecond)
		}
		return d.Round(time.Millisecond)
	}
	return fmt.Sprintf("%v / %v / %v (n=%d)", round(percentile(ds, 0.5)), round(percentile(ds, 0.95)), round(percentile(ds, 1)), len(ds))
}

// write prints the report as a Markdown table.
func (r *loadReport) write(w io.Writer) {
	c := r.Config
	mb := func(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }
	rows := [][2]string{
		{"clients", fmt.Sprintf("%d kiosks x %d photos, %d dashboards (event streams), %d facilitators", c.Kiosks, c.PhotosPerKiosk, c.Dashboards, c.Facilitators)},
		{"photos", fmt.Sprintf("%dx%d (%.1f MP), %d printed notes, %.1f MB JPEG on average", c.Width, c.Height, float64(c.Width*c.Height)/1e6, c.Notes, float64(r.PhotoBytes)/(1<<20))},
		{"machine", fmt.Sprintf("%d CPUs; server --workers %d", r.CPUs, r.ServerWorkers)},
		{"uploads accepted / refused / failed", fmt.Sprintf("%d / %d / %d", r.Uploaded, r.Refused, r.UploadErrors)},
		{"photos done / failed / unfinished", fmt.Sprintf("%d / %d / %d (%d notes found)", r.Done, r.Failed, r.Unfinished, r.NotesFound)},
		{"intake: uploads accepted per minute", fmt.Sprintf("%.1f", r.IntakePerMinute)},
		{"processing: photos fully read per minute", fmt.Sprintf("%.2f (first upload to last read %v)", r.ProcessedPerMinute, r.FirstUploadToLastOK.Round(time.Second))},
		{"upload to notes fully read: median / p95 / max", spread(r.UploadToRead)},
		{"upload request: median / p95 / max", spread(r.UploadRequest)},
		{"API responses: median / p95 / max", spread(r.API)},
		{"page responses: median / p95 / max", spread(r.Pages)},
		{"failed requests (5xx or broken)", fmt.Sprint(r.ServerErrors)},
		{"event streams held to the end / events received", fmt.Sprintf("%d of %d / %d", r.StreamsHeld, c.Dashboards, r.Events)},
		{"facilitator edits answered / lost", fmt.Sprintf("%d / %d", r.EditsAnswered, r.EditsLost)},
		{"server memory: peak VmRSS sampled / VmHWM", mb(r.MaxRSS) + " / " + mb(r.HWM)},
		{"wall time (photo generation)", fmt.Sprintf("%v (%v)", r.Wall.Round(time.Second), r.Generate.Round(time.Second))},
	}
	fmt.Fprintln(w, "| figure | value |\n| --- | --- |")
	for _, row := range rows {
		fmt.Fprintf(w, "| %s | %s |\n", row[0], row[1])
	}
}

// announcedURL reads the output of a `wallscan serve` child and sends the
// address it announces ("wallscan is running on URL ..."); the channel is
// closed when the output ends.
func announcedURL(out io.Reader) <-chan string {
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "is running on "); ok {
				select {
				case urls <- strings.Fields(rest)[0]:
				default:
				}
			}
		}
		close(urls)
	}()
	return urls
}

// uploadBody builds the multipart body of a photo upload, as the kiosk
// page sends it.
func uploadBody(filename string, photo []byte, wall string) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("photo", filename)
	fw.Write(photo)
	mw.WriteField("wall", wall)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}
