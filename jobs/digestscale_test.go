package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/jobs/jobstest"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// countingSender is a platform that takes every message and counts them.
type countingSender struct{ n atomic.Int64 }

func (c *countingSender) Send(context.Context, bot.Destination, bot.Reply) error {
	c.n.Add(1)
	return nil
}

// dueAt is when the seeded digests fall due: 08:00 in Chicago.
var dueAt = at("01 08:00")

// digestLoad is a database of many groups, each with its campaign, and a
// started job queue on it.
type digestLoad struct {
	q      *jobs.Queue
	clock  *bot.ManualClock
	sender *countingSender
}

// newDigestLoad seeds plan's groups through the real commands an hour
// before dueAt on a fresh database, stands the clock at dueAt and starts a
// queue; cfg adjusts the queue's configuration.
func newDigestLoad(tb testing.TB, dialect string, plan jobstest.Plan, cfg func(*jobs.Config)) *digestLoad {
	tb.Helper()
	s := storagetest.Open(tb, dialect)
	if err := jobs.Migrate(context.Background(), s); err != nil {
		tb.Fatal(err)
	}
	l := &digestLoad{clock: bot.NewManualClock(dueAt.Add(-time.Hour)), sender: &countingSender{}}
	env := newEnv(s, l.clock)
	c := jobs.Config{Store: s, Env: env, Log: quietLog, NoTick: true, Senders: map[string]bot.Sender{console.Platform: l.sender}}
	cfg(&c)
	q, err := jobs.New(c)
	if err != nil {
		tb.Fatal(err)
	}
	l.q, env.Outbox = q, q
	s.SetHooks(q)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Client().StopAndCancel(ctx)
	})
	plan.Platform = console.Platform
	if err := jobstest.Seed(context.Background(), commands.Router(env), plan); err != nil {
		tb.Fatal(err)
	}
	// The seeding was bulk: the statistics follow, as the hourly upkeep
	// would see to.
	if err := s.Analyze(context.Background()); err != nil {
		tb.Fatal(err)
	}
	l.clock.Set(dueAt)
	if err := q.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return l
}

// run runs the digest tick at now and waits for its digests.
func (l *digestLoad) run(tb testing.TB, now time.Time) jobs.DigestRun {
	tb.Helper()
	l.clock.Set(now)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run, err := l.q.RunDigests(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return run
}

// TestDigestCostIsFlat: the tick runs the same few statements whether one
// group is due or two dozen, and a group's digest (with its two deliveries)
// costs the same statements for a group with one of everything as for one
// with many officials, meetings, tasks, answers and members, one digest at
// a time or two dozen at once.
func TestDigestCostIsFlat(t *testing.T) {
	t.Parallel()
	small := jobstest.Campaign{Officials: 1, Meetings: 1, Tasks: 1, Members: 1}
	large := jobstest.Campaign{Officials: 4, Meetings: 3, Tasks: 8, Members: 10}
	// Groups 0 to 15 fall due one a minute from 08:00, the other 24 all
	// at 08:16.
	const groups, single = 40, 16
	for _, d := range storagetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			l := newDigestLoad(t, d, jobstest.Plan{
				Groups:  groups,
				Workers: seedWorkers(d),
				Campaign: func(i int) jobstest.Campaign {
					if i%2 == 0 {
						return small
					}
					return large
				},
				DueAt: func(i int) time.Time { return dueAt.Add(time.Duration(min(i, single)) * time.Minute) },
			}, func(c *jobs.Config) { c.PollInterval = 20 * time.Millisecond })

			first := l.run(t, dueAt)
			if first.Digests != 1 {
				t.Fatalf("at 08:00 the tick enqueued %d digests, want group 0's", first.Digests)
			}
			perGroup := first.Statements - first.TickStatements
			for i := 1; i < single; i++ {
				run := l.run(t, dueAt.Add(time.Duration(i)*time.Minute))
				if run.Digests != 1 {
					t.Fatalf("at 08:%02d the tick enqueued %d digests, want group %d's", i, run.Digests, i)
				}
				if run.TickStatements != first.TickStatements {
					t.Errorf("the tick for group %d ran %d statements, for group 0 %d", i, run.TickStatements, first.TickStatements)
				}
				if got := run.Statements - run.TickStatements; got != perGroup {
					t.Errorf("group %d's digest (%s) ran %d statements, group 0's (%s) %d", i, sizeOf(i, large), got, sizeOf(0, large), perGroup)
				}
			}

			all := l.run(t, dueAt.Add(single*time.Minute))
			if all.Digests != groups-single {
				t.Fatalf("at 08:%02d the tick enqueued %d digests, want %d", single, all.Digests, groups-single)
			}
			if all.TickStatements != first.TickStatements {
				t.Errorf("the tick for %d groups ran %d statements, for one %d", all.Digests, all.TickStatements, first.TickStatements)
			}
			if got, want := all.Statements-all.TickStatements, int64(all.Digests)*perGroup; got != want {
				t.Errorf("%d digests at once ran %d statements, want %d (%d each)", all.Digests, got, want, perGroup)
			}
			if n := l.sender.n.Load(); n != 2*groups {
				t.Errorf("%d messages sent, want the digest to each group's two coordinators (%d)", n, 2*groups)
			}
			t.Logf("tick: %d statements; one digest with its deliveries: %d", first.TickStatements, perGroup)
		})
	}
}

