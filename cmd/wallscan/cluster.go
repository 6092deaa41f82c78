package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"wallscan"
	"wallscan/cluster"
)

// Limits of `wallscan cluster` input.
const (
	// MaxClusterLine is the longest JSON line accepted, in bytes: a note
	// of MaxNoteText bytes with its fields, escaped, fits with room.
	MaxClusterLine = 16 << 10
	// MaxClusterNotes is the most notes one run groups.
	MaxClusterNotes = cluster.MaxNotes
)

func init() {
	register(&command{name: "cluster", summary: "group notes given as JSON lines on stdin", run: runCluster})
}

// clusterInputNote is one JSON line of `wallscan cluster` input.
type clusterInputNote struct {
	ID         *string  `json:"id"`
	Text       *string  `json:"text"`
	X          *float64 `json:"x"`
	Y          *float64 `json:"y"`
	Photo      string   `json:"photo"`
	Color      string   `json:"color"`
	Neighbours []string `json:"neighbours"`
}

// clusterOutputGroup is one cluster of `wallscan cluster --json` output,
// the same shape as the clusters of `wallscan scan --json`.
type clusterOutputGroup struct {
	ID             string   `json:"id"`
	Label          string   `json:"label"`
	Keywords       []string `json:"keywords"`
	Theme          string   `json:"theme,omitempty"`
	Representative string   `json:"representative,omitempty"`
	Unsorted       bool     `json:"unsorted,omitempty"`
	Notes          []string `json:"notes"`
}

// vocabFlag collects repeated --vocab flags.
type vocabFlag []string

func (v *vocabFlag) String() string     { return strings.Join(*v, "; ") }
func (v *vocabFlag) Set(s string) error { *v = append(*v, s); return nil }

func runCluster(ctx context.Context, stdio Stdio, args []string) error {
	fs := newFlagSet("cluster", stdio)
	asJSON := fs.Bool("json", false, "print one JSON document on stdout")
	unknown := fs.Bool("unknown", false, `also list the words on two or more notes that neither the lexicon nor --vocab knows ("unknown_words" in JSON): candidates for --vocab`)
	var vocab vocabFlag
	fs.Var(&vocab, "vocab", `the workshop's own terms, comma-separated synonyms, or a theme of its own as "Label: term, term" (repeatable)`)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `usage: wallscan cluster [--json] [--unknown] [--vocab "term, synonym" | --vocab "Theme: term, term"]... < notes.jsonl

Reads one note a line: {"id": "...", "text": "..."} with optional "x", "y",
"photo", "color" and "neighbours"; prints the clusters.`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; the notes come on stdin", fs.Arg(0))
	}
	notes, err := readClusterNotes(stdio.In)
	if err != nil {
		return err
	}
	g := cluster.New(cluster.Options{})
	req := wallscan.GroupRequest{Notes: notes, Vocabulary: vocab}
	groups, err := g.Group(ctx, req)
	if err != nil {
		return err
	}
	// words stays nil unless --unknown asked for them, and then holds a
	// list, so that the JSON says "unknown_words": [] rather than nothing.
	var words *[]wallscan.UnknownWord
	if *unknown {
		ws, err := g.UnknownWords(ctx, req)
		if err != nil {
			return err
		}
		words = &ws
	}
	out := make([]clusterOutputGroup, 0, len(groups))
	for i, g := range groups {
		out = append(out, clusterOutputGroup{
			ID: fmt.Sprintf("c%d", i+1), Label: g.Label, Keywords: nonNilStrings(g.Keywords), Theme: g.Theme,
			Representative: g.Representative, Unsorted: g.Unsorted, Notes: nonNilStrings(g.Notes),
		})
	}
	if *asJSON {
		enc := json.NewEncoder(stdio.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Clusters []clusterOutputGroup    `json:"clusters"`
			Unknown  *[]wallscan.UnknownWord `json:"unknown_words,omitempty"`
		}{out, words})
	}
	for _, g := range out {
		fmt.Fprintf(stdio.Out, "%s  %s (%d)", g.ID, g.Label, len(g.Notes))
		if g.Theme != "" {
			fmt.Fprintf(stdio.Out, "  [%s]", g.Theme)
		}
		fmt.Fprintln(stdio.Out)
		fmt.Fprintf(stdio.Out, "    keywords: %s\n    notes: %s\n", strings.Join(g.Keywords, ", "), strings.Join(g.Notes, " "))
	}
	if words != nil {
		fmt.Fprintln(stdio.Out, "unknown words (notes):")
		for _, w := range *words {
			fmt.Fprintf(stdio.Out, "    %s (%d)  e.g. %q\n", w.Word, w.Notes, w.Example)
		}
	}
	return nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// readClusterNotes reads JSON lines of notes, holding each line to the
