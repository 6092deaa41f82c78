package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"wallscan"
	"wallscan/cluster"
	"wallscan/dashboard"
	"wallscan/store"
)

// testPassword is the facilitator password of every test server.
const testPassword = "wand-vol-briefjes"

// env is a dashboard on a real SQLite store in a temp dir, with the real
// job queue and wallscan.Processor; only the pipeline's steps are test
// doubles (colourSegmenter, sizeReader, colourGrouper), because OpenCV,
// Tesseract and the grouping's judgement are not the dashboard's business.
type env struct {
	t      testing.TB
	db     *store.DB
	broker *wallscan.Broker
	proc   *wallscan.Processor
	reader *sizeReader
	srv    *dashboard.Server
	h      http.Handler
	// client, if set, names the client address of each request, so a test
	// can stay clear of the per-address rate limits.
	client func() string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "wallscan.db"),
		store.WithLogger(quiet), store.WithPollInterval(20*time.Millisecond),
		store.WithRetryDelay(func(int) time.Duration { return 20 * time.Millisecond }))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SetPassword(ctx, testPassword); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	e := &env{t: t, db: db, broker: wallscan.NewBroker(), reader: &sizeReader{texts: map[int]string{}}}
	e.proc = &wallscan.Processor{
		Pipeline:  &wallscan.Pipeline{Segmenter: colourSegmenter{}, Reader: e.reader, Grouper: colourGrouper{words: cluster.New(cluster.Options{})}, Workers: 2},
		Workshops: db, Photos: db, Notes: db, Clusters: db, Events: e.broker,
	}
	if err := db.StartWorkers(ctx, e.proc.ProcessPhoto, 1); err != nil {
		t.Fatalf("StartWorkers: %v", err)
	}
	e.srv = dashboard.NewServer(dashboard.Config{
		Workshops: db, Photos: db, Notes: db, Clusters: db, Curation: db, Auth: db,
		Events: e.broker, Regrouper: e.proc, Words: e.proc, Logger: quiet,
	})
	e.h = e.srv.Handler()
	return e
}

// listen serves the dashboard on a loopback port for a browser until the
// test ends. Pages hold event streams open, so the connections are cut
// before the server closes.
func (e *env) listen() *httptest.Server {
	ts := httptest.NewServer(e.h)
	e.t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
	})
	return ts
}

// workshop creates a workshop with a legend of three perspectives.
func (e *env) workshop(title string) *wallscan.Workshop {
	e.t.Helper()
	w := &wallscan.Workshop{Title: title, Case: "Gemeente Testdorp: gegevens delen", Date: "2026-11-29",
		Legend: []wallscan.Perspective{{Color: wallscan.Yellow, Name: "beleid"}, {Color: wallscan.Blue, Name: "uitvoering"},
			{Color: wallscan.Pink, Name: "I-specialist"}}}
	if err := e.db.CreateWorkshop(context.Background(), w); err != nil {
		e.t.Fatalf("CreateWorkshop: %v", err)
	}
	return w
}

// session is a logged-in facilitator: the cookie and the CSRF token.
type session struct {
	cookie *http.Cookie
	csrf   string
}

