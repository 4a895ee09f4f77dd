package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"github.com/fcbot/fcbot/bot"
)

// Block Kit's limits (https://docs.slack.dev/reference/block-kit/blocks,
// …/block-kit/composition-objects/option-object, …/block-kit/block-elements/
// select-menu-element, …/views/modal-views, and views.open's view_too_large).
const (
	maxBlocks        = 50 // per message
	maxModalBlocks   = 100
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
	maxBlockID       = 255
	maxOptions       = 100 // per static select
	maxOptionText    = 75
	maxOptionValue   = 150
	maxViewBytes     = 250_000 // views.open answers view_too_large above 250 kB
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
// seen by the caller only. locale is the reader's, for the few words the
// adapter adds itself.
func message(locale string, r bot.Reply) *slack.WebhookMessage {
	m := &slack.WebhookMessage{
		ResponseType: slack.ResponseTypeInChannel,
		Text:         fallback(r),
		Blocks:       &slack.Blocks{BlockSet: blocks(locale, r)},
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
// actions. When that makes too many, the last blocks before the footer
// give way to one line that says how many fields and items were left out.
func blocks(locale string, r bot.Reply) []slack.Block {
	var out []slack.Block
	var shows []int // how many fields or items each block of out shows
	add := func(b slack.Block, n int) {
		out = append(out, b)
		shows = append(shows, n)
	}
	icon := toneIcons[r.Tone]
	if r.Title != "" {
		title := icon + r.Title
		icon = ""
		if utf8.RuneCountInString(title) <= maxHeaderText {
			add(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, title, true, false)), 0)
		} else {
			add(section("*"+esc(title)+"*"), 0)
		}
	}
	if r.Text != "" {
		cs, _ := chunks([]string{icon + esc(r.Text)}, "\n", maxSectionText)
		for _, c := range cs {
			add(section(c), 0)
		}
	}
	for i := 0; i < len(r.Fields); i += maxSectionFields {
		var fields []*slack.TextBlockObject
		for _, f := range r.Fields[i:min(i+maxSectionFields, len(r.Fields))] {
			text := bot.Clip("*"+esc(f.Name)+"*\n"+esc(f.Value), maxFieldText)
			fields = append(fields, slack.NewTextBlockObject(slack.MarkdownType, text, false, false))
		}
		add(slack.NewSectionBlock(nil, fields, nil), len(fields))
	}
	if len(r.Items) > 0 {
		lines := make([]string, len(r.Items))
		for i, it := range r.Items {
			lines[i] = "• " + esc(it)
		}
		cs, starts := chunks(lines, "\n", maxSectionText)
		for i, c := range cs {
			add(section(c), starts[i])
		}
	}
	if len(out) == 0 {
		add(section(icon+"…"), 0)
	}
	var tail []slack.Block
	if r.Footer != "" {
		tail = append(tail, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, bot.Clip(esc(r.Footer), maxSectionText), false, false)))
	}
	if len(r.Buttons) > 0 {
		tail = append(tail, actions(r.Buttons))
	}
	if len(out)+len(tail) > maxBlocks {
		keep := maxBlocks - len(tail) - 1
		left := 0
		for _, n := range shows[keep:] {
			left += n
		}
		more := "…" // only text was cut, and the text says so by ending in "…"
		if left > 0 {
			more = esc(bot.Translate(locale, bot.M("slack.more", "Count", left)))
		}
		out = append(out[:keep], section(more))
	}
	return append(out, tail...)
}

func section(mrkdwn string) *slack.SectionBlock {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, bot.Clip(mrkdwn, maxSectionText), false, false), nil, nil)
}

