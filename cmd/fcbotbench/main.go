// Command fcbotbench measures fcbot the way the platforms see it. It
// builds fcbot and runs it as a process of its own (so that its memory
// can be read from /proc), on SQLite and on PostgreSQL, with Slack in HTTP
// mode and Discord in HTTP interactions mode pointed at local stand-ins
// for their APIs; nothing reaches the internet. It seeds a county
// campaign's group through the real commands, then sends signed requests
// at a fixed rate (open loop: each on schedule, whether or not the earlier
// ones were answered) and measures, per command and platform, the time
// until the user sees the answer, errors, answers and acknowledgements
// later than the platforms' 3 seconds, and fcbot's peak memory. In the
// same run it drives a no-op handler on the same HTTP stack (the floor),
// offers fcbot more than it can serve (the overload case), times
// start-up and a daily digest for a thousand groups, and prints the
// median of the runs as one Markdown table per database.
//
//	go run ./cmd/fcbotbench -runs 3 -postgres "$TEST_DATABASE_URL"
//
// Flags choose the rates, durations, commands, platforms and databases;
// -json writes every run's figures too.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fcbot/fcbot/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if os.Getenv(floorEnv) != "" {
		err = floorMain(ctx)
	} else {
		err = run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fcbotbench:", err)
		os.Exit(1)
	}
}

// options are the flags.
type options struct {
	databases        []string
	postgres         string
	analyze          bool
	platforms        []string
	commands         []loadCommand
	rate             float64
	duration         time.Duration
	overloadRate     float64
	overloadDuration time.Duration
	overloadCommands []loadCommand
	runs             int
	digestGroups     int
	scale            float64
	fcbot            string
	jsonOut          string
	drain            time.Duration
	idle             time.Duration
	warmup           time.Duration
	busy             *regexp.Regexp
	seedConcurrency  int
	keep             bool
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("fcbotbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbs := fs.String("databases", "sqlite,postgres", "databases to measure: sqlite, postgres (needs -postgres)")
	fs.StringVar(&o.postgres, "postgres", os.Getenv("TEST_DATABASE_URL"), "PostgreSQL URL; each database gets a fresh schema there, dropped afterwards")
	fs.BoolVar(&o.analyze, "analyze", true, "ANALYZE PostgreSQL's tables after seeding, as autovacuum would have in production")
	plats := fs.String("platforms", "slack,discord", "platforms to drive: slack, discord")
	cmds := fs.String("commands", "scorecard,target-list,meeting-list,task-list,meeting-rsvp", "commands to drive, each alone: "+commandNames())
	fs.Float64Var(&o.rate, "rate", 500, "commands a second")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each command is driven")
	fs.Float64Var(&o.overloadRate, "overload-rate", 2000, "commands a second in the overload case, shared by the platforms; 0 skips it")
	fs.DurationVar(&o.overloadDuration, "overload-duration", 30*time.Second, "how long the overload case lasts")
	over := fs.String("overload-commands", "scorecard,meeting-rsvp", "commands the overload case alternates")
	fs.IntVar(&o.runs, "runs", 3, "runs per database; the tables show their median")
	fs.IntVar(&o.digestGroups, "digest-groups", 1000, "groups the daily digest is timed for; 0 skips it")
	fs.Float64Var(&o.scale, "scale", 1, "size of the seeded group relative to a county campaign after a few months (50 officials, 30 meetings, 500 answers, 200 tasks)")
	fs.StringVar(&o.fcbot, "fcbot", "", "an fcbot binary to measure; default: go build ./cmd/fcbot")
	fs.StringVar(&o.jsonOut, "json", "", "also write every run's figures to this file as JSON")
	fs.DurationVar(&o.drain, "drain", 15*time.Second, "how long after a phase's last request its late answers are waited for")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "how long each command runs on each platform, unmeasured, before the measured phases; 0 for none")
	fs.DurationVar(&o.idle, "idle", 3*time.Second, "how long fcbot idles after start-up before its memory is read")
	busy := fs.String("busy", `(?i)\bbusy\b`, "regular expression that tells the busy reply from others")
	fs.IntVar(&o.seedConcurrency, "seed-concurrency", 4, "seeding commands in flight per platform")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (logs, SQLite files) and PostgreSQL schemas")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags only, e.g. -runs 3)", fs.Arg(0))
	}
	return o, o.read(*dbs, *plats, *cmds, *over, *busy)
}

// read reads the flags that are lists or patterns into o and checks o.
func (o *options) read(dbs, plats, cmds, over, busy string) error {
	var err error
	var errs []error
	o.databases = split(dbs)
	for _, d := range o.databases {
		if d != storage.SQLite && d != storage.Postgres {
			errs = append(errs, fmt.Errorf("-databases: %q is not sqlite or postgres", d))
		}
	}
	o.platforms = split(plats)
	for _, p := range o.platforms {
		if p != slackName && p != discordName {
			errs = append(errs, fmt.Errorf("-platforms: %q is not slack or discord", p))
		}
	}
	if o.commands, err = lookupCommands(cmds); err != nil {
		errs = append(errs, fmt.Errorf("-commands: %w", err))
	}
	if o.overloadCommands, err = lookupCommands(over); err != nil {
		errs = append(errs, fmt.Errorf("-overload-commands: %w", err))
	}
	if o.overloadRate > 0 && (len(o.overloadCommands) == 0 || o.overloadDuration <= 0) {
		errs = append(errs, errors.New("-overload-rate needs -overload-commands and a positive -overload-duration (or -overload-rate 0 to skip it)"))
	}
	if o.busy, err = regexp.Compile(busy); err != nil {
		errs = append(errs, fmt.Errorf("-busy: %w", err))
	}
	if o.rate <= 0 || o.duration <= 0 || o.runs < 1 || o.scale <= 0 || o.seedConcurrency < 1 || len(o.platforms) == 0 {
		errs = append(errs, errors.New("-rate, -duration, -runs, -scale, -seed-concurrency and -platforms must be positive (e.g. -rate 500 -duration 10s -runs 3)"))
	}
	return errors.Join(errs...)
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	if slices.Contains(o.databases, storage.Postgres) && o.postgres == "" {
		fmt.Fprintln(stderr, "fcbotbench: no -postgres URL (or TEST_DATABASE_URL): measuring SQLite only")
		o.databases = slices.DeleteFunc(o.databases, func(d string) bool { return d == storage.Postgres })
	}
	// The driver's own garbage collection would add to the times it
	// measures; it keeps little, so collecting less often costs little.
	debug.SetGCPercent(400)
	work, err := os.MkdirTemp("", "fcbotbench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(stderr, "fcbotbench: work directory", work)
	} else {
		defer os.RemoveAll(work)
	}
	b, err := newBench(ctx, o, work, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	var all []dbResult
	for _, db := range o.databases {
		r, err := b.database(ctx, db)
		if err != nil {
			return fmt.Errorf("%s: %w", db, err)
		}
		all = append(all, r)
		writeMarkdown(stdout, r, o)
	}
	if o.jsonOut == "" {
		return nil
	}
	out, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(o.jsonOut, append(out, '\n'), 0o644)
}
