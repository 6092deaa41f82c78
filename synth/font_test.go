package synth

import "testing"

func TestLoadFonts(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	if len(fs.hand) == 0 || len(fs.printed) == 0 {
		t.Fatalf("hand %d printed %d fonts", len(fs.hand), len(fs.printed))
	}
}
