package bot

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Level is a member's permission level within a group. Levels are ordered:
// a lead may do everything a coordinator may, and a coordinator everything a
// member may.
type Level int

// The permission levels, lowest first.
const (
	Member Level = iota
	Coordinator
	Lead
)

// String returns the level's name as users type it.
func (l Level) String() string {
	switch l {
	case Coordinator:
		return "coordinator"
	case Lead:
		return "lead"
	default:
		return "member"
	}
}

// Localize names the level as a sentence in locale shows it: lead;
// líder (`lead`).
func (l Level) Localize(locale string) string {
	return Translate(locale, M("role.name."+l.String()))
}

// OptionKind is the type of an option's value.
type OptionKind int

// The option kinds. Time values arrive as text: they are parsed by the
// handler in the group's time zone.
const (
	Text OptionKind = iota
	Integer
	Boolean
	UserKind
	Users
	Time
	Choice
)

// String names the kind in logs and in the catalog id of its word in help
// ("help.kind.text").
func (k OptionKind) String() string {
	return [...]string{"text", "integer", "boolean", "user", "users", "time", "choice"}[k]
}

// ChoiceValue is one allowed value of a Choice option, or one choice of a
// form's picker or of a suggestion list.
type ChoiceValue struct {
	Value string
	// Label is what a form's picker or a suggestion shows, already in the
	// reader's language; it defaults to Value. A command option's choices
	// are named by the catalog instead (Option.ChoiceName).
	Label string
}

// Option is one named argument of a command. Its description is not
// written here but in the catalog, under Key, in every language.
type Option struct {
	Name     string
	Kind     OptionKind
	Required bool
	Choices  []ChoiceValue
	// MaxLength bounds Text values; 0 means the core default.
	MaxLength int
	// Min and Max bound Integer values when Max > Min.
	Min, Max int64
	// Autocomplete names a source of suggestions ("meeting", "official",
	// "task") for platforms that can offer them while the user types.
	Autocomplete string
	// Positional lets an optional option be typed without its name in the
	// text grammar, after the required ones (`/task list overdue`). Typed
	// platforms (Discord) ignore it.
	Positional bool
	// NoContact refuses a Text value that looks like a phone number or an
	// email address (LooksLikeContact): it marks the free text fcbot keeps
	// for the group to read (titles, places, notes), never an official's
	// public contact.
	NoContact bool
	// MayHaveLeft lets a user option name someone who is no longer in the
	// workspace (/member forget): the router does not ask the platform
	// whether they are a member, and the handler finds them, or not, among
	// the group's own.
	MayHaveLeft bool

	key string // the catalog id of the description; set by NewTree
}

// Key returns the catalog id of the option's description,
// "cmd.PATH.opt.NAME" ("cmd.meeting.rsvp.opt.answer"); the tree sets it, so
// an option that several commands share is described for each.
func (o *Option) Key() string { return o.key }

// Describe returns the option's description in locale.
func (o *Option) Describe(locale string) string { return Translate(locale, M(o.key)) }

// ChoiceKey returns the catalog id of the name a picker shows for one of
// the option's choices, "cmd.PATH.opt.NAME.choice.VALUE"; the value itself
// is what is typed and sent, in every language.
func (o *Option) ChoiceKey(value string) string { return o.key + ".choice." + value }

// ChoiceName returns the name a picker shows for the choice value in
// locale.
func (o *Option) ChoiceName(locale, value string) string {
	return Translate(locale, M(o.ChoiceKey(value)))
}

// DefaultMaxLength bounds text options that set no MaxLength.
const DefaultMaxLength = 200

// Limit returns the effective maximum length of a text value.
func (o *Option) Limit() int {
	if o.MaxLength > 0 {
		return o.MaxLength
	}
	return DefaultMaxLength
}

// Choices builds the choice values of an option from strings or a typed
// list of words (storage.MeetingKinds).
func Choices[T ~string](values ...T) []ChoiceValue {
	out := make([]ChoiceValue, len(values))
	for i, v := range values {
		out[i] = ChoiceValue{Value: string(v)}
	}
	return out
}

// Command is a slash command or one of its subcommands. A command has either
// a Handler or Subcommands, never both. Its description is in the catalog,
// under Key, in every language.
type Command struct {
	Name string
	// Example is a complete, working invocation shown in help and in errors,
	// e.g. `/rules number:3`.
	Example     string
	Options     []Option
	Subcommands []*Command
	// Default names the subcommand the text grammar runs when the words
	// after the command name none of them (`/scorecard` is
	// `/scorecard show`), so that a command that grew subcommands keeps
	// working as it was typed before. Typed platforms (Discord) ask for
	// the subcommand.
	Default string
	// Level is the minimum permission level needed to run the command.
	Level Level
	// ReadOnly commands change nothing: running one twice is harmless, so
	// the replay guard, which must write, is not asked.
	ReadOnly bool
	// OneCommit commands make their change in one storage transaction,
	// which records the replay guard's delivery id too (see
	// ReplayGuardWithin): a change then costs one commit, not two.
	OneCommit bool
	Handler   Handler

	parent *Command
	path   string // set by NewTree
}

// Path returns the command's full name without the slash, e.g. "meeting
// rsvp": its Name until NewTree links it.
func (c *Command) Path() string { return cmp.Or(c.path, c.Name) }

// Key returns the catalog id of the command's description: "cmd." and its
// path, dotted ("cmd.meeting.schedule").
func (c *Command) Key() string { return "cmd." + strings.ReplaceAll(c.Path(), " ", ".") }

// Describe returns the command's description in locale.
func (c *Command) Describe(locale string) string { return Translate(locale, M(c.Key())) }

// Parent returns the command this one is a subcommand of, or nil.
func (c *Command) Parent() *Command { return c.parent }

