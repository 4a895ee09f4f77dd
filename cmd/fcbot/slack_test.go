package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/slack/fakeslack"
)

// TestSlackServe starts fcbot as deployed in HTTP mode, against a fake
// Slack Web API, and sends it signed slash commands.
func TestSlackServe(t *testing.T) {
	fake := fakeslack.New(t)
	fake.AddUser(fakeslack.User{ID: "U0001", Name: "Alice", Locale: "en-US"})
	addr := freeAddr(t)
	const secret = "serve-test-signing-secret"
	t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "fcbot.db"))
	t.Setenv("HTTP_ADDR", addr)
	t.Setenv("SLACK_SIGNING_SECRET", secret)
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-serve-test")
	t.Setenv("SLACK_API_URL", fake.APIURL())
	t.Setenv("SLACK_APP_TOKEN", "")
	t.Setenv("LOG_LEVEL", "error")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, strings.NewReader(""), io.Discard, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fcbot stopped with %v", err)
		}
	})
	base := "http://" + addr
	waitHealthy(t, base)

	const command = "/scorecard"
	form := fakeslack.SlashCommand("T0001", "C0001", "U0001", "alice", command, "", "1.1.1", fake.ResponseURL("1"))
	for _, tc := range []struct {
		name   string
		secret string
		at     time.Time
		want   int
	}{
		{"signed " + command, secret, time.Now(), http.StatusOK},
		{"wrong signature", "another-secret", time.Now(), http.StatusUnauthorized},
		{"six minutes old", secret, time.Now().Add(-6 * time.Minute), http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form.Set("trigger_id", tc.name)
			start := time.Now()
			resp, err := http.DefaultClient.Do(fakeslack.Request(base+"/slack/commands", tc.secret, form, tc.at))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			took := time.Since(start)
			if resp.StatusCode != tc.want {
				t.Fatalf("got %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want != http.StatusOK {
				return
			}
			if took > 3*time.Second {
				t.Errorf("answered after %s, Slack waits 3 s", took)
			}
			var m struct {
				Text   string            `json:"text"`
				Blocks []json.RawMessage `json:"blocks"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || len(m.Blocks) == 0 || m.Text == "" {
				t.Fatalf("got %+v (%v), want a message with blocks", m, err)
			}
			if !strings.Contains(m.Text, "Scorecard:") || !strings.Contains(string(m.Blocks[0]), `"header"`) {
				t.Errorf("got %s first, want the scorecard's header block", m.Blocks[0])
			}
		})
	}
}

func TestSlackManifestCommand(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite:"+filepath.Join(t.TempDir(), "fcbot.db"))
	t.Setenv("LOG_LEVEL", "error")
	for _, tc := range []struct {
		args    []string
		want    string
		wantErr string
	}{
		{[]string{"slack", "manifest"}, `"socket_mode_enabled": true`, ""},
		{[]string{"slack", "manifest", "--url", "https://bot.example.org"}, `"url": "https://bot.example.org/slack/commands"`, ""},
		{[]string{"slack", "manifest", "--url", "http://bot.example.org"}, "", "must be the https address"},
		{[]string{"slack"}, "", "usage: fcbot slack manifest"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tc.args, nil, &out, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(out.String(), tc.want) || !json.Valid(out.Bytes()) {
				t.Errorf("got %v and\n%s\nwant valid JSON containing %s", err, out.String(), tc.want)
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("fcbot did not become healthy")
}
