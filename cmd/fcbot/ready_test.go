package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// flipWithin is how soon /readyz must follow the database.
const flipWithin = time.Second

// TestReadyzFollowsTheDatabase: /readyz turns 503 with a JSON reason
// within a second of the database refusing writes, or becoming
// unreachable, and 200 again within a second of its return. On SQLite
// the file is made read-only, then taken away; on PostgreSQL the bot's
// session is made read-only, then the network to the server is cut (a
// proxy between them stops).
func TestReadyzFollowsTheDatabase(t *testing.T) {
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dbURL := storagetest.URL(t, dialect)
			var p *proxy
			if dialect == storage.Postgres {
				p = newProxy(t, dbURL)
				dbURL = p.url
			}
			a := openApp(t, dbURL)
			if got := readyzOf(a); got.code != http.StatusOK || !got.Ready {
				t.Fatalf("at start: got %d %+v, want 200 ready", got.code, got.readiness)
			}
			ctx := context.Background()
			exec := func(q string) {
				t.Helper()
				if _, err := a.store.SQL().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			type change struct {
				name, reason string
				do, undo     func()
			}
			var changes []change
			if dialect == storage.SQLite {
				file := strings.TrimPrefix(dbURL, "sqlite:")
				changes = []change{
					{"the file made read-only", "database not writable", func() { chmod(t, file, 0o400) }, func() { chmod(t, file, 0o600) }},
					{"the file taken away", "database not writable", func() { rename(t, file, file+".away") }, func() { rename(t, file+".away", file) }},
				}
			} else {
				// One connection, so that its session's setting is every query's.
				a.store.SQL().SetMaxOpenConns(1)
				changes = []change{
					{"the session made read-only", "database not writable",
						func() { exec("SET default_transaction_read_only = on") }, func() { exec("SET default_transaction_read_only = off") }},
					{"the network cut", "database unreachable", p.cut, p.restore},
				}
			}
			for _, c := range changes {
				c.do()
				took := waitReadyz(t, a, http.StatusServiceUnavailable, c.reason)
				if took > flipWithin {
					t.Errorf("%s: /readyz said %q after %s, want within %s", c.name, c.reason, took, flipWithin)
				}
				c.undo()
				back := waitReadyz(t, a, http.StatusOK, "")
				if back > flipWithin {
					t.Errorf("%s, then undone: /readyz said ready after %s, want within %s", c.name, back, flipWithin)
				}
				t.Logf("%s: 503 after %s, 200 again after %s", c.name, took.Round(time.Millisecond), back.Round(time.Millisecond))
			}
		})
	}
}

// TestReadyzWantsTheSchema: a database that lacks a migration this
// binary brings (an older backup restored under it) is not ready.
func TestReadyzWantsTheSchema(t *testing.T) {
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			a := openApp(t, storagetest.URL(t, dialect))
			a.ready.schemaTTL = 0 // look at every probe
			ctx := context.Background()
			// goose lists the newest migration as pending once its row is
			// gone: move it out of the way, then back.
			const newest = "(SELECT max(version_id) FROM goose_db_version WHERE version_id < 1000000)"
			if _, err := a.store.SQL().ExecContext(ctx, "UPDATE goose_db_version SET version_id = version_id + 1000000 WHERE version_id = "+newest); err != nil {
				t.Fatal(err)
			}
			if took := waitReadyz(t, a, http.StatusServiceUnavailable, "database schema behind this binary"); took > flipWithin {
				t.Errorf("schema behind: said so after %s, want within %s", took, flipWithin)
			}
			if _, err := a.store.SQL().ExecContext(ctx, "UPDATE goose_db_version SET version_id = version_id - 1000000 WHERE version_id > 1000000"); err != nil {
				t.Fatal(err)
			}
			waitReadyz(t, a, http.StatusOK, "")
		})
	}
}

// TestReadyzDrains: once draining, /readyz answers 503 at once while
// /healthz still answers 200: the process is alive, finishing its work.
func TestReadyzDrains(t *testing.T) {
	a := openApp(t, storagetest.URL(t, storage.SQLite))
	a.ready.drain()
	if got := readyzOf(a); got.code != http.StatusServiceUnavailable || got.Ready || got.Reason != "draining" {
		t.Errorf("draining: got %d %+v, want 503 draining", got.code, got.readiness)
	}
	rec := httptest.NewRecorder()
	a.healthz(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("/healthz while draining: got %d, want 200", rec.Code)
	}
}

// TestReadyzWaitsForTheGateway runs fcbot in Discord gateway mode, with
// no HTTP_ADDR: /readyz, on METRICS_ADDR, says 503 until the gateway is
// connected, then 200.
func TestReadyzWaitsForTheGateway(t *testing.T) {
	fake := discordtest.New(t)
	// The gateway answers late, so that fcbot is up before it connects.
	fake.Stall(http.MethodGet, "/gateway/bot", 2*time.Second)
	readyz := serveProbed(t, map[string]string{
		"DISCORD_BOT_TOKEN": "test-token", "DISCORD_APP_ID": fake.AppID, "DISCORD_API_URL": fake.URL,
	})
	waitLink(t, readyz, "discord gateway not connected", func() { fake.WaitConnected(t, 1) })
}

// TestReadyzWaitsForSocketMode runs fcbot on Slack's Socket Mode, with no
// HTTP_ADDR: /readyz, on METRICS_ADDR, says 503 until Socket Mode is
// connected, then 200.
func TestReadyzWaitsForSocketMode(t *testing.T) {
	fake := fakeslack.New(t)
	// Slack answers late, so that fcbot is up before it connects.
	fake.Slow("apps.connections.open", 1, 2*time.Second)
	readyz := serveProbed(t, map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-socket", "SLACK_APP_TOKEN": "xapp-socket", "SLACK_API_URL": fake.APIURL(),
	})
	waitLink(t, readyz, "slack socket mode not connected", func() { fake.Socket() })
}

