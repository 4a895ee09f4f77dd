package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/metrics"
	"github.com/fcbot/fcbot/metrics/metricstest"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestMetricsAfterAScenario runs fcbot as deployed, with Slack over HTTP
// and METRICS_ADDR set, on each database, through a small day: a group's
// digest falls due as fcbot starts and its first delivery fails (Slack
// answers an error), then goes through; a member runs /rules, asks for a
// rule that does not exist, and adds a task for someone Slack takes too
// long to describe, which fails after 3 s and is answered late. GET
// /metrics on METRICS_ADDR then shows each of these, and nothing that
// names the group, the member or what they typed.
func TestMetricsAfterAScenario(t *testing.T) {
	saved := queueTTL
	queueTTL = 0 // count the queue at every scrape
	t.Cleanup(func() { queueTTL = saved })
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) { metricsScenario(t, dialect) })
	}
}

func metricsScenario(t *testing.T, dialect string) {
	dbURL := storagetest.URL(t, dialect)
	digestDueNow(t, dbURL)
	sfake := fakeslack.New(t)
	sfake.AddUser(fakeslack.User{ID: "U0001", Name: "Alice", Locale: "en-US"})
	sfake.Fail("chat.postMessage", "internal_error") // the digest's first attempt
	httpAddr, metricsAddr := freeAddr(t), freeAddr(t)
	const secret = "metrics-signing-secret"
	for k, v := range map[string]string{
		"DATABASE_URL": dbURL, "HTTP_ADDR": httpAddr, "METRICS_ADDR": metricsAddr, "PUBLIC_URL": "",
		"SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": "xoxb-metrics", "SLACK_API_URL": sfake.APIURL(), "SLACK_APP_TOKEN": "",
		"DISCORD_BOT_TOKEN": "", "DISCORD_PUBLIC_KEY": "", "DISCORD_APP_ID": "", "LOG_LEVEL": "error",
	} {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, strings.NewReader(""), io.Discard, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fcbot stopped with %v", err)
		}
	})
	base, metricsURL := "http://"+httpAddr, "http://"+metricsAddr+"/metrics"
	waitHealthy(t, base)

	// The digest, sent by the tick fcbot runs as it starts: its delivery
	// fails once and stays in the queue for its retry, a second later,
	// which goes through.
	waitFor(t, "the digest's first delivery attempt to fail", 20*time.Second, func() bool {
		n, _ := metricstest.Scrape(t, metricsURL).Value("fcbot_deliveries_total", map[string]string{"outcome": "retried"})
		return n == 1
	})
	sfake.Fail("chat.postMessage", "")
	if n := queued(metricstest.Scrape(t, metricsURL), "deliver"); n != 1 {
		t.Errorf("after its first attempt failed: %v deliveries in the queue, want 1", n)
	}

	slash := func(n int, command, text string) {
		t.Helper()
		form := fakeslack.SlashCommand(fakeslack.DefaultTeam, fakeslack.DefaultChannel, "U0001", "alice", command, text, fmt.Sprint("trigger-", n), sfake.ResponseURL(fmt.Sprint(n)))
		if resp, _ := do(t, fakeslack.Request(base+"/slack/commands", secret, form, time.Now())); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: got %d, want 200", command, text, resp.StatusCode)
		}
	}
	slash(1, "/rules", "")
	slash(2, "/rules", "number:99")
	sfake.Slow("users.info", 1, 4*time.Second) // beyond the 3 s the membership check waits
	slash(3, "/task", `add title:"Call the mayor" user:<@U0999|bob>`)
	waitFor(t, "the late answer to /task add", 10*time.Second, func() bool {
		for _, c := range sfake.Calls("response") {
			if strings.HasSuffix(c.Path, "/3") {
				return true
			}
		}
		return false
	})
	waitFor(t, "the digest delivered", 10*time.Second, func() bool {
		n, _ := metricstest.Scrape(t, metricsURL).Value("fcbot_deliveries_total", map[string]string{"outcome": "sent"})
		return n == 1
	})

	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	fams := metricstest.Parse(t, string(raw))
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"fcbot_commands_total", map[string]string{"command": "rules", "platform": "slack", "outcome": "ok"}, 1},
		{"fcbot_commands_total", map[string]string{"command": "rules", "platform": "slack", "outcome": "refused"}, 1},
		{"fcbot_commands_total", map[string]string{"command": "task add", "platform": "slack", "outcome": "error"}, 1},
		{"fcbot_command_duration_seconds", map[string]string{"command": "rules"}, 2},
		{"fcbot_command_duration_seconds", map[string]string{"command": "task add"}, 1},
		{"fcbot_late_replies_total", map[string]string{"platform": "slack"}, 1},
		{"fcbot_deliveries_total", map[string]string{"outcome": "sent"}, 1},
		{"fcbot_deliveries_total", map[string]string{"outcome": "retried"}, 1},
		{"fcbot_deliveries_total", map[string]string{"outcome": "failed"}, 0},
		{"fcbot_digest_run_seconds", nil, 1},
		{"fcbot_job_wait_seconds", map[string]string{"kind": "digest"}, 1},
		{"fcbot_job_duration_seconds", map[string]string{"kind": "digest"}, 1},
		{"fcbot_job_wait_seconds", map[string]string{"kind": "deliver"}, 2}, // the failed attempt and the retry
		{"fcbot_job_duration_seconds", map[string]string{"kind": "deliver"}, 2},
		{"fcbot_build_info", map[string]string{"version": buildVersion()}, 1},
	} {
		if got, ok := fams.Value(c.name, c.labels); !ok || got != c.want {
			t.Errorf("%s%v: got %v (found %t), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if n := queued(fams, "deliver"); n != 0 {
		t.Errorf("once delivered: %v deliveries in the queue, want 0", n)
	}
	// The 3 s the membership check waited are in the latency.
	if h := fams.Series("fcbot_command_duration_seconds", map[string]string{"command": "task add"}).GetHistogram(); h.GetSampleSum() < 3 {
		t.Errorf("/task add took %.2f s by the histogram, want at least the 3 s the membership check waited", h.GetSampleSum())
	}
	// The pool: at rest, what it holds is idle, within its size.
	inUse, ok1 := fams.Value("fcbot_db_connections", map[string]string{"state": "in_use"})
	idle, ok2 := fams.Value("fcbot_db_connections", map[string]string{"state": "idle"})
	size, _ := fams.Value("fcbot_db_connections_max", nil)
	if !ok1 || !ok2 || size < 1 || inUse+idle > size || idle < 1 {
		t.Errorf("the pool: %v in use and %v idle of %v (found %t, %t), want some idle within the size", inUse, idle, size, ok1, ok2)
	}
	for _, private := range []string{fakeslack.DefaultTeam, "U0001", "alice", "Alice", "U0999", "bob", "mayor"} {
		if strings.Contains(string(raw), private) {
			t.Errorf("the metrics name %q, which is a workspace, a person or typed text", private)
		}
	}
}

// digestDueNow creates the fake Slack workspace's group, its digest due
// at the present minute (UTC, the group's zone) in its channel, with
// quiet days off: fcbot's first digest tick sends it.
func digestDueNow(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, dbURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	g, err := s.EnsureGroup(ctx, slack.Platform, fakeslack.DefaultTeam)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if now.Hour() == 23 && now.Minute() == 59 { // the tick would come on the next day
		time.Sleep(time.Until(now.Truncate(time.Minute).Add(time.Minute + time.Second)))
		now = time.Now().UTC()
	}
	ds := &storage.DigestSettings{GroupID: g.ID, SendAt: now.Format("15:04"), Channel: fakeslack.DefaultChannel}
	if err := s.SaveDigestSettings(ctx, ds); err != nil {
		t.Fatal(err)
	}
}

// TestFailedDeliveriesAreCounted: a message whose every attempt fails is
// counted retried for each attempt but the last, and failed for the last;
// each attempt's wait and run are in the job metrics.
func TestFailedDeliveriesAreCounted(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := jobs.Migrate(ctx, s); err != nil {
			t.Fatal(err)
		}
		g, err := s.EnsureGroup(ctx, slack.Platform, fakeslack.DefaultTeam)
		if err != nil {
			t.Fatal(err)
		}
		sfake := fakeslack.New(t)
		sfake.Fail("chat.postMessage", "channel_not_found")
		env := &commands.Env{Store: s, Clock: bot.SystemClock{}, Log: log}
		ad, err := slack.New(slack.Config{BotToken: "xoxb-failing", APIURL: sfake.APIURL(), Router: commands.Router(env), Log: log})
		if err != nil {
			t.Fatal(err)
		}
		m := metrics.New("test", log)
		q, err := jobs.New(jobs.Config{
			Store: s, Env: env, Senders: map[string]bot.Sender{slack.Platform: ad.Sender()}, Log: log, NoTick: true,
			PollInterval: 20 * time.Millisecond, RetryDelay: func(int) time.Duration { return 10 * time.Millisecond }, Observer: m,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Shutdown(ctx, time.Now().Add(10*time.Second), time.Now().Add(15*time.Second)) })
		args := jobs.DeliverArgs{GroupID: g.ID, Channel: fakeslack.DefaultChannel, Name: "#general", What: "notice", Reply: bot.Reply{Text: "hello"}}
		ins, err := q.Client().Insert(ctx, args, &river.InsertOpts{MaxAttempts: 3})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the delivery discarded", 10*time.Second, func() bool {
			j, err := q.Client().JobGet(ctx, ins.Job.ID)
			return err == nil && j.State == rivertype.JobStateDiscarded
		})
		h := metricstest.Serve(t, m.Handler())
		for outcome, want := range map[string]float64{"sent": 0, "retried": 2, "failed": 1} {
			if got, _ := h.Value("fcbot_deliveries_total", map[string]string{"outcome": outcome}); got != want {
				t.Errorf("deliveries %s: got %v, want %v", outcome, got, want)
			}
		}
		waitFor(t, "the attempts' job metrics", 5*time.Second, func() bool {
			n, _ := metricstest.Serve(t, m.Handler()).Value("fcbot_job_duration_seconds", map[string]string{"kind": "deliver"})
			return n == 3
		})
	})
}

