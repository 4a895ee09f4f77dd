package bot

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Invocation is a command line split into its command and raw option
// values, before the values are checked against their kinds.
type Invocation struct {
	Command *Command
	Args    map[string]string
	// Help is true when the line asked for the command's help
	// (`/meeting help`, `/meeting schedule help`).
	Help bool
}

var keyRE = regexp.MustCompile(`^([a-z][a-z0-9-]*):(.*)$`)

// ParseLine reads the text grammar shared by the console and Slack:
//
//	/meeting schedule official:"Sheriff Roe" when:tomorrow 3pm where:HQ
//	/meeting rsvp 3 yes
//
// Words before the first key:value fill the command's required options in
// order, then its optional options marked Positional, then optional
// choices whose values they are (`/meeting list past`); surplus words join
// the last required or Positional option when it takes text or users, or
// when they continue one of its choices' words of several (tal vez);
// words after a key:value continue its value, so quotes are optional;
// "help" (or its word in another language: ayuda) anywhere after the
// command asks for its help, and as the command is /help.
func (t *Tree) ParseLine(line string) (*Invocation, error) {
	words, err := split(line)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, Invalid("", M("parse.empty"), "/help")
	}
	name := strings.TrimPrefix(strings.ToLower(words[0].text), "/")
	cmd := t.Lookup(name)
	if cmd == nil && IsHelp(name) {
		cmd = t.Lookup("help")
	}
	if cmd == nil {
		return nil, NotFound(M("parse.unknown_command", "Name", name), Closest(name, t.names(), 3)).withExample("/help")
	}
	words = words[1:]
	for len(cmd.Subcommands) > 0 {
		if len(words) > 0 && IsHelp(words[0].text) {
			return &Invocation{Command: cmd, Help: true}, nil
		}
		var sub *Command
		if len(words) > 0 {
			sub = cmd.Sub(strings.ToLower(words[0].text))
		}
		if sub == nil && cmd.Default != "" {
			cmd = cmd.Sub(cmd.Default) // the words are its options
			continue
		}
		if len(words) == 0 {
			return &Invocation{Command: cmd, Help: true}, nil
		}
		if sub == nil {
			var names []string
			for _, s := range cmd.Subcommands {
				names = append(names, s.Name)
			}
			return nil, NotFound(M("parse.unknown_subcommand", "Command", cmd.Path(), "Name", words[0].text, "List", strings.Join(names, ", ")), Closest(words[0].text, names, 2)).withExample(firstExample(cmd))
		}
		cmd, words = sub, words[1:]
	}
	inv := &Invocation{Command: cmd, Args: map[string]string{}}
	var positional []string
	current := ""
	for _, w := range words {
		if !w.quoted && IsHelp(w.text) && current == "" {
			inv.Help = true
			continue
		}
		if m := keyRE.FindStringSubmatch(w.text); m != nil && !w.quoted && !strings.HasPrefix(m[2], "//") {
			if cmd.Option(m[1]) == nil {
				var names []string
				for _, o := range cmd.Options {
					names = append(names, o.Name)
				}
				return nil, Invalid(m[1], M("parse.unknown_option", "Name", m[1], "Command", cmd.Path(), "List", optionList(cmd)), cmd.Example).withSuggestions(Closest(m[1], names, 2))
			}
			if _, dup := inv.Args[m[1]]; dup {
				return nil, Invalid(m[1], M("parse.duplicate_option", "Name", m[1]), cmd.Example)
			}
			current = m[1]
			inv.Args[current] = m[2]
			continue
		}
		if current != "" {
			inv.Args[current] = strings.TrimSpace(inv.Args[current] + " " + w.text)
			continue
		}
		positional = append(positional, w.text)
	}
	if inv.Help {
		return inv, nil
	}
	return inv, fillPositional(cmd, inv.Args, positional)
}

func fillPositional(cmd *Command, args map[string]string, positional []string) error {
	var targets []*Option
	for i := range cmd.Options {
		o := &cmd.Options[i]
		if !o.Required && !o.Positional {
			continue
		}
		if _, given := args[o.Name]; !given {
			targets = append(targets, o)
		}
	}
	for i, word := range positional {
		if i < len(targets) {
			args[targets[i].Name] = word
			continue
		}
		last := (*Option)(nil)
		if len(targets) > 0 {
			last = targets[len(targets)-1]
		}
		if last != nil && (last.Kind == Text || last.Kind == Users || last.Kind == Time) {
			args[last.Name] += " " + word
			continue
		}
		if last != nil && last.Kind == Choice && startsChoiceWord(last.Choices, args[last.Name]+" "+word) {
			args[last.Name] += " " + word // a choice's word of several: tal vez
			continue
		}
		return Invalid("", M("parse.unexpected_word", "Word", word, "Command", cmd.Path()), cmd.Example)
	}
	return nil
}

func (t *Tree) names() []string {
	var out []string
	for _, c := range t.roots {
		out = append(out, c.Name)
	}
	return out
}

func firstExample(c *Command) string {
	if c.Example != "" {
		return c.Example
	}
	for _, s := range c.Subcommands {
		if ex := firstExample(s); ex != "" {
			return ex
		}
	}
	return "/help"
}

