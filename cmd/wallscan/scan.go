package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"wallscan"
)

func init() {
	register(&command{
		name:    "scan",
		summary: "find, read and group the notes of photos",
		run:     runScan,
	})
}

// scanOutput is the JSON document of `wallscan scan --json`, a stable
// contract (see DESIGN.md).
type scanOutput struct {
	Photos   []photoJSON   `json:"photos"`
	Clusters []clusterJSON `json:"clusters"`
}

type photoJSON struct {
	Path    string       `json:"path"`
	Width   int          `json:"width,omitempty"`
	Height  int          `json:"height,omitempty"`
	Quality *qualityJSON `json:"quality,omitempty"`
	Notes   []noteJSON   `json:"notes"`
	Error   string       `json:"error,omitempty"`
}

type qualityJSON struct {
	Sharpness float64  `json:"sharpness"`
	Warnings  []string `json:"warnings"`
}

type noteJSON struct {
	ID         string   `json:"id"`
	Polygon    [][2]int `json:"polygon"`
	BBox       [4]int   `json:"bbox"`
	Color      string   `json:"color"`
	RGB        string   `json:"rgb"`
	X          float64  `json:"x"`
	Y          float64  `json:"y"`
	Neighbours []string `json:"neighbours,omitempty"`
	Text       string   `json:"text"`
	Confidence float64  `json:"confidence"`
	Review     bool     `json:"review"`
	// DuplicateOf names the same physical note on an earlier photo of the
	// scan ("wall-a.jpg#3"): a note on two overlapping shots is read and
	// grouped once, under its first appearance.
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

type clusterJSON struct {
	ID       string   `json:"id"`
	Label    string   `json:"label"`
	Keywords []string `json:"keywords"`
	Theme    string   `json:"theme,omitempty"`
	Unsorted bool     `json:"unsorted,omitempty"`
	Notes    []string `json:"notes"`
}

func runScan(ctx context.Context, stdio Stdio, args []string) error {
	fs := newFlagSet("scan", stdio)
	asJSON := fs.Bool("json", false, "print one JSON document on stdout")
	noOCR := fs.Bool("no-ocr", false, "find notes but do not read them")
	noCluster := fs.Bool("no-cluster", false, "do not group the notes")
	lang := fs.String("lang", "nld+eng", "Tesseract languages, joined by +")
	overlay := fs.String("overlay", "", "write each photo with its notes outlined and numbered to `DIR`")
	workers := fs.Int("workers", 0, "notes read at once (0: one per core)")
	noDedupe := fs.Bool("no-dedupe", false, "do not match the photos with each other (faster for photos of different walls)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: wallscan scan [--json] [--no-ocr] [--no-cluster] [--no-dedupe] [--lang nld+eng] [--overlay DIR] PHOTO...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no photos given")
	}
	if *overlay != "" {
		if err := os.MkdirAll(*overlay, 0o755); err != nil {
			return fmt.Errorf("overlay folder: %w", err)
		}
	}
	p, closeFn, err := newPipeline(pipelineConfig{Read: !*noOCR, Group: !*noCluster, Lang: *lang, Workers: *workers, NoDedupe: *noDedupe})
	if err != nil {
		return err
	}
	defer closeFn()

	paths := fs.Args()
	prog := newProgress(stdio.Err, len(paths))
	out := scanOutput{Photos: []photoJSON{}, Clusters: []clusterJSON{}}
	var scanned []*wallscan.ScannedPhoto
	failed := false
	for _, path := range paths {
		prog.start(path)
		// Each photo is matched with the ones before it: a note that an
		// earlier, overlapping shot holds is named, not read again.
		pj, sp, err := scanOne(ctx, p, path, *overlay, scanned, prog)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failed = true
			pj.Error = err.Error()
			prog.fail(path, err)
		}
		out.Photos = append(out.Photos, pj)
		if sp != nil {
			scanned = append(scanned, sp)
		}
		prog.done()
	}
	prog.finish()

	if p.Grouper != nil && len(scanned) > 0 {
		groups, err := p.Grouper.Group(ctx, wallscan.GroupRequest{Notes: wallscan.GroupNotes(scanned)})
		if err != nil {
			return fmt.Errorf("group notes: %w", err)
		}
		out.Clusters = clustersJSON(groups)
	}

	if *asJSON {
		if err := writeJSON(stdio.Out, out); err != nil {
			return err
		}
	} else {
		printScanText(stdio.Out, out)
	}
	if failed {
		return errPartial
	}
	return nil
}

