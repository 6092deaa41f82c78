package synth

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"wallscan"
)

// Note sizes in millimetres: the common 76x76 mm square and the 76x127 mm
// oblong, written on in landscape.
const (
	noteMM     = 76.0
	wideNoteMM = 127.0
)

// paperColors are the typical colours of sticky-note paper as a phone
// camera sees them in office light; each note varies around its colour.
var paperColors = map[wallscan.Color]color.RGBA{
	wallscan.Yellow: {250, 236, 112, 255},
	wallscan.Orange: {252, 164, 78, 255},
	wallscan.Pink:   {248, 138, 184, 255},
	wallscan.Green:  {164, 222, 118, 255},
	wallscan.Blue:   {112, 194, 236, 255},
	wallscan.Purple: {184, 152, 224, 255},
	wallscan.White:  {246, 246, 242, 255},
}

// noteColors are the colours notes come in on a generated wall.
var noteColors = []wallscan.Color{wallscan.Yellow, wallscan.Orange, wallscan.Pink, wallscan.Green, wallscan.Blue, wallscan.Purple}

// Marker inks.
var (
	inkBlack = color.RGBA{28, 28, 34, 255}
	inkBlue  = color.RGBA{24, 48, 150, 255}
)

// NoteSpec describes one note for RenderNote.
type NoteSpec struct {
	Text    string
	Color   wallscan.Color
	Printed bool
	Seed    int64
	// Size is the note's height in pixels (default 600); a square note is
	// as wide as it is high.
	Size int
	// Ink is the marker colour; the zero value means black.
	Ink color.RGBA
	// Wide makes the note 76x127 mm (landscape) instead of square.
	Wide bool
}

// RenderNote draws one upright note, filling the whole image: the perfect
// crop a segmenter would hand to a reader. The text is wrapped to fit.
func RenderNote(s NoteSpec) *image.RGBA {
	if s.Size <= 0 {
		s.Size = 600
	}
	if s.Ink.A == 0 {
		s.Ink = inkBlack
	}
	rng := rand.New(rand.NewPCG(uint64(s.Seed), 0x6e6f7465))
	fs, err := loadFonts()
	if err != nil {
		panic(err) // the fonts are part of the set-up; scripts/setup.sh installs them
	}
	p := noteParams{
		text: s.Text, paper: paperColors[s.Color], ink: s.Ink, printed: s.Printed,
		h: s.Size, w: s.Size, seed: rng.Uint64(),
	}
	if p.paper.A == 0 {
		p.paper = paperColors[wallscan.Yellow]
	}
	if s.Wide {
		p.w = int(math.Round(float64(s.Size) * wideNoteMM / noteMM))
	}
	p.face = pickFace(fs, s.Printed, s.Text, rng)
	img, _ := renderNote(p)
	return img
}

// noteParams is everything renderNote needs; all randomness comes from seed.
type noteParams struct {
	text    string
	paper   color.RGBA
	ink     color.RGBA
	printed bool
	face    typeface
	w, h    int
	seed    uint64
	// curlShade darkens (positive) or lightens the curled bottom of the
	// note, as a fraction of its brightness.
	curlShade float64
	// maxSize is the largest letter size as a share of the height (0:
	// 0.19, what fits five lines); oneLine keeps a short text on one line.
	maxSize float64
	oneLine bool
}

// pickFace chooses a font that has every letter of text.
func pickFace(fs fontSet, printed bool, text string, rng *rand.Rand) typeface {
	list := fs.hand
	if printed {
		list = fs.printed
	}
	start := rng.IntN(len(list))
	for k := range list {
		tf := list[(start+k)%len(list)]
		if hasGlyphs(tf.font, text) {
			return tf
		}
	}
	return fs.printed[0]
}

func hasGlyphs(f *opentype.Font, text string) bool {
	for _, r := range text {
		if r == ' ' || r == '\n' {
			continue
		}
		if i, err := f.GlyphIndex(nil, r); err != nil || i == 0 {
			return false
		}
	}
	return true
}

