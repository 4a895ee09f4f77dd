// Command fcbot runs the Freedom Cities campaign bot: on Discord and Slack
// when they are configured, else as a console on an embedded SQLite file.
//
//	fcbot                      serve the configured platforms (or the console)
//	fcbot console [--db URL] [-c '/rules']
//	fcbot migrate [status]
//	fcbot backup --out FILE [--stdin] [--plaintext]
//	fcbot restore --in FILE [--identity KEYFILE] [--stdout]
//	fcbot version
//	fcbot discord register [--dry-run]
//	fcbot slack manifest [--url https://host]
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
	"strings"
	"sync"
	"syscall"
	_ "time/tzdata" // time zones on machines without a zoneinfo database

	"golang.org/x/term"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/serve"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/metrics"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/web"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// processClock is the clock run gives the process; tests that run fcbot
// as a whole process at a chosen time set their own.
var processClock bot.Clock = bot.SystemClock{}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fcbot:", err)
		os.Exit(1)
	}
}

// app is the running process: configuration, the clock, storage, the
// command router and what the platforms added to it.
type app struct {
	cfg    Config
	log    *slog.Logger
	clock  bot.Clock
	store  *storage.Store
	env    *commands.Env
	router *bot.Router
	mux    *http.ServeMux
	// inflight bounds the request bodies the platform routes hold.
	inflight *serve.InFlight
	// gate bounds the commands in flight, for every platform and intake.
	gate   *bot.Gate
	health *health
	// ready answers /readyz; drain turns it to 503 when stopping.
	ready *ready
	// metrics is nil unless METRICS_ADDR is set (see setupMetrics).
	metrics *metrics.Metrics

	// senders deliver unrequested messages per platform name.
	senders map[string]bot.Sender
	// intake takes requests until its ctx ends: the HTTP server, Socket
	// Mode, the Discord gateway.
	intake []func(ctx context.Context) error
	// adapters finish the work they deferred once intake has stopped.
	adapters []waiter
	// stop is the time a stop has, SHUTDOWN_TIMEOUT (see shutdown.go).
	stop stopBudget
}

// waiter is an adapter whose deferred work can be waited for.
type waiter interface{ Wait() }

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
	var script string
	if cmd == "console" {
		if script, err = consoleFlags(&cfg, args, stderr); err != nil {
			return err
		}
	}
	consoleMode := cmd == "console" || (cmd == "" && !cfg.platforms())
	log := newLogger(cfg, stderr, consoleMode)
	// The process's one clock: it stamps rows, dates requests and
	// schedules jobs.
	clock := processClock
	switch cmd {
	case "discord", "slack":
		// Platform subcommands need the command tree, not the database:
		// running them creates and migrates nothing.
		tree := commands.Tree(&commands.Env{Clock: clock, Log: log})
		if cmd == "discord" {
			return discordCommand(ctx, cfg, log, tree, args, stdout)
		}
		return slackCommand(tree, args, stdout)
	case "backup":
		return backupCommand(ctx, cfg, log, args, stdin, stdout, stderr)
	case "restore":
		return restoreCommand(ctx, cfg, log, args, stdout)
	case "", "console", "migrate":
	default:
		usage(stderr)
		return fmt.Errorf("unknown command %q", cmd)
	}
	statusOnly := cmd == "migrate" && len(args) > 0 && args[0] == "status"
	a, err := open(ctx, cfg, log, clock, !statusOnly)
	if err != nil {
		return err
	}
	defer a.store.Close()
	switch {
	case cmd == "migrate":
		return a.migrateCommand(ctx, args, stdout)
	case consoleMode:
		return a.console(ctx, stdin, stdout, script)
	}
	return a.serve(ctx)
}

// consoleFlags reads `fcbot console`'s flags: --db replaces the database
// URL in cfg; -c's command line is returned.
func consoleFlags(cfg *Config, args []string, stderr io.Writer) (string, error) {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", cfg.DatabaseURL, "database URL (default sqlite:fcbot.db)")
	script := fs.String("c", "", "run one command line and exit, e.g. -c '/rules'")
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if _, err := storage.ParseURL(*db); err != nil {
		return "", err
	}
	cfg.DatabaseURL = *db
	return *script, nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: fcbot [console [--db URL] [-c LINE] | migrate [status] | backup --out FILE | restore --in FILE --identity KEYFILE | version | discord … | slack …]\n"+
		"With no command, fcbot serves the configured platforms, or opens the console when none is configured.\n")
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

