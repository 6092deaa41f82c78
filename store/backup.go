package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"

	"wallscan"
)

// Backup writes a consistent copy of the database to path while the
// server keeps running: VACUUM INTO reads one snapshot (WAL readers never
// block the writer, nor it them) and writes a compact, standalone file.
// The copy is written next to path under a temporary name, synced, and
// renamed, so path is either the old file or a complete copy. An existing
// path is refused (ECONFLICT) rather than overwritten.
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return wallscan.Errorf(wallscan.EINVALID, "No backup file given.")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if self, err := filepath.Abs(db.path); err == nil && self == abs {
		return wallscan.Errorf(wallscan.EINVALID, "The backup cannot overwrite the database itself.")
	}
	if _, err := os.Stat(abs); err == nil {
		return wallscan.Errorf(wallscan.ECONFLICT, "The backup file %s exists already.", path)
	}
	tmp := abs + ".tmp"
	os.Remove(tmp) // a leftover of an interrupted backup
	defer os.Remove(tmp)
	// A connection of its own: the read pool is query_only, which VACUUM
	// INTO refuses, and the writer must stay free for the server.
	conn, err := sql.Open("sqlite", dsn(db.path, false, db.opts.synchronous))
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	if cerr := conn.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return syncFile(filepath.Dir(abs))
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
