package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/commands"
)

// platforms are the fakes of Slack and Discord that the fcbot processes
// of a test talk to, and the keys that sign what the test sends them as
// the platforms would (in HTTP mode).
type platforms struct {
	slack   *fakeslack.Server
	secret  string
	discord *discordtest.Server
	key     discordtest.Key
	tree    *bot.Tree // reads lines into Discord's typed options
	groups  int
}

func newPlatforms(t *testing.T) *platforms {
	return &platforms{
		slack:   fakeslack.New(t),
		secret:  "replicas-signing-secret",
		discord: discordtest.New(t),
		key:     discordtest.NewKey(t),
		tree:    commands.Tree(&commands.Env{Clock: bot.SystemClock{}, Log: slog.New(slog.DiscardHandler)}),
	}
}

// env is the configuration of an fcbot process on databaseURL that
// serves both platforms in HTTP mode against the fakes.
func (p *platforms) env(databaseURL string) map[string]string {
	return map[string]string{
		"DATABASE_URL":         databaseURL,
		"DISCORD_PUBLIC_KEY":   p.key.PublicHex(),
		"DISCORD_APP_ID":       p.discord.AppID,
		"DISCORD_BOT_TOKEN":    "replicas-bot-token",
		"DISCORD_GUILD_ID":     "",
		"DISCORD_API_URL":      p.discord.URL,
		"SLACK_SIGNING_SECRET": p.secret,
		"SLACK_BOT_TOKEN":      "xoxb-replicas",
		"SLACK_API_URL":        p.slack.APIURL(),
		"LOG_LEVEL":            "warn",
	}
}

// The platforms' names, as groups carry them.
const (
	onSlack   = "slack"
	onDiscord = "discord"
)

// group is a campaign's group: a Slack workspace or a Discord server,
// with its people. Member 0 sets the group up and leads it.
type group struct {
	n        int // among the test's groups, from 0
	platform string
	id       string // team or guild id
	channel  string
	members  []string // user ids
	zone     string
}

// addGroup makes a group of n members on platform, known to its fake.
func (p *platforms) addGroup(platform string, members int) *group {
	n := p.groups
	p.groups++
	g := &group{n: n, platform: platform}
	switch platform {
	case onSlack:
		g.id, g.channel = fmt.Sprintf("T%04d", 1000+n), fmt.Sprintf("C%04d", 1000+n)
		for m := range members {
			id := fmt.Sprintf("U%04d%02d", 1000+n, m)
			p.slack.AddUser(fakeslack.User{ID: id, Name: memberName(g, m), Locale: "en-US", TeamID: g.id, Admin: m == 0})
			g.members = append(g.members, id)
		}
	case onDiscord:
		g.id, g.channel = strconv.Itoa(910000000000000000+n), strconv.Itoa(810000000000000000+n)
		for m := range members {
			id := strconv.Itoa(700000000000000000 + n*100 + m)
			p.discord.AddMember(g.id, discordtest.Member{ID: id, Username: strings.ToLower(strings.ReplaceAll(memberName(g, m), " ", ""))})
			g.members = append(g.members, id)
		}
	}
	return g
}

func memberName(g *group, m int) string { return fmt.Sprintf("Member %d-%d", g.n, m) }

// mention is how a line names member m of g.
func (g *group) mention(m int) string { return "<@" + g.members[m] + ">" }

// dmChannel is the channel a direct message to member m lands in at the
// fake.
func (g *group) dmChannel(m int) string {
	if g.platform == onSlack {
		return "D" + strings.TrimPrefix(g.members[m], "U")
	}
	return "4" + g.members[m]
}

// request is the signed request that runs line (the text grammar, with
// <@id> mentions) as member m of g, sent to base; key names the request
// where a late answer arrives: Slack's response_url, Discord's
// interaction token.
func (p *platforms) request(t testing.TB, base string, g *group, m int, line, key string) (*http.Request, error) {
	if g.platform == onSlack {
		command, text, _ := strings.Cut(line, " ")
		form := fakeslack.SlashCommand(g.id, g.channel, g.members[m], strings.ToLower(memberName(g, m)), command, text, key, p.slack.ResponseURL(key))
		return fakeslack.Request(base+"/slack/commands", p.secret, form, time.Now()), nil
	}
	perms := "0"
	if m == 0 {
		perms = "8" // Administrator: a lead
	}
	data, err := p.commandData(line)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(map[string]any{
		"id": discordtest.NewID(), "application_id": p.discord.AppID, "type": 2, "data": data, "token": key,
		"guild_id": g.id, "channel_id": g.channel, "locale": "en-US", "version": 1,
		"member": map[string]any{
			"user":  map[string]any{"id": g.members[m], "username": strings.ToLower(memberName(g, m)), "global_name": memberName(g, m), "discriminator": "0"},
			"roles": []string{}, "permissions": perms,
		},
	})
	if err != nil {
		return nil, err
	}
	return p.key.Request(t, base+"/discord/interactions", body), nil
}

