package discord_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// Another server, and its member, whom fcbot's server must not reach.
const (
	otherGuild = "900000000000000002"
	mallory    = "600000000000000009"
)

// stamp is a Unix timestamp as X-Signature-Timestamp spells it.
func stamp(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// TestStaleRequestsAreRefused sends validly signed interactions dated
// outside Discord's and Slack's 5 minutes, by their signature or by their
// id: none runs, so one captured cannot run again after the replay guard
// forgets it.
func TestStaleRequestsAreRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{})
		now := time.Now()
		year := 365 * 24 * time.Hour
		for _, c := range []struct{ name, ts string }{
			{"zero", "0"},
			{"not a number", "abc"},
			{"a fraction", "1764662400.5"},
			{"a year old", stamp(now.Add(-year))},
			{"a year ahead", stamp(now.Add(year))},
			{"six minutes old", stamp(now.Add(-6 * time.Minute))},
			{"six minutes ahead", stamp(now.Add(6 * time.Minute))},
		} {
			t.Run("timestamp "+c.name, func(t *testing.T) {
				body := interaction(newID(), 2, setupData("Springfield"), alice, memberPerms)
				if got, _ := r.do(r.key.RequestAt(t, r.srv.URL, body, c.ts)); got != http.StatusUnauthorized {
					t.Errorf("got %d, want 401", got)
				}
			})
		}
		// Not even a body that is not JSON is read.
		if got, _ := r.do(r.key.RequestAt(t, r.srv.URL, []byte("{not json"), "abc")); got != http.StatusUnauthorized {
			t.Errorf("a stale request with a bad body: got %d, want 401", got)
		}
		for _, c := range []struct{ name, id string }{
			{"two days old", discordtest.IDAt(now.Add(-48 * time.Hour))},
			{"a year ahead", discordtest.IDAt(now.Add(year))},
			{"not a snowflake", "abc"},
		} {
			t.Run("id "+c.name, func(t *testing.T) {
				// Signed just now, as a captured interaction sent again is.
				code, resp := r.post(interaction(c.id, 2, setupData("Springfield"), alice, memberPerms))
				if code != http.StatusOK || resp.Type != 4 || resp.Data.Flags&ephemeral == 0 || !strings.Contains(resp.text(), "too old to run") {
					t.Errorf("got %d type %d flags %d %q, want a private refusal as too old", code, resp.Type, resp.Data.Flags, resp.text())
				}
			})
		}
		auto := fixture(t, "autocomplete.json", discordtest.IDAt(now.Add(-time.Hour)))
		if _, resp := r.post(auto); resp.Type != 8 || resp.Data.Choices == nil || len(*resp.Data.Choices) != 0 {
			t.Errorf("a stale autocomplete: got type %d choices %v, want no suggestions", resp.Type, resp.Data.Choices)
		}
		if _, err := s.GroupByPlatform(context.Background(), discord.Platform, guildID); err == nil {
			t.Fatal("a stale request ran /setup")
		}

		// Four minutes either way is within the window.
		body := interaction(discordtest.IDAt(now.Add(-4*time.Minute)), 2, setupData("Springfield"), alice, memberPerms)
		if code, resp := r.do(r.key.RequestAt(t, r.srv.URL, body, stamp(now.Add(4*time.Minute)))); code != http.StatusOK || !strings.Contains(resp.text(), "Springfield is set up") {
			t.Errorf("a fresh request: got %d %q, want Springfield set up", code, resp.text())
		}
	})
}

