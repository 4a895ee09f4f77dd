package discord

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// A form with choices cannot be a modal here: a select goes into a modal
// only inside a Label component, which discordgo v0.29 cannot decode, and
// a modal holds five rows. It is shown instead as a sheet: an ephemeral
// Components V2 message with the form's text, one string select per choice
// field and a Save button (custom ids in customid.go).
//
// The sheet holds its own state, so that HTTP mode needs no memory: a pick
// is answered with UPDATE_MESSAGE (type 7) carrying the same sheet with the
// picked option marked default, and Save reads every select's default back
// from the message Discord sends with the click. Save runs the command
// through the router as a modal submit does (the interaction id is the
// delivery id). When the form also has text boxes, Save opens a modal of
// them instead, and Discord sends the sheet again with the modal's submit,
// which runs the command. A saved sheet turns into the result (type 7), so
// it cannot be saved twice; a refusal comes as a new private message and
// leaves the sheet, picks and all, as it was.

// Discord's Components V2 limits (developers/components/reference).
const (
	// maxV2Components counts every component of a message, nested ones
	// included.
	maxV2Components = 40
	// maxV2Text bounds all Text Displays of a message together
	// (discord-api-docs#8562).
	maxV2Text        = 4000
	maxSelectOptions = 25
	maxOptionLabel   = 100
	maxOptionValue   = 100
	maxSelectHolder  = 150
)

// noValue stands for a choice whose value is "" ("no meeting"): Discord
// wants option values of 1-100 characters.
const noValue = "∅"

// v2Response answers an interaction with a Components V2 message. It is
// written by hand because discordgo's InteractionResponseData always sends
// content and embeds, which such a message must not carry.
type v2Response struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data v2Data                            `json:"data"`
}

