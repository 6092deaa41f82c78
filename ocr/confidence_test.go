package ocr

import (
	"image"
	"math"
	"testing"
)

// line lays words out on one line of writing, letters 40 pixels high and
// 20 wide, from x on line number n; each word's box fits its letters.
func line(n, x int, conf float64, words ...string) []rawWord {
	var out []rawWord
	y := 50 + 60*n
	for _, w := range words {
		wd := 20 * alnumLen(w)
		out = append(out, rawWord{text: w, box: image.Rect(x, y, x+wd, y+40), conf: conf, line: n})
		x += wd + 20
	}
	return out
}

func TestExplained(t *testing.T) {
	// "tijdstempels in" read as "ae": the box spans both lines.
	missed := append([]rawWord{{text: "ae", box: image.Rect(40, 50, 300, 150), conf: 90, line: 0}},
		line(2, 40, 90, "verschillende", "tijdzones")...)
	// wide handwriting: boxes half as wide again as the note's typical letter
	wide := line(0, 40, 90, "verschillende", "tijdzones")
	wide = append(wide, rawWord{text: "in", box: image.Rect(40, 110, 100, 150), conf: 90, line: 1})
	tests := []struct {
		name     string
		words    []rawWord
		min, max float64
	}{
		{"every box holds its letters", append(line(0, 40, 90, "tijdstempels", "in"), line(1, 40, 90, "verschillende", "tijdzones")...), 1, 1},
		{"wide letters are no missed ink", wide, 1, 1},
		{"a short word over two lines of ink", missed, 0, 0.75},
		{"no words", nil, 1, 1},
		{"only short words", line(0, 40, 90, "in", "de"), 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explained(tt.words)
			if got < tt.min || got > tt.max || math.IsNaN(got) {
				t.Errorf("explained = %.3f, want %.2f..%.2f", got, tt.min, tt.max)
			}
		})
	}
}

// TestConfidenceMissedInk pins issue 8: a reading that leaves a line of
// writing out, its ink swallowed by the box of a short, surely read word,
// is marked for review, while the same note read whole is not.
func TestConfidenceMissedInk(t *testing.T) {
	r := testReader(t)
	p := &prepared{w: 400, h: 300, scale: [2]float64{1, 1}, steps: defaultSteps}
	whole := append(line(0, 40, 92, "tijdstempels"), line(1, 40, 92, "in")...)
	whole = append(whole, line(2, 40, 92, "verschillende")...)
	whole = append(whole, line(3, 40, 92, "tijdzones")...)
	missed := append([]rawWord{{text: "eg", box: image.Rect(40, 50, 300, 150), conf: 92, line: 0}},
		line(2, 40, 92, "verschillende")...)
	missed = append(missed, line(3, 40, 92, "tijdzones")...)
	good := r.finish(attempt{words: whole, complete: 1}, p, r.sp)
	bad := r.finish(attempt{words: missed, complete: 1}, p, r.sp)
	if good.Review {
		t.Errorf("whole reading %q (confidence %.1f) marked for review", good.Text, good.Confidence)
	}
	if !bad.Review {
		t.Errorf("reading %q that leaves a line out has confidence %.1f, not marked for review", bad.Text, bad.Confidence)
	}
	if got, want := bad.Confidence, good.Confidence; got >= want {
		t.Errorf("confidence with a line left out %.1f, want below %.1f", got, want)
	}
}

// TestConfidenceLongKnownWord: a long word spelled exactly as in the word
// lists counts as read, however unsure Tesseract was of its letters; a
// long word in no list does not.
func TestConfidenceLongKnownWord(t *testing.T) {
	r := testReader(t)
	p := &prepared{w: 400, h: 300, scale: [2]float64{1, 1}, steps: defaultSteps}
	tests := []struct {
		name       string
		last       string
		wantReview bool
	}{
		{"word in the lists", "ontbreekt", false},
		{"word in no list", "qxzwvkjhg", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := line(0, 40, 92, "grondslag", "voor")
			ws = append(ws, line(1, 40, 92, "uitwisseling")...)
			ws = append(ws, line(2, 40, 0, tt.last)...)
			got := r.finish(attempt{words: ws, complete: 1}, p, r.sp)
			if got.Review != tt.wantReview {
				t.Errorf("%q: confidence %.1f, review %v, want review %v", got.Text, got.Confidence, got.Review, tt.wantReview)
			}
		})
	}
}