// TestStaleGatewayInteractionsAreRefused: the gateway has no signature
// timestamp, but the id still dates the interaction.
func TestStaleGatewayInteractionsAreRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		env := &commands.Env{Store: s, Clock: bot.NewManualClock(start), Log: quiet()}
		fake := discordtest.New(t)
		sess, err := discord.NewSession("gateway-token", fake.URL, quiet())
		if err != nil {
			t.Fatal(err)
		}
		ad := discord.New(discord.Config{Router: commands.Router(env), Session: sess, Suggester: env, Log: quiet()})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- ad.Run(ctx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		}()
		fake.WaitIdentify(t)
		old := discordtest.IDAt(time.Now().Add(-48 * time.Hour))
		fake.Dispatch(t, "INTERACTION_CREATE", interaction(old, 2, setupData("Springfield"), alice, memberPerms))
		call := fake.Wait(t, http.MethodPost, "/interactions/"+old+"/token-"+old+"/callback")
		var resp response
		call.JSON(t, &resp)
		if resp.Type != 4 || resp.Data.Flags&ephemeral == 0 || !strings.Contains(resp.text(), "too old to run") {
			t.Errorf("a two-day-old interaction: got %s, want a private refusal as too old", call.Body)
		}
		if _, err := s.GroupByPlatform(context.Background(), discord.Platform, guildID); err == nil {
			t.Error("a stale interaction ran /setup")
		}
		fresh := newID()
		fake.Dispatch(t, "INTERACTION_CREATE", interaction(fresh, 2, setupData("Springfield"), alice, memberPerms))
		call = fake.Wait(t, http.MethodPost, "/interactions/"+fresh+"/token-"+fresh+"/callback")
		if !strings.Contains(string(call.Body), "Springfield is set up") {
			t.Errorf("a fresh interaction: got %s, want Springfield set up", call.Body)
		}
	})
}

// TestPeopleOfAnotherServerAreRefused: a lead of one server cannot have
// fcbot give a task or a role, and so a direct message, to someone who is
// not a member of it, even someone Discord resolves for the option.
func TestPeopleOfAnotherServerAreRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		r.fake.AddMember(otherGuild, discordtest.Member{ID: mallory, Username: "mallory", GlobalName: "Mallory"})
		stranger := "600000000000000077" // a member of no server the fake knows
		for _, who := range []string{mallory, stranger} {
			resolved := map[string]string{who: "Mallory"}
			cases := []struct {
				name string
				data map[string]any
			}{
				{"task add", subcommand("task", "add", resolved, opt("title", 3, "Print flyers"), opt("user", 6, who))},
				{"role assign", subcommand("role", "assign", resolved, opt("user", 6, who), opt("role", 3, "scheduler"))},
			}
			for _, c := range cases {
				_, resp := r.post(interaction(newID(), 2, c.data, alice, memberPerms))
				if resp.Data.Flags&ephemeral == 0 || !strings.Contains(resp.text(), "`user` names someone who is not a member of this workspace") {
					t.Errorf("/%s user:%s: got %q, want a private refusal", c.name, who, resp.text())
				}
			}
			if got := r.fake.Find(http.MethodGet, "/guilds/"+guildID+"/members/"+who); len(got) == 0 || got[0].Auth != "Bot test-token" {
				t.Errorf("membership of %s: got %v, want it asked of Discord with the bot token", who, got)
			}
		}
		if dms, posts := r.fake.Find(http.MethodPost, "/users/@me/channels"), r.fake.Messages(""); len(dms) != 0 || len(posts) != 0 {
			t.Errorf("got %d DM channels opened and %d messages, want none", len(dms), len(posts))
		}
		if task, err := s.TaskByNumber(context.Background(), mustGroup(t, s), 1); err == nil {
			t.Errorf("a task was added: %+v", task)
		}
	})
}

