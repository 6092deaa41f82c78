package ocr

import (
	"math"
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
	// longWordConf is the least confidence a word of at least longWord
	// letters counts with when Tesseract spelled it exactly as a word in
	// the word lists or the vocabulary: a misreading almost never happens
	// to spell such a word, whatever Tesseract's own doubt about its
	// letters ("ontbreekt" read at 0).
	longWordConf = 80
	longWord     = 8
	// noiseConf: a word without letters or digits read with less
	// confidence than this is a smudge, not text, and is dropped.
	noiseConf = 60
)

// meaningful are the symbols a note may hold as a word of their own
// ("AVG & Woo", "?"); other words without letters or digits, such as "|"
// from a note's edge, are dropped.
const meaningful = "&+?!%€#@=>"

// ligatures spells out the ligatures Tesseract's Dutch model writes for ij.
var ligatures = strings.NewReplacer("ĳ", "ij", "Ĳ", "IJ")

// plausible reports whether a word looks like a word: in the word lists
// or the vocabulary (short words too), a compound, a number, or an
// abbreviation in capitals; not a mix of letters and stray symbols.
func (r *speller) plausible(w string) bool {
	_, core, _ := splitPunct(w)
	if core == "" {
		return alnumLen(w) == 0 && strings.ContainsAny(w, meaningful)
	}
	if strings.ContainsAny(core, "|<>{}[]\\_~^*") {
		return false
	}
	if !allLetters(core) {
		// numbers, dates, 2e, mixed words with a hyphen or apostrophe
		for _, part := range strings.FieldsFunc(core, func(r rune) bool { return r == '-' || r == '\'' || r == '/' }) {
			if allLetters(part) && !r.plausible(part) {
				return false
			}
		}
		return true
	}
	if r.known(core) {
		return true
	}
	n := utf8.RuneCountInString(core)
	return n >= 2 && n <= 5 && strings.ToUpper(core) == core && strings.ToLower(core) != core
}

// longWord reports whether w is a word of at least longWord letters that
// the word lists or the vocabulary hold as it is spelled (not merely as a
// compound of shorter words).
func (r *speller) longWord(w string) bool {
	_, core, _ := splitPunct(w)
	if utf8.RuneCountInString(core) < longWord || !allLetters(core) {
		return false
	}
	return r.vocab.has(core) || r.lex.has(core)
}

// token is one word of the note's text: one Tesseract word, or two joined
// over a line break at a hyphen.
type token struct {
	text  string
	conf  float64
	parts []int // indices into the Reading's Words
	known bool
	fixed bool
}

// finish turns the best attempt into a Reading: boxes in crop pixels,
// corrected words, the text with clean whitespace and joined hyphenation,
// and the calibrated confidence.
func (r *Reader) finish(a attempt, p *prepared, sp *speller) wallscan.Reading {
	var words []wallscan.Word
	var lineOf []int
	for _, w := range a.words {
		t := normaliseDashes(ligatures.Replace(strings.TrimSpace(w.text)))
		if t == "" || alnumLen(t) == 0 && (w.conf < noiseConf || !strings.ContainsAny(t, meaningful)) {
			continue
		}
		words = append(words, wallscan.Word{Text: t, Box: p.toCrop(w.box, a.k), Confidence: w.conf})
		lineOf = append(lineOf, w.line)
	}
	if len(words) == 0 {
		return wallscan.Reading{Review: true}
	}
	// Tokens: a word that ends a line with a hyphen joins the first word of
	// the next line.
	var toks []token
	for i, w := range words {
		if n := len(toks); n > 0 && lineOf[i] != lineOf[i-1] {
			prev := &toks[n-1]
			switch sp.hyphenJoin(prev.text, w.Text) {
			case joinDrop:
				prev.text = strings.TrimSuffix(prev.text, "-") + w.Text
			case joinKeep:
				prev.text += w.Text
			default:
				toks = append(toks, token{text: w.Text, conf: w.Confidence, parts: []int{i}})
				continue
			}
			prev.conf = min(prev.conf, w.Confidence)
			prev.parts = append(prev.parts, i)
			continue
		}
		toks = append(toks, token{text: w.Text, conf: w.Confidence, parts: []int{i}})
	}
	for i := range toks {
		t := &toks[i]
		if p.steps.correct {
			if fixed, ok := sp.correct(t.text, t.conf); ok {
				t.text, t.fixed = fixed, true
				if len(t.parts) == 1 {
					words[t.parts[0]].Text = fixed
				}
			}
		}
		t.known = t.fixed || sp.plausible(t.text)
	}
	commas(toks)
	texts := make([]string, len(toks))
	for i, t := range toks {
		texts[i] = t.text
	}
	reading := wallscan.Reading{Text: truncate(cleanSpace(strings.Join(texts, " ")), wallscan.MaxNoteText), Words: words}
	var sum, n float64
	for _, t := range toks {
		c := t.conf
		if t.fixed {
			c = min(c+20, correctedConf)
		} else if !t.known {
			c *= unknownWeight
		} else if sp.longWord(t.text) {
			c = max(c, longWordConf)
		}
		l := float64(max(1, alnumLen(t.text)))
		sum += c * l
		n += l
	}
	// A reading that leaves much of the ink unexplained misses words.
	// So does one whose words sit in boxes with room for far more letters
	// than were read ("ae" for a line and a half of writing).
	reading.Confidence = clamp(sum/n*math.Sqrt(a.complete*explained(a.words)), 0, 100)
	reading.Review = reading.Confidence < r.review
	return reading
}

