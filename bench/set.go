package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"wallscan"
	"wallscan/synth"
)

// DontCareVisible is the share of a note that must be visible for it to
// count: a note mostly covered by others or cut by the photo's edge is
// neither a miss when not found nor a false find when found.
const DontCareVisible = 0.5

// Truth is the ground truth of one photo: the JSON file synth writes beside
// each JPEG.
type Truth = synth.TruthFile

// TruthNote is one note of a Truth.
type TruthNote = synth.TruthFileNote

// Counted reports whether the note counts in detection figures: whether at
// least DontCareVisible of it is visible.
func Counted(n TruthNote) bool { return n.Visible >= DontCareVisible }

// ParseTruth reads a ground-truth file (see synth.ParseTruth). EINVALID.
func ParseTruth(data []byte) (*Truth, error) { return synth.ParseTruth(data) }

// Sample is one photo with its ground truth.
type Sample struct {
	Name  string
	Photo []byte // JPEG or PNG
	Truth *Truth
}

// Set is a set of photos with ground truth, loaded one at a time.
type Set interface {
	Len() int
	Sample(i int) (*Sample, error)
}

// Samples is a Set held in memory.
type Samples []*Sample

// Len returns the number of samples.
func (s Samples) Len() int { return len(s) }

// Sample returns sample i.
func (s Samples) Sample(i int) (*Sample, error) { return s[i], nil }

// dirSet is a directory of NAME.jpg files, each with NAME.json beside it.
type dirSet struct {
	dir   string
	names []string
}

// DirSet opens a directory written by `wallscan gen`: every NAME.jpg (or
// .jpeg, .png) with a NAME.json beside it, in name order. ENOTFOUND when the
// directory holds no such pair.
func DirSet(dir string) (Set, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("bench: read set: %w", err)
	}
	s := &dirSet{dir: dir}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".jpg" && ext != ".jpeg" && ext != ".png") {
			continue
		}
		base := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if _, err := os.Stat(filepath.Join(dir, base+".json")); err == nil {
			s.names = append(s.names, e.Name())
		}
	}
	if len(s.names) == 0 {
		return nil, wallscan.Errorf(wallscan.ENOTFOUND, "%s holds no photo with a ground-truth .json beside it; write a set with `wallscan gen %s`.", dir, dir)
	}
	sort.Strings(s.names)
	return s, nil
}

func (s *dirSet) Len() int { return len(s.names) }

func (s *dirSet) Sample(i int) (*Sample, error) {
	name := s.names[i]
	photo, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	js, err := os.ReadFile(filepath.Join(s.dir, strings.TrimSuffix(name, filepath.Ext(name))+".json"))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	t, err := ParseTruth(js)
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", name, err)
	}
	return &Sample{Name: name, Photo: photo, Truth: t}, nil
}
