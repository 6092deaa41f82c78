package capture

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"testing"

	"wallscan"
	"wallscan/synth"
)

// FuzzSegment feeds arbitrary bytes to the real OpenCV segmenter, as an
// upload would reach it. Whatever the bytes, it must not crash (a crash in
// OpenCV's C code kills the fuzz worker, which the fuzzer reports), must
// refuse bad files with an intake code and a message, and must describe
// what it accepts consistently.
//
//	go test -run='^$' -fuzz=FuzzSegment -fuzztime=3m ./capture
func FuzzSegment(f *testing.F) {
	for _, seed := range segmentFuzzSeeds(f) {
		f.Add(seed)
	}
	seg := NewSegmenter(Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := seg.Segment(context.Background(), data)
		if err != nil {
			switch code := wallscan.ErrorCode(err); code {
			case wallscan.EINVALID, wallscan.EUNSUPPORTED, wallscan.ETOOLARGE:
			default:
				t.Fatalf("Segment(%d bytes): code %q, want invalid, unsupported or too_large (%v)", len(data), code, err)
			}
			if wallscan.ErrorMessage(err) == "" {
				t.Fatalf("Segment(%d bytes): error without a message", len(data))
			}
			return
		}
		if err := wallscan.CheckPhotoSize(got.Width, got.Height); err != nil {
			t.Fatalf("segmented a %dx%d photo that the limits refuse: %v", got.Width, got.Height, err)
		}
		if len(got.Notes) > wallscan.MaxNotesPerPhoto {
			t.Fatalf("%d notes, more than MaxNotesPerPhoto", len(got.Notes))
		}
		bounds := image.Rect(0, 0, got.Width, got.Height)
		for i, n := range got.Notes {
			// A note cut off by the frame may have corners outside the
			// photo, but it must be on it.
			if c := n.Polygon.Bounds(); !c.Overlaps(bounds) || n.X < 0 || n.X > 1 || n.Y < 0 || n.Y > 1 {
				t.Fatalf("note %d at %v, centre (%.2f, %.2f), is not on the %dx%d photo", i+1, c, n.X, n.Y, got.Width, got.Height)
			}
			if n.Crop == nil || n.Crop.Bounds().Empty() {
				t.Fatalf("note %d has no crop", i+1)
			}
			for _, j := range n.Neighbours {
				if j < 0 || j >= len(got.Notes) || j == i {
					t.Fatalf("note %d names neighbour %d of %d notes", i+1, j, len(got.Notes))
				}
			}
		}
	})
}

// segmentFuzzSeeds returns small photos of a wall with two notes in the
// formats an upload may have (JPEG, PNG, 16-bit PNG, transparent PNG) and
// broken ones (truncated, header only, other formats).
func segmentFuzzSeeds(tb testing.TB) [][]byte {
	img := image.NewNRGBA(image.Rect(0, 0, 320, 240))
	draw.Draw(img, img.Rect, image.NewUniform(color.NRGBA{220, 218, 210, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(40, 50, 130, 140), image.NewUniform(color.NRGBA{245, 217, 10, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(170, 60, 260, 150), image.NewUniform(color.NRGBA{235, 80, 150, 255}), image.Point{}, draw.Src)
	for x := 55; x < 115; x++ {
		img.Set(x, 90, color.Black)
		img.Set(x, 91, color.Black)
	}
	var j, p, deep, alpha bytes.Buffer
	if err := jpeg.Encode(&j, img, &jpeg.Options{Quality: 50}); err != nil {
		tb.Fatal(err)
	}
	if err := png.Encode(&p, img); err != nil {
		tb.Fatal(err)
	}
	d := image.NewRGBA64(img.Rect)
	draw.Draw(d, d.Rect, img, image.Point{}, draw.Src)
	if err := png.Encode(&deep, d); err != nil {
		tb.Fatal(err)
	}
	a := image.NewNRGBA(img.Rect)
	copy(a.Pix, img.Pix)
	for i := 3; i < len(a.Pix); i += 4 * 7 {
		a.Pix[i] = 0
	}
	if err := png.Encode(&alpha, a); err != nil {
		tb.Fatal(err)
	}
	jb, pb := j.Bytes(), p.Bytes()
	return [][]byte{
		jb, pb, deep.Bytes(), alpha.Bytes(),
		jb[:len(jb)/2], pb[:len(pb)-20], jb[:20],
		synth.PNGClaiming(9000, 9000), synth.PNGClaiming(300, 300),
		[]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), []byte("GIF89a"), []byte("geen foto"), nil,
	}
}
