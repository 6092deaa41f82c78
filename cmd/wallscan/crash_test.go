package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"wallscan"
	"wallscan/synth"
)

// Kill points of TestCrashRecovery, by the phase the test aims at. Each is
// one SIGKILL of the real server process and one restart.
var crashPlan = map[string]int{
	phaseUpload:      4, // while a kiosk's upload is on the wire
	phaseSegmenting:  5, // while OpenCV segments a photo
	phaseReading:     5, // while Tesseract reads the notes
	phaseNoteEdit:    4, // while a facilitator's text correction is answered
	phaseClusterEdit: 4, // while a facilitator renames and locks a cluster
}

// Phases a kill aims at.
const (
	phaseUpload      = "upload"
	phaseSegmenting  = "segmenting"
	phaseReading     = "reading"
	phaseNoteEdit    = "note edit"
	phaseClusterEdit = "cluster edit"
)

// crashSeed makes the kill moments reproducible; change it to try others.
const crashSeed = 20261129

// buildBinary builds the real wallscan binary into a temporary folder.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wallscan")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// serverProcess is the real `wallscan serve` running as a child process.
type serverProcess struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{} // closed when the process has exited
}

// startProcess starts `wallscan serve` on a free loopback port with the
// data folder dir, and waits until it prints its address. Its log goes to
// logw.
func startProcess(t testing.TB, bin, dir string, logw io.Writer, extraArgs ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, extraArgs...)...)
	cmd.Env = append(os.Environ(), "WALLSCAN_PASSWORD="+testPassword, "WALLSCAN_ADDR=", "WALLSCAN_DATA=")
	cmd.Stderr = logw
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, done: make(chan struct{})}
	urls := announcedURL(out)
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill) // a failed test leaves no server behind
	select {
	case u, ok := <-urls:
		if !ok {
			<-p.done
			t.Fatalf("wallscan serve exited before it listened: %v", cmd.ProcessState)
		}
		p.url = u
	case <-time.After(2 * time.Minute):
		p.kill()
		t.Fatal("wallscan serve did not start within 2 minutes")
	}
	return p
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer
// would, and waits for it to be gone.
func (p *serverProcess) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop ends the process as Ctrl-C does and waits for it.
func (p *serverProcess) stop(t testing.TB) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		p.kill()
		t.Error("wallscan serve did not stop within a minute of SIGTERM")
	}
}

