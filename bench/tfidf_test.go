package bench

import (
	"slices"
	"testing"

	"wallscan/synth"
)

func TestTFIDFKMeans(t *testing.T) {
	texts := []string{
		"privacy wet AVG delen", "AVG privacy gegevens", "privacy officer AVG",
		"mainframe COBOL oud", "COBOL mainframe pensioen", "oud mainframe COBOL",
		"budget geld jaar", "geld budget begroting", "jaar budget geld",
	}
	truth := []int{0, 0, 0, 1, 1, 1, 2, 2, 2}
	got := TFIDFKMeans(texts, 3, 1)
	if ari := ARI(truth, got); ari != 1 {
		t.Errorf("labels %v: ARI %v, want 1 on word-sharing themes", got, ari)
	}
	again := TFIDFKMeans(texts, 3, 1)
	if !equalInts(got, again) {
		t.Errorf("same seed gave %v and %v", got, again)
	}
	// Texts that share no words cannot be grouped by word overlap.
	varied := []string{"AVG maakt delen lastig", "grondslag voor uitwisseling ontbreekt", "privacy officer zegt nee",
		"mainframe draait nog", "COBOL kennis gaat weg", "leverancier stopt support"}
	if ari := ARI([]int{0, 0, 0, 1, 1, 1}, TFIDFKMeans(varied, 2, 1)); ari > 0.5 {
		t.Errorf("ARI %v on texts without shared words; word overlap cannot know that", ari)
	}
	if got := TFIDFKMeans(nil, 3, 1); got != nil {
		t.Errorf("empty input gave %v", got)
	}
	if got := TFIDFKMeans([]string{"de het", "een"}, 5, 1); len(got) != 2 {
		t.Errorf("stop-word-only input gave %v", got)
	}
}

// TestTFIDFKMeansDeterministic: the same texts and seed give the same
// labels, run after run (Go's map order differs each time).
func TestTFIDFKMeansDeterministic(t *testing.T) {
	var texts []string
	for _, n := range synth.Corpus() {
		texts = append(texts, n.Text)
	}
	want := TFIDFKMeans(texts, len(synth.Themes()), 3)
	for run := range 20 {
		if got := TFIDFKMeans(texts, len(synth.Themes()), 3); !slices.Equal(got, want) {
			t.Fatalf("run %d gave other labels than the first", run+2)
		}
	}
}
