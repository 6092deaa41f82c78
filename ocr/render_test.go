package ocr

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Test notes are drawn here with real fonts: Go Regular for printed notes,
// Humor Sans (a hand-lettered face from Debian) for handwriting-like ones.

var (
	fontsOnce sync.Once
	printed   *opentype.Font
	lettered  *opentype.Font
	fontErr   error
)

func loadTestFonts(t testing.TB) {
	t.Helper()
	fontsOnce.Do(func() {
		printed, fontErr = opentype.Parse(goregular.TTF)
		if fontErr != nil {
			return
		}
		var b []byte
		b, fontErr = os.ReadFile("/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf")
		if fontErr != nil {
			return
		}
		lettered, fontErr = opentype.Parse(b)
	})
	if fontErr != nil {
		t.Fatalf("test fonts (run scripts/setup.sh): %v", fontErr)
	}
}

// testNote describes a note to draw.
type testNote struct {
	text   string
	paper  color.RGBA
	ink    color.RGBA
	hand   bool    // Humor Sans instead of Go Regular
	size   int     // side in pixels; 0 means 400
	px     float64 // font size in pixels; 0 means size/9
	turn   int     // quarter turns clockwise after drawing
	shadow bool    // darken one side, as uneven light does
}

var (
	yellowPaper = color.RGBA{246, 228, 92, 255}
	pinkPaper   = color.RGBA{247, 160, 200, 255}
	greenPaper  = color.RGBA{160, 226, 140, 255}
	blackInk    = color.RGBA{25, 25, 30, 255}
	blueInk     = color.RGBA{20, 40, 150, 255}
	redInk      = color.RGBA{200, 25, 30, 255}
)

// draw renders n as a square note crop.
func (n testNote) draw(t testing.TB) *image.RGBA {
	t.Helper()
	loadTestFonts(t)
	size := n.size
	if size == 0 {
		size = 400
	}
	px := n.px
	if px == 0 {
		px = float64(size) / 9
	}
	f := printed
	if n.hand {
		f = lettered
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	m := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(m, m.Bounds(), image.NewUniform(n.paper), image.Point{}, draw.Src)
	// wrap
	margin := size / 10
	var lines []string
	var cur string
	for _, w := range strings.Fields(n.text) {
		try := strings.TrimSpace(cur + " " + w)
		if cur != "" && font.MeasureString(face, try).Ceil() > size-2*margin {
			lines = append(lines, cur)
			cur = w
		} else {
			cur = try
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	lh := int(px * 1.25)
	y0 := (size-lh*len(lines))/2 + int(px)
	d := &font.Drawer{Dst: m, Src: image.NewUniform(n.ink), Face: face}
	for i, l := range lines {
		wd := font.MeasureString(face, l).Ceil()
		d.Dot = fixed.P((size-wd)/2, y0+i*lh)
		d.DrawString(l)
	}
	if n.shadow {
		for y := range size {
			for x := range size {
				k := 0.55 + 0.45*float64(x)/float64(size)
				i := m.PixOffset(x, y)
				for c := range 3 {
					m.Pix[i+c] = uint8(float64(m.Pix[i+c]) * k)
				}
			}
		}
	}
	for range ((n.turn % 4) + 4) % 4 {
		m = turnRGBA(m)
	}
	return m
}

// turnRGBA turns m a quarter clockwise.
func turnRGBA(m *image.RGBA) *image.RGBA {
	b := m.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.Set(b.Dy()-1-y, x, m.At(x, y))
		}
	}
	return out
}

// addNoise adds gaussian sensor noise of standard deviation sd.
func addNoise(m *image.RGBA, sd float64, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range m.Pix {
		if i%4 == 3 {
			continue
		}
		m.Pix[i] = uint8(math.Max(0, math.Min(255, float64(m.Pix[i])+rng.NormFloat64()*sd)))
	}
}
