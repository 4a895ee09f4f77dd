// Command fcbot runs the Freedom Cities campaign bot: on Discord and Slack
// when they are configured, else as a console on an embedded SQLite file.
//
//	fcbot                      serve the configured platforms (or the console)
//	fcbot console [--db URL] [-c '/rules']
//	fcbot migrate [status]
//	fcbot version
//
// Platform packages add their own subcommands (fcbot discord register,
// fcbot slack manifest).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // time zones on machines without a zoneinfo database

	"golang.org/x/term"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fcbot:", err)
		os.Exit(1)
	}
}

// app is the running process: configuration, storage, the command router
// and what the platforms added to it.
type app struct {
	cfg    Config
	log    *slog.Logger
	store  *storage.Store
	env    *commands.Env
	router *bot.Router
	mux    *http.ServeMux
	routes int // handlers added to mux besides /healthz

	// senders deliver unrequested messages per platform name.
	senders map[string]bot.Sender
	// runners run until ctx ends: adapters, job workers.
	runners []func(ctx context.Context) error
}

// platform is a chat platform's hook into start-up; each platform's file
// registers one from init.
type platform struct {
	name    string
	enabled func(Config) bool
	// setup adds the platform's runners, HTTP routes and sender to a.
	setup func(ctx context.Context, a *app) error
}

