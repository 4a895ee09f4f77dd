package discord

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// call is a decoded command invocation.
type call struct {
	req  *bot.Request
	args map[string]string // raw option values, to run the command again
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

// decode turns a command, a button click or a modal submit into a
// request whose options went through bot.Bind, exactly as typed commands
// on the other platforms do.
func (a *Adapter) decode(i *discordgo.Interaction) (*call, error) {
	req := baseRequest(i)
	if req.Group == "" || req.User.ID == "" {
		return nil, bot.Invalid("", bot.M("discord.guild_only"), "/help")
	}
	c := &call{req: req, args: map[string]string{}}
	tree := a.router.Tree()
	var resolved *discordgo.ApplicationCommandInteractionDataResolved
	switch data := i.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		path, opts := commandPath(data)
		cmd := tree.Lookup(path)
		if cmd == nil || len(cmd.Subcommands) > 0 {
			return nil, bot.NotFound(bot.M("discord.stale_command", "Name", path), nil)
		}
		req.Command = cmd
		for _, o := range opts {
			c.args[o.Name] = rawValue(o)
		}
		resolved = data.Resolved
	case discordgo.MessageComponentInteractionData:
		if line, ok := strings.CutPrefix(data.CustomID, savePrefix); ok {
			if err := c.saved(tree, line, i.Message, nil); err != nil {
				return nil, err
			}
			c.click = true
			break
		}
		action, ok := strings.CutPrefix(data.CustomID, buttonPrefix)
		if !ok && strings.HasPrefix(data.CustomID, hashPrefix) {
			action, ok = actionInMessage(i.Message, data.CustomID)
		}
		if !ok {
			return nil, bot.Invalid("", bot.M("discord.stale_button"), "/help")
		}
		if err := c.parse(tree, action); err != nil {
			return nil, err
		}
		c.click = true
	case discordgo.ModalSubmitInteractionData:
		if line, ok := strings.CutPrefix(data.CustomID, sheetModalPrefix); ok {
			var typed []fieldAnswer
			for _, in := range textInputs(data) {
				if field, option, ok := parseFieldID(textInputPrefix, in.CustomID); ok {
					typed = append(typed, fieldAnswer{field: field, FormAnswer: bot.FormAnswer{Option: option, Value: in.Value}})
				}
			}
			if err := c.saved(tree, line, i.Message, typed); err != nil {
				return nil, err
			}
			c.modal = true
			break
		}
		line, ok := strings.CutPrefix(data.CustomID, modalPrefix)
		if !ok {
			return nil, bot.Invalid("", bot.M("discord.stale_button"), "/help")
		}
		if err := c.parse(tree, line); err != nil {
			return nil, err
		}
		rest := ""
		for _, in := range textInputs(data) {
			switch {
			case strings.TrimSpace(in.Value) == "":
			case in.CustomID == restInput:
				rest = in.Value
			default:
				c.args[in.CustomID] = in.Value
			}
		}
		if rest != "" {
			inv, err := tree.ParseLine("/" + c.req.Command.Path() + " " + strings.Join(strings.Fields(rest), " "))
			if err != nil {
				return nil, err
			}
			for k, v := range inv.Args {
				if _, set := c.args[k]; !set {
					c.args[k] = v
				}
			}
		}
		c.modal = true
	default:
		return nil, fmt.Errorf("discord: interaction %s carries %T", i.Type, i.Data)
	}
	opts, err := bot.Bind(req.Command, c.args, resolveUser(resolved))
	if err != nil {
		return nil, err
	}
	req.Options = opts
	return c, nil
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

// parse reads a custom id's command line into the call.
func (c *call) parse(tree *bot.Tree, line string) error {
	inv, err := tree.ParseLine("/" + line)
	if err != nil {
		return err
	}
	if inv.Help || len(inv.Command.Subcommands) > 0 {
		return bot.Invalid("", bot.M("discord.stale_button"), "/help")
	}
	c.req.Command = inv.Command
	c.args = inv.Args
	return nil
}

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

// rawValue is an option's value as text, for bot.Bind. It reads the JSON
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
