package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
)

const (
	slackSecret  = "8f742231b10e8888abcd99yyyzzz85a5"
	slackTeam    = "T0001"
	slackChannel = "C0001"
)

// slackDriver is a workspace talking to the Slack adapter in HTTP mode:
// signed slash commands and block_actions to its handlers, its Web API
// calls answered and recorded by a fake Slack.
type slackDriver struct {
	w      *world
	fake   *fakeslack.Server
	ad     *slack.Adapter
	srv    *httptest.Server
	serial int
}

func newSlackDriver(w *world, log *slog.Logger) *slackDriver {
	d := &slackDriver{w: w, fake: fakeslack.New(w.t)}
	ad, err := slack.New(slack.Config{
		BotToken: "xoxb-test", SigningSecret: slackSecret, APIURL: d.fake.APIURL(),
		Router: w.router, Log: log,
	})
	if err != nil {
		w.t.Fatal(err)
	}
	d.ad = ad
	mux := http.NewServeMux()
	mux.Handle("POST "+slack.CommandsPath, ad.Commands())
	mux.Handle("POST "+slack.InteractionsPath, ad.Interactions())
	d.srv = httptest.NewServer(mux)
	w.t.Cleanup(d.srv.Close)
	return d
}

func (d *slackDriver) id(n int, _ string) string { return fmt.Sprintf("U%04d", 1000+n) }
func (d *slackDriver) sender() bot.Sender        { return d.ad.Sender() }
func (d *slackDriver) group() string             { return slackTeam }
func (d *slackDriver) channel() string           { return slackChannel }

// join adds the person to the workspace, as users.info describes them.
func (d *slackDriver) join(p *person) {
	d.fake.AddUser(fakeslack.User{ID: p.id, Name: p.name, Locale: "en-US"})
}

// room adds a public channel of the workspace with the bot in it.
func (d *slackDriver) room(name string) string {
	id := fmt.Sprintf("C%04d", 2000+len(d.w.rooms))
	d.fake.AddChannel(fakeslack.Channel{ID: id, Name: name, BotMember: true})
	return id
}

// slackEscape escapes what Slack escapes in a command's text.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackMention is how a user mention reaches fcbot: <@U…> with the name
// after a bar in slash commands.
var slackMention = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// run sends the line as Slack sends a slash command: the command, and the
// rest as escaped text with mentions as <@U…|name>.
func (d *slackDriver) run(p *person, line string) shown {
	line = strings.TrimSpace(line)
	cmd, text, _ := strings.Cut(line, " ")
	text = d.w.mentions(slackEscape.Replace(strings.TrimSpace(text)), func(p *person) string {
		return "<@" + p.id + "|" + strings.ToLower(p.name) + ">"
	})
	text = d.w.channels(text, func(id, name string) string { return "<#" + id + "|" + name + ">" })
	trigger := d.trigger()
	form := fakeslack.SlashCommand(slackTeam, slackChannel, p.id, strings.ToLower(p.name), "/"+strings.TrimPrefix(cmd, "/"), text, trigger, d.fake.ResponseURL(trigger))
	ack := d.post(slack.CommandsPath, form)
	if len(ack) > 0 {
		var m slackMessage
		if err := json.Unmarshal(ack, &m); err != nil {
			d.w.t.Fatalf("slack acknowledgement %s: %v", ack, err)
		}
		return d.shown(m)
	}
	return d.answer(trigger)
}

// click sends a block_actions payload for the button, as p, and reads the
// reply the adapter posts to the click's response_url.
func (d *slackDriver) click(p *person, on shown, b button) shown {
	return d.clickIn(slackChannel, p, on, b)
}

// clickDM clicks in the person's direct messages with the bot.
func (d *slackDriver) clickDM(p *person, on shown, b button) shown {
	return d.clickIn("D"+strings.TrimPrefix(p.id, "U"), p, on, b)
}

