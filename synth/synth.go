// Package synth renders synthetic photos of workshop walls and tables with
// sticky notes, together with their ground truth: each note's outline in
// photo pixels, its text, colour and theme. No public data set of
// sticky-note photos with ground truth exists, so tests and `wallscan bench`
// measure every step on these photos.
//
// A photo is made as a camera would see it: notes laid out on the wall in
// loose groups by theme (wall millimetres), a background texture, soft
// shadows and a slight curl, a pinhole camera with perspective, uneven light,
// vignetting, glare, blur and noise. The same Options always give the same
// photo.
package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"strings"

	"wallscan"
)

// Level is how hard a generated photo is to scan.
type Level string

// Levels of difficulty.
const (
	// LevelEasy: notes well apart, a camera square to the wall, even light.
	LevelEasy Level = "easy"
	// LevelStandard: what a careful participant photographs: some
	// perspective, uneven light, mild blur and noise.
	LevelStandard Level = "standard"
	// LevelHard: notes touching and overlapping (same colours too),
	// perspective up to 30 degrees, glare, strong vignetting, blur and noise.
	LevelHard Level = "hard"
)

// Backgrounds are the surfaces notes are stuck on.
var Backgrounds = []string{"plaster", "whiteboard", "kraft", "wood", "grey"}

// Limits of Options.
const (
	// MaxSide is the longest photo side Generate makes.
	MaxSide = 8000
	// MinSide is the shortest photo side Generate makes.
	MinSide = 400
	// MaxNotes is the most notes one generated wall holds.
	MaxNotes = 200
)

// Options says what to generate. The zero value of each field takes a
// default.
type Options struct {
	Seed  int64
	Level Level // "" means LevelStandard
	// Width and Height of the photo in pixels; when both are zero the
	// photo is 4000x3000, or at the standard and hard levels sometimes
	// 3000x4000 (portrait), chosen by the seed.
	Width, Height int
	// Notes is the number of notes on the wall; 0 takes the level's
	// default (20 easy, 25 standard, 30 hard).
	Notes int
	// Printed makes every note printed rather than hand-lettered.
	Printed bool
	// Background is one of Backgrounds; "" lets the seed choose.
	Background string
	// White is the share of notes (0-1) cut from white paper. It is only
	// honoured on kraft, wood and grey, where white paper stands out.
	White float64
}

// TruthNote is the ground truth of one note on a generated photo.
type TruthNote struct {
	// ID numbers the physical note on the wall; it is the same in every
	// shot of GenerateShots.
	ID int
	// Polygon is the outline in photo pixels, clockwise from the note's
	// top-left corner as the note is read.
	Polygon wallscan.Quad
	// Text is the text as written, with a line break where the writer
	// started a new line; a word broken over two lines is given whole.
	Text    string
	Color   wallscan.Color
	Theme   string
	Printed bool
	// Group numbers the loose group (by theme) the note sits in on the wall.
	Group int
	// Visible is the share of the note that can be seen: neither covered
	// by other notes nor outside the photo (0..1).
	Visible float64
}

// Wall is one generated photo and its ground truth.
type Wall struct {
	Image      *image.RGBA
	Notes      []TruthNote // in the order they were stuck on (bottom first)
	Background string
	Level      Level
	Seed       int64
	// Shot numbers the photo within GenerateShots, from 0.
	Shot int
	// Quality is the JPEG quality a photo of this level is written with.
	Quality int
}

// levelParams holds the knobs of one level.
type levelParams struct {
	notes           int
	gapMin, gapMax  float64 // mm between notes of a group (negative: overlap)
	groupGapMin     float64 // mm between groups
	groupGapMax     float64
	jitter          float64 // mm of placement noise
	rotation        float64 // max degrees
	yawMin, yawMax  float64 // degrees
	pitch, roll     float64 // max degrees
	light, vignette float64
	glare           float64 // share of notes with a glare spot
	noise           float64 // sigma, 0-255
	blur            int     // [1 2 1] passes
	printed         float64 // share of printed notes
	wide            float64 // share of 76x127 notes
	sameColour      float64 // chance a note takes its neighbour's colour
	curl            float64 // max mm the bottom lifts
	portrait        float64 // chance of a portrait photo
	caps            float64 // share of hand-lettered notes in capitals
	quality         int
}

