package synth

import "testing"

func TestPanorama(t *testing.T) {
	opts := []Options{
		{Seed: 1, Level: LevelEasy, Width: 500, Height: 450, Notes: 3},
		{Seed: 2, Level: LevelEasy, Width: 600, Height: 400, Notes: 3},
	}
	p, err := Panorama(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Rect.Size().X, 1100; got != want {
		t.Errorf("width %d, want %d", got, want)
	}
	if got, want := p.Rect.Size().Y, 450; got != want {
		t.Errorf("height %d, want %d", got, want)
	}
	x := 0
	for i, o := range opts {
		w, err := Generate(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, pt := range [][2]int{{0, 0}, {o.Width - 1, o.Height - 1}, {o.Width / 2, o.Height / 3}} {
			if got, want := p.RGBAAt(x+pt[0], pt[1]), w.Image.RGBAAt(pt[0], pt[1]); got != want {
				t.Errorf("wall %d at %v: %v, want %v", i, pt, got, want)
			}
		}
		x += o.Width
	}
	if got := p.RGBAAt(800, 430); got.R != 255 || got.G != 255 || got.B != 255 {
		t.Errorf("below the shorter wall: %v, want white", got)
	}
}
