package scenario

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// Slack and Discord messages are read back into a bot.Reply (title, text,
// items, fields, footer, buttons, tone) from what the platform would
// draw, then rendered as the console renders replies, so that the three
// platforms are compared as the same plain text.

// flat renders a reply read back from a platform as the console would.
func flat(r bot.Reply) string { return console.Render(r) }

// slackMessage is a Block Kit message: an acknowledgement, a response_url
// post, or a chat.postMessage.
type slackMessage struct {
	ResponseType string       `json:"response_type"`
	Text         string       `json:"text"`
	Blocks       []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string            `json:"type"`
	Text     *slackText        `json:"text"`
	Fields   []slackText       `json:"fields"`
	Elements []json.RawMessage `json:"elements"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackButton struct {
	ActionID string    `json:"action_id"`
	Value    string    `json:"value"`
	Text     slackText `json:"text"`
}

// slackIcons are the tone marks Slack messages start with.
var slackIcons = map[string]bot.Tone{":white_check_mark: ": bot.Success, ":warning: ": bot.Warning, ":x: ": bot.Failure}

// slackUnescape undoes the escaping of &, < and > in mrkdwn text.
var slackUnescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// readSlack reads a Block Kit message: a header (the title), a section of
// text, sections of fields ("*Name*\nvalue"), sections of "• " items, a
// context block (the footer) and an actions block (the buttons).
func readSlack(m slackMessage) (bot.Reply, []button) {
	r := bot.Reply{Ephemeral: m.ResponseType == "ephemeral"}
	var buttons []button
	toned := false
	tone := func(s string) string {
		if toned {
			return s
		}
		toned = true
		for icon, t := range slackIcons {
			if rest, ok := strings.CutPrefix(s, icon); ok {
				r.Tone = t
				return rest
			}
		}
		return s
	}
	var text, items []string
	for i, b := range m.Blocks {
		switch b.Type {
		case "header":
			if b.Text != nil {
				r.Title = tone(b.Text.Text)
			}
		case "section":
			for _, f := range b.Fields {
				name, value, _ := strings.Cut(slackUnescape.Replace(f.Text), "\n")
				name = strings.TrimSuffix(strings.TrimPrefix(name, "*"), "*")
				r.Fields = append(r.Fields, bot.Field{Name: name, Value: value})
			}
			if b.Text == nil {
				continue
			}
			s := b.Text.Text
			if i == 0 && len(m.Blocks) > 1 && strings.HasPrefix(s, "*") && strings.HasSuffix(s, "*") && !strings.Contains(s, "\n") {
				// A title too long for a header is a bold section.
				r.Title = tone(slackUnescape.Replace(strings.Trim(s, "*")))
				continue
			}
			s = tone(s)
			if lines := strings.Split(s, "\n"); bulleted(lines) {
				for _, l := range lines {
					items = append(items, slackUnescape.Replace(strings.TrimPrefix(l, "• ")))
				}
				continue
			}
			text = append(text, slackUnescape.Replace(s))
		case "context":
			for _, e := range b.Elements {
				var t slackText
				if json.Unmarshal(e, &t) == nil && t.Text != "" {
					r.Footer = slackUnescape.Replace(t.Text)
				}
			}
		case "actions":
			for _, e := range b.Elements {
				var bt slackButton
				if json.Unmarshal(e, &bt) == nil {
					buttons = append(buttons, button{label: bt.Text.Text, action: strings.TrimPrefix(bt.Value, "/"), value: bt.Value, actionID: bt.ActionID})
					r.Buttons = append(r.Buttons, bot.Button{Label: bt.Text.Text, Action: strings.TrimPrefix(bt.Value, "/")})
				}
			}
		}
	}
	r.Text = strings.Join(text, "\n")
	if r.Text == "…" && r.Title == "" && len(r.Fields) == 0 && len(items) == 0 {
		r.Text = "" // the placeholder of an empty message
	}
	r.Items = items
	return r, buttons
}

// bulleted reports whether every line is a "• " item.
func bulleted(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "• ") {
			return false
		}
	}
	return len(lines) > 0
}

// discordMessage is a Discord message: an interaction response's data, an
// edit of the original response, a follow-up, a channel message, or a
// modal (custom_id, title and rows of text inputs). A Components V2
// message (flag 1<<15) has no content or embeds: its text is markdown in
// Text Displays.
type discordMessage struct {
	Content    string             `json:"content"`
	Flags      int                `json:"flags"`
	Embeds     []discordEmbed     `json:"embeds"`
	Components []discordComponent `json:"components"`
	CustomID   string             `json:"custom_id"`
	Title      string             `json:"title"`
}

type discordEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Color       int    `json:"color"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
}

// discordComponent is any component: an action row (1) of buttons (2),
// string selects (3) or text inputs (4), or a Text Display (10).
type discordComponent struct {
	Type        int                `json:"type"`
	Label       string             `json:"label"`
	CustomID    string             `json:"custom_id"`
	Content     string             `json:"content"`
	Placeholder string             `json:"placeholder"`
	Options     []discordOption    `json:"options"`
	Components  []discordComponent `json:"components"`
}