func (d *slackDriver) clickIn(channel string, p *person, on shown, b button) shown {
	trigger := d.trigger()
	payload := map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": p.id, "username": strings.ToLower(p.name), "name": strings.ToLower(p.name), "team_id": slackTeam},
		"api_app_id": "A0001", "token": "legacy", "trigger_id": trigger,
		"container":    map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": channel, "is_ephemeral": on.private},
		"team":         map[string]any{"id": slackTeam, "domain": "example"},
		"channel":      map[string]any{"id": channel, "name": "general"},
		"response_url": d.fake.ResponseURL(trigger),
		"actions": []any{map[string]any{
			"action_id": b.actionID, "block_id": "fcbot-actions", "type": "button", "value": b.value,
			"text": map[string]any{"type": "plain_text", "text": b.label, "emoji": true}, "action_ts": "1700000001.000200",
		}},
	}
	body, _ := json.Marshal(payload)
	if ack := d.post(slack.InteractionsPath, url.Values{"payload": {string(body)}}); len(ack) > 0 {
		d.w.t.Fatalf("click acknowledged with %s, want an empty 200", ack)
	}
	return d.answer(trigger)
}

// fill submits the modal with a value in each of its first inputs: the
// text typed, or the option picked (the initial one for ""), as Slack
// reports a view's state.
func (d *slackDriver) fill(p *person, on shown, values []string) shown {
	f := on.form
	state := map[string]any{}
	for i, fl := range f.fields {
		v := fl.initial
		if i < len(values) {
			v = values[i]
		}
		if len(fl.choices) == 0 {
			state[fl.id] = map[string]any{fl.id: map[string]any{"type": "plain_text_input", "value": v}}
			continue
		}
		for _, c := range fl.choices {
			if c.value == v {
				picked := map[string]any{"text": map[string]any{"type": "plain_text", "text": c.label}, "value": c.value}
				state[fl.id] = map[string]any{fl.id: map[string]any{"type": "static_select", "selected_option": picked}}
			}
		}
	}
	trigger := d.trigger()
	payload := map[string]any{
		"type":       "view_submission",
		"user":       map[string]any{"id": p.id, "username": strings.ToLower(p.name), "name": strings.ToLower(p.name), "team_id": slackTeam},
		"api_app_id": "A0001", "token": "legacy", "trigger_id": trigger,
		"team": map[string]any{"id": slackTeam, "domain": "example"},
		"view": map[string]any{
			"id": "V0001", "team_id": slackTeam, "type": "modal", "callback_id": f.view["callback_id"],
			"private_metadata": f.view["private_metadata"], "blocks": f.view["blocks"], "title": f.view["title"],
			"state": map[string]any{"values": state},
		},
	}
	body, _ := json.Marshal(payload)
	before := len(d.fake.Calls(""))
	if ack := d.post(slack.InteractionsPath, url.Values{"payload": {string(body)}}); len(ack) > 0 {
		// The modal stays open, with the refusal on an input.
		var v struct {
			Errors map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(ack, &v); err != nil || len(v.Errors) == 0 {
			d.w.t.Fatalf("view_submission acknowledged with %s", ack)
		}
		var msgs []string
		for _, fl := range f.fields {
			if e, ok := v.Errors[fl.id]; ok {
				msgs = append(msgs, e)
			}
		}
		return shown{text: "✗ " + strings.Join(msgs, " "), private: true, form: f}
	}
	// The modal closed; the result is posted to the submitter, privately
	// or in the channel the form was opened from.
	c := d.wait(before, func(c fakeslack.Call) bool { return c.Method == "chat.postEphemeral" || c.Method == "chat.postMessage" })
	return d.posted(c.Form, c.Method == "chat.postEphemeral")
}

func (d *slackDriver) trigger() string {
	d.serial++
	return fmt.Sprintf("13345224609.%d.abc", d.serial)
}

// post sends a signed form and returns the acknowledgement's body.
func (d *slackDriver) post(path string, form url.Values) []byte {
	d.w.t.Helper()
	resp, err := http.DefaultClient.Do(fakeslack.Request(d.srv.URL+path, slackSecret, form, time.Now()))
	if err != nil {
		d.w.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		d.w.t.Fatalf("POST %s: %d %s", path, resp.StatusCode, body)
	}
	return []byte(strings.TrimSpace(string(body)))
}

// answer waits for what a command or click acknowledged empty ends in:
// a post to its response_url, or a modal opened with its trigger id.
func (d *slackDriver) answer(trigger string) shown {
	d.w.t.Helper()
	c := d.wait(0, func(c fakeslack.Call) bool {
		return c.Method == "response" && c.Path == "/response/"+trigger ||
			c.Method == "views.open" && c.JSON["trigger_id"] == trigger
	})
	if c.Method == "views.open" {
		return d.modal(c.JSON)
	}
	raw, _ := json.Marshal(c.JSON)
	var m slackMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		d.w.t.Fatalf("response_url post %s: %v", raw, err)
	}
	return d.shown(m)
}

