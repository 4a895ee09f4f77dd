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

// Officials and meetings that a test needs in a particular shape (another
// jurisdiction, a bare meeting in another workspace) are planted through
// the real storage methods.

// plantGroup returns the row id of a platform group, creating it.
func plantGroup(t testing.TB, s *storage.Store, platformID string) int64 {
	t.Helper()
	g, err := s.EnsureGroup(context.Background(), console.Platform, platformID)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

// plantOfficial adds an official to the console group.
func (b *testBot) plantOfficial(name, office, jurisdiction string) {
	b.t.Helper()
	plantOfficialIn(b.t, b.store, console.Group, name, office, jurisdiction)
}

func plantOfficialIn(t testing.TB, s *storage.Store, group, name, office, jurisdiction string) {
	t.Helper()
	o := &storage.Official{GroupID: plantGroup(t, s, group), Name: name, Office: storage.Office(office), Jurisdiction: jurisdiction}
	if err := s.CreateOfficial(context.Background(), o); err != nil {
		t.Fatalf("plant official %s: %v", name, err)
	}
}

// plantMeetingIn schedules a law-enforcement meeting in the group at the
// given time and returns its number.
func plantMeetingIn(t testing.TB, s *storage.Store, group string, at time.Time) int64 {
	t.Helper()
	m := &storage.Meeting{GroupID: plantGroup(t, s, group), Kind: "law-enforcement", StartsAt: at.UTC(), GatherAt: at.Add(-20 * time.Minute).UTC(), Place: "HQ"}
	if err := s.Tx(context.Background(), func(tx *storage.Store) error { return tx.CreateMeeting(context.Background(), m) }); err != nil {
		t.Fatalf("plant meeting: %v", err)
	}
	return m.Number
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
	return &groupBot{t: b.t, router: commands.Router(b.env), group: group, user: bot.User{ID: user, Name: user}}
}

func (g *groupBot) do(line string) string {
	req := &bot.Request{Platform: console.Platform, Group: g.group, User: g.user, Channel: "console", Locale: "en"}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: strings.ToLower(n), Name: n}, n != ""
	}
	return console.Render(g.router.Run(context.Background(), req, line, mention, nil).Reply)
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// raw runs a line as user of the console group through the router, and
// fails when the handler's reply broke a platform limit that the router's
// safety net (Reply.Fit) then had to cut: tests see the reply as the
// handler built it. A refusal comes back as the error.
func (b *testBot) raw(user, line string) (bot.Reply, error) {
	b.t.Helper()
	req := &bot.Request{Platform: console.Platform, Group: console.Group, User: bot.User{ID: user, Name: user}, Locale: "en"}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: strings.ToLower(n), Name: n}, n != ""
	}
	res := commands.Router(b.env).Run(context.Background(), req, line, mention, nil)
	if res.Err != nil {
		return res.Reply, res.Err
	}
	if res.Overflow != nil {
		return res.Reply, fmt.Errorf("%s: the reply broke a limit and was cut: %w", line, res.Overflow)
	}
	return res.Reply, nil
}