var levels = map[Level]levelParams{
	LevelEasy: {
		notes: 20, gapMin: 25, gapMax: 45, groupGapMin: 90, groupGapMax: 150, jitter: 3, rotation: 3,
		yawMax: 3, pitch: 2, roll: 1, light: 0.05, vignette: 0.05, glare: 0, noise: 1.5, blur: 0,
		printed: 0.4, wide: 0.1, sameColour: 0, curl: 1, portrait: 0, caps: 0.1, quality: 92,
	},
	LevelStandard: {
		notes: 25, gapMin: 8, gapMax: 30, groupGapMin: 60, groupGapMax: 120, jitter: 5, rotation: 6,
		yawMax: 12, pitch: 8, roll: 3, light: 0.15, vignette: 0.15, glare: 0.05, noise: 3, blur: 1,
		printed: 0.2, wide: 0.15, sameColour: 0.15, curl: 3, portrait: 0.25, caps: 0.15, quality: 88,
	},
	LevelHard: {
		notes: 30, gapMin: -10, gapMax: 8, groupGapMin: 35, groupGapMax: 80, jitter: 6, rotation: 10,
		yawMin: 10, yawMax: 30, pitch: 12, roll: 6, light: 0.3, vignette: 0.3, glare: 0.25, noise: 5.5, blur: 3,
		printed: 0.1, wide: 0.2, sameColour: 0.35, curl: 5, portrait: 0.25, caps: 0.15, quality: 75,
	},
}

// Generate renders one photo of a wall with notes and its ground truth.
// It returns an EINVALID error for options out of range.
func Generate(opt Options) (*Wall, error) {
	walls, err := GenerateShots(opt, 1)
	if err != nil {
		return nil, err
	}
	return walls[0], nil
}

// GenerateShots photographs one wall in shots overlapping photos (1-3), as a
// participant does with a wall too wide for one photo: each shot sees part
// of the wall, neighbouring shots overlap, and a note's TruthNote.ID is the
// same in every shot it appears in.
func GenerateShots(opt Options, shots int) ([]*Wall, error) {
	if shots < 1 || shots > 3 {
		return nil, wallscan.Errorf(wallscan.EINVALID, "synth: %d shots; between 1 and 3 are possible.", shots)
	}
	sc, err := newScene(opt, shots)
	if err != nil {
		return nil, err
	}
	out := make([]*Wall, shots)
	for i := range shots {
		out[i] = sc.photograph(i, shots)
	}
	return out, nil
}

