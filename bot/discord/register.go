package discord

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
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
//
// Descriptions and choice names are the catalog's: English by default,
// and localized for every Discord locale of another language the catalog
// has (es-ES and es-419 for Spanish). Command and option names are not
// localized: they are the interface, the same words every help text,
// example and script uses, and Discord sends them unlocalized anyway.
func Commands(tree *bot.Tree) []*discordgo.ApplicationCommand {
	l := localizer{locales: catalogLocales()}
	out := make([]*discordgo.ApplicationCommand, 0, len(tree.Roots()))
	for _, root := range tree.Roots() {
		desc := l.text(root.Key())
		c := &discordgo.ApplicationCommand{
			Type:                     discordgo.ChatApplicationCommand,
			Name:                     root.Name,
			Description:              root.Describe(defaultLocale),
			DescriptionLocalizations: &desc,
			Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
			IntegrationTypes:         &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall},
			Options:                  l.commandOptions(root),
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

// defaultLocale is the language of the names and texts Discord shows when
// it has no localization for the reader's locale.
const defaultLocale = "en"

// catalogLocales lists the Discord locales whose language the catalog
// has, other than the default: a language added to the catalog is
// registered with no change here.
func catalogLocales() []discordgo.Locale {
	var out []discordgo.Locale
	for _, lang := range bot.Languages() {
		base, _, _ := strings.Cut(lang, "-")
		if base == defaultLocale {
			continue
		}
		for l := range discordgo.Locales {
			if lb, _, _ := strings.Cut(string(l), "-"); lb == base && l != discordgo.Unknown {
				out = append(out, l)
			}
		}
	}
	slices.Sort(out)
	return out
}

// localizer renders catalog texts in the locales registered.
type localizer struct{ locales []discordgo.Locale }

// text returns the catalog's text for id in each of l's locales.
func (l localizer) text(id string) map[discordgo.Locale]string {
	out := make(map[discordgo.Locale]string, len(l.locales))
	for _, loc := range l.locales {
		out[loc] = bot.Translate(string(loc), bot.M(id))
	}
	return out
}

func (l localizer) commandOptions(c *bot.Command) []*discordgo.ApplicationCommandOption {
	opts := []*discordgo.ApplicationCommandOption{}
	if len(c.Subcommands) > 0 {
		for _, s := range c.Subcommands {
			t := discordgo.ApplicationCommandOptionSubCommand
			if len(s.Subcommands) > 0 {
				t = discordgo.ApplicationCommandOptionSubCommandGroup
			}
			opts = append(opts, &discordgo.ApplicationCommandOption{
				Type: t, Name: s.Name, Options: l.commandOptions(s),
				Description:              s.Describe(defaultLocale),
				DescriptionLocalizations: l.text(s.Key()),
			})
		}
		return opts
	}
	for i := range c.Options {
		opts = append(opts, l.option(&c.Options[i]))
	}
	return opts
}

// option maps an option kind to Discord's type: USER for one person;
// STRING for text, times (parsed by the handler in the group's zone),
// several people (typed as mentions) and choices, whose values stay the
// words typed in every language while their names are localized.
func (l localizer) option(o *bot.Option) *discordgo.ApplicationCommandOption {
	d := &discordgo.ApplicationCommandOption{
		Name: o.Name, Required: o.Required, Autocomplete: o.Autocomplete != "",
		Description:              o.Describe(defaultLocale),
		DescriptionLocalizations: l.text(o.Key()),
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
				d.Choices = append(d.Choices, &discordgo.ApplicationCommandOptionChoice{
					Name: o.ChoiceName(defaultLocale, ch.Value), NameLocalizations: l.text(o.ChoiceKey(ch.Value)), Value: ch.Value,
				})
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

// validName reports whether Discord accepts name for a command, an option
// or a localization of either: 1-32 characters of
// [-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}], lower-case where the character has
// a lower case. A loop, not a regexp: compiled, that class holds most of a
// megabyte for as long as the process runs.
func validName(name string) bool {
	n := 0
	for _, r := range name {
		n++
		ok := r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Devanagari, unicode.Thai)
		if !ok || unicode.ToLower(r) != r || n > 32 {
			return false
		}
	}
	return n > 0
}

// Validate checks a command set against Discord's documented limits:
// at most 100 commands; names of 1-32 lower-case characters, unique per
// level in every locale; descriptions of 1-100 characters in every
// locale, localized only to Discord's locales; at most 25 options and 25
// choices, whose names are 1-100 characters in every locale; required
// options before optional ones; subcommands not mixed with plain options
// and nested at most twice; choices and autocomplete not together; 4,000
// characters per command in each locale. It reports every problem.
func Validate(cmds []*discordgo.ApplicationCommand) error {
	var errs []error
	if len(cmds) > maxCommands {
		errs = append(errs, fmt.Errorf("%d commands, limit %d", len(cmds), maxCommands))
	}
	level := make([]named, 0, len(cmds))
	for _, c := range cmds {
		names, descs := deref(c.NameLocalizations), deref(c.DescriptionLocalizations)
		level = append(level, named{c.Name, names})
		errs = append(errs, checkName(c.Name, c.Name, names), checkDescription(c.Name, c.Description, descs))
		errs = append(errs, checkOptions(c.Name, c.Options, 0)...)
		for _, loc := range append([]discordgo.Locale{""}, slices.Sorted(maps.Keys(descs))...) {
			if n := commandChars(c, loc); n > maxCommandChars {
				errs = append(errs, fmt.Errorf("/%s: %d characters of names, descriptions and choices%s, limit %d", c.Name, n, inLocale(loc), maxCommandChars))
			}
		}
	}
	errs = append(errs, duplicates("", level)...)
	return errors.Join(errs...)
}

func deref(m *map[discordgo.Locale]string) map[discordgo.Locale]string {
	if m == nil {
		return nil
	}
	return *m
}

func inLocale(loc discordgo.Locale) string {
	if loc == "" {
		return ""
	}
	return " in " + string(loc)
}

// checkLocales refuses localizations to locales Discord does not have.
func checkLocales(where string, m map[discordgo.Locale]string) error {
	for _, loc := range slices.Sorted(maps.Keys(m)) {
		if _, ok := discordgo.Locales[loc]; !ok || loc == discordgo.Unknown {
			return fmt.Errorf("/%s: %q is not a Discord locale", where, string(loc))
		}
	}
	return nil
}

func checkName(where, name string, localized map[discordgo.Locale]string) error {
	if !validName(name) {
		return fmt.Errorf("/%s: name %q is not 1-32 lower-case letters, digits, - or _", where, name)
	}
	for _, loc := range slices.Sorted(maps.Keys(localized)) {
		if n := localized[loc]; !validName(n) {
			return fmt.Errorf("/%s: name %q in %s is not 1-32 lower-case letters, digits, - or _", where, n, string(loc))
		}
	}
	return checkLocales(where, localized)
}

func checkDescription(where, d string, localized map[discordgo.Locale]string) error {
	if n := utf8.RuneCountInString(d); n < 1 || n > maxDescriptionLn {
		return fmt.Errorf("/%s: description is %d characters, want 1-%d", where, n, maxDescriptionLn)
	}
	for _, loc := range slices.Sorted(maps.Keys(localized)) {
		if n := utf8.RuneCountInString(localized[loc]); n < 1 || n > maxDescriptionLn {
			return fmt.Errorf("/%s: description in %s is %d characters, want 1-%d", where, string(loc), n, maxDescriptionLn)
		}
	}
	return checkLocales(where, localized)
}

// named is a command's or an option's name with its localizations.
type named struct {
	name      string
	localized map[discordgo.Locale]string
}

// duplicates reports a name shown twice among siblings: by default, or in
// a locale, where a name without a localization shows its default.
func duplicates(where string, level []named) []error {
	locales := map[discordgo.Locale]bool{"": true}
	for _, n := range level {
		for loc := range n.localized {
			locales[loc] = true
		}
	}
	var errs []error
	for _, loc := range slices.Sorted(maps.Keys(locales)) {
		seen := map[string]bool{}
		for _, n := range level {
			shown := n.name
			if v, ok := n.localized[loc]; ok && loc != "" {
				shown = v
			}
			if seen[shown] && where == "" {
				errs = append(errs, fmt.Errorf("command %q declared twice%s", shown, inLocale(loc)))
			} else if seen[shown] {
				errs = append(errs, fmt.Errorf("/%s: option %q declared twice%s", where, shown, inLocale(loc)))
			}
			seen[shown] = true
		}
	}
	return errs
}

func checkOptions(where string, opts []*discordgo.ApplicationCommandOption, depth int) []error {
	var errs []error
	if len(opts) > maxOptions {
		errs = append(errs, fmt.Errorf("/%s: %d options, limit %d", where, len(opts), maxOptions))
	}
	level := make([]named, 0, len(opts))
	optional, subs, plain := false, 0, 0
	for _, o := range opts {
		at := where + " " + o.Name
		level = append(level, named{o.Name, o.NameLocalizations})
		errs = append(errs, checkName(at, o.Name, o.NameLocalizations), checkDescription(at, o.Description, o.DescriptionLocalizations))
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
			errs = append(errs, checkChoiceName(at, ch))
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
	return append(errs, duplicates(where, level)...)
}

// checkChoiceName checks a choice's name and its localizations.
func checkChoiceName(where string, ch *discordgo.ApplicationCommandOptionChoice) error {
	names := map[discordgo.Locale]string{"": ch.Name}
	maps.Copy(names, ch.NameLocalizations)
	for _, loc := range slices.Sorted(maps.Keys(names)) {
		if n := utf8.RuneCountInString(names[loc]); n < 1 || n > maxChoiceName {
			return fmt.Errorf("/%s: choice name %q%s is not 1-100 characters", where, names[loc], inLocale(loc))
		}
	}
	return checkLocales(where, ch.NameLocalizations)
}

// commandChars counts a command's names, descriptions and choices as
// Discord does for its 4,000-character limit, in one locale ("" for the
// defaults).
func commandChars(c *discordgo.ApplicationCommand, loc discordgo.Locale) int {
	pick := func(s string, m map[discordgo.Locale]string) int {
		if v, ok := m[loc]; ok && loc != "" {
			s = v
		}
		return utf8.RuneCountInString(s)
	}
	n := pick(c.Name, deref(c.NameLocalizations)) + pick(c.Description, deref(c.DescriptionLocalizations))
	var walk func([]*discordgo.ApplicationCommandOption)
	walk = func(opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			n += pick(o.Name, o.NameLocalizations) + pick(o.Description, o.DescriptionLocalizations)
			for _, ch := range o.Choices {
				n += pick(ch.Name, ch.NameLocalizations) + utf8.RuneCountInString(fmt.Sprint(ch.Value))
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}

// Build returns the tree's command set for Discord (Commands) once the
// catalog describes every command, option and choice in English and the
// set passes Validate.
func Build(tree *bot.Tree) ([]*discordgo.ApplicationCommand, error) {
	if missing := tree.Undescribed(defaultLocale); len(missing) > 0 {
		return nil, fmt.Errorf("discord: locales/*.%s.toml lacks %s", defaultLocale, strings.Join(missing, ", "))
	}
	cmds := Commands(tree)
	if err := Validate(cmds); err != nil {
		return nil, fmt.Errorf("discord: command set breaks Discord's limits: %w", err)
	}
	return cmds, nil
}

// Register bulk-overwrites the application's commands with the tree's,
// in one server when guildID is set (applies at once) or globally;
// commands no longer in the tree disappear. It builds and validates first
// (Build) and returns how many commands Discord now has.
func Register(ctx context.Context, s *discordgo.Session, appID, guildID string, tree *bot.Tree) (int, error) {
	return register(ctx, s, appID, guildID, tree)
}

func register(ctx context.Context, a api, appID, guildID string, tree *bot.Tree) (int, error) {
	if appID == "" {
		return 0, errors.New("discord: DISCORD_APP_ID is needed to register commands")
	}
	cmds, err := Build(tree)
	if err != nil {
		return 0, err
	}
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	got, err := a.ApplicationCommandBulkOverwrite(appID, guildID, cmds, discordgo.WithContext(ctx))
	if err != nil {
		return 0, fmt.Errorf("discord: register commands: %w", err)
	}
	return len(got), nil
}
