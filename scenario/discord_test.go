package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
)

const (
	discordGuild   = "900000000000000001"
	discordChannel = "800000000000000001"
	// discordMember is Discord's default @everyone permission set:
	// neither Administrator nor Manage Server.
	discordMember = "1071698660929"
)

// Discord's interaction, option and response types.
const (
	interactionCommand   = 2
	interactionComponent = 3
	interactionModal     = 5

	optSubcommand = 1
	optGroup      = 2
	optString     = 3
	optInteger    = 4
	optBoolean    = 5
	optUser       = 6

	responseMessage        = 4
	responseDeferred       = 5
	responseDeferredUpdate = 6
	responseUpdate         = 7
	responseModal          = 9
)

// discordDriver is a server talking to the Discord adapter in HTTP
// interactions mode: signed interactions as a Discord client sends them,
// the adapter's REST calls answered and recorded by a fake Discord.
type discordDriver struct {
	w    *world
	fake *discordtest.Server
	key  discordtest.Key
	ad   *discord.Adapter
	srv  *httptest.Server
}

func newDiscordDriver(w *world, log *slog.Logger) *discordDriver {
	d := &discordDriver{w: w, fake: discordtest.New(w.t), key: discordtest.NewKey(w.t)}
	sess, err := discord.NewSession("test-token", d.fake.URL, log)
	if err != nil {
		w.t.Fatal(err)
	}
	d.ad = discord.New(discord.Config{Router: w.router, Session: sess, PublicKey: d.key.Public, Suggester: w.env, Log: log})
	d.fake.AddChannel(discordtest.Channel{ID: discordChannel, GuildID: discordGuild, Type: 0, Name: "campaign"})
	d.srv = httptest.NewServer(d.ad)
	w.t.Cleanup(func() { d.srv.Close(); d.ad.Wait() })
	return d
}

func (d *discordDriver) id(n int, _ string) string { return fmt.Sprintf("6%017d", n) }

// join makes p a member of the server, as Discord's member lookup
// answers.
func (d *discordDriver) join(p *person) {
	d.fake.AddMember(discordGuild, discordtest.Member{ID: p.id, Username: strings.ToLower(p.name), GlobalName: p.name})
}

func (d *discordDriver) sender() bot.Sender { return d.ad.Sender() }
func (d *discordDriver) group() string      { return discordGuild }
func (d *discordDriver) channel() string    { return discordChannel }

// room adds a text channel of the server.
func (d *discordDriver) room(name string) string {
	id := discordtest.NewID()
	d.fake.AddChannel(discordtest.Channel{ID: id, GuildID: discordGuild, Type: 0, Name: name})
	return id
}

// discordMention is a user mention in Discord text.
var discordMention = regexp.MustCompile(`<@!?([0-9]{15,21})>`)

// wholeMention is a value that is one @name and nothing else.
var wholeMention = regexp.MustCompile(`^@([A-Za-z][A-Za-z0-9_-]*)$`)

// run sends the line as a Discord client sends a chat command: it is
// parsed with the command tree to find the subcommand and each option's
// raw value, and each value is sent typed by its kind (integers and
// booleans as JSON, one user as a resolved USER option; text, times,
// choices and several people as strings, mentions as <@id>). "help"
// becomes /help command:… A line the tree cannot parse cannot be typed on
// Discord at all (its client offers only the registered commands and
// options): it gets the core's refusal without reaching the adapter.
func (d *discordDriver) run(p *person, line string) shown {
	d.w.mentions(line, func(p *person) string { return "@" + p.name }) // meet the people named
	inv, err := d.w.router.Tree().ParseLine(line)
	if err != nil {
		req := &bot.Request{Platform: discord.Platform, Locale: "en-US"}
		r := bot.Describe(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), req, err)
		return shown{text: flat(r), private: true}
	}
	cmd, args := inv.Command, inv.Args
	if inv.Help {
		cmd, args = d.w.router.Tree().Lookup("help"), map[string]string{"command": inv.Command.Path()}
	}
	id := d.next()
	return d.send(id, d.interaction(id, interactionCommand, d.commandData(cmd, args), p, nil))
}