// seedWorkers is how many groups to seed at once: SQLite takes one writer
// at a time.
func seedWorkers(dialect string) int {
	if dialect == storage.Postgres {
		return 4
	}
	return 1
}

func sizeOf(i int, large jobstest.Campaign) string {
	if i%2 == 1 {
		return fmt.Sprintf("large: %+v", large)
	}
	return "small"
}

// BenchmarkDigestTick times a day's digests across many groups, each with
// a realistic campaign: the tick, every digest, every delivery, through
// River configured as the process configures it. Seeding takes about a
// minute per 1,000 groups; pick one size, e.g.
//
//	go test ./jobs -run '^$' -bench 'DigestTick/sqlite/1000' -benchtime 1x
func BenchmarkDigestTick(b *testing.B) {
	for _, d := range storagetest.Dialects {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/%d", d, n), func(b *testing.B) {
				l := newDigestLoad(b, d, jobstest.Plan{
					Groups:   n,
					Workers:  seedWorkers(d),
					Campaign: func(int) jobstest.Campaign { return jobstest.Realistic },
					DueAt:    func(int) time.Time { return dueAt },
				}, func(*jobs.Config) {})
				var last jobs.DigestRun
				day := 0
				for b.Loop() {
					// A new day each time: the guard rows stop a second run.
					last = l.run(b, dueAt.AddDate(0, 0, day))
					if last.Digests != n {
						b.Fatalf("%d digests, want %d", last.Digests, n)
					}
					day++
				}
				b.ReportMetric(float64(last.TickStatements), "tick-statements")
				b.ReportMetric(float64(last.Statements-last.TickStatements)/float64(n), "statements/group")
				b.ReportMetric(last.Tick.Seconds()*1000, "tick-ms")
			})
		}
	}
}

// TestUpkeepRefreshesStatistics: the hourly upkeep brings the query
// planner's figures up to date with tables that grew since migrating.
func TestUpkeepRefreshesStatistics(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at("01 09:00"))
		for i := range 20 {
			w.do(fmt.Sprintf(`/official add name:"Official %d" office:sheriff`, i))
		}
		planned := func() string {
			q := "SELECT reltuples::bigint::text FROM pg_class WHERE oid = 'officials'::regclass"
			if s.Dialect() == storage.SQLite {
				q = "SELECT COALESCE((SELECT stat FROM sqlite_stat1 WHERE tbl = 'officials' LIMIT 1), 'none')"
			}
			var stat string
			if err := s.SQL().QueryRowContext(context.Background(), q).Scan(&stat); err != nil {
				t.Fatal(err)
			}
			return strings.Fields(stat)[0]
		}
		t.Logf("before the upkeep, the planner counts %s officials", planned())
		if err := w.q.Prune(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := planned(); got != "20" {
			t.Errorf("after the upkeep the planner counts %s officials, want 20", got)
		}
	})
}
