// Package store keeps wallscan's data in one SQLite file: workshops,
// photos with their original bytes, notes with their crops, clusters, the
// facilitator's login, and the durable job queue (River) that processes
// uploaded photos. It implements the root package's storage services.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so a
// transaction that committed (an answered upload, a saved edit) survives
// not only a crash of the process but also a power cut: SQLite syncs the
// WAL on every commit. NORMAL would be faster but may lose the last
// commits on power loss, which for an upload means a participant was told
// "saved" for a photo that is gone.
//
// Connections: all writes, River's included, go through one pool of a
// single connection, so writers queue in Go instead of failing with
// SQLITE_BUSY (River's SQLite driver asks for this). Reads go through a
// second, read-only pool of a few connections, which in WAL mode never
// wait for the writer.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"wallscan"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// readConns is the size of the read-only pool.
const readConns = 4

// Interface checks: *DB is every storage service of the root package.
var (
	_ wallscan.WorkshopService = (*DB)(nil)
	_ wallscan.PhotoService    = (*DB)(nil)
	_ wallscan.NoteService     = (*DB)(nil)
	_ wallscan.ClusterService  = (*DB)(nil)
	_ wallscan.CurationService = (*DB)(nil)
	_ wallscan.AuthService     = (*DB)(nil)
)

// DB is wallscan's SQLite database. Its methods are safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB // one connection: every write transaction and River
	read  *sql.DB // read-only connections
	opts  options

	jobs *river.Client[*sql.Tx] // insert-only client, used by AddPhoto

	mu      sync.Mutex // guards workers and lock
	workers *river.Client[*sql.Tx]
	lock    *os.File

	// now returns the current time; tests may move it.
	now func() time.Time
}

// Option changes how Open sets up the database and the job queue.
type Option func(*options)

type options struct {
	logger       *slog.Logger
	pollInterval time.Duration
	retryDelay   func(attempt int) time.Duration
	maxAttempts  int
	jobTimeout   time.Duration
	rescueAfter  time.Duration
	synchronous  string // FULL; benchmarks compare NORMAL
}

// Job queue defaults.
const (
	// DefaultMaxAttempts is how often a photo's processing is tried before
	// the photo is marked failed.
	DefaultMaxAttempts = 5
	// DefaultJobTimeout bounds one processing attempt of one photo.
	DefaultJobTimeout = 5 * time.Minute
	// DefaultRescueAfter is when a job still marked running is taken to be
	// stuck and is retried (River's rescuer). It must exceed the timeout.
	DefaultRescueAfter = 10 * time.Minute
	// DefaultPollInterval is how often the queue looks for due jobs when
	// no insert notification came (retries, jobs from a previous run).
	DefaultPollInterval = time.Second
)

// WithLogger sets the logger of the job queue. The queue's routine news
// (migrations applied, client started and stopped) is left out: only its
// warnings and errors reach l.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = slog.New(minLevel{l.Handler(), slog.LevelWarn})
		}
	}
}

// minLevel passes on the records of a handler from a level up.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.level}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}

// WithPollInterval sets how often the job queue polls for due jobs.
// Tests make it short.
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.pollInterval = d } }

// WithRetryDelay sets the wait before retry attempt n+1 after attempt n
// failed. The default is River's backoff (n^4 seconds: 1 s, 16 s, 81 s, ...).
func WithRetryDelay(f func(attempt int) time.Duration) Option {
	return func(o *options) { o.retryDelay = f }
}

// WithMaxAttempts sets how often a job is tried before it is given up.
func WithMaxAttempts(n int) Option { return func(o *options) { o.maxAttempts = n } }

// WithJobTimeout sets the time one attempt may take, and the rescue time
// of a stuck job (twice the timeout).
func WithJobTimeout(d time.Duration) Option {
	return func(o *options) { o.jobTimeout, o.rescueAfter = d, 2*d }
}

// dsn returns the data source name for path with the pragmas every pooled
// connection needs.
func dsn(path string, readOnly bool, synchronous string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous("+synchronous+")")
		// BEGIN IMMEDIATE: a write transaction takes the write lock at
		// once, so another process (a backup) makes it wait, not fail.
		q.Set("_txlock", "immediate")
	}
	// SQLite reads "file:" names as URIs: escape what a URI gives meaning.
	path = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, brings its schema
// and River's up to date, and prepares the job queue. Workers start with
// StartWorkers.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{
		logger:       slog.Default(),
		pollInterval: DefaultPollInterval,
		maxAttempts:  DefaultMaxAttempts,
		jobTimeout:   DefaultJobTimeout,
		rescueAfter:  DefaultRescueAfter,
		synchronous:  "FULL",
	}
	for _, f := range opts {
		f(&o)
	}
	if path == "" {
		return nil, wallscan.Errorf(wallscan.EINVALID, "No database path given.")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	db := &DB{path: path, opts: o, now: time.Now}
	var err error
	if db.write, err = sql.Open("sqlite", dsn(path, false, o.synchronous)); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxIdleTime(0)
	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.write.Close()
		return nil, err
	}
	migrator, err := rivermigrate.New(riversqlite.New(db.write), &rivermigrate.Config{Logger: o.logger})
	if err != nil {
		db.write.Close()
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	if db.read, err = sql.Open("sqlite", dsn(path, true, o.synchronous)); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.read.SetMaxOpenConns(readConns)
	if db.jobs, err = river.NewClient(riversqlite.New(db.write), db.riverConfig(nil, 0)); err != nil {
		db.Close()
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return db, nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close stops the workers, if running, and closes the database.
func (db *DB) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := db.StopWorkers(ctx)
	if db.read != nil {
		err = errors.Join(err, db.read.Close())
	}
	if db.write != nil {
		// SQLite checkpoints the WAL into the main file when the last
		// connection closes.
		err = errors.Join(err, db.write.Close())
	}
	return err
}

// IntegrityCheck runs SQLite's integrity_check and foreign_key_check and
// returns an error naming the first problems found.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return err
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var table, parent string
		var rowid, fkid sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			rows.Close()
			return err
		}
		problems = append(problems, fmt.Sprintf("%s row %d: missing %s", table, rowid.Int64, parent))
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if len(problems) > 0 {
		if len(problems) > 10 {
			problems = problems[:10]
		}
		return fmt.Errorf("database integrity: %s", strings.Join(problems, "; "))
	}
	return nil
}

// migration is one numbered .sql file.
type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, name := range names {
		base := filepath.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", base)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share number %d", other, base, v)
		}
		seen[v] = base
		data, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(data)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate runs the migrations not yet recorded, each in its own
// transaction together with its record.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := db.migrateOne(ctx, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

func (db *DB) migrateOne(ctx context.Context, m migration) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, formatTime(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// beginWrite starts a write transaction (on the single writer connection).
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return tx, nil
}

// beginRead starts a read transaction: one consistent snapshot.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return tx, nil
}

// timeLayout is fixed width so stored times sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// nowUTC returns the current time at the precision stored.
func (db *DB) nowUTC() time.Time { return db.now().UTC().Round(0) }

// isConstraint reports whether err is the SQLite constraint error code
// (an extended code such as SQLITE_CONSTRAINT_UNIQUE).
func isConstraint(err error, code int) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == code
}

func isUnique(err error) bool {
	return isConstraint(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE) || isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func isForeignKey(err error) bool { return isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) }

// jsonText encodes v for a JSON column; nil slices become [].
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own plain types are stored; they always encode.
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// fromJSON decodes a JSON column into v.
func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode stored %T: %w", v, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
