// Package spool is a camera station's durable outbox: every photo is written
// to a local folder, fsynced, before anyone tries to send it, and an Uploader
// sends the folder's photos to the server in order and removes each one only
// once the server has accepted it. A station that loses its network, or its
// power, loses no photo; one whose answer was lost sends the photo again
// under the same Idempotency-Key, so the server can tell it already has it.
//
// The package is pure Go and talks HTTP with the standard library.
package spool

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"wallscan"
)

// Layout of a spool folder. A photo is the pair NNNNNNNNNNNN.json (its
// metadata, written first) and NNNNNNNNNNNN.jpg (its bytes, written last);
// the photo exists once its .jpg has been renamed into place.
const (
	// RejectedDir is the subfolder that keeps photos the server refused for
	// good, each with a .txt file holding the server's answer.
	RejectedDir = "rejected"
	// lockFile is held locked by the process that has the spool open.
	lockFile = "spool.lock"
	// tmpPrefix starts the name of a file being written; such files left
	// by a crash are removed when the spool is opened.
	tmpPrefix = ".tmp-"
	photoExt  = ".jpg"
	metaExt   = ".json"
	seqDigits = 12
)

// Item is one photo waiting in the spool.
type Item struct {
	// Seq numbers the photos of one spool in the order they were added,
	// from 1; it never repeats.
	Seq uint64
	// ID is the Idempotency-Key the photo is sent under: a random
	// identity of the Spool that added it and Seq. It is stored with the
	// photo, so it stays the same across restarts, and it is never handed
	// out twice, even when a sequence number is (after the newest photo
	// was sent and the spool reopened) or two stations share a kiosk code.
	ID string
	// Wall is the name of the wall or table, as given at capture; may be "".
	Wall string
	// Taken is when the photo was added to the spool.
	Taken time.Time
	// Path is the photo file.
	Path string
}

// Filename is the name the photo is sent under: when it was taken and its
// number, e.g. camera-20261129-095812-0004.jpg.
func (it Item) Filename() string {
	return fmt.Sprintf("camera-%s-%04d.jpg", it.Taken.Local().Format("20060102-150405"), it.Seq)
}

// Meta is what is kept with a photo besides its bytes.
type Meta struct {
	Wall string
}

// metaFile is the JSON form of a photo's metadata.
type metaFile struct {
	ID    string    `json:"id"`
	Wall  string    `json:"wall,omitempty"`
	Taken time.Time `json:"taken"`
}

// Spool is a durable outbox folder. Its methods are safe for concurrent
// use by one process; two processes must not share a folder.
type Spool struct {
	dir  string
	lock *os.File // held until Close
	id   string   // random, new at every Open: the prefix of new photos' IDs

	mu   sync.Mutex
	next uint64 // the next sequence number to hand out
}

// Open opens the spool folder dir, creating it if needed, and removes the
// half-written files a crash may have left. Photos already waiting stay.
// One process at a time may have a folder open (ECONFLICT otherwise), as
// two would send the same photos.
func Open(dir string) (*Spool, error) {
	if dir == "" {
		return nil, wallscan.Errorf(wallscan.EINVALID, "The spool folder is not set.")
	}
	if err := os.MkdirAll(filepath.Join(dir, RejectedDir), 0o755); err != nil {
		return nil, fmt.Errorf("spool %s: %w", dir, err)
	}
	lk, err := lock(dir)
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", dir, err)
	}
	s := &Spool{dir: dir, lock: lk}
	ok := false
	defer func() {
		if !ok {
			lk.Close()
		}
	}()
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return nil, err
	}
	s.id = hex.EncodeToString(r[:])
	// Clean up after a crash and find the highest sequence number in use,
	// counting rejected photos too, so numbers never repeat.
	for _, d := range []string{dir, filepath.Join(dir, RejectedDir)} {
		entries, err := os.ReadDir(d)
		if err != nil {
			return nil, fmt.Errorf("spool %s: %w", dir, err)
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, tmpPrefix) {
				if err := os.Remove(filepath.Join(d, name)); err != nil {
					return nil, fmt.Errorf("spool %s: %w", dir, err)
				}
				continue
			}
			if seq, ok := parseSeq(name); ok && seq >= s.next {
				s.next = seq + 1
			}
		}
	}
	if s.next == 0 {
		s.next = 1
	}
	// A .json whose .jpg never arrived is a photo that was never added.
	if err := s.removeOrphans(); err != nil {
		return nil, fmt.Errorf("spool %s: %w", dir, err)
	}
	ok = true
	return s, nil
}

// Close lets go of the spool folder, so another process may open it.
func (s *Spool) Close() error { return s.lock.Close() }

// Dir returns the spool's folder.
func (s *Spool) Dir() string { return s.dir }

// ID returns the identity of this opening of the spool, the prefix of the
// Idempotency-Keys of the photos it adds.
func (s *Spool) ID() string { return s.id }

