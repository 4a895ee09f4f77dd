package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

const (
	guildID = "900000000000000001"
	alice   = "600000000000000001"
	bob     = "600000000000000002"
	carol   = "600000000000000003"
	// memberPerms is Discord's default @everyone permission set: neither
	// Administrator nor Manage Server.
	memberPerms = "1071698660929"
	managePerms = "1071698660961" // memberPerms | Manage Server
)

var start = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// rig is the adapter in HTTP interactions mode, on a real database and
// the real command router, talking to a fake Discord.
type rig struct {
	t     *testing.T
	store *storage.Store
	env   *commands.Env
	fake  *discordtest.Server
	key   discordtest.Key
	ad    *discord.Adapter
	srv   *httptest.Server
}

type rigOpt struct {
	extra  []*bot.Command // test-only commands beside the real ones
	budget time.Duration
	gate   *bot.Gate // nil: the adapter's default
}

func newRig(t *testing.T, s *storage.Store, o rigOpt) *rig {
	t.Helper()
	clock := bot.NewManualClock(start)
	s.SetClock(clock.Now)
	env := &commands.Env{Store: s, Clock: clock, Log: quiet()}
	router := commands.Router(env)
	if len(o.extra) > 0 {
		tree := bot.NewTree(append(commands.All(env), o.extra...)...)
		router = bot.NewRouter(bot.Config{Tree: tree, Log: quiet(), Resolver: env, Guard: env, Clock: clock})
	}
	fake := discordtest.New(t)
	// The server's members, named as the saved payloads and resolved
	// options name them.
	for id, name := range map[string]string{alice: "Alice", bob: "Bob", carol: "Carol"} {
		fake.AddMember(guildID, discordtest.Member{ID: id, Username: strings.ToLower(name), GlobalName: name})
	}
	sess, err := discord.NewSession("test-token", fake.URL, quiet())
	if err != nil {
		t.Fatal(err)
	}
	key := discordtest.NewKey(t)
	ad := discord.New(discord.Config{Router: router, Gate: o.gate, Session: sess, PublicKey: key.Public, Suggester: env, Log: quiet(), Budget: o.budget})
	srv := httptest.NewServer(ad)
	t.Cleanup(func() { srv.Close(); ad.Wait() })
	return &rig{t: t, store: s, env: env, fake: fake, key: key, ad: ad, srv: srv}
}

// response is an interaction response as Discord reads it.
type response struct {
	Type int `json:"type"`
	Data struct {
		Content    string           `json:"content"`
		Flags      int              `json:"flags"`
		Embeds     []embed          `json:"embeds"`
		Components []map[string]any `json:"components"`
		Choices    *[]struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"choices"`
		CustomID string `json:"custom_id"`
		Title    string `json:"title"`
	} `json:"data"`
}

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Color       int    `json:"color"`
	Fields      []struct {
		Name   string `json:"name"`
		Value  string `json:"value"`
		Inline bool   `json:"inline"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
}

// text is everything a user reads in the response.
func (r response) text() string {
	var b strings.Builder
	b.WriteString(r.Data.Content)
	for _, c := range r.Data.Components {
		if c["type"] == 10.0 {
			b.WriteString("\n" + c["content"].(string))
		}
	}
	for _, e := range r.Data.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + ": " + f.Value)
		}
		if e.Footer != nil {
			b.WriteString("\n" + e.Footer.Text)
		}
	}
	return b.String()
}

// post sends a signed interaction and returns the HTTP status and the
// decoded response.
func (r *rig) post(body []byte) (int, response) {
	r.t.Helper()
	return r.do(r.key.Request(r.t, r.srv.URL, body))
}

func (r *rig) do(req *http.Request) (int, response) {
	r.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out response
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &out); err != nil {
			r.t.Fatalf("response is not JSON: %v\n%s", err, raw)
		}
		checkLimits(r.t, out)
	}
	return resp.StatusCode, out
}

