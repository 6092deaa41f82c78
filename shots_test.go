package wallscan_test

import (
	"context"
	"errors"
	"image"
	"slices"
	"strings"
	"sync"
	"testing"

	"wallscan"
	"wallscan/internal/shotfake"
)

// placeSegmenter reads a photo's bytes as the places of its notes: "0 1 5"
// is a photo with notes at places 0, 1 and 5 of one wall, each a
// neighbour of the note before it. A note at the same place on two photos
// is the same physical note.
type placeSegmenter struct{}

func (placeSegmenter) Segment(_ context.Context, photo []byte) (*wallscan.Segmentation, error) {
	seg := &wallscan.Segmentation{Width: 1000, Height: 800}
	for i, f := range strings.Fields(string(photo)) {
		x := 100 * int(f[0]-'0')
		n := wallscan.FoundNote{Polygon: wallscan.Quad{{x, 10}, {x + 80, 10}, {x + 80, 80}, {x, 80}},
			Color: wallscan.Yellow, Crop: image.NewGray(image.Rect(0, 0, 8, 8))}
		if i > 0 {
			n.Neighbours = []int{i - 1}
		}
		seg.Notes = append(seg.Notes, n)
	}
	return seg, nil
}

// placeMatcher pairs notes at the same place, against the latest earlier
// shot that has them (which may hold a duplicate itself). It records how
// many earlier shots it was given.
type placeMatcher struct {
	mu      sync.Mutex
	earlier []int
	answer  func(shot wallscan.Shot, earlier []wallscan.Shot) ([]wallscan.DuplicateNote, error)
}

func (m *placeMatcher) MatchShot(_ context.Context, shot wallscan.Shot, earlier []wallscan.Shot) ([]wallscan.DuplicateNote, error) {
	m.mu.Lock()
	m.earlier = append(m.earlier, len(earlier))
	m.mu.Unlock()
	if m.answer != nil {
		return m.answer(shot, earlier)
	}
	return shotfake.SamePlace(shot, earlier), nil
}

type countReader struct {
	mu sync.Mutex
	n  int
}

func (r *countReader) Read(context.Context, image.Image) (wallscan.Reading, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	return wallscan.Reading{Text: "tekst", Confidence: 90}, nil
}

// scanAll scans photos in order, each after the ones before it.
func scanAll(t *testing.T, p *wallscan.Pipeline, photos map[string]string, order []string) []*wallscan.ScannedPhoto {
	t.Helper()
	var out []*wallscan.ScannedPhoto
	for _, name := range order {
		sp, err := p.ScanAfter(context.Background(), name, []byte(photos[name]), out, nil)
		if err != nil {
			t.Fatalf("ScanAfter %s: %v", name, err)
		}
		out = append(out, sp)
	}
	return out
}

// TestScanAfterMarksDuplicates: each photo is matched with the ones
// before it; a duplicate names the first appearance (even when the
// matcher names a later copy), is not read, and is left out of the
// grouping, where its first appearance takes its place as a neighbour.
func TestScanAfterMarksDuplicates(t *testing.T) {
	photos := map[string]string{"a.jpg": "0 1 2", "b.jpg": "1 2 3 4", "c.jpg": "3 4 5", "d.jpg": "7 8"}
	r := &countReader{}
	p := &wallscan.Pipeline{Segmenter: placeSegmenter{}, Reader: r, Matcher: &placeMatcher{}}
	sps := scanAll(t, p, photos, []string{"a.jpg", "b.jpg", "c.jpg", "d.jpg"})

	tests := []struct {
		photo int
		want  []string
	}{
		{0, nil},
		{1, []string{"a.jpg#2", "a.jpg#3", "", ""}},
		{2, []string{"b.jpg#3", "b.jpg#4", ""}},
		{3, nil}, // another wall
	}
	for _, tt := range tests {
		if got := sps[tt.photo].DuplicateOf; !slices.Equal(got, tt.want) {
			t.Errorf("%s: DuplicateOf = %q, want %q", sps[tt.photo].Name, got, tt.want)
		}
	}
	// Read: a 3, b 2, c 1, d 2.
	if got, want := r.n, 8; got != want {
		t.Errorf("%d notes read, want %d (duplicates are not read)", got, want)
	}
	if got := sps[1].Readings[0]; got.Text != "" {
		t.Errorf("a duplicate has a reading: %+v", got)
	}

	notes := wallscan.GroupNotes(sps)
	var keys []string
	neighbours := map[string][]string{}
	for _, n := range notes {
		keys = append(keys, n.Key)
		neighbours[n.Key] = n.Neighbours
	}
	want := []string{"a.jpg#1", "a.jpg#2", "a.jpg#3", "b.jpg#3", "b.jpg#4", "c.jpg#3", "d.jpg#1", "d.jpg#2"}
	if !slices.Equal(keys, want) {
		t.Errorf("grouped %v, want %v (each physical note once)", keys, want)
	}
	// b.jpg#3 sits beside b.jpg#2, which is a.jpg#3 seen again.
	if got, want := neighbours["b.jpg#3"], []string{"a.jpg#3"}; !slices.Equal(got, want) {
		t.Errorf("neighbours of b.jpg#3 = %v, want %v", got, want)
	}
	if got, want := neighbours["c.jpg#3"], []string{"b.jpg#4"}; !slices.Equal(got, want) {
		t.Errorf("neighbours of c.jpg#3 = %v, want %v", got, want)
	}
}