// TestMentionsAreNamedByTheServer: mentions typed into a text option come
// without names; the server names them, even people fcbot never saw.
func TestMentionsAreNamedByTheServer(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		dana, erin := "600000000000000004", "600000000000000005"
		r.fake.AddMember(guildID, discordtest.Member{ID: dana, Username: "dana", GlobalName: "Dana", Nick: "Dee"})
		r.fake.AddMember(guildID, discordtest.Member{ID: erin, Username: "erin"})
		_, resp := r.post(interaction(newID(), 2, subcommand("meeting", "record", nil, opt("when", 3, "yesterday noon"), opt("where", 3, "County Building")), alice, memberPerms))
		if !strings.Contains(resp.text(), "Meeting 1 recorded") {
			t.Fatalf("/meeting record: got %q", resp.text())
		}
		_, resp = r.post(interaction(newID(), 2, subcommand("meeting", "attendance", nil, opt("id", 4, 1), opt("users", 3, "<@"+dana+"> <@"+erin+">")), alice, memberPerms))
		if !strings.Contains(resp.text(), "Recorded at meeting 1: Dee, erin") {
			t.Errorf("attendance: got %q, want Dee (her nickname) and erin (his username)", resp.text())
		}
		_, resp = r.post(interaction(newID(), 2, subcommand("meeting", "attendance", nil, opt("id", 4, 1), opt("users", 3, "<@"+dana+"> <@"+mallory+">")), alice, memberPerms))
		if !strings.Contains(resp.text(), "`users` names someone who is not a member") {
			t.Errorf("attendance naming a stranger: got %q, want a refusal", resp.text())
		}
	})
}

// directoryRig is an adapter with a bot token on a fake Discord, whose
// clock the test moves.
func directoryRig(t *testing.T) (*discordtest.Server, bot.Directory, *bot.ManualClock) {
	t.Helper()
	fake := discordtest.New(t)
	sess, err := discord.NewSession("tok", fake.URL, quiet())
	if err != nil {
		t.Fatal(err)
	}
	clock := bot.NewManualClock(time.Now())
	env := &commands.Env{Store: storagetest.Open(t, storage.SQLite), Clock: clock, Log: quiet()}
	ad := discord.New(discord.Config{Router: commands.Router(env), Session: sess, Log: quiet(), Clock: clock})
	dir := ad.Directory()
	if dir == nil {
		t.Fatal("an adapter with a bot token has no Directory")
	}
	return fake, dir, clock
}

func TestDirectoryMembers(t *testing.T) {
	fake, dir, clock := directoryRig(t)
	ctx := context.Background()
	fake.AddMember(guildID, discordtest.Member{ID: alice, Username: "alice", GlobalName: "Alice", Nick: "Al"})
	fake.AddMember(guildID, discordtest.Member{ID: bob, Username: "bob", GlobalName: "Bob"})
	fake.AddMember(guildID, discordtest.Member{ID: carol, Username: "carol"})
	fake.AddMember(otherGuild, discordtest.Member{ID: mallory, Username: "mallory"})
	cases := []struct {
		user, want string
		ok         bool
	}{
		{alice, "Al", true}, {bob, "Bob", true}, {carol, "carol", true},
		{mallory, "", false}, {"600000000000000077", "", false},
		{"../../users/@me", "", false}, {"", "", false},
	}
	for _, c := range cases {
		u, ok, err := dir.Member(ctx, guildID, c.user)
		if err != nil || ok != c.ok || u.Name != c.want || (ok && u.ID != c.user) {
			t.Errorf("Member(%q): got %+v %t %v, want %q %t", c.user, u, ok, err, c.want, c.ok)
		}
	}
	if n := len(fake.Find(http.MethodGet, "/members/")); n != 5 {
		t.Errorf("got %d member look-ups, want 5 (none for what is not an id)", n)
	}

	// Answers are kept: a yes for five minutes, a no for one.
	asks := func(user string) int { return len(fake.Find(http.MethodGet, "/guilds/"+guildID+"/members/"+user)) }
	clock.Advance(59 * time.Second)
	_, _, _ = dir.Member(ctx, guildID, alice)
	_, _, _ = dir.Member(ctx, guildID, mallory)
	if asks(alice) != 1 || asks(mallory) != 1 {
		t.Errorf("within a minute: asked %d and %d times, want each answer kept", asks(alice), asks(mallory))
	}
	clock.Advance(2 * time.Second)
	_, _, _ = dir.Member(ctx, guildID, alice)
	if _, ok, _ := dir.Member(ctx, guildID, mallory); ok || asks(alice) != 1 || asks(mallory) != 2 {
		t.Errorf("after a minute: asked %d and %d times, want the no asked again", asks(alice), asks(mallory))
	}
	clock.Advance(5 * time.Minute)
	if u, ok, _ := dir.Member(ctx, guildID, alice); !ok || u.Name != "Al" || asks(alice) != 2 {
		t.Errorf("after five minutes: got %+v %t, asked %d times, want the yes asked again", u, ok, asks(alice))
	}

	// Other failures are errors, not a no, and are not kept.
	fake.Fail(http.MethodGet, "/members/"+bob, http.StatusForbidden)
	clock.Advance(10 * time.Minute)
	if _, _, err := dir.Member(ctx, guildID, bob); err == nil {
		t.Error("a 403: got no error")
	}
	if u, ok, err := dir.Member(ctx, guildID, bob); err != nil || !ok || u.Name != "Bob" {
		t.Errorf("after a 403: got %+v %t %v, want Bob", u, ok, err)
	}
}

