package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/commands"
)

// platform builds one platform's signed requests and reads its answers.
type platform interface {
	Name() string
	// Request is a signed request that runs line (in the text grammar,
	// with @@N mentioning member N) as member m; key names the request to
	// the sink, where its late answer arrives.
	Request(base, line string, m int, key string) (*http.Request, error)
	// Ack reads the body of a 200 answer: whether it carries the reply
	// and, if it does, what the user sees.
	Ack(body []byte) (replied bool, o outcome)
}

// The platforms' names, as flags and tables spell them.
const (
	slackName   = "slack"
	discordName = "discord"
)

// The bench's workspace, server and people. Member 0 administers both
// (a lead); the others are members.
const (
	slackTeam      = "T0BENCH"
	slackChannel   = "C0BENCH"
	discordApp     = "100000000000000777"
	discordGuild   = "910000000000000001"
	discordChannel = "810000000000000001"
	discordFirst   = 700000000000000000 // member m's Discord id is this plus m
)

func slackUser(m int) string    { return fmt.Sprintf("UB%04d", m) }
func discordUser(m int) string  { return strconv.FormatInt(discordFirst+int64(m), 10) }
func memberName(m int) string   { return fmt.Sprintf("Member %02d", m) }
func memberHandle(m int) string { return fmt.Sprintf("member%02d", m) }

// mentionRE is how lines mention member N: @@N.
var mentionRE = regexp.MustCompile(`@@([0-9]+)`)

func mentions(line string, id func(int) string) string {
	return mentionRE.ReplaceAllStringFunc(line, func(m string) string {
		n, _ := strconv.Atoi(m[2:])
		return "<@" + id(n) + ">"
	})
}

// failureColour is the embed colour of a Discord refusal (bot.Failure).
const failureColour = 0xED4245

// verdict is what the user sees in a reply: the busy reply, a refusal, or
// the command's answer.
func verdict(body []byte, refusal bool, busy *regexp.Regexp) outcome {
	switch {
	case busy.Match(body):
		return busyReply
	case refusal:
		return refused
	}
	return answered
}

// slackPlatform sends slash commands as Slack does in HTTP mode: a form
// signed with the app's signing secret (v0, HMAC-SHA256), whose
// response_url points at the sink.
type slackPlatform struct {
	secret    string
	responses string // the sink's response URL, without the key
	busy      *regexp.Regexp
}

func (p *slackPlatform) Name() string { return slackName }

func (p *slackPlatform) Request(base, line string, m int, key string) (*http.Request, error) {
	command, text, _ := strings.Cut(mentions(line, slackUser), " ")
	form := url.Values{
		"token": {"bench"}, "team_id": {slackTeam}, "team_domain": {"bench"},
		"channel_id": {slackChannel}, "channel_name": {"general"},
		"user_id": {slackUser(m)}, "user_name": {memberHandle(m)},
		"command": {command}, "text": {text},
		"api_app_id": {"A0BENCH"}, "is_enterprise_install": {"false"},
		"response_url": {p.responses + key}, "trigger_id": {key},
	}
	body := []byte(form.Encode())
	r, err := http.NewRequest(http.MethodPost, base+"/slack/commands", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fakeslack.Sign(r.Header, p.secret, body, time.Now())
	return r, nil
}

// Ack: an empty acknowledgement means the answer comes to response_url.
func (p *slackPlatform) Ack(body []byte) (bool, outcome) {
	if len(bytes.TrimSpace(body)) == 0 {
		return false, 0
	}
	return true, p.read(body)
}

// read tells what a Slack message shows: a refusal's text starts with the
// failure icon.
func (p *slackPlatform) read(body []byte) outcome {
	var m struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(body, &m)
	return verdict(body, strings.HasPrefix(m.Text, ":x:"), p.busy)
}

// discordPlatform sends application commands as Discord does in HTTP
// interactions mode: JSON signed with ed25519 over the timestamp and the
// body, with a fresh snowflake id and the key as the interaction token.
// Lines become commands and options through fcbot's own command tree, so
// that option types are the ones fcbot registers.
type discordPlatform struct {
	key  ed25519.PrivateKey
	tree *bot.Tree
	busy *regexp.Regexp
	data sync.Map // line → its interaction data, built once
}

func newDiscord(key ed25519.PrivateKey, busy *regexp.Regexp) *discordPlatform {
	env := &commands.Env{Clock: bot.SystemClock{}, Log: slog.New(slog.DiscardHandler)}
	return &discordPlatform{key: key, tree: commands.Tree(env), busy: busy}
}

func (p *discordPlatform) Name() string { return discordName }

func (p *discordPlatform) Request(base, line string, m int, key string) (*http.Request, error) {
	data, err := p.commandData(line)
	if err != nil {
		return nil, err
	}
	perms := "0"
	if m == 0 {
		perms = "8" // Administrator: a lead
	}
	body, err := json.Marshal(map[string]any{
		"id": snowflake(time.Now()), "application_id": discordApp, "type": 2, "data": data, "token": key,
		"guild_id": discordGuild, "channel_id": discordChannel, "locale": "en-US", "version": 1,
		"member": map[string]any{
			"user":  map[string]any{"id": discordUser(m), "username": memberHandle(m), "global_name": memberName(m), "discriminator": "0"},
			"roles": []string{}, "permissions": perms,
		},
	})
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequest(http.MethodPost, base+"/discord/interactions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Timestamp", ts)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(p.key, append([]byte(ts), body...))))
	return r, nil
}