func optionList(c *Command) string {
	if len(c.Options) == 0 {
		return "none"
	}
	names := make([]string, len(c.Options))
	for i, o := range c.Options {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}

func (e *Error) withExample(ex string) *Error { e.Example = ex; return e }

func (e *Error) withSuggestions(s []string) *Error { e.Suggestions = s; return e }

type word struct {
	text   string
	quoted bool // the whole word was quoted: never a key or "help"
}

// split cuts a line into words, keeping "double quoted" (or “curly
// quoted”) runs together; key:"a b" is one word "key:a b".
func split(line string) ([]word, error) {
	var out []word
	var cur strings.Builder
	inQuote, quotedWhole, started := false, false, false
	flush := func() {
		if started {
			out = append(out, word{text: cur.String(), quoted: quotedWhole})
		}
		cur.Reset()
		started, quotedWhole = false, false
	}
	for _, r := range line {
		switch {
		case r == '"' || r == '“' || r == '”':
			if !started {
				quotedWhole = true
			}
			started = true
			inQuote = !inQuote
		case unicode.IsSpace(r) && !inQuote:
			flush()
		default:
			started = true
			cur.WriteRune(r)
		}
	}
	if inQuote {
		return nil, Invalid("", M("parse.unclosed_quote"), `/setup jurisdiction:"Cook County" kind:county timezone:America/Chicago`)
	}
	flush()
	return out, nil
}

// UserResolver turns a platform's mention syntax into a user; ok is false
// when the word is not a mention.
type UserResolver func(word string) (u User, ok bool)

// Bind checks raw option values against their declarations and converts
// them to typed values. The first problem is returned as an Invalid error
// naming the option and showing the command's example.
func Bind(cmd *Command, args map[string]string, users UserResolver) (map[string]Value, error) {
	out := make(map[string]Value, len(args))
	for _, o := range cmd.Options {
		raw, given := args[o.Name]
		if hasNUL(raw) {
			return nil, Invalid(o.Name, M("bind.nul", "Name", o.Name), cmd.Example)
		}
		raw = strings.TrimSpace(CleanText(raw))
		if !given || raw == "" {
			if o.Required {
				return nil, Invalid(o.Name, M("bind.missing", "Name", o.Name, "Description", M(o.Key())), cmd.Example)
			}
			if given {
				return nil, Invalid(o.Name, M("bind.empty", "Name", o.Name), cmd.Example)
			}
			continue
		}
		v, err := bindOne(&o, raw, users)
		if err != nil {
			err.Field, err.Example = o.Name, cmd.Example
			return nil, err
		}
		out[o.Name] = v
	}
	return out, nil
}

func bindOne(o *Option, raw string, users UserResolver) (Value, *Error) {
	v := Value{Kind: o.Kind}
	switch o.Kind {
	case Text, Time:
		if n := len([]rune(raw)); n > o.Limit() {
			return v, &Error{Kind: KindInvalid, Msg: M("bind.too_long", "Name", o.Name, "Length", n, "Limit", o.Limit())}
		}
		if o.NoContact && LooksLikeContact(raw) {
			return v, &Error{Kind: KindInvalid, Msg: M("bind.contact", "Name", o.Name)}
		}
		v.Text = raw
	case Integer:
		n, err := strconv.ParseInt(strings.TrimPrefix(raw, "#"), 10, 64)
		if err != nil {
			return v, &Error{Kind: KindInvalid, Msg: M("bind.not_integer", "Name", o.Name, "Value", Clip(raw, 40))}
		}
		if o.Max > o.Min && (n < o.Min || n > o.Max) {
			return v, &Error{Kind: KindInvalid, Msg: M("bind.out_of_range", "Name", o.Name, "Value", n, "Min", o.Min, "Max", o.Max)}
		}
		v.Int = n
	case Boolean:
		// yes, sí, true, on…: the words for true and false in every language
		switch {
		case Means(raw, "true"):
			v.Bool = true
		case Means(raw, "false"):
		default:
			return v, &Error{Kind: KindInvalid, Msg: M("bind.not_boolean", "Name", o.Name, "Value", Clip(raw, 40))}
		}
	case Choice:
		// A value, or its word in any language: sí for yes.
		value, ok := choiceOf(o.Choices, raw)
		if !ok {
			return v, &Error{Kind: KindInvalid, Msg: M("bind.not_choice", "Name", o.Name, "Value", Clip(raw, 40), "List", choiceList(o.Choices))}
		}
		v.Text = value
	case UserKind:
		u, ok := users(raw)
		if !ok {
			return v, &Error{Kind: KindInvalid, Msg: M("bind.not_user", "Name", o.Name, "Value", Clip(raw, 40))}
		}
		u.Name = CleanText(u.Name)
		v.User = u
	case Users:
		for _, w := range strings.FieldsFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
			u, ok := users(w)
			if !ok {
				return v, &Error{Kind: KindInvalid, Msg: M("bind.not_user", "Name", o.Name, "Value", Clip(w, 40))}
			}
			u.Name = CleanText(u.Name)
			v.Users = append(v.Users, u)
		}
		if len(v.Users) > 100 {
			return v, &Error{Kind: KindInvalid, Msg: M("bind.too_many_users", "Name", o.Name, "Limit", 100)}
		}
	}
	return v, nil
}
