package ocr

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"wallscan"
)

// Confidence calibration. A note's confidence is the mean of its words'
// confidences weighted by their length, where a word that is in no word
// list (and was not corrected into one) counts at unknownWeight of its
// confidence, and a corrected word at correctedConf at most: both are where
// wrong readings hide.
const (
	unknownWeight = 0.8
	correctedConf = 75
	// noiseConf: a word without letters or digits read with less
	// confidence than this is a smudge, not text, and is dropped.
	noiseConf = 60
)

// finish turns the best attempt into a Reading: boxes in crop pixels,
// corrected words, the text with clean whitespace and joined hyphenation,
// and the calibrated confidence.
func (r *Reader) finish(a attempt, p *prepared) wallscan.Reading {
	type word struct {
		wallscan.Word
		line  int
		known bool
		fixed bool
	}
	var ws []word
	for _, w := range a.words {
		t := strings.TrimSpace(w.text)
		if t == "" {
			continue
		}
		if alnumLen(t) == 0 && w.conf < noiseConf {
			continue
		}
		out := word{Word: wallscan.Word{Text: t, Box: p.toCrop(w.box, a.k), Confidence: w.conf}, line: w.line}
		if p.steps.correct {
			if fixed, ok := r.correct(t, w.conf); ok {
				out.Text, out.fixed = fixed, true
			}
		}
		_, core, _ := splitPunct(out.Text)
		out.known = out.fixed || alnumLen(core) < 3 || r.known(core) || !allLetters(core)
		ws = append(ws, out)
	}
	reading := wallscan.Reading{}
	if len(ws) == 0 {
		reading.Review = true
		return reading
	}
	// Text: words of a line joined by a space, lines by a space too, except
	// that a line ending in a hyphenated part joins the next line's word.
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			prev := ws[i-1]
			switch join := hyphenJoin(prev.Text, w.Text); {
			case prev.line != w.line && join == joinDrop:
				s := b.String()
				b.Reset()
				b.WriteString(strings.TrimSuffix(s, "-"))
			case prev.line != w.line && join == joinKeep:
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(w.Text)
	}
	reading.Text = cleanSpace(b.String())
	// Confidence.
	var sum, n float64
	for _, w := range ws {
		c := w.Confidence
		if w.fixed {
			c = min(c+20, correctedConf)
		} else if !w.known {
			c *= unknownWeight
		}
		l := float64(max(1, alnumLen(w.Text)))
		sum += c * l
		n += l
	}
	reading.Confidence = clamp(sum/n, 0, 100)
	reading.Review = reading.Confidence < r.review
	for _, w := range ws {
		reading.Words = append(reading.Words, w.Word)
	}
	return reading
}

// How a line ending in a hyphen joins the next line.
const (
	joinNone = iota // not a hyphenated word: a space between the lines
	joinDrop        // one word split over two lines: drop the hyphen
	joinKeep        // a hyphenated compound: keep the hyphen, no space
)

// hyphenJoin says how a line ending in prev continues with next. A
// lower-case letter, a hyphen and a lower-case letter is one word split by
// the writer ("gegevens-" + "deling"); an upper-case letter or a digit
// before the hyphen marks a compound that keeps it ("ICT-" + "afdeling").
func hyphenJoin(prev, next string) int {
	if !strings.HasSuffix(prev, "-") || utf8.RuneCountInString(prev) < 2 {
		return joinNone
	}
	before, _ := utf8.DecodeLastRuneInString(strings.TrimSuffix(prev, "-"))
	after, _ := utf8.DecodeRuneInString(next)
	switch {
	case !unicode.IsLetter(after) || !(unicode.IsLetter(before) || unicode.IsDigit(before)):
		return joinNone
	case unicode.IsLower(before) && unicode.IsLower(after):
		return joinDrop
	}
	return joinKeep
}

// cleanSpace collapses runs of white space into one space and trims.
func cleanSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }
