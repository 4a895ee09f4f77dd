package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// The overload tests saturate a gate of 2 slots and 3 queue places with
// /hold, which waits until the test lets go, by sending 40 at once.
const (
	slots, queue = 2, 3
	burst        = 40
	// slackDeadline is how long Slack waits for an acknowledgement.
	slackDeadline = 3 * time.Second
)

// overloaded is a rig whose gate the test can inspect, with the baseline
// of goroutines before the burst.
type overloaded struct {
	*rig
	gate   *bot.Gate
	api    *http.Transport // the adapter's calls to Slack
	client *http.Transport // the test's requests, one connection each
	base   int
}

func newOverloaded(t *testing.T, s *storage.Store, appToken string) *overloaded {
	t.Helper()
	o := &overloaded{gate: bot.NewGate(bot.GateConfig{Slots: slots, Queue: queue, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}), api: &http.Transport{}, client: &http.Transport{DisableKeepAlives: true}}
	o.rig = newRig(t, s, rigOptions{testCommands: true, ackWithin: 300 * time.Millisecond, appToken: appToken, gate: o.gate,
		httpClient: &http.Client{Transport: o.api, Timeout: 10 * time.Second}})
	o.base = runtime.NumGoroutine()
	return o
}

// atLeast waits (up to 5 s) until n reaches want, and returns it: the
// commands admitted begin once their caller is resolved.
func atLeast(n *atomic.Int64, want int64) int64 {
	for deadline := time.Now().Add(5 * time.Second); n.Load() < want && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	return n.Load()
}

// busyText is the busy reply as Slack shows it.
var busyText = bot.Busy("en").Text

// isBusy reports whether a message is the busy reply, shown privately.
func isBusy(m map[string]any) bool {
	return m["response_type"] == "ephemeral" && strings.Contains(visible(m), busyText)
}

// answeredLater returns the text posted to each response_url id.
func (o *overloaded) answeredLater(n int) map[string]string {
	o.t.Helper()
	out := map[string]string{}
	for _, c := range o.fake.WaitCalls("response", n) {
		out[strings.TrimPrefix(c.Path, "/response/")] = fmt.Sprint(c.JSON["text"])
	}
	return out
}