// renderNote draws paper and text and returns the image and the text as
// written (see truthText).
func renderNote(p noteParams) (*image.RGBA, string) {
	rng := rand.New(rand.NewPCG(p.seed, 0x7061706572))
	img := image.NewRGBA(image.Rect(0, 0, p.w, p.h))
	paintPaper(img, p, rng)

	mask := image.NewAlpha(img.Rect)
	text := drawText(mask, p, rng)
	if p.face.capitals {
		text = strings.ToUpper(text)
	}

	// Ink over paper: markers are not quite opaque.
	opacity := 0.93 + 0.06*rng.Float64()
	if p.printed {
		opacity = 0.97
	}
	ir, ig, ib := float64(p.ink.R), float64(p.ink.G), float64(p.ink.B)
	pix := img.Pix
	for i, m := range mask.Pix {
		if m == 0 {
			continue
		}
		a := float64(m) / 255 * opacity
		o := i * 4
		pix[o] = uint8(float64(pix[o])*(1-a) + ir*a)
		pix[o+1] = uint8(float64(pix[o+1])*(1-a) + ig*a)
		pix[o+2] = uint8(float64(pix[o+2])*(1-a) + ib*a)
	}
	return img, text
}

// paintPaper fills img with the paper colour, a faint fibre texture, a slow
// brightness gradient and the shading of the curled bottom.
func paintPaper(img *image.RGBA, p noteParams, rng *rand.Rand) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	gx := (rng.Float64() - 0.5) * 0.05
	gy := (rng.Float64() - 0.5) * 0.05
	pr, pg, pb := float64(p.paper.R), float64(p.paper.G), float64(p.paper.B)
	state := rng.Uint64() | 1
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		curl := 1 - p.curlShade*smoothstep(0.55, 1, fy)
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			n := (float64(state&0xff) - 127.5) / 127.5 * 2.5
			g := (1 + gx*(fx-0.5) + gy*(fy-0.5)) * curl
			o := x * 4
			row[o] = clamp255(pr*g + n)
			row[o+1] = clamp255(pg*g + n)
			row[o+2] = clamp255(pb*g + n)
			row[o+3] = 255
		}
	}
}

// drawText lays the words out in 1-5 lines as large as fit and draws them
// into mask; it returns the text as written (see truthText). Hand
// lettering gets uneven baselines, spacing and sizes and a marker-wide
// stroke.
func drawText(mask *image.Alpha, p noteParams, rng *rand.Rand) string {
	words := strings.Fields(p.text)
	if len(words) == 0 {
		return ""
	}
	w, h := float64(p.w), float64(p.h)
	marginX := w * (0.07 + 0.03*rng.Float64())
	marginY := h * (0.08 + 0.04*rng.Float64())
	availW, availH := w-2*marginX, h-2*marginY
	lineGap := 1.18 + 0.12*rng.Float64()
	if p.printed {
		lineGap = 1.2
	}

	// The largest size at which the text fits in at most five lines. A
	// hand-lettered word too long for the note is broken with a hyphen
	// rather than written tiny, as people do.
	var (
		size  float64
		face  font.Face
		lines []string
		joins []int
	)
	fits := func(ls []string, ok bool) bool {
		return ok && len(ls) <= 5 && float64(len(ls))*size*lineGap <= availH
	}
	maxSize := p.maxSize
	if maxSize == 0 {
		maxSize = 0.19
	}
	for size = h * maxSize; ; size *= 0.94 {
		f, err := opentype.NewFace(p.face.font, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return ""
		}
		ls, js, ok := wrap(f, words, availW, false)
		if !fits(ls, ok) && !p.printed && size <= h*0.12 {
			ls, js, ok = wrap(f, words, availW, true)
		}
		if fits(ls, ok) || size < h*0.04 {
			face, lines, joins = f, ls, js
			break
		}
		f.Close()
	}
	defer face.Close()
	if len(lines) == 1 && len(words) > 1 && !p.oneLine {
		lines = balance(face, words)
		joins = make([]int, len(lines))
	}

	stroke := int(math.Round(p.face.stroke * size))
	metrics := face.Metrics()
	ascent := float64(metrics.Ascent) / 64
	blockH := float64(len(lines)-1)*size*lineGap + ascent
	top := marginY + (availH-blockH)/2 + ascent
	if !p.printed {
		top += (rng.Float64() - 0.5) * 0.3 * (availH - blockH)
	}
	centred := p.printed || rng.Float64() < 0.6
	// Each writer leans their letters their own way.
	slant := (rng.Float64() - 0.4) * 0.45
	src := image.Opaque
	for i, line := range lines {
		lw := float64(font.MeasureString(face, line)) / 64
		x := marginX
		if centred {
			x = marginX + (availW-lw)/2
		}
		y := top + float64(i)*size*lineGap
		slope, jitter, spacing := 0.0, 0.0, 0.0
		if !p.printed {
			x += (rng.Float64() - 0.5) * 0.06 * w
			x = math.Max(marginX*0.6, math.Min(x, w-marginX*0.6-lw))
			slope = (rng.Float64() - 0.5) * 0.06
			jitter = size * 0.045
			spacing = 0.1
		}
		x0 := x
		var prev rune = -1
		for _, r := range line {
			if prev >= 0 {
				x += float64(face.Kern(prev, r)) / 64
			}
			by := y + slope*(x-x0) + (rng.Float64()-0.5)*2*jitter
			dot := fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(by * 64)}
			dr, gm, gp, adv, ok := face.Glyph(dot, r)
			if ok && p.printed {
				draw.DrawMask(mask, dr, src, image.Point{}, gm, gp, draw.Over)
			} else if ok {
				// A hand never writes the same letter twice: each one
				// turns and grows a little.
				angle := (rng.Float64() - 0.5) * 0.24
				scale := 1 + (rng.Float64()-0.5)*0.2
				stampGlyph(mask, dr, gm, gp, angle, scale, slant)
			}
			x += float64(adv) / 64 * (1 + (rng.Float64()-0.5)*spacing)
			prev = r
		}
	}
	if stroke > 0 {
		dilate(mask, stroke)
	}
	if !p.printed {
		// A felt-tip leaves more ink in some strokes than in others.
		seed := rng.Uint64()
		scale := 0.25 * size
		for y := 0; y < mask.Rect.Dy(); y++ {
			row := mask.Pix[y*mask.Stride:]
			for x := 0; x < mask.Rect.Dx(); x++ {
				if row[x] != 0 {
					k := 0.82 + 0.18*fbm(float64(x)/scale, float64(y)/scale, 2, seed)
					row[x] = uint8(float64(row[x]) * math.Min(1, k))
				}
			}
		}
	}
	return truthText(lines, joins)
}