// JPEG encodes the photo at the given quality (1-100).
func (w *Wall) JPEG(quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, w.Image, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("synth: encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

// TruthFile is the JSON ground truth written beside each generated JPEG.
type TruthFile struct {
	Width      int             `json:"width"`
	Height     int             `json:"height"`
	Background string          `json:"background"`
	Level      Level           `json:"level"`
	Seed       int64           `json:"seed"`
	Shot       int             `json:"shot"`
	Notes      []TruthFileNote `json:"notes"`
}

// TruthFileNote is one note in a TruthFile. Polygon holds four [x, y]
// corners in photo pixels, clockwise from the note's top-left.
type TruthFileNote struct {
	ID      int            `json:"id"`
	Polygon [4][2]int      `json:"polygon"`
	Text    string         `json:"text"`
	Color   wallscan.Color `json:"color"`
	Theme   string         `json:"theme"`
	Printed bool           `json:"printed"`
	Group   int            `json:"group"`
	Visible float64        `json:"visible"`
}

// Quad returns the note's outline.
func (n TruthFileNote) Quad() wallscan.Quad {
	var q wallscan.Quad
	for i, p := range n.Polygon {
		q[i] = image.Pt(p[0], p[1])
	}
	return q
}

// TruthJSON returns the ground truth as the JSON of a TruthFile.
func (w *Wall) TruthJSON() ([]byte, error) {
	tf := TruthFile{
		Width: w.Image.Rect.Dx(), Height: w.Image.Rect.Dy(),
		Background: w.Background, Level: w.Level, Seed: w.Seed, Shot: w.Shot,
		Notes: make([]TruthFileNote, len(w.Notes)),
	}
	for i, n := range w.Notes {
		fn := TruthFileNote{ID: n.ID, Text: n.Text, Color: n.Color, Theme: n.Theme,
			Printed: n.Printed, Group: n.Group, Visible: math.Round(n.Visible*1000) / 1000}
		for k, p := range n.Polygon {
			fn.Polygon[k] = [2]int{p.X, p.Y}
		}
		tf.Notes[i] = fn
	}
	return json.MarshalIndent(tf, "", " ")
}

// ParseTruth reads a TruthFile written by TruthJSON. EINVALID when it is
// not JSON or a note has an unknown colour.
func ParseTruth(data []byte) (*TruthFile, error) {
	var tf TruthFile
	if err := json.Unmarshal(data, &tf); err != nil {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The ground truth is not valid JSON: %v.", err)
	}
	for i, n := range tf.Notes {
		if !n.Color.Valid() {
			return nil, wallscan.Errorf(wallscan.EINVALID, "Note %d of the ground truth has an unknown colour %q.", i+1, n.Color)
		}
	}
	return &tf, nil
}

// sceneNote is one note on the wall, in wall millimetres.
type sceneNote struct {
	id       int
	theme    string
	text     string // as written, lines joined by "\n"
	color    wallscan.Color
	printed  bool
	group    int
	cx, cy   float64 // centre
	w, h     float64 // size
	angle    float64 // radians
	curl     float64 // mm the bottom lifts
	img      *image.RGBA
	glare    bool
	glareU   float64 // glare centre in note fractions
	glareV   float64
	glareR   float64 // radius in note fractions
	glareAmt float64
	shadow   float64 // strength
}

// corners returns the note's corners on the wall, clockwise from top-left.
func (n *sceneNote) corners() [4][2]float64 {
	hw, hh := n.w/2, n.h/2
	local := [4][2]float64{{-hw, -hh}, {hw, -hh}, {hw - n.curl*0.3, hh - n.curl}, {-hw + n.curl*0.3, hh - n.curl}}
	s, c := math.Sincos(n.angle)
	var out [4][2]float64
	for i, p := range local {
		out[i] = [2]float64{n.cx + c*p[0] - s*p[1], n.cy + s*p[0] + c*p[1]}
	}
	return out
}

// scene is one wall: its notes, surface and the light in the room.
type scene struct {
	opt        Options
	lp         levelParams
	rng        *rand.Rand
	background string
	notes      []*sceneNote
	minX, minY float64 // layout bounds, mm
	maxX, maxY float64
	bgSeed     uint64
	marks      []mark // what the facilitator wrote on the board
	width      int
	height     int
}

func newScene(opt Options, shots int) (*scene, error) {
	if opt.Level == "" {
		opt.Level = LevelStandard
	}
	lp, ok := levels[opt.Level]
	if !ok {
		return nil, wallscan.Errorf(wallscan.EINVALID, "synth: unknown level %q; use easy, standard or hard.", opt.Level)
	}
	if opt.Notes < 0 || opt.Notes > MaxNotes {
		return nil, wallscan.Errorf(wallscan.EINVALID, "synth: %d notes; at most %d fit on a wall.", opt.Notes, MaxNotes)
	}
	if (opt.Width == 0) != (opt.Height == 0) {
		return nil, wallscan.Errorf(wallscan.EINVALID, "synth: give both width and height, or neither.")
	}
	if opt.Width != 0 && (opt.Width < MinSide || opt.Height < MinSide || opt.Width > MaxSide || opt.Height > MaxSide) {
		return nil, wallscan.Errorf(wallscan.EINVALID, "synth: photo %dx%d; each side must be %d-%d pixels.", opt.Width, opt.Height, MinSide, MaxSide)
	}
	if opt.White < 0 || opt.White > 1 {
		return nil, wallscan.Errorf(wallscan.EINVALID, "synth: white share %v; give 0 to 1.", opt.White)
	}
	if opt.Background != "" && !validBackground(opt.Background) {
		return nil, wallscan.Errorf(wallscan.EINVALID, "synth: unknown background %q; use one of %s.", opt.Background, strings.Join(Backgrounds, ", "))
	}
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 0x77616c6c))
	sc := &scene{opt: opt, lp: lp, rng: rng, background: opt.Background}
	if sc.background == "" {
		sc.background = Backgrounds[rng.IntN(len(Backgrounds))]
	} else {
		rng.IntN(len(Backgrounds)) // keep the rest of the stream the same
	}
	sc.width, sc.height = opt.Width, opt.Height
	portrait := rng.Float64() < lp.portrait
	if sc.width == 0 {
		sc.width, sc.height = 4000, 3000
		if portrait && shots == 1 {
			sc.width, sc.height = 3000, 4000
		}
	}
	sc.bgSeed = rng.Uint64()
	n := opt.Notes
	if n == 0 {
		n = lp.notes
	}
	sc.layout(n, shots)
	if err := sc.renderNotes(fs); err != nil {
		return nil, err
	}
	sc.annotate(fs)
	return sc, nil
}