// newLogger logs in LOG_FORMAT when it is set, else text to a terminal
// and JSON otherwise. The console keeps quiet below warnings unless
// LOG_LEVEL asks, so logs do not bury replies.
func newLogger(cfg Config, w io.Writer, consoleMode bool) *slog.Logger {
	level := cfg.LogLevel
	if consoleMode && !cfg.logLevelSet {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	text := cfg.LogFormat == "text"
	if f, ok := w.(*os.File); ok && cfg.LogFormat == "" {
		text = term.IsTerminal(int(f.Fd()))
	}
	if text {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// open connects to (and, when migrate is set, migrates) the database and
// builds the command router, both on the process's clock.
func open(ctx context.Context, cfg Config, log *slog.Logger, clock bot.Clock, migrate bool) (*app, error) {
	store, err := storage.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	store.SetClock(clock.Now)
	if migrate {
		if err := migrateAll(ctx, store); err != nil {
			store.Close()
			return nil, err
		}
	}
	env := &commands.Env{Store: store, Clock: clock, Log: log, PublicURL: cfg.PublicURL}
	return &app{
		cfg: cfg, log: log, clock: clock, store: store, env: env,
		router:   commands.Router(env),
		mux:      http.NewServeMux(),
		inflight: limits.InFlight(log),
		gate:     bot.NewGate(bot.GateConfig{Slots: conns(store), Log: log}),
		health:   &health{store: store, log: log, ttl: healthTTL},
		ready:    newReady(store, log),
		senders:  map[string]bot.Sender{},
	}, nil
}

// migrateAll applies the project's migrations, then the job queue's.
func migrateAll(ctx context.Context, store *storage.Store) error {
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	if err := jobs.Migrate(ctx, store); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// conns is how many connections the store's pool opens at most: how
// many commands can use the database at once, and so the gate's slots.
func conns(store *storage.Store) int {
	if p := store.Pool(); p != nil {
		return int(p.Config().MaxConns)
	}
	return store.SQL().Stats().MaxOpenConnections
}

// handle adds an HTTP route for a platform, served within the bound on
// bodies in flight that all platform routes share (/healthz is not
// counted, so it answers even when they are full).
func (a *app) handle(pattern string, h http.Handler) {
	a.mux.Handle(pattern, a.inflight.Limit(h))
}

// webRoutes adds /healthz and the pages people open outside chat: the
// calendar feeds, published scorecards, dashboards and the roll-up.
func (a *app) webRoutes() {
	a.mux.HandleFunc("GET /healthz", a.healthz)
	a.mux.HandleFunc("GET /readyz", a.readyz)
	(&web.Server{Env: a.env, Log: a.log}).Routes(a.mux)
}

// console runs the console adapter, with the job queue delivering what
// the commands queue and, when HTTP_ADDR is set, the web pages, until
// stdin or ctx ends.
func (a *app) console(ctx context.Context, stdin io.Reader, stdout io.Writer, script string) error {
	if script != "" {
		stdin = strings.NewReader(script + "\n")
	}
	f, isFile := stdin.(*os.File)
	c := console.New(a.router, stdin, stdout, isFile && term.IsTerminal(int(f.Fd())))
	a.senders[console.Platform] = c
	q, err := a.newQueue()
	if err != nil {
		return err
	}
	// Without its queue the console still answers; notices wait in the
	// database for the next process.
	if err := startJobs(ctx, q); err != nil {
		a.log.Error("background work stopped", "err", err)
	}
	web := make(chan error, 1)
	webCtx, stopWeb := context.WithCancel(ctx)
	if a.cfg.HTTPAddr != "" {
		a.webRoutes()
		go func() { web <- a.serveHTTP(webCtx) }()
	} else {
		web <- nil
	}
	err = c.Run(ctx)
	stopWeb()
	if werr := <-web; werr != nil && !errors.Is(werr, http.ErrServerClosed) {
		a.log.Error("web pages stopped", "err", werr)
	}
	a.stopJobs(ctx, q)
	return err
}

// serve starts the configured platforms, the job queue and, when
// HTTP_ADDR is set, the HTTP server. When ctx ends or a part of the
// intake fails it shuts down in order, within SHUTDOWN_TIMEOUT (see
// shutdown.go): stop taking requests, let each adapter finish the work it
// deferred, then let the job queue finish its jobs; run closes the store
// last.
func (a *app) serve(ctx context.Context) error {
	a.setupMetrics()
	if a.cfg.discordEnabled() {
		if err := a.setupDiscord(); err != nil {
			return fmt.Errorf("%s: %w", discord.Platform, err)
		}
		a.log.Info("platform ready", "platform", discord.Platform)
	}
	if a.cfg.slackEnabled() {
		if err := a.setupSlack(); err != nil {
			return fmt.Errorf("%s: %w", slack.Platform, err)
		}
		a.log.Info("platform ready", "platform", slack.Platform)
	}
	q, err := a.newQueue()
	if err != nil {
		return err
	}
	if a.cfg.HTTPAddr != "" {
		a.webRoutes()
		a.intake = append(a.intake, a.serveHTTP)
	}
	if err := startJobs(ctx, q); err != nil {
		return err
	}
	// Start-up's garbage (the catalogs and templates parsed, the
	// migrations checked) goes back to the system now rather than when
	// the runtime gets to it: a bot is idle most of the time.
	debug.FreeOSMemory()
	defer context.AfterFunc(ctx, a.stopping)()
	err = a.takeRequests(ctx)
	a.finish(ctx, q)
	if err != nil {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// takeRequests runs the intake until ctx ends or one part of it stops,
// then stops the rest and waits for them.
func (a *app) takeRequests(ctx context.Context) error {
	// The intake's own context, so that /readyz says draining before the
	// intake stops.
	intake, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	errc := make(chan error, len(a.intake))
	var wg sync.WaitGroup
	for _, take := range a.intake {
		wg.Go(func() { errc <- take(intake) })
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errc: // one part failed: stop the rest
	}
	a.ready.drain()
	cancel()
	if !waitBy(wg.Wait, a.stopBy(adaptersLeft)) {
		a.log.Warn("stopping: intake still closing at the deadline")
	}
	if first != nil && !errors.Is(first, context.Canceled) && !errors.Is(first, http.ErrServerClosed) {
		return first
	}
	return nil
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
