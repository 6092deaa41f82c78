package spool

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wallscan"
)

// photo returns distinct bytes that look like a JPEG for photo n.
func photo(n int) []byte {
	return []byte(fmt.Sprintf("\xff\xd8\xff\xe0photo %d\xff\xd9", n))
}

func TestAddPendingInOrderAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	var added []Item
	for i := 1; i <= 3; i++ {
		it, err := s.Add(photo(i), Meta{Wall: fmt.Sprintf("wall %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := it.Seq, uint64(i); got != want {
			t.Errorf("Add #%d: Seq = %d, want %d", i, got, want)
		}
		keys[it.ID] = true
		added = append(added, it)
	}
	// The newest is sent and the next refused: after a reopen the sequence
	// number 3 may come back, but its key must not (the server has it).
	if err := s.Remove(added[2]); err != nil {
		t.Fatal(err)
	}
	if err := s.Reject(added[1], "415 not a photo"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); wallscan.ErrorCode(err) != wallscan.ECONFLICT {
		t.Errorf("second Open while open = %v, want ECONFLICT", err)
	}
	s.Close()
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	it, err := s2.Add(photo(4), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if keys[it.ID] {
		t.Errorf("photo added after reopen got key %q, already used", it.ID)
	}
	if it.Seq <= 2 {
		t.Errorf("photo added after reopen got Seq %d, not after the photos kept", it.Seq)
	}
	pending, err := s2.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(pending), 2; got != want {
		t.Fatalf("pending = %d photos, want %d", got, want)
	}
	for i, want := range []Item{added[0], it} {
		p := pending[i]
		if p.Seq != want.Seq || p.ID != want.ID || p.Wall != want.Wall || !p.Taken.Equal(want.Taken) {
			t.Errorf("pending[%d] = %+v, want %+v", i, p, want)
		}
	}
	data, err := s2.Data(pending[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, photo(1)) {
		t.Errorf("Data = %q, want %q", data, photo(1))
	}
	rej, err := s2.Rejected()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rej), 1; got != want {
		t.Fatalf("rejected = %d, want %d", got, want)
	}
	if got, want := rej[0].ID, added[1].ID; got != want {
		t.Errorf("rejected ID = %q, want %q", got, want)
	}
	reason, err := os.ReadFile(filepath.Join(dir, RejectedDir, seqName(2)+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(reason)), "415 not a photo"; got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
}

func TestOpenCleansUpAfterCrash(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(photo(1), Meta{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A crash in the middle of Add leaves a temp file and a metadata file
	// without its photo; neither is a photo.
	for name, data := range map[string]string{
		tmpPrefix + seqName(2) + photoExt + "-123": "half a photo",
		seqName(2) + metaExt:                       `{"id":"x-2"}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s2.Len()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, 1; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) || e.Name() == seqName(2)+metaExt {
			t.Errorf("%s left behind after Open", e.Name())
		}
	}
}

func TestAddRejectsBadInput(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		photo []byte
		meta  Meta
	}{
		{"empty", nil, Meta{}},
		{"too large", make([]byte, wallscan.MaxUploadBytes+1), Meta{}},
		{"long wall name", photo(1), Meta{Wall: strings.Repeat("x", wallscan.MaxTitle+1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Add(tt.photo, tt.meta)
			if got, want := wallscan.ErrorCode(err), wallscan.EINVALID; got != want {
				t.Errorf("Add: code %q (%v), want %q", got, err, want)
			}
		})
	}
	if n, _ := s.Len(); n != 0 {
		t.Errorf("Len = %d after bad input, want 0", n)
	}
}

func TestOpenWithoutFolder(t *testing.T) {
	if _, err := Open(""); wallscan.ErrorCode(err) != wallscan.EINVALID {
		t.Errorf("Open(\"\") = %v, want EINVALID", err)
	}
}

// openSpool opens a spool for a test and closes it at the end.
func openSpool(t *testing.T, dir string) *Spool {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkAdd measures spooling one 3 MB photo durably (two files, each
// written, fsynced and renamed, and the folder fsynced): the delay between
// a shot and its safety.
func BenchmarkAdd(b *testing.B) {
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := bytes.Repeat([]byte{0xff, 0xd8, 0x42}, 1<<20)
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		it, err := s.Add(data, Meta{Wall: "Muur A"})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Remove(it); err != nil {
			b.Fatal(err)
		}
	}
}
