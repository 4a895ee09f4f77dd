package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// start is the moment every scripted session begins: Friday 2026-11-27,
// 09:00 in Chicago.
var start = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// testBot drives the whole bot through the console adapter, as a user
// would, on a real migrated database. Its job queue is the commands'
// outbox: notices are queued as in production, and delivered (printed by
// the console's Sender into sent) once a test calls delivered.
type testBot struct {
	t     testing.TB
	store *storage.Store
	clock *bot.ManualClock
	env   *commands.Env
	// router is the console's, for tests that build requests themselves.
	router *bot.Router
	con    *console.Console
	queue  *jobs.Queue
	jobs   bool         // the queue is working
	sent   *syncBuilder // what the console's Sender printed
}

func newTestBot(t testing.TB, s *storage.Store) *testBot {
	t.Helper()
	if err := jobs.Migrate(context.Background(), s); err != nil { // River's tables, as the process migrates them
		t.Fatal(err)
	}
	clock := bot.NewManualClock(start)
	s.SetClock(clock.Now)
	env := &commands.Env{Store: s, Clock: clock, Log: discardLog()}
	sent := &syncBuilder{}
	router := commands.Router(env)
	con := console.New(router, strings.NewReader(""), sent, false)
	con.FileDir = t.TempDir() // files sent by direct message (/privacy export)
	q, err := jobs.New(jobs.Config{
		Store: s, Env: env, Clock: clock, Log: discardLog(), NoTick: true,
		Senders:      map[string]bot.Sender{console.Platform: con},
		PollInterval: 20 * time.Millisecond, RetryDelay: func(int) time.Duration { return 0 }, DeliveryAttempts: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Outbox = q
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Client().StopAndCancel(ctx)
	})
	return &testBot{t: t, store: s, clock: clock, env: env, router: router, con: con, queue: q, sent: sent}
}

// syncBuilder is a strings.Builder that the job queue's workers and the
// test may use at once.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// delivered starts the job queue (once), waits until every queued
// delivery has been sent, and returns everything the console's Sender
// printed so far.
func (b *testBot) delivered() string {
	b.t.Helper()
	ctx := context.Background()
	if !b.jobs {
		if err := b.queue.Start(ctx); err != nil {
			b.t.Fatal(err)
		}
		b.jobs = true
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := b.queue.Client().JobList(ctx, river.NewJobListParams().Kinds("deliver").
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending, rivertype.JobStateRetryable))
		if err != nil {
			b.t.Fatal(err)
		}
		if len(res.Jobs) == 0 {
			return b.sent.String()
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%d deliveries still queued", len(res.Jobs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// do runs one console line and returns what the console prints for it.
func (b *testBot) do(line string) string {
	b.t.Helper()
	return b.con.Line(context.Background(), line)
}

// expect runs a line and fails unless the output contains every want.
func (b *testBot) expect(line string, wants ...string) string {
	b.t.Helper()
	out := b.do(line)
	for _, w := range wants {
		if !strings.Contains(out, w) {
			b.t.Errorf("%s\ngot:\n%s\nwant it to contain %q", line, out, w)
		}
	}
	return out
}

// refuse runs a line that must fail: one line starting with ✗ that
// contains every want.
func (b *testBot) refuse(line string, wants ...string) string {
	b.t.Helper()
	out := b.expect(line, wants...)
	if !strings.HasPrefix(out, "✗ ") || strings.Contains(out, "\n") {
		b.t.Errorf("%s\ngot:\n%s\nwant a one-line refusal starting with ✗", line, out)
	}
	return out
}

// eachBot runs fn against a fresh bot on every database.
func eachBot(t *testing.T, fn func(t *testing.T, b *testBot)) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		fn(t, newTestBot(t, s))
	})
}
