package jobs_test

import (
	"context"
	"errors"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"slices"
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

var chicago = mustZone("America/Chicago")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a Chicago wall-clock time in December 2026 (or another month,
// with the month-day form "03-07 08:00").
func at(s string) time.Time {
	if len(s) == len("02 15:04") {
		s = "12-" + s
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+s, chicago)
	if err != nil {
		panic(err)
	}
	return t
}

var quietLog = slog.New(slog.NewTextHandler(logOut(), &slog.HandlerOptions{Level: logLevel()}))

func logOut() io.Writer {
	if os.Getenv("JOBS_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}

func logLevel() slog.Level {
	if os.Getenv("JOBS_LOG") == "debug" {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}

// springfield is the first line of every session: whoever types it
// becomes the group's lead.
const springfield = `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`

// sent is one message a recordingSender was asked to deliver.
type sent struct {
	To   bot.Destination
	Text string    // as the console shows it
	At   time.Time // the clock's time when it was sent
}

// who names the addressee as the tests write it: alice, or #channel.
func (m sent) who() string {
	if m.To.User != "" {
		return m.To.User
	}
	return "#" + m.To.Channel
}

// title is the message's first line.
func (m sent) title() string { return strings.SplitN(m.Text, "\n", 2)[0] }

// recordingSender is the platform edge: it records what would have been
// posted, rendered as the console renders it, and fails for the users
// listed in blocked.
type recordingSender struct {
	clock   bot.Clock
	mu      sync.Mutex
	msgs    []sent
	blocked map[string]bool
}

func (r *recordingSender) Send(_ context.Context, to bot.Destination, reply bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if to.User != "" && r.blocked[to.User] {
		return errors.New("403: cannot send messages to this user")
	}
	r.msgs = append(r.msgs, sent{To: to, Text: strings.TrimSpace(console.Render(reply)), At: r.clock.Now()})
	return nil
}

func (r *recordingSender) block(user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.blocked = map[string]bool{user: true}
}

func (r *recordingSender) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// to returns the titles of the messages sent to a user (or "#channel"),
// in order.
func (r *recordingSender) to(who string) []string {
	var out []string
	for _, m := range r.all() {
		if m.who() == who {
			out = append(out, m.title())
		}
	}
	return out
}

// newEnv sets the one clock of a process on trial: it stamps s's rows,
// and the commands and the job queue built on the returned Env read it.
func newEnv(s *storage.Store, clock bot.Clock) *commands.Env {
	s.SetClock(clock.Now)
	return &commands.Env{Store: s, Clock: clock, Log: quietLog}
}

// newQueue starts a job queue on env's store that polls often and retries
// at once.
func newQueue(t *testing.T, env *commands.Env, sender bot.Sender, id string) *jobs.Queue {
	t.Helper()
	q := buildQueue(t, env, sender, id, 0)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return q
}

// buildQueue makes the queue without starting it and installs its hooks.
func buildQueue(t *testing.T, env *commands.Env, sender bot.Sender, id string, rescueAfter time.Duration) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(queueConfig(env, sender, id, rescueAfter))
	if err != nil {
		t.Fatal(err)
	}
	env.Store.SetHooks(q)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.Client().StopAndCancel(ctx)
	})
	return q
}

// queueConfig configures a queue on env's store and clock.
func queueConfig(env *commands.Env, sender bot.Sender, id string, rescueAfter time.Duration) jobs.Config {
	return jobs.Config{
		Store: env.Store, Env: env, Log: quietLog, ID: id,
		Senders:          map[string]bot.Sender{console.Platform: sender},
		PollInterval:     20 * time.Millisecond,
		RetryDelay:       func(int) time.Duration { return 0 },
		DeliveryAttempts: 3,
		NoTick:           true,
		RescueAfter:      rescueAfter,
	}
}

// world is the bot as its users meet it: the real commands typed on the
// console, on a real migrated database, with the job queue working and a
// recordingSender in place of the chat platform.
type world struct {
	t      *testing.T
	store  *storage.Store
	clock  *bot.ManualClock
	sender *recordingSender
	q      *jobs.Queue
	con    *console.Console
	seen   int // messages already checked by step
}

// newWorld starts the bot at now, and makes "you" the lead of a Chicago
// group and carol its coordinator (who gets the digest).
func newWorld(t *testing.T, s *storage.Store, now time.Time) *world {
	t.Helper()
	clock := bot.NewManualClock(now)
	env := newEnv(s, clock)
	w := &world{t: t, store: s, clock: clock, sender: &recordingSender{clock: clock}}
	w.q = newQueue(t, env, w.sender, "p1")
	env.Outbox = w.q
	w.con = console.New(commands.Router(env), strings.NewReader(""), io.Discard, false)
	w.do(springfield, "first lead")
	w.do("/role assign user:@carol role:coordinator", "carol")
	return w
}

// do runs console lines; a line starting "as " switches the user. Each
// command must succeed and print every want.
func (w *world) do(line string, wants ...string) string {
	w.t.Helper()
	out := w.con.Line(context.Background(), line)
	if strings.HasPrefix(out, "✗") {
		w.t.Fatalf("%s\nwas refused: %s", line, out)
	}
	for _, want := range wants {
		if !strings.Contains(out, want) {
			w.t.Errorf("%s\ngot:\n%s\nwant it to contain %q", line, out, want)
		}
	}
	return out
}

// group returns the console's group.
func (w *world) group() *storage.Group {
	w.t.Helper()
	g, err := w.store.EnsureGroup(context.Background(), console.Platform, console.Group)
	if err != nil {
		w.t.Fatal(err)
	}
	return g
}

// step moves the clock to now, waits until every job due by then has
// run, and checks the messages sent since the last step: want lists them
// as "user: title", in any order. Each was sent at now, not before.
func (w *world) step(now time.Time, want ...string) []sent {
	w.t.Helper()
	w.clock.Set(now)
	drain(w.t, w.q, w.clock)
	msgs := w.sender.all()[w.seen:]
	w.seen += len(msgs)
	var got []string
	for _, m := range msgs {
		got = append(got, m.who()+": "+m.title())
		if !m.At.Equal(now) {
			w.t.Errorf("%s: %q sent at %s, want %s", now.Format(time.DateTime), m.title(), m.At.In(chicago).Format(time.DateTime), now.Format(time.DateTime))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		w.t.Errorf("at %s sent:\n%s\nwant:\n%s", now.Format("Mon Jan 2 15:04"), strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	return msgs
}

// eachDB runs fn on a fresh database of each dialect, in parallel: most
// of a jobs test is waiting for River's scheduler.
func eachDB(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	for _, d := range storagetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			s := storagetest.Open(t, d)
			migrateRiver(t, s)
			fn(t, s)
		})
	}
}

// migrateRiver adds River's tables to a store migrated by storage, as the
// process does.
func migrateRiver(t *testing.T, s *storage.Store) {
	t.Helper()
	if err := jobs.Migrate(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond until it holds, failing after a bounded deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// jobList lists the queue's jobs of the given kinds in the given states.
func jobList(t *testing.T, q *jobs.Queue, kinds []string, states ...rivertype.JobState) []*rivertype.JobRow {
	t.Helper()
	res, err := q.Client().JobList(context.Background(), river.NewJobListParams().Kinds(kinds...).States(states...).First(10000))
	if err != nil {
		t.Fatal(err)
	}
	return res.Jobs
}

var allKinds = []string{"digest", "meeting_reminder", "task_reminder", "deliver"}

// drain waits until no job is due by the clock's time and not yet done:
// none scheduled (or waiting to retry) at or before it, none available or
// running. River's scheduler moves due jobs every 5 s, so a step that
// makes something due waits up to that; a step that does not, does not.
func drain(t *testing.T, q *jobs.Queue, clock bot.Clock) {
	t.Helper()
	waitFor(t, "the jobs due to run", func() bool {
		now := clock.Now()
		for _, j := range jobList(t, q, allKinds, rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateScheduled) {
			if (j.State != rivertype.JobStateScheduled && j.State != rivertype.JobStateRetryable) || !j.ScheduledAt.After(now) {
				return false
			}
		}
		return true
	})
}

func TestDigestOncePerDayAcrossDST(t *testing.T) {
	t.Parallel()
	for _, days := range []struct{ name, first string }{
		{"spring forward", "03-07 00:00"},
		{"fall back", "10-31 00:00"},
	} {
		t.Run(days.name, func(t *testing.T) {
			t.Parallel()
			eachDB(t, func(t *testing.T, s *storage.Store) {
				day := at(days.first)
				w := newWorld(t, s, day)
				w.do("/digest quiet off", "sent every day")
				// Three local days in 15-minute steps, ticking at each.
				end := day.AddDate(0, 0, 3)
				for now := day; now.Before(end); now = now.Add(15 * time.Minute) {
					w.clock.Set(now)
					if err := w.q.Tick(context.Background()); err != nil {
						t.Fatal(err)
					}
					drain(t, w.q, w.clock)
				}
				var got, want []string
				for _, m := range w.sender.all() {
					got = append(got, m.who()+" "+m.At.In(chicago).Format("2006-01-02 15:04 MST")+" "+m.title())
				}
				for i := range 3 {
					d := day.AddDate(0, 0, i)
					eight := time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, chicago)
					want = append(want, "carol "+eight.Format("2006-01-02 15:04 MST")+" Daily digest for Springfield: "+d.Format("Mon Jan 2"))
				}
				if !slices.Equal(got, want) {
					t.Errorf("digests sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			})
		})
	}
}

func TestQuietDaySendsNothing(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(t, s, at("01 08:00"))
		if err := w.q.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		w.step(at("01 08:00"))
		done, err := s.DigestDone(ctx, w.group().ID, "2026-12-01")
		if err != nil || !done {
			t.Errorf("quiet day not marked done (done=%v, err=%v): it would be retried", done, err)
		}
		// Something to say the next day: the digest goes out.
		w.do(`/meeting schedule when:"2026-12-04 08:00" where:"Library"`, "Meeting 1")
		w.clock.Set(at("02 08:00"))
		if err := w.q.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		w.step(at("02 08:00"), "carol: Daily digest for Springfield: Wed Dec 2")
	})
}

// TestMeetingRemindersReachYesOnce: members who answered yes get each
// reminder once, at its time, with the gather place; maybe, no, and yes
// changed to no get none.
func TestMeetingRemindersReachYesOnce(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at("01 09:00"))
		w.do(`/meeting schedule when:"2026-12-04 12:00" where:"County Building" gather:"Library steps"`, "Meeting 1", "11:40 AM")
		w.do(`/meeting schedule when:"2026-12-04 18:00" where:"Hall"`, "Meeting 2", "near Hall (e.g. the lobby)")
		for _, l := range []string{
			"as alice", "/meeting rsvp 1 yes", "/meeting rsvp 2 yes",
			"as bob", "/meeting rsvp 1 yes", "/meeting rsvp 1 no",
			"as dave", "/meeting rsvp 1 maybe",
			"as erin", "/meeting rsvp 1 no",
			"as carol", "/meeting rsvp 2 yes",
		} {
			w.do(l)
		}

		w.step(at("03 11:59"))
		day := w.step(at("03 12:00"), "alice: Tomorrow: meeting 1")
		w.step(at("03 17:59"))
		w.step(at("03 18:00"), "alice: Tomorrow: meeting 2", "carol: Tomorrow: meeting 2")
		w.step(at("04 10:39"))
		w.step(at("04 10:40"), "alice: In an hour: gather for meeting 1")
		hour := w.step(at("04 16:40"), "alice: In an hour: gather for meeting 2", "carol: In an hour: gather for meeting 2")
		w.step(at("06 12:00")) // and never again

		want := "Tomorrow: meeting 1\nOrganizing meeting starts Fri Dec 4, 12:00 PM CST at County Building. Gather 11:40 AM, Library steps."
		if len(day) == 1 && day[0].Text != want {
			t.Errorf("day reminder:\n%s\nwant:\n%s", day[0].Text, want)
		}
		want = "In an hour: gather for meeting 2\nOrganizing meeting starts Fri Dec 4, 6:00 PM CST at Hall. Gather 5:40 PM, near Hall (e.g. the lobby)."
		if len(hour) == 2 && hour[0].Text != want {
			t.Errorf("hour reminder:\n%s\nwant:\n%s", hour[0].Text, want)
		}
	})
}

// TestRescheduleAndCancelMoveReminders: /meeting reschedule moves the
// reminders (the old ones run and send nothing, the new ones send),
// /meeting cancel stops them.
func TestRescheduleAndCancelMoveReminders(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at("01 09:00"))
		w.do(`/meeting schedule when:"2026-12-04 12:00" where:"County Building"`, "Meeting 1")
		w.do(`/meeting schedule when:"2026-12-03 18:00" where:"Hall"`, "Meeting 2")
		w.do("as alice")
		w.do("/meeting rsvp 1 yes")
		w.do("/meeting rsvp 2 yes")
		w.do("as bob")
		w.do("/meeting rsvp 2 yes")
		w.do("as you")
		// Cancelling and moving tell who said yes, through the same
		// durable deliveries as reminders.
		w.do("/meeting cancel 2", "cancelled", "Told 2 people by direct message: alice, bob.")
		notices := w.step(at("01 09:00"), "alice: Meeting 2 is cancelled", "bob: Meeting 2 is cancelled")
		w.do(`/meeting reschedule 1 when:"2026-12-05 12:00"`, "moved", "Told 1 person by direct message: alice.")
		notices = append(notices, w.step(at("01 09:00"), "alice: Meeting 1 has moved")...)
		for _, n := range notices {
			if !strings.Contains(n.Text, "You had answered yes.") {
				t.Errorf("notice does not say why %s hears of it:\n%s", n.who(), n.Text)
			}
		}
		if last := notices[len(notices)-1].Text; !strings.Contains(last, "Organizing meeting moved from Fri Dec 4, 2026, 12:00 PM CST to Sat Dec 5, 2026, 12:00 PM CST, at County Building; gather 11:40 AM") {
			t.Errorf("the move notice does not say what changed:\n%s", last)
		}

		// Past the old reminders' times (Thu 12:00 and Fri 10:40) and the
		// cancelled meeting's, before the new ones.
		w.step(at("04 11:59"))
		if n := len(jobList(t, w.q, []string{"meeting_reminder"}, rivertype.JobStateCompleted)); n != 4 {
			t.Errorf("%d reminders ran by Fri 11:59, want the 4 stale ones, sending nothing", n)
		}
		day := w.step(at("04 12:00"), "alice: Tomorrow: meeting 1")
		hour := w.step(at("05 10:40"), "alice: In an hour: gather for meeting 1")
		w.step(at("07 12:00"))
		if len(day) == 1 && !strings.Contains(day[0].Text, "starts Sat Dec 5, 12:00 PM CST at County Building. Gather 11:40 AM, near County Building (e.g. the lobby).") {
			t.Errorf("day reminder after rescheduling:\n%s", day[0].Text)
		}
		if len(hour) == 1 && !strings.Contains(hour[0].Text, "Gather 11:40 AM") {
			t.Errorf("hour reminder after rescheduling:\n%s", hour[0].Text)
		}
	})
}