func TestDirectoryChannels(t *testing.T) {
	fake, dir, _ := directoryRig(t)
	ctx := context.Background()
	for _, c := range []discordtest.Channel{
		{ID: "810000000000000001", GuildID: guildID, Type: 0, Name: "general"},
		{ID: "810000000000000002", GuildID: guildID, Type: 5, Name: "news"},
		{ID: "810000000000000003", GuildID: guildID, Type: 2, Name: "voice"},
		{ID: "810000000000000004", GuildID: guildID, Type: 4, Name: "category"},
		{ID: "810000000000000005", GuildID: guildID, Type: 15, Name: "forum"},
		{ID: "810000000000000006", GuildID: otherGuild, Type: 0, Name: "theirs"},
		{ID: "810000000000000007", GuildID: guildID, Type: 0, Name: "hidden"},
	} {
		fake.AddChannel(c)
	}
	fake.Fail(http.MethodGet, "/channels/810000000000000007", http.StatusForbidden)
	cases := []struct {
		typed, want string
	}{
		{"810000000000000001", "810000000000000001"},
		{"<#810000000000000001>", "810000000000000001"},
		{"<#810000000000000002>", "810000000000000002"},
		{"810000000000000003", ""}, {"810000000000000004", ""}, {"810000000000000005", ""},
		{"<#810000000000000006>", ""}, {"810000000000000007", ""}, {"810000000000000099", ""},
		{"#general", ""}, {"<#810000000000000001", ""}, {"../../users/@me", ""},
	}
	for _, c := range cases {
		id, ok, err := dir.Channel(ctx, guildID, c.typed)
		if err != nil || id != c.want || ok != (c.want != "") {
			t.Errorf("Channel(%q): got %q %t %v, want %q", c.typed, id, ok, err, c.want)
		}
	}
	if n := len(fake.Find(http.MethodGet, "/channels/810000000000000001")); n != 1 {
		t.Errorf("asked about one channel %d times, want the answer kept", n)
	}
	if n := len(fake.Find(http.MethodGet, "/channels/")); n != 8 {
		t.Errorf("got %d channel look-ups, want 8 (one per id, none for what is not one)", n)
	}
}

