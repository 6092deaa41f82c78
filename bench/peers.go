package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // photos
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"wallscan/synth"
)

// tesseract runs the tesseract command on an image file and returns the
// text it printed.
func tesseract(ctx context.Context, path, lang string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "tesseract", append([]string{path, "stdout", "-l", lang}, args...)...)
	// One thread per process: the peers run side by side, one per core.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if _, lookErr := exec.LookPath("tesseract"); lookErr != nil {
			return "", errNoTesseract
		}
		return "", fmt.Errorf("bench: tesseract %s: %v: %s", filepath.Base(path), err, bytes.TrimSpace(errb.Bytes()))
	}
	return out.String(), nil
}

// runPeers measures the peers on the same set: plain `tesseract --psm 6`
// on the true crops, `tesseract` on whole photos, and TF-IDF + k-means given
// the true number of themes.
func runPeers(ctx context.Context, set Set, results []*photoResult, opt Options, logf func(string, ...any)) (*PeerFigures, error) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		return nil, errNoTesseract
	}
	tmp, err := os.MkdirTemp("", "wallscan-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)
	p := &PeerFigures{}

	type job struct {
		path string
		note TruthNote
	}
	var (
		jobs                     []job
		cers, wers, hand, printd []float64
		good, counted            int
		wholeRecall              []float64
		wholeTime                time.Duration
	)
	for i := range set.Len() {
		s, err := set.Sample(i)
		if err != nil {
			return nil, err
		}
		img, _, err := image.Decode(bytes.NewReader(s.Photo))
		if err != nil {
			return nil, fmt.Errorf("bench: decode %s: %w", s.Name, err)
		}
		for k, n := range s.Truth.Notes {
			if !Counted(n) {
				continue
			}
			path := filepath.Join(tmp, fmt.Sprintf("%d-%d.png", i, k))
			if err := writePNG(path, synth.CropQuad(img, n.Polygon)); err != nil {
				return nil, err
			}
			jobs = append(jobs, job{path, n})
		}
		if opt.WholePhotoPeer == 0 || i < opt.WholePhotoPeer {
			ext := ".png"
			if bytes.HasPrefix(s.Photo, []byte{0xff, 0xd8}) {
				ext = ".jpg"
			}
			path := filepath.Join(tmp, fmt.Sprintf("%d-photo%s", i, ext))
			if err := os.WriteFile(path, s.Photo, 0o600); err != nil {
				return nil, fmt.Errorf("bench: %w", err)
			}
			t0 := time.Now()
			text, err := tesseract(ctx, path, opt.Lang)
			wholeTime += time.Since(t0)
			if err != nil {
				return nil, err
			}
			for _, n := range s.Truth.Notes {
				if !Counted(n) {
					continue
				}
				if SubstringCER(n.Text, text) <= GoodCER {
					wholeRecall = append(wholeRecall, 1)
				} else {
					wholeRecall = append(wholeRecall, 0)
				}
			}
			p.WholePhotos++
			logf("peer: tesseract on the whole photo %s in %v", s.Name, time.Since(t0).Round(time.Millisecond))
		}
	}
	p.WholeTextRecall = Mean(wholeRecall)
	if p.WholePhotos > 0 {
		p.WholeSecPerPhoto = wholeTime.Seconds() / float64(p.WholePhotos)
	}

	// The crops, one tesseract per core.
	texts := make([]string, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	t0 := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				texts[i], errs[i] = tesseract(ctx, jobs[i].path, opt.Lang, "--psm", "6")
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(jobs) > 0 {
		p.CropMsPerNote = ms(time.Since(t0)) * float64(runtime.GOMAXPROCS(0)) / float64(len(jobs))
	}
	for i, j := range jobs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		cer := CER(j.note.Text, texts[i])
		cers = append(cers, cer)
		wers = append(wers, WER(j.note.Text, texts[i]))
		if j.note.Printed {
			printd = append(printd, cer)
		} else {
			hand = append(hand, cer)
		}
		counted++
		if cer <= GoodCER {
			good++
		}
	}
	p.CropCERMean, p.CropCERMedian, p.CropWERMean = Mean(cers), Median(cers), Mean(wers)
	p.CropCERHand, p.CropCERPrinted = Mean(hand), Mean(printd)
	p.CropTextRecall = ratio(good, counted)
	logf("peer: tesseract --psm 6 on %d true crops", len(jobs))

	// TF-IDF + k-means on the true texts, given the true number of themes.
	var aris, nmis []float64
	for _, pr := range results {
		var tx, th []string
		for _, n := range pr.truth.Notes {
			if Counted(n) {
				tx, th = append(tx, NormalizeSpace(n.Text)), append(th, n.Theme)
			}
		}
		if len(tx) < 2 {
			continue
		}
		got := TFIDFKMeans(tx, len(distinct(th)), opt.Seed)
		aris, nmis = append(aris, ARI(Labels(th), got)), append(nmis, NMI(Labels(th), got))
	}
	p.KMeansARIPhoto, p.KMeansNMIPhoto = Mean(aris), Mean(nmis)
	tx, th := trueTexts(results)
	if len(tx) >= 2 {
		got := TFIDFKMeans(tx, len(distinct(th)), opt.Seed)
		p.KMeansARISet, p.KMeansNMISet = ARI(Labels(th), got), NMI(Labels(th), got)
	}
	return p, nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("bench: %w", err)
	}
	return f.Close()
}
