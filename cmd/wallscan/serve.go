package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"wallscan"
	"wallscan/dashboard"
	"wallscan/store"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "start the kiosk, facilitator board and director report",
		run:     runServe,
	})
}

// Defaults of `wallscan serve`; WALLSCAN_ADDR and WALLSCAN_DATA override
// them, and flags override those.
const (
	defaultAddr = "localhost:8080"
	defaultData = "./data"
	dbFile      = "wallscan.db"
)

// Server is the running wallscan server: the store, the job workers and the
// HTTP server. Tests start it on port 0 with a temporary data folder.
type Server struct {
	Addr    string // HOST:PORT to listen on
	DataDir string
	// Password, when set, becomes the facilitator password at start.
	Password string
	// Workers is how many photos are processed at once (0: one).
	Workers int
	// NoOCR and NoCluster leave out steps (for tests of the other steps).
	NoOCR, NoCluster bool
	Logger           *slog.Logger

	// GeneratedPassword is set when Open made up a password (first start
	// without WALLSCAN_PASSWORD); it is shown once and stored only hashed.
	GeneratedPassword string

	db       *store.DB
	closePL  func()
	listener net.Listener
	http     *http.Server
	served   chan error
}

// ParseFlags reads the serve flags and the WALLSCAN_* environment.
func (s *Server) ParseFlags(stdio Stdio, args []string, getenv func(string) string) error {
	s.Addr, s.DataDir, s.Password = defaultAddr, defaultData, getenv("WALLSCAN_PASSWORD")
	if v := getenv("WALLSCAN_ADDR"); v != "" {
		s.Addr = v
	}
	if v := getenv("WALLSCAN_DATA"); v != "" {
		s.DataDir = v
	}
	fs := newFlagSet("serve", stdio)
	fs.StringVar(&s.Addr, "addr", s.Addr, "listen on `HOST:PORT` (env WALLSCAN_ADDR)")
	fs.StringVar(&s.DataDir, "data", s.DataDir, "keep the database in `DIR` (env WALLSCAN_DATA)")
	fs.IntVar(&s.Workers, "workers", 1, "photos processed at once")
	return parseFlags(fs, args)
}

// Open starts the server: it opens (or creates) the database, sets the
// password, starts the job workers, which resume any unfinished photo, and
// starts listening.
func (s *Server) Open(ctx context.Context) (err error) {
	if s.Logger == nil {
		s.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if err := os.MkdirAll(s.DataDir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if s.db, err = store.Open(ctx, filepath.Join(s.DataDir, dbFile), store.WithLogger(s.Logger)); err != nil {
		return err
	}
	if err := s.setPassword(ctx); err != nil {
		return err
	}

	pl, closePL, err := newPipeline(pipelineConfig{Read: !s.NoOCR, Group: !s.NoCluster, Lang: "nld+eng"})
	if err != nil {
		return err
	}
	s.closePL = closePL
	events := wallscan.NewBroker()
	proc := &wallscan.Processor{
		Pipeline: pl, Workshops: s.db, Photos: s.db, Notes: s.db, Clusters: s.db, Events: events,
		Logger: s.Logger,
	}
	if err := s.db.StartWorkers(ctx, proc.ProcessPhoto, max(1, s.Workers)); err != nil {
		return err
	}

	handler := dashboard.NewServer(dashboard.Config{
		Workshops: s.db, Photos: s.db, Notes: s.db, Clusters: s.db, Curation: s.db, Auth: s.db,
		Events: events, Regrouper: proc, Words: proc, Logger: s.Logger,
	}).Handler()
	if s.listener, err = net.Listen("tcp", s.Addr); err != nil {
		return err
	}
	s.http = &http.Server{
		Handler: handler,
		// A slow or stalled client must not hold an upload slot for long;
		// the body limit is 32 MiB, which even poor Wi-Fi sends in minutes.
		// No WriteTimeout: the live event streams stay open.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       3 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.http.Serve(s.listener) }()
	return nil
}

// setPassword applies WALLSCAN_PASSWORD, or makes one up at first start.
func (s *Server) setPassword(ctx context.Context) error {
	if s.Password != "" {
		return s.db.SetPassword(ctx, s.Password)
	}
	has, err := s.db.HasPassword(ctx)
	if err != nil || has {
		return err
	}
	s.GeneratedPassword = newPassword()
	return s.db.SetPassword(ctx, s.GeneratedPassword)
}

// newPassword returns 16 random characters from an alphabet without
// look-alikes, easy to read aloud in a workshop room.
func newPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// URL returns the server's base address, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string {
	return "http://" + s.listener.Addr().String()
}

// Close stops taking requests, lets running jobs finish or stops them, and
// closes the database.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var errs []error
	if s.http != nil {
		errs = append(errs, s.http.Shutdown(ctx))
	}
	if s.db != nil {
		errs = append(errs, s.db.StopWorkers(ctx))
		errs = append(errs, s.db.Close())
	}
	if s.closePL != nil {
		s.closePL()
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, stdio Stdio, args []string) error {
	s := &Server{}
	if err := s.ParseFlags(stdio, args, os.Getenv); err != nil {
		return err
	}
	if err := s.Open(ctx); err != nil {
		return err
	}
	printWelcome(stdio.Out, s)
	select {
	case <-ctx.Done():
	case err := <-s.served:
		if !errors.Is(err, http.ErrServerClosed) {
			s.Close()
			return err
		}
	}
	fmt.Fprintln(stdio.Err, "wallscan: stopping")
	return s.Close()
}

func printWelcome(w io.Writer, s *Server) {
	url := s.URL()
	fmt.Fprintf(w, "wallscan is running on %s (database %s)\n\n", url, filepath.Join(s.DataDir, dbFile))
	fmt.Fprintf(w, "  facilitator: %s/login\n", url)
	fmt.Fprintf(w, "  kiosk:       %s/k/CODE  (the join code is shown on each workshop's page)\n\n", url)
	switch {
	case s.GeneratedPassword != "":
		fmt.Fprintf(w, "Facilitator password (shown once, keep it): %s\n", s.GeneratedPassword)
	case s.Password != "":
		fmt.Fprintln(w, "Facilitator password: the one in WALLSCAN_PASSWORD.")
	default:
		fmt.Fprintln(w, "Facilitator password: the one shown at first start. To set a new one, start with WALLSCAN_PASSWORD=...")
	}
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}