// scanOne runs one photo through the pipeline. It always returns the
// photo's JSON (with its path), so a failed photo still appears.
func scanOne(ctx context.Context, p *wallscan.Pipeline, path, overlayDir string, earlier []*wallscan.ScannedPhoto, prog *progress) (photoJSON, *wallscan.ScannedPhoto, error) {
	name := filepath.Base(path)
	pj := photoJSON{Path: path, Notes: []noteJSON{}}
	data, err := readPhotoFile(path)
	if err != nil {
		return pj, nil, err
	}
	sp, err := p.ScanAfter(ctx, name, data, earlier, func(int, wallscan.Reading) { prog.note() })
	if err != nil {
		return pj, nil, fmt.Errorf("%s", wallscan.ErrorMessage(err))
	}
	seg := sp.Segmentation
	pj.Width, pj.Height = seg.Width, seg.Height
	pj.Quality = &qualityJSON{Sharpness: round1(seg.Quality.Sharpness), Warnings: nonNil(seg.Quality.Warnings)}
	for i, n := range seg.Notes {
		b := n.Polygon.Bounds()
		nj := noteJSON{
			ID: wallscan.NoteKey(name, i), BBox: [4]int{b.Min.X, b.Min.Y, b.Dx(), b.Dy()},
			Color: string(n.Color), RGB: wallscan.HexRGB(n.RGB), X: round3(n.X), Y: round3(n.Y),
		}
		for _, c := range n.Polygon {
			nj.Polygon = append(nj.Polygon, [2]int{c.X, c.Y})
		}
		for _, j := range n.Neighbours {
			nj.Neighbours = append(nj.Neighbours, wallscan.NoteKey(name, j))
		}
		if sp.Duplicate(i) {
			nj.DuplicateOf = sp.DuplicateOf[i]
		} else if i < len(sp.Readings) {
			r := sp.Readings[i]
			nj.Text, nj.Confidence, nj.Review = wallscan.CleanText(r.Text), round1(r.Confidence), r.Review
			sp.Readings[i].Text = nj.Text
		}
		pj.Notes = append(pj.Notes, nj)
	}
	if overlayDir != "" {
		if err := writeOverlay(overlayDir, name, data, sp); err != nil {
			return pj, sp, fmt.Errorf("overlay: %w", err)
		}
	}
	return pj, sp, nil
}

// readPhotoFile reads a photo, refusing files over the upload limit
// before reading them.
func readPhotoFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case os.IsNotExist(err):
		return nil, fmt.Errorf("no such file")
	case err != nil:
		return nil, err
	case fi.IsDir():
		return nil, fmt.Errorf("is a folder, not a photo")
	case fi.Size() > wallscan.MaxUploadBytes:
		return nil, fmt.Errorf("the file is %d MB; the limit is %d MB", fi.Size()>>20, wallscan.MaxUploadBytes>>20)
	}
	return os.ReadFile(path)
}

// clustersJSON numbers groups c1, c2, ... in the grouper's order.
func clustersJSON(groups []wallscan.Group) []clusterJSON {
	out := make([]clusterJSON, 0, len(groups))
	for i, g := range groups {
		out = append(out, clusterJSON{
			ID: fmt.Sprintf("c%d", i+1), Label: g.Label, Keywords: nonNil(g.Keywords),
			Theme: g.Theme, Unsorted: g.Unsorted, Notes: nonNil(g.Notes),
		})
	}
	return out
}

func printScanText(w io.Writer, out scanOutput) {
	for _, p := range out.Photos {
		if p.Error != "" {
			fmt.Fprintf(w, "%s: error: %s\n", p.Path, p.Error)
			continue
		}
		fmt.Fprintf(w, "%s: %dx%d, %d notes", p.Path, p.Width, p.Height, len(p.Notes))
		if p.Quality != nil && len(p.Quality.Warnings) > 0 {
			fmt.Fprintf(w, " (warnings: %s)", strings.Join(p.Quality.Warnings, ", "))
		}
		fmt.Fprintln(w)
		for _, n := range p.Notes {
			if n.DuplicateOf != "" {
				fmt.Fprintf(w, "  %-14s %-7s        = %s\n", n.ID, n.Color, n.DuplicateOf)
				continue
			}
			fmt.Fprintf(w, "  %-14s %-7s %5.1f  %s\n", n.ID, n.Color, n.Confidence, strings.ReplaceAll(n.Text, "\n", " / "))
		}
	}
	for _, c := range out.Clusters {
		fmt.Fprintf(w, "%s %q (%d notes): %s\n", c.ID, c.Label, len(c.Notes), strings.Join(c.Notes, " "))
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }
func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// writeJSON writes v indented for people, with arrays of numbers (points,
// boxes, polygons) kept on one line, as in DESIGN.md.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	data = numberArray.ReplaceAllFunc(data, compactSpace)
	data = arrayOfArrays.ReplaceAllFunc(data, compactSpace)
	_, err = w.Write(append(data, '\n'))
	return err
}

var (
	numberArray   = regexp.MustCompile(`\[\s*-?[0-9.eE+-]+(?:,\s*-?[0-9.eE+-]+)*\s*\]`)
	arrayOfArrays = regexp.MustCompile(`\[\s*\[[^\[\]]*\](?:,\s*\[[^\[\]]*\])*\s*\]`)
	space         = regexp.MustCompile(`\s+`)
)

func compactSpace(b []byte) []byte { return space.ReplaceAll(b, nil) }
