package store_test

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"wallscan"
	"wallscan/store"
)

// slowReader reads like fakeReader, slowly enough that kills land while
// photos are being read.
type slowReader struct{ fakeReader }

func (r slowReader) Read(ctx context.Context, crop image.Image) (wallscan.Reading, error) {
	time.Sleep(3 * time.Millisecond)
	return r.fakeReader.Read(ctx, crop)
}

func crashProcessor(db *store.DB) *wallscan.Processor {
	return &wallscan.Processor{
		Pipeline:  &wallscan.Pipeline{Segmenter: fakeSegmenter{}, Reader: slowReader{}, Grouper: fakeGrouper{}, Workers: 2},
		Workshops: db, Photos: db, Notes: db, Clusters: db,
	}
}

func quietOptions() []store.Option {
	return []store.Option{
		store.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		store.WithPollInterval(20 * time.Millisecond),
		store.WithRetryDelay(func(int) time.Duration { return 10 * time.Millisecond }),
	}
}

// TestCrashChild is the server side of TestCrashKeepsAnsweredWork: run by
// that test in a child process, it uploads photos and edits notes, and
// prints a line for each that was answered, until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("WALLSCAN_CRASH_DB")
	if path == "" {
		return // only runs as the child of TestCrashKeepsAnsweredWork
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path, quietOptions()...)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if err := db.StartWorkers(ctx, crashProcessor(db).ProcessPhoto, 2); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ws, err := db.Workshops(ctx)
	if err != nil || len(ws) == 0 {
		fmt.Println("error no workshop", err)
		os.Exit(1)
	}
	w := ws[0]
	fmt.Println("ready")
	for i := 0; ; i++ {
		p := &wallscan.Photo{WorkshopID: w.ID, Wall: "muur"}
		if err := db.AddPhoto(ctx, p, []byte(fmt.Sprintf("notes=%d pid=%d i=%d", 3, os.Getpid(), i))); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println("photo", p.ID)
		// A facilitator edits a note of a finished photo.
		notes, err := db.Notes(ctx, wallscan.NoteFilter{WorkshopID: w.ID})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		if len(notes) > 0 {
			n := notes[(i*7)%len(notes)]
			if ph, err := db.Photo(ctx, n.PhotoID); err == nil && ph.Status == wallscan.PhotoDone {
				text := fmt.Sprintf("bewerkt %d %d", os.Getpid(), i)
				if _, err := db.EditNoteText(ctx, n.ID, text); err != nil {
					fmt.Println("error", err)
					os.Exit(1)
				}
				fmt.Println("edit", n.ID, text)
			}
		}
	}
}

// edit is one answered edit: its text and when it was made.
type edit struct {
	text      string
	round, at int
}

func (e edit) before(o edit) bool { return e.round < o.round || (e.round == o.round && e.at < o.at) }

// parseEdit reads "bewerkt PID I"; round is -1 for any other text.
func parseEdit(text string, rounds map[int]int) edit {
	e := edit{text: text, round: -1}
	f := strings.Fields(text)
	if len(f) != 3 || f[0] != "bewerkt" {
		return e
	}
	pid, err1 := strconv.Atoi(f[1])
	at, err2 := strconv.Atoi(f[2])
	r, ok := rounds[pid]
	if err1 != nil || err2 != nil || !ok {
		return e
	}
	e.round, e.at = r, at
	return e
}

// TestCrashKeepsAnsweredWork kills a process that uploads, processes and
// edits with SIGKILL at random moments, restarts it, and checks that every
// answered upload is there and fully processed exactly once, and every
// answered edit is kept.
func TestCrashKeepsAnsweredWork(t *testing.T) {
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	db, err := store.Open(ctx, path, quietOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateWorkshop(ctx, &wallscan.Workshop{Title: "crash"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	answered := map[int64]bool{}
	edits := map[int64]edit{}
	roundOf := map[int]int{} // child pid -> round
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "WALLSCAN_CRASH_DB="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		roundOf[cmd.Process.Pid] = round
		lines := bufio.NewScanner(out)
		killAfter := 1 + rng.IntN(6)
		seen := 0
		for seen < killAfter && lines.Scan() {
			f := strings.Fields(lines.Text())
			switch {
			case len(f) == 2 && f[0] == "photo":
				id, _ := strconv.ParseInt(f[1], 10, 64)
				answered[id] = true
				seen++
			case len(f) >= 3 && f[0] == "edit":
				id, _ := strconv.ParseInt(f[1], 10, 64)
				edits[id] = parseEdit(strings.Join(f[2:], " "), roundOf)
			case len(f) > 0 && f[0] == "error":
				t.Fatalf("round %d: child: %s", round, lines.Text())
			}
		}
		time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
		cmd.Process.Kill()
		// Lines printed before the kill landed were answered too.
		for lines.Scan() {
			f := strings.Fields(lines.Text())
			if len(f) == 2 && f[0] == "photo" {
				id, _ := strconv.ParseInt(f[1], 10, 64)
				answered[id] = true
			} else if len(f) >= 3 && f[0] == "edit" {
				id, _ := strconv.ParseInt(f[1], 10, 64)
				edits[id] = parseEdit(strings.Join(f[2:], " "), roundOf)
			}
		}
		cmd.Wait()
	}
	t.Logf("%d kills, %d answered uploads, %d answered edits", rounds, len(answered), len(edits))

	// Restart once more and let the queue drain.
	db, err = store.Open(ctx, path, quietOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.StartWorkers(ctx, crashProcessor(db).ProcessPhoto, 2); err != nil {
		t.Fatal(err)
	}
	for id := range answered {
		waitFor(t, func() bool {
			p, err := db.Photo(ctx, id)
			if err != nil {
				t.Fatalf("answered photo %d: %v", id, err)
			}
			return p.Status == wallscan.PhotoDone
		})
	}
	for id := range answered {
		p, _ := db.Photo(ctx, id)
		notes, err := db.Notes(ctx, wallscan.NoteFilter{PhotoID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 3 || p.NotesFound != 3 || p.NotesRead != 3 {
			t.Errorf("photo %d: %d notes, found %d, read %d; want 3 each", id, len(notes), p.NotesFound, p.NotesRead)
		}
		if data, err := db.PhotoData(ctx, id); err != nil || !strings.HasPrefix(string(data), "notes=3") {
			t.Errorf("photo %d bytes: %q, %v", id, data, err)
		}
	}
	// An answered edit is kept unless a later edit (perhaps one the kill
	// cut off before it was answered) replaced it.
	for id, e := range edits {
		n, err := db.Note(ctx, id)
		if err != nil {
			t.Errorf("edited note %d: %v", id, err)
			continue
		}
		got := parseEdit(n.Text, roundOf)
		if !n.Edited || got.round < 0 || got.before(e) {
			t.Errorf("edited note %d = %q (edited %v), want %q or a later edit", id, n.Text, n.Edited, e.text)
		}
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}
