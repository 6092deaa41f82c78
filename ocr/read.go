package ocr

import (
	"context"
	"fmt"
	"image"
	"math"
	"runtime"
	"slices"

	"github.com/otiai10/gosseract/v2"
)

// Binarisations the preprocessing can hand to Tesseract.
const (
	binGray    = iota // the flattened gray image; Tesseract thresholds it itself
	binStretch        // the flattened gray image, contrast stretched from ink to paper
	binOtsu           // a global Otsu threshold of the flattened image
	binSauvola        // Sauvola's local threshold
)

// steps switch the parts of the reading on and off. defaultSteps holds the
// choice the measurements in eval_test.go support; the evaluation turns
// single steps off to show what each one gains.
type steps struct {
	project  bool    // ink/paper colour projection instead of plain luma
	flatten  bool    // divide by the estimated background
	scale    bool    // scale letters to targetHeight
	target   float64 // median letter height to scale to, in pixels
	upOnly   bool    // scale small letters up, never large ones down
	binarize int     // binGray, binOtsu or binSauvola
	orient   bool    // try the note turned a half (and quarter) turn
	modes    bool    // try sparse-text and single-line modes when unsure
	fuse     bool    // take surer readings of single words from the other attempts
	tessDict bool    // Tesseract's own word lists (load_system_dawg, load_freq_dawg)
	correct  bool    // correct unsure words against word lists
	// correctBelow is the word confidence under which a word in no word
	// list may be replaced; a word read at least this surely stays, known
	// or not.
	correctBelow float64
	padding      int     // white margin, in pixels
	edge         float64 // share of the crop's shorter side whitened along its edges
	goodEnough   float64 // a first attempt at least this sure is kept as it is
}

var defaultSteps = steps{
	project:      false,
	flatten:      true,
	scale:        true,
	target:       35,
	binarize:     binGray,
	orient:       true,
	modes:        true,
	fuse:         true,
	tessDict:     true,
	correct:      true,
	correctBelow: 85,
	padding:      24,
	edge:         0.03,
	goodEnough:   80,
}

// prepared is a crop made ready for Tesseract, with what is needed to map
// word boxes back to crop pixels.
type prepared struct {
	origin   image.Point // crop.Bounds().Min
	w, h     int         // crop size
	flat     *gray       // flattened ink image, crop size, upright as given
	scale    [2]float64  // factor from crop pixels to Tesseract pixels, upright and turned a quarter
	vertical bool        // the text lines run up and down
	letters  float64     // about how many characters the ink holds (expectedChars)
	images   map[int]*gray
	steps    steps
}

// prepare separates ink from paper, flattens the light and estimates the
// letter size and line direction. It returns nil when the crop holds
// nothing to read.
func (r *Reader) prepare(crop image.Image) *prepared {
	s := r.steps
	m := toRGBA(crop)
	var g *gray
	var contrast float64
	g, contrast = inkProjection(m)
	if contrast < minInkContrast {
		return nil
	}
	if !s.project {
		g = luma(m)
	}
	w, h := g.w, g.h
	raw := g
	g = flatten(g, max(6, min(w, h)/25))
	if !s.flatten {
		// Only Tesseract's input goes without: the letter size and line
		// direction below cannot be measured on shaded paper.
		g = raw
	}
	if s.edge > 0 {
		// A note's writing keeps off its edges; what is there is the
		// neighbouring note, the wall or a shadow.
		whitenEdges(g, int(s.edge*float64(min(w, h))))
	}
	bin := threshold(g, otsu(g))
	if !s.flatten {
		f := flatten(raw, max(6, min(w, h)/25))
		whitenEdges(f, int(s.edge*float64(min(w, h))))
		bin = threshold(f, otsu(f))
	}
	bs := blobs(bin, max(4, w*h/200000))
	p := &prepared{origin: crop.Bounds().Min, w: w, h: h, flat: g, images: map[int]*gray{}, steps: s}
	if s.orient {
		p.vertical = linesRunVertically(bs, bin)
	}
	// Letter height across the lines for both ways the lines may run: the
	// reading may find the line direction other than guessed.
	lhs := [2]float64{letterHeight(bs, false), letterHeight(bs, true)}
	lh := lhs[0]
	if p.vertical {
		lh = lhs[1]
	}
	if lh == 0 {
		return nil
	}
	var ink int
	for _, b := range bs {
		ink += b.area
	}
	if ink < 20 {
		return nil
	}
	p.letters = expectedChars(bs)
	for a, lh := range lhs {
		p.scale[a] = 1
		if !s.scale || lh == 0 {
			continue
		}
		p.scale[a] = math.Min(4, math.Max(0.2, s.target/lh))
		if s.upOnly {
			p.scale[a] = max(1, p.scale[a])
		}
		if math.Abs(p.scale[a]-1) < 0.1 {
			p.scale[a] = 1
		}
	}
	return p
}