// checkLimits fails when a message response breaks Discord's limits.
func checkLimits(t *testing.T, r response) {
	t.Helper()
	if n := len([]rune(r.Data.Content)); n > 2000 {
		t.Errorf("content is %d characters, limit 2000", n)
	}
	if r.Type == 4 && r.Data.Content == "" && len(r.Data.Embeds) == 0 && r.Data.Flags&componentsV2 == 0 {
		t.Errorf("empty message")
	}
	if r.Data.Flags&componentsV2 != 0 {
		checkV2(t, r.Data.Content, len(r.Data.Embeds), r.Data.Components)
	}
	for _, e := range r.Data.Embeds {
		total := len([]rune(e.Title)) + len([]rune(e.Description))
		if len([]rune(e.Title)) > 256 || len([]rune(e.Description)) > 4096 || len(e.Fields) > 25 {
			t.Errorf("embed breaks a limit: title %d, description %d, fields %d", len([]rune(e.Title)), len([]rune(e.Description)), len(e.Fields))
		}
		for _, f := range e.Fields {
			total += len([]rune(f.Name)) + len([]rune(f.Value))
			if f.Name == "" || f.Value == "" || len([]rune(f.Name)) > 256 || len([]rune(f.Value)) > 1024 {
				t.Errorf("field %q breaks a limit", f.Name)
			}
		}
		if total > 6000 {
			t.Errorf("embed is %d characters, limit 6000", total)
		}
	}
}

// fixture reads a saved payload, replacing its id (the replay guard's
// key, and the time it was made) with id, or with a fresh one.
func fixture(t *testing.T, name, id string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if id == "" {
		id = newID()
	}
	v["id"] = id
	out, _ := json.Marshal(v)
	return out
}

// interaction builds an interaction payload as Discord sends it.
func interaction(id string, typ int, data any, user, perms string) []byte {
	v := map[string]any{
		"id": id, "application_id": "100000000000000001", "type": typ, "data": data,
		"guild_id": guildID, "channel_id": "800000000000000001",
		"member": map[string]any{
			"user":  map[string]any{"id": user, "username": "user" + user[len(user)-1:], "global_name": "User " + user[len(user)-1:], "discriminator": "0"},
			"roles": []string{}, "permissions": perms, "joined_at": "2026-01-05T18:00:00.000000+00:00", "flags": 0,
		},
		"token": "token-" + id, "version": 1, "locale": "en-US", "guild_locale": "en-US",
		"app_permissions": "2248473465835073", "entitlements": []any{}, "context": 0,
	}
	b, _ := json.Marshal(v)
	return b
}

// newID is the id of an interaction made now.
func newID() string { return discordtest.NewID() }

func TestSignatures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{})
		body := fixture(t, "command_setup.json", "")
		other := discordtest.NewKey(t)
		tampered := r.key.Request(t, r.srv.URL, body)
		tampered.Body = io.NopCloser(bytes.NewReader(bytes.Replace(body, []byte("Springfield"), []byte("Shelbyville"), 1)))
		cases := []struct {
			name string
			req  func() *http.Request
		}{
			{"missing", func() *http.Request {
				req, _ := http.NewRequest(http.MethodPost, r.srv.URL, bytes.NewReader(body))
				return req
			}},
			{"malformed", func() *http.Request {
				req := r.key.Request(t, r.srv.URL, body)
				req.Header.Set("X-Signature-Ed25519", "not-hex")
				return req
			}},
			{"no timestamp", func() *http.Request {
				req := r.key.Request(t, r.srv.URL, body)
				req.Header.Del("X-Signature-Timestamp")
				return req
			}},
			{"wrong key", func() *http.Request { return other.Request(t, r.srv.URL, body) }},
			{"tampered body", func() *http.Request { return tampered }},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if got, _ := r.do(c.req()); got != http.StatusUnauthorized {
					t.Errorf("got %d, want 401", got)
				}
			})
		}
		if _, err := s.GroupByPlatform(context.Background(), discord.Platform, guildID); err == nil {
			t.Error("a request with a bad signature created the group")
		}
		code, resp := r.post(fixture(t, "ping.json", ""))
		if code != http.StatusOK || resp.Type != 1 {
			t.Errorf("signed PING: got %d type %d, want 200 type 1", code, resp.Type)
		}
	})
}

func TestRulesAndSetupNatively(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{})
		_, resp := r.post(fixture(t, "command_rules.json", ""))
		if resp.Type != 4 || len(resp.Data.Embeds) != 1 || !strings.Contains(resp.Data.Embeds[0].Title, "Rule 3") {
			t.Fatalf("/rules number:3: got type %d %q, want an embed titled Rule 3", resp.Type, resp.text())
		}
		if resp.Data.Flags&64 != 0 {
			t.Error("/rules number:3 is ephemeral, want it public")
		}
		_, resp = r.post(interaction(newID(), 2, map[string]any{"name": "rules", "type": 1}, alice, memberPerms))
		if e := resp.Data.Embeds; len(e) != 1 || len(e[0].Fields) < 3 || e[0].Footer == nil {
			t.Errorf("/rules: got %+v, want an embed with a field per heading and a footer", resp.Data.Embeds)
		}
		_, resp = r.post(interaction(newID(), 2, map[string]any{"name": "rules", "type": 1, "options": []any{map[string]any{"name": "number", "type": 4, "value": 12}}}, alice, memberPerms))
		if resp.Data.Flags&64 == 0 || !strings.Contains(resp.text(), "no rule 12") || resp.Data.Embeds[0].Color != 0xED4245 {
			t.Errorf("/rules number:12: got flags %d %q, want a private red refusal", resp.Data.Flags, resp.text())
		}

		_, resp = r.post(fixture(t, "command_setup.json", ""))
		if !strings.Contains(resp.text(), "Springfield is set up") || !strings.Contains(resp.text(), "first lead") {
			t.Errorf("/setup: got %q", resp.text())
		}
		m, err := s.EnsureMember(context.Background(), mustGroup(t, s), alice, "")
		if err != nil || m.DisplayName != "Al" {
			t.Errorf("member: got %+v (%v), want the server nickname Al", m, err)
		}
	})
}