func (e *env) login() *session {
	e.t.Helper()
	rec := e.do(nil, "POST", "/api/v1/login", jsonBody(map[string]string{"password": testPassword}), "application/json")
	if rec.Code != http.StatusOK {
		e.t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	json.Unmarshal(rec.Body.Bytes(), &out)
	for _, c := range rec.Result().Cookies() {
		if c.Name == dashboard.SessionCookie {
			return &session{cookie: c, csrf: out.CSRFToken}
		}
	}
	e.t.Fatal("login set no session cookie")
	return nil
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// do sends a request to the engine as s (nil: nobody).
func (e *env) do(s *session, method, path string, body []byte, contentType string) *httptest.ResponseRecorder {
	return e.doCtx(context.Background(), s, method, path, body, contentType)
}

// cancelOnFlush ends the request when the handler flushes: an event
// stream then stops after its first event, so tests can call it like any
// other route.
type cancelOnFlush struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (c cancelOnFlush) Flush() {
	c.ResponseRecorder.Flush()
	c.cancel()
}

func (e *env) doCtx(ctx context.Context, s *session, method, path string, body []byte, contentType string) *httptest.ResponseRecorder {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	if e.client != nil {
		req.RemoteAddr = e.client()
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if s != nil {
		req.AddCookie(s.cookie)
		req.Header.Set(dashboard.CSRFHeader, s.csrf)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(cancelOnFlush{rec, cancel}, req)
	return rec
}

// decode unmarshals a recorder's JSON body into v.
func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
}

// multipartPhoto builds an upload body with the photo and wall fields.
func multipartPhoto(photo []byte, wall string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if wall != "" {
		mw.WriteField("wall", wall)
	}
	if photo != nil {
		fw, _ := mw.CreateFormFile("photo", "muur.jpg")
		fw.Write(photo)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// testNote is a note drawn on a generated wall photo. Its width is unique
// on the wall: the sizeReader "reads" a crop by its size.
type testNote struct {
	x, y, w, h int
	rgb        color.RGBA
	text       string
	glare      bool // a washed-out patch, as a lamp leaves on glossy paper
}

var (
	yellow = color.RGBA{245, 217, 10, 255}
	blue   = color.RGBA{40, 130, 230, 255}
	pink   = color.RGBA{235, 80, 150, 255}
)

// wallNotes is the standard test wall: six notes of three colours.
func wallNotes() []testNote {
	return []testNote{
		{60, 60, 180, 150, yellow, "gegevens delen is juridisch onduidelijk", false},
		{320, 70, 200, 150, yellow, "AVG angst bij ketenpartners", false},
		{580, 60, 220, 150, blue, "systemen praten niet met Pluvius", false},
		{80, 300, 240, 150, blue, "geen zicht op eigen data in Pluvius", false},
		{380, 310, 260, 150, pink, "informatiebeveiliging komt te laat", true},
		{680, 300, 190, 150, pink, "CIO zit niet aan tafel", false},
	}
}

// drawWall renders notes on a grey wall as a JPEG and teaches the reader
// their texts.
func (e *env) drawWall(notes []testNote) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 960, 560))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{200, 200, 196, 255}}, image.Point{}, draw.Src)
	for _, n := range notes {
		draw.Draw(img, image.Rect(n.x, n.y, n.x+n.w, n.y+n.h), &image.Uniform{n.rgb}, image.Point{}, draw.Src)
		writeOn(img, n)
		if n.glare {
			draw.Draw(img, image.Rect(n.x+n.w/2, n.y+n.h/2, n.x+n.w-20, n.y+n.h-15), &image.Uniform{color.RGBA{252, 252, 252, 255}}, image.Point{}, draw.Src)
		}
		e.reader.learn(n.w, n.text)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		e.t.Fatal(err)
	}
	return b.Bytes()
}

var noteFace = func() font.Face {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 19, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err)
	}
	return face
}()

// writeOn writes a note's text on it, word-wrapped, as a person would.
func writeOn(img draw.Image, n testNote) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{30, 30, 40, 255}), Face: noteFace}
	var lines []string
	line := ""
	for _, word := range strings.Fields(n.text) {
		try := strings.TrimSpace(line + " " + word)
		if line != "" && d.MeasureString(try).Ceil() > n.w-20 {
			lines = append(lines, line)
			line = word
		} else {
			line = try
		}
	}
	lines = append(lines, line)
	for i, l := range lines {
		d.Dot = fixed.P(n.x+10, n.y+32+i*24)
		d.DrawString(l)
	}
}

