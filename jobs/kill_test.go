package jobs_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// childDB, set in the environment, makes the test binary the bot process
// that TestKilledProcess kills: see runChild. childPlatform, when set too,
// makes it deliver through a platform's real Sender (see platformSender).
const (
	childDB       = "FCBOT_JOBS_CHILD_DB"
	childPlatform = "FCBOT_JOBS_CHILD_PLATFORM"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(childDB); url != "" {
		os.Exit(runChild(url, os.Getenv(childPlatform), os.Stdin, os.Stdout))
	}
	// These tests spend their time waiting for River's scheduler (it
	// moves due jobs every 5 s), not computing: run more of them at once
	// than there are cores, unless -test.parallel says otherwise.
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", fmt.Sprint(max(16, runtime.GOMAXPROCS(0))))
	}
	os.Exit(m.Run())
}

// runChild is a bot process on an already migrated database: it reads a
// script from in, one line at a time, and writes what happens to out.
//
//	clock 2026-11-27T10:00:00Z   set its clock
//	wait-sending N               wait until N messages are being sent
//	ready                        print READY and wait to be killed
//	anything else                a console line, e.g. /meeting rsvp 1 yes
//
// Its Sender prints "SENDING <user> <title>" for each message and never
// finishes, as a platform that hangs would, so that the process dies
// mid-delivery; with platform set ("slack <API URL>" or "discord <API
// URL>") it then hands the message to that platform's real Sender, whose
// fake the test makes hang. A refused command prints FAIL and exits 1.
func runChild(url, platform string, in io.Reader, out io.Writer) int {
	ctx := context.Background()
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(out, format+"\n", args...)
	}
	s, err := storage.Open(ctx, url, quietLog)
	if err != nil {
		say("FAIL open: %v", err)
		return 1
	}
	// Before any time the script sets, so that the leadership this
	// process takes at start lapses for the process that follows it.
	clock := bot.NewManualClock(time.Now().Add(-72 * time.Hour))
	env := newEnv(s, clock)
	sender := &hangingSender{say: say, sending: make(chan struct{}, 100)}
	if platform != "" {
		if sender.next, err = platformSender(platform, env); err != nil {
			say("FAIL sender: %v", err)
			return 1
		}
	}
	// No rescue here: this process's clock jumps to minutes before the
	// real time, and River's rescuer, which reads the real clock, would
	// take its own hanging sends for stuck ones.
	q, err := jobs.New(queueConfig(env, sender, "child", 0))
	if err != nil {
		say("FAIL queue: %v", err)
		return 1
	}
	s.SetHooks(q)
	if err := q.Start(ctx); err != nil {
		say("FAIL start: %v", err)
		return 1
	}
	env.Outbox = q
	con := console.New(commands.Router(env), strings.NewReader(""), io.Discard, false)
	sendsSeen := 0
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := sc.Text()
		switch word, arg, _ := strings.Cut(line, " "); word {
		case "clock":
			t, err := time.Parse(time.RFC3339, arg)
			if err != nil {
				say("FAIL %s: %v", line, err)
				return 1
			}
			clock.Set(t)
		case "wait-sending":
			var n int
			fmt.Sscan(arg, &n)
			for ; sendsSeen < n; sendsSeen++ {
				select {
				case <-sender.sending:
				case <-time.After(30 * time.Second):
					say("FAIL %s: timed out", line)
					return 1
				}
			}
		case "ready":
			say("READY")
			select {} // until killed
		default:
			if r := con.Line(ctx, line); strings.HasPrefix(r, "✗") {
				say("FAIL %s: %s", line, r)
				return 1
			}
		}
	}
	return 0
}

// hangingSender announces each message and never returns: it waits for
// the end of its context, or for next, when set, to post the message.
type hangingSender struct {
	say     func(string, ...any)
	sending chan struct{}
	next    bot.OnceSender
}

func (h *hangingSender) Send(ctx context.Context, to bot.Destination, r bot.Reply) error {
	return h.SendOnce(ctx, to, r, "")
}

func (h *hangingSender) SendOnce(ctx context.Context, to bot.Destination, r bot.Reply, key string) error {
	h.say("SENDING %s %s", to.User, r.Title)
	h.sending <- struct{}{}
	if h.next != nil {
		return h.next.SendOnce(ctx, to, r, key)
	}
	<-ctx.Done()
	return ctx.Err()
}

// runBot runs script in a bot process (runChild) on the database at raw,
// delivering through platform (see runChild) when it is not "". When the
// process says READY, ready runs (if not nil) and the process is killed
// with SIGKILL. runBot returns what the process said.
func runBot(t *testing.T, raw string, script []string, platform string, ready func()) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childDB+"="+raw, childPlatform+"="+platform)
	cmd.Stdin = strings.NewReader(strings.Join(script, "\n") + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // if the test stops early
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var said []string
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				_ = cmd.Wait()
				t.Fatalf("the bot process ended before READY:\n%s\n%s", strings.Join(said, "\n"), stderr.String())
			}
			said = append(said, l)
			if strings.HasPrefix(l, "FAIL") {
				for range lines {
				}
				_ = cmd.Wait() // it exits by itself
				t.Fatalf("the bot process: %s\n%s", l, stderr.String())
			}
			if l != "READY" {
				continue
			}
			if ready != nil {
				ready()
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup at all
				t.Fatal(err)
			}
			_ = cmd.Wait()
			return said
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("the bot process did not get ready:\n%s\n%s", strings.Join(said, "\n"), stderr.String())
		}
	}
}

