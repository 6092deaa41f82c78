package capture

import (
	"context"
	"image"
	"os"
	"testing"

	"gocv.io/x/gocv"

	"wallscan"
	"wallscan/synth"
)

// blurWall blurs a generated photo with a Gaussian of the given sigma (in
// photo pixels), as an out-of-focus or shaken camera would, and scales its
// brightness by light (1 = as generated).
func blurWall(tb testing.TB, img *image.RGBA, sigma, light float64) []byte {
	tb.Helper()
	m, err := gocv.ImageToMatRGB(img)
	if err != nil {
		tb.Fatal(err)
	}
	defer m.Close()
	if sigma > 0 {
		gocv.GaussianBlur(m, &m, image.Pt(0, 0), sigma, sigma, gocv.BorderReplicate)
	}
	if light != 1 {
		m.ConvertToWithParams(&m, gocv.MatTypeCV8UC3, float32(light), 0)
	}
	buf, err := gocv.IMEncode(gocv.JPEGFileExt, m)
	if err != nil {
		tb.Fatal(err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...)
}

// TestCalibrateQuality prints sharpness and brightness of generated walls
// under added blur and dimmed light, to set BlurryBelow and DarkBelow. It
// runs only with WALLSCAN_CALIBRATE set.
func TestCalibrateQuality(t *testing.T) {
	if os.Getenv("WALLSCAN_CALIBRATE") == "" {
		return
	}
	seg := NewSegmenter(Options{})
	for _, lv := range []synth.Level{synth.LevelStandard, synth.LevelHard} {
		for seed := int64(1); seed <= 4; seed++ {
			w, err := synth.Generate(synth.Options{Seed: seed, Level: lv})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ sigma, light float64 }{{0, 1}, {1.5, 1}, {3, 1}, {5, 1}, {8, 1}, {0, 0.5}, {0, 0.3}} {
				got, err := seg.Segment(context.Background(), blurWall(t, w.Image, c.sigma, c.light))
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s seed %d %-10s sigma %.1f light %.1f: notes %2d sharp %7.1f bright %5.1f %v", lv, seed, w.Background, c.sigma, c.light, len(got.Notes), got.Quality.Sharpness, got.Quality.Brightness, got.Quality.Warnings)
			}
		}
	}
}

func TestQualityWarnings(t *testing.T) {
	wall, err := synth.Generate(synth.Options{Seed: 3, Level: synth.LevelStandard, Width: 2400, Height: 1800})
	if err != nil {
		t.Fatal(err)
	}
	var small []drawnNote
	for i := range 12 {
		small = append(small, drawnNote{q: square(100+float64(i%4)*150, 100+float64(i/4)*150, 70, 0), paper: paperYellow})
	}
	tests := []struct {
		name  string
		photo []byte
		want  map[string]bool
	}{
		{"as generated", blurWall(t, wall.Image, 0, 1), map[string]bool{}},
		{"out of focus", blurWall(t, wall.Image, 4, 1), map[string]bool{wallscan.WarnBlurry: true}},
		{"dark", blurWall(t, wall.Image, 0, 0.3), map[string]bool{wallscan.WarnDark: true}},
		{"notes too small", encodeJPEG(t, drawWall(1600, 1200, wallWhite, small, pt{}, 0)), map[string]bool{wallscan.WarnSmall: true}},
	}
	seg := NewSegmenter(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := seg.Segment(context.Background(), tt.photo)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{wallscan.WarnBlurry, wallscan.WarnDark, wallscan.WarnSmall, wallscan.WarnNoNotes} {
				has := false
				for _, g := range got.Quality.Warnings {
					has = has || g == w
				}
				if has != tt.want[w] {
					t.Errorf("warning %q: %v, want %v (quality %+v)", w, has, tt.want[w], got.Quality)
				}
			}
		})
	}
}
