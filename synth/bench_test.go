package synth

import "testing"

// BenchmarkGenerateStandard renders one 4000x3000 standard wall (without
// JPEG encoding).
func BenchmarkGenerateStandard(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, err := Generate(Options{Seed: int64(i), Level: LevelStandard, Width: 4000, Height: 3000}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJPEG encodes a generated standard wall as gen does.
func BenchmarkJPEG(b *testing.B) {
	w, err := Generate(Options{Seed: 1, Level: LevelStandard, Width: 4000, Height: 3000})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := w.JPEG(w.Quality); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderNote renders one 600 px hand-lettered note.
func BenchmarkRenderNote(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		RenderNote(NoteSpec{Text: "grondslag voor uitwisseling ontbreekt", Seed: int64(i)})
	}
}
