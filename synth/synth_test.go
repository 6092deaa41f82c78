package synth

import (
	"bytes"
	"crypto/sha256"
	"image/color"
	"image/jpeg"
	"math"
	"slices"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"

	"wallscan"
)

func small(seed int64, lv Level) Options {
	return Options{Seed: seed, Level: lv, Width: 1600, Height: 1200}
}

func TestGenerateDeterministic(t *testing.T) {
	a, err := Generate(small(7, LevelHard))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(small(7, LevelHard))
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Image.Pix) != sha256.Sum256(b.Image.Pix) {
		t.Error("the same seed gave different pixels")
	}
	ja, _ := a.TruthJSON()
	jb, _ := b.TruthJSON()
	if !bytes.Equal(ja, jb) {
		t.Error("the same seed gave different ground truth")
	}
	c, err := Generate(small(8, LevelHard))
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Image.Pix) == sha256.Sum256(c.Image.Pix) {
		t.Error("different seeds gave the same pixels")
	}
}

func TestGenerateTruth(t *testing.T) {
	themes := Themes()
	for _, tc := range []struct {
		level Level
		notes int
	}{
		{LevelEasy, 20}, {LevelStandard, 25}, {LevelHard, 30},
	} {
		t.Run(string(tc.level), func(t *testing.T) {
			w, err := Generate(small(3, tc.level))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(w.Notes), tc.notes; got != want {
				t.Errorf("notes = %d, want %d", got, want)
			}
			if got, want := w.Level, tc.level; got != want {
				t.Errorf("level = %q, want %q", got, want)
			}
			if !slices.Contains(Backgrounds, w.Background) {
				t.Errorf("background %q", w.Background)
			}
			ids := map[int]bool{}
			groups := map[int]string{}
			for _, n := range w.Notes {
				if ids[n.ID] {
					t.Errorf("note id %d twice", n.ID)
				}
				ids[n.ID] = true
				if !n.Polygon.Bounds().In(w.Image.Rect) {
					t.Errorf("note %d polygon %v outside the photo", n.ID, n.Polygon)
				}
				if a := n.Polygon.Area(); a < 100*100 {
					t.Errorf("note %d area %v is too small to read", n.ID, a)
				}
				if strings.TrimSpace(n.Text) == "" || !slices.Contains(themes, n.Theme) || !n.Color.Valid() {
					t.Errorf("note %d: text %q theme %q colour %q", n.ID, n.Text, n.Theme, n.Color)
				}
				if lines := strings.Count(n.Text, "\n") + 1; lines > 5 {
					t.Errorf("note %d has %d lines", n.ID, lines)
				}
				if th, ok := groups[n.Group]; ok && th != n.Theme {
					t.Errorf("group %d holds themes %q and %q", n.Group, th, n.Theme)
				}
				groups[n.Group] = n.Theme
				if n.Visible <= 0 || n.Visible > 1 {
					t.Errorf("note %d visible %v", n.ID, n.Visible)
				}
				if tc.level != LevelHard && n.Visible < 0.97 {
					t.Errorf("note %d only %.2f visible at level %s", n.ID, n.Visible, tc.level)
				}
			}
		})
	}
}