// chunks joins parts with sep into pieces of at most limit characters; a
// part longer than limit is cut. starts says how many parts begin in each
// piece, so that a cut can count what it leaves out.
func chunks(parts []string, sep string, limit int) (pieces []string, starts []int) {
	var cur strings.Builder
	n, k := 0, 0 // characters in cur, parts begun in cur
	flush := func() {
		if n > 0 {
			pieces = append(pieces, cur.String())
			starts = append(starts, k)
		}
		cur.Reset()
		n, k = 0, 0
	}
	for _, p := range parts {
		begun := false
		for utf8.RuneCountInString(p) > limit {
			r := []rune(p)
			flush()
			pieces = append(pieces, string(r[:limit]))
			if begun {
				starts = append(starts, 0)
			} else {
				starts = append(starts, 1)
			}
			begun = true
			p = string(r[limit:])
		}
		pn := utf8.RuneCountInString(p)
		if n > 0 && n+len(sep)+pn > limit {
			flush()
		}
		if n > 0 {
			cur.WriteString(sep)
			n += len(sep)
		}
		cur.WriteString(p)
		n += pn
		if !begun {
			k++
		}
	}
	flush()
	return pieces, starts
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

// Each input block of a modal is named after the field it draws and the
// options it fills: "f<n>/<option>[/<option>…]", n being the field's
// position in the form ("f0/in-place/would-support", "f11/note"). Several
// fields may fill the same option, so the position keeps the names
// unique; the submitted view carries the names back, so a submission is
// read without any state kept on this side (HTTP mode may run on several
// replicas). The element's action id is the same name.
const (
	blockPrefix = "f"
	blockSep    = "/"
)

// blockID names the input block of field n, which fills opts.
func blockID(n int, opts []string) string {
	return blockPrefix + strconv.Itoa(n) + blockSep + strings.Join(opts, blockSep)
}

// blockOptions reads the options an input block fills from its name, in
// the order its value's words fill them. A name not in the f<n>/… form is
// an option's own name, as blocks were named before fields could share an
// option: a modal opened then may still be submitted after an upgrade.
func blockOptions(id string) []string {
	rest, ok := strings.CutPrefix(id, blockPrefix)
	n, names, found := strings.Cut(rest, blockSep)
	if _, err := strconv.Atoi(n); !ok || !found || err != nil {
		return strings.Fields(id)
	}
	var opts []string
	for _, o := range strings.Split(names, blockSep) {
		if o != "" {
			opts = append(opts, o)
		}
	}
	return opts
}

// noChoice is the option value that stands for a choice whose Value is ""
// ("no meeting"): Slack requires every option of a select to have a value.
// Submissions read it back as "".
const noChoice = "fcbot-none"

// errTooBig says that a form cannot be drawn as a Slack modal; the reply
// then says how to type the command instead.
var errTooBig = errors.New("form does not fit a Slack modal")

// modal renders a form as a Slack modal: one input block per field, a
// static select for a field with choices (its Default picked at first), a
// plain-text input for the others. Texts are clipped to Slack's limits;
// what cannot be clipped (too many fields or choices, a choice value too
// long or repeated, an option name that cannot be carried in a block id,
// too big a view) fails with errTooBig.
func modal(locale string, f *bot.Form, meta string) (slack.ModalViewRequest, error) {
	title := f.Title
	if strings.TrimSpace(title) == "" {
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
	if len(f.Fields) > maxModalBlocks {
		return v, fmt.Errorf("%w: %d fields, at most %d blocks", errTooBig, len(f.Fields), maxModalBlocks)
	}
	for n, field := range f.Fields {
		opts := field.Options()
		for _, o := range opts {
			if strings.Contains(o, blockSep) {
				return v, fmt.Errorf("%w: option %q cannot be named in a block id", errTooBig, o)
			}
		}
		id := blockID(n, opts)
		if utf8.RuneCountInString(id) > maxBlockID {
			return v, fmt.Errorf("%w: block id %q is over %d characters", errTooBig, bot.Clip(id, 40), maxBlockID)
		}
		label := field.Label
		if strings.TrimSpace(label) == "" {
			label = field.Option
		}
		if strings.TrimSpace(label) == "" {
			label = "…"
		}
		var el slack.BlockElement
		if len(field.Choices) > 0 {
			sel, err := picker(field, id, label)
			if err != nil {
				return v, fmt.Errorf("%w: field %d (%s): %w", errTooBig, n, field.Option, err)
			}
			el = sel
		} else {
			var placeholder *slack.TextBlockObject
			if strings.TrimSpace(field.Placeholder) != "" {
				placeholder = slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(field.Placeholder, maxPlaceholder), false, false)
			}
			el = slack.NewPlainTextInputBlockElement(placeholder, id).WithMultiline(field.Long)
		}
		block := slack.NewInputBlock(id, slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(label, maxInputLabel), false, false), nil, el).WithOptional(!field.Required)
		v.Blocks.BlockSet = append(v.Blocks.BlockSet, block)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return v, err
	}
	if len(raw) > maxViewBytes {
		return v, fmt.Errorf("%w: the view takes %d bytes, at most %d", errTooBig, len(raw), maxViewBytes)
	}
	return v, nil
}

// picker renders a field's choices as a static select whose action id is
// id. Its initial option is the very option object of the Default's
// choice, as Slack wants it to match one of the options exactly.
func picker(field bot.FormField, id, label string) (*slack.SelectBlockElement, error) {
	if len(field.Choices) > maxOptions {
		return nil, fmt.Errorf("%d choices, at most %d", len(field.Choices), maxOptions)
	}
	seen := map[string]bool{}
	options := make([]*slack.OptionBlockObject, 0, len(field.Choices))
	var initial *slack.OptionBlockObject
	for _, c := range field.Choices {
		value := c.Value
		switch {
		case strings.TrimSpace(value) == "":
			value = noChoice
		case value == noChoice:
			return nil, fmt.Errorf("the choice value %q is reserved", noChoice)
		case utf8.RuneCountInString(value) > maxOptionValue:
			return nil, fmt.Errorf("choice value %q is over %d characters", bot.Clip(value, 20), maxOptionValue)
		}
		if seen[value] {
			return nil, fmt.Errorf("choice value %q given twice", bot.Clip(c.Value, 20))
		}
		seen[value] = true
		text := c.Label
		if strings.TrimSpace(text) == "" {
			text = c.Value
		}
		if strings.TrimSpace(text) == "" {
			text = "—"
		}
		opt := slack.NewOptionBlockObject(value, slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(text, maxOptionText), false, false), nil)
		options = append(options, opt)
		if initial == nil && c.Value == field.Default {
			initial = opt
		}
	}
	placeholder := field.Placeholder
	if strings.TrimSpace(placeholder) == "" {
		placeholder = label
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, slack.NewTextBlockObject(slack.PlainTextType, bot.Clip(placeholder, maxPlaceholder), false, false), id, options...)
	if initial != nil {
		sel.WithInitialOption(initial)
	}
	return sel, nil
}

// formValue is what an input block of a submitted view holds: the picked
// option's value (noChoice read as "") or the typed text; "" when nothing
// is picked or typed, which Slack sends as null.
func formValue(a slack.BlockAction) string {
	if a.SelectedOption.Value != "" {
		if a.SelectedOption.Value == noChoice {
			return ""
		}
		return a.SelectedOption.Value
	}
	return a.Value
}
