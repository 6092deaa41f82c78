package bench

import (
	"fmt"
	"io"
	"strings"
)

// WriteTable prints the report as one Markdown table: wallscan's figure
// and, where there is one, the peer's figure measured in the same run.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	row := func(figure, ours, peer string) {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", figure, ours, peer)
	}
	f2 := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	f3 := func(v float64) string { return fmt.Sprintf("%.3f", v) }
	set := r.Set
	if set == "" {
		set = "set"
	}
	fmt.Fprintf(&b, "%s: %s level, %d photos, %d notes (%d mostly hidden, not counted)\n\n", set, r.Levels, r.Photos, r.Notes, r.DontCare)
	b.WriteString("| figure | wallscan | peer (same run) |\n| --- | --- | --- |\n")
	s := r.Segmentation
	row("segmentation precision / recall / F1 (IoU >= 0.5)", fmt.Sprintf("%s / %s / %s", f3(s.Precision), f3(s.Recall), f3(s.F1)), "")
	row("found / missed / false", fmt.Sprintf("%d / %d / %d", s.TP, s.FN, s.FP), "")
	var bgs []string
	for _, bg := range s.ByBackground {
		bgs = append(bgs, fmt.Sprintf("%s %s", bg.Background, f2(bg.F1)))
	}
	row("F1 by background", strings.Join(bgs, ", "), "")
	row("mean IoU of matches", f3(s.MeanIoU), "")
	row("colour accuracy", f3(s.ColourAcc), "")
	if sh := r.Shots; sh != nil {
		row(fmt.Sprintf("duplicate notes across overlapping shots (%d walls, %d notes)", sh.Walls, sh.Physical),
			fmt.Sprintf("%s after matching (%s before), %d notes lost, %.0f ms per wall", f3(sh.Duplicates), f3(sh.DuplicatesRaw), sh.Lost, sh.MatchMs), "")
	}
	p := r.Peers
	// peer formats a peer figure, or nothing when the peers did not run.
	peer := func(f func(p *PeerFigures) string) string {
		if p == nil {
			return ""
		}
		return f(p)
	}
	if o := r.OCR; o != nil {
		row("CER mean / median (matched notes)", f3(o.CERMean)+" / "+f3(o.CERMedian),
			peer(func(p *PeerFigures) string {
				return fmt.Sprintf("%s / %s (tesseract --psm 6, true crops)", f3(p.CropCERMean), f3(p.CropCERMedian))
			}))
		row(fmt.Sprintf("CER mean hand-lettered (%d) / printed (%d)", o.Hand, o.Printed), f3(o.CERHand)+" / "+f3(o.CERPrinted),
			peer(func(p *PeerFigures) string { return fmt.Sprintf("%s / %s", f3(p.CropCERHand), f3(p.CropCERPrinted)) }))
		row("WER mean / median", f3(o.WERMean)+" / "+f3(o.WERMedian), peer(func(p *PeerFigures) string { return f3(p.CropWERMean) + " / -" }))
		row("text recall (CER <= 0.3, of all notes)", f3(o.TextRecall),
			peer(func(p *PeerFigures) string {
				return fmt.Sprintf("true crops %s; whole photo %s (%d photos)", f3(p.CropTextRecall), f3(p.WholeTextRecall), p.WholePhotos)
			}))
		row(fmt.Sprintf("bad reads (%d) marked review / good reads (%d) marked review", o.BadReads, o.GoodReads), f3(o.ReviewOfBad)+" / "+f3(o.ReviewOfGood), "")
	} else if p != nil {
		row("CER mean / median, true crops", "(no reader)", fmt.Sprintf("%s / %s (tesseract --psm 6)", f3(p.CropCERMean), f3(p.CropCERMedian)))
		row("text recall (CER <= 0.3, of all notes)", "(no reader)",
			fmt.Sprintf("true crops %s; whole photo %s (%d photos)", f3(p.CropTextRecall), f3(p.WholeTextRecall), p.WholePhotos))
	}
	if c := r.Cluster; c != nil {
		row("ARI / NMI per photo (mean)", f3(c.ARIPhoto)+" / "+f3(c.NMIPhoto),
			peer(func(p *PeerFigures) string {
				return fmt.Sprintf("%s / %s (TF-IDF + k-means, true k, true texts)", f3(p.KMeansARIPhoto), f3(p.KMeansNMIPhoto))
			}))
		row("ARI / NMI whole set", fmt.Sprintf("%s / %s (%d groups, %d themes)", f3(c.ARISet), f3(c.NMISet), c.Groups, c.Themes),
			peer(func(p *PeerFigures) string { return f3(p.KMeansARISet) + " / " + f3(p.KMeansNMISet) }))
		row("ARI / NMI true texts only, no positions", f3(c.ARIText)+" / "+f3(c.NMIText), "")
		row("ARI true texts, 5% character noise", f3(c.ARITextNoisy), "")
	} else if p != nil {
		row("ARI / NMI per photo (mean)", "(no grouper)", fmt.Sprintf("%s / %s (TF-IDF + k-means)", f3(p.KMeansARIPhoto), f3(p.KMeansNMIPhoto)))
		row("ARI / NMI whole set", "(no grouper)", f3(p.KMeansARISet)+" / "+f3(p.KMeansNMISet))
	}
	sp := r.Speed
	row("photos/s, notes/s end to end", fmt.Sprintf("%.3f, %.1f (%.1f s, %d workers, GOMAXPROCS %d)", sp.PhotosPerSec, sp.NotesPerSec, sp.Seconds, sp.Workers, sp.GOMAXPROCS), "")
	row("segmentation, median per photo", fmt.Sprintf("%.0f ms", sp.SegmentMedian), "")
	if r.OCR != nil {
		row("reading, median per note", fmt.Sprintf("%.0f ms (%.1f s for the set)", sp.ReadMedian, sp.ReadSeconds),
			peer(func(p *PeerFigures) string {
				return fmt.Sprintf("%.0f ms per crop; %.1f s per whole photo", p.CropMsPerNote, p.WholeSecPerPhoto)
			}))
	}
	if r.Cluster != nil {
		row("grouping, whole set", fmt.Sprintf("%.0f ms", sp.GroupMs), "")
	}
	row("peak memory (VmHWM)", fmt.Sprintf("%.0f MB", sp.PeakMemoryMB), "")
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "\nerror: %s", e)
	}
	if len(r.Errors) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