// TestNoTokenNoDirectory: in HTTP mode without a bot token nothing can be
// checked; the adapter says so once, at start.
func TestNoTokenNoDirectory(t *testing.T) {
	fake := discordtest.New(t)
	sess, err := discord.NewSession("", fake.URL, quiet())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	env := &commands.Env{Store: storagetest.Open(t, storage.SQLite), Clock: bot.SystemClock{}, Log: quiet()}
	key := discordtest.NewKey(t)
	ad := discord.New(discord.Config{Router: commands.Router(env), Session: sess, PublicKey: key.Public, Log: log})
	if ad.Directory() != nil {
		t.Error("an adapter without a bot token has a Directory")
	}
	srv := httptest.NewServer(ad)
	defer func() { srv.Close(); ad.Wait() }()
	for range 2 {
		resp, err := http.DefaultClient.Do(key.Request(t, srv.URL, interaction(newID(), 2, map[string]any{"name": "rules", "type": 1}, alice, memberPerms)))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if n := strings.Count(logs.String(), "cross-workspace checks are off"); n != 1 {
		t.Errorf("logged the warning %d times, want once:\n%s", n, logs.String())
	}
}

// TestSendOnceSendsOnce: the same key is one message at Discord, even
// when the first request took effect but its answer never came.
func TestSendOnceSendsOnce(t *testing.T) {
	fake := discordtest.New(t)
	sess, err := discord.NewSession("tok", fake.URL, quiet())
	if err != nil {
		t.Fatal(err)
	}
	env := &commands.Env{Store: storagetest.Open(t, storage.SQLite), Clock: bot.SystemClock{}, Log: quiet()}
	snd := discord.New(discord.Config{Router: commands.Router(env), Session: sess, Log: quiet()}).Sender()
	ctx := context.Background()
	const ch1, ch2 = "555000000000000011", "555000000000000012"
	digest := bot.Reply{Title: "Digest", Text: "3 meetings"}
	to := func(ch string) bot.Destination { return bot.Destination{Platform: discord.Platform, Channel: ch} }

	for range 2 {
		if err := snd.SendOnce(ctx, to(ch1), digest, "digest:group-1:2026-12-02"); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake.Messages(ch1); len(got) != 1 {
		t.Errorf("the same key twice: got %d messages, want 1", len(got))
	}
	posts := fake.Find(http.MethodPost, "/channels/"+ch1+"/messages")
	var sent struct {
		Nonce        string  `json:"nonce"`
		EnforceNonce bool    `json:"enforce_nonce"`
		Embeds       []embed `json:"embeds"`
	}
	posts[0].JSON(t, &sent)
	if len(posts) != 2 || len(sent.Nonce) != 25 || !sent.EnforceNonce || len(sent.Embeds) != 1 || sent.Embeds[0].Title != "Digest" {
		t.Errorf("got %d posts, the first %s; want two with the same 25-character nonce, enforced", len(posts), posts[0].Body)
	}
	var again struct{ Nonce string }
	posts[1].JSON(t, &again)
	if again.Nonce != sent.Nonce {
		t.Errorf("nonces %q then %q, want the same", sent.Nonce, again.Nonce)
	}

	// The fake takes the first post but answers after the client gave up.
	fake.Stall(http.MethodPost, "/channels/"+ch2+"/messages", 2*time.Second)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := snd.SendOnce(short, to(ch2), digest, "digest:group-1:2026-12-02"); err == nil {
		t.Fatal("a post whose answer never came: got nil, want an error")
	}
	if err := snd.SendOnce(ctx, to(ch2), digest, "digest:group-1:2026-12-02"); err != nil {
		t.Fatal(err)
	}
	if got := fake.Messages(ch2); len(got) != 1 {
		t.Errorf("a retry after a timeout: got %d messages, want 1", len(got))
	}

	// Another key is another message; so is Send, which has none.
	if err := snd.SendOnce(ctx, to(ch1), digest, "digest:group-1:2026-12-03"); err != nil {
		t.Fatal(err)
	}
	if err := snd.Send(ctx, to(ch1), digest); err != nil {
		t.Fatal(err)
	}
	if got := fake.Messages(ch1); len(got) != 3 {
		t.Errorf("after another key and a Send: got %d messages, want 3", len(got))
	}

	// Direct messages too.
	for range 2 {
		if err := snd.SendOnce(ctx, bot.Destination{Platform: discord.Platform, User: bob}, bot.Reply{Text: "Your task is due"}, "reminder:task-7"); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake.Messages("4" + bob); len(got) != 1 {
		t.Errorf("the same DM twice: got %d messages, want 1", len(got))
	}
}
