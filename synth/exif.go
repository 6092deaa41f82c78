package synth

import (
	"bytes"
	"encoding/binary"
)

// WithOrientation returns a copy of a JPEG file with an EXIF APP1 segment
// right after its SOI marker that holds only the orientation tag (0x0112)
// with value o, in the given byte order: a photo as a camera held sideways
// or upside down writes it.
func WithOrientation(jpg []byte, o uint16, order binary.ByteOrder) []byte {
	var t bytes.Buffer
	if order == binary.LittleEndian {
		t.WriteString("II")
	} else {
		t.WriteString("MM")
	}
	for _, v := range []any{
		uint16(42),     // TIFF magic
		uint32(8),      // IFD0 offset
		uint16(1),      // one entry
		uint16(0x0112), // Orientation
		uint16(3),      // SHORT
		uint32(1),      // one value
		o,              // the value,
		uint16(0),      // left-justified
		uint32(0),      // no next IFD
	} {
		binary.Write(&t, order, v)
	}
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xe1, byte((len(payload)+2)>>8), byte(len(payload)+2))
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}
