package wallscan

import (
	"bytes"
	"image"
	_ "image/jpeg" // register the decoders CheckPhoto reads headers with
	_ "image/png"
)

// PhotoInfo is what CheckPhoto learns of a photo file from its header.
type PhotoInfo struct {
	Format        string // "jpeg" or "png"
	ContentType   string
	Width, Height int // as stored, before EXIF orientation
}

// CheckPhoto checks a photo file cheaply, before it is stored or decoded:
// the format from its magic bytes, its dimensions from its header against
// MaxPhotoPixels and MaxPhotoSide, and whether the file is complete. It
// returns EINVALID for an empty, truncated or unreadable file, EUNSUPPORTED
// for a format wallscan does not read (with what to do instead) and
// ETOOLARGE over a limit. It never decodes the pixels, so a decompression
// bomb costs nothing.
func CheckPhoto(data []byte) (PhotoInfo, error) {
	switch {
	case len(data) == 0:
		return PhotoInfo{}, Errorf(EINVALID, "The file is empty (0 bytes). Take the photo again.")
	case len(data) > MaxUploadBytes:
		return PhotoInfo{}, Errorf(ETOOLARGE, "The file is %d MB; the limit is %d MB.", len(data)>>20, MaxUploadBytes>>20)
	}
	var info PhotoInfo
	switch sniffFormat(data) {
	case "jpeg":
		info = PhotoInfo{Format: "jpeg", ContentType: "image/jpeg"}
		if !jpegComplete(data) {
			return info, Errorf(EINVALID, "The JPEG file is truncated (it has no end marker): the upload or the camera stopped early. Send the photo again.")
		}
	case "png":
		info = PhotoInfo{Format: "png", ContentType: "image/png"}
		if !bytes.Contains(data[max(0, len(data)-64):], []byte("IEND")) {
			return info, Errorf(EINVALID, "The PNG file is truncated (it has no IEND chunk). Send the photo again.")
		}
	case "heic":
		return info, Errorf(EUNSUPPORTED, "HEIC/HEIF photos are not supported. Set the camera to 'Most compatible' (JPEG), or export the photo as JPEG, and send it again.")
	case "":
		return info, Errorf(EUNSUPPORTED, "This file is not a photo wallscan can read. Send a JPEG or PNG photo.")
	default:
		return info, Errorf(EUNSUPPORTED, "%s files are not supported. Send a JPEG or PNG photo.", sniffFormat(data))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return info, Errorf(EINVALID, "The %s header cannot be read (%v). Send the photo again.", info.Format, err)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	if err := CheckPhotoSize(cfg.Width, cfg.Height); err != nil {
		return info, err
	}
	return info, nil
}

// CheckPhotoSize checks a photo's dimensions against the named limits.
func CheckPhotoSize(w, h int) error {
	switch {
	case w <= 0 || h <= 0:
		return Errorf(EINVALID, "The photo has no pixels (%dx%d).", w, h)
	case w > MaxPhotoSide || h > MaxPhotoSide:
		return Errorf(ETOOLARGE, "The photo is %dx%d pixels; the longest side may be %d.", w, h, MaxPhotoSide)
	case int64(w)*int64(h) > MaxPhotoPixels:
		return Errorf(ETOOLARGE, "The photo has %.1f million pixels; the limit is %d million.", float64(w)*float64(h)/1e6, MaxPhotoPixels/1_000_000)
	case w < MinPhotoSide || h < MinPhotoSide:
		return Errorf(EINVALID, "The photo is only %dx%d pixels; it needs at least %d on each side.", w, h, MinPhotoSide)
	}
	return nil
}

// sniffFormat names a file's format from its first bytes, or "".
func sniffFormat(data []byte) string {
	has := func(off int, sig string) bool {
		return len(data) >= off+len(sig) && string(data[off:off+len(sig)]) == sig
	}
	switch {
	case has(0, "\xff\xd8\xff"):
		return "jpeg"
	case has(0, "\x89PNG\r\n\x1a\n"):
		return "png"
	case has(4, "ftypheic"), has(4, "ftypheix"), has(4, "ftyphevc"), has(4, "ftypmif1"), has(4, "ftypmsf1"), has(4, "ftypheif"):
		return "heic"
	case has(4, "ftypavif"):
		return "AVIF"
	case has(0, "GIF8"):
		return "GIF"
	case has(0, "%PDF"):
		return "PDF"
	case has(0, "RIFF") && has(8, "WEBP"):
		return "WebP"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "TIFF"
	case has(0, "BM"):
		return "BMP"
	}
	return ""
}

// jpegComplete reports whether a JPEG ends with its EOI marker, allowing
// for the zero padding some cameras append.
func jpegComplete(data []byte) bool {
	end := bytes.TrimRight(data, "\x00")
	return len(end) >= 4 && end[len(end)-2] == 0xff && end[len(end)-1] == 0xd9
}