// waitPhoto waits until the photo is done or failed and returns it.
func (e *env) waitPhoto(id int64) *wallscan.Photo {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := e.db.Photo(context.Background(), id)
		if err != nil {
			e.t.Fatalf("Photo(%d): %v", id, err)
		}
		if p.Status == wallscan.PhotoDone || p.Status == wallscan.PhotoFailed {
			return p
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("photo %d still %s after 30s", id, p.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processedWall stores the standard wall in w through the store and
// waits until it is processed.
func (e *env) processedWall(w *wallscan.Workshop) *wallscan.Photo {
	e.t.Helper()
	data := e.drawWall(wallNotes())
	p := &wallscan.Photo{WorkshopID: w.ID, Wall: "Muur A", Filename: "muur-a.jpg", ContentType: "image/jpeg", Size: int64(len(data))}
	if err := e.db.AddPhoto(context.Background(), p, data); err != nil {
		e.t.Fatalf("AddPhoto: %v", err)
	}
	p = e.waitPhoto(p.ID)
	if p.Status != wallscan.PhotoDone {
		e.t.Fatalf("photo %d: %s %s", p.ID, p.Status, p.Error)
	}
	return p
}

// colourSegmenter finds the notes of the generated test walls: saturated
// rectangles on a grey wall, by connected components on a coarse grid.
type colourSegmenter struct{}

const segStep = 4

func (colourSegmenter) Segment(ctx context.Context, data []byte) (*wallscan.Segmentation, error) {
	if _, err := wallscan.CheckPhoto(data); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, wallscan.Errorf(wallscan.EINVALID, "decode: %v", err)
	}
	b := img.Bounds()
	gw, gh := b.Dx()/segStep, b.Dy()/segStep
	sat := make([]bool, gw*gh)
	for gy := range gh {
		for gx := range gw {
			r, g, bl, _ := img.At(b.Min.X+gx*segStep, b.Min.Y+gy*segStep).RGBA()
			hi, lo := max(r, g, bl)>>8, min(r, g, bl)>>8
			sat[gy*gw+gx] = hi-lo > 60
		}
	}
	seen := make([]bool, len(sat))
	seg := &wallscan.Segmentation{Width: b.Dx(), Height: b.Dy(), Quality: wallscan.Quality{Sharpness: 100, Brightness: 0.6, Warnings: []string{}}}
	for start := range sat {
		if !sat[start] || seen[start] {
			continue
		}
		minX, minY, maxX, maxY, cells := gw, gh, 0, 0, 0
		var sr, sg, sb uint64
		stack := []int{start}
		seen[start] = true
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%gw, i/gw
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			cells++
			r, g, bl, _ := img.At(b.Min.X+x*segStep, b.Min.Y+y*segStep).RGBA()
			sr, sg, sb = sr+uint64(r>>8), sg+uint64(g>>8), sb+uint64(bl>>8)
			for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				nx, ny := x+d[0], y+d[1]
				if nx >= 0 && ny >= 0 && nx < gw && ny < gh && sat[ny*gw+nx] && !seen[ny*gw+nx] {
					seen[ny*gw+nx] = true
					stack = append(stack, ny*gw+nx)
				}
			}
		}
		if cells < 100 {
			continue
		}
		r := image.Rect(minX*segStep, minY*segStep, (maxX+1)*segStep, (maxY+1)*segStep).Add(b.Min)
		mean := color.RGBA{uint8(sr / uint64(cells)), uint8(sg / uint64(cells)), uint8(sb / uint64(cells)), 255}
		crop := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(crop, crop.Bounds(), img, r.Min, draw.Src)
		if washedOut(crop) {
			seg.Quality.GlareNotes++
		}
		seg.Notes = append(seg.Notes, wallscan.FoundNote{
			Polygon: wallscan.Quad{r.Min, {r.Max.X, r.Min.Y}, r.Max, {r.Min.X, r.Max.Y}},
			Color:   nearestColour(mean), RGB: mean,
			X: float64(r.Min.X+r.Dx()/2) / float64(b.Dx()), Y: float64(r.Min.Y+r.Dy()/2) / float64(b.Dy()),
			Crop: crop,
		})
	}
	sort.SliceStable(seg.Notes, func(i, j int) bool {
		a, b := seg.Notes[i], seg.Notes[j]
		if math.Abs(a.Y-b.Y) > 0.1 {
			return a.Y < b.Y
		}
		return a.X < b.X
	})
	if len(seg.Notes) == 0 {
		seg.Quality.Warnings = append(seg.Quality.Warnings, wallscan.WarnNoNotes)
	}
	if seg.Quality.GlareNotes > 0 {
		seg.Quality.Warnings = append(seg.Quality.Warnings, wallscan.WarnGlare)
	}
	return seg, nil
}

