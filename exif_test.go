package wallscan_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"testing"

	"wallscan"
	"wallscan/synth"
)

func plainJPEG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJPEGOrientation(t *testing.T) {
	plain := plainJPEG(t)
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := uint16(1); o <= 8; o++ {
			if got, want := wallscan.JPEGOrientation(synth.WithOrientation(plain, o, order)), int(o); got != want {
				t.Errorf("%v orientation %d read as %d", order, want, got)
			}
		}
	}
	rotated := synth.WithOrientation(plain, 6, binary.BigEndian)
	// A fill byte before a marker is allowed.
	filled := append(append(append([]byte{}, rotated[:2]...), 0xff), rotated[2:]...)
	for _, tc := range []struct {
		name string
		data []byte
		want int
	}{
		{"no EXIF", plain, 1},
		{"fill byte", filled, 6},
		{"out of range", synth.WithOrientation(plain, 9, binary.BigEndian), 1},
		{"zero", synth.WithOrientation(plain, 0, binary.LittleEndian), 1},
		{"not a JPEG", []byte("not a jpeg at all"), 1},
		{"empty", nil, 1},
		{"truncated", rotated[:30], 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := wallscan.JPEGOrientation(tc.data); got != tc.want {
				t.Errorf("JPEGOrientation = %d, want %d", got, tc.want)
			}
		})
	}
}

// FuzzJPEGOrientation: any bytes give an orientation from 1 to 8, and
// never a panic.
func FuzzJPEGOrientation(f *testing.F) {
	plain := plainJPEG(f)
	f.Add(plain)
	f.Add(synth.WithOrientation(plain, 6, binary.BigEndian))
	f.Add(synth.WithOrientation(plain, 8, binary.LittleEndian))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := wallscan.JPEGOrientation(data); o < 1 || o > 8 {
			t.Errorf("JPEGOrientation = %d, want 1..8", o)
		}
	})
}