// TestGenerateColoursUnderPolygons checks that the truth lines up with the
// pixels: the middle of each fully visible note has its paper's colour.
func TestGenerateColoursUnderPolygons(t *testing.T) {
	w, err := Generate(Options{Seed: 5, Level: LevelEasy, Width: 1600, Height: 1200, Background: "grey"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range w.Notes {
		cx, cy := n.Polygon.Center()
		// Average a small patch: the text may pass through the centre.
		best, bestD := wallscan.Color(""), math.Inf(1)
		var r, g, b float64
		var cnt float64
		for dy := -12; dy <= 12; dy += 3 {
			for dx := -12; dx <= 12; dx += 3 {
				c := w.Image.RGBAAt(int(cx)+dx, int(cy)+dy)
				if int(c.R)+int(c.G)+int(c.B) < 300 { // ink
					continue
				}
				r, g, b, cnt = r+float64(c.R), g+float64(c.G), b+float64(c.B), cnt+1
			}
		}
		if cnt == 0 {
			t.Errorf("note %d: no paper at its centre", n.ID)
			continue
		}
		r, g, b = r/cnt, g/cnt, b/cnt
		for _, k := range noteColors {
			p := paperColors[k]
			d := chroma(r, g, b, p)
			if d < bestD {
				best, bestD = k, d
			}
		}
		if got, want := best, n.Color; got != want {
			t.Errorf("note %d: colour at centre (%.0f,%.0f,%.0f) looks %s, truth %s", n.ID, r, g, b, got, want)
		}
	}
}

// chroma compares colours by their normalised RGB, ignoring brightness.
func chroma(r, g, b float64, p color.RGBA) float64 {
	s := r + g + b
	q := float64(p.R) + float64(p.G) + float64(p.B)
	dr, dg, db := r/s-float64(p.R)/q, g/s-float64(p.G)/q, b/s-float64(p.B)/q
	return dr*dr + dg*dg + db*db
}

func TestGenerateShots(t *testing.T) {
	opt := small(11, LevelStandard)
	walls, err := GenerateShots(opt, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(walls), 3; got != want {
		t.Fatalf("shots = %d, want %d", got, want)
	}
	text := map[int]string{}
	seen := map[int]int{}
	for i, w := range walls {
		if got, want := w.Shot, i; got != want {
			t.Errorf("shot = %d, want %d", got, want)
		}
		for _, n := range w.Notes {
			if s, ok := text[n.ID]; ok && s != n.Text {
				t.Errorf("note %d reads %q in one shot and %q in another", n.ID, s, n.Text)
			}
			text[n.ID] = n.Text
			if n.Visible > 0.9 {
				seen[n.ID]++
			}
		}
	}
	twice := 0
	for _, c := range seen {
		if c >= 2 {
			twice++
		}
	}
	if twice == 0 {
		t.Error("no note is fully seen in two shots: the shots do not overlap")
	}
	if got, want := len(text), 25; got != want {
		t.Errorf("physical notes over all shots = %d, want %d", got, want)
	}
}

func TestGenerateInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"level", Options{Level: "extreme"}},
		{"background", Options{Background: "carpet"}},
		{"width only", Options{Width: 1000}},
		{"too small", Options{Width: 100, Height: 100}},
		{"too large", Options{Width: 9000, Height: 3000}},
		{"notes", Options{Notes: MaxNotes + 1}},
		{"white", Options{White: 1.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.opt)
			if got, want := wallscan.ErrorCode(err), wallscan.EINVALID; got != want {
				t.Errorf("error code = %q (%v), want %q", got, err, want)
			}
		})
	}
	if _, err := GenerateShots(Options{}, 4); wallscan.ErrorCode(err) != wallscan.EINVALID {
		t.Errorf("4 shots: %v, want EINVALID", err)
	}
}

