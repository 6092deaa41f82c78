package ocr

import (
	"strings"
	"testing"
)

// cer is the character error rate of got against the truth want: the edit
// distance between the two, white space collapsed, over the length of want.
func cer(got, want string) float64 {
	got, want = strings.ToLower(cleanSpace(got)), strings.ToLower(cleanSpace(want))
	n := len([]rune(want))
	if n == 0 {
		if got == "" {
			return 0
		}
		return 1
	}
	return float64(levenshtein(got, want)) / float64(n)
}

// caseCER is cer without folding case, as bench.CER counts.
func caseCER(got, want string) float64 {
	got, want = cleanSpace(got), cleanSpace(want)
	n := len([]rune(want))
	if n == 0 {
		if got == "" {
			return 0
		}
		return 1
	}
	return min(1, float64(levenshtein(got, want))/float64(n))
}

func TestCER(t *testing.T) {
	tests := []struct {
		got, want string
		cer       float64
	}{
		{"abc", "abc", 0},
		{"abd", "abc", 1.0 / 3},
		{"a  b\nc", "a b c", 0},
		{"", "abcd", 1},
		{"", "", 0},
		{"x", "", 1},
		{"één", "een", 2.0 / 3},
	}
	for _, tt := range tests {
		if got := cer(tt.got, tt.want); got != tt.cer {
			t.Errorf("cer(%q, %q) = %v, want %v", tt.got, tt.want, got, tt.cer)
		}
	}
}
