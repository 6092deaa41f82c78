package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"wallscan"
)

// ProcessPhotoKind is the River job kind that processes one stored photo.
const ProcessPhotoKind = "process_photo"

// processPhotoArgs are the arguments of a process_photo job.
type processPhotoArgs struct {
	PhotoID int64 `json:"photo_id"`
}

// Kind implements river.JobArgs.
func (processPhotoArgs) Kind() string { return ProcessPhotoKind }

// photoWorker runs process_photo jobs.
type photoWorker struct {
	river.WorkerDefaults[processPhotoArgs]
	db      *DB
	process func(ctx context.Context, photoID int64) error
}

// Work implements river.Worker. A photo deleted in the meantime ends the
// job; any other error is retried by River until the last attempt, which
// marks the photo failed so that nobody waits for it forever.
func (w *photoWorker) Work(ctx context.Context, job *river.Job[processPhotoArgs]) error {
	err := w.process(ctx, job.Args.PhotoID)
	if err == nil {
		return nil
	}
	if wallscan.ErrorCode(err) == wallscan.ENOTFOUND {
		if _, perr := w.db.Photo(ctx, job.Args.PhotoID); wallscan.ErrorCode(perr) == wallscan.ENOTFOUND {
			return nil
		}
	}
	if job.Attempt >= job.MaxAttempts {
		msg := fmt.Sprintf("Processing failed %d times; upload the photo again or contact the facilitator.", job.Attempt)
		w.db.failUnfinished(context.WithoutCancel(ctx), job.Args.PhotoID, msg)
	}
	return err
}

// retryPolicy applies the WithRetryDelay option.
type retryPolicy struct {
	delay func(attempt int) time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().UTC().Add(p.delay(job.Attempt))
}

// riverConfig returns the client configuration; workers nil gives an
// insert-only client.
func (db *DB) riverConfig(workers *river.Workers, n int) *river.Config {
	c := &river.Config{
		Logger:               db.opts.logger,
		MaxAttempts:          db.opts.maxAttempts,
		JobTimeout:           db.opts.jobTimeout,
		RescueStuckJobsAfter: db.opts.rescueAfter,
		FetchPollInterval:    db.opts.pollInterval,
		FetchCooldown:        min(river.FetchCooldownDefault, db.opts.pollInterval),
		Workers:              workers,
	}
	if db.opts.retryDelay != nil {
		c.RetryPolicy = retryPolicy{db.opts.retryDelay}
	}
	if workers != nil {
		c.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
	}
	return c
}

// enqueueProcessing inserts the process_photo job of a photo within tx:
// the job exists exactly when the photo does.
func (db *DB) enqueueProcessing(ctx context.Context, tx *sql.Tx, photoID int64) error {
	if _, err := db.jobs.InsertTx(ctx, tx, processPhotoArgs{PhotoID: photoID}, nil); err != nil {
		return fmt.Errorf("queue photo %d: %w", photoID, err)
	}
	return nil
}

// StartWorkers starts working the job queue: each queued photo is passed
// to process (cmd wires wallscan.Processor.ProcessPhoto), with at most
// workers photos at once. A failed attempt is retried with backoff.
//
// Only one process may work the queue of a database; StartWorkers takes an
// exclusive lock on the file path+".lock" to make sure. Holding it, it
// knows that jobs still marked running were left by a process that died,
// and makes them available again at once, rather than after River's
// stuck-job rescue time.
func (db *DB) StartWorkers(ctx context.Context, process func(ctx context.Context, photoID int64) error, workers int) error {
	if process == nil || workers < 1 {
		return wallscan.Errorf(wallscan.EINVALID, "StartWorkers needs a process function and at least one worker.")
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.workers != nil {
		return errors.New("workers already started")
	}
	lock, err := lockFile(db.path + ".lock")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			lock.Close()
		}
	}()
	if err := db.resumeOrphanedJobs(ctx); err != nil {
		return err
	}
	ws := river.NewWorkers()
	if err := river.AddWorkerSafely(ws, &photoWorker{db: db, process: process}); err != nil {
		return err
	}
	client, err := river.NewClient(riversqlite.New(db.write), db.riverConfig(ws, workers))
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	// The client runs until StopWorkers, not until ctx of the caller ends.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	db.workers, db.lock, ok = client, lock, true
	return nil
}