func mustGroup(t *testing.T, s *storage.Store) int64 {
	t.Helper()
	g, err := s.GroupByPlatform(context.Background(), discord.Platform, guildID)
	if err != nil {
		t.Fatalf("group: %v", err)
	}
	return g.ID
}

func setupData(place string) map[string]any {
	return map[string]any{"name": "setup", "type": 1, "options": []any{
		map[string]any{"name": "jurisdiction", "type": 3, "value": place},
		map[string]any{"name": "kind", "type": 3, "value": "city"},
		map[string]any{"name": "timezone", "type": 3, "value": "America/Chicago"},
	}}
}

func TestReplayedInteractionHasOneEffect(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{})
		body := fixture(t, "command_setup.json", "")
		_, first := r.post(body)
		_, second := r.post(body)
		if !strings.Contains(first.text(), "set up") || !strings.Contains(second.text(), "already handled") {
			t.Errorf("got %q then %q, want setup then already handled", first.text(), second.text())
		}
		log, err := s.AuditLog(context.Background(), mustGroup(t, s), 50)
		if err != nil {
			t.Fatal(err)
		}
		setups := 0
		for _, e := range log {
			if e.Action == "setup" {
				setups++
			}
		}
		if setups != 1 {
			t.Errorf("got %d setup audit entries, want 1", setups)
		}
	})
}

func TestServerManagersAreLeads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{})
		r.post(interaction(newID(), 2, setupData("Springfield"), alice, memberPerms))
		_, resp := r.post(interaction(newID(), 2, setupData("Shelbyville"), bob, memberPerms))
		if !strings.Contains(resp.text(), "only its leads") {
			t.Errorf("member: got %q, want the first setup's leads named", resp.text())
		}
		_, resp = r.post(interaction(newID(), 2, setupData("Ogdenville"), carol, managePerms))
		if !strings.Contains(resp.text(), "Ogdenville is set up") {
			t.Errorf("Manage Server: got %q, want Ogdenville is set up", resp.text())
		}
	})
}

// sample is a valid raw value for an option of the given kind, as a
// Discord client would send it.
func sample(o bot.Option) (any, int) {
	switch o.Kind {
	case bot.Integer:
		if o.Max > o.Min {
			return o.Min, 4
		}
		return 1, 4
	case bot.Boolean:
		return true, 5
	case bot.UserKind:
		return bob, 6
	case bot.Users:
		return "<@" + bob + "> <@" + carol + ">", 3
	case bot.Time:
		return "tomorrow 6pm", 3
	case bot.Choice:
		return o.Choices[0].Value, 3
	}
	if o.Autocomplete != "" {
		return "1", 3
	}
	return "Springfield", 3
}

// leafData builds the data of an interaction running leaf with every
// option filled.
func leafData(leaf *bot.Command) map[string]any {
	var opts []any
	for _, o := range leaf.Options {
		v, typ := sample(o)
		opts = append(opts, map[string]any{"name": o.Name, "type": typ, "value": v})
	}
	var path []string
	for c := leaf; c != nil; c = c.Parent() {
		path = append([]string{c.Name}, path...)
	}
	for i := len(path) - 1; i >= 1; i-- {
		typ := 1
		if i < len(path)-1 {
			typ = 2
		}
		opts = []any{map[string]any{"name": path[i], "type": typ, "options": opts}}
	}
	return map[string]any{
		"id": "500000000000000001", "name": path[0], "type": 1, "options": opts,
		"resolved": map[string]any{"users": map[string]any{
			bob: map[string]any{"id": bob, "username": "bob", "global_name": "Bob", "discriminator": "0"},
		}},
	}
}

