package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"wallscan"
	"wallscan/synth"
)

func TestSegmentRejects(t *testing.T) {
	wall := encodeJPEG(t, drawWall(800, 600, wallWhite, []drawnNote{{q: square(100, 100, 200, 0), paper: paperYellow}}, pt{}, 0))
	tests := []struct {
		name  string
		data  []byte
		code  string
		words string // the message must say this
	}{
		{"empty", nil, wallscan.EINVALID, "empty"},
		{"truncated jpeg", wall[:len(wall)/2], wallscan.EINVALID, "truncated"},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 100)...), wallscan.EUNSUPPORTED, "JPEG"},
		{"pdf", []byte("%PDF-1.7\n%...."), wallscan.EUNSUPPORTED, "PDF"},
		{"gif", []byte("GIF89a\x10\x00\x10\x00"), wallscan.EUNSUPPORTED, "GIF"},
		{"text", []byte("hello, this is not a photo"), wallscan.EUNSUPPORTED, "JPEG or PNG"},
		{"png over pixel limit", synth.PNGClaiming(9000, 9000), wallscan.ETOOLARGE, "million"},
		{"png over side limit", synth.PNGClaiming(20000, 100), wallscan.ETOOLARGE, "longest side"},
		{"jpeg over pixel limit", synth.JPEGClaiming(10000, 8000), wallscan.ETOOLARGE, "million"},
		{"jpeg without its scan", synth.JPEGClaiming(1000, 800), wallscan.EINVALID, "damaged"},
	}
	seg := NewSegmenter(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := seg.Segment(context.Background(), tt.data)
			if err == nil {
				t.Fatalf("Segment = %d notes, want error %s", len(got.Notes), tt.code)
			}
			if got, want := wallscan.ErrorCode(err), tt.code; got != want {
				t.Errorf("code %q, want %q (%v)", got, want, err)
			}
			if msg := wallscan.ErrorMessage(err); !strings.Contains(msg, tt.words) {
				t.Errorf("message %q does not say %q", msg, tt.words)
			}
		})
	}
}

func TestSegmentEmptyWall(t *testing.T) {
	got, err := NewSegmenter(Options{}).Segment(context.Background(), encodeJPEG(t, drawWall(1200, 900, wallWhite, nil, pt{}, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(got.Notes), 0; got != want {
		t.Errorf("found %d notes on an empty wall", got)
	}
	if got, want := strings.Join(got.Quality.Warnings, ","), wallscan.WarnNoNotes; got != want {
		t.Errorf("warnings %q, want %q", got, want)
	}
}

func TestSegmentEXIFOrientation(t *testing.T) {
	// Stored landscape 1200x800 with a pink note at the left; orientation 6
	// means the camera was turned: displayed, the photo is 800x1200 and the
	// note sits at the top.
	n := square(100, 250, 300, 0)
	stored := encodeJPEG(t, drawWall(1200, 800, wallWhite, []drawnNote{{q: n, paper: paperPink}}, pt{}, 0))
	tests := []struct {
		orient uint16
		w, h   int
		want   quad // displayed
	}{
		{1, 1200, 800, n},
		{6, 800, 1200, quad{{800 - 250 - 300, 100}, {800 - 250, 100}, {800 - 250, 400}, {800 - 250 - 300, 400}}},
		{8, 800, 1200, quad{{250, 1200 - 400}, {550, 1200 - 400}, {550, 1200 - 100}, {250, 1200 - 100}}},
		{3, 1200, 800, quad{{1200 - 400, 800 - 550}, {1200 - 100, 800 - 550}, {1200 - 100, 800 - 250}, {1200 - 400, 800 - 250}}},
	}
	for _, tt := range tests {
		got, err := NewSegmenter(Options{}).Segment(context.Background(), synth.WithOrientation(stored, tt.orient, binary.LittleEndian))
		if err != nil {
			t.Fatal(err)
		}
		if got.Width != tt.w || got.Height != tt.h {
			t.Errorf("orientation %d: %dx%d, want %dx%d", tt.orient, got.Width, got.Height, tt.w, tt.h)
		}
		if len(got.Notes) != 1 {
			t.Fatalf("orientation %d: %d notes, want 1", tt.orient, len(got.Notes))
		}
		if iou := quadIoU(fromWallQuad(got.Notes[0].Polygon), tt.want); iou < 0.9 {
			t.Errorf("orientation %d: note at %v, want %v (IoU %.2f)", tt.orient, got.Notes[0].Polygon, tt.want, iou)
		}
	}
}

// TestSegmentPNGKinds checks that 16-bit and transparent PNGs decode to the
// colours a viewer shows (transparent over white).
func TestSegmentPNGKinds(t *testing.T) {
	const w, h = 900, 700
	note := square(300, 200, 250, 0)
	encode := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	rgba := drawWall(w, h, wallWhite, []drawnNote{{q: note, paper: paperBlue}}, pt{}, 0)
	deep := image.NewRGBA64(rgba.Rect)
	clear := image.NewNRGBA(rgba.Rect) // the wall transparent, the note opaque
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := rgba.RGBAAt(x, y)
			deep.Set(x, y, c)
			if inside(note, pt{float64(x) + .5, float64(y) + .5}) {
				clear.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, 255})
			}
		}
	}
	for name, data := range map[string][]byte{"16-bit": encode(deep), "alpha": encode(clear)} {
		got, err := NewSegmenter(Options{}).Segment(context.Background(), data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got.Notes) != 1 {
			t.Fatalf("%s: %d notes, want 1", name, len(got.Notes))
		}
		if got, want := got.Notes[0].Color, wallscan.Blue; got != want {
			t.Errorf("%s: colour %s, want %s", name, got, want)
		}
		if b := got.Quality.Brightness; b < 150 {
			t.Errorf("%s: brightness %.0f: the transparent wall did not become white", name, b)
		}
	}
}