// Option returns the option with the given name, or nil.
func (c *Command) Option(name string) *Option {
	for i := range c.Options {
		if c.Options[i].Name == name {
			return &c.Options[i]
		}
	}
	return nil
}

// Sub returns the subcommand with the given name, or nil.
func (c *Command) Sub(name string) *Command {
	for _, s := range c.Subcommands {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Leaves calls fn for every runnable command in the tree rooted at c.
func (c *Command) Leaves(fn func(*Command)) {
	if len(c.Subcommands) == 0 {
		fn(c)
		return
	}
	for _, s := range c.Subcommands {
		s.Leaves(fn)
	}
}

// Tree is the whole set of top-level commands, declared once and shared by
// every adapter.
type Tree struct {
	roots []*Command
	byKey map[string]*Command
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// NewTree links parents, checks the declarations, gives each option its
// catalog key and indexes the commands. A malformed declaration is a
// programming error and panics at start-up, so it cannot reach users.
// Descriptions are the catalog's: Undescribed lists those it lacks.
func NewTree(roots ...*Command) *Tree {
	t := &Tree{roots: roots, byKey: map[string]*Command{}}
	var link func(parent, c *Command)
	link = func(parent, c *Command) {
		c.parent, c.path = parent, c.Name
		if parent != nil {
			c.path = parent.path + " " + c.Name
		}
		if !nameRE.MatchString(c.Name) {
			panic(fmt.Sprintf("bot: command name %q is not 1-32 lower-case letters, digits or dashes", c.Name))
		}
		if (c.Handler == nil) == (len(c.Subcommands) == 0) {
			panic(fmt.Sprintf("bot: command %q needs either a handler or subcommands", c.Path()))
		}
		if _, dup := t.byKey[c.Path()]; dup {
			panic(fmt.Sprintf("bot: command %q declared twice", c.Path()))
		}
		t.byKey[c.Path()] = c
		optional := false
		seen := map[string]bool{}
		// Declarations may share one slice of options between commands;
		// each command's copy carries its own keys.
		c.Options = slices.Clone(c.Options)
		for i := range c.Options {
			o := &c.Options[i]
			if !nameRE.MatchString(o.Name) {
				panic(fmt.Sprintf("bot: option %q of %q needs a lower-case name", o.Name, c.Path()))
			}
			o.key = c.Key() + ".opt." + o.Name
			if seen[o.Name] {
				panic(fmt.Sprintf("bot: option %q of %q declared twice", o.Name, c.Path()))
			}
			seen[o.Name] = true
			if o.Required && optional {
				panic(fmt.Sprintf("bot: required option %q of %q follows an optional one", o.Name, c.Path()))
			}
			optional = optional || !o.Required
			if o.Kind == Choice && len(o.Choices) == 0 {
				panic(fmt.Sprintf("bot: choice option %q of %q lists no choices", o.Name, c.Path()))
			}
			if o.NoContact && o.Kind != Text {
				panic(fmt.Sprintf("bot: option %q of %q refuses contact details but is not text", o.Name, c.Path()))
			}
		}
		for _, s := range c.Subcommands {
			link(c, s)
		}
		if c.Default != "" && c.Sub(c.Default) == nil {
			panic(fmt.Sprintf("bot: default %q of %q is not one of its subcommands", c.Default, c.Path()))
		}
	}
	for _, c := range roots {
		link(nil, c)
	}
	return t
}

// Roots returns the top-level commands in declaration order.
func (t *Tree) Roots() []*Command { return t.roots }

// Keys lists, in declaration order, the catalog ids the tree's
// descriptions are read from: each command's, each option's and the name
// of each choice of each option.
func (t *Tree) Keys() []string {
	var keys []string
	var walk func(c *Command)
	walk = func(c *Command) {
		keys = append(keys, c.Key())
		for i := range c.Options {
			o := &c.Options[i]
			keys = append(keys, o.Key())
			for _, ch := range o.Choices {
				keys = append(keys, o.ChoiceKey(ch.Value))
			}
		}
		for _, s := range c.Subcommands {
			walk(s)
		}
	}
	for _, c := range t.roots {
		walk(c)
	}
	return keys
}

// Undescribed lists the tree's catalog ids (Keys) that the catalog lacks
// in lang ("en", "es"): a command set with any in English cannot be
// registered, and the commands' tests require none in any language.
func (t *Tree) Undescribed(lang string) []string {
	l := i18n.NewLocalizer(catalog(), lang)
	var missing []string
	for _, id := range t.Keys() {
		// Found only in another language is an error too: go-i18n
		// reports the fallback.
		if _, err := l.Localize(&i18n.LocalizeConfig{MessageID: id}); err != nil {
			missing = append(missing, id)
		}
	}
	return missing
}

// Lookup finds a command by its path ("meeting rsvp"), or returns nil.
func (t *Tree) Lookup(path string) *Command { return t.byKey[strings.Join(strings.Fields(path), " ")] }

// Leaves calls fn for every runnable command, in declaration order.
func (t *Tree) Leaves(fn func(*Command)) {
	for _, c := range t.roots {
		c.Leaves(fn)
	}
}

// Closest returns up to n candidates nearest to name by edit distance,
// nearest first; it is how "not found" errors suggest what the user meant.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	name = strings.ToLower(name)
	var list []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := distance(name, lc)
		if strings.Contains(lc, name) || strings.Contains(name, lc) {
			d = min(d, 1)
		}
		if d <= max(2, len(name)/2) {
			list = append(list, scored{c, d})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].d < list[j].d })
	out := make([]string, 0, n)
	for i := 0; i < len(list) && i < n; i++ {
		out = append(out, list[i].s)
	}
	return out
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