// washedOut reports whether more than 5% of a crop is near white.
func washedOut(img *image.RGBA) bool {
	white := 0
	for i := 0; i+3 < len(img.Pix); i += 4 {
		if img.Pix[i] > 240 && img.Pix[i+1] > 240 && img.Pix[i+2] > 240 {
			white++
		}
	}
	return white*20 > len(img.Pix)/4
}

func nearestColour(c color.RGBA) wallscan.Color {
	ref := map[wallscan.Color]color.RGBA{wallscan.Yellow: yellow, wallscan.Blue: blue, wallscan.Pink: pink}
	best, bestD := wallscan.ColorOther, 1e9
	for name, r := range ref {
		d := math.Pow(float64(c.R)-float64(r.R), 2) + math.Pow(float64(c.G)-float64(r.G), 2) + math.Pow(float64(c.B)-float64(r.B), 2)
		if d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

// sizeReader "reads" a crop by its width: each test note has a unique
// width, and drawWall teaches the reader the text that goes with it.
type sizeReader struct {
	mu    sync.Mutex
	texts map[int]string
}

func (r *sizeReader) learn(width int, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.texts[width] = text
}

func (r *sizeReader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := crop.Bounds().Dx()
	best, bestD := "", 1<<30
	for width, text := range r.texts {
		if d := max(width-w, w-width); d < bestD {
			best, bestD = text, d
		}
	}
	if bestD > 8 {
		return wallscan.Reading{Review: true}, nil
	}
	conf := 90.0
	review := strings.Contains(best, "CIO") // one note to review, as a real reader would flag some
	if review {
		conf = 41
	}
	return wallscan.Reading{Text: best, Confidence: conf, Review: review}, nil
}

// colourGrouper groups notes by colour, keeps the facilitator's curated
// groups with their notes, and puts pinned notes where they were pinned.
// The words it does not know are the real cluster package's.
type colourGrouper struct{ words *cluster.Grouper }

func (g colourGrouper) UnknownWords(ctx context.Context, req wallscan.GroupRequest) ([]wallscan.UnknownWord, error) {
	return g.words.UnknownWords(ctx, req)
}

func (colourGrouper) Group(ctx context.Context, req wallscan.GroupRequest) ([]wallscan.Group, error) {
	groups := map[string]*wallscan.Group{}
	var order []string
	add := func(key string, g wallscan.Group) *wallscan.Group {
		if groups[key] == nil {
			g.Key = key
			g.Notes = nil
			groups[key] = &g
			order = append(order, key)
		}
		return groups[key]
	}
	curatedOf := map[string]string{}
	for _, c := range req.Curated {
		add(c.Key, c)
		for _, n := range c.Notes {
			curatedOf[n] = c.Key
		}
	}
	for _, n := range req.Notes {
		key := req.Pins[n.Key]
		if groups[key] == nil {
			key = curatedOf[n.Key]
		}
		var g *wallscan.Group
		switch {
		case groups[key] != nil:
			g = groups[key]
		case n.Color == wallscan.ColorOther || n.Text == "":
			g = add("unsorted", wallscan.Group{Label: "Overig", Unsorted: true})
		default:
			g = add("colour-"+string(n.Color), wallscan.Group{Label: "thema " + string(n.Color), Keywords: []string{string(n.Color)}})
		}
		g.Notes = append(g.Notes, n.Key)
	}
	out := make([]wallscan.Group, 0, len(order))
	for _, k := range order {
		out = append(out, *groups[k])
	}
	return out, nil
}

var _ = fmt.Sprintf

func itoa(id int64) string { return fmt.Sprint(id) }
