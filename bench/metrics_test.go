package bench

import (
	"image"
	"math"
	"testing"

	"wallscan"
)

func sq(x, y, s int) wallscan.Quad {
	return wallscan.Quad{image.Pt(x, y), image.Pt(x+s, y), image.Pt(x+s, y+s), image.Pt(x, y+s)}
}

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

func TestPolygonIoU(t *testing.T) {
	diamond := wallscan.Quad{image.Pt(5, 0), image.Pt(10, 5), image.Pt(5, 10), image.Pt(0, 5)}
	reversed := wallscan.Quad{image.Pt(0, 0), image.Pt(0, 10), image.Pt(10, 10), image.Pt(10, 0)}
	// An arrowhead: not convex; its area is 100 - 25 = 75, all inside sq(0,0,10).
	arrow := wallscan.Quad{image.Pt(0, 0), image.Pt(10, 0), image.Pt(10, 10), image.Pt(5, 5)}
	for _, tc := range []struct {
		name string
		a, b wallscan.Quad
		want float64
		eps  float64
	}{
		{"same", sq(0, 0, 10), sq(0, 0, 10), 1, 1e-12},
		{"half shifted", sq(0, 0, 10), sq(5, 0, 10), 50.0 / 150, 1e-12},
		{"apart", sq(0, 0, 10), sq(20, 0, 10), 0, 0},
		{"inside", sq(0, 0, 10), sq(0, 0, 5), 0.25, 1e-12},
		{"diamond", sq(0, 0, 10), diamond, 0.5, 1e-12},
		{"counter-clockwise", sq(0, 0, 10), reversed, 1, 1e-12},
		{"non-convex", arrow, sq(0, 0, 10), 0.5, 0.02},
		{"degenerate", sq(0, 0, 0), sq(0, 0, 10), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PolygonIoU(tc.a, tc.b); !near(got, tc.want, tc.eps) {
				t.Errorf("IoU = %v, want %v", got, tc.want)
			}
			if got := PolygonIoU(tc.b, tc.a); !near(got, tc.want, tc.eps) {
				t.Errorf("IoU swapped = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMatchNotesPerfect(t *testing.T) {
	truth := []wallscan.Quad{sq(0, 0, 100), sq(200, 0, 100), sq(0, 200, 100)}
	ms := MatchNotes(truth, []wallscan.Quad{truth[2], truth[0], truth[1]}, MinIoU)
	if got, want := len(ms), 3; got != want {
		t.Fatalf("matches = %d, want %d", got, want)
	}
	c := Counts{TP: len(ms), FP: 3 - len(ms), FN: 3 - len(ms)}
	if c.Precision() != 1 || c.Recall() != 1 || c.F1() != 1 {
		t.Errorf("P, R, F1 = %v, %v, %v, want 1", c.Precision(), c.Recall(), c.F1())
	}
	for _, m := range ms {
		if m.IoU != 1 {
			t.Errorf("IoU %v", m.IoU)
		}
	}
	if got, want := ms[0].Pred, 1; got != want {
		t.Errorf("truth 0 matched pred %d, want %d", got, want)
	}
}

func TestMatchNotesImperfect(t *testing.T) {
	truth := []wallscan.Quad{sq(0, 0, 100), sq(200, 0, 100), sq(0, 200, 100)}
	pred := []wallscan.Quad{
		sq(10, 0, 100),   // truth 0: IoU 90*100/(2*10000-9000) = 9000/11000
		sq(250, 0, 100),  // truth 1: IoU 1/3, too low
		sq(900, 900, 50), // nothing
		sq(0, 0, 100),    // truth 0 exactly: wins over the first
	}
	ms := MatchNotes(truth, pred, MinIoU)
	if got, want := len(ms), 1; got != want {
		t.Fatalf("matches = %v, want %d", ms, want)
	}
	if got, want := ms[0], (Match{0, 3, 1}); got != want {
		t.Errorf("match = %v, want %v", got, want)
	}
	c := Counts{TP: 1, FP: len(pred) - 1, FN: len(truth) - 1}
	if got, want := c.Precision(), 0.25; got != want {
		t.Errorf("precision = %v, want %v", got, want)
	}
	if got, want := c.Recall(), 1.0/3; got != want {
		t.Errorf("recall = %v, want %v", got, want)
	}
	// F1 = 2 * 1/4 * 1/3 / (1/4 + 1/3) = 2/7.
	if got, want := c.F1(), 2.0/7; !near(got, want, 1e-12) {
		t.Errorf("F1 = %v, want %v", got, want)
	}
	// Alone, the shifted note matches truth 0 at 9/11.
	ms = MatchNotes(truth[:1], pred[:1], MinIoU)
	if len(ms) != 1 || !near(ms[0].IoU, 9.0/11, 1e-12) {
		t.Errorf("matches = %v, want IoU 9/11", ms)
	}
}

func TestCounts(t *testing.T) {
	var c Counts
	if c.Precision() != 1 || c.Recall() != 1 {
		t.Errorf("empty counts: P %v R %v, want 1", c.Precision(), c.Recall())
	}
	c.Add(Counts{TP: 0, FP: 2, FN: 3})
	if got := c.F1(); got != 0 {
		t.Errorf("F1 = %v, want 0", got)
	}
}

func TestCERAndWER(t *testing.T) {
	for _, tc := range []struct {
		truth, got string
		cer, wer   float64
	}{
		{"AVG maakt delen lastig", "AVG maakt delen lastig", 0, 0},
		{"AVG maakt\ndelen  lastig ", " AVG maakt delen\nlastig", 0, 0},
		{"kitten", "sitting", 3.0 / 6, 1},
		{"a b c", "a x c d", 3.0 / 5, 2.0 / 3}, // b->x, then " d" inserted
		{"abcd", "", 1, 1},
		{"", "", 0, 0},
		{"", "ruis", 1, 1},
		{"één", "een", 2.0 / 3, 1},
	} {
		if got := CER(tc.truth, tc.got); !near(got, tc.cer, 1e-12) {
			t.Errorf("CER(%q, %q) = %v, want %v", tc.truth, tc.got, got, tc.cer)
		}
		if got := WER(tc.truth, tc.got); !near(got, tc.wer, 1e-12) {
			t.Errorf("WER(%q, %q) = %v, want %v", tc.truth, tc.got, got, tc.wer)
		}
	}
}

func TestSubstringCER(t *testing.T) {
	page := "BIO compliance\nkost alle AVG maakt delen lastig capaciteit"
	for _, tc := range []struct {
		truth string
		want  float64
	}{
		{"AVG maakt\ndelen lastig", 0},
		{"delan", 0.2},
		{"zzzz", 1},
		{"", 0},
	} {
		if got := SubstringCER(tc.truth, page); !near(got, tc.want, 1e-12) {
			t.Errorf("SubstringCER(%q) = %v, want %v", tc.truth, got, tc.want)
		}
	}
}

func TestARIAndNMI(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a, b     []int
		ari, nmi float64
	}{
		{"identical", []int{0, 0, 1, 1, 2}, []int{0, 0, 1, 1, 2}, 1, 1},
		{"renamed", []int{0, 0, 1, 1, 2}, []int{5, 5, 3, 3, 9}, 1, 1},
		// Hand-computed: index 2, expected 18/15, max 4.5 -> 0.8/3.3;
		// MI = (2/3) ln 2, H = ln 2 and ln 3.
		{"split", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 2, 2}, 0.8 / 3.3, (2.0 / 3 * math.Ln2) / ((math.Ln2 + math.Log(3)) / 2)},
		{"both one cluster", []int{0, 0, 0}, []int{1, 1, 1}, 1, 1},
		{"all apart vs one", []int{0, 1, 2, 3}, []int{0, 0, 0, 0}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ARI(tc.a, tc.b); !near(got, tc.ari, 1e-12) {
				t.Errorf("ARI = %v, want %v", got, tc.ari)
			}
			if got := NMI(tc.a, tc.b); !near(got, tc.nmi, 1e-12) {
				t.Errorf("NMI = %v, want %v", got, tc.nmi)
			}
		})
	}
	if got, want := Labels([]string{"x", "y", "x", "z"}), []int{0, 1, 0, 2}; !equalInts(got, want) {
		t.Errorf("Labels = %v, want %v", got, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMeanMedian(t *testing.T) {
	if got, want := Median([]float64{3, 1, 2}), 2.0; got != want {
		t.Errorf("median = %v, want %v", got, want)
	}
	if got, want := Median([]float64{4, 1, 2, 3}), 2.5; got != want {
		t.Errorf("median = %v, want %v", got, want)
	}
	if got, want := Mean([]float64{1, 2, 6}), 3.0; got != want {
		t.Errorf("mean = %v, want %v", got, want)
	}
	if Mean(nil) != 0 || Median(nil) != 0 {
		t.Error("empty mean or median is not 0")
	}
}
