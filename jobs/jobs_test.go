package jobs_test

import (
	"context"
	"errors"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

var chicago = mustZone("America/Chicago")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var quietLog = slog.New(slog.NewTextHandler(logOut(), &slog.HandlerOptions{Level: logLevel()}))

func logOut() io.Writer {
	if os.Getenv("JOBS_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}

// sent is one message a recordingSender was asked to deliver.
type sent struct {
	To    bot.Destination
	Reply bot.Reply
	At    time.Time // the clock's time when it was sent
}

// recordingSender is the platform edge: it records what would have been
// posted, and fails for the users listed in blocked.
type recordingSender struct {
	clock   bot.Clock
	mu      sync.Mutex
	msgs    []sent
	blocked map[string]bool
	down    bool // every send fails
}

func (r *recordingSender) Send(_ context.Context, to bot.Destination, reply bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down || (to.User != "" && r.blocked[to.User]) {
		return errors.New("403: cannot send messages to this user")
	}
	r.msgs = append(r.msgs, sent{To: to, Reply: reply, At: r.clock.Now()})
	return nil
}

func (r *recordingSender) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.msgs...)
}

// to returns the titles of the messages sent to a user (or, for "#x", a
// channel), in order.
func (r *recordingSender) to(who string) []string {
	var out []string
	for _, m := range r.all() {
		if m.To.User == who || (m.To.User == "" && "#"+m.To.Channel == who) {
			out = append(out, m.Reply.Title)
		}
	}
	return out
}

type fixture struct {
	t      *testing.T
	store  *storage.Store
	clock  *bot.ManualClock
	sender *recordingSender
	group  *storage.Group
	q      *jobs.Queue
	people map[string]*storage.Member
}

// newQueue starts a job queue on s that polls often and retries at once.
func newQueue(t *testing.T, s *storage.Store, clock bot.Clock, sender bot.Sender, id string) *jobs.Queue {
	t.Helper()
	env := &commands.Env{Store: s, Clock: clock, Log: quietLog}
	q, err := jobs.New(jobs.Config{
		Store: s, Env: env, Clock: clock, Log: quietLog, ID: id,
		Senders:          map[string]bot.Sender{"console": sender},
		PollInterval:     20 * time.Millisecond,
		RetryDelay:       func(int) time.Duration { return 0 },
		DeliveryAttempts: 3,
		NoTick:           true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.SetHooks(q)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Client().StopAndCancel(ctx)
	})
	return q
}

// setup seeds a Chicago group with a coordinator (carol) and two members
// (alice, bob) and starts a queue on it, at now.
func setup(t *testing.T, s *storage.Store, now time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := bot.NewManualClock(now)
	s.SetClock(clock.Now)
	f := &fixture{t: t, store: s, clock: clock, sender: &recordingSender{clock: clock}, people: map[string]*storage.Member{}}
	g, err := s.EnsureGroup(ctx, "console", "g1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetJurisdiction(ctx, g.ID, "Springfield", "city", "America/Chicago"); err != nil {
		t.Fatal(err)
	}
	f.group = g
	for _, name := range []string{"alice", "bob", "carol"} {
		m, err := s.EnsureMember(ctx, g.ID, name, name)
		if err != nil {
			t.Fatal(err)
		}
		f.people[name] = m
	}
	if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: f.people["carol"].ID, Role: storage.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	f.q = newQueue(t, s, clock, f.sender, "p1")
	return f
}

// meeting schedules (or, with an id, moves) a meeting the way the meeting
// commands do: row and reminders in one transaction.
func (f *fixture) meeting(m *storage.Meeting) *storage.Meeting {
	f.t.Helper()
	m.GroupID = f.group.ID
	if m.Number == 0 {
		m.Number = 1
	}
	if m.Kind == "" {
		m.Kind = "organizing"
	}
	if m.Status == "" {
		m.Status = "scheduled"
	}
	if m.GatherAt.IsZero() {
		m.GatherAt = m.StartsAt.Add(-30 * time.Minute)
	}
	err := f.store.Tx(context.Background(), func(tx *storage.Store) error { return tx.PutMeetingForTest(context.Background(), m) })
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) rsvp(m *storage.Meeting, who, answer string) {
	f.t.Helper()
	r := &storage.RSVP{GroupID: f.group.ID, MeetingID: m.ID, MemberID: f.people[who].ID, Answer: answer}
	err := f.store.Tx(context.Background(), func(tx *storage.Store) error { return tx.PutRSVPForTest(context.Background(), m, r) })
	if err != nil {
		f.t.Fatal(err)
	}
}

// waitFor polls cond until it holds, failing after a bounded deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// jobsIn counts the queue's jobs of the given kinds in the given states.
func jobsIn(t *testing.T, q *jobs.Queue, kinds []string, states ...rivertype.JobState) int {
	t.Helper()
	res, err := q.Client().JobList(context.Background(), river.NewJobListParams().Kinds(kinds...).States(states...).First(1000))
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Jobs)
}