// settle checks, once the adapter's work is done, that the gate has every
// place back and that no goroutine is left beyond the baseline (idle
// connections closed).
func (o *overloaded) settle(idle ...*http.Transport) {
	o.t.Helper()
	o.ad.Wait()
	var passes []*bot.Pass
	for range slots + queue {
		p, ok := o.gate.Admit()
		if !ok {
			o.t.Errorf("only %d of %d places free after the work ended", len(passes), slots+queue)
			break
		}
		passes = append(passes, p)
	}
	for _, p := range passes {
		p.Leave()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		o.api.CloseIdleConnections()
		for _, tr := range idle {
			tr.CloseIdleConnections()
		}
		n := runtime.NumGoroutine()
		if n <= o.base {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			o.t.Errorf("%d goroutines 5 s after the work ended, want at most the %d before the burst:\n%s", n, o.base, buf[:runtime.Stack(buf, true)])
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOverloadIsAnsweredBusy sends 40 /hold at once over HTTP, then 3
// clicks and a form. Every request is answered 200 within Slack's 3
// seconds: the 5 admitted with an empty acknowledgement, the 35 others at
// once with the busy reply, privately, as are the clicks (through their
// response_url) and the form (on the form, which stays open); none of
// those ran. Once let go, the 5 answer through their response_url; a
// retry of a refused delivery runs, since the refusal changed nothing;
// and no goroutine is left behind.
func TestOverloadIsAnsweredBusy(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		o := newOverloaded(t, s, "")
		// Before the burst, alice opens the nine-answer form.
		if code, ack, _ := o.post(slack.CommandsPath, fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/survey", "", o.trigger(), o.fake.ResponseURL("survey"))); code != 200 || ack != nil {
			t.Fatalf("/survey: got %d %v, want an empty 200 (the modal is the answer)", code, ack)
		}
		view := o.fake.WaitCalls("views.open", 1)[0].JSON["view"].(map[string]any)

		admitted, refused := o.burst()
		if got := atLeast(o.held, slots); got != slots {
			t.Errorf("%d runs of /hold began while held, want %d (the slots)", got, slots)
		}
		o.refuseClicksAndForm(view)

		o.letGo()
		later := o.answeredLater(3 + slots + queue)
		for _, req := range admitted {
			if !strings.HasPrefix(later[req.trig], "held ") {
				t.Errorf("admitted /hold %s: response_url got %q, want its answer", req.trig, later[req.trig])
			}
		}
		for _, req := range refused {
			if text, ok := later[req.trig]; ok {
				t.Errorf("refused /hold %s was answered later with %q, want nothing more", req.trig, text)
			}
		}

		code, ack, _ := o.post(slack.CommandsPath, refused[0].form, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
		if code != 200 || !strings.Contains(visible(ack), "held ") {
			t.Errorf("retry of a refused delivery: got %d %v, want it run", code, ack)
		}
		if got := o.held.Load(); got != slots+queue+1 {
			t.Errorf("%d runs of /hold in all, want %d: the admitted ones and the retry", got, slots+queue+1)
		}
		o.settle(o.client)
	})
}

// post sends a signed form from any goroutine, on a connection of its
// own, and returns the status, the acknowledgement and how long it took.
func (o *overloaded) post(path string, form url.Values, header ...string) (int, map[string]any, time.Duration) {
	start := time.Now()
	code, m, err := o.send(&http.Client{Transport: o.client}, path, form, time.Now(), header...)
	if err != nil {
		o.t.Error(err)
	}
	return code, m, time.Since(start)
}

// sent is one /hold sent in a burst.
type sent struct {
	trig string
	form url.Values
}

// burst sends 40 /hold at once and sorts them by their acknowledgement,
// each due within Slack's deadline: empty (admitted, answered later) or
// the busy reply (refused).
func (o *overloaded) burst() (admitted, refused []sent) {
	o.t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range burst {
		trig := o.trigger()
		req := sent{trig, fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/hold", fmt.Sprint("n:", i), trig, o.fake.ResponseURL(trig))}
		wg.Go(func() {
			code, ack, took := o.post(slack.CommandsPath, req.form)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case code != 200 || took > slackDeadline:
				o.t.Errorf("/hold: got %d after %s, want 200 within %s", code, took, slackDeadline)
			case ack == nil:
				admitted = append(admitted, req)
			case isBusy(ack):
				refused = append(refused, req)
			default:
				o.t.Errorf("/hold: acknowledged with %v, want nothing (answered later) or the busy reply", ack)
			}
		})
	}
	wg.Wait()
	if len(admitted) != slots+queue || len(refused) != burst-slots-queue {
		o.t.Fatalf("%d acknowledged empty and %d busy, want %d and %d", len(admitted), len(refused), slots+queue, burst-slots-queue)
	}
	return admitted, refused
}

// refuseClicksAndForm clicks 3 buttons and submits the form open as view
// while the gate is full: each is answered 200 within Slack's deadline,
// the clicks with the busy reply through their response_url, the form on
// itself; none of them ran.
func (o *overloaded) refuseClicksAndForm(view map[string]any) {
	o.t.Helper()
	for i := range 3 {
		click := payload(o.t, "block_actions.json", "{{USER}}", "U0002", "{{USERNAME}}", "bob", "{{TRIGGER}}", fmt.Sprint("800.", i),
			"{{RESPONSE_URL}}", o.fake.ResponseURL(fmt.Sprint("click", i)), "{{ACTION_ID}}", "count n:1", "{{VALUE}}", "count n:1")
		if code, ack, took := o.post(slack.InteractionsPath, url.Values{"payload": {string(click)}}); code != 200 || ack != nil || took > slackDeadline {
			o.t.Errorf("click while busy: got %d %v after %s, want an empty 200 within %s", code, ack, took, slackDeadline)
		}
	}
	for _, c := range o.fake.WaitCalls("response", 3) {
		if !strings.HasPrefix(c.Path, "/response/click") || !isBusy(c.JSON) {
			o.t.Errorf("while busy, %s got %v, want only the clicks' response_url, with the busy reply", c.Path, c.JSON)
		}
	}
	code, ack, took := o.post(slack.InteractionsPath, submission(o.t, view))
	if errs, _ := ack["errors"].(map[string]any); code != 200 || took > slackDeadline || ack["response_action"] != "errors" || !strings.Contains(fmt.Sprint(errs["f0/q1"]), busyText) {
		o.t.Errorf("form submitted while busy: got %d %v after %s, want the busy reply on its first field, keeping it open", code, ack, took)
	}
	if counted, saved := o.count.Load(), o.saved.Load(); counted != 0 || saved != 0 {
		o.t.Errorf("while busy, the clicks counted %d and %d forms were saved, want 0 and 0", counted, saved)
	}
}

// submission is the nine-answer form, open as view, submitted by alice
// with an answer to each question.
func submission(t *testing.T, view map[string]any) url.Values {
	var cb map[string]any
	if err := json.Unmarshal(payload(t, "view_submission.json", "{{USER}}", "U0001", "{{USERNAME}}", "alice", "{{TRIGGER}}", "902.1"), &cb); err != nil {
		t.Fatal(err)
	}
	v := cb["view"].(map[string]any)
	v["blocks"], v["private_metadata"] = view["blocks"], view["private_metadata"]
	values := map[string]any{}
	for i := 1; i <= 9; i++ {
		block := fmt.Sprintf("f%d/q%d", i-1, i)
		values[block] = map[string]any{block: map[string]any{"type": "plain_text_input", "value": "yes"}}
	}
	v["state"] = map[string]any{"values": values}
	b, _ := json.Marshal(cb)
	return url.Values{"payload": {string(b)}}
}

// TestOverloadOverSocketMode sends 40 /hold at once over Socket Mode:
// every envelope is acknowledged within Slack's 3 seconds, the 5 admitted
// empty and the 35 others with the busy reply; once let go, the 5 answer
// through their response_url, and once Run returns no goroutine is left
// behind.
func TestOverloadOverSocketMode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		o := newOverloaded(t, s, "xapp-1-test")
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel) // before the rig's cleanup waits for Run's work
		done := make(chan error, 1)
		go func() { done <- o.ad.Run(ctx) }()
		sock := o.fake.Socket()
		if err := sock.Send(json.RawMessage(payload(t, "socket_hello.json"))); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for i := range burst {
			env := payload(t, "socket_slash_command.json", "{{ENVELOPE}}", fmt.Sprint("env-", i), "{{COMMAND}}", "/hold", "{{TEXT}}", fmt.Sprint("n:", i),
				"{{RESPONSE_URL}}", o.fake.ResponseURL(fmt.Sprint("s", i)), "{{TRIGGER}}", fmt.Sprint("601.", i))
			if err := sock.Send(json.RawMessage(env)); err != nil {
				t.Fatal(err)
			}
		}
		admitted := map[string]bool{}
		busy := 0
		for range burst {
			ack, err := sock.Ack(slackDeadline - time.Since(start))
			if err != nil {
				t.Fatalf("after %d acknowledgements: %v", len(admitted)+busy, err)
			}
			p, _ := ack["payload"].(map[string]any)
			switch env, _ := ack["envelope_id"].(string); {
			case p == nil:
				admitted[strings.TrimPrefix(env, "env-")] = true
			case isBusy(p):
				busy++
			default:
				t.Errorf("%s acknowledged with %v, want nothing (answered later) or the busy reply", env, p)
			}
		}
		if len(admitted) != slots+queue || busy != burst-slots-queue {
			t.Fatalf("%d acknowledged empty and %d busy, want %d and %d", len(admitted), busy, slots+queue, burst-slots-queue)
		}
		o.letGo()
		for id, text := range o.answeredLater(slots + queue) {
			if n := strings.TrimPrefix(id, "s"); !admitted[n] || text != "held "+n {
				t.Errorf("response_url %s got %q, want the answer of an admitted /hold", id, text)
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		o.settle()
	})
}

// BenchmarkBusyReply is what a signed slash command beyond capacity costs
// the process: verified, decoded and answered busy, the gate being full.
func BenchmarkBusyReply(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	gate := bot.NewGate(bot.GateConfig{Slots: 1, Queue: -1, Log: log})
	pass, _ := gate.Admit() // the only place: every request is refused
	defer pass.Leave()
	ad, err := slack.New(slack.Config{BotToken: "xoxb-bench", SigningSecret: secret, Router: bot.NewRouter(bot.Config{Tree: bot.NewTree()}), Gate: gate, Log: log})
	if err != nil {
		b.Fatal(err)
	}
	commands := ad.Commands()
	form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/scorecard", "", "1.2.3", "http://127.0.0.1/response/1")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		commands.ServeHTTP(rec, fakeslack.Request("http://fcbot"+slack.CommandsPath, secret, form, time.Now()))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), busyText) {
			b.Fatalf("got %d %s, want the busy reply", rec.Code, rec.Body)
		}
	}
}