// How a line ends: at a space, at a hyphen the word already had, or at a
// hyphen the writer added to break a long word.
const (
	joinSpace = iota
	joinHyphen
	joinAdded
)

// truthText is the text as meant: one line per written line, except that a
// word broken over two lines is given whole.
func truthText(lines []string, joins []int) string {
	var b strings.Builder
	for i, l := range lines {
		switch joins[i] {
		case joinAdded:
			b.WriteString(strings.TrimSuffix(l, "-"))
		case joinHyphen:
			b.WriteString(l)
		default:
			b.WriteString(l)
			if i < len(lines)-1 {
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// wrap breaks words into lines no wider than maxW. ok is false when a
// word alone is wider, unless breakWords allows breaking it: after a hyphen
// it has, or else with an added hyphen, leaving at least three letters on
// each side. joins says how each line ends.
func wrap(f font.Face, words []string, maxW float64, breakWords bool) (lines []string, joins []int, ok bool) {
	width := func(s string) float64 { return float64(font.MeasureString(f, s)) / 64 }
	space := width(" ")
	cur, curW := "", 0.0
	flush := func(join int) {
		lines = append(lines, cur)
		joins = append(joins, join)
		cur, curW = "", 0
	}
	for _, wd := range words {
		ww := width(wd)
		switch {
		case cur == "" && ww <= maxW:
			cur, curW = wd, ww
			continue
		case cur != "" && curW+space+ww <= maxW:
			cur, curW = cur+" "+wd, curW+space+ww
			continue
		case ww <= maxW:
			flush(joinSpace)
			cur, curW = wd, ww
			continue
		case !breakWords:
			return nil, nil, false
		}
		// Break the word over as many lines as it needs.
		if cur != "" {
			flush(joinSpace)
		}
		rest := []rune(wd)
		for width(string(rest)) > maxW {
			cut, join := -1, joinAdded
			for k := len(rest) - 3; k >= 3; k-- {
				if rest[k-1] == '-' && width(string(rest[:k])) <= maxW {
					cut, join = k, joinHyphen
					break
				}
			}
			if cut < 0 {
				for k := len(rest) - 3; k >= 3; k-- {
					if width(string(rest[:k])+"-") <= maxW {
						cut = k
						break
					}
				}
			}
			if cut < 0 {
				return nil, nil, false
			}
			cur = string(rest[:cut])
			if join == joinAdded {
				cur += "-"
			}
			flush(join)
			rest = rest[cut:]
		}
		cur, curW = string(rest), width(string(rest))
	}
	if cur != "" {
		flush(joinSpace)
	}
	return lines, joins, true
}

// balance splits words over two lines of about equal width, as people do
// when a short text would fit on one line.
func balance(f font.Face, words []string) []string {
	best, bestW := 1, math.Inf(1)
	for k := 1; k < len(words); k++ {
		a := font.MeasureString(f, strings.Join(words[:k], " "))
		b := font.MeasureString(f, strings.Join(words[k:], " "))
		if m := float64(max(a, b)); m < bestW {
			best, bestW = k, m
		}
	}
	return []string{strings.Join(words[:best], " "), strings.Join(words[best:], " ")}
}

// dilate thickens the strokes in mask by r pixels (a separable max filter),
// imitating a felt-tip marker.
func dilate(mask *image.Alpha, r int) {
	w, h := mask.Rect.Dx(), mask.Rect.Dy()
	tmp := make([]uint8, len(mask.Pix))
	for y := 0; y < h; y++ {
		row := mask.Pix[y*mask.Stride : y*mask.Stride+w]
		out := tmp[y*w : y*w+w]
		for x := range row {
			var m uint8
			for k := max(0, x-r); k <= min(w-1, x+r); k++ {
				m = max(m, row[k])
			}
			out[x] = m
		}
	}
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			var m uint8
			for k := max(0, y-r); k <= min(h-1, y+r); k++ {
				m = max(m, tmp[k*w+x])
			}
			mask.Pix[y*mask.Stride+x] = m
		}
	}
}

// stampGlyph draws the glyph mask gm (its pixels for dr start at gp) into
// dst turned by angle radians and scaled by scale about the glyph's
// centre and slanted (sheared: positive leans right), keeping the darker of
// what is there and the glyph.
func stampGlyph(dst *image.Alpha, dr image.Rectangle, gm image.Image, gp image.Point, angle, scale, slant float64) {
	if dr.Empty() {
		return
	}
	// The glyph as a plain alpha array.
	gw, gh := dr.Dx(), dr.Dy()
	glyph := make([]float64, gw*gh)
	if am, ok := gm.(*image.Alpha); ok {
		for y := 0; y < gh; y++ {
			o := am.PixOffset(gp.X, gp.Y+y)
			for x := 0; x < gw; x++ {
				glyph[y*gw+x] = float64(am.Pix[o+x]) / 255
			}
		}
	} else {
		for y := 0; y < gh; y++ {
			for x := 0; x < gw; x++ {
				_, _, _, a := gm.At(gp.X+x, gp.Y+y).RGBA()
				glyph[y*gw+x] = float64(a) / 0xffff
			}
		}
	}
	cx, cy := float64(dr.Min.X)+float64(gw)/2, float64(dr.Min.Y)+float64(gh)/2
	sn, cs := math.Sincos(angle)
	half := math.Hypot(float64(gw), float64(gh)) / 2 * scale * (1 + math.Abs(slant))
	r := image.Rect(int(cx-half)-1, int(cy-half)-1, int(cx+half)+2, int(cy+half)+2).Intersect(dst.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			// Back from the destination to the glyph.
			dx, dy := (float64(x)+0.5-cx)/scale, (float64(y)+0.5-cy)/scale
			dx += slant * dy
			u := cs*dx + sn*dy + float64(gw)/2 - 0.5
			v := -sn*dx + cs*dy + float64(gh)/2 - 0.5
			iu, iv := int(math.Floor(u)), int(math.Floor(v))
			if iu < -1 || iv < -1 || iu >= gw || iv >= gh {
				continue
			}
			tu, tv := u-float64(iu), v-float64(iv)
			at := func(i, j int) float64 {
				if i < 0 || j < 0 || i >= gw || j >= gh {
					return 0
				}
				return glyph[j*gw+i]
			}
			a := (1-tv)*((1-tu)*at(iu, iv)+tu*at(iu+1, iv)) + tv*((1-tu)*at(iu, iv+1)+tu*at(iu+1, iv+1))
			if a <= 0 {
				continue
			}
			o := (y-dst.Rect.Min.Y)*dst.Stride + (x - dst.Rect.Min.X)
			dst.Pix[o] = max(dst.Pix[o], uint8(a*255+0.5))
		}
	}
}
