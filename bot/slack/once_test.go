package slack_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// SendOnce posts a message at most once per key, however often it is
// retried: the key rides in the message's metadata, and conversations.history
// is read for it before posting again.

var (
	digest    = bot.Reply{Title: "Digest", Text: "Three meetings this week"}
	inGeneral = bot.Destination{Platform: slack.Platform, Group: team, Channel: fakeslack.DefaultChannel}
	toBob     = bot.Destination{Platform: slack.Platform, Group: team, User: "U0002"}
)

// onceSender is the rig's Sender as the jobs layer finds it: the optional
// bot.OnceSender.
func (r *rig) onceSender() bot.OnceSender {
	r.t.Helper()
	once, ok := any(r.ad.Sender()).(bot.OnceSender)
	if !ok {
		r.t.Fatal("the Slack Sender cannot send once (no SendOnce)")
	}
	return once
}

// keyed returns the messages of channel that carry key in their metadata.
func keyed(fake *fakeslack.Server, channel, key string) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range fake.Messages(channel) {
		if m.Metadata["event_type"] == "fcbot_delivery" {
			if p, _ := m.Metadata["event_payload"].(map[string]any); p["key"] == key {
				out = append(out, m)
			}
		}
	}
	return out
}

func TestSendOnceSameKeyTwice(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	once := r.onceSender()
	ctx := context.Background()
	for _, tc := range []struct {
		to      bot.Destination
		channel string
	}{{inGeneral, "C0001"}, {toBob, "D0002"}} {
		for range 2 {
			if err := once.SendOnce(ctx, tc.to, digest, "fcbot-41"); err != nil {
				t.Fatalf("SendOnce to %s: %v", tc.channel, err)
			}
		}
		if got := keyed(r.fake, tc.channel, "fcbot-41"); len(got) != 1 || !strings.Contains(got[0].Text, "Three meetings") {
			t.Errorf("%s: the same key sent twice left %v, want one message", tc.channel, got)
		}
	}
	if err := once.SendOnce(ctx, inGeneral, digest, "fcbot-42"); err != nil {
		t.Fatal(err)
	}
	if n := len(r.fake.Messages("C0001")); n != 2 {
		t.Errorf("another key: %d messages in C0001, want 2", n)
	}
	for _, c := range r.fake.Calls("conversations.history") {
		if c.Form.Get("include_all_metadata") != "1" || c.Form.Get("oldest") == "" || c.Form.Get("limit") != "15" {
			t.Errorf("conversations.history called with %v, want include_all_metadata, oldest and limit 15", c.Form)
		}
	}
	for _, key := range []string{"", strings.Repeat("k", 65)} {
		if err := once.SendOnce(ctx, inGeneral, digest, key); err == nil {
			t.Errorf("key of %d characters accepted", len(key))
		}
	}
	if n := len(r.fake.Messages("")); n != 3 {
		t.Errorf("%d messages in all, want 3", n)
	}
}

// TestSendOnceAfterTimeout: the first post reaches Slack but the caller
// gives up before the answer comes (a job's timeout, a killed process);
// sending again with the same key posts nothing.
func TestSendOnceAfterTimeout(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	once := r.onceSender()
	r.fake.Slow("chat.postMessage", 1, 5*time.Second)
	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := once.SendOnce(short, toBob, digest, "fcbot-7"); err == nil {
		t.Fatal("SendOnce whose answer never came: got nil, want the timeout")
	}
	if n := len(keyed(r.fake, "D0002", "fcbot-7")); n != 1 {
		t.Fatalf("%d messages reached Slack, want 1", n)
	}
	if err := once.SendOnce(context.Background(), toBob, digest, "fcbot-7"); err != nil {
		t.Fatalf("SendOnce again: %v", err)
	}
	if n := len(keyed(r.fake, "D0002", "fcbot-7")); n != 1 {
		t.Errorf("after sending again: %d messages, want 1", n)
	}
	if n := len(r.fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d chat.postMessage calls, want 1", n)
	}
}

// TestSendOnceRetriesOnlyWhenNotPosted: within one SendOnce, a post whose
// answer was lost is not posted again when the look finds it; one Slack
// refused (rate limited) is; and when no look can tell, nothing is posted
// again.
func TestSendOnceRetriesOnlyWhenNotPosted(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{httpClient: &http.Client{Timeout: 300 * time.Millisecond}})
	send := r.onceSender()
	ctx := context.Background()

	r.fake.Slow("chat.postMessage", 1, 5*time.Second)
	if err := send.SendOnce(ctx, inGeneral, digest, "lost-answer"); err != nil {
		t.Fatalf("SendOnce after a lost answer: %v", err)
	}
	if n := len(keyed(r.fake, "C0001", "lost-answer")); n != 1 {
		t.Errorf("a post whose answer was lost, retried: %d messages, want 1", n)
	}
	if n := len(r.fake.Calls("conversations.history")); n != 2 {
		t.Errorf("%d conversations.history calls, want 2: before the post and before posting again", n)
	}

	r.fake.RateLimit("chat.postMessage", 1)
	if err := send.SendOnce(ctx, inGeneral, digest, "rate-limited"); err != nil {
		t.Fatalf("SendOnce after a rate limit: %v", err)
	}
	if n := len(keyed(r.fake, "C0001", "rate-limited")); n != 1 {
		t.Errorf("a rate-limited post, retried: %d messages, want 1", n)
	}

	r.fake.Slow("chat.postMessage", 1, 5*time.Second)
	r.fake.Fail("conversations.history", "not_in_channel")
	if err := send.SendOnce(ctx, inGeneral, digest, "cannot-look"); err == nil {
		t.Error("SendOnce that could not tell whether its post went: got nil, want an error")
	}
	if n := len(keyed(r.fake, "C0001", "cannot-look")); n != 1 {
		t.Errorf("unsure and unable to look: %d messages, want the 1 that reached Slack", n)
	}
}

// TestSendOnceReadsPages: the earlier post is found past the first page
// of history.
func TestSendOnceReadsPages(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	ctx := context.Background()
	send := r.onceSender()
	if err := send.SendOnce(ctx, inGeneral, digest, "paged"); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if err := r.ad.Sender().Send(ctx, inGeneral, bot.Reply{Text: "chatter"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := send.SendOnce(ctx, inGeneral, digest, "paged"); err != nil {
		t.Fatal(err)
	}
	if n := len(keyed(r.fake, "C0001", "paged")); n != 1 {
		t.Errorf("%d messages with the key after 20 others, want 1", n)
	}
}