// commandData is the interaction data of the application command that
// runs line, with options typed as fcbot registers them.
func (p *platforms) commandData(line string) (map[string]any, error) {
	inv, err := p.tree.ParseLine(line)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", line, err)
	}
	users := map[string]any{}
	opts := []any{}
	for name, raw := range inv.Args {
		o := inv.Command.Option(name)
		var v any = raw
		typ := 3 // STRING
		switch o.Kind {
		case bot.Integer:
			v, typ = raw, 4
			if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
				v = n
			}
		case bot.UserKind:
			id := strings.Trim(raw, "<@!>")
			v, typ = id, 6
			users[id] = map[string]any{"id": id, "username": "user" + id, "discriminator": "0"}
		}
		opts = append(opts, map[string]any{"name": name, "type": typ, "value": v})
	}
	path := strings.Fields(inv.Command.Path())
	for i := len(path) - 1; i >= 1; i-- {
		typ := 1 // SUB_COMMAND
		if i < len(path)-1 {
			typ = 2 // SUB_COMMAND_GROUP
		}
		opts = []any{map[string]any{"name": path[i], "type": typ, "options": opts}}
	}
	return map[string]any{"id": "1", "name": path[0], "type": 1, "options": opts, "resolved": map[string]any{"users": users}}, nil
}

// answer is what became of one command the test sent.
type answer struct {
	key     string
	g       *group
	took    time.Duration // until the HTTP answer, or the error
	status  int           // 0 without an HTTP answer
	err     error
	replica string // the replica that answered, as the balancer names it ("" without one)
	// reply is what the acknowledgement showed; "" when it deferred the
	// answer (see later).
	reply    string
	deferred bool
}

// accepted reports whether the command was acknowledged: 200.
func (a answer) accepted() bool { return a.status == http.StatusOK }

// send sends the command and reads its acknowledgement.
func (p *platforms) send(t testing.TB, client *http.Client, base string, g *group, m int, line, key string) answer {
	a := answer{key: key, g: g}
	req, err := p.request(t, base, g, m, line, key)
	if err != nil {
		t.Errorf("build %s: %v", line, err)
		a.err = err
		return a
	}
	sent := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		a.took, a.err = time.Since(sent), err
		return a
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	a.took, a.status, a.replica, a.err = time.Since(sent), resp.StatusCode, resp.Header.Get(replicaHeader), err
	if a.status != http.StatusOK {
		a.err = fmt.Errorf("%d %s", a.status, strings.TrimSpace(string(body)))
		return a
	}
	a.reply, a.deferred = ackReply(g.platform, body)
	return a
}

// ackReply reads an acknowledgement: the reply it shows, or that it
// deferred the answer (Slack's empty acknowledgement, Discord's types 5
// and 6).
func ackReply(platform string, body []byte) (reply string, deferred bool) {
	if platform == onSlack {
		if len(strings.TrimSpace(string(body))) == 0 {
			return "", true
		}
		return messageText(body), false
	}
	var r struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(body, &r)
	if r.Type == 5 || r.Type == 6 {
		return "", true
	}
	return messageText(r.Data), false
}

// messageText is what a Slack or Discord message shows in words: Slack's
// text, Discord's content and embeds' titles and descriptions.
func messageText(raw []byte) string {
	var m struct {
		Text    string `json:"text"`
		Content string `json:"content"`
		Embeds  []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"embeds"`
	}
	_ = json.Unmarshal(raw, &m)
	parts := []string{m.Text, m.Content}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title, e.Description)
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

var discordLateRE = regexp.MustCompile(`^/webhooks/[^/]+/([^/]+)(/messages/@original)?$`)

// later returns the answers that came after their acknowledgement, by the
// key of the request they answer: posts to Slack's response_url, edits of
// a deferred Discord interaction's original response and its follow-ups,
// each key's in order.
func (p *platforms) later() map[string][]string {
	out := map[string][]string{}
	for _, c := range p.slack.Calls("response") {
		b, _ := json.Marshal(c.JSON)
		key := strings.TrimPrefix(c.Path, "/response/")
		out[key] = append(out[key], messageText(b))
	}
	for _, c := range p.discord.Calls() {
		if m := discordLateRE.FindStringSubmatch(c.Path); m != nil && (c.Method == http.MethodPatch || c.Method == http.MethodPost) {
			out[m[1]] = append(out[m[1]], messageText(c.Body))
		}
	}
	return out
}

// dms returns the direct messages the fakes hold, by the channel they
// went to, oldest first.
func (p *platforms) dms() map[string][]string {
	out := map[string][]string{}
	for _, m := range p.slack.Messages("") {
		out[m.Channel] = append(out[m.Channel], m.Text)
	}
	for _, m := range p.discord.Messages("") {
		out[m.ChannelID] = append(out[m.ChannelID], messageText(m.Body))
	}
	return out
}

// taskAddedRE finds the number in a /task add's reply.
var taskAddedRE = regexp.MustCompile(`Task ([0-9]+) added`)

// isBusy reports whether a reply is the one that says nothing ran.
func isBusy(reply string) bool { return strings.Contains(reply, "fcbot is busy right now") }

// newClient is an HTTP client as a platform is one: many connections,
// each request bounded.
func newClient() *http.Client {
	return &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 512,
		IdleConnTimeout:     30 * time.Second,
	}}
}
