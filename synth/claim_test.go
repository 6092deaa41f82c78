package synth

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"testing"
)

func TestClaiming(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		w, h int
	}{
		{"png", PNGClaiming(100_000, 6_000), 100_000, 6_000},
		{"jpeg", JPEGClaiming(12_000, 9_000), 12_000, 9_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := image.Pt(cfg.Width, cfg.Height), image.Pt(tc.w, tc.h); got != want {
				t.Errorf("header claims %v, want %v", got, want)
			}
			if _, _, err := image.Decode(bytes.NewReader(tc.data)); err == nil {
				t.Error("the photo decodes; it should hold too little data")
			}
		})
	}
}