func TestWallJPEGAndTruth(t *testing.T) {
	w, err := Generate(Options{Seed: 2, Level: LevelEasy, Width: 800, Height: 600, Notes: 6, Printed: true, Background: "wood"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := w.JPEG(90)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := img.Bounds().Dx(), 800; got != want {
		t.Errorf("jpeg width = %d, want %d", got, want)
	}
	js, err := w.TruthJSON()
	if err != nil {
		t.Fatal(err)
	}
	tf, err := ParseTruth(js)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(tf.Notes), 6; got != want {
		t.Fatalf("truth notes = %d, want %d", got, want)
	}
	if got, want := tf.Background, "wood"; got != want {
		t.Errorf("background = %q, want %q", got, want)
	}
	for i, n := range tf.Notes {
		if !n.Printed {
			t.Errorf("note %d not printed", i)
		}
		if got, want := n.Text, w.Notes[i].Text; got != want {
			t.Errorf("text = %q, want %q", got, want)
		}
		if got, want := n.Polygon[2], [2]int{w.Notes[i].Polygon[2].X, w.Notes[i].Polygon[2].Y}; got != want {
			t.Errorf("corner = %v, want %v", got, want)
		}
	}
	if _, err := ParseTruth([]byte("{")); wallscan.ErrorCode(err) != wallscan.EINVALID {
		t.Errorf("bad JSON: %v, want EINVALID", err)
	}
}

func TestRenderNote(t *testing.T) {
	img := RenderNote(NoteSpec{Text: "AVG maakt delen lastig", Color: wallscan.Pink, Seed: 1})
	if got, want := img.Rect.Dx(), 600; got != want {
		t.Errorf("width = %d, want %d", got, want)
	}
	wide := RenderNote(NoteSpec{Text: "AVG maakt delen lastig", Color: wallscan.Pink, Seed: 1, Wide: true, Size: 300})
	if got, want := wide.Rect.Dx(), 501; got != want {
		t.Errorf("wide width = %d, want %d", got, want)
	}
	corner := img.RGBAAt(3, 3)
	if d := chroma(float64(corner.R), float64(corner.G), float64(corner.B), paperColors[wallscan.Pink]); d > 0.002 {
		t.Errorf("corner %v is not pink paper", corner)
	}
	for _, printed := range []bool{false, true} {
		img := RenderNote(NoteSpec{Text: "grondslag voor uitwisseling ontbreekt", Color: wallscan.Yellow, Printed: printed, Seed: 2, Ink: inkBlue})
		ink := 0
		for i := 0; i < len(img.Pix); i += 4 {
			if int(img.Pix[i+2]) > int(img.Pix[i])+40 { // blue ink on yellow paper
				ink++
			}
		}
		if share := float64(ink) / float64(len(img.Pix)/4); share < 0.02 || share > 0.3 {
			t.Errorf("printed=%v: ink covers %.3f of the note", printed, share)
		}
	}
	empty := RenderNote(NoteSpec{Seed: 3})
	if got := empty.RGBAAt(300, 300); got.R < 200 || got.B > 160 {
		t.Errorf("empty note centre %v, want plain yellow paper", got)
	}
}

func TestWrapBreaksLongWords(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(fs.hand[0].font, &opentype.FaceOptions{Size: 40, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	words := strings.Fields("verwerkersovereenkomst met Excel-lijsten mist")
	maxW := float64(font.MeasureString(face, "verwerkers")) / 64
	if _, _, ok := wrap(face, words, maxW, false); ok {
		t.Fatal("wrap fitted a word wider than the line without breaking it")
	}
	lines, joins, ok := wrap(face, words, maxW, true)
	if !ok {
		t.Fatal("wrap could not break the long words")
	}
	for _, l := range lines {
		if w := float64(font.MeasureString(face, l)) / 64; w > maxW {
			t.Errorf("line %q is %.0f wide, more than %.0f", l, w, maxW)
		}
	}
	if got, want := oneLine(truthText(lines, joins)), "verwerkersovereenkomst met Excel-lijsten mist"; got != want {
		t.Errorf("truth %q (lines %q), want %q", got, lines, want)
	}
}

// oneLine joins white space as bench.CER does.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestOverlay(t *testing.T) {
	w, err := Generate(Options{Seed: 4, Level: LevelEasy, Width: 800, Height: 600, Notes: 3})
	if err != nil {
		t.Fatal(err)
	}
	o := w.Overlay(4)
	if got, want := o.Rect.Dx(), 200; got != want {
		t.Errorf("width = %d, want %d", got, want)
	}
	// The top-left corner of each note is marked in its group's colour.
	p := w.Notes[0].Polygon[0]
	if got := o.RGBAAt(p.X/4, p.Y/4); got.R == got.G && got.G == got.B {
		t.Errorf("corner of note 0 is %v, want a marker colour", got)
	}
}

func TestGenerateWhiteNotes(t *testing.T) {
	for _, tc := range []struct {
		background string
		white      bool
	}{
		{"kraft", true}, {"wood", true}, {"grey", true}, {"plaster", false}, {"whiteboard", false},
	} {
		w, err := Generate(Options{Seed: 1, Level: LevelEasy, Width: 800, Height: 600, Notes: 8, White: 1, Background: tc.background})
		if err != nil {
			t.Fatal(err)
		}
		whites := 0
		for _, n := range w.Notes {
			if n.Color == wallscan.White {
				whites++
			}
		}
		if got, want := whites == len(w.Notes), tc.white; got != want {
			t.Errorf("%s: %d of %d notes white, want all: %v", tc.background, whites, len(w.Notes), want)
		}
		if !tc.white && whites > 0 {
			t.Errorf("%s: %d white notes on a white surface", tc.background, whites)
		}
	}
}

// TestHardTouchingSameColour checks the hard level makes what segmenters
// find hardest: notes of one colour that touch or overlap.
func TestHardTouchingSameColour(t *testing.T) {
	w, err := Generate(small(1, LevelHard))
	if err != nil {
		t.Fatal(err)
	}
	touching, same := 0, 0
	for i, a := range w.Notes {
		for _, b := range w.Notes[i+1:] {
			if a.Polygon.Bounds().Inset(-2).Overlaps(b.Polygon.Bounds()) {
				touching++
				if a.Color == b.Color {
					same++
				}
			}
		}
	}
	if touching < 5 || same < 1 {
		t.Errorf("hard wall: %d touching pairs, %d of one colour; want at least 5 and 1", touching, same)
	}
	hidden := 0
	for _, n := range w.Notes {
		if n.Visible < 0.97 {
			hidden++
		}
	}
	if hidden == 0 {
		t.Error("hard wall: no note is partly covered")
	}
}
