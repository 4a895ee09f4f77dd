package commands_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// start is the moment every scripted session begins: Friday 2026-11-27,
// 09:00 in Chicago.
var start = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// testBot drives the whole bot through the console adapter, as a user
// would, on a real migrated database.
type testBot struct {
	t     testing.TB
	store *storage.Store
	clock *bot.ManualClock
	con   *console.Console
	sent  *strings.Builder // what the console's Sender printed
}

func newTestBot(t testing.TB, s *storage.Store) *testBot {
	t.Helper()
	clock := bot.NewManualClock(start)
	s.SetClock(clock.Now)
	env := &commands.Env{Store: s, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	sent := &strings.Builder{}
	return &testBot{t: t, store: s, clock: clock, con: console.New(commands.Router(env), strings.NewReader(""), sent, false), sent: sent}
}

// do runs one console line and returns what the console prints for it.
func (b *testBot) do(line string) string {
	b.t.Helper()
	return b.con.Line(context.Background(), line)
}

// expect runs a line and fails unless the output contains every want.
func (b *testBot) expect(line string, wants ...string) string {
	b.t.Helper()
	out := b.do(line)
	for _, w := range wants {
		if !strings.Contains(out, w) {
			b.t.Errorf("%s\ngot:\n%s\nwant it to contain %q", line, out, w)
		}
	}
	return out
}

// refuse runs a line that must fail: one line starting with ✗ that
// contains every want.
func (b *testBot) refuse(line string, wants ...string) string {
	b.t.Helper()
	out := b.expect(line, wants...)
	if !strings.HasPrefix(out, "✗ ") || strings.Contains(out, "\n") {
		b.t.Errorf("%s\ngot:\n%s\nwant a one-line refusal starting with ✗", line, out)
	}
	return out
}

// eachBot runs fn against a fresh bot on every database.
func eachBot(t *testing.T, fn func(t *testing.T, b *testBot)) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		fn(t, newTestBot(t, s))
	})
}
