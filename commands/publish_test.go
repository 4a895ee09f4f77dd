package commands_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/card"
	"github.com/fcbot/fcbot/storage"
)

// publicLink is the public scorecard link a reply hands out.
var publicLink = regexp.MustCompile(`https://fcbot\.example\.org/s/([A-Za-z0-9_-]{43})\b`)

// publishedToken returns the token in a reply's link, failing without one.
func publishedToken(t *testing.T, out string) string {
	t.Helper()
	m := publicLink.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no public link in:\n%s", out)
	}
	return m[1]
}

// TestScorecardPublish: a lead publishes the scorecard under a long
// random token, publishing again keeps it, taking it down kills it at
// once, and publishing after that makes a new one; each change is
// audited, and only leads may make them.
func TestScorecardPublish(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.env.PublicURL = "https://fcbot.example.org"
		ctx := context.Background()
		b.expect(springfield, "first lead")
		group := plantGroup(t, b.store, console.Group)

		first := publishedToken(t, b.expect("/scorecard publish on", "is public", "never a member's name"))
		if id, err := b.store.PublishedGroup(ctx, first); err != nil || id != group {
			t.Fatalf("after publish on, the token names group %d, %v; want %d", id, err, group)
		}
		if again := publishedToken(t, b.expect("/scorecard publish on", "already public")); again != first {
			t.Errorf("publishing twice changed the link: %s, then %s", first, again)
		}

		b.do("as mo")
		b.refuse("/scorecard publish off", "lead")
		b.do("as you")

		b.expect("/scorecard publish off", "taken down", "no longer works")
		if _, err := b.store.PublishedGroup(ctx, first); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("after publish off, the old token still opens: %v", err)
		}
		b.expect("/scorecard publish off", "is not published", "/scorecard publish on")

		second := publishedToken(t, b.expect("/scorecard publish on", "is public"))
		if second == first {
			t.Error("publishing again reused the link taken down")
		}
		if _, err := b.store.PublishedGroup(ctx, first); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the link taken down opens again: %v", err)
		}
		var audited []string
		for _, a := range auditActions(t, b) {
			if strings.HasPrefix(a, "scorecard.publish") {
				audited = append(audited, a)
			}
		}
		want := []string{"scorecard.publish off -> on", "scorecard.publish on -> off", "scorecard.publish off -> on"}
		if !slices.Equal(audited, want) {
			t.Errorf("audit: got %q, want %q", audited, want)
		}
	})
}

// TestScorecardPublishRefusals: publishing needs a set-up group and an
// instance that serves pages; a refusal says how to fix it and
// publishes nothing.
func TestScorecardPublishRefusals(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		ctx := context.Background()
		b.env.PublicURL = "https://fcbot.example.org"
		// Before /setup only a platform's administrator is a lead.
		admin := &bot.Request{Platform: console.Platform, Group: console.Group, User: bot.User{ID: "ada", Name: "Ada"}, Locale: "en", Admin: true}
		res := b.router.Run(ctx, admin, "/scorecard publish on", nil, nil)
		if out := console.Render(res.Reply); !strings.Contains(out, "Set the group up") || !strings.Contains(out, "/setup jurisdiction:") {
			t.Errorf("publish before /setup: got %q, want the refusal naming /setup", out)
		}
		b.expect(springfield, "first lead")
		group := plantGroup(t, b.store, console.Group)
		b.refuse("/scorecard publish maybe", "on", "off")
		b.env.PublicURL = ""
		b.refuse("/scorecard publish on", "HTTP_ADDR")
		if tok, err := b.store.PublishedToken(ctx, group); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a refused publish published %q (%v)", tok, err)
		}
	})
}

// TestPublishedScorecardsListOnlyPublished: the roll-up's read lists the
// published groups only, each with the statuses, count and date of its
// own scorecard.
func TestPublishedScorecardsListOnlyPublished(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		ctx := context.Background()
		b.env.PublicURL = "https://fcbot.example.org"
		b.expect(springfield, "first lead")
		for _, l := range []string{
			`/official add name:"Jane Roe" office:sheriff`,
			`/official add name:"Joe Quimby" office:mayor`,
			`/response bulk official:"Jane Roe" in-place:yyynnnnnn would-support:---yynn-n`,
			`/response bulk official:"Joe Quimby" in-place:ynynn---- would-support:-n-yy----`,
		} {
			if out := b.do(l); strings.HasPrefix(out, "✗") {
				t.Fatalf("%s: %s", l, out)
			}
		}
		token := publishedToken(t, b.expect("/scorecard publish on", "is public"))
		hidden := b.otherGroup("hidden", "lee")
		hidden.do(`/setup jurisdiction:"Shelbyville" kind:city timezone:America/Chicago`)
		hidden.do(`/official add name:"Secret Sheriff" office:sheriff`)
		hidden.do(`/response log official:"Secret Sheriff" rule:1 in-place:yes`)

		cards, more, err := b.env.PublishedScorecards(ctx, 1, 10)
		if err != nil || more || len(cards) != 1 {
			t.Fatalf("got %d scorecards (more %v, %v), want the one published", len(cards), more, err)
		}
		c := cards[0]
		if c.Jurisdiction != "Springfield" || c.Kind != "city" || c.Token != token {
			t.Errorf("got %s (%s, %s), want Springfield (city, %s)", c.Jurisdiction, c.Kind, c.Token, token)
		}
		grid, err := b.env.ScorecardGrid(ctx, plantGroup(t, b.store, console.Group))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Rules, grid.Rules) || c.InPlace != grid.InPlace || !c.Updated.Equal(grid.Updated) {
			t.Errorf("roll-up: %v, %d in place, %v\nscorecard: %v, %d in place, %v", c.Rules, c.InPlace, c.Updated, grid.Rules, grid.InPlace, grid.Updated)
		}
		if c.Rules[1].Status != card.Disputed || c.Rules[0].Status != card.Yes {
			t.Errorf("rules 1 and 2: got %s and %s, want yes and disputed", c.Rules[0].Status, c.Rules[1].Status)
		}

		hidden.do("/scorecard publish on")
		if cards, more, err = b.env.PublishedScorecards(ctx, 1, 1); err != nil || !more || len(cards) != 1 || cards[0].Jurisdiction != "Shelbyville" {
			t.Errorf("page 1 of 1: got %v (more %v, %v), want Shelbyville and more", cards, more, err)
		}
		if cards, more, err = b.env.PublishedScorecards(ctx, 2, 1); err != nil || more || len(cards) != 1 || cards[0].Jurisdiction != "Springfield" {
			t.Errorf("page 2 of 1: got %v (more %v, %v), want Springfield and no more", cards, more, err)
		}
	})
}
