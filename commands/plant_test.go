package commands_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// The officials and meetings these tests need are made by other commands
// (/official add, /meeting schedule); until those are merged, rows are
// planted with plain SQL through the store's database handle.

// plantExec runs one statement with ? placeholders on either database.
func plantExec(t testing.TB, s *storage.Store, q string, args ...any) {
	t.Helper()
	if s.Dialect() == storage.Postgres {
		n := 0
		var b strings.Builder
		for _, r := range q {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	if _, err := s.SQL().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("plant: %s: %v", q, err)
	}
}

// plantGroup returns the row id of a platform group, creating it.
func plantGroup(t testing.TB, s *storage.Store, platformID string) int64 {
	t.Helper()
	g, err := s.EnsureGroup(context.Background(), console.Platform, platformID)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

// plantOfficial adds an official to the console group (or another).
func (b *testBot) plantOfficial(name, office, jurisdiction string) {
	b.t.Helper()
	plantOfficialIn(b.t, b.store, console.Group, name, office, jurisdiction)
}

func plantOfficialIn(t testing.TB, s *storage.Store, group, name, office, jurisdiction string) {
	t.Helper()
	gid := plantGroup(t, s, group)
	n, err := s.NextNumber(context.Background(), "officials", gid)
	if err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	plantExec(t, s, "INSERT INTO officials (group_id, number, name, office, jurisdiction, contact, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', ?, ?)",
		gid, n, name, office, jurisdiction, now, now)
}

// plantMeeting schedules a law-enforcement meeting in the group at the
// given time and returns its number.
func plantMeetingIn(t testing.TB, s *storage.Store, group string, at time.Time) int64 {
	t.Helper()
	gid := plantGroup(t, s, group)
	n, err := s.NextNumber(context.Background(), "meetings", gid)
	if err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	plantExec(t, s, "INSERT INTO meetings (group_id, number, kind, starts_at, gather_at, place, created_at, updated_at) VALUES (?, ?, 'law-enforcement', ?, ?, 'HQ', ?, ?)",
		gid, n, at.UTC(), at.Add(-20*time.Minute).UTC(), now, now)
	return n
}

// groupBot runs lines as a user of another console workspace, to prove
// that groups never see each other's data.
type groupBot struct {
	t      testing.TB
	router *bot.Router
	group  string
	user   bot.User
}

func (b *testBot) otherGroup(group, user string) *groupBot {
	env := &commands.Env{Store: b.store, Clock: b.clock, Log: discardLog()}
	return &groupBot{t: b.t, router: commands.Router(env), group: group, user: bot.User{ID: user, Name: user}}
}

func (g *groupBot) do(line string) string {
	req := &bot.Request{Platform: console.Platform, Group: g.group, User: g.user, Channel: "console", Locale: "en"}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: strings.ToLower(n), Name: n}, n != ""
	}
	return console.Render(g.router.Run(context.Background(), req, line, mention, nil))
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// raw runs a line as user of the console group straight through its
// handler, without the router's safety net (Reply.Fit), so that tests see
// the reply exactly as the handler built it.
func (b *testBot) raw(user, line string) (bot.Reply, error) {
	b.t.Helper()
	ctx := context.Background()
	env := &commands.Env{Store: b.store, Clock: b.clock, Log: discardLog()}
	inv, err := commands.Tree(env).ParseLine(line)
	if err != nil {
		return bot.Reply{}, err
	}
	req := &bot.Request{Platform: console.Platform, Group: console.Group, User: bot.User{ID: user, Name: user}, Locale: "en", Command: inv.Command, Now: b.clock.Now()}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: strings.ToLower(n), Name: n}, n != ""
	}
	if req.Options, err = bot.Bind(inv.Command, inv.Args, mention); err != nil {
		return bot.Reply{}, err
	}
	if req.Caller, err = env.Resolve(ctx, req); err != nil {
		return bot.Reply{}, err
	}
	return inv.Command.Handler(ctx, req)
}
