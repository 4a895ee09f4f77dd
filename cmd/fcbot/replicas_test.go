package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// The replica test's shape: 50 groups of 4 members, half on Slack, half
// on Discord, in eight time zones; 5,000 commands over a minute, about 83
// a second, which three replicas and the driver sustain on two cores.
const (
	replicaGroups   = 50
	replicaMembers  = 4
	replicaCommands = 5000
	replicaLoad     = time.Minute
	replicaCount    = 3
)

var replicaZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico",
}

// dueAfter is how far into the test, on the replicas' clock, every
// group's digest and its two reminders fall due (see dueMoment): after
// the groups are set up and about half the load is sent.
const dueAfter = 48 * time.Second

// dueMoment is the first whole minute after from between 00:30 and 02:30
// UTC, when it is afternoon or evening in every zone above: no group's
// default digest time (08:00, due until 14:00) is due, neither in its
// zone nor in UTC, where a group is until /setup names its zone, and no
// date changes. The replicas' clock reads it dueAfter into the test, so
// that it runs ahead of the real one by less than a day: River's upkeep
// reads the real clock in places (its rescuer, its queue and job
// cleaners), and must find the replicas' times recent.
func dueMoment(from time.Time) time.Time {
	m := from.UTC().Truncate(time.Minute).Add(time.Minute)
	day := time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, time.UTC)
	if first, last := day.Add(30*time.Minute), day.Add(150*time.Minute); m.Before(first) {
		return first
	} else if !m.After(last) {
		return m
	}
	return day.AddDate(0, 0, 1).Add(30 * time.Minute)
}

// killBefore is how long before dueAt the River leader is killed: late
// enough that its lease (15 s) outlasts dueAt, early enough that its
// last look for due jobs (every 5 s, 5 s ahead) came before dueAt. The
// digests and reminders fall due while no leader runs, and the leader
// elected after it sends them.
const killBefore = 7 * time.Second

