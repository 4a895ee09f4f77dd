package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/bot/serve"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestSlowClientsCannotHoldTheServer starts fcbot as deployed with Slack
// and Discord over HTTP, and 500 clients that declare a body of almost
// the largest size allowed, send their headers and a quarter of it, then
// stall. All but the few that fit in the large bodies' share of the bytes
// in flight are refused at once with 503 and Retry-After. Meanwhile
// /healthz and signed platform requests, small as the platforms' are,
// are answered 200 at once; the server closes every stalled connection
// within its read timeout, and its heap does not hold their bodies.
func TestSlowClientsCannotHoldTheServer(t *testing.T) {
	saved := limits
	limits = serve.Limits{
		ReadHeader: time.Second, Read: 2 * time.Second, Write: 5 * time.Second, Idle: 5 * time.Second,
		MaxHeaderBytes: 16 << 10, MaxBody: 1 << 20, InFlightBytes: 4 << 20, LargeBody: 64 << 10,
	}
	// The stalled clients that fit: half of InFlightBytes is for large
	// bodies.
	held := int(limits.InFlightBytes / 2 / (1<<20 - 1))
	t.Cleanup(func() { limits = saved })
	base, slackSigned, discordSigned := serveBoth(t)
	addr := strings.TrimPrefix(base, "http://")

	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	heapBefore := mem.HeapAlloc

	const clients = 500
	const margin = time.Second // for a loaded machine and -race
	body := []byte(strings.Repeat("a", 256<<10))
	results := make(chan stallResult, clients)
	var sent sync.WaitGroup
	for i := range clients {
		sent.Add(1)
		go func() {
			results <- stall(addr, stallHead(addr, i%2 == 0), body, limits.Read+2*margin, sent.Done)
		}()
	}
	sent.Wait()
	time.Sleep(200 * time.Millisecond) // for the server to read what was sent

	runtime.GC()
	runtime.ReadMemStats(&mem)
	if grown := int64(mem.HeapAlloc) - int64(heapBefore); grown > 32<<20 {
		t.Errorf("the heap grew by %d MiB while %d clients stalled, want under 32 MiB", grown>>20, clients)
	}

	// Honest requests while the stalled clients hold their connections.
	const prompt = time.Second // well under the read timeout: nothing waits for the stalled clients
	if code, took := timed(t, mustRequest(t, http.MethodGet, base+"/healthz")); code != http.StatusOK || took > prompt {
		t.Errorf("GET /healthz during the attack: got %d after %s, want 200 within %s", code, took, prompt)
	}
	for name, req := range map[string]func() *http.Request{"slack": slackSigned, "discord": discordSigned} {
		if code, took := timed(t, req()); code != http.StatusOK || took > prompt {
			t.Errorf("signed %s request during the attack: got %d after %s, want 200 within %s", name, code, took, prompt)
		}
	}

	refused, open, late := 0, 0, time.Duration(0)
	for range clients {
		r := <-results
		switch {
		case r.err != nil:
			t.Errorf("stalled client: %v", r.err)
		case !r.closed:
			open++
		case r.closedAfter > limits.Read+margin:
			late = max(late, r.closedAfter)
		}
		if r.status == http.StatusServiceUnavailable && r.retryAfter != "" {
			refused++
		}
	}
	if open > 0 || late > 0 {
		t.Errorf("%d of %d stalled connections were still open after %s, and the last closed after %s; want all closed within the read timeout (%s)",
			open, clients, limits.Read+2*margin, late, limits.Read)
	}
	if refused < clients-held {
		t.Errorf("%d stalled clients were refused with 503 and Retry-After, want all but the %d whose bodies fit", refused, held)
	}

	// Once the stalled clients are gone, platform requests are served.
	for name, req := range map[string]func() *http.Request{"slack": slackSigned, "discord": discordSigned} {
		if resp, took := do(t, req()); resp.StatusCode != http.StatusOK || took > 3*time.Second {
			t.Errorf("signed %s request after the attack: got %d after %s, want 200 within Slack's and Discord's 3 s", name, resp.StatusCode, took)
		}
	}
}

