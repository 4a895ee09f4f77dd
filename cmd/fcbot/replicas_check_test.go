package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// dm is a direct message a fake holds, and when the test first saw it.
type dm struct {
	text string
	seen time.Time
}

// dmWatch notes when each direct message reaches the fakes, looking
// every 100 ms: the fakes keep no times of their own.
type dmWatch struct {
	mu   sync.Mutex
	dms  map[string][]dm // by channel
	done chan struct{}
	wg   sync.WaitGroup
}

func watchDMs(pf *platforms) *dmWatch {
	w := &dmWatch{dms: map[string][]dm{}, done: make(chan struct{})}
	look := func() {
		now := time.Now()
		w.mu.Lock()
		defer w.mu.Unlock()
		for ch, texts := range pf.dms() {
			for _, text := range texts[len(w.dms[ch]):] {
				w.dms[ch] = append(w.dms[ch], dm{text: text, seen: now})
			}
		}
	}
	w.wg.Go(func() {
		for {
			look()
			select {
			case <-w.done:
				look()
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	return w
}

// count is how many messages it has seen so far.
func (w *dmWatch) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, ms := range w.dms {
		n += len(ms)
	}
	return n
}

// stop stops watching and returns every message, by channel.
func (w *dmWatch) stop() map[string][]dm {
	close(w.done)
	w.wg.Wait()
	return w.dms
}

// task is a row of the tasks table.
type task struct {
	number int64
	title  string
}

// groupTasks reads every task, by its group's team or guild id, in
// number order.
func groupTasks(t *testing.T, db *sql.DB) map[string][]task {
	t.Helper()
	rows, err := db.QueryContext(context.Background(),
		"SELECT g.platform_id, t.number, t.title FROM tasks t JOIN groups g ON g.id = t.group_id ORDER BY g.platform_id, t.number")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]task{}
	for rows.Next() {
		var g string
		var tk task
		if err := rows.Scan(&g, &tk.number, &tk.title); err != nil {
			t.Fatal(err)
		}
		out[g] = append(out[g], tk)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// killedLife names the replica's life the test killed.
const killedLife = "0.0"

// checkCommands checks each load command's effect against its answer:
// "Task N added" made exactly one task, N; busy made none; one never
// answered was on the killed replica and made at most one. It returns
// how many were lost with the killed replica, and made their task anyway.
func checkCommands(t *testing.T, answers []answer, later map[string][]string, tasks map[string][]task) string {
	t.Helper()
	lost, madeLost := 0, 0
	byTitle := map[string][]int64{}
	for _, ts := range tasks {
		for _, tk := range ts {
			byTitle[tk.title] = append(byTitle[tk.title], tk.number)
		}
	}
	for i, a := range answers {
		title := fmt.Sprintf("Load task %d", i)
		made := byTitle[title]
		reply := finalReply(a, later)
		switch m := taskAddedRE.FindStringSubmatch(reply); {
		case m != nil:
			if len(made) != 1 || strconv.FormatInt(made[0], 10) != m[1] {
				t.Errorf("command %d (%s, replica %s) was answered %q, but made the tasks numbered %v", i, a.g.platform, a.replica, m[0], made)
			}
		case isBusy(reply):
			if len(made) != 0 {
				t.Errorf("command %d was answered busy, but made the tasks numbered %v", i, made)
			}
		case reply != "":
			t.Errorf("command %d (%s, replica %s) was answered %q, want \"Task N added\" or busy", i, a.g.platform, a.replica, reply)
		case a.replica != killedLife:
			t.Errorf("command %d (%s) was never answered (%v, replica %q, deferred %v), but not on the killed replica", i, a.g.platform, a.err, a.replica, a.deferred)
		case len(made) > 1:
			t.Errorf("command %d, lost with the killed replica, made %d tasks", i, len(made))
		default:
			lost++
			madeLost += len(made)
		}
	}
	return fmt.Sprintf("%d lost with the killed replica, %d of them after making its task", lost, madeLost)
}

// finalReply is the answer a command's user saw last: the
// acknowledgement's, or the one that came after it; "" for none.
func finalReply(a answer, later map[string][]string) string {
	if !a.accepted() {
		return ""
	}
	if !a.deferred {
		return a.reply
	}
	if l := later[a.key]; len(l) > 0 {
		return l[len(l)-1]
	}
	return ""
}

// checkGapless checks that a group's task numbers run 1, 2, 3… and that
// no title appears twice.
func checkGapless(t *testing.T, g *group, tasks []task) {
	t.Helper()
	titles := map[string]bool{}
	for i, tk := range tasks {
		if tk.number != int64(i+1) {
			t.Errorf("group %d (%s): task number %d where %d was due: a gap or a repeat", g.n, g.platform, tk.number, i+1)
			return
		}
		if titles[tk.title] {
			t.Errorf("group %d (%s): %q was made twice", g.n, g.platform, tk.title)
		}
		titles[tk.title] = true
	}
}

// checkScheduled checks that each group's lead got exactly one digest,
// on the group's local date and at or after its time (dueAt), and each of
// the two reminders once; it returns the figures of how late they came.
func checkScheduled(t *testing.T, db *sql.DB, groups []*group, dms map[string][]dm, clock shiftedClock, dueAt time.Time) string {
	t.Helper()
	kinds := []string{"Daily digest for Town ", "Due tomorrow: task 1", "Overdue: task 2"}
	late := map[string][]time.Duration{}
	for _, g := range groups {
		loc, _ := time.LoadLocation(g.zone)
		date := dueAt.In(loc).Format(time.DateOnly)
		sent := queryString(t, db, fmt.Sprintf(
			"SELECT string_agg(d.local_date || ' ' || d.status, ',') FROM digests_sent d JOIN groups g ON g.id = d.group_id WHERE g.platform_id = '%s'", g.id))
		if sent != date+" sent" {
			t.Errorf("group %d (%s, %s): digests recorded %q, want %q", g.n, g.platform, g.zone, sent, date+" sent")
		}
		got := dms[g.dmChannel(0)]
		for _, kind := range kinds {
			want := kind
			if kind == kinds[0] {
				want += strconv.Itoa(g.n)
			}
			var found []dm
			for _, m := range got {
				if strings.Contains(m.text, want) {
					found = append(found, m)
				}
			}
			if len(found) != 1 {
				t.Errorf("group %d (%s, %s): the lead got %d messages with %q, want 1", g.n, g.platform, g.zone, len(found), want)
				continue
			}
			at := clock.reading(found[0].seen)
			if at.Before(dueAt) {
				t.Errorf("group %d (%s): %q came at %s, before its time %s", g.n, g.platform, want, at.In(loc).Format(time.TimeOnly), dueAt.In(loc).Format(time.TimeOnly))
			}
			late[kind] = append(late[kind], at.Sub(dueAt))
		}
		if len(got) != 3 {
			t.Errorf("group %d (%s): the lead got %d direct messages, want the digest and two reminders", g.n, g.platform, len(got))
		}
	}
	return fmt.Sprintf("digests %s; \"due tomorrow\" reminders %s; \"overdue\" reminders %s",
		spread(late[kinds[0]]), spread(late[kinds[1]]), spread(late[kinds[2]]))
}

// checkAcks checks that no acknowledgement took more than 3 s, except on
// the killed replica, and returns the figures: the times until a 200, as
// the platforms measure them.
func checkAcks(t *testing.T, answers []answer) string {
	t.Helper()
	var all []time.Duration
	slow, slowKilled, lost := 0, 0, 0
	for i, a := range answers {
		if !a.accepted() {
			lost++
			continue
		}
		all = append(all, a.took)
		if a.took <= 3*time.Second {
			continue
		}
		if a.replica == killedLife {
			slowKilled++
			continue
		}
		slow++
		t.Errorf("command %d was acknowledged by replica %s after %s, over the platforms' 3 s", i, a.replica, a.took)
	}
	return fmt.Sprintf("%s; %d over 3 s on the killed replica, %d elsewhere; %d not acknowledged", spread(all), slowKilled, slow, lost)
}

// spread is the p50, p99 and max of ds.
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	r := func(d time.Duration) string {
		if d < time.Second {
			return d.Round(100 * time.Microsecond).String()
		}
		return d.Round(10 * time.Millisecond).String()
	}
	return fmt.Sprintf("n %d, p50 %s, p99 %s, max %s", len(ds), r(q(0.5)), r(q(0.99)), r(ds[len(ds)-1]))
}

// outcomes counts the commands by what became of them.
func outcomes(answers []answer, later map[string][]string) string {
	counts := map[string]int{}
	for _, a := range answers {
		reply := finalReply(a, later)
		switch {
		case taskAddedRE.MatchString(reply) && a.deferred:
			counts["answered after a deferred acknowledgement"]++
		case taskAddedRE.MatchString(reply):
			counts["answered in the acknowledgement"]++
		case isBusy(reply):
			counts["busy"]++
		case a.status == 0:
			counts["no HTTP answer"]++
		case !a.accepted():
			counts[fmt.Sprintf("HTTP %d", a.status)]++
		default:
			counts["acknowledged, never answered"]++
		}
	}
	var parts []string
	for k, n := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
