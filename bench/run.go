package bench

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"wallscan"
)

// Options configure a bench run.
type Options struct {
	// Pipeline is measured; its Reader and Grouper may be nil, and then
	// their figures are left out.
	Pipeline *wallscan.Pipeline
	// Peers runs the peers in the same run: Tesseract on the ground-truth
	// crops and on whole photos, and TF-IDF with k-means.
	Peers bool
	// WholePhotoPeer caps how many photos the whole-photo Tesseract peer
	// reads (it takes many seconds a photo); 0 means all.
	WholePhotoPeer int
	// Lang holds the Tesseract languages of the peers, joined by "+";
	// "" means "nld+eng".
	Lang string
	// Shots, if not nil, finds the same note in overlapping photos of one
	// wall; its figures come out when the set has such photos.
	Shots ShotMatcher
	// Seed makes k-means and the character noise repeatable.
	Seed uint64
	// Log, if not nil, gets one line of progress per step.
	Log io.Writer
}

// Report holds every figure of one run. Fractions run from 0 to 1, times
// are in milliseconds unless named otherwise.
type Report struct {
	Set      string   `json:"set"`
	Levels   string   `json:"levels"`
	Photos   int      `json:"photos"`
	Notes    int      `json:"notes"`     // true notes that count
	DontCare int      `json:"dont_care"` // true notes mostly hidden
	Errors   []string `json:"errors,omitempty"`

	Segmentation SegmentationFigures `json:"segmentation"`
	OCR          *OCRFigures         `json:"ocr,omitempty"`
	Cluster      *ClusterFigures     `json:"cluster,omitempty"`
	Shots        *ShotFigures        `json:"shots,omitempty"`
	Speed        SpeedFigures        `json:"speed"`
	Peers        *PeerFigures        `json:"peers,omitempty"`
}

// SegmentationFigures measure the segmenter.
type SegmentationFigures struct {
	Counts
	Precision    float64             `json:"precision"`
	Recall       float64             `json:"recall"`
	F1           float64             `json:"f1"`
	MeanIoU      float64             `json:"mean_iou"`
	ColourAcc    float64             `json:"colour_accuracy"`
	ByBackground []BackgroundFigures `json:"by_background"`
}

// BackgroundFigures are the detection figures on one background.
type BackgroundFigures struct {
	Background string `json:"background"`
	Counts
	F1 float64 `json:"f1"`
}

// OCRFigures measure the reader on the notes the segmenter found.
type OCRFigures struct {
	Read         int     `json:"read"` // matched notes read
	CERMean      float64 `json:"cer_mean"`
	CERMedian    float64 `json:"cer_median"`
	WERMean      float64 `json:"wer_mean"`
	WERMedian    float64 `json:"wer_median"`
	CERHand      float64 `json:"cer_hand"`    // mean, hand-lettered notes
	CERPrinted   float64 `json:"cer_printed"` // mean, printed notes
	Hand         int     `json:"hand"`        // matched hand-lettered notes read
	Printed      int     `json:"printed"`     // matched printed notes read
	TextRecall   float64 `json:"text_recall"` // of all counted notes, read with CER <= GoodCER
	ReviewOfBad  float64 `json:"review_of_bad"`
	ReviewOfGood float64 `json:"review_of_good"`
	// BadReads and GoodReads count the matched notes read with CER above
	// and at most GoodCER, so a share of a handful is seen as one.
	BadReads  int `json:"bad_reads"`
	GoodReads int `json:"good_reads"`
}

// ClusterFigures measure the grouper against the themes.
type ClusterFigures struct {
	ARIPhoto     float64 `json:"ari_photo"` // mean over photos
	NMIPhoto     float64 `json:"nmi_photo"`
	ARISet       float64 `json:"ari_set"` // all photos of the set together
	NMISet       float64 `json:"nmi_set"`
	ARIText      float64 `json:"ari_text"` // true texts, no positions
	NMIText      float64 `json:"nmi_text"`
	ARITextNoisy float64 `json:"ari_text_noisy"` // the same with 5% character noise
	Groups       int     `json:"groups"`         // groups found over the set
	Themes       int     `json:"themes"`         // themes in the set
}

