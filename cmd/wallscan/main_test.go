package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCmd runs wallscan in process and returns its exit code and output.
func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestUnknownCommand(t *testing.T) {
	code, stdout, stderr := runCmd(t, "", "frobnicate")
	if got, want := code, 2; got != want {
		t.Errorf("exit code = %d, want %d", got, want)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("stderr = %q, want it to name the unknown command", stderr)
	}
}

func TestNoCommandPrintsUsage(t *testing.T) {
	code, _, stderr := runCmd(t, "")
	if got, want := code, 2; got != want {
		t.Errorf("exit code = %d, want %d", got, want)
	}
	if !strings.Contains(stderr, "usage: wallscan COMMAND") {
		t.Errorf("stderr = %q, want usage", stderr)
	}
}