func TestEveryCommandThroughInteractionJSON(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{})
		tree := commands.Tree(r.env)
		n := 0
		tree.Leaves(func(leaf *bot.Command) {
			n++
			t.Run(strings.ReplaceAll(leaf.Path(), " ", "_"), func(t *testing.T) {
				code, resp := r.post(interaction(newID(), 2, leafData(leaf), alice, managePerms))
				if code != http.StatusOK || (resp.Type != 4 && resp.Type != 9) {
					t.Fatalf("/%s: got %d type %d, want 200 with a message or a modal", leaf.Path(), code, resp.Type)
				}
				if strings.Contains(resp.text(), "went wrong") || strings.Contains(resp.text(), "no longer a command") {
					t.Errorf("/%s: got %q", leaf.Path(), resp.text())
				}
			})
		})
		if n < 3 {
			t.Errorf("ran %d commands, want every leaf of the tree", n)
		}
	})
}

// echo is a test command whose reply shows the options it received.
func echo() *bot.Command {
	return &bot.Command{
		Name: "echo", Example: "/echo who:@alice",
		Options: []bot.Option{
			{Name: "who", Kind: bot.UserKind, Required: true},
			{Name: "crew", Kind: bot.Users},
			{Name: "count", Kind: bot.Integer, Min: 1, Max: 5},
			{Name: "flag", Kind: bot.Boolean},
		},
		Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			who, _ := req.UserOpt("who")
			out := fmt.Sprintf("who=%s/%s", who.ID, who.Name)
			for _, u := range req.UsersOpt("crew") {
				out += fmt.Sprintf(" crew=%s/%s", u.ID, u.Name)
			}
			if n, ok := req.Int("count"); ok {
				out += fmt.Sprintf(" count=%d", n)
			}
			if b, ok := req.Bool("flag"); ok {
				out += fmt.Sprintf(" flag=%t", b)
			}
			return bot.Reply{Text: out}, nil
		},
	}
}

func TestOptionsBindAsOnOtherPlatforms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{extra: []*bot.Command{echo()}})
		resolved := map[string]any{
			"users":   map[string]any{bob: map[string]any{"id": bob, "username": "bob", "global_name": "Bob", "discriminator": "0"}},
			"members": map[string]any{bob: map[string]any{"nick": "Bobby", "roles": []string{}, "joined_at": "2026-01-05T18:00:00.000000+00:00"}},
		}
		opt := func(name string, typ int, v any) map[string]any {
			return map[string]any{"name": name, "type": typ, "value": v}
		}
		cases := []struct {
			name string
			opts []any
			want string
		}{
			{"typed values", []any{opt("who", 6, bob), opt("crew", 3, "<@"+carol+">, <@!"+bob+">"), opt("count", 4, 3), opt("flag", 5, false)},
				// The mention of Carol, which Discord does not resolve in
				// text, is named by the server (the Directory).
				"who=" + bob + "/Bobby crew=" + carol + "/Carol crew=" + bob + "/Bobby count=3 flag=false"},
			{"out of range", []any{opt("who", 6, bob), opt("count", 4, 9)}, "between 1 and 5"},
			{"not a mention", []any{opt("who", 6, bob), opt("crew", 3, "@carol")}, "must mention a person"},
			{"missing", []any{opt("count", 4, 2)}, "`who` is required"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, resp := r.post(interaction(newID(), 2, map[string]any{"name": "echo", "type": 1, "options": c.opts, "resolved": resolved}, alice, memberPerms))
				if !strings.Contains(resp.text(), c.want) {
					t.Errorf("got %q, want it to contain %q", resp.text(), c.want)
				}
			})
		}
	})
}

// insertOfficial adds an official with plain SQL: the official commands
// are another branch's.
func insertOfficial(t *testing.T, s *storage.Store, groupID, number int64, name string) {
	t.Helper()
	q := "INSERT INTO officials (group_id, number, name, office, created_at, updated_at) VALUES (?, ?, ?, 'sheriff', ?, ?)"
	if s.Dialect() == storage.Postgres {
		q = "INSERT INTO officials (group_id, number, name, office, created_at, updated_at) VALUES ($1, $2, $3, 'sheriff', $4, $5)"
	}
	if _, err := s.SQL().ExecContext(context.Background(), q, groupID, number, name, start, start); err != nil {
		t.Fatal(err)
	}
}

func pick() *bot.Command {
	return &bot.Command{
		Name: "pick", Example: `/pick official:"Sheriff Roe"`,
		Options: []bot.Option{{Name: "official", Kind: bot.Text, Required: true, Autocomplete: commands.SuggestOfficial}},
		Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			return bot.Reply{Text: "picked " + req.Str("official")}, nil
		},
	}
}

