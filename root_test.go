package wallscan_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wallscan"
	"wallscan/synth"
)

func TestQuadGeometry(t *testing.T) {
	q := wallscan.Quad{{10, 20}, {110, 20}, {110, 70}, {10, 70}}
	if got, want := q.Bounds(), image.Rect(10, 20, 110, 70); got != want {
		t.Errorf("Bounds = %v, want %v", got, want)
	}
	if got, want := q.Area(), 5000.0; got != want {
		t.Errorf("Area = %v, want %v", got, want)
	}
	x, y := q.Center()
	if x != 60 || y != 45 {
		t.Errorf("Center = (%v, %v), want (60, 45)", x, y)
	}
	// A diamond: area is half the bounding box, whatever the winding.
	d := wallscan.Quad{{50, 0}, {0, 50}, {50, 100}, {100, 50}}
	if got, want := d.Area(), 5000.0; got != want {
		t.Errorf("diamond Area = %v, want %v", got, want)
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	tests := []struct {
		err         error
		code, msg   string
		description string
	}{
		{nil, "", "", "nil"},
		{wallscan.Errorf(wallscan.ENOTFOUND, "No workshop %d.", 7), wallscan.ENOTFOUND, "No workshop 7.", "application error"},
		{fmt.Errorf("load: %w", wallscan.Errorf(wallscan.EINVALID, "Bad.")), wallscan.EINVALID, "Bad.", "wrapped"},
		{errors.New("disk on fire at /var/lib"), wallscan.EINTERNAL, "Internal error.", "internal details stay hidden"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := wallscan.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := wallscan.ErrorMessage(tt.err); got != tt.msg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestWorkshopValidate(t *testing.T) {
	long := strings.Repeat("x", wallscan.MaxTitle+1)
	tests := []struct {
		name string
		w    wallscan.Workshop
		want string // a word of the message, "" for valid
	}{
		{"valid", wallscan.Workshop{Title: "I-drempels", Date: "2026-11-29", Legend: []wallscan.Perspective{{wallscan.Yellow, "beleid"}}}, ""},
		{"no title", wallscan.Workshop{}, "title"},
		{"long title", wallscan.Workshop{Title: long}, "title"},
		{"long case", wallscan.Workshop{Title: "t", Case: long}, "case"},
		{"bad date", wallscan.Workshop{Title: "t", Date: "29-11-2026"}, "YYYY-MM-DD"},
		{"unknown colour", wallscan.Workshop{Title: "t", Legend: []wallscan.Perspective{{"teal", "x"}}}, "colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if wallscan.ErrorCode(err) != wallscan.EINVALID || !strings.Contains(wallscan.ErrorMessage(err), tt.want) {
				t.Errorf("Validate = %v, want EINVALID mentioning %q", err, tt.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  gegevens   delen \r\n\n  is lastig ", "gegevens delen\nis lastig"},
		{"", ""},
		{"\n \n", ""},
		{strings.Repeat("é", wallscan.MaxNoteText), strings.Repeat("é", wallscan.MaxNoteText/2)},
	}
	for _, tt := range tests {
		if got := wallscan.CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%.20q) = %.20q (len %d), want %.20q (len %d)", tt.in, got, len(got), tt.want, len(tt.want))
		}
	}
}

func TestCheckPhoto(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	var jpg, pngb bytes.Buffer
	jpeg.Encode(&jpg, img, nil)
	png.Encode(&pngb, img)
	tiny := image.NewRGBA(image.Rect(0, 0, 50, 50))
	var tinyPNG bytes.Buffer
	png.Encode(&tinyPNG, tiny)

	tests := []struct {
		name string
		data []byte
		code string
		word string
	}{
		{"jpeg", jpg.Bytes(), "", ""},
		{"png", pngb.Bytes(), "", ""},
		{"empty", nil, wallscan.EINVALID, "empty"},
		{"truncated jpeg", jpg.Bytes()[:jpg.Len()/2], wallscan.EINVALID, "truncated"},
		{"truncated png", pngb.Bytes()[:pngb.Len()-20], wallscan.EINVALID, "truncated"},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 64)...), wallscan.EUNSUPPORTED, "JPEG"},
		{"pdf", []byte("%PDF-1.7 ..."), wallscan.EUNSUPPORTED, "PDF"},
		{"text", []byte("geen foto"), wallscan.EUNSUPPORTED, "not a photo"},
		{"too small", tinyPNG.Bytes(), wallscan.EINVALID, "at least"},
		{"bomb", synth.PNGClaiming(100_000, 100_000), wallscan.ETOOLARGE, "longest side"},
		{"too many pixels", synth.PNGClaiming(9000, 9000), wallscan.ETOOLARGE, "million pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := wallscan.CheckPhoto(tt.data)
			if got := wallscan.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if tt.code == "" {
				if info.Width != 400 || info.Height != 300 {
					t.Errorf("size = %dx%d, want 400x300", info.Width, info.Height)
				}
				return
			}
			if !strings.Contains(wallscan.ErrorMessage(err), tt.word) {
				t.Errorf("message %q does not say %q", wallscan.ErrorMessage(err), tt.word)
			}
		})
	}
}

