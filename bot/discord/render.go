package discord

import (
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// Discord's message limits.
const (
	maxContent     = 2000
	maxEmbedTitle  = 256
	maxDescription = 4096
	maxEmbedFields = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxButtonLabel = 80
	maxButtonsRow  = 5
	maxModalTitle  = 45
	maxModalRows   = 5
	maxInputLabel  = 45
	maxPlaceholder = 100
	maxInputLength = 4000
)

// Embed colours per tone (Discord's palette).
var toneColour = map[bot.Tone]int{
	bot.Info:    0x5865F2,
	bot.Success: 0x57F287,
	bot.Warning: 0xFEE75C,
	bot.Failure: 0xED4245,
}

// message is a reply rendered for Discord, before it is wrapped for the
// endpoint that sends it.
type message struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	// v2 marks a Components V2 message (flag IS_COMPONENTS_V2): no content
	// and no embeds, its text is in Text Display components.
	v2 bool
}

// noPings keeps user-typed text from notifying anyone: mentions still
// render as names.
func noPings() *discordgo.MessageAllowedMentions { return &discordgo.MessageAllowedMentions{} }

// render turns a reply into content, one embed and a row of buttons,
// within Discord's limits: whatever does not fit is clipped with a
// "… and N more" line rather than refused.
func render(r bot.Reply, locale string) message {
	var m message
	r.Text = showLongActions(r)
	plain := r.Title == "" && len(r.Fields) == 0 && len(r.Items) == 0 && r.Footer == "" && r.Tone == bot.Info
	if plain {
		m.content = clip(r.Text, maxContent)
	} else {
		m.embeds = []*discordgo.MessageEmbed{embed(r, locale)}
	}
	if len(m.embeds) == 0 && m.content == "" {
		m.content = "\u200b" // Discord refuses an empty message
	}
	m.components = buttons(r.Buttons, &discordgo.Message{Content: m.content, Embeds: m.embeds})
	return m
}

// showLongActions returns the reply's text with the ready command of every
// button whose action is too long for a custom id and is not shown yet
// appended, so that the click can read the action back (see hashID).
func showLongActions(r bot.Reply) string {
	shown := append([]string{r.Text, r.Footer}, r.Items...)
	for _, f := range r.Fields {
		shown = append(shown, f.Value)
	}
	all := strings.Join(shown, "\n")
	text := r.Text
	for _, b := range r.Buttons {
		if _, ok := buttonID(b.Action); ok || normalAction(b.Action) == "" {
			continue
		}
		if rc := readyCommand(b.Action); !strings.Contains(all, rc) {
			text = joinText(text, rc)
			all += "\n" + rc
		}
	}
	return text
}

func embed(r bot.Reply, locale string) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: clip(r.Title, maxEmbedTitle),
		Color: toneColour[r.Tone],
	}
	if r.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: clip(r.Footer, maxFooter)}
	}
	more := func(n int) string { return bot.Translate(locale, bot.M("discord.more", "Count", n)) }
	fields := make([]*discordgo.MessageEmbedField, len(r.Fields))
	fieldChars := 0
	for i, f := range r.Fields {
		fields[i] = &discordgo.MessageEmbedField{Name: orBlank(clip(f.Name, maxFieldName)), Value: orBlank(clip(f.Value, maxFieldValue)), Inline: f.Inline}
		fieldChars += runes(fields[i].Name) + runes(fields[i].Value)
	}
	// The whole embed holds 6,000 characters: the description (text and
	// items) gets what the fields leave, but never less than 1,500.
	rest := maxEmbedTotal - embedSize(e)
	e.Description = description(r, min(maxDescription, max(rest-fieldChars, 1500)), more)
	budget := rest - runes(e.Description)
	const reserve = 40 // room for the "… and N more" field
	for i, f := range fields {
		size := runes(f.Name) + runes(f.Value)
		last := i == len(fields)-1
		if len(e.Fields) == maxEmbedFields-1 && !last || size > budget-reserve && !(last && size <= budget) {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "…", Value: more(len(fields) - i)})
			break
		}
		e.Fields = append(e.Fields, f)
		budget -= size
	}
	return e
}