type discordOption struct {
	Label   string `json:"label"`
	Value   string `json:"value"`
	Default bool   `json:"default"`
}

const (
	discordEphemeral = 1 << 6
	discordV2        = 1 << 15
)

// discordTones are the embed colours per tone.
var discordTones = map[int]bot.Tone{0x57F287: bot.Success, 0xFEE75C: bot.Warning, 0xED4245: bot.Failure}

// blank is what Discord gets for an empty text.
func blank(s string) string {
	if s == "\u200b" {
		return ""
	}
	return s
}

// readDiscord reads a message: plain content, or one embed whose
// description holds the text and then the "• " items, or Text Displays
// (see readMarkdown); buttons carry their action in the custom id ("a:…"),
// or its hash ("h:…") when the message shows the action as a ready
// command.
func readDiscord(m discordMessage) (bot.Reply, []button) {
	r := bot.Reply{Ephemeral: m.Flags&discordEphemeral != 0}
	switch {
	case m.Flags&discordV2 != 0:
		var texts []string
		for _, c := range m.Components {
			if c.Type == 10 {
				texts = append(texts, c.Content)
			}
		}
		readMarkdown(&r, strings.Join(texts, "\n"))
	case len(m.Embeds) == 0:
		r.Text = blank(m.Content)
	default:
		e := m.Embeds[0]
		r.Title, r.Tone = e.Title, discordTones[e.Color]
		r.Text, r.Items = textAndItems(e.Description)
		for _, f := range e.Fields {
			r.Fields = append(r.Fields, bot.Field{Name: blank(f.Name), Value: blank(f.Value)})
		}
		if e.Footer != nil {
			r.Footer = e.Footer.Text
		}
	}
	var buttons []button
	for _, row := range m.Components {
		for _, c := range row.Components {
			if c.Type != 2 {
				continue
			}
			action, ok := strings.CutPrefix(c.CustomID, "a:")
			if !ok {
				action, ok = discordReady(m, c.CustomID)
			}
			if !ok {
				action = "?" + c.CustomID // a button of a sheet, or one nobody can run
			}
			buttons = append(buttons, button{label: blank(c.Label), action: action, value: c.CustomID})
			if !strings.HasPrefix(action, "?") {
				r.Buttons = append(r.Buttons, bot.Button{Label: blank(c.Label), Action: action})
			}
		}
	}
	return r, buttons
}

// textAndItems splits a description into the text and the "• " items
// that end it (with the "… and N more" line, if any).
func textAndItems(desc string) (string, []string) {
	if desc == "" {
		return "", nil
	}
	lines := strings.Split(desc, "\n")
	cut := len(lines)
	for cut > 0 && (strings.HasPrefix(lines[cut-1], "• ") || cut == len(lines) && strings.HasPrefix(lines[cut-1], "… and ")) {
		cut--
	}
	var items []string
	for _, l := range lines[cut:] {
		items = append(items, strings.TrimPrefix(l, "• "))
	}
	return strings.Join(lines[:cut], "\n"), items
}

var markdownField = regexp.MustCompile(`^\*\*(.+?)\*\*: (.*)$`)

// readMarkdown reads a Text Display as the adapter writes one: "## "
// and the title (a form's title, with the reply's "**title**" after),
// the text and "• " items, "**Name**: value" fields, "-# " small print.
func readMarkdown(r *bot.Reply, md string) {
	lines := strings.Split(md, "\n")
	if len(lines) > 0 && strings.HasPrefix(lines[0], "## ") {
		r.Title, lines = strings.TrimPrefix(lines[0], "## "), lines[1:]
		if len(lines) > 0 && strings.HasPrefix(lines[0], "**") && strings.HasSuffix(lines[0], "**") && !markdownField.MatchString(lines[0]) {
			r.Title, lines = strings.Trim(lines[0], "*"), lines[1:]
		}
	}
	var small []string
	for len(lines) > 0 && strings.HasPrefix(lines[len(lines)-1], "-# ") {
		small = append([]string{strings.TrimPrefix(lines[len(lines)-1], "-# ")}, small...)
		lines = lines[:len(lines)-1]
	}
	r.Footer = strings.Join(small, "\n")
	end := len(lines)
	for end > 0 && markdownField.MatchString(lines[end-1]) {
		end--
	}
	for _, l := range lines[end:] {
		m := markdownField.FindStringSubmatch(l)
		r.Fields = append(r.Fields, bot.Field{Name: m[1], Value: m[2]})
	}
	r.Text, r.Items = textAndItems(blank(strings.Join(lines[:end], "\n")))
}