var active = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStatePending}

// settle waits until no job of any kind is waiting to run now.
func settle(t *testing.T, q *jobs.Queue) {
	t.Helper()
	kinds := []string{"digest", "meeting_reminder", "task_reminder", "deliver"}
	waitFor(t, "the queue to settle", func() bool { return jobsIn(t, q, kinds, active...) == 0 })
}

func TestDigestOncePerDayAcrossDST(t *testing.T) {
	t.Parallel()
	for _, days := range []struct{ name, first string }{
		{"spring forward", "2026-03-07"},
		{"fall back", "2026-10-31"},
	} {
		t.Run(days.name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, s *storage.Store) {
				day, _ := time.ParseInLocation(time.DateOnly, days.first, chicago)
				f := setup(t, s, day)
				ds := storage.DefaultDigestSettings(f.group.ID)
				ds.Quiet = false
				if err := s.SaveDigestSettings(context.Background(), &ds); err != nil {
					t.Fatal(err)
				}
				// Three local days in 15-minute steps, ticking at each.
				end := day.AddDate(0, 0, 3)
				for now := day; now.Before(end); now = now.Add(15 * time.Minute) {
					f.clock.Set(now)
					if err := f.q.Tick(context.Background()); err != nil {
						t.Fatal(err)
					}
					settle(t, f.q)
				}
				var got []string
				for _, m := range f.sender.all() {
					got = append(got, m.To.User+" "+m.At.In(chicago).Format("2006-01-02 15:04 MST")+" "+m.Reply.Title)
				}
				d0 := day.Format(time.DateOnly)
				d1 := day.AddDate(0, 0, 1).Format(time.DateOnly)
				d2 := day.AddDate(0, 0, 2).Format(time.DateOnly)
				z := func(d string) string {
					t, _ := time.ParseInLocation(time.DateOnly, d, chicago)
					return t.Add(8 * time.Hour).Format("MST")
				}
				title := func(d string) string {
					t, _ := time.Parse(time.DateOnly, d)
					return "Daily digest for Springfield: " + t.Format("Mon Jan 2")
				}
				want := []string{"carol " + d0 + " 08:00 " + z(d0) + " " + title(d0), "carol " + d1 + " 08:00 " + z(d1) + " " + title(d1), "carol " + d2 + " 08:00 " + z(d2) + " " + title(d2)}
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("digests sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			})
		})
	}
}

func TestQuietDaySendsNothing(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		day := time.Date(2026, 12, 1, 8, 0, 0, 0, chicago)
		f := setup(t, s, day)
		if err := f.q.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		settle(t, f.q)
		if got := f.sender.all(); len(got) != 0 {
			t.Errorf("quiet day sent %d messages, want none: %+v", len(got), got)
		}
		done, err := s.DigestDone(ctx, f.group.ID, "2026-12-01")
		if err != nil || !done {
			t.Errorf("quiet day not marked done (done=%v, err=%v): it would be retried", done, err)
		}
		// Something to say the next day: the digest goes out.
		f.meeting(&storage.Meeting{StartsAt: day.AddDate(0, 0, 3), Place: "Library"})
		f.clock.Set(day.AddDate(0, 0, 1))
		if err := f.q.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the next day's digest", func() bool { return len(f.sender.to("carol")) == 1 })
		if got := f.sender.to("carol")[0]; got != "Daily digest for Springfield: Wed Dec 2" {
			t.Errorf("digest title %q", got)
		}
	})
}

