package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photos may be PNG
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
	xdraw "golang.org/x/image/draw"

	"wallscan"
)

// PDF layout, in millimetres on A4.
const (
	pdfMargin    = 15.0
	pdfCropWidth = 28.0 // a note's crop beside its text
	pdfCropMaxH  = 28.0
)

// reportPDF lays the report out as a PDF: the case, the matrix, each
// cluster with its notes (crop and text), then the wall photos. It uses the
// PDF core fonts with the cp1252 code page, which holds the Dutch accents.
func (s *Server) reportPDF(ctx context.Context, rep *Report, l *localizer) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	tr := f.UnicodeTranslatorFromDescriptor("cp1252")
	w := rep.Workshop
	f.SetTitle(w.Title, true)
	f.SetCreator("wallscan", true)
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetAutoPageBreak(true, pdfMargin)
	f.AliasNbPages("")
	f.SetFooterFunc(func() {
		f.SetY(-10)
		f.SetFont("Helvetica", "", 8)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(0, 5, tr(fmt.Sprintf("%s · %s {nb}", w.Title, l.T("report.page", f.PageNo()))), "", 0, "C", false, 0, "")
	})
	pageW, pageH := f.GetPageSize()
	textW := pageW - 2*pdfMargin

	f.AddPage()
	f.SetTextColor(20, 20, 20)
	f.SetFont("Helvetica", "B", 20)
	f.MultiCell(textW, 9, tr(w.Title), "", "L", false)
	f.SetFont("Helvetica", "", 11)
	if w.Case != "" {
		f.MultiCell(textW, 6, tr(l.T("workshop.case")+": "+w.Case), "", "L", false)
	}
	if w.Date != "" {
		f.MultiCell(textW, 6, tr(l.T("workshop.date")+": "+w.Date), "", "L", false)
	}
	f.MultiCell(textW, 6, tr(fmt.Sprintf("%s: %d · %s: %d · %s: %d", l.T("report.notes"), rep.NoteCount,
		l.T("report.clusters"), len(rep.Clusters), l.T("report.photos"), len(rep.Photos))), "", "L", false)
	f.Ln(4)

	// The matrix: clusters by perspectives.
	f.SetFont("Helvetica", "B", 14)
	f.CellFormat(textW, 8, tr(l.T("tab.matrix")), "", 1, "L", false, 0, "")
	cols := len(rep.Perspectives) + 1
	numW := min(22.0, (textW*0.55)/float64(cols))
	labelW := textW - numW*float64(cols)
	f.SetFont("Helvetica", "B", 8)
	f.SetFillColor(230, 230, 230)
	f.CellFormat(labelW, 6, tr(l.T("matrix.cluster")), "1", 0, "L", true, 0, "")
	for _, p := range rep.Perspectives {
		f.CellFormat(numW, 6, tr(fitText(f, perspectiveName(l, p), numW-1)), "1", 0, "C", true, 0, "")
	}
	f.CellFormat(numW, 6, tr(l.T("matrix.total")), "1", 1, "C", true, 0, "")
	f.SetFont("Helvetica", "", 9)
	for _, c := range rep.Clusters {
		f.CellFormat(labelW, 6, tr(fitText(f, clusterLabel(l, c), labelW-2)), "1", 0, "L", false, 0, "")
		for _, n := range c.Counts {
			cell := ""
			if n > 0 {
				cell = strconv.Itoa(n)
			}
			f.CellFormat(numW, 6, cell, "1", 0, "C", false, 0, "")
		}
		f.CellFormat(numW, 6, strconv.Itoa(c.Count), "1", 1, "C", false, 0, "")
	}

	// The clusters, largest first, with every note.
	for i, c := range rep.Clusters {
		f.Ln(6)
		if f.GetY() > pageH-60 {
			f.AddPage()
		}
		f.SetFont("Helvetica", "B", 14)
		f.MultiCell(textW, 7, tr(fmt.Sprintf("%d. %s (%d)", i+1, clusterLabel(l, c), c.Count)), "", "L", false)
		if len(c.Perspectives) > 0 {
			f.SetFont("Helvetica", "I", 10)
			f.MultiCell(textW, 5, tr(l.T("report.raisedby")+": "+strings.Join(c.Perspectives, ", ")), "", "L", false)
		}
		f.Ln(2)
		for _, n := range c.Notes {
			s.pdfNote(ctx, f, tr, l, n, textW, pageH)
		}
	}

	// The wall photos, one per page.
	for _, p := range rep.Photos {
		data, err := s.cfg.Photos.PhotoData(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		f.AddPage()
		name := p.Wall
		if name == "" {
			name = p.Filename
		}
		f.SetFont("Helvetica", "B", 14)
		f.MultiCell(textW, 7, tr(fmt.Sprintf("%s: %s", l.T("report.photo"), name)), "", "L", false)
		img, typ := pdfImage(data, p.ContentType)
		key := "photo" + strconv.FormatInt(p.ID, 10)
		info := f.RegisterImageOptionsReader(key, fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(img))
		if !f.Ok() {
			s.log.Warn("pdf: photo left out", "photo", p.ID, "err", f.Error())
			f.ClearError()
			continue
		}
		iw, ih := textW, textW*info.Height()/info.Width()
		if maxH := pageH - f.GetY() - pdfMargin - 5; ih > maxH {
			iw, ih = iw*maxH/ih, maxH
		}
		f.ImageOptions(key, pdfMargin, f.GetY()+2, iw, ih, false, fpdf.ImageOptions{ImageType: typ}, 0, "")
	}
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return out.Bytes(), nil
}

