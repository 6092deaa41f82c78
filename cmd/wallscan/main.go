// Command wallscan turns photos of workshop walls into grouped findings.
//
//	wallscan serve    start the kiosk, facilitator board and director report
//	wallscan scan     find, read and group the notes of photos; print JSON
//	wallscan cluster  group notes given as JSON lines
//	wallscan gen      write synthetic wall photos with ground truth
//	wallscan bench    measure every quality and speed figure on a set
//	wallscan capture  a camera station that shoots when the picture is steady
//	wallscan backup   copy the database consistently while the server runs
//
// Each subcommand lives in its own file and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Run(ctx, os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}

// Stdio is where a command reads and writes, so tests can run commands in
// process.
type Stdio struct {
	In  io.Reader
	Out io.Writer // results only: JSON and tables
	Err io.Writer // progress, warnings and errors
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, io Stdio, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// errPartial is returned by a command that did its work but met a failure
// it already reported (a photo that could not be read): exit code 1, no
// further message.
var errPartial = errors.New("partial failure")

// Run runs the subcommand named by args[0] and returns the exit code.
func Run(ctx context.Context, args []string, io Stdio) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(io.Err)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(io.Err, "wallscan: unknown command %q\n\n", args[0])
		usage(io.Err)
		return 2
	}
	err := c.run(ctx, io, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errPartial):
		return 1
	case errors.As(err, new(usageError)):
		fmt.Fprintf(io.Err, "wallscan %s: %v\n", c.name, err)
		return 2
	}
	fmt.Fprintf(io.Err, "wallscan %s: %v\n", c.name, err)
	return 1
}

// usageError marks a mistake in the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wallscan COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'wallscan COMMAND -h' for a command's flags.")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, io Stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("wallscan "+name, flag.ContinueOnError)
	fs.SetOutput(io.Err)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
