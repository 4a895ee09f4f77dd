package bot

import (
	"regexp"
	"strings"
	"sync"
)

// The words people type for a choice's value, for yes and no, and for
// help are the catalog's (locales/words.*.toml): word.VALUE lists, per
// language, the words for VALUE, the first being the one messages show.
// What is typed is read in the words of every language, whatever the
// reader's, so that a Spanish reader may type yes and an English one sí;
// a new language is a new file, not code.

// The words are read from the catalog once: per locale and value, per
// value for every language, and whether a value has any.
var (
	wordCache     sync.Map // wordKey → []string
	acceptedCache sync.Map // value → []string
	hasWordsCache sync.Map // value → bool
)

type wordKey struct{ locale, value string }

// Words returns the words locale writes value with (word.VALUE), the one
// shown first, or nil when its catalog has none.
func Words(locale, value string) []string {
	k := wordKey{locale, value}
	if w, ok := wordCache.Load(k); ok {
		return w.([]string)
	}
	var words []string
	if hasWords(value) {
		for _, w := range strings.Split(Translate(locale, M("word."+value)), ",") {
			if w = strings.TrimSpace(w); w != "" {
				words = append(words, w)
			}
		}
	}
	wordCache.Store(k, words)
	return words
}

// hasWords reports whether the catalog lists words for value. Every
// language's file has the same keys (a test sees to it), so English
// decides.
func hasWords(value string) bool {
	if ok, seen := hasWordsCache.Load(value); seen {
		return ok.(bool)
	}
	ok := value != "" && HasMessage("word."+value)
	hasWordsCache.Store(value, ok)
	return ok
}

// Accepted returns the words any language writes value with, each once.
func Accepted(value string) []string {
	if w, ok := acceptedCache.Load(value); ok {
		return w.([]string)
	}
	var all []string
	for _, lang := range Languages() {
		for _, w := range Words(lang, value) {
			if !containsFold(all, w) {
				all = append(all, w)
			}
		}
	}
	acceptedCache.Store(value, all)
	return all
}

// Means reports whether typed is one of the words any language writes
// value with, or value itself; case does not matter.
func Means(typed, value string) bool {
	return strings.EqualFold(typed, value) || containsFold(Accepted(value), typed)
}

// IsHelp reports whether a word asks for help in some language: help,
// ayuda.
func IsHelp(word string) bool { return Means(word, "help") }

// Word is a typed value (an answer, a mark, a kind of jurisdiction)
// shown in the reader's words: yes reads sí in Spanish. A value the
// catalog has no words for is shown as it is.
type Word string

// Localize writes the value in locale's first word for it.
func (w Word) Localize(locale string) string {
	if words := Words(locale, string(w)); len(words) > 0 {
		return words[0]
	}
	return string(w)
}

// Upper shows l in capitals, in the reader's words: EVASIVE, EVASIVA.
func Upper(l Localized) Localized { return upper{l} }

type upper struct{ l Localized }

func (u upper) Localize(locale string) string { return strings.ToUpper(u.l.Localize(locale)) }

// choiceOf returns the choice typed names in any language: its value, or
// one of the words for it.
func choiceOf(choices []ChoiceValue, typed string) (string, bool) {
	for _, c := range choices {
		if strings.EqualFold(c.Value, typed) {
			return c.Value, true
		}
	}
	for _, c := range choices {
		if containsFold(Accepted(c.Value), typed) {
			return c.Value, true
		}
	}
	return "", false
}

// startsChoiceWord reports whether typed is the beginning of a word of
// several (tal vez) for one of choices, so that the text grammar keeps
// reading it as one value.
func startsChoiceWord(choices []ChoiceValue, typed string) bool {
	prefix := strings.ToLower(typed) + " "
	for _, c := range choices {
		for _, w := range Accepted(c.Value) {
			if lw := strings.ToLower(w); lw == strings.ToLower(typed) || strings.HasPrefix(lw, prefix) {
				return true
			}
		}
	}
	return false
}

// choiceList is the values of a choice option in the reader's words, as
// a refusal lists them.
type choiceList []ChoiceValue

