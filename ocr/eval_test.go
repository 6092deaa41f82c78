package ocr

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otiai10/gosseract/v2"

	"wallscan"
	"wallscan/synth"
)

// The evaluation reads corpus notes drawn with known text and measures the
// figures of issue 8: mean character error rate (hand-lettered and
// printed), text recall, the review marking, and plain `tesseract --psm 6`
// on the same crops for comparison. `go test -run TestEvaluation -v ./ocr`
// prints the figures; -ablation adds the table of what each step gains.

var (
	ablation = flag.Bool("ablation", false, "evaluate with each step of the reading turned off in turn")
	evalN    = flag.Int("evaln", 100, "number of corpus notes in the evaluation")
	only     = flag.String("only", "", "with -ablation: only the variants whose name matches this regular expression")
	noPlain  = flag.Bool("noplain", false, "skip plain tesseract in the evaluation")
	evalSet  = flag.String("set", "wall", "evaluation notes: wall (standard-level walls), hard (hard-level walls), turned (standard, turned by quarters) or clean (synth.RenderNote)")
)

// evalCase is one note of the evaluation.
type evalCase struct {
	text string
	hand bool
	crop *image.RGBA
}

// noteResult is the outcome on one note.
type noteResult struct {
	hand       bool
	cer        float64
	cerCase    float64 // case-sensitive, as `wallscan bench` counts
	confidence float64
	review     bool
	got, want  string
}

// figures are the evaluation's results.
type figures struct {
	n                           int
	cerHand, cerPrinted, cerAll float64
	cerCase                     float64 // mean case-sensitive CER
	recall                      float64 // share of notes with CER <= 0.3
	bad, badMarked              int     // reads with CER > 0.3, and how many were marked
	good, goodMarked            int
	notes                       []noteResult
	elapsed                     time.Duration
}

const goodCER = 0.3 // a reading with a higher CER is a bad read

func (f figures) String() string {
	return fmt.Sprintf("n=%d CER hand %.3f printed %.3f all %.3f (case-sensitive %.3f) recall %.2f bad marked %d/%d good marked %d/%d (%.0f ms/note on %d workers)",
		f.n, f.cerHand, f.cerPrinted, f.cerAll, f.cerCase, f.recall, f.badMarked, f.bad, f.goodMarked, f.good,
		float64(f.elapsed.Milliseconds())/float64(max(1, f.n)), evalWorkers)
}

const evalWorkers = 2

// evaluate reads every case with read, evalWorkers at a time.
func evaluate(t testing.TB, cases []evalCase, read func(image.Image) (wallscan.Reading, error)) figures {
	t.Helper()
	res := make([]noteResult, len(cases))
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	var mu sync.Mutex
	var firstErr error
	for range evalWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := cases[i]
				got, err := read(c.crop)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					continue
				}
				res[i] = noteResult{hand: c.hand, cer: min(1, cer(got.Text, c.text)), cerCase: caseCER(got.Text, c.text), confidence: got.Confidence, review: got.Review, got: got.Text, want: c.text}
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("read: %v", firstErr)
	}
	f := figures{n: len(cases), notes: res, elapsed: time.Since(start)}
	var nh, np int
	var ok int
	for _, r := range res {
		if r.hand {
			f.cerHand += r.cer
			nh++
		} else {
			f.cerPrinted += r.cer
			np++
		}
		f.cerAll += r.cer
		f.cerCase += r.cerCase
		if r.cer <= goodCER {
			ok++
			f.good++
			if r.review {
				f.goodMarked++
			}
		} else {
			f.bad++
			if r.review {
				f.badMarked++
			}
		}
	}
	f.cerHand /= float64(max(1, nh))
	f.cerPrinted /= float64(max(1, np))
	f.cerAll /= float64(max(1, len(res)))
	f.cerCase /= float64(max(1, len(res)))
	f.recall = float64(ok) / float64(max(1, len(res)))
	return f
}

var (
	evalMu    sync.Mutex
	evalCache = map[string][]evalCase{}
)