func TestMeetingRemindersFollowReschedulingAndCancelling(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, chicago)
		f := setup(t, s, now)
		m := f.meeting(&storage.Meeting{Number: 1, StartsAt: now.AddDate(0, 0, 3).Add(3 * time.Hour), Place: "County Building", GatherPlace: "Library steps"}) // Fri 12:00
		f.rsvp(m, "alice", "yes")
		f.rsvp(m, "bob", "yes")
		f.rsvp(m, "bob", "no")
		cancelled := f.meeting(&storage.Meeting{Number: 2, StartsAt: now.AddDate(0, 0, 2), Place: "Hall"})
		f.rsvp(cancelled, "alice", "yes")
		cancelled.Status = "cancelled"
		f.meeting(cancelled)

		// Move meeting 1 a day later.
		m.StartsAt = m.StartsAt.AddDate(0, 0, 1) // Sat 12:00
		m.GatherAt = m.StartsAt.Add(-30 * time.Minute)
		f.meeting(m)

		// Past the old reminders' times (and the cancelled meeting's),
		// before the new ones.
		f.clock.Set(time.Date(2026, 12, 4, 11, 45, 0, 0, chicago))
		stale := []string{"meeting_reminder"}
		waitFor(t, "the stale reminders to run", func() bool {
			return jobsIn(t, f.q, stale, rivertype.JobStateCompleted) == 4
		})
		settle(t, f.q)
		if got := f.sender.all(); len(got) != 0 {
			t.Fatalf("stale or cancelled reminders were sent: %+v", got)
		}

		f.clock.Set(time.Date(2026, 12, 5, 11, 0, 0, 0, chicago))
		waitFor(t, "the new reminders", func() bool { return len(f.sender.to("alice")) == 2 })
		settle(t, f.q)
		got := f.sender.all()
		if len(got) != 2 {
			t.Fatalf("sent %d messages, want 2 (to alice): %+v", len(got), got)
		}
		day, hour := got[0].Reply, got[1].Reply
		if day.Title != "Tomorrow: meeting 1" { // both came due in the same step
			day, hour = hour, day
		}
		if day.Title != "Tomorrow: meeting 1" || !strings.Contains(day.Text, "Sat Dec 5, 12:00 PM CST at County Building") || !strings.Contains(day.Text, "Gather 11:30 AM, Library steps") {
			t.Errorf("day reminder:\n%s", day.PlainText())
		}
		if hour.Title != "In an hour: gather for meeting 1" {
			t.Errorf("hour reminder title %q", hour.Title)
		}
	})
}

func TestTaskReminders(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, chicago)
		f := setup(t, s, now)
		due := now.AddDate(0, 0, 2)
		alice := f.people["alice"].ID
		open := &storage.Task{GroupID: f.group.ID, Number: 1, Title: "Call the sheriff", AssigneeID: &alice, DueAt: &due, Status: "open"}
		done := &storage.Task{GroupID: f.group.ID, Number: 2, Title: "Print flyers", AssigneeID: &alice, DueAt: &due, Status: "open"}
		for _, task := range []*storage.Task{open, done} {
			if err := s.Tx(ctx, func(tx *storage.Store) error { return tx.PutTaskForTest(ctx, task) }); err != nil {
				t.Fatal(err)
			}
		}
		done.Status = "done"
		if err := s.Tx(ctx, func(tx *storage.Store) error { return tx.PutTaskForTest(ctx, done) }); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(due.Add(-23 * time.Hour))
		waitFor(t, "the due reminder", func() bool { return len(f.sender.to("alice")) == 1 })
		f.clock.Set(due.Add(time.Minute))
		waitFor(t, "the overdue reminder", func() bool { return len(f.sender.to("alice")) == 2 })
		settle(t, f.q)
		want := "Due tomorrow: task 1\nOverdue: task 1"
		if got := strings.Join(f.sender.to("alice"), "\n"); got != want {
			t.Errorf("alice got:\n%s\nwant:\n%s", got, want)
		}
	})
}