func TestAutocomplete(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{extra: []*bot.Command{pick()}})
		_, resp := r.post(fixture(t, "autocomplete.json", newID()))
		if resp.Type != 8 || resp.Data.Choices == nil || len(*resp.Data.Choices) != 0 {
			t.Fatalf("unknown server: got type %d choices %v, want type 8 with an empty choices list", resp.Type, resp.Data.Choices)
		}
		r.post(fixture(t, "command_setup.json", ""))
		g := mustGroup(t, s)
		insertOfficial(t, s, g, 1, "Sheriff Roe")
		insertOfficial(t, s, g, 2, "Mayor Quimby")
		other, err := s.EnsureGroup(context.Background(), discord.Platform, "900000000000000999")
		if err != nil {
			t.Fatal(err)
		}
		insertOfficial(t, s, other.ID, 1, "Sheriff Rowe")
		_, resp = r.post(fixture(t, "autocomplete.json", newID()))
		if resp.Type != 8 || resp.Data.Choices == nil || len(*resp.Data.Choices) != 1 {
			t.Fatalf("got type %d choices %v, want Sheriff Roe only", resp.Type, resp.Data.Choices)
		}
		c := (*resp.Data.Choices)[0]
		if c.Value != "Sheriff Roe" || !strings.Contains(c.Name, "Sheriff Roe (sheriff)") {
			t.Errorf("got choice %+v, want name Sheriff Roe (sheriff), value Sheriff Roe", c)
		}
	})
}

// offer is a test command replying with buttons and, on request, a form.
func offer() *bot.Command {
	return &bot.Command{
		Name: "offer", Example: "/offer form:yes",
		Options: []bot.Option{{Name: "form", Kind: bot.Boolean}},
		Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			if f, _ := req.Bool("form"); f {
				return bot.Reply{Form: &bot.Form{Title: "Set up your group with a rather long form title", Command: "setup", Fixed: map[string]string{"kind": "city"},
					Fields: []bot.FormField{{Option: "jurisdiction", Label: "Jurisdiction", Required: true}, {Option: "timezone", Label: "Time zone", Placeholder: "America/Chicago", Required: true}}}}, nil
			}
			return bot.Reply{Title: "Rules", Text: "Pick one", Buttons: []bot.Button{
				{Label: "Rule 1", Action: "rules number:1"}, {Label: "Rule 3", Action: "/rules number:3", Style: bot.Success},
				{Label: "Too long", Action: "rules number:3 " + strings.Repeat("x", 100)},
			}}, nil
		},
	}
}

func TestButtonsAndModals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{extra: []*bot.Command{offer()}})
		_, resp := r.post(interaction(newID(), 2, map[string]any{"name": "offer", "type": 1}, alice, memberPerms))
		if len(resp.Data.Components) != 1 {
			t.Fatalf("got components %v, want one action row", resp.Data.Components)
		}
		row, _ := resp.Data.Components[0]["components"].([]any)
		var ids []string
		for _, b := range row {
			ids = append(ids, b.(map[string]any)["custom_id"].(string))
		}
		long := "rules number:3 " + strings.Repeat("x", 100)
		if len(ids) != 3 || strings.Join(ids[:2], ",") != "a:rules number:1,a:rules number:3" || !strings.HasPrefix(ids[2], "h:") || len(ids[2]) > 100 {
			t.Errorf("got button ids %v, want the two actions that fit and a hash for the long one", ids)
		}
		if !strings.Contains(resp.text(), "`/"+long+"`") {
			t.Errorf("got %q, want the long action shown as a ready command", resp.text())
		}

		_, resp = r.post(fixture(t, "component_click.json", ""))
		if resp.Type != 4 || resp.Data.Flags&64 == 0 || !strings.Contains(resp.text(), "Rule 3") {
			t.Errorf("click: got type %d flags %d %q, want a private Rule 3", resp.Type, resp.Data.Flags, resp.text())
		}

		_, resp = r.post(interaction(newID(), 2, map[string]any{"name": "offer", "type": 1, "options": []any{map[string]any{"name": "form", "type": 5, "value": true}}}, alice, memberPerms))
		if resp.Type != 9 || resp.Data.CustomID != `m:setup kind:"city"` || len(resp.Data.Components) != 2 || len([]rune(resp.Data.Title)) > 45 {
			t.Fatalf("form: got type %d id %q title %q rows %d, want a modal with two rows", resp.Type, resp.Data.CustomID, resp.Data.Title, len(resp.Data.Components))
		}

		_, resp = r.post(fixture(t, "modal_submit.json", ""))
		if resp.Type != 4 || !strings.Contains(resp.text(), "Springfield is set up") {
			t.Errorf("modal submit: got type %d %q, want Springfield is set up", resp.Type, resp.text())
		}
		g, err := s.GroupByID(context.Background(), mustGroup(t, s))
		if err != nil || g.Kind != "city" || g.TimeZone != "America/Chicago" {
			t.Errorf("group after the modal: got %+v (%v), want a city in America/Chicago", g, err)
		}
	})
}