// image returns the Tesseract input for the note turned k quarter turns
// clockwise.
func (p *prepared) image(k int) *gray {
	if g, ok := p.images[k]; ok {
		return g
	}
	g := rotate(p.flat, k)
	if sc := p.scale[k%2]; sc != 1 {
		g = resize(g, sc)
	}
	switch p.steps.binarize {
	case binStretch:
		g = stretch(g, percentile(g, 0.005), percentile(g, 0.6))
	case binOtsu:
		g = threshold(g, otsu(g))
	case binSauvola:
		g = sauvola(g, max(8, int(p.steps.target)), 0.2)
	}
	g = pad(g, p.steps.padding)
	p.images[k] = g
	return g
}

// toCrop maps a box in the Tesseract input of turn k back to crop pixels.
func (p *prepared) toCrop(b image.Rectangle, k int) image.Rectangle {
	f := func(x, y int) (float64, float64) {
		fx := float64(x-p.steps.padding) / p.scale[((k%4)+4)%2]
		fy := float64(y-p.steps.padding) / p.scale[((k%4)+4)%2]
		W, H := float64(p.w), float64(p.h)
		switch ((k % 4) + 4) % 4 {
		case 1:
			return fy, H - fx
		case 2:
			return W - fx, H - fy
		case 3:
			return W - fy, fx
		}
		return fx, fy
	}
	x0, y0 := f(b.Min.X, b.Min.Y)
	x1, y1 := f(b.Max.X, b.Max.Y)
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
	r = r.Intersect(image.Rect(0, 0, p.w, p.h))
	return r.Add(p.origin)
}

// rawWord is a word as Tesseract gave it, in Tesseract input pixels.
type rawWord struct {
	text string
	box  image.Rectangle
	conf float64
	line int // running line number over the whole note
}

// attempt is one Tesseract pass over one turn of the note in one mode.
type attempt struct {
	k     int
	mode  gosseract.PageSegMode
	words []rawWord
	// conf is the mean word confidence, complete the share of the note's
	// ink the words account for; score = conf x complete ranks attempts.
	conf, complete, score float64
}

// recognise runs Tesseract over the prepared note: upright in block mode
// first, then, while the result is unsure, the note turned and other page
// segmentation modes, keeping the most confident attempt.
func (r *Reader) recognise(ctx context.Context, c *gosseract.Client, p *prepared) (attempt, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	singleThreadedOpenMP()
	s := p.steps
	k0 := 0
	if p.vertical {
		k0 = 1
	}
	best := attempt{score: -1}
	var all []attempt
	try := func(k int, mode gosseract.PageSegMode) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		a, err := run(c, p.image(k), mode)
		if err != nil {
			return err
		}
		// A reading of far fewer characters than there are letters on the
		// note (a turned note read as "it") is worse than its confidence.
		var chars int
		for _, w := range a.words {
			chars += alnumLen(w.text)
		}
		if want := 0.6 * p.letters; float64(chars) < want {
			a.complete *= float64(chars) / want
		}
		// Missing ink weighs twice: a left-out word costs all its letters,
		// an unsure one only some.
		a.score = a.conf * a.complete * a.complete
		a.k = k
		all = append(all, a)
		if a.score > best.score {
			best = a
		}
		return nil
	}
	if err := try(k0, gosseract.PSM_SINGLE_BLOCK); err != nil {
		return best, err
	}
	// A sideways note gives no hint which way it was turned: read both.
	if s.orient && (p.vertical || best.score < s.goodEnough) {
		if err := try((k0+2)%4, gosseract.PSM_SINGLE_BLOCK); err != nil {
			return best, err
		}
		if best.score < s.goodEnough*3/4 {
			// the line direction may have been misjudged
			for _, k := range []int{(k0 + 3) % 4, (k0 + 1) % 4} {
				if err := try(k, gosseract.PSM_SINGLE_BLOCK); err != nil {
					return best, err
				}
			}
		}
	}
	if s.modes && best.score < s.goodEnough {
		if err := try(best.k, gosseract.PSM_SPARSE_TEXT); err != nil {
			return best, err
		}
		if lines(best.words) <= 1 && best.score < s.goodEnough {
			if err := try(best.k, gosseract.PSM_SINGLE_LINE); err != nil {
				return best, err
			}
		}
	}
	if s.fuse {
		best = fuse(best, all)
	}
	return best, nil
}

