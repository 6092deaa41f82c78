package wallscan_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"wallscan"
	"wallscan/synth"
)

// FuzzCheckPhoto feeds arbitrary bytes to the photo intake check that every
// upload passes before it is stored. It must never panic, must answer every
// file it refuses with one of the three intake codes and a message, and
// must pass only files whose header a decoder reads to a size within the
// named limits.
//
//	go test -run='^$' -fuzz=FuzzCheckPhoto -fuzztime=3m .
func FuzzCheckPhoto(f *testing.F) {
	for _, seed := range checkPhotoSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := wallscan.CheckPhoto(data)
		if err != nil {
			switch code := wallscan.ErrorCode(err); code {
			case wallscan.EINVALID, wallscan.EUNSUPPORTED, wallscan.ETOOLARGE:
			default:
				t.Fatalf("CheckPhoto(%d bytes): code %q, want invalid, unsupported or too_large (%v)", len(data), code, err)
			}
			if wallscan.ErrorMessage(err) == "" {
				t.Fatalf("CheckPhoto(%d bytes): error without a message", len(data))
			}
			return
		}
		if info.Format != "jpeg" && info.Format != "png" {
			t.Fatalf("accepted format %q", info.Format)
		}
		if err := wallscan.CheckPhotoSize(info.Width, info.Height); err != nil {
			t.Fatalf("accepted %dx%d, which CheckPhotoSize refuses: %v", info.Width, info.Height, err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("accepted a file whose header does not decode: %v", err)
		}
		if got, want := [3]any{format, cfg.Width, cfg.Height}, [3]any{info.Format, info.Width, info.Height}; got != want {
			t.Fatalf("header says %v, CheckPhoto says %v", got, want)
		}
		if len(data) == 0 || len(data) > wallscan.MaxUploadBytes {
			t.Fatalf("accepted %d bytes", len(data))
		}
	})
}

// checkPhotoSeeds returns one file of each kind the intake meets: good
// JPEG and PNG, 16-bit and transparent PNG, truncated files, a header-only
// bomb, HEIC and other formats, text.
func checkPhotoSeeds(tb testing.TB) [][]byte {
	img := image.NewNRGBA(image.Rect(0, 0, 240, 210))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var jb, pb, deep, alpha bytes.Buffer
	if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 60}); err != nil {
		tb.Fatal(err)
	}
	if err := png.Encode(&pb, img); err != nil {
		tb.Fatal(err)
	}
	d := image.NewRGBA64(img.Rect)
	d.Set(3, 3, color.RGBA64{R: 0x1234, G: 0xffff, A: 0xffff})
	if err := png.Encode(&deep, d); err != nil {
		tb.Fatal(err)
	}
	a := image.NewNRGBA(img.Rect)
	a.Set(5, 5, color.NRGBA{R: 200, A: 100})
	if err := png.Encode(&alpha, a); err != nil {
		tb.Fatal(err)
	}
	j, p := jb.Bytes(), pb.Bytes()
	return [][]byte{
		j, p, deep.Bytes(), alpha.Bytes(),
		j[:len(j)/2], p[:len(p)/2], j[:3], append(append([]byte{}, j...), 0, 0, 0),
		synth.PNGClaiming(100_000, 100_000), synth.PNGClaiming(10_000, 10_000), synth.PNGClaiming(100, 100), synth.PNGClaiming(0, 300),
		[]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"),
		[]byte("GIF89a\x01\x00\x01\x00"), []byte("%PDF-1.7\n"), []byte("RIFF\x00\x00\x00\x00WEBPVP8 "),
		[]byte("BM"), []byte("II*\x00"), []byte("geen foto"), {},
	}
}

// TestCheckPhotoSeeds pins what the intake says about each seed, so the
// seed corpus covers every branch the fuzzer starts from.
func TestCheckPhotoSeeds(t *testing.T) {
	seeds := checkPhotoSeeds(t)
	want := []string{
		"", "", "", "",
		wallscan.EINVALID, wallscan.EINVALID, wallscan.EINVALID, "",
		wallscan.ETOOLARGE, wallscan.ETOOLARGE, wallscan.EINVALID, wallscan.EINVALID,
		wallscan.EUNSUPPORTED,
		wallscan.EUNSUPPORTED, wallscan.EUNSUPPORTED, wallscan.EUNSUPPORTED,
		wallscan.EUNSUPPORTED, wallscan.EUNSUPPORTED, wallscan.EUNSUPPORTED, wallscan.EINVALID,
	}
	if len(seeds) != len(want) {
		t.Fatalf("%d seeds, %d expectations", len(seeds), len(want))
	}
	for i, data := range seeds {
		_, err := wallscan.CheckPhoto(data)
		if got := wallscan.ErrorCode(err); got != want[i] {
			t.Errorf("seed %d (%.12q): code %q, want %q (%v)", i, data, got, want[i], err)
		}
	}
}
