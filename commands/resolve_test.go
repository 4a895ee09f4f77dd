package commands_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestResolveCost: through the router, resolving a known caller is one
// statement and the replay guard of a write one more; a new member or a
// changed name costs more, and roles are read afresh on every request, so
// a lead whose role is taken away loses the level at once.
func TestResolveCost(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		env := &commands.Env{Store: s, Clock: bot.SystemClock{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		var level bot.Level
		handler := func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			level = req.Caller.Level
			return bot.Reply{Text: "ok"}, nil
		}
		read := &bot.Command{Name: "show", Handler: handler, ReadOnly: true}
		write := &bot.Command{Name: "change", Handler: handler}
		r := bot.NewRouter(bot.Config{Tree: bot.NewTree(read, write), Log: env.Log, Resolver: env, Guard: env})
		n := 0
		run := func(cmd *bot.Command, name, locale string) (int64, bot.Level) {
			t.Helper()
			n++
			req := &bot.Request{ID: "d-" + string(rune('a'+n)), Platform: "slack", Group: "T1", User: bot.User{ID: "U1", Name: name}, Locale: locale}
			before := s.Statements()
			if res := r.Dispatch(ctx, req, &bot.Invocation{Command: cmd}, nil, nil); res.Err != nil {
				t.Fatalf("/%s: %v", cmd.Name, res.Err)
			}
			return s.Statements() - before, level
		}

		if got, _ := run(read, "Alex", "en"); got <= 1 {
			t.Errorf("first request of a new group and member ran %d statements; it creates them", got)
		}
		if got, _ := run(read, "Alex", "en"); got != 1 {
			t.Errorf("a known member's read-only command ran %d statements, want 1", got)
		}
		if got, _ := run(write, "Alex", "en"); got != 2 {
			t.Errorf("a known member's write command ran %d statements, want 2 (caller, replay guard)", got)
		}
		if got, _ := run(read, "", ""); got != 1 {
			t.Errorf("a request that names neither name nor locale ran %d statements, want 1", got)
		}
		if got, _ := run(read, "Alex B.", "es"); got != 2 {
			t.Errorf("a new name and locale ran %d statements, want 2 (caller, one update)", got)
		}
		m, err := s.EnsureMember(ctx, callerGroup(t, s), "U1", "")
		if err != nil {
			t.Fatal(err)
		}
		if m.DisplayName != "Alex B." || m.Locale != "es" {
			t.Errorf("stored member %q (%s), want Alex B. (es)", m.DisplayName, m.Locale)
		}

		if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: m.GroupID, MemberID: m.ID, Role: storage.RoleLead}); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: m.GroupID, MemberID: m.ID, Role: storage.RoleCoordinator}); err != nil {
			t.Fatal(err)
		}
		if got, lvl := run(read, "Alex B.", "es"); got != 1 || lvl != bot.Lead {
			t.Errorf("a lead and coordinator: %d statements at level %v, want 1 at lead", got, lvl)
		}
		if err := s.RemoveRole(ctx, m.GroupID, m.ID, storage.RoleLead, nil); err != nil {
			t.Fatal(err)
		}
		if _, lvl := run(read, "Alex B.", "es"); lvl != bot.Coordinator {
			t.Errorf("after the lead role was taken away: level %v, want coordinator", lvl)
		}
	})
}

// callerGroup is the id of the group TestResolveCost's requests made.
func callerGroup(t *testing.T, s *storage.Store) int64 {
	t.Helper()
	g, err := s.GroupByPlatform(context.Background(), "slack", "T1")
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}
