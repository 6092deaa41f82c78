package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"wallscan"
	"wallscan/store/storetest"
)

// waitFor polls cond until it holds. The deadline only guards against a
// hang; no test asserts on how long anything took.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorder is a process function that records its calls and fails the
// first failures calls of each photo.
type recorder struct {
	mu       sync.Mutex
	calls    map[int64]int
	failures int
}

func (r *recorder) process(_ context.Context, photoID int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[int64]int{}
	}
	r.calls[photoID]++
	if r.calls[photoID] <= r.failures {
		return errors.New("injected failure")
	}
	return nil
}

func (r *recorder) count(photoID int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[photoID]
}

// jobState returns the state of the process_photo job of a photo.
func jobState(t *testing.T, db *DB, photoID int64) string {
	t.Helper()
	var state string
	if err := db.read.QueryRow(`SELECT state FROM river_job WHERE kind = ? AND json_extract(args, '$.photo_id') = ?`,
		ProcessPhotoKind, photoID).Scan(&state); err != nil {
		t.Fatal(err)
	}
	return state
}

func TestJobRunsOnce(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	var r recorder
	if err := db.StartWorkers(ctx, r.process, 2); err != nil {
		t.Fatal(err)
	}
	w := storetest.MustWorkshop(t, db, "w")
	var photos []*wallscan.Photo
	for i := range 3 {
		photos = append(photos, storetest.MustPhoto(t, db, w.ID, i))
	}
	for _, p := range photos {
		waitFor(t, "the job to complete", func() bool { return jobState(t, db, p.ID) == "completed" })
	}
	if err := db.StopWorkers(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range photos {
		if got, want := r.count(p.ID), 1; got != want {
			t.Errorf("photo %d processed %d times, want %d", p.ID, got, want)
		}
	}
	counts, err := db.JobCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts["completed"], 3; got != want {
		t.Errorf("JobCounts = %v, want %d completed", counts, want)
	}
}

func TestJobRetried(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	r := recorder{failures: 1}
	if err := db.StartWorkers(ctx, r.process, 1); err != nil {
		t.Fatal(err)
	}
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	waitFor(t, "the retried job to complete", func() bool { return jobState(t, db, p.ID) == "completed" })
	if got, want := r.count(p.ID), 2; got != want {
		t.Errorf("photo processed %d times, want %d (one failure, one retry)", got, want)
	}
}

func TestJobGivenUpMarksPhotoFailed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, WithMaxAttempts(2))
	r := recorder{failures: 100}
	if err := db.StartWorkers(ctx, r.process, 1); err != nil {
		t.Fatal(err)
	}
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	waitFor(t, "the job to be discarded", func() bool { return jobState(t, db, p.ID) == "discarded" })
	if got, want := r.count(p.ID), 2; got != want {
		t.Errorf("photo processed %d times, want %d", got, want)
	}
	got, err := db.Photo(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != wallscan.PhotoFailed || got.Error == "" {
		t.Errorf("photo after the last attempt: status %s, error %q", got.Status, got.Error)
	}
}

func TestJobResumesAfterRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(ctx, path, testOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	w := storetest.MustWorkshop(t, db, "w")
	pending := storetest.MustPhoto(t, db, w.ID, 1) // queued, never started
	orphan := storetest.MustPhoto(t, db, w.ID, 2)  // "running" when the process died
	if _, err := db.write.Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', 'subsec')
		WHERE json_extract(args, '$.photo_id') = ?`, orphan.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openAt(t, path)
	var r recorder
	if err := db.StartWorkers(ctx, r.process, 2); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*wallscan.Photo{pending, orphan} {
		waitFor(t, "the job to complete after the restart", func() bool { return jobState(t, db, p.ID) == "completed" })
		if got, want := r.count(p.ID), 1; got != want {
			t.Errorf("photo %d processed %d times after restart, want %d", p.ID, got, want)
		}
	}
	// The attempt the crash cut off was given back.
	var attempt, resumes int
	if err := db.read.QueryRow(`SELECT attempt, json_extract(metadata, '$.wallscan_crash_resumes') FROM river_job
		WHERE json_extract(args, '$.photo_id') = ?`, orphan.ID).Scan(&attempt, &resumes); err != nil {
		t.Fatal(err)
	}
	if attempt != 1 || resumes != 1 {
		t.Errorf("orphaned job: attempt %d, resumes %d; want 1 and 1", attempt, resumes)
	}
}

// TestCrashLoopGivesUp: a photo whose processing kills the process every
// time is resumed MaxCrashResumes times for free, then its attempts count,
// and when they are used up it is given up, so the server does not crash
// forever.
func TestCrashLoopGivesUp(t *testing.T) {
	ctx := context.Background()
	const maxAttempts = 3
	db := openTest(t, WithMaxAttempts(maxAttempts))
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	var attempts []int
	crashes := 0
	for jobState(t, db, p.ID) == "available" {
		if crashes > MaxCrashResumes+maxAttempts+1 {
			t.Fatalf("still resumed after %d crashes", crashes)
		}
		// The crash: fetched (attempt+1), running, and then the process died.
		if _, err := db.write.Exec(`UPDATE river_job SET state = 'running', attempt = attempt + 1`); err != nil {
			t.Fatal(err)
		}
		crashes++
		if err := db.resumeOrphanedJobs(ctx); err != nil {
			t.Fatal(err)
		}
		var a int
		if err := db.read.QueryRow(`SELECT attempt FROM river_job`).Scan(&a); err != nil {
			t.Fatal(err)
		}
		attempts = append(attempts, a)
	}
	if got, want := attempts[MaxCrashResumes-1], 0; got != want {
		t.Errorf("attempt after %d crashes = %d, want %d (given back)", MaxCrashResumes, got, want)
	}
	if got, want := crashes, MaxCrashResumes+maxAttempts; got != want {
		t.Errorf("given up after %d crashes, want %d", got, want)
	}
	if got, want := jobState(t, db, p.ID), "discarded"; got != want {
		t.Errorf("job state %s, want %s", got, want)
	}
	if got, _ := db.Photo(ctx, p.ID); got.Status != wallscan.PhotoFailed || got.Error == "" {
		t.Errorf("photo status %s (%q), want failed with a message", got.Status, got.Error)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func TestJobPhotoDeleted(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	w := storetest.MustWorkshop(t, db, "w")
	p := storetest.MustPhoto(t, db, w.ID, 1)
	if _, err := db.write.Exec(`DELETE FROM photos WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	var calls int
	process := func(ctx context.Context, id int64) error {
		calls++
		_, err := db.Photo(ctx, id)
		return err
	}
	if err := db.StartWorkers(ctx, process, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the job to end", func() bool { return jobState(t, db, p.ID) == "completed" })
	if calls != 1 {
		t.Errorf("job of a deleted photo ran %d times, want 1", calls)
	}
}

func TestOneWorkerProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	a := openAt(t, path)
	b := openAt(t, path)
	var r recorder
	if err := a.StartWorkers(ctx, r.process, 1); err != nil {
		t.Fatal(err)
	}
	storetest.WantCode(t, b.StartWorkers(ctx, r.process, 1), wallscan.ECONFLICT)
	if err := a.StartWorkers(ctx, r.process, 1); err == nil {
		t.Error("StartWorkers twice succeeded")
	}
	if err := a.StopWorkers(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.StartWorkers(ctx, r.process, 1); err != nil {
		t.Errorf("StartWorkers after the other stopped: %v", err)
	}
	storetest.WantCode(t, a.StartWorkers(ctx, nil, 1), wallscan.EINVALID)
}