func TestBrokerDeliversToWorkshopSubscribers(t *testing.T) {
	b := wallscan.NewBroker()
	ch1, cancel1 := b.Subscribe(1)
	ch2, cancel2 := b.Subscribe(2)
	defer cancel2()

	b.Publish(wallscan.Event{Type: wallscan.EventNoteRead, WorkshopID: 1, NoteID: 5})
	select {
	case e := <-ch1:
		if e.NoteID != 5 {
			t.Errorf("event = %+v, want note 5", e)
		}
	case <-time.After(time.Second):
		t.Fatal("subscriber of workshop 1 got nothing")
	}
	select {
	case e := <-ch2:
		t.Errorf("subscriber of workshop 2 got %+v", e)
	default:
	}

	cancel1()
	cancel1() // twice is harmless
	if _, ok := <-ch1; ok {
		t.Error("channel still open after cancel")
	}
	// A subscriber that never reads does not block publishers.
	for range 1000 {
		b.Publish(wallscan.Event{WorkshopID: 2})
	}
}

// fakeSegmenter finds n notes, each crop a grey square whose shade is its index.
type fakeSegmenter struct{ n int }

func (f fakeSegmenter) Segment(ctx context.Context, photo []byte) (*wallscan.Segmentation, error) {
	if string(photo) == "broken" {
		return nil, wallscan.Errorf(wallscan.EINVALID, "broken photo")
	}
	seg := &wallscan.Segmentation{Width: 1000, Height: 800}
	for i := range f.n {
		crop := image.NewGray(image.Rect(0, 0, 10, 10))
		crop.Pix[0] = uint8(i)
		seg.Notes = append(seg.Notes, wallscan.FoundNote{
			Polygon: wallscan.Quad{{i * 100, 0}, {i*100 + 90, 0}, {i*100 + 90, 90}, {i * 100, 90}},
			Color:   wallscan.Yellow, RGB: color.RGBA{240, 220, 80, 255}, Crop: crop,
			Neighbours: []int{(i + 1) % f.n},
		})
	}
	return seg, nil
}

// fakeReader reads "note N" from a crop made by fakeSegmenter.
type fakeReader struct {
	mu      sync.Mutex
	calls   int
	failAt  int // 1-based call that fails; 0 never
	running int
	most    int
}

func (r *fakeReader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	r.mu.Lock()
	r.calls++
	call := r.calls
	r.running++
	r.most = max(r.most, r.running)
	r.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	r.mu.Lock()
	r.running--
	r.mu.Unlock()
	if call == r.failAt {
		return wallscan.Reading{}, errors.New("tesseract fell over")
	}
	return wallscan.Reading{Text: fmt.Sprintf("note %d", crop.(*image.Gray).Pix[0]), Confidence: 90}, nil
}