// TestTaskReminders: the assignee hears 24 h before the due time and when
// it passes; /task done stops what is left.
func TestTaskReminders(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at("01 09:00"))
		w.do("as alice")
		w.do(`/task add title:"Call the sheriff's office" due:"2026-12-03 17:00"`, "Task 1")
		w.do(`/task add title:"Print flyers" due:"2026-12-03 17:00"`, "Task 2")
		w.do("/task done 2")
		w.do(`/task add title:"Someday"`, "Task 3")
		w.do("as you")
		w.do(`/task add title:"Book a room" user:@bob due:"2026-12-03 12:00"`, "Task 4")

		w.step(at("02 11:59"))
		w.step(at("02 12:00"), "bob: Due tomorrow: task 4")
		w.do("as bob")
		w.do("/task done 4")
		due := w.step(at("02 17:00"), "alice: Due tomorrow: task 1")
		// Past bob's due time too: his task is done, he hears nothing.
		overdue := w.step(at("03 17:00"), "alice: Overdue: task 1")
		w.step(at("10 12:00"))

		want := "Due tomorrow: task 1\n“Call the sheriff's office” is due Thu Dec 3, 5:00 PM CST. When it is done: `/task done 1`."
		if len(due) == 1 && due[0].Text != want {
			t.Errorf("due reminder:\n%s\nwant:\n%s", due[0].Text, want)
		}
		if len(overdue) == 1 && !strings.Contains(overdue[0].Text, "was due Thu Dec 3, 5:00 PM CST") {
			t.Errorf("overdue reminder:\n%s", overdue[0].Text)
		}
	})
}