// slowReader hands out its bytes in chunks with a pause before each, as a
// kiosk on a slow network sends them.
type slowReader struct {
	data  []byte
	chunk int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := copy(p[:min(len(p), r.chunk)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// upload sends a photo to the workshop's kiosk, at full speed or (pause
// > 0) slowly, and returns the stored photo if the server answered 201.
func (c *httpClient) upload(code, filename string, photo []byte, pause time.Duration) (*wallscan.Photo, int, error) {
	body, ct := uploadBody(filename, photo, "muur A")
	var r io.Reader = bytes.NewReader(body)
	if pause > 0 {
		r = &slowReader{data: body, chunk: 32 << 10, pause: pause}
	}
	var p wallscan.Photo
	status, err := c.send("POST", "/api/v1/kiosk/"+code+"/photos", ct, r, int64(len(body)), &p)
	if err != nil || status != http.StatusCreated {
		return nil, status, err
	}
	return &p, status, nil
}

// crashPhoto is one photo the test sent.
type crashPhoto struct {
	seed     int64
	data     []byte
	sum      [32]byte
	answered int64 // the photo ID the server answered, 0 if the answer never came
	killed   bool  // the server was killed while this upload was on its way
	stored   bool  // found in the workshop at the end
}

// edit is one facilitator edit the test sent; answered says whether the
// server confirmed it before it was killed.
type edit struct {
	key      string // "note P/I" (photo ID and index) or "cluster ID"
	value    string
	answered bool
}

// crashRun is the state of TestCrashRecovery.
type crashRun struct {
	t        *testing.T
	rng      *rand.Rand
	bin, dir string
	log      *os.File
	srv      *serverProcess
	c        *httpClient
	w        wallscan.Workshop

	mu     sync.Mutex
	photos []*crashPhoto
	edits  []edit

	kills    map[string]int // what the server was doing at each kill
	resumed  map[int64]int  // photo ID -> kills it was being processed through
	readAt   []string       // notes read of found at each kill while reading
	restarts []time.Duration
	editLat  time.Duration // how long the last answered edit took
}

// restart starts the server again and logs in.
func (r *crashRun) restart() {
	r.t.Helper()
	start := time.Now()
	r.srv = startProcess(r.t, r.bin, r.dir, r.log)
	r.restarts = append(r.restarts, time.Since(start))
	r.c = newHTTPClient(r.srv.url)
	if err := r.c.login(); err != nil {
		r.t.Fatalf("login after restart: %v", err)
	}
	if r.w.ID == 0 {
		return
	}
	for _, p := range r.photosNow() {
		switch p.Status {
		case wallscan.PhotoSegmenting, wallscan.PhotoReading, wallscan.PhotoGrouping:
			r.resumed[p.ID]++
		}
	}
}

// maxResumesInTest is how many kills one photo's processing may go through
// before the test lets it finish. The store gives up a photo that keeps
// killing the server (store.MaxCrashResumes plus its attempts); the test's
// kills are not the photo's fault and must not add up to that.
const maxResumesInTest = 6

// letFinish waits for a photo that went through maxResumesInTest kills to
// be processed.
func (r *crashRun) letFinish() {
	r.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		busy := false
		for _, p := range r.photosNow() {
			if r.resumed[p.ID] >= maxResumesInTest && p.Status != wallscan.PhotoDone && p.Status != wallscan.PhotoFailed {
				busy = true
			}
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatal("a photo resumed after many kills did not finish within 3 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill kills the server as it is doing what, checks that the database
// files as the crash left them pass the integrity check, and restarts.
func (r *crashRun) kill(what string) {
	r.t.Helper()
	r.srv.kill()
	r.kills[what]++
	if got := integrityOfCopy(r.t, r.dir); got != "ok" {
		r.t.Fatalf("after a kill during %s: integrity_check = %q", what, got)
	}
	r.restart()
}

// newPhoto generates the next photo: a small printed wall of six notes.
func (r *crashRun) newPhoto() *crashPhoto {
	r.t.Helper()
	seed := int64(100 + len(r.photos))
	wall, err := synth.Generate(synth.Options{Seed: seed, Level: synth.LevelEasy, Width: 1600, Height: 1200, Notes: 6, Printed: true})
	if err != nil {
		r.t.Fatal(err)
	}
	data, err := wall.JPEG(85)
	if err != nil {
		r.t.Fatal(err)
	}
	p := &crashPhoto{seed: seed, data: data, sum: sha256.Sum256(data)}
	r.mu.Lock()
	r.photos = append(r.photos, p)
	r.mu.Unlock()
	return p
}

// uploadNow uploads a new photo at full speed; it must be answered.
func (r *crashRun) uploadNow() {
	r.t.Helper()
	p := r.newPhoto()
	got, status, err := r.c.upload(r.w.JoinCode, fmt.Sprintf("wall-%d.jpg", p.seed), p.data, 0)
	if err != nil || got == nil {
		r.t.Fatalf("upload: status %d, %v", status, err)
	}
	p.answered = got.ID
}

// photosNow lists the workshop's photos.
func (r *crashRun) photosNow() []wallscan.Photo {
	r.t.Helper()
	var ps []wallscan.Photo
	if code, err := r.c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/photos", r.w.ID), nil, &ps); err != nil || code != http.StatusOK {
		r.t.Fatalf("list photos: %d %v", code, err)
	}
	return ps
}

func unfinished(ps []wallscan.Photo) int {
	n := 0
	for _, p := range ps {
		if p.Status != wallscan.PhotoDone && p.Status != wallscan.PhotoFailed {
			n++
		}
	}
	return n
}

// killUpload kills the server while a photo is on its way: the body goes
// out in 32 KB chunks 10 ms apart, and the kill comes at a random moment
// between the first byte and a little after the expected answer.
func (r *crashRun) killUpload() {
	p := r.newPhoto()
	p.killed = true
	chunks := len(p.data)/(32<<10) + 2
	window := time.Duration(chunks)*10*time.Millisecond + 100*time.Millisecond
	done := make(chan struct{})
	go func() {
		defer close(done)
		got, _, _ := r.c.upload(r.w.JoinCode, fmt.Sprintf("wall-%d.jpg", p.seed), p.data, 10*time.Millisecond)
		if got != nil {
			p.answered = got.ID
		}
	}()
	time.Sleep(time.Duration(r.rng.Int64N(int64(window))))
	r.kill(phaseUpload)
	<-done
}

// killWhile kills the server while a photo is in status: it waits for one
// (uploading another when fewer than two wait), lets a random part of the
// step pass, and names the phase by the status it saw just before the kill.
func (r *crashRun) killWhile(status wallscan.PhotoStatus, step time.Duration) {
	r.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		ps := r.photosNow()
		if unfinished(ps) < 2 {
			r.uploadNow()
			continue
		}
		var target *wallscan.Photo
		for i := range ps {
			if ps[i].Status == status && (status != wallscan.PhotoReading || ps[i].NotesRead < ps[i].NotesFound) {
				target = &ps[i]
			}
		}
		if target != nil {
			r.killPhoto(target, step)
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("no photo reached %s within 3 minutes", status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// killPhoto kills the server while photo p is in its current status. While
// it is segmented, the kill comes after a random part of step; while its
// notes are read, after a random number of them is read.
func (r *crashRun) killPhoto(p *wallscan.Photo, step time.Duration) {
	r.t.Helper()
	var now wallscan.Photo
	get := func() {
		if code, err := r.c.json("GET", fmt.Sprintf("/api/v1/photos/%d", p.ID), nil, &now); err != nil || code != http.StatusOK {
			r.t.Fatalf("photo %d: %d %v", p.ID, code, err)
		}
	}
	if p.Status == wallscan.PhotoReading {
		k := r.rng.IntN(p.NotesFound)
		for get(); now.Status == wallscan.PhotoReading && now.NotesRead < k; get() {
			time.Sleep(5 * time.Millisecond)
		}
	}
	time.Sleep(time.Duration(r.rng.Int64N(int64(step))))
	get()
	if now.Status == wallscan.PhotoReading {
		r.readAt = append(r.readAt, fmt.Sprintf("%d/%d", now.NotesRead, now.NotesFound))
	}
	r.kill(string(now.Status))
}

// waitForNotes waits until some photo is done, so that there are read
// notes and clusters to edit.
func (r *crashRun) waitForNotes() {
	r.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		for _, p := range r.photosNow() {
			if p.Status == wallscan.PhotoDone && p.NotesFound > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatal("no photo was done within 3 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// killEdit sends one facilitator edit and kills the server at a random
// moment within about three times the time the last answered edit took.
func (r *crashRun) killEdit(what string) {
	r.t.Helper()
	r.waitForNotes()
	var method, path string
	var body map[string]any
	var e edit
	n := len(r.edits) + 1
	switch what {
	case phaseNoteEdit:
		var notes []wallscan.Note
		r.c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", r.w.ID), nil, &notes)
		// Prefer a note still waiting for its reading: the edit must win.
		pick := notes[r.rng.IntN(len(notes))]
		for _, i := range r.rng.Perm(len(notes)) {
			if !notes[i].Read {
				pick = notes[i]
				break
			}
		}
		e = edit{key: fmt.Sprintf("note %d/%d", pick.PhotoID, pick.Index), value: fmt.Sprintf("correctie %d door de facilitator", n)}
		method, path, body = "PATCH", fmt.Sprintf("/api/v1/notes/%d", pick.ID), map[string]any{"text": e.value}
	case phaseClusterEdit:
		var cs []wallscan.Cluster
		r.c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/clusters", r.w.ID), nil, &cs)
		if len(cs) == 0 {
			r.t.Fatal("a done photo but no clusters")
		}
		pick := cs[r.rng.IntN(len(cs))]
		e = edit{key: fmt.Sprintf("cluster %d", pick.ID), value: fmt.Sprintf("Thema %d van de facilitator", n)}
		method, path = "PATCH", fmt.Sprintf("/api/v1/workshops/%d/clusters/%d", r.w.ID, pick.ID)
		body = map[string]any{"label": e.value, "locked": true}
	}
	window := max(3*r.editLat, 40*time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		start := time.Now()
		code, err := r.c.json(method, path, body, nil)
		if err == nil && code == http.StatusOK {
			e.answered = true
			r.editLat = time.Since(start)
		}
	}()
	time.Sleep(time.Duration(r.rng.Int64N(int64(window))))
	r.kill(what)
	<-done
	r.edits = append(r.edits, e)
}

// integrityOfCopy copies the database files as they are on disk (the
// server is not running) and runs PRAGMA integrity_check on the copy, so
// that the check itself does not recover or checkpoint the original.
func integrityOfCopy(t testing.TB, dir string) string {
	t.Helper()
	tmp := t.TempDir()
	for _, name := range []string{dbFile, dbFile + "-wal"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return integrityCheck(t, filepath.Join(tmp, dbFile))
}

// integrityCheck opens a database file with modernc sqlite and returns
// what PRAGMA integrity_check says ("ok" when sound).
func integrityCheck(t testing.TB, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var lines []string
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		rows.Scan(&s)
		lines = append(lines, s)
	}
	return strings.Join(lines, "; ")
}

// TestCrashRecovery builds the real binary, runs it as a separate process
// with a real database, and kills it with SIGKILL at random (seeded)
// moments: during an upload, while a photo is segmented, while its notes
// are read, and while a facilitator's edit is answered. After each kill
// the database as left on disk must pass PRAGMA integrity_check, and the
// server must start again. At the end every upload that was answered is
// there with its bytes and fully processed, no photo and no note is there
// twice, every photo has the notes of one segmentation, and every answered
// edit holds.
func TestCrashRecovery(t *testing.T) {
	start := time.Now()
	r := &crashRun{t: t, rng: rand.New(rand.NewPCG(crashSeed, 1)), bin: buildBinary(t), dir: t.TempDir(), kills: map[string]int{}, resumed: map[int64]int{}}
	var err error
	if r.log, err = os.Create(filepath.Join(t.TempDir(), "serve.log")); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			data, _ := os.ReadFile(r.log.Name())
			t.Logf("server log (last 4 KB):\n%s", data[max(0, len(data)-4096):])
		}
	}()
	built := time.Since(start)

	r.restart()
	if code, err := r.c.json("POST", "/api/v1/workshops", map[string]any{"title": "Crash", "case": "Dienst Toeslagen"}, &r.w); err != nil || code != http.StatusCreated {
		t.Fatalf("create workshop: %d %v", code, err)
	}
	r.uploadNow()

	var plan []string
	for phase, n := range crashPlan {
		for range n {
			plan = append(plan, phase)
		}
	}
	sort.Strings(plan)
	r.rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	for _, phase := range plan {
		r.letFinish()
		switch phase {
		case phaseUpload:
			r.killUpload()
		case phaseSegmenting:
			r.killWhile(wallscan.PhotoSegmenting, 60*time.Millisecond)
		case phaseReading:
			r.killWhile(wallscan.PhotoReading, 50*time.Millisecond)
		default:
			r.killEdit(phase)
		}
	}
	killed := time.Since(start)

	// Let the last restart finish everything, then look.
	deadline := time.Now().Add(5 * time.Minute)
	var photos []wallscan.Photo
	for {
		photos = r.photosNow()
		if unfinished(photos) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d photos still unfinished 5 minutes after the last restart", unfinished(photos))
		}
		time.Sleep(200 * time.Millisecond)
	}
	r.checkPhotos(photos)
	r.checkEdits()
	r.srv.stop(t)
	if got := integrityCheck(t, filepath.Join(r.dir, dbFile)); got != "ok" {
		t.Errorf("after the final stop: integrity_check = %q", got)
	}
	r.checkTables()

	total := 0
	var phases []string
	for what, n := range r.kills {
		total += n
		phases = append(phases, fmt.Sprintf("%s %d", what, n))
	}
	sort.Strings(phases)
	if total < 20 {
		t.Errorf("%d kill points, want at least 20", total)
	}
	answeredUploads, answeredEdits := 0, 0
	for _, p := range r.photos {
		if p.answered != 0 {
			answeredUploads++
		}
	}
	for _, e := range r.edits {
		if e.answered {
			answeredEdits++
		}
	}
	var cut, cutStored, killedAnswered int
	for _, p := range r.photos {
		switch {
		case p.killed && p.answered != 0:
			killedAnswered++
		case p.killed:
			cut++
			if p.stored {
				cutStored++
			}
		}
	}
	t.Logf("uploads under a kill: %d answered before it (kept), %d cut off (%d of those stored all the same, complete and processed)", killedAnswered, cut, cutStored)
	sort.Slice(r.restarts, func(i, j int) bool { return r.restarts[i] < r.restarts[j] })
	t.Logf("kill points survived: %d (%s)", total, strings.Join(phases, ", "))
	t.Logf("uploads sent %d, answered %d, stored %d; edits sent %d, answered %d; restart median %v, max %v",
		len(r.photos), answeredUploads, len(photos), len(r.edits), answeredEdits,
		r.restarts[len(r.restarts)/2].Round(time.Millisecond), r.restarts[len(r.restarts)-1].Round(time.Millisecond))
	most := 0
	for _, n := range r.resumed {
		most = max(most, n)
	}
	t.Logf("most kills one photo's processing went through: %d", most)
	t.Logf("kills while reading came after %s notes read", strings.Join(r.readAt, ", "))
	t.Logf("build %v, kills %v, total %v", built.Round(time.Second), (killed - built).Round(time.Second), time.Since(start).Round(time.Second))
}

// checkPhotos checks the finished photos against what the test sent.
func (r *crashRun) checkPhotos(photos []wallscan.Photo) {
	t := r.t
	bySum := map[[32]byte]*crashPhoto{}
	for _, p := range r.photos {
		bySum[p.sum] = p
	}
	stored := map[int64]bool{}
	seenSum := map[[32]byte]int64{}
	found := r.segmentWithBinary()
	var notes []wallscan.Note
	r.c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", r.w.ID), nil, &notes)
	notesOf := map[int64][]wallscan.Note{}
	for _, n := range notes {
		notesOf[n.PhotoID] = append(notesOf[n.PhotoID], n)
	}
	for _, p := range photos {
		stored[p.ID] = true
		var data string
		if code, err := r.c.send("GET", fmt.Sprintf("/api/v1/photos/%d/image", p.ID), "", nil, -1, &data); err != nil || code != http.StatusOK {
			t.Errorf("photo %d image: %d %v", p.ID, code, err)
			continue
		}
		sum := sha256.Sum256([]byte(data))
		sent, ok := bySum[sum]
		if !ok {
			t.Errorf("photo %d: its bytes are none of the photos sent (damaged?)", p.ID)
			continue
		}
		sent.stored = true
		if other, dup := seenSum[sum]; dup {
			t.Errorf("photos %d and %d are the same upload", other, p.ID)
		}
		seenSum[sum] = p.ID
		if p.Status != wallscan.PhotoDone {
			t.Errorf("photo %d (seed %d): status %s (%s), want done", p.ID, sent.seed, p.Status, p.Error)
			continue
		}
		want, ok := found[sent.seed]
		if !ok {
			t.Fatalf("wallscan scan gave no result for the photo of seed %d", sent.seed)
		}
		ns := notesOf[p.ID]
		if got := len(ns); got != want || p.NotesFound != want {
			t.Errorf("photo %d: %d notes stored, notes_found %d; one segmentation finds %d", p.ID, got, p.NotesFound, want)
		}
		if p.NotesRead != p.NotesFound {
			t.Errorf("photo %d: done with %d of %d notes read", p.ID, p.NotesRead, p.NotesFound)
		}
		idx := map[int]bool{}
		for _, n := range ns {
			if idx[n.Index] || n.Index < 1 || n.Index > len(ns) {
				t.Errorf("photo %d: note index %d twice or out of 1..%d", p.ID, n.Index, len(ns))
			}
			idx[n.Index] = true
			if !n.Read {
				t.Errorf("photo %d note %d: not read", p.ID, n.Index)
			}
		}
	}
	for _, p := range r.photos {
		if p.answered != 0 && !stored[p.answered] {
			t.Errorf("the upload of seed %d was answered as photo %d, which is gone", p.seed, p.answered)
		}
	}
}

// segmentWithBinary runs `wallscan scan --json --no-ocr --no-cluster` of
// the binary under test on every photo sent and returns the number of notes
// it finds on each, by seed: one segmentation by the same code the server
// ran (the test's own build may be older in a tree being edited).
func (r *crashRun) segmentWithBinary() map[int64]int {
	t := r.t
	dir := t.TempDir()
	args := []string{"scan", "--json", "--no-ocr", "--no-cluster"}
	seedOf := map[string]int64{}
	for _, p := range r.photos {
		path := filepath.Join(dir, fmt.Sprintf("seed-%d.jpg", p.seed))
		if err := os.WriteFile(path, p.data, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
		seedOf[path] = p.seed
	}
	var out, errb bytes.Buffer
	cmd := exec.Command(r.bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("wallscan scan: %v\n%s", err, errb.String())
	}
	var res struct {
		Photos []struct {
			Path  string            `json:"path"`
			Notes []json.RawMessage `json:"notes"`
			Error string            `json:"error"`
		} `json:"photos"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("wallscan scan --json: %v", err)
	}
	found := map[int64]int{}
	for _, p := range res.Photos {
		if p.Error != "" {
			t.Fatalf("wallscan scan %s: %s", p.Path, p.Error)
		}
		found[seedOf[p.Path]] = len(p.Notes)
	}
	return found
}

// checkEdits checks that every answered edit holds: the value is the last
// answered one for its note or cluster, or one sent after it whose answer
// the kill cut off (it may have committed).
func (r *crashRun) checkEdits() {
	t := r.t
	var notes []wallscan.Note
	r.c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/notes", r.w.ID), nil, &notes)
	var cs []wallscan.Cluster
	r.c.json("GET", fmt.Sprintf("/api/v1/workshops/%d/clusters", r.w.ID), nil, &cs)
	now := map[string]string{}
	for _, n := range notes {
		now[fmt.Sprintf("note %d/%d", n.PhotoID, n.Index)] = n.Text
	}
	locked := map[string]bool{}
	for _, c := range cs {
		now[fmt.Sprintf("cluster %d", c.ID)] = c.Label
		locked[fmt.Sprintf("cluster %d", c.ID)] = c.Locked
	}
	allowed := map[string][]string{} // key -> values it may have
	for _, e := range r.edits {
		if e.answered {
			allowed[e.key] = []string{e.value}
		} else if len(allowed[e.key]) > 0 {
			allowed[e.key] = append(allowed[e.key], e.value)
		}
	}
	for key, values := range allowed {
		got, ok := now[key]
		if !ok {
			t.Errorf("%s was edited (answered) and is gone", key)
			continue
		}
		found := false
		for _, v := range values {
			found = found || got == v
		}
		if !found {
			t.Errorf("%s = %q, want %q (an answered edit was lost)", key, got, values)
		}
		if strings.HasPrefix(key, "cluster") && !locked[key] {
			t.Errorf("%s was locked (answered) and is not locked now", key)
		}
	}
}

// checkTables looks into the stopped database: no note twice, one job per
// photo, all completed.
func (r *crashRun) checkTables() {
	t := r.t
	db, err := sql.Open("sqlite", "file:"+filepath.Join(r.dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var dups, photos, jobs, notDone int
	db.QueryRow(`SELECT count(*) FROM (SELECT photo_id, idx FROM notes GROUP BY photo_id, idx HAVING count(*) > 1)`).Scan(&dups)
	db.QueryRow(`SELECT count(*) FROM photos`).Scan(&photos)
	db.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'process_photo'`).Scan(&jobs)
	db.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'process_photo' AND state != 'completed'`).Scan(&notDone)
	if dups != 0 {
		t.Errorf("%d (photo, index) pairs hold more than one note", dups)
	}
	if jobs != photos || notDone != 0 {
		t.Errorf("%d photos, %d processing jobs of which %d not completed; want one completed job per photo", photos, jobs, notDone)
	}
}