// evalCases returns n notes of a set, "wall" or "clean" (see
// evalcases_test.go), drawing them once per test binary.
func evalCases(t testing.TB, set string, n int) []evalCase {
	t.Helper()
	evalMu.Lock()
	defer evalMu.Unlock()
	key := fmt.Sprintf("%s/%d", set, n)
	if c, ok := evalCache[key]; ok {
		return c
	}
	var c []evalCase
	switch set {
	case "clean":
		c = drawCleanCases(t, n)
	case "hard":
		c = drawWallCases(t, n, synth.LevelHard)
	case "turned":
		// the standard notes, each turned 0, 1, 2 or 3 quarters
		for i, w := range drawWallCases(t, n, synth.LevelStandard) {
			for range i % 4 {
				w.crop = turnRGBA(w.crop)
			}
			c = append(c, w)
		}
	default:
		c = drawWallCases(t, n, synth.LevelStandard)
	}
	evalCache[key] = c
	return c
}

// plainTesseract reads crops the way `tesseract --psm 6 -l nld+eng` does:
// the crop as it is, no preprocessing, no correction.
type plainTesseract struct {
	pool chan *gosseract.Client
}

func newPlainTesseract(t testing.TB, n int) *plainTesseract {
	p := &plainTesseract{pool: make(chan *gosseract.Client, n)}
	for range n {
		c := gosseract.NewClient()
		c.SetLanguage("nld", "eng")
		c.SetPageSegMode(gosseract.PSM_SINGLE_BLOCK)
		c.SetVariable("debug_file", os.DevNull)
		p.pool <- c
	}
	t.Cleanup(func() {
		for range n {
			(<-p.pool).Close()
		}
	})
	return p
}

func (p *plainTesseract) read(m image.Image) (wallscan.Reading, error) {
	c := <-p.pool
	defer func() { p.pool <- c }()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		return wallscan.Reading{}, err
	}
	if err := c.SetImageFromBytes(buf.Bytes()); err != nil {
		return wallscan.Reading{}, err
	}
	initMu.Lock() // the first Text initialises the client
	txt, err := c.Text()
	initMu.Unlock()
	return wallscan.Reading{Text: cleanSpace(txt)}, err
}

// TestEvaluation checks the figures of issue 8 on the corpus.
func TestEvaluation(t *testing.T) {
	n := *evalN
	if testing.Short() {
		n = 20
	}
	cases := evalCases(t, *evalSet, n)
	r := testReader(t)
	read := func(m image.Image) (wallscan.Reading, error) { return r.Read(context.Background(), m) }
	got := evaluate(t, cases, read)
	t.Logf("wallscan ocr:        %v", got)
	plain := figures{cerAll: 1}
	if !*noPlain {
		plain = evaluate(t, cases, newPlainTesseract(t, evalWorkers).read)
		t.Logf("plain tesseract -psm 6: %v", plain)
	}
	if testing.Verbose() {
		for i, nr := range got.notes {
			if nr.cer > 0 {
				t.Logf("  #%d cer %.2f conf %5.1f review %-5v hand %-5v got %q want %q", i, nr.cer, nr.confidence, nr.review, nr.hand, nr.got, nr.want)
			}
		}
	}
	calibration(t, got)
	if got.cerHand > 0.08 {
		t.Errorf("mean CER of hand-lettered notes %.3f > 0.08", got.cerHand)
	}
	if got.cerPrinted > 0.03 {
		t.Errorf("mean CER of printed notes %.3f > 0.03", got.cerPrinted)
	}
	if got.recall < 0.90 {
		t.Errorf("text recall %.2f < 0.90", got.recall)
	}
	if testing.Short() {
		return // 20 notes are too few for the ratios below
	}
	if got.cerAll >= plain.cerAll/2 {
		t.Errorf("mean CER %.3f is not less than half of plain tesseract's %.3f", got.cerAll, plain.cerAll)
	}
	if got.bad > 0 && float64(got.badMarked) < 0.9*float64(got.bad) {
		t.Errorf("only %d of %d bad reads marked for review", got.badMarked, got.bad)
	}
	if float64(got.goodMarked) > 0.25*float64(got.good) {
		t.Errorf("%d of %d good reads marked for review (> 25%%)", got.goodMarked, got.good)
	}
	if *ablation {
		ablate(t, cases, got)
	}
}

