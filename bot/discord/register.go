package discord

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// Discord's application command limits.
const (
	maxCommands      = 100
	maxOptions       = 25
	maxDescriptionLn = 100
	maxChoiceName    = 100
	maxCommandChars  = 4000
	maxOptionLength  = 6000
)

// Commands builds the Discord command set from the core's tree: one chat
// input command per root, subcommands as SUB_COMMAND (and
// SUB_COMMAND_GROUP) options, typed options, choices, autocomplete. Roots
// whose every command needs a lead are hidden from members without Manage
// Server (server admins can grant them to other roles under Server
// Settings → Integrations). Commands are offered in servers only.
func Commands(tree *bot.Tree) []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(tree.Roots()))
	for _, root := range tree.Roots() {
		c := &discordgo.ApplicationCommand{
			Type:             discordgo.ChatApplicationCommand,
			Name:             root.Name,
			Description:      clip(root.Description, maxDescriptionLn),
			Contexts:         &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
			IntegrationTypes: &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall},
			Options:          commandOptions(root),
		}
		leadOnly := true
		root.Leaves(func(l *bot.Command) { leadOnly = leadOnly && l.Level >= bot.Lead })
		if leadOnly {
			perm := int64(discordgo.PermissionManageGuild)
			c.DefaultMemberPermissions = &perm
		}
		out = append(out, c)
	}
	return out
}

func commandOptions(c *bot.Command) []*discordgo.ApplicationCommandOption {
	opts := []*discordgo.ApplicationCommandOption{}
	if len(c.Subcommands) > 0 {
		for _, s := range c.Subcommands {
			t := discordgo.ApplicationCommandOptionSubCommand
			if len(s.Subcommands) > 0 {
				t = discordgo.ApplicationCommandOptionSubCommandGroup
			}
			opts = append(opts, &discordgo.ApplicationCommandOption{
				Type: t, Name: s.Name, Description: clip(s.Description, maxDescriptionLn), Options: commandOptions(s),
			})
		}
		return opts
	}
	for _, o := range c.Options {
		opts = append(opts, option(o))
	}
	return opts
}

// option maps an option kind to Discord's type: USER for one person;
// STRING for text, times (parsed by the handler in the group's zone),
// several people (typed as mentions) and choices.
func option(o bot.Option) *discordgo.ApplicationCommandOption {
	d := &discordgo.ApplicationCommandOption{
		Name: o.Name, Description: clip(o.Description, maxDescriptionLn), Required: o.Required,
		Autocomplete: o.Autocomplete != "",
	}
	switch o.Kind {
	case bot.Integer:
		d.Type = discordgo.ApplicationCommandOptionInteger
		if o.Max > o.Min {
			lo := float64(o.Min)
			d.MinValue, d.MaxValue = &lo, float64(o.Max)
		}
	case bot.Boolean:
		d.Type = discordgo.ApplicationCommandOptionBoolean
	case bot.UserKind:
		d.Type = discordgo.ApplicationCommandOptionUser
	case bot.Choice:
		d.Type = discordgo.ApplicationCommandOptionString
		if len(o.Choices) <= maxChoices && !d.Autocomplete {
			for _, ch := range o.Choices {
				name := ch.Label
				if name == "" {
					name = ch.Value
				}
				d.Choices = append(d.Choices, &discordgo.ApplicationCommandOptionChoice{Name: clip(name, maxChoiceName), Value: ch.Value})
			}
		}
		// More choices than Discord allows: a plain string, which the
		// router checks against the list as on other platforms.
	case bot.Users:
		d.Type = discordgo.ApplicationCommandOptionString
	default: // Text, Time
		d.Type = discordgo.ApplicationCommandOptionString
		d.MaxLength = min(o.Limit(), maxOptionLength)
	}
	return d
}

var commandNameRE = regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)

// Validate checks a command set against Discord's documented limits:
// at most 100 commands; names of 1-32 lower-case characters, unique per
// level; descriptions of 1-100 characters; at most 25 options and 25
// choices; required options before optional ones; subcommands not mixed
// with plain options and nested at most twice; choices and autocomplete
// not together; 4,000 characters per command. It reports every problem.
func Validate(cmds []*discordgo.ApplicationCommand) error {
	var errs []error
	if len(cmds) > maxCommands {
		errs = append(errs, fmt.Errorf("%d commands, limit %d", len(cmds), maxCommands))
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		if seen[c.Name] {
			errs = append(errs, fmt.Errorf("command %q declared twice", c.Name))
		}
		seen[c.Name] = true
		errs = append(errs, checkName(c.Name, c.Name), checkDescription(c.Name, c.Description))
		errs = append(errs, checkOptions(c.Name, c.Options, 0)...)
		if n := commandChars(c); n > maxCommandChars {
			errs = append(errs, fmt.Errorf("/%s: %d characters of names, descriptions and choices, limit %d", c.Name, n, maxCommandChars))
		}
	}
	return errors.Join(errs...)
}

