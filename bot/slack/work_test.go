package slack_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestWaitWaitsForLateAnswer: after an empty acknowledgement, Wait returns
// only once the slow command's answer has been posted to its response_url.
func TestWaitWaitsForLateAnswer(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true, ackWithin: 50 * time.Millisecond})
	code, m, trig := r.slash("U0001", "/slow", "")
	if code != 200 || m != nil {
		t.Fatalf("got %d %v, want an empty 200 before the handler ends", code, m)
	}
	if n := len(r.fake.Calls("response")); n != 0 {
		t.Fatalf("%d response_url posts right after the acknowledgement, want 0 (the handler takes 400 ms)", n)
	}
	r.ad.Wait()
	calls := r.fake.Calls("response")
	if len(calls) != 1 || calls[0].Path != "/response/"+trig || calls[0].JSON["text"] != "done slowly" {
		t.Fatalf("after Wait: got response_url posts %v, want the slow command's answer", calls)
	}
}

// lockedBuffer is a log destination that background work and the test may
// use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestBackgroundPanicIsRecoveredAndLogged(t *testing.T) {
	var logs lockedBuffer
	ad, err := slack.New(slack.Config{
		BotToken: "xoxb-test", Router: bot.NewRouter(bot.Config{Tree: bot.NewTree()}),
		Log: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	var after atomic.Bool
	slack.Background(ad, func() { panic("boom in background") })
	slack.Background(ad, func() {
		time.Sleep(100 * time.Millisecond)
		after.Store(true)
	})
	ad.Wait()
	if !after.Load() {
		t.Error("Wait returned before the other background work ended")
	}
	got := logs.String()
	for _, want := range []string{"level=ERROR", "panic in background work", "boom in background", "platform=slack", "goroutine"} {
		if !strings.Contains(got, want) {
			t.Errorf("log %q lacks %q", got, want)
		}
	}
	// The adapter still works after the panic.
	var again atomic.Bool
	slack.Background(ad, func() { again.Store(true) })
	ad.Wait()
	if !again.Load() {
		t.Error("background work after a panic did not run")
	}
}

// TestDetachedWorkHasDeadline: a click's answer goes to a response_url
// that never answers; the adapter's work deadline, not the HTTP client's
// 10 s timeout, ends the attempt, and Wait returns.
func TestDetachedWorkHasDeadline(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true})
	slack.SetWorkTimeout(r.ad, 500*time.Millisecond)
	arrived, gaveUp := make(chan struct{}, 1), make(chan struct{}, 1)
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		arrived <- struct{}{}
		select {
		case <-req.Context().Done():
			gaveUp <- struct{}{}
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); hang.Close() })

	click := payload(t, "block_actions.json", "{{USER}}", "U0001", "{{USERNAME}}", "alice", "{{TRIGGER}}", "700.1",
		"{{RESPONSE_URL}}", hang.URL+"/response/hang", "{{ACTION_ID}}", "count n:1", "{{VALUE}}", "count n:1")
	start := time.Now()
	if code, ack := r.do(slack.InteractionsPath, url.Values{"payload": {string(click)}}, time.Now()); code != 200 || ack != nil {
		t.Fatalf("click: got %d %v, want an empty 200", code, ack)
	}
	waited := make(chan struct{})
	go func() { r.ad.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return within 5 s; detached work is not bounded by the work timeout")
	}
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Errorf("Wait returned after %s, before the response_url post could time out", took)
	}
	select {
	case <-arrived:
	default:
		t.Fatal("the answer never reached the response_url")
	}
	select {
	case <-gaveUp:
	case <-time.After(2 * time.Second):
		t.Error("the response_url post was not cancelled at the deadline")
	}
	if got := r.count.Load(); got != 1 {
		t.Errorf("counter %d, want 1: the command ran before the answer hung", got)
	}
}