// slow is a test command that waits for the test to release it.
func slow(release <-chan struct{}) *bot.Command {
	return &bot.Command{
		Name: "slow", Example: "/slow",
		Options: []bot.Option{{Name: "private", Kind: bot.Boolean}},
		Handler: func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
			select {
			case <-release:
			case <-ctx.Done():
				return bot.Reply{}, ctx.Err()
			}
			p, _ := req.Bool("private")
			return bot.Reply{Title: "Done slowly", Text: "finished", Ephemeral: p}, nil
		},
	}
}

func TestSlowCommandsAreDeferred(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		release := make(chan struct{})
		r := newRig(t, s, rigOpt{extra: []*bot.Command{slow(release)}, budget: 20 * time.Millisecond})

		id := newID()
		_, resp := r.post(interaction(id, 2, map[string]any{"name": "slow", "type": 1}, alice, memberPerms))
		if resp.Type != 5 || resp.Data.Flags&64 != 0 {
			t.Fatalf("got type %d flags %d, want a public defer (type 5)", resp.Type, resp.Data.Flags)
		}
		release <- struct{}{}
		edit := r.fake.Wait(t, http.MethodPatch, "/webhooks/100000000000000001/token-"+id+"/messages/@original")
		var msg struct {
			Embeds []embed `json:"embeds"`
		}
		edit.JSON(t, &msg)
		if len(msg.Embeds) != 1 || msg.Embeds[0].Title != "Done slowly" {
			t.Errorf("edit: got %s, want the embed Done slowly", edit.Body)
		}

		id = newID()
		_, resp = r.post(interaction(id, 2, map[string]any{"name": "slow", "type": 1, "options": []any{map[string]any{"name": "private", "type": 5, "value": true}}}, alice, memberPerms))
		if resp.Type != 5 {
			t.Fatalf("got type %d, want a defer", resp.Type)
		}
		release <- struct{}{}
		follow := r.fake.Wait(t, http.MethodPost, "/webhooks/100000000000000001/token-"+id)
		var fm struct {
			Flags int `json:"flags"`
		}
		follow.JSON(t, &fm)
		if fm.Flags&64 == 0 || len(r.fake.Find(http.MethodDelete, "token-"+id+"/messages/@original")) != 1 {
			t.Errorf("private result after a public defer: got flags %d and %v, want the placeholder deleted and a private follow-up", fm.Flags, r.fake.Calls())
		}
	})
}

func TestGatewayMode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		env := &commands.Env{Store: s, Clock: bot.NewManualClock(start), Log: quiet()}
		fake := discordtest.New(t)
		sess, err := discord.NewSession("gateway-token", fake.URL, quiet())
		if err != nil {
			t.Fatal(err)
		}
		// The saved interaction is dated by its id: the adapter stands then.
		then := bot.NewManualClock(discordtest.IDTime("1200000000000000002"))
		ad := discord.New(discord.Config{Router: commands.Router(env), Session: sess, Suggester: env, Log: quiet(), Clock: then})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- ad.Run(ctx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		}()
		var ident struct {
			Token   string `json:"token"`
			Intents int    `json:"intents"`
		}
		if err := json.Unmarshal(fake.WaitIdentify(t), &ident); err != nil || ident.Token != "Bot gateway-token" || ident.Intents != 0 {
			t.Errorf("identify: got %+v (%v), want the bot token and no intents", ident, err)
		}
		fake.Dispatch(t, "INTERACTION_CREATE", fixture(t, "command_rules.json", "1200000000000000002"))
		call := fake.Wait(t, http.MethodPost, "/interactions/1200000000000000002/rules-token/callback")
		var resp response
		call.JSON(t, &resp)
		if resp.Type != 4 || len(resp.Data.Embeds) != 1 || !strings.Contains(resp.Data.Embeds[0].Title, "Rule 3") {
			t.Errorf("callback: got %s, want an embed titled Rule 3", call.Body)
		}
		if call.Auth != "Bot gateway-token" {
			t.Errorf("callback auth: got %q", call.Auth)
		}
	})
}

