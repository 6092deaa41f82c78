package wallscan

import (
	"bytes"
	"encoding/binary"
)

// JPEGOrientation returns the EXIF orientation (tag 0x0112 of IFD0) of a
// JPEG file, 1 to 8 as cameras write it: 1 stored upright, 2 mirrored,
// 3 turned 180 degrees, 4 flipped, 5 transposed, 6 to be turned 90
// degrees clockwise for display, 7 transversed, 8 to be turned 90 degrees
// anticlockwise. It returns 1 when data is not a JPEG, has no EXIF block
// before the scan, or the tag is missing or out of range. It reads only
// the APP1 segment; nothing is decoded.
func JPEGOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			return 1
		}
		marker := data[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF-structured EXIF
// block, or returns 1.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	for k := range n {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 { // SHORT, left-justified
			return v
		}
		return 1
	}
	return 1
}