func TestRolledBackChangeLeavesNoReminder(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(t, s, at("01 09:00"))
		w.do(`/meeting schedule when:"2026-12-04 12:00" where:"Hall"`, "Meeting 1")
		g := w.group()
		rolledBack := errors.New("rolled back")
		err := s.Tx(ctx, func(tx *storage.Store) error {
			m := &storage.Meeting{GroupID: g.ID, Kind: "organizing", StartsAt: at("05 12:00"), GatherAt: at("05 11:40"), Place: "X"}
			if err := tx.CreateMeeting(ctx, m); err != nil {
				return err
			}
			return rolledBack
		})
		if !errors.Is(err, rolledBack) {
			t.Fatal(err)
		}
		if n := len(jobList(t, w.q, []string{"meeting_reminder"}, rivertype.JobStateScheduled)); n != 2 {
			t.Errorf("%d reminder jobs scheduled, want 2 (meeting 1's only)", n)
		}
	})
}

// openTwice opens two stores on one fresh, migrated database: two
// processes.
func openTwice(t *testing.T, dialect string) (*storage.Store, *storage.Store) {
	t.Helper()
	raw := storagetest.URL(t, dialect)
	s1, s2 := openURL(t, raw), openURL(t, raw)
	if err := s1.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	migrateRiver(t, s1)
	return s1, s2
}