// TestReplicasBehindALoadBalancer runs three fcbot processes in HTTP mode
// on one PostgreSQL database behind a round-robin load balancer, and
// drives 5,000 signed Slack and Discord /task add commands from 50 groups
// through it at a steady rate, on a clock that makes every group's
// digest and two reminders fall due halfway through. Four seconds before
// they do, it SIGKILLs the replica that leads River (the one that runs
// the digest tick and moves due reminders), about halfway through the
// load, and starts it again. Then:
//   - every command answered "Task N added" made exactly one task, number
//     N; none answered busy made one; every one not answered (refused,
//     lost, or deferred and never answered) was on the killed replica;
//   - each group's task numbers run from 1 without a gap;
//   - each group's lead got exactly one digest, on its local date, at or
//     after its local time, sent by the leader elected after the kill,
//     and each reminder once;
//   - no acknowledgement took more than 3 s, except on the killed
//     replica. The test logs the figures the README reports.
func TestReplicasBehindALoadBalancer(t *testing.T) {
	raw := storagetest.URL(t, storage.Postgres)
	db := migrated(t, raw)
	pf := newPlatforms(t)
	groups := make([]*group, replicaGroups)
	for i := range groups {
		platform := onSlack
		if i%2 == 1 {
			platform = onDiscord
		}
		groups[i] = pf.addGroup(platform, replicaMembers)
		groups[i].zone = replicaZones[i%len(replicaZones)]
	}

	base := time.Now()
	dueAt := dueMoment(base.Add(dueAfter))
	clock := shiftedClock{sim: dueAt.Add(-dueAfter), base: base}
	env := pf.env(raw)
	env[clockEnv] = clock.String()
	replicas := make([]*process, replicaCount)
	addrs := make([]string, replicaCount)
	for i := range replicas {
		replicas[i] = startProcess(t, fmt.Sprintf("replica-%d", i), env)
		addrs[i] = replicas[i].addr
		if i == 0 {
			// The first replica up leads River, until it dies.
			replicas[0].waitHealthy(60 * time.Second)
			waitUntil(t, "a River leader", 30*time.Second, func() bool { return queryString(t, db, "SELECT leader_id FROM river_leader") != "" })
		}
	}
	for _, r := range replicas[1:] {
		r.waitHealthy(60 * time.Second)
	}
	leader := queryString(t, db, "SELECT leader_id FROM river_leader")
	lb := newBalancer(t, addrs)
	client := newClient()
	setUpStart := time.Now()
	setUpGroups(t, pf, client, lb.URL, groups, dueAt)
	t.Logf("3 replicas healthy in %s; %d groups set up in %s",
		setUpStart.Sub(clock.base).Round(time.Millisecond), len(groups), time.Since(setUpStart).Round(time.Millisecond))

	// The load: open loop, each command sent when due whatever became of
	// the earlier ones.
	killAt := clock.at(dueAt).Add(-killBefore)
	every := replicaLoad / replicaCommands
	start := killAt.Add(-replicaLoad / 2)
	if now := time.Now(); start.Before(now) {
		start = now // the set-up was slow: the kill comes before halfway
	}
	time.Sleep(time.Until(start))
	watch := watchDMs(pf)
	var killed struct {
		sync.WaitGroup
		at        time.Time
		afterSent int // commands sent before the kill
		elected   time.Duration
	}
	killed.Go(func() {
		time.Sleep(time.Until(killAt))
		// A job the leader runs when killed would stay running: River
		// rescues it after RescueAfter, past this test's end.
		if !poll(2*time.Second, func() bool {
			return queryString(t, db, "SELECT count(*) FROM river_job WHERE state = 'running'") == "0"
		}) {
			t.Errorf("jobs were still running when replica 0 was killed")
		}
		if got := queryString(t, db, "SELECT leader_id FROM river_leader"); got != leader {
			t.Errorf("River's leader before the kill is %q, want replica 0's %q", got, leader)
		}
		killed.at = time.Now()
		killed.afterSent = int(time.Since(start) / every)
		replicas[0].kill()
		lb.restarted(0)
		if err := replicas[0].restart(); err != nil {
			t.Errorf("restart replica 0: %v", err)
		}
		if !poll(time.Minute, func() bool {
			id := queryString(t, db, "SELECT leader_id FROM river_leader")
			return id != "" && id != leader
		}) {
			t.Errorf("no new River leader within a minute of the kill")
		}
		killed.elected = time.Since(killed.at)
	})
	answers := make([]answer, replicaCommands)
	var sent sync.WaitGroup
	for i := range replicaCommands {
		time.Sleep(time.Until(start.Add(time.Duration(i) * every)))
		g, m := groups[i%replicaGroups], (i/replicaGroups)%replicaMembers
		line := fmt.Sprintf(`/task add title:"Load task %d"`, i)
		sent.Go(func() { answers[i] = pf.send(t, client, lb.URL, g, m, line, "k"+strconv.Itoa(i)) })
	}
	sent.Wait()
	loadTook := time.Since(start)
	killed.Wait()

	// What the platforms got: late answers, digests and reminders.
	waitUntil(t, "every group's digest and reminders", 2*time.Minute, func() bool { return watch.count() >= 3*replicaGroups })
	waitUntil(t, "the answers live replicas deferred", 30*time.Second, func() bool {
		later := pf.later()
		for _, a := range answers {
			if a.accepted() && a.deferred && a.replica != killedLife && len(later[a.key]) == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(3 * time.Second) // for any duplicate
	dms := watch.stop()
	later := pf.later()

	tasks := groupTasks(t, db)
	lost := checkCommands(t, answers, later, tasks)
	for _, g := range groups {
		checkGapless(t, g, tasks[g.id])
	}
	digests := checkScheduled(t, db, groups, dms, clock, dueAt)
	acks := checkAcks(t, answers)

	t.Logf("%d commands over %s (%.0f/s) through %d replicas; replica 0, River's leader, killed after %d commands, at %s, and started again; a new leader in %s",
		len(answers), loadTook.Round(time.Millisecond), float64(len(answers))/loadTook.Seconds(), replicaCount,
		killed.afterSent, killed.at.Sub(start).Round(time.Millisecond), killed.elected.Round(time.Millisecond))
	t.Logf("outcomes: %s; %s", outcomes(answers, later), lost)
	t.Logf("acknowledgements: %s", acks)
	t.Logf("digests and reminders after their time (%d groups): %s", len(groups), digests)
}

// migrated opens the database at raw and migrates it, as a deploy does
// once before it starts the replicas.
func migrated(t *testing.T, raw string) *sql.DB {
	t.Helper()
	s, err := storage.Open(context.Background(), raw, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := migrateAll(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s.SQL()
}

// queryString runs a query of one value, "" when it finds no row.
func queryString(t *testing.T, db *sql.DB, query string) string {
	t.Helper()
	var v sql.NullString
	if err := db.QueryRowContext(context.Background(), query).Scan(&v); err != nil && err != sql.ErrNoRows {
		t.Errorf("%s: %v", query, err)
	}
	return v.String
}

// waitUntil polls ok until it holds, failing the test after within.
func waitUntil(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	if !poll(within, ok) {
		t.Fatalf("waited %s for %s", within, what)
	}
}

// poll calls ok every 100 ms until it holds, for at most within, and
// reports whether it held.
func poll(within time.Duration, ok func() bool) bool {
	for deadline := time.Now().Add(within); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// setUpGroups has each group's lead set it up in its zone, subscribe to
// the digest at due's local time, and add the two tasks whose reminders
// fall due then: task 1 due a day after (its "due tomorrow" reminder),
// task 2 due then (its "overdue" one).
func setUpGroups(t *testing.T, pf *platforms, client *http.Client, base string, groups []*group, dueAt time.Time) {
	t.Helper()
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Go(func() {
			loc, err := time.LoadLocation(g.zone)
			if err != nil {
				t.Error(err)
				return
			}
			local := func(d time.Duration) string { return dueAt.Add(d).In(loc).Format("2006-01-02 15:04") }
			for step, s := range []struct{ line, want string }{
				{fmt.Sprintf(`/setup jurisdiction:"Town %d" kind:city timezone:%s`, g.n, g.zone), "is set up"},
				{"/digest subscribe", "You will receive the digest"},
				{"/digest time at:" + dueAt.In(loc).Format("15:04"), "The digest will be sent every day at"},
				{fmt.Sprintf(`/task add title:"Due task %d" due:"%s"`, g.n, local(24*time.Hour)), "Task 1 added"},
				{fmt.Sprintf(`/task add title:"Overdue task %d" due:"%s"`, g.n, local(0)), "Task 2 added"},
			} {
				key := fmt.Sprintf("setup-%d-%d", g.n, step)
				a := pf.send(t, client, base, g, 0, s.line, key)
				reply := a.reply
				for deadline := time.Now().Add(10 * time.Second); a.deferred && reply == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					reply = strings.Join(pf.later()[key], "\n")
				}
				if !a.accepted() || !strings.Contains(reply, s.want) {
					t.Errorf("group %d (%s) %s: got %v %q, want %q", g.n, g.platform, s.line, a.err, reply, s.want)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}
