package discord

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// call is a decoded interaction: the invocation the router dispatches,
// with the reader of its mentions, and how its answer is shown.
type call struct {
	req *bot.Request
	// inv is the command and its raw option values: typed, carried by a
	// custom id, or entered in a form. The router binds them.
	inv *bot.Invocation
	// users reads the mentions in inv's values, naming the users Discord
	// resolved for a slash command.
	users bot.UserResolver
	// click is a button click: its answer is shown to the clicker only.
	click bool
	// modal is a modal submit, which cannot be answered with a modal.
	modal bool
	// save saves a sheet (sheet.go): success turns the sheet into the
	// result, a refusal leaves it for another try.
	save bool
}

// Discord's permission bits that make a member a lead.
const leadPermissions = discordgo.PermissionAdministrator | discordgo.PermissionManageGuild

// baseRequest fills who, where and which delivery from an interaction.
func baseRequest(i *discordgo.Interaction) *bot.Request {
	req := &bot.Request{ID: i.ID, Platform: Platform, Group: i.GuildID, Channel: i.ChannelID, Locale: string(i.Locale)}
	if req.Locale == "" {
		req.Locale = "en"
	}
	switch {
	case i.Member != nil && i.Member.User != nil:
		req.User = bot.User{ID: i.Member.User.ID, Name: displayName(i.Member.User, i.Member)}
		req.Admin = i.Member.Permissions&leadPermissions != 0
	case i.User != nil:
		req.User = bot.User{ID: i.User.ID, Name: displayName(i.User, nil)}
	}
	return req
}

func displayName(u *discordgo.User, m *discordgo.Member) string {
	if m != nil && m.Nick != "" {
		return m.Nick
	}
	return u.DisplayName()
}

// decode turns a slash command, a button click, a sheet's Save or a modal
// submit into a call, whose raw option values the router binds exactly as
// it binds typed commands on the other platforms. Its errors say why the
// interaction cannot run at all: outside a server, or a command or button
// that no longer makes sense.
func (a *Adapter) decode(i *discordgo.Interaction) (*call, error) {
	req := a.request(i)
	if req.Group == "" || req.User.ID == "" {
		return nil, bot.Invalid("", bot.M("discord.guild_only"), "/help")
	}
	tree := a.router.Tree()
	var c *call
	var err error
	switch data := i.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		c, err = decodeCommand(tree, data)
	case discordgo.MessageComponentInteractionData:
		c, err = decodeClick(tree, i.Message, data)
	case discordgo.ModalSubmitInteractionData:
		c, err = decodeSubmit(tree, i.Message, data)
	default:
		err = fmt.Errorf("discord: interaction %s carries %T", i.Type, i.Data)
	}
	if err != nil {
		return nil, err
	}
	c.req = req
	return c, nil
}

// decodeCommand reads a slash command: the leaf it names, its options'
// values, and the users Discord resolved for them.
func decodeCommand(tree *bot.Tree, data discordgo.ApplicationCommandInteractionData) (*call, error) {
	path, opts := commandPath(data)
	cmd := tree.Lookup(path)
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return nil, bot.NotFound(bot.M("discord.stale_command", "Name", path), nil)
	}
	args := make(map[string]string, len(opts))
	for _, o := range opts {
		args[o.Name] = rawValue(o)
	}
	return &call{inv: &bot.Invocation{Command: cmd, Args: args}, users: resolveUser(data.Resolved)}, nil
}

// decodeClick reads a button on the message m: a sheet's Save, whose picks
// are in m, or an action that the custom id carries or, hashed, m shows.
// Picks and the Save that opens a modal never get here (see interact).
func decodeClick(tree *bot.Tree, m *discordgo.Message, data discordgo.MessageComponentInteractionData) (*call, error) {
	if line, ok := strings.CutPrefix(data.CustomID, savePrefix); ok {
		inv, err := savedSheet(tree, line, m, nil)
		if err != nil {
			return nil, err
		}
		return &call{inv: inv, users: resolveUser(nil), click: true, save: true}, nil
	}
	action, ok := strings.CutPrefix(data.CustomID, buttonPrefix)
	if !ok && strings.HasPrefix(data.CustomID, hashPrefix) {
		action, ok = actionInMessage(m, data.CustomID)
	}
	if !ok {
		return nil, staleButton()
	}
	inv, err := parseAction(tree, action)
	if err != nil {
		return nil, err
	}
	return &call{inv: inv, users: resolveUser(nil), click: true}, nil
}

