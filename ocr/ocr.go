// Package ocr reads the text of sticky-note crops with Tesseract. It is the
// only package that touches Tesseract (through gosseract).
//
// Handwriting is Tesseract's weak spot, so a Reader does three things around
// it: it gives Tesseract the best possible input (ink separated from the
// paper's colour, uneven light flattened, letters scaled to the height the
// recogniser was trained on, the note turned upright); it corrects words it
// is unsure of against Dutch and English word lists and the workshop's own
// vocabulary; and it gives every reading a confidence that orders notes by
// how likely their text is wrong, so people check exactly those.
package ocr

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/otiai10/gosseract/v2"

	"wallscan"
)

// DefaultLanguages are the Tesseract languages a Reader loads unless told
// otherwise: the notes are mostly Dutch, some English.
var DefaultLanguages = []string{"nld", "eng"}

// Options configure a Reader. The zero value is usable.
type Options struct {
	// Languages are Tesseract language codes; nil means DefaultLanguages.
	Languages []string
	// Workers is the number of Tesseract clients, and so of notes read at
	// once; 0 means one per core.
	Workers int
	// Vocabulary holds workshop words (AVG, CIO, ketenpartners, words
	// confirmed on other notes) that the correction prefers.
	Vocabulary []string
	// ReviewThreshold marks a reading for review when its confidence is
	// below it; 0 means DefaultReviewThreshold.
	ReviewThreshold float64
	// TessdataDir is where the *.traineddata files live; "" means
	// TESSDATA_PREFIX, or else the Debian location.
	TessdataDir string
	// NoCorrection turns the word-list correction off.
	NoCorrection bool
}

// Named limits and defaults.
const (
	// DefaultReviewThreshold is the confidence below which a reading is
	// marked for review unless Options say otherwise.
	DefaultReviewThreshold = 80

	// MinCropSide is the shortest crop side, in pixels, worth reading;
	// a smaller crop gives an empty Reading marked for review.
	MinCropSide = 24

	// MaxCropSide is the longest crop side accepted, in pixels. A crop is a
	// single note; anything larger is a caller's mistake.
	MaxCropSide = 8000

	// MaxWorkers caps Options.Workers.
	MaxWorkers = 64

	// minInkContrast is the smallest distance (in RGB units) between ink and
	// paper colour below which a note is taken to be blank.
	minInkContrast = 40
)

// debianTessdata are the places Debian and a source build put tessdata.
var debianTessdata = []string{
	"/usr/share/tesseract-ocr/5/tessdata",
	"/usr/share/tesseract-ocr/4.00/tessdata",
	"/usr/share/tessdata",
	"/usr/local/share/tessdata",
}

var langCode = regexp.MustCompile(`^[a-z]{3}(_[a-z]+)*$`)

