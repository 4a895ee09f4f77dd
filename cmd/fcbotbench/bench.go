package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fcbot/fcbot/storage"
)

// bench holds what every database's runs share: the fcbot binary, the
// platforms' secrets and stand-ins, and the driver.
type bench struct {
	o         options
	work      string
	bin       string // fcbot
	self      string // this program, started again as the floor
	progress  io.Writer
	secret    string // Slack's signing secret
	key       ed25519.PrivateKey
	sink      *sink
	drv       *driver
	platforms []platform
	size      size
}

func newBench(ctx context.Context, o options, work string, progress io.Writer) (*bench, error) {
	b := &bench{o: o, work: work, bin: o.fcbot, progress: progress, size: countyGroup(o.scale)}
	var err error
	if b.self, err = os.Executable(); err != nil {
		return nil, err
	}
	if b.bin == "" {
		b.logf("building fcbot")
		if b.bin, err = buildFcbot(ctx, work); err != nil {
			return nil, err
		}
	} else if b.bin, err = filepath.Abs(b.bin); err != nil {
		return nil, err
	}
	if _, b.key, err = ed25519.GenerateKey(rand.Reader); err != nil {
		return nil, err
	}
	b.secret = rand.Text()
	slack := &slackPlatform{secret: b.secret, busy: o.busy}
	discord := newDiscord(b.key, o.busy)
	if b.sink, err = startSink(slack, discord); err != nil {
		return nil, err
	}
	slack.responses = b.sink.url + "/slack/response/"
	b.drv = newDriver(b.sink)
	for _, name := range o.platforms {
		if name == slackName {
			b.platforms = append(b.platforms, slack)
		} else {
			b.platforms = append(b.platforms, discord)
		}
	}
	return b, nil
}