// commandData is the data of a chat command: the root, its subcommand
// (group) options, and the leaf's typed options.
func (d *discordDriver) commandData(cmd *bot.Command, args map[string]string) map[string]any {
	users, members := map[string]any{}, map[string]any{}
	opts := []any{}
	for _, o := range cmd.Options {
		raw, ok := args[o.Name]
		if !ok {
			continue
		}
		typed := d.w.mentions(raw, func(p *person) string { return "<@" + p.id + ">" })
		typ, v := optString, any(d.w.channels(typed, func(id, _ string) string { return "<#" + id + ">" }))
		switch o.Kind {
		case bot.Integer:
			typ = optInteger
			if n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(raw), "#"), 10, 64); err == nil {
				v = n
			}
		case bot.Boolean:
			typ = optBoolean
			switch strings.ToLower(strings.TrimSpace(raw)) {
			case "yes", "y", "true", "on", "1":
				v = true
			case "no", "n", "false", "off", "0":
				v = false
			}
		case bot.UserKind:
			typ = optUser
			if m := wholeMention.FindStringSubmatch(strings.TrimSpace(raw)); m != nil {
				p := d.w.person(m[1])
				v = p.id
				users[p.id] = map[string]any{"id": p.id, "username": strings.ToLower(p.name), "global_name": p.name, "discriminator": "0"}
				members[p.id] = map[string]any{"roles": []string{}, "joined_at": "2026-01-05T18:00:00.000000+00:00", "permissions": discordMember}
			}
		}
		opts = append(opts, map[string]any{"name": o.Name, "type": typ, "value": v})
	}
	var chain []*bot.Command
	for c := cmd; c != nil; c = c.Parent() {
		chain = append([]*bot.Command{c}, chain...)
	}
	for i := len(chain) - 1; i >= 1; i-- {
		typ := optSubcommand
		if i < len(chain)-1 {
			typ = optGroup
		}
		opts = []any{map[string]any{"name": chain[i].Name, "type": typ, "options": opts}}
	}
	data := map[string]any{"id": "500000000000000001", "name": chain[0].Name, "type": 1, "options": opts}
	if len(users) > 0 {
		data["resolved"] = map[string]any{"users": users, "members": members}
	}
	return data
}

// click sends a MESSAGE_COMPONENT interaction for the button, carrying
// the message it was clicked on, as Discord does.
func (d *discordDriver) click(p *person, on shown, b button) shown {
	return d.clickIn(false, p, on, b)
}

// clickDM clicks in the person's direct messages with the bot: the
// interaction then comes from a user, not a server member, without a
// server.
func (d *discordDriver) clickDM(p *person, on shown, b button) shown {
	return d.clickIn(true, p, on, b)
}

func (d *discordDriver) clickIn(dm bool, p *person, on shown, b button) shown {
	msg := d.message(on.raw)
	extra := map[string]any{"message": msg}
	if dm {
		extra["guild_id"], extra["member"], extra["guild_locale"], extra["context"] = nil, nil, nil, 1
		extra["channel_id"], msg["channel_id"] = "4"+p.id, "4"+p.id
		extra["user"] = map[string]any{"id": p.id, "username": strings.ToLower(p.name), "global_name": p.name, "discriminator": "0"}
	}
	id := d.next()
	return d.send(id, d.interaction(id, interactionComponent, map[string]any{"custom_id": b.value, "component_type": 2}, p, extra))
}

