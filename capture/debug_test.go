package capture

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"testing"

	"wallscan/synth"
)

// TestDebugDump writes the intermediate masks of one generated wall to
// $WALLSCAN_DEBUG (a directory), for looking at; it does nothing otherwise.
func TestDebugDump(t *testing.T) {
	dir := os.Getenv("WALLSCAN_DEBUG")
	if dir == "" {
		return
	}
	var seed int64 = 1
	level := synth.LevelHard
	fmt.Sscan(os.Getenv("WALLSCAN_DEBUG_SEED"), &seed)
	if l := os.Getenv("WALLSCAN_DEBUG_LEVEL"); l != "" {
		level = synth.Level(l)
	}
	var r image.Rectangle
	fmt.Sscanf(os.Getenv("WALLSCAN_DEBUG_RECT"), "%d,%d,%d,%d", &r.Min.X, &r.Min.Y, &r.Max.X, &r.Max.Y)
	debugMask = func(name string, m []byte, w, h int) {
		img := image.NewGray(image.Rect(0, 0, w, h))
		copy(img.Pix, m)
		var out image.Image = img
		if !r.Empty() && r.Max.X <= w && r.Max.Y <= h {
			out = img.SubImage(r)
		}
		f, _ := os.Create(fmt.Sprintf("%s/%s.png", dir, name))
		png.Encode(f, out)
		f.Close()
	}
	debugLog = t.Logf
	defer func() { debugMask, debugLog = nil, nil }()
	wall, err := synth.Generate(synth.Options{Seed: seed, Level: level, Background: synth.Backgrounds[((seed%5)+5)%5]})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := wall.JPEG(wall.Quality)
	if _, err := NewSegmenter(Options{}).Segment(context.Background(), data); err != nil {
		t.Fatal(err)
	}
}
