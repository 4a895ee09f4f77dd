package jobs_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage"
)

// purge runs the retention tick at now and waits for the purges it
// enqueued.
func (w *world) purge(now time.Time) {
	w.t.Helper()
	w.clock.Set(now)
	if err := w.q.RetentionTick(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	waitFor(w.t, "the purges", func() bool {
		return len(jobList(w.t, w.q, []string{"retention"}, rivertype.JobStateAvailable, rivertype.JobStateRunning,
			rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateScheduled)) == 0
	})
}

// digestAt runs the digest tick at now and returns carol's digest.
func (w *world) digestAt(now time.Time) string {
	w.t.Helper()
	w.clock.Set(now)
	if err := w.q.Tick(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	drain(w.t, w.q, w.clock)
	var digest string
	for _, m := range w.sender.all()[w.seen:] {
		if m.who() == "carol" && strings.HasPrefix(m.title(), "Daily digest") {
			digest = m.Text
		}
	}
	w.seen = len(w.sender.all())
	if digest == "" {
		w.t.Fatalf("no digest for carol at %s", now.In(chicago).Format(time.DateTime))
	}
	return digest
}

// TestNightlyPurge: at the nightly run, with the default retention of 365
// days, a meeting 400 days old loses who answered, came and scheduled it,
// and keeps its numbers on every page; a meeting 300 days old keeps
// everything; audit entries older than a year say "a member". The next
// digest says once what was purged; the one after does not.
func TestNightlyPurge(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		night := time.Date(2026, 12, 3, 3, 30, 0, 0, chicago)
		old := night.AddDate(0, 0, -400).Truncate(time.Hour).Add(12 * time.Hour)
		recent := night.AddDate(0, 0, -300).Truncate(time.Hour).Add(12 * time.Hour)
		w := newWorld(t, s, old.Add(-48*time.Hour))
		w.do("/digest quiet off", "sent every day")
		w.do(`/meeting schedule when:"`+old.In(chicago).Format("2006-01-02 15:04")+`" where:"County Building"`, "Meeting 1")
		w.do(`/meeting schedule when:"`+recent.In(chicago).Format("2006-01-02 15:04")+`" where:"Library"`, "Meeting 2")
		for _, l := range []string{
			"as alice", "/meeting rsvp 1 yes", "/meeting rsvp 2 yes",
			"as bob", "/meeting rsvp 1 maybe", "/meeting rsvp 2 yes",
			"as dave", "/meeting rsvp 1 no",
			"as you",
		} {
			w.do(l)
		}
		w.clock.Set(old.Add(2 * time.Hour))
		w.do("/meeting attendance 1 @alice @bob", "2 came in all")
		w.clock.Set(recent.Add(2 * time.Hour))
		w.do("/meeting attendance 2 @alice", "1 came in all")

		w.clock.Set(night)
		list := w.do("/meeting list past")
		report := w.do("/report meeting:1", "Attended (2): alice, bob")
		w.do("/meeting show 1", "Yes (1)", "alice", "Maybe (1)", "No (1)", "Came (2)")

		w.purge(night)
		if got := w.do("/meeting list past"); got != list {
			t.Errorf("/meeting list past after the purge:\n%s\nwant as before:\n%s", got, list)
		}
		show := w.do("/meeting show 1", "Yes (1)", "Maybe (1)", "No (1)", "Came (2)", "2 people no longer named", "the counts remain")
		for _, name := range []string{"alice", "bob", "dave"} {
			if strings.Contains(show, name) {
				t.Errorf("/meeting show 1 still names %s:\n%s", name, show)
			}
		}
		w.do("/meeting show 2", "Yes (2): alice, bob", "Came (1): alice")
		if got := w.do("/report meeting:1", "Attended (2): 2 people no longer named"); strings.Contains(got, "alice") {
			t.Errorf("/report meeting:1 still names alice:\n%s\nbefore the purge:\n%s", got, report)
		}
		audit := w.do("/audit limit:50", "a member", "meeting.attendance meeting 2 · alice")
		if strings.Contains(audit, "alice, bob") {
			t.Errorf("/audit still names who came to meeting 1:\n%s", audit)
		}
		var trimmed int
		if err := s.SQL().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE member_id IS NULL").Scan(&trimmed); err != nil {
			t.Fatal(err)
		}
		if trimmed == 0 {
			t.Fatal("no audit entry trimmed")
		}

		want := "Purged per your 365-day retention: links to 1 meeting, " + strconv.Itoa(trimmed) + " audit entries."
		if digest := w.digestAt(time.Date(2026, 12, 3, 8, 0, 0, 0, chicago)); !strings.Contains(digest, want) {
			t.Errorf("the digest after the purge:\n%s\nwant it to contain %q", digest, want)
		}
		w.purge(time.Date(2026, 12, 4, 3, 30, 0, 0, chicago))
		if digest := w.digestAt(time.Date(2026, 12, 4, 8, 0, 0, 0, chicago)); strings.Contains(digest, "Purged") {
			t.Errorf("the next digest tells of the purge again:\n%s", digest)
		}
	})
}

// TestPurgeWaitsForTheNight: the tick enqueues a group's purge from 03:00
// in its zone, once that local day.
func TestPurgeWaitsForTheNight(t *testing.T) {
	for _, c := range []struct {
		local string
		date  string
		due   bool
	}{
		{"2026-12-03 02:59", "2026-12-03", false},
		{"2026-12-03 03:00", "2026-12-03", true},
		{"2026-12-03 23:59", "2026-12-03", true},
		{"2026-03-08 03:00", "2026-03-08", true}, // the night clocks spring forward
	} {
		now, err := time.ParseInLocation("2006-01-02 15:04", c.local, chicago)
		if err != nil {
			t.Fatal(err)
		}
		if date, due := jobs.DuePurge(now, chicago); date != c.date || due != c.due {
			t.Errorf("DuePurge(%s) = %s, %v; want %s, %v", c.local, date, due, c.date, c.due)
		}
	}
}

// TestOldDeliveriesAreForgotten: a delivery's job names its recipient and
// holds the message; whatever its state, the hourly retention tick
// deletes it once it is a week old.
func TestOldDeliveriesAreForgotten(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		start := at("01 09:00")
		w := newWorld(t, s, start)
		g := w.group()
		// Stuck deliveries: scheduled far ahead, they stay in the queue.
		insert := func(name string) {
			_, err := w.q.Client().Insert(ctx, jobs.DeliverArgs{GroupID: g.ID, Name: name, What: "test", Reply: bot.Reply{Text: "for " + name}},
				&river.InsertOpts{ScheduledAt: start.AddDate(1, 0, 0)})
			if err != nil {
				t.Fatal(err)
			}
		}
		insert("Old Recipient")
		w.clock.Set(start.AddDate(0, 0, 2))
		insert("Newer Recipient")
		w.purge(start.Add(jobs.PayloadRetention + time.Minute))
		var left []string
		for _, j := range jobList(t, w.q, []string{"deliver"}, rivertype.JobStates()...) {
			left = append(left, string(j.EncodedArgs))
		}
		if len(left) != 1 || !strings.Contains(left[0], "Newer Recipient") {
			t.Errorf("deliveries left a week after the first:\n%s\nwant only the newer one", strings.Join(left, "\n"))
		}
	})
}