func TestPipelineScanReadsEveryNote(t *testing.T) {
	r := &fakeReader{}
	p := &wallscan.Pipeline{Segmenter: fakeSegmenter{n: 12}, Reader: r, Workers: 3}
	var seen []int
	sp, err := p.Scan(context.Background(), "wall.jpg", []byte("photo"), func(i int, _ wallscan.Reading) { seen = append(seen, i) })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(sp.Readings), 12; got != want {
		t.Fatalf("readings = %d, want %d", got, want)
	}
	for i, rd := range sp.Readings {
		if want := fmt.Sprintf("note %d", i); rd.Text != want {
			t.Errorf("reading %d = %q, want %q", i, rd.Text, want)
		}
	}
	if len(seen) != 12 {
		t.Errorf("onRead called %d times, want 12", len(seen))
	}
	if r.most > 3 {
		t.Errorf("%d reads ran at once, want at most Workers=3", r.most)
	}

	notes := wallscan.GroupNotes([]*wallscan.ScannedPhoto{sp})
	if got, want := notes[3].Key, "wall.jpg#4"; got != want {
		t.Errorf("key = %q, want %q", got, want)
	}
	if got, want := notes[3].Neighbours, []string{"wall.jpg#5"}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("neighbours = %v, want %v", got, want)
	}
	if notes[3].Text != "note 3" || !notes[3].HasPosition {
		t.Errorf("group note = %+v, want its text and position", notes[3])
	}
}

func TestPipelineScanErrors(t *testing.T) {
	p := &wallscan.Pipeline{Segmenter: fakeSegmenter{n: 5}, Reader: &fakeReader{failAt: 2}, Workers: 1}
	if _, err := p.Scan(context.Background(), "w.jpg", []byte("photo"), nil); err == nil || !strings.Contains(err.Error(), "tesseract fell over") {
		t.Errorf("Scan with a failing reader = %v, want its error", err)
	}
	if _, err := p.Scan(context.Background(), "w.jpg", []byte("broken"), nil); wallscan.ErrorCode(err) != wallscan.EINVALID {
		t.Errorf("Scan of a broken photo = %v, want EINVALID", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p = &wallscan.Pipeline{Segmenter: fakeSegmenter{n: 50}, Reader: &fakeReader{}, Workers: 2}
	if _, err := p.Scan(ctx, "w.jpg", []byte("photo"), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Scan with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestClusterKeyRoundTrip(t *testing.T) {
	if got := wallscan.ParseClusterKey(wallscan.ClusterKey(42)); got != 42 {
		t.Errorf("ParseClusterKey(ClusterKey(42)) = %d", got)
	}
	for _, key := range []string{"g1", "c", "cx", "", "overig"} {
		if got := wallscan.ParseClusterKey(key); got != 0 {
			t.Errorf("ParseClusterKey(%q) = %d, want 0 (a new group)", key, got)
		}
	}
}

func TestConfirmedWords(t *testing.T) {
	notes := []*wallscan.Note{
		{Text: "ketenpartners delen niet", Edited: true},
		{Text: "machine las dit", Edited: false},
		{Text: "AVG: ketenpartners, CIO's e-mail", Edited: true},
	}
	got := strings.Join(wallscan.ConfirmedWords(notes), " ")
	if want := "ketenpartners delen niet AVG CIO's e-mail"; got != want {
		t.Errorf("ConfirmedWords = %q, want %q", got, want)
	}
}

func TestParseVocabularyEntry(t *testing.T) {
	for _, c := range []struct {
		entry, label string
		terms        []string
	}{
		{"AVG", "", []string{"AVG"}},
		{"Suwinet, inkomensportaal", "", []string{"Suwinet", "inkomensportaal"}},
		{"Chat en apps: WhatsApp, Signal,  appjes ", "Chat en apps", []string{"WhatsApp", "Signal", "appjes"}},
		{"  Kamer  :  Kamervragen", "Kamer", []string{"Kamervragen"}},
		// Not themes: no label, no terms, a time, an address.
		{": WhatsApp", "", []string{": WhatsApp"}},
		{"Chat:", "", []string{"Chat:"}},
		{"10:30", "", []string{"10:30"}},
		{"https://example.org", "", []string{"https://example.org"}},
	} {
		label, terms := wallscan.ParseVocabularyEntry(c.entry)
		if label != c.label || !slices.Equal(terms, c.terms) {
			t.Errorf("ParseVocabularyEntry(%q) = %q, %q; want %q, %q", c.entry, label, terms, c.label, c.terms)
		}
	}
	if got, want := wallscan.VocabularyTerms([]string{"AVG", "Chat: WhatsApp, Signal", "Suwinet, inkomensportaal"}),
		[]string{"AVG", "WhatsApp", "Signal", "Suwinet", "inkomensportaal"}; !slices.Equal(got, want) {
		t.Errorf("VocabularyTerms = %q, want %q", got, want)
	}
}