type v2Data struct {
	Flags           discordgo.MessageFlags            `json:"flags"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

// newV2Response wraps m as a new message (type 4, always private here) or
// as the update of the message whose component was used (type 7, which
// keeps that message's ephemerality).
func newV2Response(typ discordgo.InteractionResponseType, m message) v2Response {
	flags := discordgo.MessageFlagsIsComponentsV2
	if typ == discordgo.InteractionResponseChannelMessageWithSource {
		flags |= discordgo.MessageFlagsEphemeral
	}
	return v2Response{Type: typ, Data: v2Data{Flags: flags, Components: m.components, AllowedMentions: noPings()}}
}

// sheet renders a reply whose form has choices; ok is false when the form
// breaks one of Discord's limits, and the caller falls back to saying how
// to type the command.
func (a *Adapter) sheet(locale string, reply bot.Reply) (message, bool) {
	m, err := renderSheet(locale, reply)
	if err != nil {
		a.log.Warn("discord: form does not fit a sheet", "command", reply.Form.Command, "err", err)
		return message{}, false
	}
	return m, true
}

func renderSheet(locale string, reply bot.Reply) (message, error) {
	f := reply.Form
	var selects []discordgo.MessageComponent
	var texts []textField
	for n, ff := range f.Fields {
		if len(ff.Choices) == 0 {
			texts = append(texts, textField{field: n, option: ff.Option, long: ff.Long, required: ff.Required})
			continue
		}
		sel, err := selectMenu(n, ff)
		if err != nil {
			return message{}, err
		}
		selects = append(selects, discordgo.ActionsRow{Components: []discordgo.MessageComponent{sel}})
	}
	if len(texts) > maxModalRows {
		return message{}, fmt.Errorf("%d text fields, a modal holds %d", len(texts), maxModalRows)
	}
	id, ok := saveID(f.Command, f.Fixed, texts)
	if !ok {
		return message{}, errors.New("the command, fixed options and text fields do not fit the Save button's custom id")
	}
	label := bot.M("discord.sheet_save")
	if len(texts) > 0 {
		label = bot.M("discord.sheet_save_more")
	}
	save := discordgo.Button{Label: orBlank(clip(bot.Translate(locale, label), maxButtonLabel)), Style: discordgo.SuccessButton, CustomID: id}

	reply.Form = nil
	reply.Text = showLongActions(reply)
	text := discordgo.TextDisplay{Content: markdown(reply, f.Title, bot.Translate(locale, bot.M("discord.sheet_hint")), locale)}
	comps := append([]discordgo.MessageComponent{text}, selects...)
	// The reply's own buttons keep their row; clicking one runs its action
	// and leaves the sheet as it is.
	comps = append(comps, buttons(reply.Buttons, &discordgo.Message{Components: comps[:1]})...)
	comps = append(comps, discordgo.ActionsRow{Components: []discordgo.MessageComponent{save}})
	if n := countComponents(comps); n > maxV2Components {
		return message{}, fmt.Errorf("%d components, a message holds %d", n, maxV2Components)
	}
	return message{components: comps, v2: true}, nil
}

// selectMenu renders form field number n, a choice field, as a string
// select with its default picked.
func selectMenu(n int, ff bot.FormField) (discordgo.SelectMenu, error) {
	id, ok := fieldID(selectPrefix, n, ff.Option)
	if !ok {
		return discordgo.SelectMenu{}, fmt.Errorf("field %q does not fit a custom id", ff.Option)
	}
	if len(ff.Choices) > maxSelectOptions {
		return discordgo.SelectMenu{}, fmt.Errorf("field %q has %d choices, a select holds %d", ff.Option, len(ff.Choices), maxSelectOptions)
	}
	seen := map[string]bool{}
	picked := false
	opts := make([]discordgo.SelectMenuOption, 0, len(ff.Choices))
	for _, ch := range ff.Choices {
		v := ch.Value
		if v == "" {
			v = noValue
		} else if v == noValue || runes(v) > maxOptionValue {
			return discordgo.SelectMenu{}, fmt.Errorf("field %q: value %q cannot be an option value", ff.Option, clip(v, 20))
		}
		if seen[v] {
			return discordgo.SelectMenu{}, fmt.Errorf("field %q offers %q twice", ff.Option, clip(v, 20))
		}
		seen[v] = true
		label := ch.Label
		if label == "" {
			label = ch.Value
		}
		def := !picked && ch.Value == ff.Default
		picked = picked || def
		opts = append(opts, discordgo.SelectMenuOption{Label: orBlank(clip(label, maxOptionLabel)), Value: v, Default: def})
	}
	return discordgo.SelectMenu{
		MenuType: discordgo.StringSelectMenu, CustomID: id,
		Placeholder: orBlank(clip(ff.Label, maxSelectHolder)), Options: opts,
	}, nil
}

// markdown renders a reply as the text of one Text Display: a heading, the
// title, the text and items (ending "… and N more" when they do not fit,
// as in an embed), the fields, then the footer and a hint as small print,
// within maxV2Text characters.
func markdown(r bot.Reply, heading, hint, locale string) string {
	var head, tail []string
	heading, title := oneLine(heading), oneLine(r.Title)
	if heading == "" {
		heading, title = title, ""
	}
	if heading != "" {
		head = append(head, "## "+heading)
	}
	if title != "" && title != heading {
		head = append(head, "**"+title+"**")
	}
	for _, f := range r.Fields {
		tail = append(tail, "**"+oneLine(f.Name)+"**: "+f.Value)
	}
	for _, s := range []string{r.Footer, hint} {
		if s = strings.TrimSpace(s); s != "" {
			tail = append(tail, "-# "+strings.ReplaceAll(s, "\n", "\n-# "))
		}
	}
	h := strings.Join(head, "\n")
	t := clip(strings.Join(tail, "\n"), maxV2Text/2)
	more := func(n int) string { return bot.Translate(locale, bot.M("discord.more", "Count", n)) }
	body := description(r, max(maxV2Text-runes(h)-runes(t)-2, 100), more)
	var parts []string
	for _, p := range []string{h, body, t} {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	return orBlank(clip(strings.Join(parts, "\n"), maxV2Text))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// result renders the reply that replaces a saved sheet: its text, its
// buttons, and nothing left to pick or save.
func result(r bot.Reply, locale string) message {
	r.Form = nil
	r.Text = showLongActions(r)
	comps := []discordgo.MessageComponent{discordgo.TextDisplay{Content: markdown(r, "", "", locale)}}
	comps = append(comps, buttons(r.Buttons, &discordgo.Message{Components: comps})...)
	return message{components: comps, v2: true}
}

// countComponents counts components the way Discord's limit does: every
// one, nested ones included.
func countComponents(comps []discordgo.MessageComponent) int {
	n := 0
	for _, c := range comps {
		n++
		if row, ok := actionsRow(c); ok {
			n += countComponents(row.Components)
		}
	}
	return n
}

// The helpers below accept a component as this package builds it (a
// value) or as discordgo decodes it (a pointer).

func actionsRow(c discordgo.MessageComponent) (*discordgo.ActionsRow, bool) {
	switch v := c.(type) {
	case *discordgo.ActionsRow:
		return v, v != nil
	case discordgo.ActionsRow:
		return &v, true
	}
	return nil, false
}

func selectOf(c discordgo.MessageComponent) (*discordgo.SelectMenu, bool) {
	switch v := c.(type) {
	case *discordgo.SelectMenu:
		return v, v != nil && v.Type() == discordgo.SelectMenuComponent
	case discordgo.SelectMenu:
		return &v, v.Type() == discordgo.SelectMenuComponent
	}
	return nil, false
}

// textDisplays returns the text of a message's top-level Text Displays.
func textDisplays(comps []discordgo.MessageComponent) []string {
	var out []string
	for _, c := range comps {
		switch v := c.(type) {
		case *discordgo.TextDisplay:
			if v != nil {
				out = append(out, v.Content)
			}
		case discordgo.TextDisplay:
			out = append(out, v.Content)
		}
	}
	return out
}

// sheetSelects returns a message's sheet selects, in order.
func sheetSelects(m *discordgo.Message) []*discordgo.SelectMenu {
	if m == nil {
		return nil
	}
	var out []*discordgo.SelectMenu
	for _, c := range m.Components {
		row, ok := actionsRow(c)
		if !ok {
			continue
		}
		for _, rc := range row.Components {
			if sel, ok := selectOf(rc); ok && strings.HasPrefix(sel.CustomID, selectPrefix) {
				out = append(out, sel)
			}
		}
	}
	return out
}

// stale answers a component whose message no longer makes sense of it.
func stale(locale string) any {
	return messageResponse(render(bot.Reply{Text: bot.Translate(locale, bot.M("discord.stale_button")), Tone: bot.Failure}, locale), true)
}

// pick answers a choice made in a sheet's select with the same sheet, the
// picked option now its select's only default (type 7). Neither the router
// nor the database is involved: what was picked lives in the message.
func (a *Adapter) pick(ctx context.Context, i *discordgo.Interaction, data discordgo.MessageComponentInteractionData) any {
	locale := baseRequest(i).Locale
	if i.Message == nil || len(data.Values) != 1 {
		a.log.DebugContext(ctx, "discord: pick without its sheet", "custom_id", data.CustomID)
		return stale(locale)
	}
	comps := make([]discordgo.MessageComponent, 0, len(i.Message.Components))
	found := false
	for _, c := range i.Message.Components {
		if row, ok := actionsRow(c); ok && len(row.Components) == 1 {
			if sel, ok := selectOf(row.Components[0]); ok && sel.CustomID == data.CustomID {
				picked := *sel
				picked.Options = make([]discordgo.SelectMenuOption, len(sel.Options))
				for j, o := range sel.Options {
					o.Default = o.Value == data.Values[0]
					found = found || o.Default
					picked.Options[j] = o
				}
				comps = append(comps, discordgo.ActionsRow{ID: row.ID, Components: []discordgo.MessageComponent{picked}})
				continue
			}
		}
		comps = append(comps, c)
	}
	if !found {
		a.log.DebugContext(ctx, "discord: pick not in its sheet", "custom_id", data.CustomID)
		return stale(locale)
	}
	return newV2Response(discordgo.InteractionResponseUpdateMessage, message{components: comps, v2: true})
}

// fieldAnswer is one field of a saved sheet, with its number in the form.
type fieldAnswer struct {
	field int
	bot.FormAnswer
}

// sheetAnswers reads each select's pick (its default; "" when none) from a
// sheet.
func sheetAnswers(m *discordgo.Message) []fieldAnswer {
	var out []fieldAnswer
	for _, sel := range sheetSelects(m) {
		field, option, ok := parseFieldID(selectPrefix, sel.CustomID)
		if !ok {
			continue
		}
		v := ""
		for _, o := range sel.Options {
			if o.Default {
				v = o.Value
				break
			}
		}
		if v == noValue {
			v = ""
		}
		out = append(out, fieldAnswer{field: field, FormAnswer: bot.FormAnswer{Option: option, Value: v}})
	}
	return out
}

// savedSheet reads a saved sheet into an invocation: the command and
// fixed options from the Save button's line, each select's pick from the
// sheet m, and the text boxes of the modal that followed, if any (typed),
// all in form order through bot.FormArgs as every platform reads forms.
func savedSheet(tree *bot.Tree, line string, m *discordgo.Message, typed []fieldAnswer) (*bot.Invocation, error) {
	if m == nil {
		return nil, staleButton()
	}
	inv, err := parseAction(tree, line)
	if err != nil {
		return nil, err
	}
	all := append(sheetAnswers(m), typed...)
	sort.SliceStable(all, func(x, y int) bool { return all[x].field < all[y].field })
	answers := make([]bot.FormAnswer, len(all))
	for n, fa := range all {
		answers[n] = fa.FormAnswer
	}
	inv.Args = bot.FormArgs(inv.Args, answers)
	return inv, nil
}

// sheetModal answers Save on a sheet with text fields: a modal (type 9) of
// those fields, whose submit runs the command. The custom id carries each
// field's option and kind; its label is the option's description, the
// form's own label being too long to carry.
func (a *Adapter) sheetModal(i *discordgo.Interaction, customID string) any {
	locale := baseRequest(i).Locale
	texts, line, ok := parseSaveMore(customID)
	if !ok {
		return stale(locale)
	}
	inv, err := parseAction(a.router.Tree(), line)
	if err != nil || len(texts) > maxModalRows {
		return stale(locale)
	}
	rows := make([]discordgo.MessageComponent, 0, len(texts))
	for _, t := range texts {
		id, ok := fieldID(textInputPrefix, t.field, t.option)
		if !ok {
			return stale(locale)
		}
		label := t.option
		if o := inv.Command.Option(t.option); o != nil {
			label = o.Describe(locale)
		}
		rows = append(rows, textInputRow(inv.Command, id, bot.FormField{Option: t.option, Label: label, Long: t.long, Required: t.required}))
	}
	title := "/" + inv.Command.Path()
	if texts := textDisplays(msgComponents(i.Message)); len(texts) > 0 {
		if first, _, _ := strings.Cut(texts[0], "\n"); strings.HasPrefix(first, "## ") {
			title = strings.TrimPrefix(first, "## ")
		}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: sheetModalPrefix + line, Title: orBlank(clip(title, maxModalTitle)), Components: rows,
	}}
}

func msgComponents(m *discordgo.Message) []discordgo.MessageComponent {
	if m == nil {
		return nil
	}
	return m.Components
}