// slackView is the part of a modal view the harness reads.
type slackView struct {
	Title  slackText `json:"title"`
	Blocks []struct {
		Type    string    `json:"type"`
		BlockID string    `json:"block_id"`
		Label   slackText `json:"label"`
		Element struct {
			Type    string        `json:"type"`
			Options []slackOption `json:"options"`
			Initial *slackOption  `json:"initial_option"`
		} `json:"element"`
	} `json:"blocks"`
}

type slackOption struct {
	Text  slackText `json:"text"`
	Value string    `json:"value"`
}

// modal reads the view a views.open call opened.
func (d *slackDriver) modal(call map[string]any) shown {
	view, _ := call["view"].(map[string]any)
	raw, _ := json.Marshal(view)
	var v slackView
	if err := json.Unmarshal(raw, &v); err != nil {
		d.w.t.Fatalf("views.open %s: %v", raw, err)
	}
	f := &form{title: v.Title.Text, view: view}
	for _, b := range v.Blocks {
		if b.Type != "input" {
			continue
		}
		fl := field{label: b.Label.Text, id: b.BlockID}
		for _, o := range b.Element.Options {
			fl.choices = append(fl.choices, choice{value: o.Value, label: o.Text.Text})
		}
		if b.Element.Initial != nil {
			fl.initial = b.Element.Initial.Value
		}
		f.fields = append(f.fields, fl)
	}
	return shown{text: f.text(), private: true, form: f}
}

// wait waits up to 10 s for a call matching ok among the calls after
// the first skip, and returns it.
func (d *slackDriver) wait(skip int, ok func(fakeslack.Call) bool) fakeslack.Call {
	d.w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		calls := d.fake.Calls("")
		for _, c := range calls[min(skip, len(calls)):] {
			if ok(c) {
				return c
			}
		}
		if time.Now().After(deadline) {
			d.w.t.Fatalf("fake slack: no answer after 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (d *slackDriver) shown(m slackMessage) shown {
	r, buttons := readSlack(m)
	for i := range buttons {
		buttons[i].action = d.w.names(buttons[i].action, slackMention)
	}
	return shown{text: d.w.roomNamesIn(d.w.names(flat(r), slackMention)), private: r.Ephemeral, buttons: buttons}
}

// posted reads a chat.postMessage or chat.postEphemeral call.
func (d *slackDriver) posted(form url.Values, private bool) shown {
	m := slackMessage{Text: form.Get("text")}
	if err := json.Unmarshal([]byte(form.Get("blocks")), &m.Blocks); err != nil {
		d.w.t.Fatalf("blocks %q: %v", form.Get("blocks"), err)
	}
	if private {
		m.ResponseType = "ephemeral"
	}
	return d.shown(m)
}

// sent reads chat.postMessage calls: to a person's direct messages (the
// D… channel conversations.open gave for U…), or to a channel.
func (d *slackDriver) sent() []delivery {
	var out []delivery
	for _, c := range d.fake.Calls("chat.postMessage") {
		ch := c.Form.Get("channel")
		to := "#" + ch
		if id, ok := strings.CutPrefix(ch, "D"); ok && d.w.byID["U"+id] != nil {
			to = "U" + id
		}
		out = append(out, delivery{to: to, msg: d.posted(c.Form, false)})
	}
	return out
}