// fill submits a modal with the values in its inputs, or fills a sheet as
// a Discord user does: each pick is an interaction answered with the
// sheet updated (type 7), then Save runs the command, or first opens a
// modal of the sheet's text fields, whose submit carries the sheet.
func (d *discordDriver) fill(p *person, on shown, values []string) shown {
	f := on.form
	if !f.sheet {
		return d.submit(p, f.customID, f.fields, values, nil)
	}
	sheet := on
	for i, fl := range f.fields {
		if i >= len(values) || len(fl.choices) == 0 || values[i] == fl.initial {
			continue
		}
		id := d.next()
		data := map[string]any{"custom_id": fl.id, "component_type": 3, "values": []string{values[i]}}
		sheet = d.send(id, d.interaction(id, interactionComponent, data, p, map[string]any{"message": d.message(sheet.raw)}))
		if sheet.form == nil {
			d.w.t.Fatalf("picking %q in %q did not give the sheet back:\n%s", values[i], fl.label, sheet.text)
		}
	}
	var save button
	for _, b := range sheet.buttons {
		if strings.HasPrefix(b.value, "f:") || strings.HasPrefix(b.value, "t:") {
			save = b
		}
	}
	if save.value == "" {
		d.w.t.Fatalf("the sheet has no Save button:\n%s", sheet.text)
	}
	id := d.next()
	out := d.send(id, d.interaction(id, interactionComponent, map[string]any{"custom_id": save.value, "component_type": 2}, p, map[string]any{"message": d.message(sheet.raw)}))
	if out.form == nil || out.form.sheet {
		return out
	}
	// Save… opened a modal of the sheet's text fields.
	var texts []string
	var fields []field
	for _, in := range out.form.fields {
		n, _, _ := strings.Cut(strings.TrimPrefix(in.id, "n:"), ":")
		i, err := strconv.Atoi(n)
		v := ""
		if err == nil && i < len(values) {
			v = values[i]
		}
		texts, fields = append(texts, v), append(fields, in)
	}
	return d.submit(p, out.form.customID, fields, texts, d.message(sheet.raw))
}

// submit sends a modal's submit with values in its inputs, in order, and
// the message the modal was opened from, if any.
func (d *discordDriver) submit(p *person, customID string, inputs []field, values []string, from map[string]any) shown {
	var rows []any
	for i, in := range inputs {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": in.id, "value": v}}})
	}
	var extra map[string]any
	if from != nil {
		extra = map[string]any{"message": from}
	}
	id := d.next()
	return d.send(id, d.interaction(id, interactionModal, map[string]any{"custom_id": customID, "components": rows}, p, extra))
}

// message is a message the bot sent, as Discord carries it with an
// interaction on one of its components.
func (d *discordDriver) message(raw []byte) map[string]any {
	var msg map[string]any
	if err := json.Unmarshal(raw, &msg); err != nil {
		d.w.t.Fatalf("message %s: %v", raw, err)
	}
	msg["id"], msg["channel_id"], msg["type"], msg["timestamp"] = "200000000000000001", discordChannel, 20, "2026-11-27T15:00:00.000000+00:00"
	msg["author"] = map[string]any{"id": d.fake.AppID, "username": "fcbot", "bot": true, "discriminator": "0"}
	return msg
}

// next is a fresh interaction id: the adapter refuses ids made more than
// five minutes from now, whatever the world's clock says.
func (d *discordDriver) next() string { return discordtest.NewID() }