// fuse improves the chosen attempt word by word: where another attempt on
// the same turn of the note read the same word (boxes overlapping by most
// of their area) more surely, its reading replaces the chosen one.
func fuse(best attempt, all []attempt) attempt {
	words := slices.Clone(best.words)
	for i, w := range words {
		for _, a := range all {
			if a.k != best.k || a.mode == best.mode {
				continue
			}
			for _, v := range a.words {
				if v.conf > words[i].conf+5 && boxIoU(w.box, v.box) >= 0.6 {
					words[i].text, words[i].conf = v.text, v.conf
				}
			}
		}
	}
	best.words = words
	best.conf = score(words)
	return best
}

func boxIoU(a, b image.Rectangle) float64 {
	i := a.Intersect(b)
	ia := float64(i.Dx() * i.Dy())
	u := float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia
	if u <= 0 {
		return 0
	}
	return ia / u
}

func lines(ws []rawWord) int {
	seen := map[int]bool{}
	for _, w := range ws {
		seen[w.line] = true
	}
	return len(seen)
}

// run is one Tesseract pass.
func run(c *gosseract.Client, g *gray, mode gosseract.PageSegMode) (attempt, error) {
	if err := c.SetImageFromBytes(g.pgm()); err != nil {
		return attempt{}, fmt.Errorf("ocr: set image: %w", err)
	}
	c.SetPageSegMode(mode)
	bbs, err := c.GetBoundingBoxesVerbose()
	if err != nil {
		return attempt{}, fmt.Errorf("ocr: recognise: %w", err)
	}
	a := attempt{mode: mode}
	type lineKey struct{ b, p, l int }
	lineOf := map[lineKey]int{}
	for _, bb := range bbs {
		if bb.Word == "" {
			continue
		}
		key := lineKey{bb.BlockNum, bb.ParNum, bb.LineNum}
		n, ok := lineOf[key]
		if !ok {
			n = len(lineOf)
			lineOf[key] = n
		}
		a.words = append(a.words, rawWord{text: bb.Word, box: bb.Box, conf: bb.Confidence, line: n})
	}
	a.conf = score(a.words)
	a.complete = coverage(g, a.words)
	return a, nil
}

// coverage is the share of the ink of g that lies inside the word boxes:
// an attempt that leaves a line out is worse than its confidence says.
func coverage(g *gray, ws []rawWord) float64 {
	t := otsu(g)
	in := make([]bool, len(g.pix))
	for _, w := range ws {
		b := w.box.Intersect(image.Rect(0, 0, g.w, g.h))
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				in[y*g.w+x] = true
			}
		}
	}
	var ink, covered int
	for i, v := range g.pix {
		if v <= t {
			ink++
			if in[i] {
				covered++
			}
		}
	}
	if ink == 0 {
		return 0
	}
	return float64(covered) / float64(ink)
}

// score is the mean word confidence weighted by the number of letters and
// digits in each word; 0 without words.
func score(ws []rawWord) float64 {
	var s, n float64
	for _, w := range ws {
		l := float64(alnumLen(w.text))
		s += w.conf * l
		n += l
	}
	if n == 0 {
		return 0
	}
	return s / n
}

// explained is the share of the characters the word boxes have room for
// that the words account for. A word read as "ae" in a box as wide as a
// dozen letters, or as tall as two lines, stands for ink that was not
// read: the confidence of its letters says nothing about the letters
// left out. The room of a box is measured in the note's own typical
// character: the median box height and the median width per character
// of the words. A box counts as under-read only beyond twice the
// characters it holds, so wide handwriting is not punished.
func explained(ws []rawWord) float64 {
	var hs, cws []float64
	for _, w := range ws {
		n := alnumLen(w.text)
		if n == 0 || w.box.Empty() {
			continue
		}
		hs = append(hs, float64(w.box.Dy()))
		if n >= 3 {
			cws = append(cws, float64(w.box.Dx())/float64(n))
		}
	}
	if len(hs) == 0 || len(cws) == 0 {
		return 1
	}
	slices.Sort(hs)
	slices.Sort(cws)
	lh, cw := hs[len(hs)/2], cws[len(cws)/2]
	if lh <= 0 || cw <= 0 {
		return 1
	}
	var read, missing float64
	for _, w := range ws {
		n := float64(alnumLen(w.text))
		if n == 0 || w.box.Empty() {
			continue
		}
		room := float64(w.box.Dx()) / cw * max(1, float64(w.box.Dy())/lh)
		read += n
		missing += max(0, room/underReadSlack-n)
	}
	if read == 0 {
		return 1
	}
	return read / (read + missing)
}

// underReadSlack is how many times more characters than it holds a word
// box must have room for before the excess counts as ink not read.
const underReadSlack = 2
