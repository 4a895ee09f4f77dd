package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// Deliveries are deduplicated on a hash of what Slack signed (HTTP) or of
// the envelope's payload (Socket Mode), which every delivery has and a
// retry repeats, through the router's storage-backed replay guard.

// doTimed posts like do and fails the test when the acknowledgement took
// longer than Slack waits.
func (r *rig) doTimed(path string, form url.Values, header ...string) (int, map[string]any) {
	r.t.Helper()
	start := time.Now()
	code, m := r.do(path, form, time.Now(), header...)
	if took := time.Since(start); took > 3*time.Second {
		r.t.Errorf("acknowledged after %s, Slack waits 3 s", took)
	}
	return code, m
}

// tasks is how many tasks the test workspace's group has (numbers 1…).
func tasks(t *testing.T, s *storage.Store) int {
	t.Helper()
	n := 0
	for ; n < 10; n++ {
		if _, err := s.TaskByNumber(context.Background(), groupID(t, s), int64(n+1)); err != nil {
			break
		}
	}
	return n
}

func TestFirstDeliveryMarkedAsRetryRunsOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{testCommands: true})
		form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/count", "n:5", "80.80.80", r.fake.ResponseURL("80"))
		// The original was lost: Slack's first retry is the first delivery.
		code, m := r.doTimed(slack.CommandsPath, form, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
		if code != 200 || !strings.Contains(visible(m), "total 5") {
			t.Fatalf("first delivery as retry 1: got %d %v, want it run", code, m)
		}
		code, m = r.doTimed(slack.CommandsPath, form, "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout")
		if code != 200 || !strings.Contains(visible(m), "already handled") {
			t.Errorf("retry 2: got %d %v, want already handled", code, m)
		}
		if got := r.count.Load(); got != 5 {
			t.Errorf("counter %d, want 5: the command ran exactly once", got)
		}
	})
}

func TestEmptyTriggerIDDeduplicated(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/task", `add title:"Print flyers"`, "", r.fake.ResponseURL("empty"))
		for i := range 3 {
			code, m := r.doTimed(slack.CommandsPath, form)
			want := "Task 1"
			if i > 0 {
				want = "already handled"
			}
			if code != 200 || !strings.Contains(visible(m), want) {
				t.Errorf("delivery %d without a trigger id: got %d %s, want %q", i+1, code, visible(m), want)
			}
		}
		if n := tasks(t, s); n != 1 {
			t.Errorf("three identical requests without a trigger id made %d tasks, want 1", n)
		}
		// A click without a trigger id, delivered twice, has one effect.
		body := payload(t, "block_actions.json", "{{USER}}", "U0001", "{{USERNAME}}", "alice", "{{TRIGGER}}", "",
			"{{RESPONSE_URL}}", r.fake.ResponseURL("click"), "{{ACTION_ID}}", "x", "{{VALUE}}", `task add title:\"Book the room\"`)
		before := len(r.fake.Calls("response"))
		for range 2 {
			r.doTimed(slack.InteractionsPath, url.Values{"payload": {string(body)}})
		}
		r.fake.WaitCalls("response", before+2)
		if n := tasks(t, s); n != 2 {
			t.Errorf("a click delivered twice without a trigger id: %d tasks, want 2", n)
		}
	})
}

func TestRetryAfterRunChangesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/role", "assign user:<@U0002|bob> role:scheduler", "81.81.81", r.fake.ResponseURL("81"))
		if _, m := r.doTimed(slack.CommandsPath, form); !strings.Contains(visible(m), "scheduler") {
			t.Fatalf("/role assign: got %s", visible(m))
		}
		posts := len(r.fake.Calls("chat.postMessage"))
		code, m := r.doTimed(slack.CommandsPath, form, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
		if code != 200 || !strings.Contains(visible(m), "already handled") || m["response_type"] != "ephemeral" {
			t.Errorf("retry of a delivery that ran: got %d %v, want a private already handled", code, m)
		}
		if n := len(r.fake.Calls("chat.postMessage")); n != posts {
			t.Errorf("the retry sent %d more messages, want none (Bob's script went once)", n-posts)
		}
		bob, err := s.LookupCaller(context.Background(), slack.Platform, team, "U0002")
		if err != nil || len(bob.Roles) != 1 {
			t.Errorf("Bob's roles after a retry: %v (%v), want one", bob, err)
		}
	})
}

func TestSocketModeRetries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{testCommands: true, appToken: "xapp-1-test"})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.ad.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		sock := r.fake.Socket()
		if err := sock.Send(json.RawMessage(payload(t, "socket_hello.json"))); err != nil {
			t.Fatal(err)
		}
		var env map[string]any
		_ = json.Unmarshal(payload(t, "socket_slash_command.json", "{{ENVELOPE}}", "env-1", "{{COMMAND}}", "/count", "{{TEXT}}", "n:3",
			"{{RESPONSE_URL}}", r.fake.ResponseURL("s1"), "{{TRIGGER}}", ""), &env)
		send := func(id string, attempt int, want string) {
			t.Helper()
			env["envelope_id"], env["retry_attempt"], env["retry_reason"] = id, attempt, "timeout"
			if err := sock.Send(env); err != nil {
				t.Fatal(err)
			}
			ack, err := sock.Ack(3 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := ack["payload"].(map[string]any)
			if ack["envelope_id"] != id || !strings.Contains(visible(p), want) {
				t.Errorf("envelope %s (retry %d): acknowledged %v, want %q", id, attempt, ack, want)
			}
		}
		// The first envelope was lost; its retries come with new envelope
		// ids and the same payload.
		send("env-2", 1, "total 3")
		send("env-3", 2, "already handled")
		if got := r.count.Load(); got != 3 {
			t.Errorf("counter %d, want 3: the command ran once", got)
		}
	})
}

func TestDeliveryIDsDiffer(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true})
	// Two different commands without trigger ids are two deliveries.
	for i := range 2 {
		form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/count", "", "", r.fake.ResponseURL(fmt.Sprint("d", i)))
		if _, m := r.doTimed(slack.CommandsPath, form); !strings.Contains(visible(m), fmt.Sprint("total ", i+1)) {
			t.Errorf("command %d: got %s, want it run", i+1, visible(m))
		}
	}
}