// SpeedFigures measure throughput and resources.
type SpeedFigures struct {
	Seconds       float64 `json:"seconds"` // segmentation, reading and grouping of the set
	PhotosPerSec  float64 `json:"photos_per_sec"`
	NotesPerSec   float64 `json:"notes_per_sec"`
	SegmentMedian float64 `json:"segment_median_ms"` // per photo
	ReadMedian    float64 `json:"read_median_ms"`    // per note
	ReadSeconds   float64 `json:"read_seconds"`      // wall time of reading, whole set
	GroupMs       float64 `json:"group_ms"`          // the whole set at once
	PeakMemoryMB  float64 `json:"peak_memory_mb"`
	Workers       int     `json:"workers"`
	GOMAXPROCS    int     `json:"gomaxprocs"`
}

// PeerFigures are the peers' figures, measured in the same run.
type PeerFigures struct {
	CropCERMean      float64 `json:"crop_cer_mean"` // tesseract --psm 6 on true crops
	CropCERMedian    float64 `json:"crop_cer_median"`
	CropWERMean      float64 `json:"crop_wer_mean"`
	CropCERHand      float64 `json:"crop_cer_hand"`
	CropCERPrinted   float64 `json:"crop_cer_printed"`
	CropTextRecall   float64 `json:"crop_text_recall"`
	CropMsPerNote    float64 `json:"crop_ms_per_note"`
	WholeTextRecall  float64 `json:"whole_text_recall"` // tesseract on the whole photo
	WholePhotos      int     `json:"whole_photos"`
	WholeSecPerPhoto float64 `json:"whole_sec_per_photo"`
	KMeansARIPhoto   float64 `json:"kmeans_ari_photo"` // TF-IDF + k-means, true k, true texts
	KMeansNMIPhoto   float64 `json:"kmeans_nmi_photo"`
	KMeansARISet     float64 `json:"kmeans_ari_set"`
	KMeansNMISet     float64 `json:"kmeans_nmi_set"`
}

// photoResult is what the run keeps of one photo.
type photoResult struct {
	name       string
	truth      *Truth
	scanned    *wallscan.ScannedPhoto
	matches    []Match
	segmentDur time.Duration
}