// serveBoth runs fcbot with Slack and Discord in HTTP mode against their
// fakes until the test ends; it returns the base URL and makers of signed
// /scorecard requests.
func serveBoth(t *testing.T) (base string, slackSigned, discordSigned func() *http.Request) {
	t.Helper()
	dfake := discordtest.New(t)
	key := discordtest.NewKey(t)
	base = discordEnv(t, dfake, key)
	sfake := fakeslack.New(t)
	sfake.AddUser(fakeslack.User{ID: "U0001", Name: "Alice", Locale: "en-US"})
	const secret = "slow-clients-signing-secret"
	t.Setenv("SLACK_SIGNING_SECRET", secret)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-slow-clients")
	t.Setenv("SLACK_API_URL", sfake.APIURL())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, strings.NewReader(""), io.Discard, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fcbot stopped with %v", err)
		}
	})
	waitHealthy(t, base)
	n := 0
	slackSigned = func() *http.Request {
		n++
		form := fakeslack.SlashCommand("T0001", "C0001", "U0001", "alice", "/scorecard", "", fmt.Sprint("trigger-", n), sfake.ResponseURL(fmt.Sprint(n)))
		return fakeslack.Request(base+"/slack/commands", secret, form, time.Now())
	}
	discordSigned = func() *http.Request {
		return key.Request(t, base+"/discord/interactions", interactionJSON(discordtest.NewID(), 2, map[string]any{"name": "scorecard", "type": 1, "options": []any{map[string]any{"name": "show", "type": 1}}}))
	}
	return base, slackSigned, discordSigned
}

// stallHead is a platform request's head, with a plausible signature and a
// body of almost the largest size allowed.
func stallHead(addr string, slack bool) string {
	now := fmt.Sprint(time.Now().Unix())
	if slack {
		return "POST /slack/commands HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Content-Length: 1048575\r\nX-Slack-Request-Timestamp: " + now + "\r\nX-Slack-Signature: v0=" + strings.Repeat("0", 64) + "\r\n\r\n"
	}
	return "POST /discord/interactions HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\n" +
		"Content-Length: 1048575\r\nX-Signature-Timestamp: " + now + "\r\nX-Signature-Ed25519: " + strings.Repeat("0", 128) + "\r\n\r\n"
}

// stallResult is what one stalled client saw.
type stallResult struct {
	err         error         // the client could not even connect
	status      int           // the answer's status, if one came
	retryAfter  string        // its Retry-After header
	closed      bool          // the server closed the connection before the client's deadline
	closedAfter time.Duration // since the client connected
}

// stall connects, sends head and part of the body, calls sent, and waits
// (at most wait) for an answer and for the server to close the connection.
func stall(addr, head string, part []byte, wait time.Duration, sent func()) stallResult {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		sent()
		return stallResult{err: err}
	}
	defer c.Close()
	start := time.Now()
	_ = c.SetDeadline(start.Add(wait))
	// Writing fails once the server has answered and closed: that is fine.
	if _, err := io.WriteString(c, head); err == nil {
		_, _ = c.Write(part)
	}
	sent()
	var r stallResult
	br := bufio.NewReader(c)
	if resp, err := http.ReadResponse(br, nil); err == nil {
		r.status, r.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
		resp.Body.Close()
	}
	_, err = io.Copy(io.Discard, br) // until the server closes (EOF or reset) or the deadline
	var ne net.Error
	r.closed = !(errors.As(err, &ne) && ne.Timeout())
	r.closedAfter = time.Since(start)
	return r
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// do sends req on a fresh connection and reads the whole answer.
func do(t *testing.T, req *http.Request) (*http.Response, time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp, time.Since(start)
}

func timed(t *testing.T, req *http.Request) (int, time.Duration) {
	t.Helper()
	resp, took := do(t, req)
	return resp.StatusCode, took
}

// TestHealthzReportsWhetherTheBotCanWrite: /healthz answers 503 with a
// short reason while the bot's database connection may only read, 200
// again once it may write, and reuses a probe's answer for its TTL.
func TestHealthzReportsWhetherTheBotCanWrite(t *testing.T) {
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			cfg := Config{DatabaseURL: storagetest.URL(t, dialect)}
			a, err := open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), bot.SystemClock{}, true)
			if err != nil {
				t.Fatal(err)
			}
			defer a.store.Close()
			healthz := func() (int, string) {
				rec := httptest.NewRecorder()
				a.healthz(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
				return rec.Code, strings.TrimSpace(rec.Body.String())
			}

			a.health.ttl = 0 // probe on every request
			if code, body := healthz(); code != http.StatusOK {
				t.Errorf("writable: got %d %q, want 200", code, body)
			}
			writable := storagetest.ReadOnly(t, a.store)
			if code, body := healthz(); code != http.StatusServiceUnavailable || body != "database not writable" {
				t.Errorf("read-only: got %d %q, want 503 \"database not writable\"", code, body)
			}
			writable()
			if code, body := healthz(); code != http.StatusOK {
				t.Errorf("writable again: got %d %q, want 200", code, body)
			}

			a.health.ttl = time.Hour
			healthz() // probes and caches 200
			storagetest.ReadOnly(t, a.store)
			if code, _ := healthz(); code != http.StatusOK {
				t.Errorf("within the TTL: got %d, want the cached 200 (no new probe)", code)
			}
		})
	}
}
