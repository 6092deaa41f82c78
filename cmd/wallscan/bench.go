package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"wallscan/bench"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure every quality and speed figure on a set",
		run:     runBench,
	})
}

func runBench(ctx context.Context, stdio Stdio, args []string) error {
	fs := newFlagSet("bench", stdio)
	setDir := fs.String("set", "", "measure the photos in `DIR` (written by wallscan gen) instead of generating them")
	g := addGenFlags(fs)
	jsonFile := fs.String("json", "", "also write the figures as JSON to `FILE`")
	noPeers := fs.Bool("no-peers", false, "do not run the peers (tesseract, TF-IDF + k-means)")
	peerPhotos := fs.Int("peer-photos", 3, "photos the whole-photo tesseract peer reads (0: all; it takes seconds per photo)")
	noOCR := fs.Bool("no-ocr", false, "find notes but do not read them")
	noCluster := fs.Bool("no-cluster", false, "do not group the notes")
	lang := fs.String("lang", "nld+eng", "Tesseract languages, joined by +")
	workers := fs.Int("workers", 0, "notes read at once (0: one per core)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: wallscan bench [--set DIR | --n N --level L --seed S] [--json FILE]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := g.check(); err != nil {
		return err
	}
	if *peerPhotos < 0 {
		return usagef("--peer-photos %d: give 0 or more", *peerPhotos)
	}

	var (
		set  bench.Set
		name string
	)
	if *setDir != "" {
		s, err := bench.DirSet(*setDir)
		if err != nil {
			return err
		}
		set, name = s, *setDir
	} else {
		var samples bench.Samples
		err := g.generate(ctx, false, func(p genPhoto) error {
			t, err := bench.ParseTruth(p.truth)
			if err != nil {
				return err
			}
			samples = append(samples, &bench.Sample{Name: p.name + ".jpg", Photo: p.jpeg, Truth: t})
			return nil
		})
		if err != nil {
			return err
		}
		set = samples
		name = fmt.Sprintf("generated (seeds %d-%d", *g.seed, *g.seed+int64(*g.n)-1)
		if *g.shots > 1 {
			name += fmt.Sprintf(", %d shots each", *g.shots)
		}
		name += ")"
		fmt.Fprintf(stdio.Err, "generated %d photos\n", len(samples))
	}

	p, closeFn, err := newPipeline(pipelineConfig{Read: !*noOCR, Group: !*noCluster, Lang: *lang, Workers: *workers})
	if err != nil {
		return err
	}
	defer closeFn()
	rep, err := bench.Run(ctx, set, bench.Options{
		Pipeline: p, Peers: !*noPeers, WholePhotoPeer: *peerPhotos, Lang: *lang,
		Shots: shotDrops(p.Matcher), Seed: uint64(*g.seed), Log: stdio.Err,
	})
	if err != nil {
		return err
	}
	rep.Set = name
	fmt.Fprintf(stdio.Out, "`wallscan bench %s` on %s\n\n", strings.Join(args, " "), time.Now().UTC().Format("2006-01-02 15:04 MST"))
	if err := rep.WriteTable(stdio.Out); err != nil {
		return err
	}
	if *jsonFile != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonFile, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", *jsonFile, err)
		}
	}
	if len(rep.Errors) > 0 {
		return errPartial
	}
	return nil
}
