package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestLoadSmall runs the load test of `wallscan load` (and `make soak`) at
// a small scale against the real server in process: three kiosks upload
// two photos each while five dashboards hold event streams and two
// facilitators edit. It checks what the soak checks, without timing: every
// upload accepted and fully processed, no request failed, every stream
// held and fed, no answered edit lost.
func TestLoadSmall(t *testing.T) {
	s := startServer(t, t.TempDir())
	cfg := loadConfig{
		Kiosks: 3, PhotosPerKiosk: 2, Dashboards: 5, Facilitators: 2,
		Width: 1600, Height: 1200, Notes: 4, Seed: 3, Interval: time.Second, Timeout: 10 * time.Minute,
		Password: testPassword,
	}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	photos, err := loadPhotos(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := loadTest(context.Background(), cfg, s.URL(), os.Getpid(), photos, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	rep.ServerWorkers = s.Workers
	var table strings.Builder
	rep.write(&table)
	t.Logf("\n%s", table.String())

	n := cfg.Kiosks * cfg.PhotosPerKiosk
	if got := [3]int{rep.Uploaded, rep.Refused, rep.UploadErrors}; got != [3]int{n, 0, 0} {
		t.Errorf("uploads accepted/refused/failed = %v, want [%d 0 0]", got, n)
	}
	if got := [3]int{rep.Done, rep.Failed, rep.Unfinished}; got != [3]int{n, 0, 0} {
		t.Errorf("photos done/failed/unfinished = %v, want [%d 0 0]", got, n)
	}
	if got, want := len(rep.UploadToRead), n; got != want {
		t.Errorf("%d photos seen fully read, want %d", got, want)
	}
	if rep.ServerErrors != 0 {
		t.Errorf("%d requests failed", rep.ServerErrors)
	}
	if rep.StreamsHeld != cfg.Dashboards || rep.Events < n*cfg.Dashboards {
		t.Errorf("%d of %d streams held, %d events; want all held and at least one event per photo per stream", rep.StreamsHeld, cfg.Dashboards, rep.Events)
	}
	if rep.EditsLost != 0 {
		t.Errorf("%d of %d answered edits lost", rep.EditsLost, rep.EditsAnswered)
	}
	if len(rep.API) == 0 || rep.MaxRSS == 0 {
		t.Errorf("no API latencies (%d) or memory samples (%d)", len(rep.API), rep.MaxRSS)
	}
	if rep.failed() {
		t.Error("the report says something failed")
	}
}

// TestLoadFlags: the load command holds its flags to named bounds.
func TestLoadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"load", "--kiosks", "0"},
		{"load", "--kiosks", "1000"},
		{"load", "--photos", "100", "--kiosks", "20"},
		{"load", "--width", "100000"},
		{"load", "--timeout", "0s"},
		{"load", "--interval", "-1s"},
	} {
		code, stdout, stderr := runCmd(t, "", args...)
		if code != 2 || stdout != "" || stderr == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 with a message", args, code, stdout, stderr)
		}
	}
}
