package store

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// TestWithLoggerKeepsQueueNewsOut: opening a database applies River's
// migrations, which it logs at Info; the server's log shows only the
// queue's warnings and errors.
func TestWithLoggerKeepsQueueNewsOut(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, nil))
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), WithLogger(l))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if strings.Contains(buf.String(), "level=INFO") {
		t.Errorf("queue news reached the log:\n%s", buf.String())
	}
	db.opts.logger.Warn("queue trouble")
	if !strings.Contains(buf.String(), "queue trouble") {
		t.Errorf("a queue warning did not reach the log: %q", buf.String())
	}
}