// interaction is an interaction payload as Discord sends it, from p, a
// member of the server without Administrator or Manage Server.
func (d *discordDriver) interaction(id string, typ int, data any, p *person, extra map[string]any) []byte {
	v := map[string]any{
		"id": id, "application_id": d.fake.AppID, "type": typ, "data": data,
		"guild_id": discordGuild, "channel_id": discordChannel,
		"member": map[string]any{
			"user":  map[string]any{"id": p.id, "username": strings.ToLower(p.name), "global_name": p.name, "discriminator": "0"},
			"roles": []string{}, "permissions": discordMember, "joined_at": "2026-01-05T18:00:00.000000+00:00", "flags": 0,
		},
		"token": "tok-" + id, "version": 1, "locale": "en-US", "guild_locale": "en-US",
		"app_permissions": "2248473465835073", "entitlements": []any{}, "context": 0,
	}
	for k, x := range extra {
		if x == nil {
			delete(v, k)
		} else {
			v[k] = x
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		d.w.t.Fatal(err)
	}
	return b
}

// send posts a signed interaction and reads what the user is shown: the
// message of the response, the edit or follow-up that completes a
// deferred one, or a modal.
func (d *discordDriver) send(id string, body []byte) shown {
	d.w.t.Helper()
	resp, err := http.DefaultClient.Do(d.key.Request(d.w.t, d.srv.URL, body))
	if err != nil {
		d.w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		d.w.t.Fatalf("interaction: %d %s", resp.StatusCode, raw)
	}
	var out struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		d.w.t.Fatalf("interaction response %s: %v", raw, err)
	}
	var m discordMessage
	if len(out.Data) > 0 {
		if err := json.Unmarshal(out.Data, &m); err != nil {
			d.w.t.Fatalf("interaction response %s: %v", raw, err)
		}
	}
	switch out.Type {
	case responseMessage, responseUpdate:
		return d.shown(m, out.Data)
	case responseModal:
		f := &form{title: m.Title, customID: m.CustomID}
		for _, row := range m.Components {
			for _, in := range row.Components {
				f.fields = append(f.fields, field{label: in.Label, id: in.CustomID})
			}
		}
		return shown{text: f.text(), private: true, form: f}
	case responseDeferred, responseDeferredUpdate:
		return d.completed(id, m.Flags&64 != 0)
	}
	d.w.t.Fatalf("interaction response of type %d: %s", out.Type, raw)
	return shown{}
}

// completed waits for the edit of the original response, or the private
// follow-up that replaces it, of a deferred interaction.
func (d *discordDriver) completed(id string, private bool) shown {
	d.w.t.Helper()
	hook := "/webhooks/" + d.fake.AppID + "/tok-" + id
	deadline := time.Now().Add(time.Minute)
	for {
		for _, c := range d.fake.Calls() {
			edit := c.Method == http.MethodPatch && c.Path == hook+"/messages/@original"
			follow := c.Method == http.MethodPost && c.Path == hook
			if (edit || follow) && c.Status < 300 {
				var m discordMessage
				if err := json.Unmarshal(c.Body, &m); err != nil {
					d.w.t.Fatalf("%s %s: %v", c.Method, c.Path, err)
				}
				if edit && private {
					m.Flags |= 64
				}
				return d.shown(m, c.Body)
			}
		}
		if time.Now().After(deadline) {
			d.w.t.Fatalf("deferred interaction %s never completed", id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (d *discordDriver) shown(m discordMessage, raw []byte) shown {
	r, buttons := readDiscord(m)
	for i := range buttons {
		buttons[i].action = d.w.names(buttons[i].action, discordMention)
	}
	if f := discordSheet(m); f != nil {
		return shown{text: f.text(), private: r.Ephemeral, buttons: buttons, raw: raw, form: f}
	}
	return shown{text: d.w.roomNamesIn(d.w.names(flat(r), discordMention)), private: r.Ephemeral, buttons: buttons, raw: raw}
}

var channelMessages = regexp.MustCompile(`^/channels/([^/]+)/messages$`)

// sent reads the channel messages the Sender posted: to a person's
// direct messages (the fake names the DM channel "4" and their id), or to
// a channel.
func (d *discordDriver) sent() []delivery {
	var out []delivery
	for _, c := range d.fake.Calls() {
		m := channelMessages.FindStringSubmatch(c.Path)
		if c.Method != http.MethodPost || m == nil || c.Status >= 300 {
			continue
		}
		to := "#" + m[1]
		if id, ok := strings.CutPrefix(m[1], "4"); ok && d.w.byID[id] != nil {
			to = id
		}
		var msg discordMessage
		if err := json.Unmarshal(c.Body, &msg); err != nil {
			d.w.t.Fatalf("POST %s: %v", c.Path, err)
		}
		out = append(out, delivery{to: to, msg: d.shown(msg, c.Body)})
	}
	return out
}