// TessdataDir returns the directory Tesseract loads languages from: the
// TESSDATA_PREFIX environment variable (or its tessdata subdirectory) when
// set, else the first Debian location that exists.
func TessdataDir() string {
	if p := os.Getenv("TESSDATA_PREFIX"); p != "" {
		if m, _ := filepath.Glob(filepath.Join(p, "*.traineddata")); len(m) == 0 {
			if m, _ := filepath.Glob(filepath.Join(p, "tessdata", "*.traineddata")); len(m) > 0 {
				return filepath.Join(p, "tessdata")
			}
		}
		return p
	}
	for _, d := range debianTessdata {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	return debianTessdata[0]
}

// Available checks that Tesseract's data for every language in langs is
// installed in dir ("" means TessdataDir()). The error is EINVALID and
// names the Debian package to install.
func Available(dir string, langs []string) error {
	if dir == "" {
		dir = TessdataDir()
	}
	if len(langs) == 0 {
		return wallscan.Errorf(wallscan.EINVALID, "no OCR language configured (for example nld+eng)")
	}
	var missing, pkgs []string
	for _, l := range langs {
		if !langCode.MatchString(l) {
			return wallscan.Errorf(wallscan.EINVALID, "OCR language %q is not a Tesseract language code (such as nld or eng)", l)
		}
		if _, err := os.Stat(filepath.Join(dir, l+".traineddata")); err != nil {
			missing = append(missing, l)
			pkgs = append(pkgs, "tesseract-ocr-"+strings.ReplaceAll(l, "_", "-"))
		}
	}
	if len(missing) > 0 {
		return wallscan.Errorf(wallscan.EINVALID,
			"Tesseract data for %s is not installed in %s: install the Debian package %s (apt-get install %s) or set TESSDATA_PREFIX",
			strings.Join(missing, ", "), dir, strings.Join(pkgs, ", "), strings.Join(pkgs, " "))
	}
	return nil
}

// Reader reads note crops with a pool of Tesseract clients. It implements
// wallscan.Reader and may be used by many goroutines at once.
type Reader struct {
	pool   chan *gosseract.Client
	n      int
	done   chan struct{}
	close  sync.Once
	review float64
	sp     *speller // the word lists and Options.Vocabulary
	steps  steps
}

var _ wallscan.Reader = (*Reader)(nil)

var errClosed = wallscan.Errorf(wallscan.EINTERNAL, "ocr reader is closed")

// initMu serialises Tesseract initialisation: gosseract redirects the
// process's stderr while a client initialises.
var initMu sync.Mutex

// New checks that the languages are installed and starts the pool of
// Tesseract clients. The caller must Close the Reader. Errors: EINVALID
// (bad options, a language not installed), EINTERNAL.
func New(o Options) (*Reader, error) { return newWithSteps(o, defaultSteps) }

// newWithSteps is New with the steps of the reading chosen; the evaluation
// uses it to measure what each step gains.
func newWithSteps(o Options, s steps) (*Reader, error) {
	langs := o.Languages
	if len(langs) == 0 {
		langs = DefaultLanguages
	}
	dir := o.TessdataDir
	if dir == "" {
		dir = TessdataDir()
	}
	if err := Available(dir, langs); err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	if workers < 0 || workers > MaxWorkers {
		return nil, wallscan.Errorf(wallscan.EINVALID, "OCR workers %d out of range 1..%d", workers, MaxWorkers)
	}
	review := o.ReviewThreshold
	if review == 0 {
		review = DefaultReviewThreshold
	}
	if review < 0 || review > 100 {
		return nil, wallscan.Errorf(wallscan.EINVALID, "review threshold %g out of range 0..100", review)
	}
	r := &Reader{
		pool:   make(chan *gosseract.Client, workers),
		n:      workers,
		done:   make(chan struct{}),
		review: review,
		steps:  s,
	}
	r.sp = &speller{lex: sharedLexicon(), vocab: newVocabulary(o.Vocabulary), below: s.correctBelow}
	if o.NoCorrection {
		r.steps.correct = false
	}
	// The word lists take about a second to load: start now, so the
	// first note does not wait for them.
	go r.sp.lex.load()
	// Tesseract's own dictionaries are switched at initialisation only,
	// through a config file.
	f, err := os.CreateTemp("", "wallscan-ocr-*.config")
	if err != nil {
		return nil, fmt.Errorf("ocr config: %w", err)
	}
	dawg := "1"
	if !r.steps.tessDict {
		dawg = "0"
	}
	fmt.Fprintf(f, "load_system_dawg %s\nload_freq_dawg %s\n", dawg, dawg)
	f.Close()
	defer os.Remove(f.Name()) // read during Init only
	blank := pad(newGray(8, 8), 4)
	for range workers {
		c, err := newClient(dir, langs, f.Name(), blank.pgm())
		if err != nil {
			r.closeClients(len(r.pool))
			return nil, err
		}
		r.pool <- c
	}
	return r, nil
}

func newClient(dir string, langs []string, config string, blank []byte) (*gosseract.Client, error) {
	c := gosseract.NewClient()
	c.Trim = true
	must := func(err error) error {
		if err != nil {
			c.Close()
			return fmt.Errorf("ocr: start tesseract (%s in %s): %w", strings.Join(langs, "+"), dir, err)
		}
		return nil
	}
	if err := must(c.SetTessdataPrefix(dir)); err != nil {
		return nil, err
	}
	if err := must(c.SetLanguage(langs...)); err != nil {
		return nil, err
	}
	if err := must(c.SetConfigFile(config)); err != nil {
		return nil, err
	}
	c.SetVariable("debug_file", os.DevNull)
	c.SetVariable("user_defined_dpi", "300")
	if err := must(c.SetImageFromBytes(blank)); err != nil {
		return nil, err
	}
	initMu.Lock()
	_, err := c.Text()
	initMu.Unlock()
	if err := must(err); err != nil {
		return nil, err
	}
	return c, nil
}

// Close stops the Reader, waiting for reads in progress, and frees the
// Tesseract clients. It is safe to call more than once.
func (r *Reader) Close() error {
	r.close.Do(func() {
		close(r.done)
		r.closeClients(r.n)
	})
	return nil
}

func (r *Reader) closeClients(n int) {
	for range n {
		c := <-r.pool
		c.Close()
	}
}

// acquire waits for a free client.
func (r *Reader) acquire(ctx context.Context) (*gosseract.Client, error) {
	select {
	case <-r.done:
		return nil, errClosed
	default:
	}
	select {
	case c := <-r.pool:
		select {
		case <-r.done:
			r.pool <- c
			return nil, errClosed
		default:
			return c, nil
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.done:
		return nil, errClosed
	}
}

func (r *Reader) release(c *gosseract.Client) { r.pool <- c }

// Read reads one note crop. An empty, blank or too small crop gives an
// empty Reading marked for review, not an error. Errors: EINVALID (a crop
// larger than MaxCropSide), the context's error, EINTERNAL.
func (r *Reader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	return r.read(ctx, crop, r.sp)
}

// WithVocabulary returns a wallscan.Reader that reads with r's Tesseract
// clients and prefers the given words (a workshop's vocabulary and the
// words confirmed on its other notes) on top of Options.Vocabulary, so one
// pool of clients serves every workshop. It is cheap; the words are kept
// as given (AVG, CIO, ketenpartners).
func (r *Reader) WithVocabulary(words []string) wallscan.Reader {
	all := append(slices.Clone(r.sp.vocab.words), words...)
	return &vocabularyReader{r: r, sp: &speller{lex: r.sp.lex, vocab: newVocabulary(all), below: r.sp.below}}
}

// vocabularyReader is a Reader with its own vocabulary.
type vocabularyReader struct {
	r  *Reader
	sp *speller
}

// Read implements wallscan.Reader.
func (v *vocabularyReader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	return v.r.read(ctx, crop, v.sp)
}

func (r *Reader) read(ctx context.Context, crop image.Image, sp *speller) (wallscan.Reading, error) {
	if err := ctx.Err(); err != nil {
		return wallscan.Reading{}, err
	}
	select {
	case <-r.done:
		return wallscan.Reading{}, errClosed
	default:
	}
	empty := wallscan.Reading{Review: true}
	if crop == nil {
		return empty, nil
	}
	b := crop.Bounds()
	if b.Dx() > MaxCropSide || b.Dy() > MaxCropSide {
		return wallscan.Reading{}, wallscan.Errorf(wallscan.EINVALID, "note crop %dx%d is larger than %d pixels on a side", b.Dx(), b.Dy(), MaxCropSide)
	}
	if b.Dx() < MinCropSide || b.Dy() < MinCropSide {
		return empty, nil
	}
	p := r.prepare(crop)
	if p == nil {
		return empty, nil
	}
	c, err := r.acquire(ctx)
	if err != nil {
		return wallscan.Reading{}, err
	}
	res, err := r.recognise(ctx, c, p)
	r.release(c)
	if err != nil {
		return wallscan.Reading{}, err
	}
	return r.finish(res, p, sp), nil
}