// StopWorkers stops the workers, waiting for running jobs until ctx ends;
// then their contexts are cancelled and they are retried at the next
// start. It does nothing when no workers run.
func (db *DB) StopWorkers(ctx context.Context) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.workers == nil {
		return nil
	}
	err := db.workers.Stop(ctx)
	if err != nil {
		// Soft stop timed out: cancel the jobs and wait for them to return.
		hard, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = db.workers.StopAndCancel(hard)
	}
	db.workers = nil
	err = errors.Join(err, db.lock.Close())
	db.lock = nil
	return err
}

// MaxCrashResumes is how often a job cut off by the death of its process
// is resumed without counting the attempt. A crash or a kill is not the
// photo's fault, so it should not use up the photo's attempts; but a photo
// that kills the process every time must not crash-loop the server
// forever, so beyond this many resumes the attempts count again.
const MaxCrashResumes = 10

// resumeOrphanedJobs makes jobs that a dead process left running available
// again, giving back the attempt the crash cut off (see MaxCrashResumes).
// The count of resumes is kept in the job's metadata. A job that has used
// its free resumes and all its attempts is given up, and its photo marked
// failed: it never returned an error River could count, it only crashed.
func (db *DB) resumeOrphanedJobs(ctx context.Context) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const exhausted = `state = 'running' AND attempt >= max_attempts
		AND coalesce(json_extract(metadata, '$.wallscan_crash_resumes'), 0) >= ?`
	if _, err := tx.ExecContext(ctx, `
		UPDATE photos SET status = ?, error = ?, updated_at = ?
		WHERE status NOT IN (?, ?) AND id IN (
			SELECT json_extract(args, '$.photo_id') FROM river_job WHERE kind = ? AND `+exhausted+`)`,
		string(wallscan.PhotoFailed), "Processing this photo stopped the server repeatedly; it was given up. Try another photo of the wall.",
		formatTime(db.nowUTC()), string(wallscan.PhotoDone), string(wallscan.PhotoFailed),
		ProcessPhotoKind, MaxCrashResumes); err != nil {
		return fmt.Errorf("give up jobs: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE river_job SET state = 'discarded', finalized_at = strftime('%Y-%m-%d %H:%M:%f', 'now')
		WHERE `+exhausted, MaxCrashResumes); err != nil {
		return fmt.Errorf("give up jobs: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE river_job SET
			state = 'available',
			attempt = CASE WHEN coalesce(json_extract(metadata, '$.wallscan_crash_resumes'), 0) < ?
				THEN max(attempt - 1, 0) ELSE attempt END,
			metadata = jsonb_set(metadata, '$.wallscan_crash_resumes',
				coalesce(json_extract(metadata, '$.wallscan_crash_resumes'), 0) + 1)
		WHERE state = 'running'`, MaxCrashResumes); err != nil {
		return fmt.Errorf("resume jobs: %w", err)
	}
	return tx.Commit()
}

// lockFile takes an exclusive, non-blocking lock on path. The lock goes
// with the process: the kernel releases it when the process dies.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("job queue lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, wallscan.Errorf(wallscan.ECONFLICT,
				"Another wallscan process is already processing photos of this database (%s).", path)
		}
		return nil, fmt.Errorf("job queue lock: %w", err)
	}
	return f, nil
}

// JobCounts returns how many process_photo jobs are in each River state
// (available, running, retryable, completed, discarded, ...). The
// dashboard and tests use it to watch the queue.
func (db *DB) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT state, count(*) FROM river_job WHERE kind = ? GROUP BY state`, ProcessPhotoKind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, err
		}
		out[state] = n
	}
	return out, rows.Err()
}