func openURL(t *testing.T, raw string) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), raw, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	h := fnv.New64a()
	_, _ = h.Write([]byte(raw))
	s.SetMigrationLock(int64(h.Sum64() >> 1))
	return s
}

func TestTwoProcessesDeliverOnce(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s1, s2 := openTwice(t, dialect)
			w := newWorld(t, s1, at("01 07:00"))
			q2 := newQueue(t, newEnv(s2, w.clock), w.sender, "p2")

			w.do(`/meeting schedule when:"2026-12-02 08:00" where:"Hall"`, "Meeting 1") // gather 07:40
			w.do("as alice")
			w.do("/meeting rsvp 1 yes")
			w.clock.Set(at("01 08:00"))
			for _, q := range []*jobs.Queue{w.q, q2, w.q, q2} {
				if err := q.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
			w.step(at("01 08:00"), "carol: Daily digest for Springfield: Tue Dec 1", "alice: Tomorrow: meeting 1")
			drain(t, q2, w.clock)
			// Tick again after the digest went out: the guard row holds.
			for _, q := range []*jobs.Queue{w.q, q2} {
				if err := q.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
			w.step(at("01 08:00"))
			w.step(at("02 06:40"), "alice: In an hour: gather for meeting 1")
			drain(t, q2, w.clock)
			w.step(at("03 09:00"))
		})
	}
}

