package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"wallscan/store"
)

func init() {
	register(&command{
		name:    "backup",
		summary: "copy the database consistently, also while the server runs",
		run:     runBackup,
	})
}

// runBackup writes a consistent copy of the database (VACUUM INTO) that
// `wallscan serve --data DIR` starts from when it is placed in DIR as
// wallscan.db.
func runBackup(ctx context.Context, stdio Stdio, args []string) error {
	data := defaultData
	if v := os.Getenv("WALLSCAN_DATA"); v != "" {
		data = v
	}
	fs := newFlagSet("backup", stdio)
	fs.StringVar(&data, "data", data, "the server's data `DIR` (env WALLSCAN_DATA)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: wallscan backup [--data DIR] FILE")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("give one backup FILE")
	}
	path := filepath.Join(data, dbFile)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no database at %s: %w", path, err)
	}
	db, err := store.Open(ctx, path, store.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Err, "wallscan backup: wrote %s; to restore, start `wallscan serve --data DIR` with it as DIR/%s\n", fs.Arg(0), dbFile)
	return nil
}