// named limits; an error names the line.
func readClusterNotes(r io.Reader) ([]wallscan.GroupNote, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var notes []wallscan.GroupNote
	seen := map[string]int{}
	for line := 1; ; line++ {
		raw, err := readLine(br, MaxClusterLine)
		if errors.Is(err, errLineTooLong) {
			return nil, wallscan.Errorf(wallscan.EINVALID, "line %d is longer than %d bytes (MaxClusterLine)", line, MaxClusterLine)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read line %d: %w", line, err)
		}
		if s := bytes.TrimSpace(raw); len(s) > 0 {
			n, perr := parseClusterNote(s)
			if perr != nil {
				return nil, wallscan.Errorf(wallscan.EINVALID, "line %d: %s", line, perr)
			}
			if first, ok := seen[n.Key]; ok {
				return nil, wallscan.Errorf(wallscan.EINVALID, "line %d: id %q was already used on line %d", line, n.Key, first)
			}
			seen[n.Key] = line
			if len(notes) == MaxClusterNotes {
				return nil, wallscan.Errorf(wallscan.EINVALID, "line %d: more than %d notes (MaxClusterNotes)", line, MaxClusterNotes)
			}
			notes = append(notes, n)
		}
		if errors.Is(err, io.EOF) {
			return notes, nil
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline; io.EOF comes with the
// last line (which may be empty).
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(bytes.TrimRight(buf, "\r\n")) > limit {
			return nil, errLineTooLong
		}
		switch {
		case err == nil:
			return bytes.TrimRight(buf, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return bytes.TrimRight(buf, "\r\n"), err
		}
	}
}

// parseClusterNote decodes one line; its error says what is wrong, for the
// caller to prefix with the line number.
func parseClusterNote(s []byte) (wallscan.GroupNote, error) {
	var in clusterInputNote
	dec := json.NewDecoder(bytes.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return wallscan.GroupNote{}, fmt.Errorf("not a JSON note object (%v)", err)
	}
	if dec.More() {
		return wallscan.GroupNote{}, fmt.Errorf("more than one JSON value; put one note on each line")
	}
	n := wallscan.GroupNote{Photo: in.Photo, Neighbours: in.Neighbours}
	switch {
	case in.ID == nil || *in.ID == "":
		return n, fmt.Errorf(`"id" is missing or empty`)
	case len(*in.ID) > cluster.MaxKey:
		return n, fmt.Errorf(`"id" is longer than %d bytes (MaxKey)`, cluster.MaxKey)
	case in.Text == nil:
		return n, fmt.Errorf(`"text" is missing`)
	case len(*in.Text) > wallscan.MaxNoteText:
		return n, fmt.Errorf(`"text" is %d bytes, more than %d (MaxNoteText)`, len(*in.Text), wallscan.MaxNoteText)
	case (in.X == nil) != (in.Y == nil):
		return n, fmt.Errorf(`give both "x" and "y" or neither`)
	}
	n.Key, n.Text = *in.ID, *in.Text
	if in.X != nil {
		if math.IsNaN(*in.X) || math.IsInf(*in.X, 0) || math.IsNaN(*in.Y) || math.IsInf(*in.Y, 0) {
			return n, fmt.Errorf(`"x" and "y" must be finite numbers`)
		}
		n.X, n.Y, n.HasPosition = *in.X, *in.Y, true
	}
	if in.Color != "" {
		c := wallscan.Color(in.Color)
		if !c.Valid() {
			return n, fmt.Errorf(`"color" %q is not one of %v`, in.Color, wallscan.Colors)
		}
		n.Color = c
	}
	return n, nil
}