// discordSheet reads a sheet (a form with menus, see the adapter's
// sheet.go): its menus, "s:<field>:<options>", and the text fields its
// Save… button names, "t:<field>.<option>.<flags>,…|<command line>", in
// the form's order; nil when m is no sheet.
func discordSheet(m discordMessage) *form {
	type numbered struct {
		n int
		f field
	}
	var all []numbered
	title := ""
	for _, c := range m.Components {
		if c.Type == 10 && title == "" {
			first, _, _ := strings.Cut(c.Content, "\n")
			title = strings.TrimPrefix(first, "## ")
		}
		for _, in := range c.Components {
			switch {
			case in.Type == 3 && strings.HasPrefix(in.CustomID, "s:"):
				n, _, _ := strings.Cut(strings.TrimPrefix(in.CustomID, "s:"), ":")
				i, _ := strconv.Atoi(n)
				f := field{label: in.Placeholder, id: in.CustomID}
				for _, o := range in.Options {
					f.choices = append(f.choices, choice{value: o.Value, label: o.Label})
					if o.Default {
						f.initial = o.Value
					}
				}
				all = append(all, numbered{i, f})
			case in.Type == 2 && strings.HasPrefix(in.CustomID, "t:"):
				texts, _, _ := strings.Cut(strings.TrimPrefix(in.CustomID, "t:"), "|")
				for _, t := range strings.Split(texts, ",") {
					parts := strings.SplitN(t, ".", 3)
					if i, err := strconv.Atoi(parts[0]); err == nil && len(parts) > 1 {
						all = append(all, numbered{i, field{label: parts[1], id: "n:" + parts[0] + ":" + parts[1]}})
					}
				}
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].n < all[b].n })
	f := &form{title: title, sheet: true}
	for _, a := range all {
		f.fields = append(f.fields, a.f)
	}
	return f
}

var readyRE = regexp.MustCompile("`/([^`]+)`")

// discordReady finds the ready command a hashed custom id stands for in
// the message, as the adapter does when the button is clicked.
func discordReady(m discordMessage, id string) (string, bool) {
	texts := []string{m.Content}
	for _, e := range m.Embeds {
		texts = append(texts, e.Description)
		for _, f := range e.Fields {
			texts = append(texts, f.Value)
		}
		if e.Footer != nil {
			texts = append(texts, e.Footer.Text)
		}
	}
	for _, c := range m.Components {
		if c.Type == 10 {
			texts = append(texts, c.Content)
		}
	}
	for _, t := range texts {
		for _, sub := range readyRE.FindAllStringSubmatch(t, -1) {
			action := strings.TrimPrefix(strings.TrimSpace(sub[1]), "/")
			sum := sha256.Sum256([]byte(action))
			if "h:"+base64.RawURLEncoding.EncodeToString(sum[:18]) == id {
				return action, true
			}
		}
	}
	return "", false
}

// TestReadBack proves the readers: replies of every shape, drawn by each
// platform's adapter, read back as exactly the console's rendering.
func TestReadBack(t *testing.T) {
	t.Parallel()
	replies := []bot.Reply{
		{Text: "just text"},
		{Text: "<b>bold?</b> & &amp; *stars* `code`\nsecond line", Tone: bot.Success},
		{Title: "A title & <more>", Text: "Some text", Items: []string{"first", "second & <b>"}, Footer: "Page 1 of 2. … and 3 more: add page:2"},
		{Title: "Fields only", Fields: []bot.Field{{Name: "When", Value: "Thu Dec 3"}, {Name: "Multi", Value: "a\nb"}, {Name: "Inline", Value: "x", Inline: true}}},
		{Title: "Everything", Text: "text", Items: []string{"an item"}, Fields: []bot.Field{{Name: "F", Value: "v"}}, Footer: "footer", Tone: bot.Warning,
			Buttons: []bot.Button{{Label: "Rule 1", Action: "rules number:1"}, {Label: "Rule 3", Action: "rules number:3", Style: bot.Success}}},
		{Text: "There is no rule 12. Example: `/rules number:3`", Tone: bot.Failure, Ephemeral: true},
		{Title: "Refused with a title", Text: "why", Tone: bot.Failure, Ephemeral: true},
	}
	// One command per world: a tree links the commands it is built from.
	sample := func() *bot.Command {
		return &bot.Command{
			Name: "sample", Example: "/sample 1",
			Options: []bot.Option{{Name: "n", Kind: bot.Integer, Required: true}},
			Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
				n, _ := req.Int("n")
				// A copy: Fit clips in place, and the platforms run at once.
				r := replies[n]
				r.Items, r.Fields, r.Buttons = slices.Clone(r.Items), slices.Clone(r.Fields), slices.Clone(r.Buttons)
				return r, nil
			},
		}
	}
	for _, p := range platforms {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, p, storagetest.Open(t, storage.SQLite), sample())
			for i, r := range replies {
				got := w.run(fmt.Sprintf("/sample %d", i))
				if want := console.Render(r); got != want {
					t.Errorf("sample %d reads back as:\n%s\nwant:\n%s", i, got, want)
				}
				if p != console.Platform && w.last.private != r.Ephemeral {
					t.Errorf("sample %d: private %v, want %v", i, w.last.private, r.Ephemeral)
				}
				if len(r.Buttons) > 0 {
					if out := w.click("rules number:3"); !strings.Contains(out, "Rule 3") {
						t.Errorf("clicking Rule 3 on sample %d:\n%s", i, out)
					}
				}
			}
		})
	}
}