// description joins the text and the items as bullets within limit
// characters, ending with "… and N more" when items are left out.
func description(r bot.Reply, limit int, more func(int) string) string {
	var b strings.Builder
	b.WriteString(clip(r.Text, limit))
	n := runes(b.String())
	for i, it := range r.Items {
		line := "• " + it
		if b.Len() > 0 {
			line = "\n" + line
		}
		tail := 0
		if i < len(r.Items)-1 {
			tail = runes(more(len(r.Items)-i)) + 1
		}
		if n+runes(line)+tail > limit {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(more(len(r.Items) - i))
			break
		}
		b.WriteString(line)
		n += runes(line)
	}
	return b.String()
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	return n
}

// buttons renders one action row for a message that shows what shown
// holds. A button whose action does not fit a custom id carries its hash,
// when the message shows the action as a ready command; else it is left
// out, as is one that repeats another's action.
func buttons(bs []bot.Button, shown *discordgo.Message) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, b := range bs {
		id, ok := buttonID(b.Action)
		if !ok && normalAction(b.Action) != "" {
			id = hashID(b.Action)
			_, ok = actionInMessage(shown, id)
		}
		if !ok || seen[id] || len(row) == maxButtonsRow {
			continue
		}
		seen[id] = true
		row = append(row, discordgo.Button{Label: orBlank(clip(b.Label, maxButtonLabel)), Style: buttonStyle(b.Style), CustomID: id})
	}
	if len(row) == 0 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

func buttonStyle(t bot.Tone) discordgo.ButtonStyle {
	switch t {
	case bot.Success:
		return discordgo.SuccessButton
	case bot.Failure:
		return discordgo.DangerButton
	case bot.Warning:
		return discordgo.SecondaryButton
	default:
		return discordgo.PrimaryButton
	}
}

// messageResponse answers an interaction with a message (type 4).
func messageResponse(m message, ephemeral bool) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{
		Content: m.content, Embeds: m.embeds, Components: m.components, AllowedMentions: noPings(),
	}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// modal renders a form as a modal (type 9) of text inputs, one per row;
// discordgo v0.29 cannot decode the newer Label component. ok is false
// when the command and fixed options do not fit the custom id.
func (a *Adapter) modal(f *bot.Form) (*discordgo.InteractionResponse, bool) {
	id, ok := modalID(f.Command, f.Fixed)
	if !ok {
		a.log.Warn("discord: form does not fit a modal custom id", "command", f.Command)
		return nil, false
	}
	fields := f.Fields
	if len(fields) > maxModalRows {
		// A modal has five rows: the first four fields get their own, the
		// rest share a paragraph typed in the text grammar ("q5:yes
		// q6:no"), parsed on submit like a button's action.
		rest := fields[maxModalRows-1:]
		var hint, names []string
		required := false
		for _, ff := range rest {
			hint = append(hint, ff.Option+":…")
			names = append(names, ff.Label)
			required = required || ff.Required
		}
		fields = append(fields[:maxModalRows-1:maxModalRows-1], bot.FormField{
			Option: restInput, Label: strings.Join(names, ", "), Placeholder: strings.Join(hint, " "), Required: required, Long: true,
		})
	}
	cmd := a.router.Tree().Lookup(f.Command)
	var rows []discordgo.MessageComponent
	for _, ff := range fields {
		rows = append(rows, textInputRow(cmd, ff.Option, ff))
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: id, Title: orBlank(clip(f.Title, maxModalTitle)), Components: rows,
	}}, true
}

// textInputRow is a modal row holding the text input id for ff, as long
// as cmd's option allows (cmd may be nil).
func textInputRow(cmd *bot.Command, id string, ff bot.FormField) discordgo.ActionsRow {
	limit := maxInputLength
	if cmd != nil {
		if o := cmd.Option(ff.Option); o != nil && (o.Kind == bot.Text || o.Kind == bot.Time) {
			limit = min(limit, o.Limit())
		}
	}
	style := discordgo.TextInputShort
	if ff.Long {
		style = discordgo.TextInputParagraph
	}
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
		CustomID: id, Label: orBlank(clip(ff.Label, maxInputLabel)), Style: style,
		Placeholder: clip(ff.Placeholder, maxPlaceholder), Required: ff.Required, MaxLength: limit,
	}}}
}

// clip shortens s to n characters, marking the cut.
func clip(s string, n int) string { return bot.Clip(s, n) }

func orBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return "\u200b"
	}
	return s
}
