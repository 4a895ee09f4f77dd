package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/jobs"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // substring of the error, "" for success
	}{
		{"defaults", map[string]string{}, ""},
		{"postgres", map[string]string{"DATABASE_URL": "postgres://u@db:5432/x"}, ""},
		{"malformed url", map[string]string{"DATABASE_URL": "postgres://u@:x:y/"}, "DATABASE_URL"},
		{"unknown scheme", map[string]string{"DATABASE_URL": "mysql://u@db/x"}, `scheme "mysql" is not supported`},
		{"bad log level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"bad http addr", map[string]string{"HTTP_ADDR": "8080"}, "HTTP_ADDR"},
		{"bad discord key", map[string]string{"DISCORD_PUBLIC_KEY": "abc", "DISCORD_APP_ID": "1"}, "DISCORD_PUBLIC_KEY"},
		{"slack app token without bot token", map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"},
		{"slack app token of the wrong kind", map[string]string{"SLACK_APP_TOKEN": "xoxb-1", "SLACK_BOT_TOKEN": "xoxb-2"}, "xapp-"},
		{"public url", map[string]string{"HTTP_ADDR": ":8080", "PUBLIC_URL": "https://fcbot.example.org/"}, ""},
		{"public url without a server", map[string]string{"PUBLIC_URL": "https://fcbot.example.org"}, "HTTP_ADDR"},
		{"public url not http", map[string]string{"HTTP_ADDR": ":8080", "PUBLIC_URL": "fcbot.example.org"}, "PUBLIC_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(func(k string) string { return tt.env[k] })
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// TestPublicURL: links start with PUBLIC_URL as written, without its
// trailing slash, or with the local server's address when it is unset.
func TestPublicURL(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, ""},
		{map[string]string{"HTTP_ADDR": ":8080"}, "http://localhost:8080"},
		{map[string]string{"HTTP_ADDR": "127.0.0.1:9000"}, "http://127.0.0.1:9000"},
		{map[string]string{"HTTP_ADDR": ":8080", "PUBLIC_URL": "https://fcbot.example.org/"}, "https://fcbot.example.org"},
		{map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}, "http://localhost:8080"},
	} {
		c, err := parseConfig(func(k string) string { return tt.env[k] })
		if err != nil || c.PublicURL != tt.want {
			t.Errorf("%v: got %q, %v; want %q", tt.env, c.PublicURL, err, tt.want)
		}
	}
}

// TestConsoleFromPipe is the README's first example: a piped script runs,
// each reply is printed, and the process ends with success.
func TestConsoleFromPipe(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "fcbot.db"))
	in := strings.NewReader("# a comment\n\n/setup jurisdiction:\"Springfield\" kind:city timezone:America/Chicago\n/rules number:1\n/rules number:12\n/rules\n")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), nil, in, &out, &errOut); err != nil {
		t.Fatalf("run: %v (stderr %s)", err, errOut.String())
	}
	for _, want := range []string{
		"Springfield is set up",
		"Springfield officials shall require a judicial warrant",
		"✗ There is no rule 12",
		"#9 Fair and Impartial Policing Rule",
		"#1373 1373 Rule",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "[County/City/State] officials shall require") {
		t.Error("rule 1 still shows the placeholder after /setup")
	}
}

func TestConsoleCommandFlag(t *testing.T) {
	var out bytes.Buffer
	db := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	if err := run(context.Background(), []string{"console", "--db", db, "-c", "/rules number:2"}, strings.NewReader(""), &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "No Facilitation Rule") {
		t.Errorf("got %q, want rule 2", out.String())
	}
}

func TestMalformedDatabaseURLStopsBeforeStart(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://u@:x:y/")
	var out bytes.Buffer
	err := run(context.Background(), nil, strings.NewReader("/rules\n"), &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("got error %v, want one naming DATABASE_URL", err)
	}
	if out.Len() != 0 {
		t.Errorf("something ran despite the bad configuration: %q", out.String())
	}
}

func TestMigrateStatus(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "m.db"))
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "status"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "00001 pending") {
		t.Errorf("status before migrating = %q, want 00001 pending", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "00001 applied") || strings.Contains(out.String(), "pending") {
		t.Errorf("status after migrating = %q, want all applied", out.String())
	}
}

// TestPrintingCommandsTouchNoDatabase: printing a manifest or refusing an
// unknown command creates no database file.
func TestPrintingCommandsTouchNoDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "fcbot.db")
	t.Setenv("DATABASE_URL", "sqlite:"+db)
	if err := run(context.Background(), []string{"slack", "manifest"}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"nope"}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `unknown command "nope"`) {
		t.Errorf("got %v, want an unknown-command error", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a database was created (%v)", err)
	}
}

// waitFunc is an adapter's Wait.
type waitFunc func()

func (f waitFunc) Wait() { f() }

// TestServeShutsDownInOrder: when ctx ends, serve stops taking requests,
// then waits for the adapters' deferred work, which still finds the store
// open and the job queue running, and only then stops the queue.
func TestServeShutsDownInOrder(t *testing.T) {
	ctx := context.Background()
	cfg := Config{DatabaseURL: "sqlite:" + filepath.Join(t.TempDir(), "fcbot.db")}
	a, err := open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), bot.SystemClock{}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.store.Close()
	var mu sync.Mutex
	var steps []string
	step := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		steps = append(steps, s)
	}
	taking := make(chan struct{})
	a.intake = append(a.intake, func(ctx context.Context) error {
		close(taking)
		<-ctx.Done()
		step("intake stopped")
		return nil
	})
	var q *jobs.Queue
	a.adapters = append(a.adapters, waitFunc(func() {
		time.Sleep(300 * time.Millisecond) // a deferred reply still being sent
		q = a.env.Outbox.(*jobs.Queue)
		select {
		case <-q.Client().Stopped():
			step("queue stopped")
		default:
		}
		if err := a.store.SQL().PingContext(ctx); err != nil {
			step("store closed")
		}
		step("adapter waited")
	}))
	serveCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.serve(serveCtx) }()
	<-taking
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if want := []string{"intake stopped", "adapter waited"}; !slices.Equal(steps, want) {
		t.Errorf("shutdown went %q, want %q", steps, want)
	}
	select {
	case <-q.Client().Stopped():
	default:
		t.Error("the job queue is still running after serve returned")
	}
}