// whiteAllowed reports whether white notes stand out on background b.
func whiteAllowed(b string) bool { return b == "kraft" || b == "wood" || b == "grey" }

func validBackground(b string) bool {
	for _, k := range Backgrounds {
		if k == b {
			return true
		}
	}
	return false
}

// layout places n notes on the wall in loose groups, one theme per group.
func (sc *scene) layout(n, shots int) {
	rng, lp := sc.rng, sc.lp
	themes := Themes()
	rng.Shuffle(len(themes), func(i, j int) { themes[i], themes[j] = themes[j], themes[i] })
	k := max(1, min(len(themes), int(math.Round(float64(n)/5.5))))
	if n >= 3 {
		k = max(k, 2)
	}
	// Group sizes: about even, some larger and some smaller.
	sizes := make([]int, k)
	for i := range n {
		sizes[i%k]++
	}
	for range k {
		a, b := rng.IntN(k), rng.IntN(k)
		if sizes[a] > 2 {
			sizes[a]--
			sizes[b]++
		}
	}
	// Each group is laid out in its own frame first.
	aspect := float64(sc.width) / float64(sc.height) * float64(shots)
	if sc.opt.Width == 0 && shots > 1 {
		aspect = 4.0 / 3 * float64(shots) * 0.7
	}
	type frame struct {
		notes []*sceneNote
		w, h  float64
	}
	frames := make([]frame, k)
	id := 0
	for g, size := range sizes {
		texts := append([]string(nil), themeNotes(themes[g])...)
		rng.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })
		cols := max(1, int(math.Round(math.Sqrt(float64(size))*(0.8+0.5*rng.Float64()))))
		gx, gy, rowMax := 0.0, 0.0, 0.0
		var fr frame
		var prev *sceneNote
		for i := range size {
			sn := &sceneNote{id: id, theme: themes[g], group: g, w: noteMM, h: noteMM}
			id++
			if rng.Float64() < lp.wide {
				sn.w = wideNoteMM
			}
			sn.text = texts[i%len(texts)]
			sn.printed = sc.opt.Printed || rng.Float64() < lp.printed
			sn.color = noteColors[rng.IntN(len(noteColors))]
			if prev != nil && rng.Float64() < lp.sameColour {
				sn.color = prev.color
			}
			if sc.opt.White > 0 && whiteAllowed(sc.background) && rng.Float64() < sc.opt.White {
				sn.color = wallscan.White
			}
			if i > 0 && i%cols == 0 {
				gx = 0
				gy += rowMax + gap(rng, lp)
				rowMax = 0
			}
			sn.cx = gx + sn.w/2 + (rng.Float64()-0.5)*2*lp.jitter
			sn.cy = gy + sn.h/2 + (rng.Float64()-0.5)*2*lp.jitter
			sn.angle = (rng.Float64() - 0.5) * 2 * lp.rotation * math.Pi / 180
			sn.curl = rng.Float64() * lp.curl
			rowMax = max(rowMax, sn.h)
			fr.w = max(fr.w, gx+sn.w)
			fr.h = max(fr.h, gy+rowMax)
			gx += sn.w + gap(rng, lp)
			fr.notes = append(fr.notes, sn)
			prev = sn
		}
		frames[g] = fr
	}
	// The groups sit in a grid whose shape best suits the photo.
	groupGap := func() float64 { return lp.groupGapMin + rng.Float64()*(lp.groupGapMax-lp.groupGapMin) }
	mid := (lp.groupGapMin + lp.groupGapMax) / 2
	bestCols, bestErr := 1, math.Inf(1)
	for gc := 1; gc <= k; gc++ {
		rows := (k + gc - 1) / gc
		colW := make([]float64, gc)
		rowH := make([]float64, rows)
		for g, fr := range frames {
			colW[g%gc] = max(colW[g%gc], fr.w)
			rowH[g/gc] = max(rowH[g/gc], fr.h)
		}
		var tw, th float64
		for _, v := range colW {
			tw += v + mid
		}
		for _, v := range rowH {
			th += v + mid
		}
		if e := math.Abs(math.Log(tw / th / aspect)); e < bestErr {
			bestCols, bestErr = gc, e
		}
	}
	rows := (k + bestCols - 1) / bestCols
	colX := make([]float64, bestCols+1)
	rowY := make([]float64, rows+1)
	for g, fr := range frames {
		colX[g%bestCols+1] = max(colX[g%bestCols+1], fr.w)
		rowY[g/bestCols+1] = max(rowY[g/bestCols+1], fr.h)
	}
	for c := 1; c <= bestCols; c++ {
		colX[c] += colX[c-1] + groupGap()
	}
	for r := 1; r <= rows; r++ {
		rowY[r] += rowY[r-1] + groupGap()
	}
	for g, fr := range frames {
		c, r := g%bestCols, g/bestCols
		// Loose: each group sits somewhere in its cell.
		dx := (colX[c+1] - colX[c] - fr.w - mid) * rng.Float64()
		dy := (rowY[r+1] - rowY[r] - fr.h - mid) * rng.Float64()
		for _, sn := range fr.notes {
			sn.cx += colX[c] + max(0, dx)
			sn.cy += rowY[r] + max(0, dy)
		}
		sc.notes = append(sc.notes, fr.notes...)
	}
	// Notes are stuck on in a random order: that is their stacking order.
	rng.Shuffle(len(sc.notes), func(i, j int) { sc.notes[i], sc.notes[j] = sc.notes[j], sc.notes[i] })
	sc.minX, sc.minY = math.Inf(1), math.Inf(1)
	sc.maxX, sc.maxY = math.Inf(-1), math.Inf(-1)
	for _, sn := range sc.notes {
		for _, c := range sn.corners() {
			sc.minX, sc.maxX = min(sc.minX, c[0]), max(sc.maxX, c[0])
			sc.minY, sc.maxY = min(sc.minY, c[1]), max(sc.maxY, c[1])
		}
	}
}