// commandData is the interaction data of an application command that runs
// line: the command, its subcommands and typed options, and the users its
// user options name.
func (p *discordPlatform) commandData(line string) (map[string]any, error) {
	if d, ok := p.data.Load(line); ok {
		return d.(map[string]any), nil
	}
	inv, err := p.tree.ParseLine(mentions(line, discordUser))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", line, err)
	}
	users := map[string]any{}
	opts := []any{}
	for name, raw := range inv.Args {
		o := inv.Command.Option(name)
		if o == nil {
			return nil, fmt.Errorf("%s: no option %q", line, name)
		}
		v, typ, err := optionValue(o.Kind, raw, users)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", line, name, err)
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
	d := map[string]any{"id": "1", "name": path[0], "type": 1, "options": opts, "resolved": map[string]any{"users": users}}
	p.data.Store(line, d)
	return d, nil
}

// optionValue is an option's value and Discord type for its kind, as
// fcbot registers them; a user option's user goes into users.
func optionValue(kind bot.OptionKind, raw string, users map[string]any) (any, int, error) {
	switch kind {
	case bot.Integer:
		n, err := strconv.ParseInt(raw, 10, 64)
		return n, 4, err
	case bot.Boolean:
		b, err := strconv.ParseBool(raw)
		return b, 5, err
	case bot.UserKind:
		id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(raw, "<@"), "!"), ">")
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("%q is not a member", raw)
		}
		m := int(n - discordFirst)
		users[id] = map[string]any{"id": id, "username": memberHandle(m), "global_name": memberName(m), "discriminator": "0"}
		return id, 6, nil
	}
	return raw, 3, nil
}

// Ack: types 5 and 6 defer the answer to an edit or a follow-up.
func (p *discordPlatform) Ack(body []byte) (bool, outcome) {
	var r struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(body, &r)
	if r.Type == 5 || r.Type == 6 {
		return false, 0
	}
	return true, p.read(r.Data, body)
}

// read tells what a Discord message shows: a refusal is an embed in the
// failure colour.
func (p *discordPlatform) read(message, raw []byte) outcome {
	var m struct {
		Embeds []struct {
			Color int `json:"color"`
		} `json:"embeds"`
	}
	_ = json.Unmarshal(message, &m)
	refusal := false
	for _, e := range m.Embeds {
		refusal = refusal || e.Color == failureColour
	}
	return verdict(raw, refusal, p.busy)
}

// discordEpoch is the start of snowflake time, 2015-01-01 UTC, in Unix ms.
const discordEpoch = 1420070400000

var serial atomic.Uint64

// snowflake is a Discord id made at t, distinct from every other this
// process made: fcbot refuses interactions dated outside five minutes.
func snowflake(t time.Time) string {
	ms := uint64(t.UnixMilli() - discordEpoch)
	return strconv.FormatUint(ms<<22|serial.Add(1)&(1<<22-1), 10)
}
