package main

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"wallscan/synth"
)

func init() {
	register(&command{
		name:    "gen",
		summary: "write synthetic wall photos with ground truth",
		run:     runGen,
	})
}

// genFlags are the flags gen and bench share to describe a generated set.
type genFlags struct {
	n          *int
	seed       *int64
	level      *string
	notes      *int
	shots      *int
	background *string
	printed    *bool
	white      *float64
}

func addGenFlags(fs interface {
	Int(string, int, string) *int
	Int64(string, int64, string) *int64
	String(string, string, string) *string
	Bool(string, bool, string) *bool
	Float64(string, float64, string) *float64
}) genFlags {
	return genFlags{
		n:          fs.Int("n", 10, "number of walls"),
		seed:       fs.Int64("seed", 1, "seed of the first wall; wall i gets seed+i"),
		level:      fs.String("level", "standard", "difficulty: easy, standard or hard"),
		notes:      fs.Int("notes", 0, "notes per wall (0: the level's default)"),
		shots:      fs.Int("shots", 1, "overlapping photos per wall (1-3)"),
		background: fs.String("background", "", "plaster, whiteboard, kraft, wood or grey (default: each in turn, by seed)"),
		printed:    fs.Bool("printed", false, "print every note instead of hand-lettering it"),
		white:      fs.Float64("white", 0, "share of white notes (0-1), on kraft, wood and grey only"),
	}
}

func (g genFlags) check() error {
	if *g.n < 1 || *g.n > 10000 {
		return usagef("--n %d: give 1 to 10000 walls", *g.n)
	}
	if *g.shots < 1 || *g.shots > 3 {
		return usagef("--shots %d: give 1 to 3", *g.shots)
	}
	if *g.white < 0 || *g.white > 1 {
		return usagef("--white %v: give a share from 0 to 1", *g.white)
	}
	switch synth.Level(*g.level) {
	case synth.LevelEasy, synth.LevelStandard, synth.LevelHard:
	default:
		return usagef("--level %q: use easy, standard or hard", *g.level)
	}
	return nil
}

// genPhoto is one generated photo, encoded.
type genPhoto struct {
	name  string
	jpeg  []byte
	truth []byte
	wall  *synth.Wall // only when keepWall
}

// generate renders the walls of g, one per core at a time, and hands each
// photo to emit in order of seed and shot.
func (g genFlags) generate(ctx context.Context, keepWall bool, emit func(genPhoto) error) error {
	type result struct {
		photos []genPhoto
		err    error
	}
	n := *g.n
	results := make([]chan result, n)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for i := range n {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] <- result{err: ctx.Err()}
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				seed := *g.seed + int64(i)
				// A set covers every background evenly unless told otherwise.
				bg := *g.background
				if bg == "" {
					bg = synth.Backgrounds[((seed%5)+5)%5]
				}
				opt := synth.Options{Seed: seed, Level: synth.Level(*g.level), Notes: *g.notes,
					Background: bg, Printed: *g.printed, White: *g.white}
				walls, err := synth.GenerateShots(opt, *g.shots)
				if err != nil {
					results[i] <- result{err: err}
					return
				}
				var r result
				for _, w := range walls {
					name := fmt.Sprintf("%s-%04d", *g.level, seed)
					if *g.shots > 1 {
						name += fmt.Sprintf("-%d", w.Shot+1)
					}
					jpg, err := w.JPEG(w.Quality)
					if err != nil {
						r.err = err
						break
					}
					js, err := w.TruthJSON()
					if err != nil {
						r.err = err
						break
					}
					p := genPhoto{name: name, jpeg: jpg, truth: js}
					if keepWall {
						p.wall = w
					}
					r.photos = append(r.photos, p)
				}
				results[i] <- r
			}()
		}
	}()
	var firstErr error
	for i := range n {
		r := <-results[i]
		if r.err != nil && firstErr == nil {
			firstErr = r.err
			cancel()
		}
		if firstErr != nil {
			continue
		}
		for _, p := range r.photos {
			if err := emit(p); err != nil {
				firstErr = err
				cancel()
				break
			}
		}
	}
	wg.Wait()
	return firstErr
}

func runGen(ctx context.Context, stdio Stdio, args []string) error {
	fs := newFlagSet("gen", stdio)
	g := addGenFlags(fs)
	overlay := fs.Bool("overlay", false, "also write NAME-truth.png: the photo at quarter size with the true outlines")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: wallscan gen OUTDIR [--n N] [--seed S] [--level easy|standard|hard] [--shots K] [--overlay]")
		fmt.Fprintln(fs.Output(), "\nwrites NAME.jpg and NAME.json (the ground truth) per photo")
		fs.PrintDefaults()
	}
	outDir, rest := splitPositional(args)
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if outDir == "" && fs.NArg() == 1 {
		outDir = fs.Arg(0)
	} else if fs.NArg() > 0 || outDir == "" {
		return usagef("give one output directory")
	}
	if err := g.check(); err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", outDir, err)
	}
	count, total := 0, *g.n**g.shots
	err := g.generate(ctx, *overlay, func(p genPhoto) error {
		if err := os.WriteFile(filepath.Join(outDir, p.name+".jpg"), p.jpeg, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(outDir, p.name+".json"), p.truth, 0o644); err != nil {
			return err
		}
		if p.wall != nil {
			f, err := os.Create(filepath.Join(outDir, p.name+"-truth.png"))
			if err != nil {
				return err
			}
			if err := png.Encode(f, p.wall.Overlay(4)); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
		count++
		fmt.Fprintf(stdio.Err, "[%d/%d] %s.jpg\n", count, total, filepath.Join(outDir, p.name))
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Err, "wrote %d photos with ground truth to %s\n", count, outDir)
	return nil
}

// splitPositional takes a leading positional argument off args, so that
// `wallscan gen OUTDIR --n 5` works as well as `wallscan gen --n 5 OUTDIR`.
func splitPositional(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}