// serveProbed runs fcbot with env (the rest of the platform settings
// empty) and METRICS_ADDR until the test ends, and returns its /readyz
// URL.
func serveProbed(t *testing.T, env map[string]string) string {
	t.Helper()
	metricsAddr := freeAddr(t)
	for k, v := range map[string]string{
		"DATABASE_URL": storagetest.URL(t, storage.SQLite), "HTTP_ADDR": "", "PUBLIC_URL": "", "METRICS_ADDR": metricsAddr, "LOG_LEVEL": "error",
		"DISCORD_BOT_TOKEN": "", "DISCORD_PUBLIC_KEY": "", "DISCORD_APP_ID": "", "DISCORD_API_URL": "",
		"SLACK_BOT_TOKEN": "", "SLACK_APP_TOKEN": "", "SLACK_SIGNING_SECRET": "", "SLACK_API_URL": "",
	} {
		t.Setenv(k, cmp.Or(env[k], v))
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
	return "http://" + metricsAddr + "/readyz"
}

// waitLink checks that readyz says 503 with reason until connected
// returns, and 200 soon after.
func waitLink(t *testing.T, readyz, reason string, connected func()) {
	t.Helper()
	var got readyzAnswer
	waitFor(t, "the metrics listener", 10*time.Second, func() bool { got = getReadyz(readyz); return got.code != 0 })
	if got.code != http.StatusServiceUnavailable || got.Reason != reason {
		t.Errorf("before connecting: got %d %+v, want 503 %q", got.code, got.readiness, reason)
	}
	connected()
	waitFor(t, "/readyz to say ready", 5*time.Second, func() bool { got = getReadyz(readyz); return got.code == http.StatusOK })
	if !got.Ready {
		t.Errorf("connected: got %+v, want ready", got.readiness)
	}
}

// TestLogFormat: LOG_FORMAT chooses the logs' format whatever they are
// written to, and is refused when it is neither json nor text.
func TestLogFormat(t *testing.T) {
	for format, json := range map[string]bool{"json": true, "text": false, "": true} {
		cfg, err := parseConfig(func(k string) string { return map[string]string{"LOG_FORMAT": format}[k] })
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		newLogger(cfg, &b, false).Info("hello")
		if got := strings.HasPrefix(b.String(), "{"); got != json {
			t.Errorf("LOG_FORMAT=%q to a buffer: got %q, want JSON %t", format, b.String(), json)
		}
	}
	if _, err := parseConfig(func(k string) string { return map[string]string{"LOG_FORMAT": "xml"}[k] }); err == nil || !strings.Contains(err.Error(), "LOG_FORMAT") {
		t.Errorf("LOG_FORMAT=xml: got %v, want an error naming LOG_FORMAT", err)
	}
}

// openApp opens and migrates fcbot's database at dbURL, closed with the
// test.
func openApp(t *testing.T, dbURL string) *app {
	t.Helper()
	a, err := open(context.Background(), Config{DatabaseURL: dbURL}, slog.New(slog.NewTextHandler(io.Discard, nil)), bot.SystemClock{}, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.store.Close)
	return a
}

// readyzAnswer is an answer of /readyz; code 0 when none came.
type readyzAnswer struct {
	code int
	readiness
}

func readyzOf(a *app) readyzAnswer {
	rec := httptest.NewRecorder()
	a.readyz(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	ans := readyzAnswer{code: rec.Code}
	_ = json.Unmarshal(rec.Body.Bytes(), &ans.readiness)
	return ans
}

func getReadyz(url string) readyzAnswer {
	resp, err := http.Get(url)
	if err != nil {
		return readyzAnswer{}
	}
	defer resp.Body.Close()
	ans := readyzAnswer{code: resp.StatusCode}
	_ = json.NewDecoder(resp.Body).Decode(&ans.readiness)
	return ans
}

// waitReadyz asks /readyz until it answers code with reason, and returns
// how long that took; it fails the test after five seconds.
func waitReadyz(t *testing.T, a *app, code int, reason string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		got := readyzOf(a)
		if got.code == code && got.Reason == reason && got.Ready == (code == http.StatusOK) {
			return time.Since(start)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("/readyz: got %d %+v for 5 s, want %d %q", got.code, got.readiness, code, reason)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func chmod(t *testing.T, file string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(file, mode); err != nil {
		t.Fatal(err)
	}
}

func rename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

// proxy relays TCP connections to a PostgreSQL server, so that a test
// can cut the network between the bot and its database and restore it.
type proxy struct {
	t      *testing.T
	url    string // the database URL through the proxy
	addr   string // where it listens
	target string

	mu    sync.Mutex
	l     net.Listener
	conns []net.Conn
}

// newProxy relays to dbURL's server until the test ends.
func newProxy(t *testing.T, dbURL string) *proxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, target: u.Host, addr: freeAddr(t)}
	u.Host = p.addr
	p.url = u.String()
	p.restore()
	t.Cleanup(p.cut)
	return p
}

// restore listens again, on the same address.
func (p *proxy) restore() {
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.relay(c)
		}
	}()
}

// cut stops listening and closes every connection relayed.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		_ = p.l.Close()
		p.l = nil
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

func (p *proxy) relay(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	if p.l == nil { // cut meanwhile
		p.mu.Unlock()
		_ = c.Close()
		_ = s.Close()
		return
	}
	p.conns = append(p.conns, c, s)
	p.mu.Unlock()
	go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
	_, _ = io.Copy(c, s)
	_ = c.Close()
}