// ablate evaluates the reader with one step changed at a time and prints
// what each step gains.
func ablate(t *testing.T, cases []evalCase, base figures) {
	type variant struct {
		name string
		mod  func(*steps)
	}
	variants := []variant{
		{"ink projection instead of luma", func(s *steps) { s.project = true }},
		{"no flattening", func(s *steps) { s.flatten = false }},
		{"no flattening, no white margin or edges", func(s *steps) { s.flatten = false; s.padding = 0; s.edge = 0 }},
		{"no scaling", func(s *steps) { s.scale = false }},
		{"scale to 35 px", func(s *steps) { s.target = 35 }},
		{"scale up only", func(s *steps) { s.upOnly = true }},
		{"stretched gray", func(s *steps) { s.binarize = binStretch }},
		{"combo: scale to 35 px, stretched gray", func(s *steps) { s.target = 35; s.binarize = binStretch }},
		{"combo: no scaling, stretched gray", func(s *steps) { s.scale = false; s.binarize = binStretch }},
		{"Otsu binarisation", func(s *steps) { s.binarize = binOtsu }},
		{"Sauvola binarisation", func(s *steps) { s.binarize = binSauvola }},
		{"no padding", func(s *steps) { s.padding = 0 }},
		{"edges not whitened", func(s *steps) { s.edge = 0 }},
		{"edges whitened 6%", func(s *steps) { s.edge = 0.06 }},
		{"no orientation tries", func(s *steps) { s.orient = false }},
		{"block mode only (no sparse/line)", func(s *steps) { s.modes = false }},
		{"no word fusion of attempts", func(s *steps) { s.fuse = false }},
		{"no correction", func(s *steps) { s.correct = false }},
		{"correct words below confidence 70", func(s *steps) { s.correctBelow = 70 }},
		{"correct words below confidence 95", func(s *steps) { s.correctBelow = 95 }},
		{"Tesseract dictionaries off", func(s *steps) { s.tessDict = false }},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| variant | CER hand | CER printed | recall | bad marked | good marked | ms/note (%d workers) |\n| --- | --- | --- | --- | --- | --- | --- |\n", evalWorkers)
	row := func(name string, f figures) {
		fmt.Fprintf(&b, "| %s | %.3f | %.3f | %.2f | %d/%d | %d/%d | %.0f |\n", name, f.cerHand, f.cerPrinted, f.recall,
			f.badMarked, f.bad, f.goodMarked, f.good, float64(f.elapsed.Milliseconds())/float64(f.n))
	}
	row("all steps (default)", base)
	for _, v := range variants {
		if !regexp.MustCompile(*only).MatchString(v.name) {
			continue
		}
		s := defaultSteps
		v.mod(&s)
		r, err := newWithSteps(Options{Workers: evalWorkers}, s)
		if err != nil {
			t.Fatal(err)
		}
		f := evaluate(t, cases, func(m image.Image) (wallscan.Reading, error) { return r.Read(context.Background(), m) })
		r.Close()
		row(v.name, f)
	}
	t.Log(b.String())
}

// calibration logs, for review thresholds around the default, the share of
// bad and of good reads that would be marked.
func calibration(t *testing.T, f figures) {
	var b strings.Builder
	for _, th := range []float64{60, 65, 70, 75, 80, 85} {
		var bad, badM, good, goodM int
		for _, n := range f.notes {
			if n.cer > goodCER {
				bad++
				if n.confidence < th {
					badM++
				}
			} else {
				good++
				if n.confidence < th {
					goodM++
				}
			}
		}
		fmt.Fprintf(&b, " threshold %.0f: bad marked %d/%d, good marked %d/%d;", th, badM, bad, goodM, good)
	}
	t.Log("calibration:" + b.String())
	// How well confidence orders notes by error: of all pairs of notes
	// with different CER, the share where the worse read has the lower
	// confidence (ties count half).
	var right, pairs float64
	for i, a := range f.notes {
		for _, c := range f.notes[i+1:] {
			if a.cer == c.cer {
				continue
			}
			pairs++
			worse, better := a, c
			if c.cer > a.cer {
				worse, better = c, a
			}
			switch {
			case worse.confidence < better.confidence:
				right++
			case worse.confidence == better.confidence:
				right += 0.5
			}
		}
	}
	if pairs > 0 {
		t.Logf("confidence orders %.0f%% of %.0f note pairs with different CER correctly", 100*right/pairs, pairs)
	}
}