// waitFor polls ok until it holds, failing the test after within.
func waitFor(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// queued is how many jobs of kind fcbot_jobs counts, in every state.
func queued(fams metricstest.Families, kind string) float64 {
	n := 0.0
	for _, m := range fams["fcbot_jobs"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "kind" && l.GetValue() == kind {
				n += m.GetGauge().GetValue()
			}
		}
	}
	return n
}

// TestMetricsAddrMustBeItsOwn: METRICS_ADDR is host:port and not
// HTTP_ADDR's listener.
func TestMetricsAddrMustBeItsOwn(t *testing.T) {
	for _, c := range []struct {
		metrics, http string
		ok            bool
	}{
		{"", ":8080", true},
		{"127.0.0.1:9090", ":8080", true},
		{"127.0.0.1:9090", "", true},
		{"127.0.0.1:8080", "10.0.0.1:8080", true},
		{"9090", "", false},
		{":8080", ":8080", false},
		{"127.0.0.1:8080", ":8080", false},
		{"0.0.0.0:8080", "127.0.0.1:8080", false},
	} {
		err := checkMetricsAddr(c.metrics, c.http)
		if (err == nil) != c.ok {
			t.Errorf("METRICS_ADDR %q with HTTP_ADDR %q: got %v, want ok %t", c.metrics, c.http, err, c.ok)
		}
	}
}