var (
	platforms []platform
	// services start beside the platforms, e.g. job workers.
	services []func(ctx context.Context, a *app) error
	// subcommands are extra `fcbot NAME …` commands added by platforms.
	subcommands = map[string]func(ctx context.Context, a *app, args []string, stdout io.Writer) error{}
)

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "fcbot", buildVersion())
		return nil
	case "help", "--help", "-h":
		usage(stdout)
		return nil
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	consoleMode := cmd == "console" || (cmd == "" && !cfg.platforms())
	var script string
	if cmd == "console" {
		fs := flag.NewFlagSet("console", flag.ContinueOnError)
		fs.SetOutput(stderr)
		db := fs.String("db", cfg.DatabaseURL, "database URL (default sqlite:fcbot.db)")
		fs.StringVar(&script, "c", "", "run one command line and exit, e.g. -c '/rules'")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if _, err := storage.ParseURL(*db); err != nil {
			return err
		}
		cfg.DatabaseURL = *db
	}
	log := newLogger(cfg, stderr, consoleMode)
	if sub, ok := subcommands[cmd]; ok {
		// Platform subcommands (register, manifest) need the command tree,
		// not the database: running them creates and migrates nothing.
		env := &commands.Env{Clock: bot.SystemClock{}, Log: log}
		return sub(ctx, &app{cfg: cfg, log: log, env: env, router: commands.Router(env)}, args, stdout)
	}
	if cmd != "" && cmd != "console" && cmd != "migrate" {
		usage(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
	statusOnly := cmd == "migrate" && len(args) > 0 && args[0] == "status"
	a, err := open(ctx, cfg, log, !statusOnly)
	if err != nil {
		return err
	}
	defer a.store.Close()

	switch cmd {
	case "":
		if consoleMode {
			return a.console(ctx, stdin, stdout, "")
		}
		return a.serve(ctx)
	case "console":
		return a.console(ctx, stdin, stdout, script)
	default: // "migrate"
		return a.migrateCommand(ctx, args, stdout)
	}
}

func usage(w io.Writer) {
	names := []string{"console [--db URL] [-c LINE]", "migrate [status]", "version"}
	for name := range subcommands {
		names = append(names, name+" …")
	}
	sort.Strings(names[3:])
	fmt.Fprintf(w, "usage: fcbot [%s]\nWith no command, fcbot serves the configured platforms, or opens the console when none is configured.\n", strings.Join(names, " | "))
}

func buildVersion() string {
	if version != "dev" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return version
}

// newLogger logs text to a terminal and JSON otherwise. The console keeps
// quiet below warnings unless LOG_LEVEL asks, so logs do not bury replies.
func newLogger(cfg Config, w io.Writer, consoleMode bool) *slog.Logger {
	level := cfg.LogLevel
	if consoleMode && !cfg.logLevelSet {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// open connects to (and, when migrate is set, migrates) the database and
// builds the command router.
func open(ctx context.Context, cfg Config, log *slog.Logger, migrate bool) (*app, error) {
	store, err := storage.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := store.Migrate(ctx); err != nil {
			store.Close()
			return nil, err
		}
	}
	env := &commands.Env{Store: store, Clock: bot.SystemClock{}, Log: log}
	return &app{
		cfg: cfg, log: log, store: store, env: env,
		router:  commands.Router(env),
		mux:     http.NewServeMux(),
		senders: map[string]bot.Sender{},
	}, nil
}

// handle adds an HTTP route for a platform.
func (a *app) handle(pattern string, h http.Handler) {
	a.mux.Handle(pattern, h)
	a.routes++
}

func (a *app) console(ctx context.Context, stdin io.Reader, stdout io.Writer, script string) error {
	if script != "" {
		stdin = strings.NewReader(script + "\n")
	}
	f, isFile := stdin.(*os.File)
	c := console.New(a.router, stdin, stdout, isFile && term.IsTerminal(int(f.Fd())))
	a.senders[console.Platform] = c
	for _, start := range services {
		if err := start(ctx, a); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for _, r := range a.runners {
		wg.Go(func() {
			if err := r(ctx); err != nil && !errors.Is(err, context.Canceled) {
				a.log.Error("background work stopped", "err", err)
			}
		})
	}
	err := c.Run(ctx)
	cancel()
	wg.Wait()
	return err
}

// serve starts every configured platform, the HTTP server when a platform
// added routes, and the services; it returns when ctx ends, after letting
// in-flight work finish.
func (a *app) serve(ctx context.Context) error {
	for _, p := range platforms {
		if !p.enabled(a.cfg) {
			continue
		}
		if err := p.setup(ctx, a); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		a.log.Info("platform ready", "platform", p.name)
	}
	for _, start := range services {
		if err := start(ctx, a); err != nil {
			return err
		}
	}
	if a.routes > 0 {
		a.mux.HandleFunc("GET /healthz", a.healthz)
		srv := &http.Server{Addr: a.cfg.HTTPAddr, Handler: a.mux, ReadHeaderTimeout: 5 * time.Second}
		a.runners = append(a.runners, func(ctx context.Context) error {
			errc := make(chan error, 1)
			go func() { errc <- srv.ListenAndServe() }()
			a.log.Info("http listening", "addr", a.cfg.HTTPAddr)
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
				shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				return srv.Shutdown(shutdown)
			}
		})
	}
	if len(a.runners) == 0 {
		return errors.New("nothing to run: configure a platform (see .env.example)")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(a.runners))
	var wg sync.WaitGroup
	for _, r := range a.runners {
		wg.Go(func() { errc <- r(ctx) })
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errc:
		cancel() // one part failed: stop the rest
	}
	wg.Wait()
	if first != nil && !errors.Is(first, context.Canceled) && !errors.Is(first, http.ErrServerClosed) {
		return first
	}
	a.log.Info("stopped")
	return nil
}

func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.SQL().PingContext(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, "ok\n")
}

func (a *app) migrateCommand(ctx context.Context, args []string, stdout io.Writer) error {
	// Without "status", open has applied the pending migrations; either way,
	// report where things stand.
	if len(args) > 0 && args[0] != "status" && args[0] != "up" {
		return fmt.Errorf("migrate: unknown argument %q (want status or nothing)", args[0])
	}
	st, err := a.store.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, m := range st {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		fmt.Fprintf(stdout, "%05d %-8s %s\n", m.Version, state, m.File)
	}
	return nil
}