// openTwice opens two stores on one fresh database: two processes.
func openTwice(t *testing.T, dialect string) (*storage.Store, *storage.Store) {
	t.Helper()
	raw := storagetest.URL(t, dialect)
	var stores [2]*storage.Store
	for i := range stores {
		s, err := storage.Open(context.Background(), raw, quietLog)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		h := fnv.New64a()
		_, _ = h.Write([]byte(raw))
		s.SetMigrationLock(int64(h.Sum64() >> 1))
		stores[i] = s
	}
	if err := stores[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return stores[0], stores[1]
}

func TestTwoProcessesDeliverOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			s1, s2 := openTwice(t, dialect)
			now := time.Date(2026, 12, 1, 7, 0, 0, 0, chicago)
			f := setup(t, s1, now)
			s2.SetClock(f.clock.Now)
			q2 := newQueue(t, s2, f.clock, f.sender, "p2")

			m := f.meeting(&storage.Meeting{StartsAt: now.AddDate(0, 0, 1).Add(time.Hour), Place: "Hall"}) // tomorrow 08:00, gather 07:30
			f.rsvp(m, "alice", "yes")
			f.clock.Set(time.Date(2026, 12, 1, 8, 0, 0, 0, chicago))
			for _, q := range []*jobs.Queue{f.q, q2, f.q, q2} {
				if err := q.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "the digest and the day reminder", func() bool {
				return len(f.sender.to("carol")) >= 1 && len(f.sender.to("alice")) >= 1
			})
			settle(t, f.q)
			// Tick again after the digest went out: the guard row holds.
			for _, q := range []*jobs.Queue{f.q, q2} {
				if err := q.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
			f.clock.Set(time.Date(2026, 12, 2, 6, 45, 0, 0, chicago))
			waitFor(t, "the hour reminder", func() bool { return len(f.sender.to("alice")) >= 2 })
			settle(t, f.q)
			settle(t, q2)
			if got := strings.Join(f.sender.to("carol"), "\n"); got != "Daily digest for Springfield: Tue Dec 1" {
				t.Errorf("carol got:\n%s\nwant the digest once", got)
			}
			if got := strings.Join(f.sender.to("alice"), "\n"); got != "Tomorrow: meeting 1\nIn an hour: gather for meeting 1" {
				t.Errorf("alice got:\n%s\nwant each reminder once", got)
			}
		})
	}
}

func TestReminderSurvivesRestart(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			s1, s2 := openTwice(t, dialect)
			now := time.Date(2026, 12, 1, 9, 0, 0, 0, chicago)
			f := setup(t, s1, now)
			m := f.meeting(&storage.Meeting{StartsAt: now.AddDate(0, 0, 2), Place: "Hall"})
			f.rsvp(m, "alice", "yes")
			// A change that rolls back leaves no reminder behind.
			rolledBack := errors.New("rolled back")
			err := s1.Tx(ctx, func(tx *storage.Store) error {
				if err := tx.PutMeetingForTest(ctx, &storage.Meeting{GroupID: f.group.ID, Number: 2, Kind: "organizing", StartsAt: now.AddDate(0, 0, 3), GatherAt: now.AddDate(0, 0, 3), Place: "X", Status: "scheduled"}); err != nil {
					return err
				}
				return rolledBack
			})
			if !errors.Is(err, rolledBack) {
				t.Fatal(err)
			}
			if n := jobsIn(t, f.q, []string{"meeting_reminder"}, rivertype.JobStateScheduled); n != 2 {
				t.Fatalf("%d reminder jobs scheduled, want 2 (meeting 1's only)", n)
			}
			// The process dies before the reminder is due.
			stop, cancel := context.WithTimeout(ctx, time.Second)
			_ = f.q.Client().StopAndCancel(stop)
			cancel()

			f.clock.Set(now.AddDate(0, 0, 1).Add(time.Minute))
			s2.SetClock(f.clock.Now)
			sender2 := &recordingSender{clock: f.clock}
			q2 := newQueue(t, s2, f.clock, sender2, "p2")
			waitFor(t, "the reminder after restart", func() bool { return len(sender2.to("alice")) == 1 })
			settle(t, q2)
			if got := sender2.to("alice"); len(got) != 1 || got[0] != "Tomorrow: meeting 1" {
				t.Errorf("after restart alice got %q", got)
			}
			if got := f.sender.all(); len(got) != 0 {
				t.Errorf("the dead process sent %+v", got)
			}
		})
	}
}