// TestScanAfterWithoutMatcher: with no matcher, or nothing earlier, every
// note stands alone and Scan is ScanAfter with nothing earlier.
func TestScanAfterWithoutMatcher(t *testing.T) {
	photos := map[string]string{"a.jpg": "0 1", "b.jpg": "0 1"}
	sps := scanAll(t, &wallscan.Pipeline{Segmenter: placeSegmenter{}}, photos, []string{"a.jpg", "b.jpg"})
	if sps[1].DuplicateOf != nil || sps[1].Duplicate(0) {
		t.Errorf("without a matcher: DuplicateOf = %q", sps[1].DuplicateOf)
	}
	m := &placeMatcher{}
	sp, err := (&wallscan.Pipeline{Segmenter: placeSegmenter{}, Matcher: m}).Scan(context.Background(), "b.jpg", []byte("0 1"), nil)
	if err != nil || sp.DuplicateOf != nil || len(m.earlier) != 0 {
		t.Errorf("Scan: %v, DuplicateOf %q, matcher called %d times; want no matching", err, sp.DuplicateOf, len(m.earlier))
	}
	if got, want := len(wallscan.GroupNotes(sps)), 4; got != want {
		t.Errorf("grouped %d notes, want %d", got, want)
	}
}

// TestScanAfterLimitsAndErrors: at most MaxMatchedShots earlier photos
// are matched; a matcher's error or a duplicate out of range is an error
// that names the photo.
func TestScanAfterLimitsAndErrors(t *testing.T) {
	m := &placeMatcher{}
	p := &wallscan.Pipeline{Segmenter: placeSegmenter{}, Matcher: m}
	photos := map[string]string{}
	var order []string
	for i := range wallscan.MaxMatchedShots + 3 {
		name := string(rune('a'+i)) + ".jpg"
		photos[name] = "9"
		order = append(order, name)
	}
	scanAll(t, p, photos, order)
	if got := slices.Max(m.earlier); got != wallscan.MaxMatchedShots {
		t.Errorf("at most %d earlier shots matched, want %d", got, wallscan.MaxMatchedShots)
	}

	earlier := scanAll(t, &wallscan.Pipeline{Segmenter: placeSegmenter{}}, map[string]string{"a.jpg": "0 1"}, []string{"a.jpg"})
	boom := errors.New("features exhausted")
	for _, tt := range []struct {
		name   string
		answer func(wallscan.Shot, []wallscan.Shot) ([]wallscan.DuplicateNote, error)
		want   string
	}{
		{"matcher error", func(wallscan.Shot, []wallscan.Shot) ([]wallscan.DuplicateNote, error) { return nil, boom }, "features exhausted"},
		{"note out of range", func(wallscan.Shot, []wallscan.Shot) ([]wallscan.DuplicateNote, error) {
			return []wallscan.DuplicateNote{{Note: 5}}, nil
		}, "does not exist"},
		{"shot out of range", func(wallscan.Shot, []wallscan.Shot) ([]wallscan.DuplicateNote, error) {
			return []wallscan.DuplicateNote{{OfShot: 1}}, nil
		}, "does not exist"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &wallscan.Pipeline{Segmenter: placeSegmenter{}, Matcher: &placeMatcher{answer: tt.answer}}
			_, err := p.ScanAfter(context.Background(), "b.jpg", []byte("0 1"), earlier, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "b.jpg") {
				t.Errorf("error = %v, want one that names b.jpg and says %q", err, tt.want)
			}
		})
	}
}

func TestSameWall(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Muur A", "Muur A", true},
		{"Muur A", " muur a ", true},
		{"Muur A", "Muur B", false},
		{"", "", false},
		{" ", "", false},
	}
	for _, tt := range tests {
		if got := wallscan.SameWall(tt.a, tt.b); got != tt.want {
			t.Errorf("SameWall(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
