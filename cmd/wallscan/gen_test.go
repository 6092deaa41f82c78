package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wallscan/synth"
)

func TestGenWritesPhotosAndTruth(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "set")
	code, stdout, stderr := runCmd(t, "", "gen", dir, "--n", "2", "--seed", "5", "--level", "easy", "--notes", "4")
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	for _, name := range []string{"easy-0005", "easy-0006"} {
		if _, err := os.Stat(filepath.Join(dir, name+".jpg")); err != nil {
			t.Error(err)
		}
		js, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		tf, err := synth.ParseTruth(js)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(tf.Notes), 4; got != want {
			t.Errorf("%s: %d notes, want %d", name, got, want)
		}
	}
	// The same seed gives the same photo.
	again := filepath.Join(t.TempDir(), "again")
	if code, _, stderr := runCmd(t, "", "gen", "--n", "1", "--seed", "5", "--level", "easy", "--notes", "4", again); code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "easy-0005.jpg"))
	b, _ := os.ReadFile(filepath.Join(again, "easy-0005.jpg"))
	if string(a) != string(b) {
		t.Error("the same seed wrote a different photo")
	}
}

func TestGenBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"gen"}, "output directory"},
		{[]string{"gen", t.TempDir(), "--level", "extreme"}, "--level"},
		{[]string{"gen", t.TempDir(), "--n", "0"}, "--n"},
		{[]string{"gen", t.TempDir(), "--shots", "4"}, "--shots"},
	} {
		code, _, stderr := runCmd(t, "", tc.args...)
		if got, want := code, 2; got != want {
			t.Errorf("%v: exit code %d, want %d", tc.args, got, want)
		}
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, stderr, tc.want)
		}
	}
}