// Localize lists the choices in locale.
func (l choiceList) Localize(locale string) string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = Word(c.Value).Localize(locale)
	}
	return strings.Join(out, ", ")
}

// LocalExample rewrites the choice values and yes/no words in an example
// of cmd into locale's words (`/meeting rsvp 3 yes` reads `/meeting rsvp
// 3 sí` in Spanish), so that a refusal's example is in the reader's
// language, and quoted text the catalog translates as an example phrase
// (see localQuoted). A word the reader's language already has is left as
// written, and so is other quoted text (names), every unquoted value of
// a text option, and an example of another command.
func LocalExample(locale string, cmd *Command, example string) string {
	if cmd == nil {
		return example
	}
	head := "/" + cmd.Path() + " "
	rest, ok := strings.CutPrefix(example, head)
	if !ok {
		return example
	}
	var b strings.Builder
	b.WriteString(head)
	keyed := false // after a key:value, bare words continue its value
	for i, w := range exampleWords(rest) {
		if i > 0 {
			b.WriteByte(' ')
		}
		if w.quoted {
			b.WriteString(localQuoted(locale, w.text))
			continue
		}
		if m := keyRE.FindStringSubmatch(w.text); m != nil {
			keyed = true
			if o := cmd.Option(m[1]); o != nil {
				b.WriteString(m[1] + ":" + localValue(locale, o, m[2]))
				continue
			}
			b.WriteString(w.text)
			continue
		}
		if !keyed {
			if o := positionalChoice(cmd, w.text); o != nil {
				b.WriteString(localValue(locale, o, w.text))
				continue
			}
		}
		b.WriteString(w.text)
	}
	return b.String()
}

// localValue is a typed value of o in locale's words.
func localValue(locale string, o *Option, typed string) string {
	var value string
	switch o.Kind {
	case Boolean:
		switch {
		case Means(typed, "true"):
			value = "true"
		case Means(typed, "false"):
			value = "false"
		}
	case Choice:
		value, _ = choiceOf(o.Choices, typed)
	}
	words := Words(locale, value)
	if value == "" || len(words) == 0 || containsFold(words, typed) {
		return typed
	}
	return words[0]
}

// positionalChoice is the choice option of cmd that a bare word of its
// example fills, or nil.
func positionalChoice(cmd *Command, word string) *Option {
	for i := range cmd.Options {
		o := &cmd.Options[i]
		if o.Kind != Choice || !o.Required && !o.Positional {
			continue
		}
		if _, ok := choiceOf(o.Choices, word); ok {
			return o
		}
	}
	return nil
}

// exampleWords cuts an example at its spaces, keeping a quoted run (and a
// key:"quoted value") in one word, marked quoted.
// quotedRE finds the quoted text of an example's word.
var quotedRE = regexp.MustCompile(`"([^"]*)"`)

// localQuoted translates the quoted text of an example's word
// (when:"next tuesday 12:30") when the catalog has it as an example
// phrase, "example.text.<text>": the examples in code are English, and a
// Spanish reader copies them.
func localQuoted(locale, text string) string {
	return quotedRE.ReplaceAllStringFunc(text, func(q string) string {
		id := "example.text." + strings.Trim(q, `"`)
		if !HasMessage(id) {
			return q
		}
		return `"` + Translate(locale, M(id)) + `"`
	})
}

func exampleWords(example string) []word {
	var out []word
	var cur strings.Builder
	inQuote, quoted := false, false
	for _, r := range example {
		switch {
		case r == '"' || r == '“' || r == '”':
			inQuote, quoted = !inQuote, true
		case r == ' ' && !inQuote:
			out = append(out, word{text: cur.String(), quoted: quoted})
			cur.Reset()
			quoted = false
			continue
		}
		cur.WriteRune(r)
	}
	return append(out, word{text: cur.String(), quoted: quoted})
}

func containsFold(list []string, s string) bool {
	for _, w := range list {
		if strings.EqualFold(w, s) {
			return true
		}
	}
	return false
}
