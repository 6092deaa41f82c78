package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // photos
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"
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
			if !n.Counted() {
				continue
			}
			path := filepath.Join(tmp, fmt.Sprintf("%d-%d.png", i, k))
			if err := writePNG(path, CropQuad(img, n.Polygon)); err != nil {
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
				if !n.Counted() {
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
			if n.Counted() {
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

// CropQuad cuts the quadrilateral q (clockwise from the top-left) out of
// img and warps it upright: a perfect, unprocessed crop of a note, as the
// OCR peer gets it.
func CropQuad(img image.Image, q [4][2]int) *image.RGBA {
	var c [4][2]float64
	for i, p := range q {
		c[i] = [2]float64{float64(p[0]), float64(p[1])}
	}
	dist := func(a, b [2]float64) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
	w := int(math.Round((dist(c[0], c[1]) + dist(c[3], c[2])) / 2))
	h := int(math.Round((dist(c[0], c[3]) + dist(c[1], c[2])) / 2))
	w, h = max(w, 1), max(h, 1)
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(img.Bounds())
		draw.Draw(src, src.Rect, img, img.Bounds().Min, draw.Src)
	}
	hm := quadToRect(c, float64(w), float64(h))
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	b := src.Rect
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := hm[6]*fx + hm[7]*fy + hm[8]
			sx := (hm[0]*fx+hm[1]*fy+hm[2])/d - 0.5
			sy := (hm[3]*fx+hm[4]*fy+hm[5])/d - 0.5
			ix, iy := int(math.Floor(sx)), int(math.Floor(sy))
			tx, ty := sx-float64(ix), sy-float64(iy)
			o := y*out.Stride + x*4
			for ch := 0; ch < 3; ch++ {
				v := (1-ty)*((1-tx)*px(src, b, ix, iy, ch)+tx*px(src, b, ix+1, iy, ch)) +
					ty*((1-tx)*px(src, b, ix, iy+1, ch)+tx*px(src, b, ix+1, iy+1, ch))
				out.Pix[o+ch] = uint8(math.Max(0, math.Min(255, v+0.5)))
			}
			out.Pix[o+3] = 255
		}
	}
	return out
}

func px(img *image.RGBA, b image.Rectangle, x, y, ch int) float64 {
	x = max(b.Min.X, min(b.Max.X-1, x))
	y = max(b.Min.Y, min(b.Max.Y-1, y))
	return float64(img.Pix[(y-b.Min.Y)*img.Stride+(x-b.Min.X)*4+ch])
}

// quadToRect returns the homography that maps the upright rectangle
// (0,0)-(w,h) onto the quad c (clockwise from the top-left).
func quadToRect(c [4][2]float64, w, h float64) [9]float64 {
	src := [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}}
	var m [8][9]float64
	for k := 0; k < 4; k++ {
		x, y := src[k][0], src[k][1]
		u, v := c[k][0], c[k][1]
		m[2*k] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		m[2*k+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for col := 0; col < 8; col++ {
		piv := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		m[col], m[piv] = m[piv], m[col]
		p := m[col][col]
		if p == 0 {
			return [9]float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
		}
		for k := col; k < 9; k++ {
			m[col][k] /= p
		}
		for r := 0; r < 8; r++ {
			if r != col && m[r][col] != 0 {
				f := m[r][col]
				for k := col; k < 9; k++ {
					m[r][k] -= f * m[col][k]
				}
			}
		}
	}
	return [9]float64{m[0][8], m[1][8], m[2][8], m[3][8], m[4][8], m[5][8], m[6][8], m[7][8], 1}
}
