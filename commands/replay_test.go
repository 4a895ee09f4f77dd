package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
)

// TestOneCommitReplay: an RSVP records its delivery id in the transaction
// of the change, so a platform's retry of it changes nothing and gets the
// duplicate reply, while a refused delivery records nothing: its retry is
// judged again.
func TestOneCommitReplay(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		s := b.store
		b.expect(springfield, "first lead")
		b.expect(`/meeting schedule when:"2026-12-12 18:00" where:"HQ" kind:organizing`, "Meeting 1")
		rsvp := func(id, line string) string {
			req := &bot.Request{ID: id, Platform: console.Platform, Group: console.Group,
				User: bot.User{ID: "ana", Name: "Ana"}, Channel: "console", Locale: "en"}
			return console.Render(b.router.Run(context.Background(), req, line, nil, b.con).Reply)
		}
		if out := rsvp("d-1", "/meeting rsvp 1 yes"); !strings.Contains(out, "1 yes") {
			t.Fatalf("first delivery: %s", out)
		}
		if out := rsvp("d-1", "/meeting rsvp 1 yes"); !strings.Contains(out, "already") {
			t.Errorf("replayed delivery: %s, want the duplicate reply", out)
		}
		if out := rsvp("d-2", "/meeting rsvp 9 no"); !strings.Contains(out, "✗") {
			t.Fatalf("RSVP to a meeting that does not exist: %s", out)
		}
		if out := rsvp("d-2", "/meeting rsvp 1 no"); !strings.Contains(out, "1 no") {
			t.Errorf("a refused delivery's id was recorded: its retry got %s", out)
		}
		g, err := s.GroupByPlatform(context.Background(), console.Platform, console.Group)
		if err != nil {
			t.Fatal(err)
		}
		log, err := s.AuditLog(context.Background(), g.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		rsvps := 0
		for _, e := range log {
			if e.Action == "meeting.rsvp" {
				rsvps++
			}
		}
		if rsvps != 2 {
			t.Errorf("%d RSVP changes audited, want 2 (yes, then no)", rsvps)
		}
	})
}
