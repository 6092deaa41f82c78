package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"
)

// progress reports a scan's progress on stderr: a one-line bar that redraws
// itself on a terminal, and only failures otherwise, so logs stay readable.
type progress struct {
	w        io.Writer
	terminal bool
	total    int
	finished int
	notes    int
	current  string
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, total: total, terminal: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) start(path string) {
	p.current = filepath.Base(path)
	p.draw()
}

func (p *progress) note() {
	p.notes++
	p.draw()
}

func (p *progress) done() {
	p.finished++
	p.draw()
}

func (p *progress) fail(path string, err error) {
	if p.terminal {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "wallscan scan: %s: %v\n", path, err)
	p.draw()
}

func (p *progress) finish() {
	if p.terminal {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (p *progress) draw() {
	if !p.terminal {
		return
	}
	const width = 24
	filled := 0
	if p.total > 0 {
		filled = width * p.finished / p.total
	}
	bar := strings.Repeat("#", filled) + strings.Repeat(".", width-filled)
	fmt.Fprintf(p.w, "\r\033[K[%s] %d/%d photos, %d notes read  %s", bar, p.finished, p.total, p.notes, p.current)
}