func checkName(where, name string) error {
	if !commandNameRE.MatchString(name) {
		return fmt.Errorf("/%s: name %q is not 1-32 lower-case letters, digits, - or _", where, name)
	}
	return nil
}

func checkDescription(where, d string) error {
	if n := utf8.RuneCountInString(d); n < 1 || n > maxDescriptionLn {
		return fmt.Errorf("/%s: description is %d characters, want 1-%d", where, n, maxDescriptionLn)
	}
	return nil
}

func checkOptions(where string, opts []*discordgo.ApplicationCommandOption, depth int) []error {
	var errs []error
	if len(opts) > maxOptions {
		errs = append(errs, fmt.Errorf("/%s: %d options, limit %d", where, len(opts), maxOptions))
	}
	seen := map[string]bool{}
	optional, subs, plain := false, 0, 0
	for _, o := range opts {
		at := where + " " + o.Name
		if seen[o.Name] {
			errs = append(errs, fmt.Errorf("/%s: option declared twice", at))
		}
		seen[o.Name] = true
		errs = append(errs, checkName(at, o.Name), checkDescription(at, o.Description))
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			subs++
			if depth >= 2 || (o.Type == discordgo.ApplicationCommandOptionSubCommandGroup && depth >= 1) {
				errs = append(errs, fmt.Errorf("/%s: subcommands nested too deep", at))
			}
			if o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
				for _, s := range o.Options {
					if s.Type != discordgo.ApplicationCommandOptionSubCommand {
						errs = append(errs, fmt.Errorf("/%s: a subcommand group holds only subcommands", at))
					}
				}
			}
			errs = append(errs, checkOptions(at, o.Options, depth+1)...)
			continue
		}
		plain++
		if o.Required && optional {
			errs = append(errs, fmt.Errorf("/%s: required option after an optional one", at))
		}
		optional = optional || !o.Required
		if len(o.Choices) > maxChoices {
			errs = append(errs, fmt.Errorf("/%s: %d choices, limit %d", at, len(o.Choices), maxChoices))
		}
		if len(o.Choices) > 0 && o.Autocomplete {
			errs = append(errs, fmt.Errorf("/%s: choices and autocomplete together", at))
		}
		for _, ch := range o.Choices {
			if n := utf8.RuneCountInString(ch.Name); n < 1 || n > maxChoiceName {
				errs = append(errs, fmt.Errorf("/%s: choice name %q is not 1-100 characters", at, ch.Name))
			}
			if s, ok := ch.Value.(string); ok && (len(s) < 1 || utf8.RuneCountInString(s) > 100) {
				errs = append(errs, fmt.Errorf("/%s: choice value %q is not 1-100 characters", at, s))
			}
		}
		if o.MaxLength < 0 || o.MaxLength > maxOptionLength {
			errs = append(errs, fmt.Errorf("/%s: max_length %d is not 0-%d", at, o.MaxLength, maxOptionLength))
		}
	}
	if subs > 0 && plain > 0 {
		errs = append(errs, fmt.Errorf("/%s: subcommands mixed with options", where))
	}
	return errs
}

func commandChars(c *discordgo.ApplicationCommand) int {
	n := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Description)
	var walk func([]*discordgo.ApplicationCommandOption)
	walk = func(opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			n += utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(o.Description)
			for _, ch := range o.Choices {
				n += utf8.RuneCountInString(ch.Name) + utf8.RuneCountInString(fmt.Sprint(ch.Value))
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}

// Register bulk-overwrites the application's commands with the tree's,
// in one server when guildID is set (applies at once) or globally;
// commands no longer in the tree disappear. It validates first and
// returns how many commands Discord now has.
func Register(ctx context.Context, s *discordgo.Session, appID, guildID string, tree *bot.Tree) (int, error) {
	return register(ctx, s, appID, guildID, tree)
}

func register(ctx context.Context, a api, appID, guildID string, tree *bot.Tree) (int, error) {
	if appID == "" {
		return 0, errors.New("discord: DISCORD_APP_ID is needed to register commands")
	}
	cmds := Commands(tree)
	if err := Validate(cmds); err != nil {
		return 0, fmt.Errorf("discord: command set breaks Discord's limits: %w", err)
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	got, err := a.ApplicationCommandBulkOverwrite(appID, guildID, cmds, discordgo.WithContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("discord: register commands: %w", err)
	}
	return len(got), nil
}