func TestFailedDeliveryFallsBackAndIsReported(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(t, s, at("01 09:00"))
		w.do(`/meeting schedule when:"2026-12-04 12:00" where:"Hall"`, "Meeting 1")
		w.do("as alice")
		w.do("/meeting rsvp 1 yes")
		w.do("as you")
		w.sender.block("alice")

		// No digest channel: alice's reminder fails every attempt and is
		// recorded.
		w.step(at("03 12:00"))
		if fs, err := s.UnreportedFailures(ctx, w.group().ID); err != nil || len(fs) != 1 {
			t.Fatalf("unreported failures %+v (err %v), want alice's reminder", fs, err)
		}
		if n := len(jobList(t, w.q, []string{"deliver"}, rivertype.JobStateDiscarded)); n != 1 {
			t.Errorf("%d deliveries discarded, want 1 after its last attempt", n)
		}

		// The next digest reports it, once.
		w.clock.Set(at("04 08:00"))
		if err := w.q.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		digest := w.step(at("04 08:00"), "carol: Daily digest for Springfield: Fri Dec 4")
		if len(digest) == 1 && !strings.Contains(digest[0].Text, "Not delivered (1): reminder for meeting 1 to alice: 403: cannot send messages to this user") {
			t.Errorf("digest does not report the failure:\n%s", digest[0].Text)
		}
		if fs, _ := s.UnreportedFailures(ctx, w.group().ID); len(fs) != 0 {
			t.Errorf("%d failures still unreported after the digest", len(fs))
		}

		// With a digest channel, the hour reminder reaches alice there.
		w.do("/digest channel channel:coord", "#coord")
		msg := w.step(at("04 10:40"), "#coord: In an hour: gather for meeting 1")
		if len(msg) == 1 && !strings.Contains(msg[0].Text, "\nFor alice (I could not message them directly):\n") {
			t.Errorf("channel message:\n%s", msg[0].Text)
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

// TestLateRemindersAreDropped: after an outage, reminders whose moment has
// passed (the gathering has begun; the task is already due) are not sent;
// the overdue one still is.
func TestLateRemindersAreDropped(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at("01 09:00"))
		w.do(`/meeting schedule when:"2026-12-04 12:00" where:"County Building"`, "Meeting 1")
		w.do(`/task add title:"Call the mayor" due:"2026-12-04 12:00" user:@alice`, "Task 1 added")
		w.do("as alice")
		w.do("/meeting rsvp 1 yes")
		// The bot was down from before the first reminder until after the gathering.
		w.step(at("04 12:05"), "alice: Overdue: task 1")
		w.step(at("06 12:00"))
	})
}