func TestSenderRetriesAndDelivers(t *testing.T) {
	fake := discordtest.New(t)
	sess, err := discord.NewSession("tok", fake.URL, quiet())
	if err != nil {
		t.Fatal(err)
	}
	env := &commands.Env{Store: storagetest.Open(t, storage.SQLite), Clock: bot.SystemClock{}, Log: quiet()}
	snd := discord.New(discord.Config{Router: commands.Router(env), Session: sess, Log: quiet()}).Sender()
	ctx := context.Background()

	fake.Fail(http.MethodPost, "/channels/555000000000000001/messages", 429, 502)
	if err := snd.Send(ctx, bot.Destination{Platform: discord.Platform, Channel: "555000000000000001"}, bot.Reply{Title: "Digest", Text: "3 meetings"}); err != nil {
		t.Fatalf("channel post after 429 and 502: %v", err)
	}
	if got := len(fake.Find(http.MethodPost, "/channels/555000000000000001/messages")); got != 3 {
		t.Errorf("got %d attempts, want 3", got)
	}

	if err := snd.Send(ctx, bot.Destination{Platform: discord.Platform, User: bob}, bot.Reply{Text: "Your task is due"}); err != nil {
		t.Fatalf("DM: %v", err)
	}
	fake.Wait(t, http.MethodPost, "/users/@me/channels")
	dm := fake.Wait(t, http.MethodPost, "/channels/4"+bob+"/messages")
	if !strings.Contains(string(dm.Body), "Your task is due") {
		t.Errorf("DM body: %s", dm.Body)
	}

	fake.Fail(http.MethodPost, "/channels/555000000000000002/messages", 500, 500, 500, 500, 500)
	if err := snd.Send(ctx, bot.Destination{Channel: "555000000000000002"}, bot.Reply{Text: "x"}); err == nil {
		t.Error("a channel that always fails: got nil, want an error")
	}
	if got := len(fake.Find(http.MethodPost, "/channels/555000000000000002/messages")); got != 4 {
		t.Errorf("got %d attempts, want the bounded 4", got)
	}

	fake.Fail(http.MethodPost, "/channels/555000000000000003/messages", 500, 500, 500)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := snd.Send(short, bot.Destination{Channel: "555000000000000003"}, bot.Reply{Text: "x"}); err == nil {
		t.Error("retries past the deadline: got nil, want an error")
	}
}

func TestRegistration(t *testing.T) {
	env := &commands.Env{Store: storagetest.Open(t, storage.SQLite), Clock: bot.SystemClock{}, Log: quiet()}
	tree := commands.Tree(env)
	cmds := discord.Commands(tree)
	if err := discord.Validate(cmds); err != nil {
		t.Fatalf("the real command set breaks Discord's limits:\n%v", err)
	}
	if len(cmds) != len(tree.Roots()) {
		t.Errorf("got %d commands, want one per root (%d)", len(cmds), len(tree.Roots()))
	}

	lead := &bot.Command{Name: "admin", Subcommands: []*bot.Command{
		{Name: "one", Level: bot.Lead, Handler: echo().Handler},
		{Name: "group", Subcommands: []*bot.Command{{Name: "two", Level: bot.Lead, Handler: echo().Handler}}},
	}}
	extra := discord.Commands(bot.NewTree(echo(), pick(), lead))
	if err := discord.Validate(extra); err != nil {
		t.Fatalf("test commands: %v", err)
	}
	raw, _ := json.Marshal(extra)
	for _, want := range []string{`"default_member_permissions":"32"`, `"type":2,"name":"group"`, `"type":6,"name":"who"`, `"autocomplete":true`, `"min_value":1,"max_value":5`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("registration JSON lacks %s:\n%s", want, raw)
		}
	}

	fake := discordtest.New(t)
	sess, _ := discord.NewSession("tok", fake.URL, quiet())
	n, err := discord.Register(context.Background(), sess, fake.AppID, guildID, tree)
	if err != nil || n != len(tree.Roots()) {
		t.Fatalf("register: got %d, %v", n, err)
	}
	put := fake.Wait(t, http.MethodPut, "/applications/"+fake.AppID+"/guilds/"+guildID+"/commands")
	var sent []map[string]any
	put.JSON(t, &sent)
	if len(sent) != len(tree.Roots()) {
		t.Errorf("sent %d commands, want %d", len(sent), len(tree.Roots()))
	}
}