// Run measures opt.Pipeline on every photo of set, then the peers.
func Run(ctx context.Context, set Set, opt Options) (*Report, error) {
	if opt.Pipeline == nil || opt.Pipeline.Segmenter == nil {
		return nil, wallscan.Errorf(wallscan.EINVALID, "bench: no pipeline to measure")
	}
	if set.Len() == 0 {
		return nil, wallscan.Errorf(wallscan.EINVALID, "bench: the set is empty")
	}
	if opt.Lang == "" {
		opt.Lang = "nld+eng"
	}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	rep := &Report{Photos: set.Len()}
	resetPeakMemory()

	// The pipeline, with each stage timed.
	tseg := &timedSegmenter{inner: opt.Pipeline.Segmenter}
	pipe := *opt.Pipeline
	pipe.Segmenter = tseg
	var treader *timedReader
	if pipe.Reader != nil {
		treader = &timedReader{inner: pipe.Reader}
		pipe.Reader = treader
	}
	rep.Speed.Workers = pipe.Workers
	if rep.Speed.Workers <= 0 {
		rep.Speed.Workers = runtime.GOMAXPROCS(0)
	}
	rep.Speed.GOMAXPROCS = runtime.GOMAXPROCS(0)

	var results []*photoResult
	levels := map[string]bool{}
	var busy, reading time.Duration
	for i := range set.Len() {
		s, err := set.Sample(i)
		if err != nil {
			return nil, err
		}
		levels[string(s.Truth.Level)] = true
		pr := &photoResult{name: s.Name, truth: s.Truth}
		before := tseg.total()
		t0 := time.Now()
		sp, err := pipe.Scan(ctx, s.Name, s.Photo, nil)
		d := time.Since(t0)
		busy += d
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", s.Name, err))
			logf("%s: %v", s.Name, err)
		} else {
			pr.scanned = sp
			// Crops are not needed any more; let them go.
			for k := range sp.Segmentation.Notes {
				sp.Segmentation.Notes[k].Crop = nil
			}
		}
		pr.segmentDur = tseg.total() - before
		reading += d - pr.segmentDur
		results = append(results, pr)
		logf("%s: %d notes found in %v", s.Name, foundNotes(pr), d.Round(time.Millisecond))
	}

	// The whole set grouped at once, as a workshop's photos are.
	var scanned []*wallscan.ScannedPhoto
	for _, pr := range results {
		if pr.scanned != nil {
			scanned = append(scanned, pr.scanned)
		}
	}
	var setGroups []wallscan.Group
	if pipe.Grouper != nil {
		t0 := time.Now()
		g, err := pipe.Grouper.Group(ctx, wallscan.GroupRequest{Notes: wallscan.GroupNotes(scanned)})
		rep.Speed.GroupMs = ms(time.Since(t0))
		busy += time.Since(t0)
		if err != nil {
			return nil, fmt.Errorf("bench: group the set: %w", err)
		}
		setGroups = g
	}
	rep.Speed.PeakMemoryMB = peakMemoryMB()
	var lv []string
	for l := range levels {
		lv = append(lv, l)
	}
	sort.Strings(lv)
	rep.Levels = strings.Join(lv, "+")

	scoreSegmentation(rep, results)
	found := 0
	for _, pr := range results {
		found += foundNotes(pr)
	}
	rep.Speed.Seconds = busy.Seconds()
	rep.Speed.PhotosPerSec = float64(len(results)) / busy.Seconds()
	rep.Speed.NotesPerSec = float64(found) / busy.Seconds()
	var segs []float64
	for _, pr := range results {
		segs = append(segs, ms(pr.segmentDur))
	}
	rep.Speed.SegmentMedian = Median(segs)
	if treader != nil {
		rep.Speed.ReadMedian = Median(treader.durations())
		rep.Speed.ReadSeconds = reading.Seconds()
		rep.OCR = scoreOCR(results, rep.Notes)
	}
	shots, err := scoreShots(ctx, set, results, opt.Shots)
	if err != nil {
		return nil, err
	}
	rep.Shots = shots
	if pipe.Grouper != nil {
		c, err := scoreClusters(ctx, pipe.Grouper, results, setGroups, opt.Seed)
		if err != nil {
			return nil, err
		}
		rep.Cluster = c
	}
	if opt.Peers {
		logf("peers: tesseract and TF-IDF + k-means")
		p, err := runPeers(ctx, set, results, opt, logf)
		if err != nil {
			return nil, err
		}
		rep.Peers = p
	}
	return rep, nil
}