// decodeSubmit reads a modal submit: the text boxes of a sheet, which
// comes along as m, or a form's modal.
func decodeSubmit(tree *bot.Tree, m *discordgo.Message, data discordgo.ModalSubmitInteractionData) (*call, error) {
	if line, ok := strings.CutPrefix(data.CustomID, sheetModalPrefix); ok {
		var typed []fieldAnswer
		for _, in := range textInputs(data) {
			if field, option, ok := parseFieldID(textInputPrefix, in.CustomID); ok {
				typed = append(typed, fieldAnswer{field: field, FormAnswer: bot.FormAnswer{Option: option, Value: in.Value}})
			}
		}
		inv, err := savedSheet(tree, line, m, typed)
		if err != nil {
			return nil, err
		}
		return &call{inv: inv, users: resolveUser(nil), modal: true, save: true}, nil
	}
	line, ok := strings.CutPrefix(data.CustomID, modalPrefix)
	if !ok {
		return nil, staleButton()
	}
	inv, err := parseAction(tree, line)
	if err != nil {
		return nil, err
	}
	if err := modalArgs(tree, inv, textInputs(data)); err != nil {
		return nil, err
	}
	return &call{inv: inv, users: resolveUser(nil), modal: true}, nil
}

// modalArgs adds what a form's modal holds to inv's fixed options: each
// input fills the option its custom id names, through bot.FormArgs as
// every platform reads forms; then the input shared by the fields beyond
// the fifth, typed in the text grammar, fills the options still unset.
func modalArgs(tree *bot.Tree, inv *bot.Invocation, inputs []*discordgo.TextInput) error {
	var answers []bot.FormAnswer
	rest := ""
	for _, in := range inputs {
		switch {
		case strings.TrimSpace(in.Value) == "":
		case in.CustomID == restInput:
			rest = in.Value
		default:
			answers = append(answers, bot.FormAnswer{Option: in.CustomID, Value: in.Value})
		}
	}
	args := bot.FormArgs(inv.Args, answers)
	if rest != "" {
		more, err := tree.ParseLine("/" + inv.Command.Path() + " " + strings.Join(strings.Fields(rest), " "))
		if err != nil {
			return err
		}
		for k, v := range more.Args {
			if _, set := args[k]; !set {
				args[k] = v
			}
		}
	}
	inv.Args = args
	return nil
}

// textInputs returns a modal submit's text inputs, row by row.
func textInputs(data discordgo.ModalSubmitInteractionData) []*discordgo.TextInput {
	var out []*discordgo.TextInput
	for _, row := range data.Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, comp := range r.Components {
			if in, ok := comp.(*discordgo.TextInput); ok {
				out = append(out, in)
			}
		}
	}
	return out
}

// parseAction reads the command line a custom id carries: a button's
// action, or a form's command and fixed options. It must name a command
// to run, not a group or a help request.
func parseAction(tree *bot.Tree, line string) (*bot.Invocation, error) {
	inv, err := tree.ParseLine("/" + line)
	if err != nil {
		return nil, err
	}
	if inv.Help || len(inv.Command.Subcommands) > 0 {
		return nil, staleButton()
	}
	return inv, nil
}

// staleButton is the error of a component or modal that no longer makes
// sense: its custom id or its message lacks what it needs.
func staleButton() error { return bot.Invalid("", bot.M("discord.stale_button"), "/help") }

// commandPath follows subcommand groups and subcommands to the leaf's
// path ("meeting rsvp") and options.
func commandPath(data discordgo.ApplicationCommandInteractionData) (string, []*discordgo.ApplicationCommandInteractionDataOption) {
	path, opts := data.Name, data.Options
	for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		path += " " + opts[0].Name
		opts = opts[0].Options
	}
	return path, opts
}

// rawValue is an option's value as text, as the router binds it. It reads the JSON
// value itself: discordgo's typed getters panic on a type mismatch.
func rawValue(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return v
	case float64:
		if v == float64(int64(v)) {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

var (
	mentionRE   = regexp.MustCompile(`^<@!?([0-9]{15,21})>$`)
	snowflakeRE = regexp.MustCompile(`^[0-9]{15,21}$`)
)

// resolveUser reads USER option values (a bare id that Discord resolved)
// and <@id> mentions typed into text, naming the user from the resolved
// data when present; an unresolved mention becomes an id-only user, whose
// stored name is kept.
func resolveUser(res *discordgo.ApplicationCommandInteractionDataResolved) bot.UserResolver {
	return func(word string) (bot.User, bool) {
		w := strings.TrimSpace(word)
		id, mention := w, false
		if m := mentionRE.FindStringSubmatch(w); m != nil {
			id, mention = m[1], true
		} else if !snowflakeRE.MatchString(w) {
			return bot.User{}, false
		}
		if res != nil {
			if u := res.Users[id]; u != nil {
				return bot.User{ID: id, Name: displayName(u, res.Members[id])}, true
			}
		}
		if mention {
			return bot.User{ID: id}, true
		}
		return bot.User{}, false
	}
}