// TestFinishedDeliveriesAreForgotten: a delivery's job holds its
// recipient's name and the message's text; an hour after it was sent,
// the hourly pruning deletes it.
func TestFinishedDeliveriesAreForgotten(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		w := newWorld(t, s, at("01 09:00"))
		w.do(`/task add title:"Call the sheriff's office" user:@bob due:"2026-12-02 12:00"`, "Task 1")
		w.step(at("01 12:00"), "bob: Due tomorrow: task 1")
		all := []rivertype.JobState{rivertype.JobStateCompleted, rivertype.JobStateDiscarded, rivertype.JobStateCancelled}
		if n := len(jobList(t, w.q, []string{"deliver"}, all...)); n != 1 {
			t.Fatalf("%d finished deliveries, want bob's reminder", n)
		}
		w.clock.Set(at("01 12:59"))
		if err := w.q.Prune(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(jobList(t, w.q, []string{"deliver"}, all...)); n != 1 {
			t.Errorf("%d finished deliveries within the hour, want it kept", n)
		}
		w.clock.Set(at("01 13:01"))
		if err := w.q.Prune(ctx); err != nil {
			t.Fatal(err)
		}
		if jobs := jobList(t, w.q, []string{"deliver"}, all...); len(jobs) != 0 {
			t.Errorf("%d finished deliveries an hour after, want none (args %s)", len(jobs), jobs[0].EncodedArgs)
		}
		if n := len(jobList(t, w.q, []string{"task_reminder"}, all...)); n == 0 {
			t.Errorf("the reminder's own job, which names nobody, was deleted too")
		}
	})
}

// TestListenerHasItsOwnConnection: on PostgreSQL the queue's listener
// takes its connection from the store's listener pool, never from the
// pool commands use, which keeps all its connections open (River keeps
// the listener's connection for good).
func TestListenerHasItsOwnConnection(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t, storage.Postgres)
	migrateRiver(t, s)
	newQueue(t, newEnv(s, bot.SystemClock{}), &recordingSender{}, "p1")
	for deadline := time.Now().Add(10 * time.Second); s.ListenPool().Stat().AcquireCount() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the listener took no connection from the listener pool in 10 s")
		}
	}
}