func foundNotes(pr *photoResult) int {
	if pr.scanned == nil {
		return 0
	}
	return len(pr.scanned.Segmentation.Notes)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// scoreSegmentation matches found notes to true ones and fills the
// detection figures and rep.Notes.
func scoreSegmentation(rep *Report, results []*photoResult) {
	var all Counts
	byBg := map[string]*Counts{}
	var ious []float64
	colourOK, colourN := 0, 0
	for _, pr := range results {
		truth := make([]wallscan.Quad, len(pr.truth.Notes))
		for i, n := range pr.truth.Notes {
			truth[i] = n.Quad()
			if Counted(n) {
				rep.Notes++
			} else {
				rep.DontCare++
			}
		}
		var pred []wallscan.Quad
		if pr.scanned != nil {
			for _, f := range pr.scanned.Segmentation.Notes {
				pred = append(pred, f.Polygon)
			}
		}
		pr.matches = MatchNotes(truth, pred, MinIoU)
		var c Counts
		matchedT := make([]bool, len(truth))
		for _, m := range pr.matches {
			matchedT[m.Truth] = true
			tn := pr.truth.Notes[m.Truth]
			if !Counted(tn) {
				continue // found a mostly hidden note: neither right nor wrong
			}
			c.TP++
			ious = append(ious, m.IoU)
			colourN++
			if pr.scanned.Segmentation.Notes[m.Pred].Color == tn.Color {
				colourOK++
			}
		}
		for i, n := range pr.truth.Notes {
			if Counted(n) && !matchedT[i] {
				c.FN++
			}
		}
		// A found note that is not matched is false, unless it lies
		// mostly on a don't-care note: the visible part of a note that
		// is mostly covered or cut by the photo's edge.
		matchedP := make([]bool, len(pred))
		for _, m := range pr.matches {
			matchedP[m.Pred] = true
		}
		for j, q := range pred {
			if matchedP[j] {
				continue
			}
			dontCare := false
			for _, n := range pr.truth.Notes {
				if !Counted(n) && Covered(q, n.Quad()) >= 0.5 {
					dontCare = true
					break
				}
			}
			if !dontCare {
				c.FP++
			}
		}
		all.Add(c)
		bg := pr.truth.Background
		if byBg[bg] == nil {
			byBg[bg] = &Counts{}
		}
		byBg[bg].Add(c)
	}
	s := &rep.Segmentation
	s.Counts = all
	s.Precision, s.Recall, s.F1 = all.Precision(), all.Recall(), all.F1()
	s.MeanIoU = Mean(ious)
	s.ColourAcc = ratio(colourOK, colourN)
	var bgs []string
	for b := range byBg {
		bgs = append(bgs, b)
	}
	sort.Strings(bgs)
	for _, b := range bgs {
		s.ByBackground = append(s.ByBackground, BackgroundFigures{Background: b, Counts: *byBg[b], F1: byBg[b].F1()})
	}
}

// scoreOCR compares the readings of matched notes with the true texts.
func scoreOCR(results []*photoResult, counted int) *OCRFigures {
	var cers, wers, hand, printed []float64
	good, bad, badReview, goodReview := 0, 0, 0, 0
	for _, pr := range results {
		if pr.scanned == nil {
			continue
		}
		for _, m := range pr.matches {
			tn := pr.truth.Notes[m.Truth]
			if !Counted(tn) || m.Pred >= len(pr.scanned.Readings) {
				continue
			}
			r := pr.scanned.Readings[m.Pred]
			cer := CER(tn.Text, r.Text)
			cers = append(cers, cer)
			wers = append(wers, WER(tn.Text, r.Text))
			if tn.Printed {
				printed = append(printed, cer)
			} else {
				hand = append(hand, cer)
			}
			if cer <= GoodCER {
				good++
				if r.Review {
					goodReview++
				}
			} else {
				bad++
				if r.Review {
					badReview++
				}
			}
		}
	}
	return &OCRFigures{
		Read: len(cers), CERMean: Mean(cers), CERMedian: Median(cers),
		WERMean: Mean(wers), WERMedian: Median(wers),
		CERHand: Mean(hand), CERPrinted: Mean(printed), Hand: len(hand), Printed: len(printed),
		TextRecall:   ratio(good, counted),
		ReviewOfBad:  ratio(badReview, bad),
		ReviewOfGood: float64(goodReview) / float64(max(good, 1)),
		BadReads:     bad, GoodReads: good,
	}
}

// GroupLabels maps note keys to the key of their group.
func GroupLabels(groups []wallscan.Group) map[string]string {
	out := map[string]string{}
	for _, g := range groups {
		for _, k := range g.Notes {
			out[k] = g.Key
		}
	}
	return out
}

// themeAgreement scores a grouping of matched, counted notes against their
// themes.
func themeAgreement(results []*photoResult, labels map[string]string) (ari, nmi float64, n int) {
	var got, want []string
	for _, pr := range results {
		for _, m := range pr.matches {
			tn := pr.truth.Notes[m.Truth]
			if !Counted(tn) {
				continue
			}
			g, ok := labels[wallscan.NoteKey(pr.name, m.Pred)]
			if !ok {
				g = "\x00none"
			}
			got = append(got, g)
			want = append(want, tn.Theme)
		}
	}
	if len(got) == 0 {
		return 0, 0, 0
	}
	return ARI(Labels(want), Labels(got)), NMI(Labels(want), Labels(got)), len(got)
}

// scoreClusters measures the grouper per photo, over the whole set, and on
// the true texts alone (clean and with character noise).
func scoreClusters(ctx context.Context, g wallscan.Grouper, results []*photoResult, setGroups []wallscan.Group, seed uint64) (*ClusterFigures, error) {
	c := &ClusterFigures{Groups: len(setGroups)}
	c.ARISet, c.NMISet, _ = themeAgreement(results, GroupLabels(setGroups))
	var aris, nmis []float64
	for _, pr := range results {
		if pr.scanned == nil || len(pr.matches) < 2 {
			continue
		}
		groups, err := g.Group(ctx, wallscan.GroupRequest{Notes: wallscan.GroupNotes([]*wallscan.ScannedPhoto{pr.scanned})})
		if err != nil {
			return nil, fmt.Errorf("bench: group %s: %w", pr.name, err)
		}
		a, n, k := themeAgreement([]*photoResult{pr}, GroupLabels(groups))
		if k >= 2 {
			aris, nmis = append(aris, a), append(nmis, n)
		}
	}
	c.ARIPhoto, c.NMIPhoto = Mean(aris), Mean(nmis)

	texts, themes := trueTexts(results)
	c.Themes = len(distinct(themes))
	for _, noisy := range []bool{false, true} {
		notes := make([]wallscan.GroupNote, len(texts))
		rng := rand.New(rand.NewPCG(seed, 0x6e6f697365))
		for i, t := range texts {
			if noisy {
				t = AddCharNoise(t, 0.05, rng)
			}
			notes[i] = wallscan.GroupNote{Key: strconv.Itoa(i), Text: t}
		}
		groups, err := g.Group(ctx, wallscan.GroupRequest{Notes: notes})
		if err != nil {
			return nil, fmt.Errorf("bench: group the true texts: %w", err)
		}
		lab := GroupLabels(groups)
		got := make([]string, len(texts))
		for i := range texts {
			got[i] = lab[strconv.Itoa(i)]
		}
		a := ARI(Labels(themes), Labels(got))
		if noisy {
			c.ARITextNoisy = a
		} else {
			c.ARIText, c.NMIText = a, NMI(Labels(themes), Labels(got))
		}
	}
	return c, nil
}

// trueTexts returns the text and theme of every counted true note of the
// set, each physical note once.
func trueTexts(results []*photoResult) (texts, themes []string) {
	seen := map[string]bool{}
	for _, pr := range results {
		for _, n := range pr.truth.Notes {
			key := fmt.Sprintf("%s/%d/%d", pr.truth.Level, pr.truth.Seed, n.ID)
			if !Counted(n) || seen[key] {
				continue
			}
			seen[key] = true
			texts = append(texts, NormalizeSpace(n.Text))
			themes = append(themes, n.Theme)
		}
	}
	return
}

func distinct(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// AddCharNoise replaces, drops or doubles each character but spaces with
// probability p, as a misreading would: a replacement is a random letter.
func AddCharNoise(s string, p float64, rng *rand.Rand) string {
	var b strings.Builder
	for _, r := range s {
		if r == ' ' || rng.Float64() >= p {
			b.WriteRune(r)
			continue
		}
		switch rng.IntN(3) {
		case 0:
			b.WriteRune(rune('a' + rng.IntN(26)))
		case 1: // dropped
		default:
			b.WriteRune(r)
			b.WriteRune(r)
		}
	}
	return b.String()
}

// timedSegmenter records how long each segmentation takes.
type timedSegmenter struct {
	inner wallscan.Segmenter
	mu    sync.Mutex
	sum   time.Duration
}

func (t *timedSegmenter) Segment(ctx context.Context, photo []byte) (*wallscan.Segmentation, error) {
	t0 := time.Now()
	s, err := t.inner.Segment(ctx, photo)
	t.mu.Lock()
	t.sum += time.Since(t0)
	t.mu.Unlock()
	return s, err
}

func (t *timedSegmenter) total() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sum
}

// timedReader records how long each note takes to read.
type timedReader struct {
	inner wallscan.Reader
	mu    sync.Mutex
	each  []float64
}

func (t *timedReader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	t0 := time.Now()
	r, err := t.inner.Read(ctx, crop)
	d := ms(time.Since(t0))
	t.mu.Lock()
	t.each = append(t.each, d)
	t.mu.Unlock()
	return r, err
}

func (t *timedReader) durations() []float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]float64(nil), t.each...)
}

// resetPeakMemory resets the process's peak resident size (Linux), so the
// peak measured is that of the run, not of whatever came before.
func resetPeakMemory() {
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakMemoryMB returns the peak resident size of the process (VmHWM), which
// counts OpenCV's and Tesseract's memory as well as Go's.
func peakMemoryMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}

var errNoTesseract = errors.New("bench: the tesseract command is not installed (Debian package tesseract-ocr; scripts/setup.sh installs it)")
