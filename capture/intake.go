package capture

import (
	"gocv.io/x/gocv"

	"wallscan"
)

// EXIF orientations (tag 0x0112), as cameras write them.
const (
	orientNormal    = 1
	orientFlipH     = 2
	orientRotate180 = 3
	orientFlipV     = 4
	orientTranspose = 5
	orientRotate90  = 6 // the stored image must be turned 90 degrees clockwise
	orientTransvers = 7
	orientRotate270 = 8
)

// decodePhoto checks a photo file from its header (format, size limits,
// completeness) before decoding it, then decodes it to an 8-bit BGR Mat as
// displayed: EXIF orientation applied, alpha composited on white, 16-bit
// reduced to 8. The caller closes the Mat.
func decodePhoto(data []byte) (gocv.Mat, error) {
	info, err := wallscan.CheckPhoto(data)
	if err != nil {
		return gocv.Mat{}, err
	}
	// OpenCV 4.6's imdecode applies the EXIF orientation itself for
	// IMReadColor, but not for IMReadUnchanged; decodePhoto always asks it
	// not to and applies the orientation read here, so every path agrees.
	flags := gocv.IMReadColor | gocv.IMReadIgnoreOrientation
	orient := orientNormal
	switch info.Format {
	case "jpeg":
		orient = wallscan.JPEGOrientation(data)
		// Every 8x8 block of a JPEG costs at least a bit or two; a file
		// smaller than that has lost its scan data, which libjpeg would
		// silently fill with grey.
		if blocks := ((info.Width + 7) / 8) * ((info.Height + 7) / 8); len(data)*8 < blocks {
			return gocv.Mat{}, wallscan.Errorf(wallscan.EINVALID, "The JPEG file is damaged: %d bytes cannot hold a %dx%d photo. Send the photo again.", len(data), info.Width, info.Height)
		}
	case "png":
		if pngNeedsUnchanged(data) {
			flags = gocv.IMReadUnchanged
		}
	}
	m, err := gocv.IMDecode(data, flags)
	if err != nil {
		m.Close()
		return gocv.Mat{}, wallscan.Errorf(wallscan.EINVALID, "The %s photo cannot be decoded (%v). Send the photo again.", info.Format, err)
	}
	if m.Empty() {
		m.Close()
		return gocv.Mat{}, wallscan.Errorf(wallscan.EINVALID, "The %s photo cannot be decoded: its data is damaged. Send the photo again.", info.Format)
	}
	if m.Cols() != info.Width || m.Rows() != info.Height {
		m.Close()
		return gocv.Mat{}, wallscan.Errorf(wallscan.EINVALID, "The %s photo decodes to %dx%d pixels but its header says %dx%d: the file is damaged.", info.Format, m.Cols(), m.Rows(), info.Width, info.Height)
	}
	m = toBGR8(m)
	m = orientMat(m, orient)
	return m, nil
}

// toBGR8 turns any decoded Mat (grey, grey+alpha, BGRA, 16-bit) into 8-bit
// BGR, compositing transparent pixels on white paper. It consumes m.
func toBGR8(m gocv.Mat) gocv.Mat {
	if m.Type()&7 == gocv.MatTypeCV16U {
		d := gocv.NewMat()
		m.ConvertToWithParams(&d, gocv.MatType(gocv.MatTypeCV8U+gocv.MatType((m.Channels()-1)<<3)), 1.0/257, 0)
		m.Close()
		m = d
	}
	switch m.Channels() {
	case 1:
		d := gocv.NewMat()
		gocv.CvtColor(m, &d, gocv.ColorGrayToBGR)
		m.Close()
		return d
	case 4:
		d := gocv.NewMatWithSize(m.Rows(), m.Cols(), gocv.MatTypeCV8UC3)
		src, _ := m.DataPtrUint8()
		dst, _ := d.DataPtrUint8()
		for i, j := 0, 0; i+3 < len(src); i, j = i+4, j+3 {
			a := int(src[i+3])
			for c := 0; c < 3; c++ {
				dst[j+c] = uint8((int(src[i+c])*a + 255*(255-a) + 127) / 255)
			}
		}
		m.Close()
		return d
	}
	return m
}

// orientMat applies an EXIF orientation to m, the way OpenCV's own
// ApplyExifOrientation does. It consumes m.
func orientMat(m gocv.Mat, orient int) gocv.Mat {
	if orient <= orientNormal || orient > orientRotate270 {
		return m
	}
	d := gocv.NewMat()
	switch orient {
	case orientFlipH:
		gocv.Flip(m, &d, 1)
	case orientRotate180:
		gocv.Flip(m, &d, -1)
	case orientFlipV:
		gocv.Flip(m, &d, 0)
	case orientTranspose:
		gocv.Transpose(m, &d)
	case orientRotate90:
		gocv.Rotate(m, &d, gocv.Rotate90Clockwise)
	case orientTransvers:
		t := gocv.NewMat()
		gocv.Transpose(m, &t)
		gocv.Flip(t, &d, -1)
		t.Close()
	case orientRotate270:
		gocv.Rotate(m, &d, gocv.Rotate90CounterClockwise)
	}
	m.Close()
	return d
}

// pngNeedsUnchanged reports whether a PNG has alpha or 16-bit samples
// (IHDR bit depth and colour type), which decodePhoto converts itself rather
// than letting OpenCV drop the alpha over black.
func pngNeedsUnchanged(data []byte) bool {
	if len(data) < 26 || string(data[12:16]) != "IHDR" {
		return false
	}
	depth, ctype := data[24], data[25]
	return depth == 16 || ctype == 4 || ctype == 6
}