// pdfNote writes one note: its crop on the left, its text and perspective
// on the right.
func (s *Server) pdfNote(ctx context.Context, f *fpdf.Fpdf, tr func(string) string, l *localizer, n *ReportNote, textW, pageH float64) {
	var cropW, cropH float64
	key := "note" + strconv.FormatInt(n.ID, 10)
	if crop, err := s.cfg.Notes.NoteCrop(ctx, n.ID); err == nil && len(crop) > 0 {
		info := f.RegisterImageOptionsReader(key, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(crop))
		if f.Ok() && info.Width() > 0 {
			cropW, cropH = pdfCropWidth, pdfCropWidth*info.Height()/info.Width()
			if cropH > pdfCropMaxH {
				cropW, cropH = cropW*pdfCropMaxH/cropH, pdfCropMaxH
			}
		} else {
			f.ClearError()
		}
	}
	text := n.Text
	if strings.TrimSpace(text) == "" {
		text = "(" + l.T("note.empty") + ")"
	}
	f.SetFont("Helvetica", "", 10)
	lines := f.SplitText(tr(oneLine(text)), textW-pdfCropWidth-4)
	h := max(cropH, float64(len(lines))*5+5)
	if f.GetY()+h > pageH-pdfMargin-5 {
		f.AddPage()
	}
	y := f.GetY()
	if cropW > 0 {
		f.ImageOptions(key, pdfMargin, y, cropW, cropH, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	}
	x := pdfMargin + pdfCropWidth + 4
	f.SetXY(x, y)
	for _, line := range lines {
		f.SetX(x)
		f.CellFormat(textW-pdfCropWidth-4, 5, line, "", 1, "L", false, 0, "")
	}
	f.SetX(x)
	f.SetFont("Helvetica", "I", 8)
	f.SetTextColor(90, 90, 90)
	f.CellFormat(textW-pdfCropWidth-4, 4, tr(perspectiveName(l, n.Perspective)+" · "+l.T("color."+string(n.Color))), "", 1, "L", false, 0, "")
	f.SetTextColor(20, 20, 20)
	f.SetY(y + h + 2)
}

// fitText shortens s with an ellipsis until it fits width w in the current font.
func fitText(f *fpdf.Fpdf, s string, w float64) string {
	if f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && f.GetStringWidth(string(r)+"...") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}

// pdfPhotoSide is the longest side of a photo in the PDF, in pixels:
// enough for A4 at 200 dpi, and it keeps the file small.
const pdfPhotoSide = 1600

// pdfImage returns a photo ready for the PDF and its fpdf type: upright
// (the EXIF orientation applied, which PDF viewers ignore), at most
// pdfPhotoSide pixels, as JPEG. A photo it cannot decode goes in as it is.
func pdfImage(data []byte, contentType string) ([]byte, string) {
	orient := wallscan.JPEGOrientation(data)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && orient <= 1 && max(cfg.Width, cfg.Height) <= pdfPhotoSide && contentType == "image/jpeg" {
		return data, "JPG"
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		if contentType == "image/png" {
			return data, "PNG"
		}
		return data, "JPG"
	}
	// Scale first, so that turning touches few pixels.
	b := img.Bounds()
	if scale := float64(pdfPhotoSide) / float64(max(b.Dx(), b.Dy())); scale < 1 {
		dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))))
		xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
		img = dst
	}
	img = orientImage(img, orient)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 85}); err != nil {
		return data, "JPG"
	}
	return out.Bytes(), "JPG"
}

// orientImage turns img upright for EXIF orientation o.
func orientImage(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			dst.Set(dx, dy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}