// TestKilledProcessDeliversAfterRestart runs the bot as a second OS
// process, lets it create a meeting and a task through the commands, and
// kill -9s it in the middle of sending two reminders and before the
// others are due. A new process then delivers every reminder: the pending
// ones at their times, and the one whose sending was cut off after River's
// rescue delay (jobs.RescueAfter, 2 minutes): the send cut off 4 minutes
// ago is retried, the one cut off 1 minute ago is not yet.
//
// River's rescuer measures "running too long" against the real clock, so
// this test's clocks stand at the real time: the process that dies last
// fetched its jobs 4 and 1 minutes before now.
func TestKilledProcessDeliversAfterRestart(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			raw := storagetest.URL(t, dialect)
			s := openURL(t, raw)
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			migrateRiver(t, s)
			// Whole seconds: Postgres keeps microseconds and would round a
			// job's time past a clock that never moves on its own.
			now := time.Now().Truncate(time.Second)
			local := func(d time.Duration) string { return now.Add(d).In(chicago).Format("2006-01-02 15:04") }
			clock := func(d time.Duration) string { return "clock " + now.Add(d).UTC().Format(time.RFC3339) }
			meeting := 12 * time.Hour             // day reminder 12 h ago, hour reminder in 10 h 40
			taskDue := 24*time.Hour - time.Minute // due reminder a minute ago, overdue in a day
			script := []string{
				clock(-48 * time.Hour),
				springfield,
				"/role assign user:@carol role:coordinator",
				"as alice",
				fmt.Sprintf(`/meeting schedule when:"%s" where:"County Building" gather:"Library steps"`, local(meeting)),
				"/meeting rsvp 1 yes",
				"as bob",
				"/meeting rsvp 1 no",
				"as you",
				fmt.Sprintf(`/task add title:"Call the sheriff's office" user:@bob due:"%s"`, local(taskDue)),
				// Alice's day reminder comes due and hangs in sending…
				clock(-4 * time.Minute),
				"wait-sending 1",
				// …and so does bob's due reminder, a little later.
				clock(-1 * time.Minute),
				"wait-sending 2",
				"ready",
			}
			said := runBot(t, raw, script, "", nil)
			want := "SENDING alice Tomorrow: meeting 1\nSENDING bob Due tomorrow: task 1\nREADY"
			if got := strings.Join(said, "\n"); got != want {
				t.Fatalf("the bot process said:\n%s\nwant:\n%s", got, want)
			}

			// The restarted process, with the production rescue delay.
			clk := bot.NewManualClock(now)
			sender := &recordingSender{clock: clk}
			q := buildQueue(t, newEnv(s, clk), sender, "restarted", jobs.RescueAfter)
			count := func(kind string, state rivertype.JobState) int {
				return len(jobList(t, q, []string{kind}, state))
			}
			for _, c := range []struct {
				kind  string
				state rivertype.JobState
				want  int
			}{
				{"deliver", rivertype.JobStateRunning, 2},            // cut off mid-send
				{"meeting_reminder", rivertype.JobStateScheduled, 1}, // the hour reminder
				{"task_reminder", rivertype.JobStateScheduled, 1},    // overdue
			} {
				if got := count(c.kind, c.state); got != c.want {
					t.Errorf("after the kill: %d %s jobs %s, want %d", got, c.kind, c.state, c.want)
				}
			}
			if err := q.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			// The rescuer's pass that freed alice's send (4 minutes
			// running) left bob's (1 minute) alone.
			delivery := func(name string) *rivertype.JobRow {
				for _, j := range jobList(t, q, []string{"deliver"}) {
					var a jobs.DeliverArgs
					if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
						t.Fatal(err)
					}
					if a.Name == name {
						return j
					}
				}
				t.Fatalf("no delivery to %s", name)
				return nil
			}
			waitFor(t, "alice's rescued reminder", func() bool { return delivery("alice").State == rivertype.JobStateCompleted })
			if got := sender.to("alice"); len(got) != 1 || got[0] != "Tomorrow: meeting 1" {
				t.Errorf("alice got %q after the restart, want her day reminder", got)
			}
			if j := delivery("alice"); !slices.Equal(j.AttemptedBy, []string{"child", "restarted"}) {
				t.Errorf("alice's delivery was attempted by %v, want the dead process then the new one", j.AttemptedBy)
			}
			if j := delivery("bob"); j.State != rivertype.JobStateRunning || !slices.Equal(j.AttemptedBy, []string{"child"}) {
				t.Errorf("bob's delivery is %s, attempted by %v; want still running on the dead process (1 minute < %s)", j.State, j.AttemptedBy, jobs.RescueAfter)
			}
			clk.Set(now.Add(meeting - 20*time.Minute - time.Hour))
			waitFor(t, "alice's hour reminder", func() bool { return len(sender.to("alice")) == 2 })
			clk.Set(now.Add(taskDue))
			waitFor(t, "bob's overdue reminder", func() bool { return strings.Contains(strings.Join(sender.to("bob"), "\n"), "Overdue: task 1") })
			if got, want := strings.Join(sender.to("alice"), "\n"), "Tomorrow: meeting 1\nIn an hour: gather for meeting 1"; got != want {
				t.Errorf("alice got:\n%s\nwant each reminder once:\n%s", got, want)
			}
			// Bob's cut-off send is retried once it has been running 2
			// minutes, which a slow run may reach: at most once, then.
			bob := sender.to("bob")
			slices.Sort(bob)
			if got := strings.Join(bob, "\n"); got != "Overdue: task 1" && got != "Due tomorrow: task 1\nOverdue: task 1" {
				t.Errorf("bob got:\n%s\nwant the overdue reminder once (and the due one at most once)", got)
			}
		})
	}
}
