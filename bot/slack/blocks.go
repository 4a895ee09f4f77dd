package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"github.com/fcbot/fcbot/bot"
)

// Block Kit's limits (https://docs.slack.dev/reference/block-kit/blocks).
const (
	maxBlocks        = 50
	maxSectionText   = 3000
	maxFieldText     = 2000
	maxSectionFields = 10
	maxHeaderText    = 150
	maxButtonLabel   = 75
	maxActionID      = 255
	maxButtonValue   = 2000
	maxFallback      = 3000
	maxModalTitle    = 24
	maxInputLabel    = 2000
	maxPlaceholder   = 150
	maxMetadata      = 3000
	maxFieldError    = 500
)

// toneIcons mark replies whose tone matters at a glance.
var toneIcons = map[bot.Tone]string{
	bot.Success: ":white_check_mark: ",
	bot.Warning: ":warning: ",
	bot.Failure: ":x: ",
}

// esc escapes the three characters Slack's mrkdwn reserves. Every text the
// core returns may carry user input, so all of it is escaped.
func esc(s string) string { return slackutilsx.EscapeMessage(s) }

// message renders a reply as a Slack message: Block Kit blocks plus the
// fallback text notifications show. Failures and ephemeral replies are
// seen by the caller only.
func message(r bot.Reply) *slack.WebhookMessage {
	m := &slack.WebhookMessage{
		ResponseType: slack.ResponseTypeInChannel,
		Text:         fallback(r),
		Blocks:       &slack.Blocks{BlockSet: blocks(r)},
	}
	if r.Ephemeral || r.Tone == bot.Failure {
		m.ResponseType = slack.ResponseTypeEphemeral
	}
	return m
}

// fallback is the plain text shown in notifications and by clients that
// cannot draw blocks.
func fallback(r bot.Reply) string {
	t := r.PlainText()
	if t == "" {
		t = "…"
	}
	return bot.Clip(toneIcons[r.Tone]+esc(t), maxFallback)
}

// blocks renders r as at most 50 blocks: a header (or a bold section when
// the title is too long for one), the text, the fields ten to a section,
// the items as text chunks, the footer as context and the buttons as
// actions.
func blocks(r bot.Reply) []slack.Block {
	var out []slack.Block
	icon := toneIcons[r.Tone]
	if r.Title != "" {
		title := icon + r.Title
		icon = ""
		if utf8.RuneCountInString(title) <= maxHeaderText {
			out = append(out, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, title, true, false)))
		} else {
			out = append(out, section("*"+esc(title)+"*"))
		}
	}
	if r.Text != "" {
		for _, c := range chunks([]string{icon + esc(r.Text)}, "\n", maxSectionText) {
			out = append(out, section(c))
		}
	}
	for i := 0; i < len(r.Fields); i += maxSectionFields {
		var fields []*slack.TextBlockObject
		for _, f := range r.Fields[i:min(i+maxSectionFields, len(r.Fields))] {
			text := bot.Clip("*"+esc(f.Name)+"*\n"+esc(f.Value), maxFieldText)
			fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, text, false, false))
		}
		out = append(out, slack.NewSectionBlock(nil, fields, nil))
	}
	if len(r.Items) > 0 {
		lines := make([]string, len(r.Items))
		for i, it := range r.Items {
			lines[i] = "• " + esc(it)
		}
		for _, c := range chunks(lines, "\n", maxSectionText) {
			out = append(out, section(c))
		}
	}
	if len(out) == 0 {
		out = append(out, section(icon+"…"))
	}
	var tail []slack.Block
	if r.Footer != "" {
		tail = append(tail, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, bot.Clip(esc(r.Footer), maxSectionText), false, false)))
	}
	if len(r.Buttons) > 0 {
		tail = append(tail, actions(r.Buttons))
	}
	if len(out)+len(tail) > maxBlocks {
		out = append(out[:maxBlocks-len(tail)-1], section("…"))
	}
	return append(out, tail...)
}

func section(mrkdwn string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, bot.Clip(mrkdwn, maxSectionText), false, false), nil, nil)
}

// chunks joins parts with sep into pieces of at most limit characters; a
// part longer than limit is cut.
func chunks(parts []string, sep string, limit int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, p := range parts {
		for utf8.RuneCountInString(p) > limit {
			r := []rune(p)
			if n > 0 {
				out = append(out, cur.String())
				cur.Reset()
				n = 0
			}
			out = append(out, string(r[:limit]))
			p = string(r[limit:])
		}
		pn := utf8.RuneCountInString(p)
		if n > 0 && n+len(sep)+pn > limit {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteString(sep)
			n += len(sep)
		}
		cur.WriteString(p)
		n += pn
	}
	if n > 0 {
		out = append(out, cur.String())
	}
	return out
}

// actionPrefix marks the action ids of fcbot's buttons when the action
// text itself cannot be the id (too long, or repeated).
const actionPrefix = "fcbot-"

// actions renders buttons whose value (and, when it fits, action id)
// carries the button's action in the text grammar.
func actions(buttons []bot.Button) *slack.ActionBlock {
	seen := map[string]bool{}
	var els []slack.BlockElement
	for i, b := range buttons {
		if utf8.RuneCountInString(b.Action) > maxButtonValue {
			continue // cannot be carried; never happens with the core's limits
		}
		id := b.Action
		if utf8.RuneCountInString(id) > maxActionID || seen[id] || id == "" {
			id = actionPrefix + strconv.Itoa(i)
		}
		seen[id] = true
		el := slack.NewButtonBlockElement(id, b.Action, slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(b.Label, maxButtonLabel), true, false))
		switch b.Style {
		case bot.Success:
			el.WithStyle(slack.StylePrimary)
		case bot.Failure:
			el.WithStyle(slack.StyleDanger)
		}
		els = append(els, el)
	}
	return slack.NewActionBlock("fcbot-actions", els...)
}

// formCallback is the callback id of fcbot's modals.
const formCallback = "fcbot-form"

// formMeta is what a modal carries from the command that opened it to its
// submission.
type formMeta struct {
	Command string            `json:"c"`
	Fixed   map[string]string `json:"f,omitempty"`
	Channel string            `json:"ch,omitempty"`
}

// modal renders a form as a Slack modal: one plain-text input per field,
// its block and action ids being the option's name.
func modal(locale string, f *bot.Form, meta string) slack.ModalViewRequest {
	title := f.Title
	if title == "" {
		title = "/" + f.Command
	}
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      formCallback,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(title, maxModalTitle), false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(bot.Translate(locale, bot.M("slack.modal.submit")), maxModalTitle), false, false),
		Close:           slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(bot.Translate(locale, bot.M("slack.modal.close")), maxModalTitle), false, false),
		PrivateMetadata: meta,
	}
	for _, field := range f.Fields {
		var placeholder *slack.TextBlockObject
		if field.Placeholder != "" {
			placeholder = slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(field.Placeholder, maxPlaceholder), false, false)
		}
		label := field.Label
		if label == "" {
			label = field.Option
		}
		input := slack.NewPlainTextInputBlockElement(placeholder, field.Option).WithMultiline(field.Long)
		block := slack.NewInputBlock(field.Option, slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(label, maxInputLabel), false, false), nil, input).WithOptional(!field.Required)
		v.Blocks.BlockSet = append(v.Blocks.BlockSet, block)
	}
	return v
}
