package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

func TestShutdownTimeoutConfig(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want time.Duration // 0: refused
	}{
		{"", 20 * time.Second},
		{"45s", 45 * time.Second},
		{"1m30s", 90 * time.Second},
		{"10m", 10 * time.Minute},
		{"10m1s", 0},
		{"0s", 0},
		{"-5s", 0},
		{"20", 0},
		{"soon", 0},
	} {
		c, err := parseConfig(func(k string) string {
			if k == "SHUTDOWN_TIMEOUT" {
				return tc.v
			}
			return ""
		})
		switch {
		case tc.want == 0 && (err == nil || !strings.Contains(err.Error(), "SHUTDOWN_TIMEOUT")):
			t.Errorf("SHUTDOWN_TIMEOUT=%q: got %v, %v; want an error naming SHUTDOWN_TIMEOUT", tc.v, c.ShutdownTimeout, err)
		case tc.want != 0 && (err != nil || c.ShutdownTimeout != tc.want):
			t.Errorf("SHUTDOWN_TIMEOUT=%q: got %v, %v; want %v", tc.v, c.ShutdownTimeout, err, tc.want)
		}
	}
}

// TestShutdownAnswersEveryAcceptedCommand runs fcbot as a process, as
// deployed with Slack and Discord over HTTP, sends it 200 /task add
// commands at 100 a second, and SIGTERMs it once 100 are sent. Four are
// slow (the direct message to their assignee takes 3 s at the platform),
// so that they, and on SQLite the commands waiting for a slot behind
// them, are answered after their acknowledgement, through Slack's
// response_url or Discord's edit of the deferred response, while the
// process stops. Every command acknowledged with 200
// gets its answer at the fake, "Task N added", and its task exists once
// with that number; every command refused (the listener closed) has none.
// The process exits with success, logging no error, within its
// SHUTDOWN_TIMEOUT (the default 20 s).
func TestShutdownAnswersEveryAcceptedCommand(t *testing.T) {
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			raw := storagetest.URL(t, dialect)
			pf := newPlatforms(t)
			groups := []*group{pf.addGroup(onSlack, 3), pf.addGroup(onDiscord, 3)}
			p := startProcess(t, "fcbot", pf.env(raw))
			p.waitHealthy(60 * time.Second)
			client := newClient()
			for _, g := range groups {
				a := pf.send(t, client, p.base(), g, 0, `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "setup-"+g.platform)
				if !a.accepted() || !strings.Contains(a.reply, "is set up") {
					t.Fatalf("%s /setup: got %+v", g.platform, a)
				}
			}
			// The slow commands hold their slots for 3 s: with SQLite's 4,
			// the commands sent meanwhile wait for one, and are answered
			// after their acknowledgement too.
			pf.slack.Slow("chat.postMessage", 2, 3*time.Second)
			for m := 1; m <= 2; m++ {
				pf.discord.Stall("POST", "/channels/"+groups[1].dmChannel(m)+"/messages", 3*time.Second)
			}

			const total, every = 200, 10 * time.Millisecond
			answers := make([]answer, total)
			var wg sync.WaitGroup
			start := time.Now()
			var stopped time.Time
			for i := range total {
				time.Sleep(time.Until(start.Add(time.Duration(i) * every)))
				if i == total/2 {
					stopped = time.Now()
					p.signal(syscall.SIGTERM)
				}
				g := groups[i%2]
				line := fmt.Sprintf(`/task add title:"Shutdown task %d"`, i)
				if m, ok := slowAt[i]; ok {
					line += " user:" + g.mention(m)
				}
				wg.Go(func() { answers[i] = pf.send(t, client, p.base(), g, 0, line, "k"+strconv.Itoa(i)) })
			}
			wg.Wait()
			err := p.wait(30 * time.Second)
			took := time.Since(stopped)
			if err != nil {
				t.Errorf("fcbot exited with %v after SIGTERM, want success", err)
			}
			if took > defaultShutdownTimeout {
				t.Errorf("fcbot took %s to stop, want within SHUTDOWN_TIMEOUT (%s)", took, defaultShutdownTimeout)
			}
			if errs := p.logLines(`"level":"ERROR"`); len(errs) > 0 {
				t.Errorf("fcbot logged errors while stopping:\n%s", strings.Join(errs, "\n"))
			}

			tasks := taskNumbers(t, raw)
			later := pf.later()
			accepted, deferred, refused := 0, 0, 0
			for i, a := range answers {
				title := fmt.Sprintf("Shutdown task %d", i)
				if !a.accepted() {
					refused++
					if n := len(tasks[title]); n != 0 {
						t.Errorf("command %d was not accepted (%v) but made %d tasks", i, a.err, n)
					}
					continue
				}
				accepted++
				reply := a.reply
				if a.deferred {
					deferred++
					reply = strings.Join(later[a.key], "\n")
				}
				m := taskAddedRE.FindStringSubmatch(reply)
				switch {
				case m == nil:
					t.Errorf("command %d (%s, deferred %v) was accepted, but its answer at the fake is %q, want \"Task N added\"", i, a.g.platform, a.deferred, reply)
				case len(tasks[title]) != 1 || strconv.FormatInt(tasks[title][0], 10) != m[1]:
					t.Errorf("command %d was answered %q, but the tasks titled %q are numbered %v", i, m[0], title, tasks[title])
				}
			}
			t.Logf("%s: %d commands accepted (%d answered after their acknowledgement), %d refused once the listener closed; SIGTERM to exit: %s",
				dialect, accepted, deferred, refused, took.Round(time.Millisecond))
			if deferred < len(slowAt) {
				t.Errorf("%d accepted commands were answered after their acknowledgement, want at least the %d slow ones: the test did not catch answers in flight", deferred, len(slowAt))
			}
			if refused < total/4 {
				t.Errorf("only %d commands were refused after SIGTERM, want most of the last %d: fcbot kept taking requests", refused, total/2)
			}
		})
	}
}

// slowAt are the slow commands, sent before SIGTERM, and the member each
// assigns its task to: two on each platform (Slack's are even).
var slowAt = map[int]int{20: 1, 41: 1, 60: 2, 81: 2}

// taskNumbers reads every task's number by title from the database at
// raw.
func taskNumbers(t *testing.T, raw string) map[string][]int64 {
	t.Helper()
	s, err := storage.Open(context.Background(), raw, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.SQL().QueryContext(context.Background(), "SELECT title, number FROM tasks ORDER BY number")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var title string
		var n int64
		if err := rows.Scan(&title, &n); err != nil {
			t.Fatal(err)
		}
		out[title] = append(out[title], n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShutdownHandsBackWithinItsTimeout: a stop takes no longer than
// SHUTDOWN_TIMEOUT (4 s here) even when commands hang. fcbot, over Slack's
// HTTP mode, gets 24 commands whose direct message never gets an answer
// from Slack: as many as it has slots hang in them, the others wait for a
// slot. SIGTERM, a second later: at half the timeout the waiting ones are
// handed back, each answered busy once at its response_url (they were
// acknowledged empty at 2.5 s) and none making a task, and the process
// exits within the timeout, cutting off the ones that hang.
func TestShutdownHandsBackWithinItsTimeout(t *testing.T) {
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			raw := storagetest.URL(t, dialect)
			pf := newPlatforms(t)
			const n = 24
			g := pf.addGroup(onSlack, 1+n)
			const timeout = 4 * time.Second
			env := pf.env(raw)
			env["SHUTDOWN_TIMEOUT"] = timeout.String()
			p := startProcess(t, "fcbot", env)
			p.waitHealthy(60 * time.Second)
			client := newClient()
			if a := pf.send(t, client, p.base(), g, 0, `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "setup"); !strings.Contains(a.reply, "is set up") {
				t.Fatalf("/setup: got %+v", a)
			}
			pf.slack.Slow("chat.postMessage", n, time.Minute)
			answers := make([]answer, n)
			var wg sync.WaitGroup
			sent := time.Now()
			for i := range n {
				line := fmt.Sprintf(`/task add title:"Hanging task %d" user:%s`, i, g.mention(1+i))
				wg.Go(func() { answers[i] = pf.send(t, client, p.base(), g, 0, line, "k"+strconv.Itoa(i)) })
			}
			// Those in a slot reach Slack with their direct message.
			var hung int
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if c := len(pf.slack.Calls("chat.postMessage")); c > 0 && c == hung {
					break
				} else {
					hung = c
				}
			}
			if hung == 0 || hung == n {
				t.Fatalf("%d of %d commands reached Slack, want those in a slot only", hung, n)
			}
			// The waiting ones are acknowledged empty after 2.5 s, and handed
			// back at 3 s, through their response_url.
			time.Sleep(time.Until(sent.Add(time.Second)))
			stopped := time.Now()
			p.signal(syscall.SIGTERM)
			err := p.wait(3 * timeout)
			took := time.Since(stopped)
			wg.Wait()
			if err != nil {
				t.Errorf("fcbot exited with %v after SIGTERM, want success", err)
			}
			if took > timeout+time.Second {
				t.Errorf("fcbot took %s to stop, want within its SHUTDOWN_TIMEOUT (%s) and a second", took, timeout)
			}
			tasks := taskNumbers(t, raw)
			later := pf.later()
			handedBack := 0
			for i, a := range answers {
				if !a.accepted() {
					t.Errorf("command %d: %v, want it acknowledged", i, a.err)
					continue
				}
				replies := later[a.key]
				if !a.deferred {
					replies = append([]string{a.reply}, replies...)
				}
				if len(replies) == 0 {
					continue // it hung, and was cut off
				}
				handedBack++
				if len(replies) != 1 || !isBusy(replies[0]) {
					t.Errorf("command %d was answered %q, want the busy reply once", i, replies)
				}
				if title := fmt.Sprintf("Hanging task %d", i); len(tasks[title]) != 0 {
					t.Errorf("command %d was handed back but made a task", i)
				}
			}
			t.Logf("%s: %d commands hung in their slots, %d waiting were handed back; SIGTERM to exit: %s",
				dialect, hung, handedBack, took.Round(time.Millisecond))
			if handedBack != n-hung {
				t.Errorf("%d commands were handed back, want the %d that waited for a slot", handedBack, n-hung)
			}
		})
	}
}