func TestFailedDeliveryFallsBackAndIsReported(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, chicago)
		f := setup(t, s, now)
		m := f.meeting(&storage.Meeting{StartsAt: now.AddDate(0, 0, 2), Place: "Hall"})
		f.rsvp(m, "alice", "yes")
		f.sender.blocked = map[string]bool{"alice": true}

		// No digest channel: alice's reminder fails every attempt and is
		// recorded.
		f.clock.Set(now.AddDate(0, 0, 1).Add(time.Minute))
		waitFor(t, "the failure to be recorded", func() bool {
			fs, err := s.UnreportedFailures(ctx, f.group.ID)
			return err == nil && len(fs) == 1
		})
		settle(t, f.q)
		if n := jobsIn(t, f.q, []string{"deliver"}, rivertype.JobStateDiscarded); n != 1 {
			t.Errorf("%d deliveries discarded, want 1 after its last attempt", n)
		}

		// The next digest reports it, once.
		f.clock.Set(time.Date(2026, 12, 3, 8, 0, 0, 0, chicago))
		if err := f.q.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the digest", func() bool { return len(f.sender.to("carol")) == 1 })
		digest := f.sender.all()[0].Reply.PlainText()
		if !strings.Contains(digest, "Not delivered: reminder for meeting 1 to alice: 403: cannot send messages to this user") {
			t.Errorf("digest does not report the failure:\n%s", digest)
		}
		fs, _ := s.UnreportedFailures(ctx, f.group.ID)
		if len(fs) != 0 {
			t.Errorf("%d failures still unreported after the digest", len(fs))
		}

		// With a digest channel, the hour reminder reaches alice there.
		ds := storage.DefaultDigestSettings(f.group.ID)
		ds.Channel = "coord"
		if err := s.SaveDigestSettings(ctx, &ds); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(m.GatherAt.Add(-59 * time.Minute))
		waitFor(t, "the reminder in the channel", func() bool { return len(f.sender.to("#coord")) == 1 })
		msg := f.sender.all()[1].Reply
		if !strings.HasPrefix(msg.Text, "For alice (I could not message them directly):") {
			t.Errorf("channel message:\n%s", msg.PlainText())
		}
	})
}

func TestDueDigest(t *testing.T) {
	for _, c := range []struct {
		local, at string
		date      string
		due       bool
	}{
		{"2026-03-08 07:59", "08:00", "2026-03-08", false},
		{"2026-03-08 08:00", "08:00", "2026-03-08", true},
		{"2026-03-08 13:59", "08:00", "2026-03-08", true},
		{"2026-03-08 14:00", "08:00", "2026-03-08", false},
		{"2026-03-08 03:30", "02:30", "2026-03-08", true}, // 02:30 does not exist that day
		{"2026-11-01 01:30", "01:30", "2026-11-01", true},
		{"2026-11-01 00:10", "23:50", "2026-11-01", false},
	} {
		t.Run(c.local+" "+c.at, func(t *testing.T) {
			now, err := time.ParseInLocation("2006-01-02 15:04", c.local, chicago)
			if err != nil {
				t.Fatal(err)
			}
			date, due := jobs.DueDigest(now, chicago, c.at)
			if date != c.date || due != c.due {
				t.Errorf("DueDigest(%s, %s) = %s, %v; want %s, %v", c.local, c.at, date, due, c.date, c.due)
			}
		})
	}
}

func logLevel() slog.Level {
	if os.Getenv("JOBS_LOG") == "debug" {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}