func (b *bench) close() {
	b.drv.close()
	b.sink.close()
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// database measures one database: it seeds the group once, then runs the
// cases o.runs times against a freshly started fcbot.
func (b *bench) database(ctx context.Context, dialect string) (dbResult, error) {
	res := dbResult{Database: dialect, Analyzed: dialect == storage.Postgres && b.o.analyze}
	dbURL, drop, err := b.freshDatabase(ctx, dialect, "bot")
	if err != nil {
		return res, err
	}
	defer drop()
	if err := b.seedDatabase(ctx, dialect, dbURL); err != nil {
		return res, err
	}
	var digest *digestBench
	if b.o.digestGroups > 0 {
		digestURL, drop, err := b.freshDatabase(ctx, dialect, "digest")
		if err != nil {
			return res, err
		}
		defer drop()
		b.logf("%s: seeding %d groups for the digest", dialect, b.o.digestGroups)
		if digest, err = seedDigest(ctx, digestURL, b.o.digestGroups, b.o.runs); err != nil {
			return res, err
		}
		defer digest.close()
		if res.Analyzed {
			if err := analyze(ctx, digestURL); err != nil {
				return res, err
			}
		}
	}
	for r := range b.o.runs {
		rr, err := b.runOnce(ctx, dialect, dbURL, r)
		if err != nil {
			return res, fmt.Errorf("run %d: %w", r+1, err)
		}
		if digest != nil {
			d, err := digest.run(ctx, r)
			if err != nil {
				return res, fmt.Errorf("run %d: %w", r+1, err)
			}
			b.logf("%s run %d: digest for %d groups in %.2f s", dialect, r+1, d.Groups, d.Seconds)
			rr.Digest = &d
		}
		res.Runs = append(res.Runs, rr)
	}
	res.Median = medianRun(res.Runs)
	return res, nil
}

// seedDatabase starts fcbot on a new database (which it migrates), seeds
// the group through it and stops it.
func (b *bench) seedDatabase(ctx context.Context, dialect, dbURL string) error {
	fc, _, err := b.startBot(ctx, dbURL, dialect+"-seed")
	if err != nil {
		return err
	}
	defer fc.stop()
	start := time.Now()
	sz := b.size
	b.logf("%s: seeding the group (%d members, %d officials, %d meetings, %d answers, %d tasks) on %s",
		dialect, sz.members, sz.officials, sz.upcoming+sz.past, sz.answers, sz.tasks, strings.Join(b.o.platforms, " and "))
	if err := b.seed(ctx, fc.base); err != nil {
		return err
	}
	b.logf("%s: seeded in %s", dialect, time.Since(start).Round(time.Second))
	if dialect == storage.Postgres && b.o.analyze {
		return analyze(ctx, dbURL)
	}
	return nil
}

// runOnce is one run: start-up and idle memory, the floor, each command on
// each platform, and the overload case.
func (b *bench) runOnce(ctx context.Context, dialect, dbURL string, r int) (runResult, error) {
	var rr runResult
	name := fmt.Sprintf("%s-run%d", dialect, r+1)
	if dialect == storage.Postgres {
		if err := checkpoint(ctx, dbURL); err != nil {
			b.logf("%s: %v (measuring anyway)", name, err)
		}
	}
	fc, startup, err := b.startBot(ctx, dbURL, name)
	if err != nil {
		return rr, err
	}
	defer fc.stop()
	select {
	case <-time.After(b.o.idle):
	case <-ctx.Done():
		return rr, ctx.Err()
	}
	rss, _, err := memory(fc.pid())
	if err != nil {
		return rr, err
	}
	rr.StartupMS, rr.IdleRSSMB = num(ms(startup)), num(mb(rss))
	b.logf("%s: started in %.0f ms, %.0f MB idle", name, rr.StartupMS, rr.IdleRSSMB)
	floor, _, err := startProc(ctx, b.self, nil, b.floorEnv(), floorEnv, filepath.Join(b.work, name+"-floor.log"))
	if err != nil {
		return rr, err
	}
	defer floor.stop()
	other := func(i int) int { return 1 + i%(b.size.members-1) }
	// A bot in service has served before: its connections are open and its
	// caches full. Each command runs for a moment on each platform, at a
	// fifth of the rate, before anything is measured; start-up and idle
	// memory above are the cold figures.
	if b.o.warmup > 0 {
		for _, c := range b.o.commands {
			for _, p := range b.platforms {
				b.drv.drive(ctx, fc.base, b.o.rate/5, b.o.warmup, b.o.drain, func(i int) shot {
					return shot{p: p, line: c.line(i, b.size), m: other(i)}
				})
			}
		}
	}
	for _, p := range b.platforms {
		rr.Cases = append(rr.Cases, b.phase(ctx, name, floor, floorCase, b.o.rate, b.o.duration, func(i int) shot {
			return shot{p: p, line: "/scorecard", m: other(i)}
		})...)
	}
	for _, c := range b.o.commands {
		for _, p := range b.platforms {
			rr.Cases = append(rr.Cases, b.phase(ctx, name, fc, c.label, b.o.rate, b.o.duration, func(i int) shot {
				return shot{p: p, line: c.line(i, b.size), m: other(i)}
			})...)
		}
	}
	if b.o.overloadRate > 0 {
		np, nc := len(b.platforms), len(b.o.overloadCommands)
		rr.Cases = append(rr.Cases, b.phase(ctx, name, fc, overloadCase, b.o.overloadRate, b.o.overloadDuration, func(i int) shot {
			return shot{p: b.platforms[i%np], line: b.o.overloadCommands[(i/np)%nc].line(i, b.size), m: other(i)}
		})...)
	}
	rr.floorRatios()
	return rr, ctx.Err()
}

// The cases that are not a single command.
const (
	floorCase    = "floor"
	overloadCase = "overload"
)

// phase drives target at rate for dur with next's requests, once target
// is idle, and sums up the results per platform, with target's peak
// memory during the phase.
func (b *bench) phase(ctx context.Context, run string, target *proc, name string, rate float64, dur time.Duration, next func(i int) shot) []caseResult {
	settle(ctx, target.pid(), time.Minute)
	stop := watchPeak(target.pid())
	rs := b.drv.drive(ctx, target.base, rate, dur, b.o.drain, next)
	peak := stop()
	var out []caseResult
	for _, p := range b.platforms {
		var mine []result
		for _, r := range rs {
			if r.platform == p.Name() {
				mine = append(mine, r)
			}
		}
		if len(mine) == 0 {
			continue
		}
		st := summarize(mine)
		st.PeakRSSMB = num(mb(peak))
		b.logf("%s: %s on %s: p50 %s, p99 %s, %d errors, %d busy, %.0f MB (sent up to %s late)",
			run, name, p.Name(), fmtMillis(st.P50), fmtMillis(st.P99), st.Errors, st.Busy, st.PeakRSSMB, fmtMillis(st.SendLagP99))
		out = append(out, caseResult{Case: name, Platform: p.Name(), Rate: num(rate), Seconds: num(dur.Seconds()), Stats: st})
	}
	return out
}

// startBot starts fcbot on dbURL with both platforms in HTTP mode, pointed
// at the sink.
func (b *bench) startBot(ctx context.Context, dbURL, name string) (*proc, time.Duration, error) {
	env := []string{
		"DATABASE_URL=" + dbURL, "LOG_LEVEL=warn",
		"SLACK_SIGNING_SECRET=" + b.secret, "SLACK_BOT_TOKEN=xoxb-fcbotbench", "SLACK_API_URL=" + b.sink.url + "/slack/api/",
		"DISCORD_PUBLIC_KEY=" + hex.EncodeToString(b.key.Public().(ed25519.PublicKey)), "DISCORD_APP_ID=" + discordApp,
		"DISCORD_BOT_TOKEN=fcbotbench", "DISCORD_API_URL=" + b.sink.url,
	}
	return startProc(ctx, b.bin, nil, append(callerEnv(), env...), "HTTP_ADDR", filepath.Join(b.work, name+".log"))
}

// callerEnv is the environment without what configures fcbot: the bench
// sets that, while GOMEMLIMIT, GOGC and the like pass through.
func callerEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "DATABASE_URL" || name == "HTTP_ADDR" || name == "LOG_LEVEL" || strings.HasPrefix(name, "SLACK_") || strings.HasPrefix(name, "DISCORD_") || name == floorEnv {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (b *bench) floorEnv() []string {
	return append(callerEnv(), floorSecretEnv+"="+b.secret, floorKeyEnv+"="+hex.EncodeToString(b.key.Public().(ed25519.PublicKey)))
}

// freshDatabase names a new, empty database: a file in the work directory,
// or a new schema on the PostgreSQL server, dropped by the returned
// function unless -keep.
func (b *bench) freshDatabase(ctx context.Context, dialect, name string) (string, func(), error) {
	if dialect == storage.SQLite {
		return "sqlite:" + filepath.Join(b.work, name+".db"), func() {}, nil
	}
	schema := fmt.Sprintf("fcbotbench_%s_%s", name, strings.ToLower(rand.Text()[:8]))
	if err := onServer(ctx, b.o.postgres, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(b.o.postgres)
	if err != nil {
		return "", nil, fmt.Errorf("-postgres: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() {
		if b.o.keep {
			b.logf("kept schema %s", schema)
			return
		}
		if err := onServer(context.Background(), b.o.postgres, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			b.logf("could not drop schema %s: %v", schema, err)
		}
	}
	return u.String(), drop, nil
}

// onServer runs one statement on the PostgreSQL server at rawURL.
func onServer(ctx context.Context, rawURL, statement string) error {
	s, err := storage.Open(ctx, rawURL, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.SQL().ExecContext(ctx, statement); err != nil {
		return fmt.Errorf("%s: %w", statement, err)
	}
	return nil
}

// checkpoint has PostgreSQL write what the seeding and earlier runs left
// in its buffers, as a server would have long before its busy hour, so
// that no run pays for another's writes when a timed checkpoint syncs
// them. Only a superuser (or pg_checkpoint) may.
func checkpoint(ctx context.Context, dbURL string) error {
	s, err := storage.Open(ctx, dbURL, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.SQL().ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// analyze gathers PostgreSQL's statistics on the tables of the schema
// dbURL names, and vacuums the system catalogs, as autovacuum would have
// after a few months. A server without autovacuum (CI's) that has made
// and dropped many test schemas holds hundreds of dead rows per live one
// in pg_attribute and pg_depend (300 to 1 was seen), and every new
// connection reads its catalogs through them.
func analyze(ctx context.Context, dbURL string) error {
	s, err := storage.Open(ctx, dbURL, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer s.Close()
	for _, t := range []string{"pg_attribute", "pg_depend", "pg_class", "pg_type", "pg_constraint", "pg_index", "pg_trigger", "pg_attrdef", "pg_namespace", "pg_statistic"} {
		// Only a superuser or the catalog's owner may: others get a warning.
		if _, err := s.SQL().ExecContext(ctx, "VACUUM pg_catalog."+t); err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	rows, err := s.SQL().QueryContext(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("analyze: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		if _, err := s.SQL().ExecContext(ctx, `ANALYZE "`+t+`"`); err != nil {
			return fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	return nil
}