func TestValidateRefusesWhatDiscordRefuses(t *testing.T) {
	long := strings.Repeat("x", 101)
	many := make([]bot.ChoiceValue, 26)
	for i := range many {
		many[i] = bot.ChoiceValue{Value: fmt.Sprint(i)}
	}
	cases := []struct {
		name string
		cmd  string // JSON of one command
		want string
	}{
		{"upper-case name", `{"name":"Rules","description":"d","options":[]}`, "lower-case"},
		{"long name", `{"name":"` + strings.Repeat("a", 33) + `","description":"d","options":[]}`, "lower-case"},
		{"empty description", `{"name":"a","description":"","options":[]}`, "description is 0"},
		{"long description", `{"name":"a","description":"` + long + `","options":[]}`, "description is 101"},
		{"required after optional", `{"name":"a","description":"d","options":[{"type":3,"name":"x","description":"d"},{"type":3,"name":"y","description":"d","required":true}]}`, "required option after"},
		{"too many choices", `{"name":"a","description":"d","options":[{"type":3,"name":"x","description":"d","choices":[` + strings.TrimSuffix(strings.Repeat(`{"name":"n","value":"v"},`, 26), ",") + `]}]}`, "26 choices"},
		{"mixed", `{"name":"a","description":"d","options":[{"type":1,"name":"s","description":"d"},{"type":3,"name":"x","description":"d"}]}`, "mixed"},
		{"too many options", `{"name":"a","description":"d","options":[` + strings.TrimSuffix(strings.Repeat(`{"type":3,"name":"x","description":"d"},`, 26), ",") + `]}`, "26 options"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cmd discordgo.ApplicationCommand
			if err := json.Unmarshal([]byte(c.cmd), &cmd); err != nil {
				t.Fatal(err)
			}
			err := discord.Validate([]*discordgo.ApplicationCommand{&cmd})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	// Too many choices in the core become a plain string rather than a
	// registration Discord refuses.
	cmds := discord.Commands(bot.NewTree(&bot.Command{Name: "big", Options: []bot.Option{{Name: "c", Kind: bot.Choice, Choices: many}}, Handler: echo().Handler}))
	if err := discord.Validate(cmds); err != nil {
		t.Errorf("26 core choices: %v", err)
	}
}

// survey is a test command whose form has more fields than a modal has
// rows, like logging the nine answers for one official.
func survey() *bot.Command {
	c := &bot.Command{Name: "survey", Example: "/survey q1:yes"}
	var fields []bot.FormField
	for i := 1; i <= 7; i++ {
		name := fmt.Sprintf("q%d", i)
		c.Options = append(c.Options, bot.Option{Name: name, Kind: bot.Choice, Choices: bot.Choices("yes", "no", "maybe")})
		fields = append(fields, bot.FormField{Option: name, Label: "Question " + name[1:]})
	}
	c.Handler = func(_ context.Context, req *bot.Request) (bot.Reply, error) {
		if len(req.Options) == 0 {
			return bot.Reply{Form: &bot.Form{Title: "Answers", Command: "survey", Fields: fields}}, nil
		}
		var out []string
		for i := 1; i <= 7; i++ {
			out = append(out, req.Str(fmt.Sprintf("q%d", i)))
		}
		return bot.Reply{Text: "answers " + strings.Join(out, ",")}, nil
	}
	return c
}

func TestFormsLongerThanAModal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOpt{extra: []*bot.Command{survey()}})
		_, resp := r.post(interaction(newID(), 2, map[string]any{"name": "survey", "type": 1}, alice, memberPerms))
		if resp.Type != 9 || len(resp.Data.Components) != 5 {
			t.Fatalf("got type %d with %d rows, want a modal of 5 rows", resp.Type, len(resp.Data.Components))
		}
		last := fmt.Sprint(resp.Data.Components[4])
		if !strings.Contains(last, "_rest") || !strings.Contains(last, "q5:… q6:… q7:…") {
			t.Errorf("last row: got %s, want the shared input for q5-q7", last)
		}
		row := func(id, v string) map[string]any {
			return map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": id, "value": v}}}
		}
		submit := map[string]any{"custom_id": resp.Data.CustomID, "components": []any{
			row("q1", "yes"), row("q2", "no"), row("q3", "maybe"), row("q4", "yes"), row("_rest", "q5:no q6:maybe\nq7:YES"),
		}}
		_, resp = r.post(interaction(newID(), 5, submit, alice, memberPerms))
		if !strings.Contains(resp.text(), "answers yes,no,maybe,yes,no,maybe,yes") {
			t.Errorf("submit: got %q, want all seven answers", resp.text())
		}
		submit["components"] = []any{row("q1", "yes"), row("_rest", "q5:perhaps")}
		_, resp = r.post(interaction(newID(), 5, submit, alice, memberPerms))
		if resp.Data.Flags&64 == 0 || !strings.Contains(resp.text(), "`q5` must be one of yes, no, maybe") {
			t.Errorf("bad answer: got %q, want a private refusal naming q5", resp.text())
		}
	})
}