// Add stores a photo durably and returns it as an Item: when Add returns
// without error the photo survives a crash or power cut. It returns
// EINVALID for a photo that is empty or over wallscan.MaxUploadBytes.
func (s *Spool) Add(photo []byte, meta Meta) (Item, error) {
	switch {
	case len(photo) == 0:
		return Item{}, wallscan.Errorf(wallscan.EINVALID, "The photo is empty; nothing to spool.")
	case len(photo) > wallscan.MaxUploadBytes:
		return Item{}, wallscan.Errorf(wallscan.EINVALID, "The photo is %d MB; the server takes at most %d MB.", len(photo)>>20, wallscan.MaxUploadBytes>>20)
	case len(meta.Wall) > wallscan.MaxTitle:
		return Item{}, wallscan.Errorf(wallscan.EINVALID, "The wall name is %d bytes long; the limit is %d.", len(meta.Wall), wallscan.MaxTitle)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seq := s.next
	it := Item{Seq: seq, ID: s.key(seq), Wall: meta.Wall, Taken: time.Now().UTC().Truncate(time.Millisecond)}
	base := seqName(seq)
	m, err := json.Marshal(metaFile{ID: it.ID, Wall: it.Wall, Taken: it.Taken})
	if err != nil {
		return Item{}, err
	}
	if err := writeFileAtomic(s.dir, base+metaExt, m); err != nil {
		return Item{}, fmt.Errorf("spool photo %d: %w", seq, err)
	}
	if err := writeFileAtomic(s.dir, base+photoExt, photo); err != nil {
		os.Remove(filepath.Join(s.dir, base+metaExt))
		return Item{}, fmt.Errorf("spool photo %d: %w", seq, err)
	}
	if err := syncDir(s.dir); err != nil {
		return Item{}, fmt.Errorf("spool photo %d: %w", seq, err)
	}
	s.next++
	it.Path = filepath.Join(s.dir, base+photoExt)
	return it, nil
}

// Pending returns the photos waiting to be sent, oldest first.
func (s *Spool) Pending() ([]Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(s.dir)
}

// Rejected returns the photos the server refused for good, oldest first.
func (s *Spool) Rejected() ([]Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list(filepath.Join(s.dir, RejectedDir))
}

// Len returns how many photos are waiting to be sent.
func (s *Spool) Len() (int, error) {
	items, err := s.Pending()
	return len(items), err
}

// Data returns a waiting photo's bytes.
func (s *Spool) Data(it Item) ([]byte, error) {
	return os.ReadFile(it.Path)
}

// Remove takes a photo the server accepted out of the spool. Removing a
// photo that is already gone is not an error.
func (s *Spool) Remove(it Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	base := filepath.Join(s.dir, seqName(it.Seq))
	// The photo first: without it the metadata is an orphan, cleaned at Open.
	for _, p := range []string{base + photoExt, base + metaExt} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("spool remove %d: %w", it.Seq, err)
		}
	}
	return syncDir(s.dir)
}

// Reject moves a photo the server refused for good into the rejected
// subfolder, with the reason in a .txt file beside it, so that it is not
// sent again but nobody loses it either.
func (s *Spool) Reject(it Item, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rej := filepath.Join(s.dir, RejectedDir)
	base := seqName(it.Seq)
	if err := writeFileAtomic(rej, base+".txt", []byte(reason+"\n")); err != nil {
		return fmt.Errorf("spool reject %d: %w", it.Seq, err)
	}
	if err := os.Rename(filepath.Join(s.dir, base+metaExt), filepath.Join(rej, base+metaExt)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("spool reject %d: %w", it.Seq, err)
	}
	if err := os.Rename(filepath.Join(s.dir, base+photoExt), filepath.Join(rej, base+photoExt)); err != nil {
		return fmt.Errorf("spool reject %d: %w", it.Seq, err)
	}
	if err := syncDir(rej); err != nil {
		return err
	}
	return syncDir(s.dir)
}

// list reads the photos of one folder, oldest first. The caller holds s.mu.
func (s *Spool) list(dir string) ([]Item, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", s.dir, err)
	}
	var items []Item
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, photoExt) {
			continue
		}
		seq, ok := parseSeq(name)
		if !ok {
			continue
		}
		it := Item{Seq: seq, ID: s.key(seq), Path: filepath.Join(dir, name)}
		if b, err := os.ReadFile(filepath.Join(dir, seqName(seq)+metaExt)); err == nil {
			var m metaFile
			if json.Unmarshal(b, &m) == nil {
				it.Wall, it.Taken = m.Wall, m.Taken
				if m.ID != "" {
					it.ID = m.ID
				}
			}
		}
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Seq < items[j].Seq })
	return items, nil
}

// removeOrphans deletes metadata files without a photo.
func (s *Spool) removeOrphans() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	for _, e := range entries {
		name := e.Name()
		if seq, ok := parseSeq(name); ok && strings.HasSuffix(name, metaExt) && !have[seqName(seq)+photoExt] {
			if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// key is the Idempotency-Key of photo seq.
func (s *Spool) key(seq uint64) string { return s.id + "-" + strconv.FormatUint(seq, 10) }

func seqName(seq uint64) string { return fmt.Sprintf("%0*d", seqDigits, seq) }

// parseSeq reads the sequence number at the start of a spool file name.
func parseSeq(name string) (uint64, bool) {
	if len(name) < seqDigits+1 || name[seqDigits] != '.' {
		return 0, false
	}
	seq, err := strconv.ParseUint(name[:seqDigits], 10, 64)
	return seq, err == nil && seq > 0
}

// WriteFile writes data to dir/name durably: through a temporary file that
// is fsynced and renamed, then the folder fsynced, so that name holds
// either nothing or all of data, even after a power cut.
func WriteFile(dir, name string, data []byte) error {
	if err := writeFileAtomic(dir, name, data); err != nil {
		return err
	}
	return syncDir(dir)
}

// writeFileAtomic writes data to dir/name through a temporary file that is
// fsynced and then renamed, so that name holds either nothing or all of data.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, tmpPrefix+name+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}

// syncDir fsyncs a directory, so that renames and removals in it survive a
// power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