// How a line ending in a hyphen joins the next line.
const (
	joinNone = iota // not a hyphenated word: a space between the lines
	joinDrop        // one word split over two lines: drop the hyphen
	joinKeep        // a hyphenated compound: keep the hyphen, no space
)

// hyphenJoin says how a line ending in prev continues with next. A word
// broken by the writer loses its hyphen ("gegevens-" + "deling"); a word
// spelled with a hyphen keeps it: one the word lists hold with a hyphen
// ("zee-egel"), a compound with a number ("2e-lijns") or with an
// abbreviation in capitals before lower case ("ICT-" + "afdeling").
func (r *speller) hyphenJoin(prev, next string) int {
	if !strings.HasSuffix(prev, "-") || utf8.RuneCountInString(prev) < 2 {
		return joinNone
	}
	left := strings.TrimSuffix(prev, "-")
	before, _ := utf8.DecodeLastRuneInString(left)
	after, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsLetter(after) || !(unicode.IsLetter(before) || unicode.IsDigit(before)) {
		return joinNone
	}
	_, l, _ := splitPunct(left)
	_, rgt, _ := splitPunct(next)
	switch {
	case unicode.IsDigit(before), strings.ToUpper(l) == l && unicode.IsLower(after):
		return joinKeep
	case r.lex.has(l + "-" + rgt):
		return joinKeep
	case vowelClash(l, rgt) && r.known(l) && r.known(rgt):
		// Dutch writes a hyphen where two words meet in vowels that could
		// be read as one sound: offerte-aanvragen, zee-egel.
		return joinKeep
	}
	return joinDrop
}

func vowelClash(l, r string) bool {
	a, _ := utf8.DecodeLastRuneInString(strings.ToLower(l))
	b, _ := utf8.DecodeRuneInString(strings.ToLower(r))
	return strings.ContainsRune("aeiou", a) && strings.ContainsRune("aeiou", b)
}

// commas turns a full stop that ends a word into a comma when the next
// word starts in lower case: after a full stop a sentence starts with a
// capital, and a handwritten comma is often read as a full stop.
func commas(toks []token) {
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i].text
		first, _ := utf8.DecodeRuneInString(toks[i+1].text)
		if !strings.HasSuffix(t, ".") || !unicode.IsLower(first) {
			continue
		}
		core := strings.TrimSuffix(t, ".")
		if strings.Contains(core, ".") || utf8.RuneCountInString(core) < 2 || !allLetters(core) {
			continue // an abbreviation such as o.a. or i.p.v.
		}
		toks[i].text = core + ","
	}
}

// normaliseDashes makes a dash between two letters a hyphen: Tesseract
// often reads a written hyphen as an en or em dash.
func normaliseDashes(w string) string {
	rs := []rune(w)
	for i := 1; i+1 < len(rs); i++ {
		if (rs[i] == '—' || rs[i] == '–') && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) {
			rs[i] = '-'
		}
	}
	return string(rs)
}

// truncate cuts s to at most n bytes at a word or rune boundary: a note
// holds a few words, and more is noise read as text.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(s[:cut], ' '); i > n/2 {
		cut = i
	}
	return s[:cut]
}

// cleanSpace collapses runs of white space into one space and trims.
func cleanSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }
