package commands_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// dashboardLink is the dashboard link a /dashboard reply hands out: the
// signed part after /d/.
var dashboardLink = regexp.MustCompile(`https://fcbot\.example\.org/d/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`)

// TestDashboardLink: /dashboard gives a coordinator, in a private reply,
// a link that opens for 24 hours and no longer, for that member of
// that group; a link changed in any character, made before the instance
// had a key, or whose member was forgotten, does not open.
func TestDashboardLink(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		ctx := context.Background()
		b.env.PublicURL = "https://fcbot.example.org"
		if _, err := b.env.OpenDashboard(ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAA"); !errors.Is(err, commands.ErrLinkInvalid) {
			t.Errorf("a link before any key: got %v, want invalid", err)
		}
		if _, err := b.store.Secret(ctx, "dashboard-link"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("opening a link made a key: %v", err)
		}
		b.expect(springfield, "first lead")
		b.expect("/role assign user:@cora role:coordinator", "")
		b.do("as mo")
		b.refuse("/dashboard", "coordinator")
		reply, err := b.raw("cora", "/dashboard")
		if err != nil || !reply.Ephemeral {
			t.Fatalf("/dashboard: %v, private %v", err, reply.Ephemeral)
		}
		m := dashboardLink.FindStringSubmatch(reply.Text)
		if m == nil {
			t.Fatalf("no dashboard link in:\n%s", reply.Text)
		}
		link := m[1]
		a, err := b.env.OpenDashboard(ctx, link)
		if err != nil {
			t.Fatalf("the fresh link: %v", err)
		}
		cora, err := b.store.MemberByPlatformID(ctx, a.GroupID, "cora")
		if err != nil || a.GroupID != plantGroup(t, b.store, console.Group) || a.MemberID != cora.ID {
			t.Errorf("the link opens group %d for member %d; want the console group's cora (%v)", a.GroupID, a.MemberID, err)
		}
		if want := start.Add(commands.DashboardTTL); !a.Expires.Equal(want) {
			t.Errorf("expires %v, want %v", a.Expires, want)
		}
		for i := range link {
			if link[i] == '.' {
				continue
			}
			changed := []byte(link)
			changed[i] = 'A'
			if link[i] == 'A' {
				changed[i] = 'B'
			}
			if _, err := b.env.OpenDashboard(ctx, string(changed)); !errors.Is(err, commands.ErrLinkInvalid) {
				t.Errorf("the link with character %d changed opens (%v)", i, err)
			}
		}
		b.clock.Advance(commands.DashboardTTL - time.Second)
		if _, err := b.env.OpenDashboard(ctx, link); err != nil {
			t.Errorf("a second before 24 hours: %v", err)
		}
		b.clock.Advance(time.Second)
		if _, err := b.env.OpenDashboard(ctx, link); !errors.Is(err, commands.ErrLinkExpired) {
			t.Errorf("after 24 hours: got %v, want expired", err)
		}

		reply, _ = b.raw("cora", "/dashboard")
		fresh := dashboardLink.FindStringSubmatch(reply.Text)
		if fresh == nil {
			t.Fatal("no second link")
		}
		b.do("as cora")
		b.expect("/privacy forget confirm:yes", "forgotten")
		if _, err := b.env.OpenDashboard(ctx, fresh[1]); !errors.Is(err, commands.ErrLinkInvalid) {
			t.Errorf("the link of a forgotten member: got %v, want invalid", err)
		}
	})
}

// TestDashboardNeedsPages: without web pages there is nothing to link
// to, and /dashboard says so.
func TestDashboardNeedsPages(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.refuse("/dashboard", "HTTP_ADDR")
	})
}

// TestDashboardLinkByDirectMessage: the link comes by direct message, to
// find again during the day; the reply only says it was sent.
func TestDashboardLinkByDirectMessage(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.env.PublicURL = "https://fcbot.example.org"
		b.expect(springfield, "first lead")
		if out := b.expect("/dashboard", "Sent you the link"); dashboardLink.MatchString(out) {
			t.Errorf("the link is in the reply:\n%s", out)
		}
		if !dashboardLink.MatchString(b.sent.String()) {
			t.Errorf("no link by direct message; sent:\n%s", b.sent.String())
		}
	})
}