func gap(rng *rand.Rand, lp levelParams) float64 {
	return lp.gapMin + rng.Float64()*(lp.gapMax-lp.gapMin)
}

// renderNotes draws each note upright at a resolution comfortably above
// what the camera will see of it, and picks its glare and shadow.
func (sc *scene) renderNotes(fs fontSet) error {
	rng, lp := sc.rng, sc.lp
	// Pixels per mm on the photo, roughly: the layout fills most of it.
	ppm := 0.9 * math.Min(float64(sc.width)/(sc.maxX-sc.minX), float64(sc.height)/(sc.maxY-sc.minY))
	res := math.Max(2, math.Min(8, ppm*1.4))
	for _, sn := range sc.notes {
		text := sn.text
		if !sn.printed && rng.Float64() < lp.caps {
			text = strings.ToUpper(text)
		}
		ink := inkBlack
		if !sn.printed && rng.Float64() < 0.35 {
			ink = inkBlue
		}
		ink = jitterColor(ink, rng, 10)
		p := noteParams{
			text: text, paper: jitterPaper(paperColors[sn.color], rng), ink: ink, printed: sn.printed,
			w: int(math.Round(sn.w * res)), h: int(math.Round(sn.h * res)), seed: rng.Uint64(),
			curlShade: (rng.Float64()*1.3 - 0.3) * 0.1 * sn.curl / math.Max(lp.curl, 1),
		}
		p.face = pickFace(fs, sn.printed, text, rng)
		sn.img, sn.text = renderNote(p)
		sn.shadow = 0.18 + 0.17*rng.Float64()
		if rng.Float64() < lp.glare {
			sn.glare = true
			sn.glareU, sn.glareV = 0.2+0.6*rng.Float64(), 0.2+0.6*rng.Float64()
			sn.glareR = 0.2 + 0.3*rng.Float64()
			sn.glareAmt = 0.5 + 0.45*rng.Float64()
		}
	}
	return nil
}

func jitterPaper(c color.RGBA, rng *rand.Rand) color.RGBA {
	b := 0.94 + 0.08*rng.Float64()
	j := func(v uint8) uint8 { return clamp255(float64(v)*b + (rng.Float64()-0.5)*12) }
	return color.RGBA{j(c.R), j(c.G), j(c.B), 255}
}

func jitterColor(c color.RGBA, rng *rand.Rand, amt float64) color.RGBA {
	j := func(v uint8) uint8 { return clamp255(float64(v) + (rng.Float64()-0.5)*2*amt) }
	return color.RGBA{j(c.R), j(c.G), j(c.B), 255}
}
