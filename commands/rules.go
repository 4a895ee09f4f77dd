package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
)

// Rule is one of the model rules. Rules are static: their names and texts
// live in the message catalog under rule.<Number>.
type Rule struct {
	Number  string // "1".."9", or "1373"
	Heading string // catalog id of the guide's heading
}

// Rules lists the nine model rules and, last, the optional 1373 rule.
var Rules = []Rule{
	{"1", "rules.heading.deport"},
	{"2", "rules.heading.deport"},
	{"3", "rules.heading.deport"},
	{"4", "rules.heading.deport"},
	{"5", "rules.heading.privacy"},
	{"6", "rules.heading.privacy"},
	{"7", "rules.heading.privacy"},
	{"8", "rules.heading.redress"},
	{"9", "rules.heading.discrimination"},
	{"1373", "rules.heading.optional"},
}

// CoreRules is the number of model rules (1373 is optional).
const CoreRules = 9

// RuleByNumber returns the rule numbered n ("3", "1373").
func RuleByNumber(n string) (Rule, bool) {
	n = strings.TrimPrefix(strings.TrimSpace(n), "#")
	for _, r := range Rules {
		if r.Number == n {
			return r, true
		}
	}
	return Rule{}, false
}

// Name is the rule's name in the locale.
func (r Rule) Name(locale string) string {
	return bot.Translate(locale, bot.M("rule."+r.Number+".name"))
}

// Summary is the rule's one-line summary in the locale.
func (r Rule) Summary(locale string) string {
	return bot.Translate(locale, bot.M("rule."+r.Number+".summary"))
}

// Text is the rule's full text with the jurisdiction (place, as placeName
// writes it in locale) filled in.
func (r Rule) Text(locale, place string) string {
	return placeText(locale, place, bot.M("rule."+r.Number+".text", "Place", place))
}

// jurisdictionKinds are the kinds of jurisdiction a group campaigns in.
var jurisdictionKinds = []string{"city", "county", "state"}

// place is the caller's group's jurisdiction as the rules and the guide
// name it, in the reader's language.
func place(req *bot.Request) string {
	return placeName(req.Locale, req.Caller.GroupName, req.Caller.GroupKind)
}

// placeName names a jurisdiction in locale by the catalog's phrase for its
// kind (place.KIND): as typed in English ("Sangamon County",
// "Springfield"), "el Condado de Sangamon" or "la Ciudad de Springfield" in
// Spanish; before /setup (name "") the placeholder, "[County/City/State]".
// The phrase gets the name without a last word that names its kind in any
// language ("Sangamon County", "Sangamon condado"), except a city's:
// "Kansas City" is a name.
func placeName(locale, name, kind string) string {
	if name == "" {
		return bot.Translate(locale, bot.M("place.none"))
	}
	if !slices.Contains(jurisdictionKinds, kind) {
		return name
	}
	base := name
	if kind != "city" {
		for _, w := range bot.Accepted(kind) {
			if rest, ok := cutSuffixFold(base, " "+w); ok && strings.TrimSpace(rest) != "" {
				base = strings.TrimSpace(rest)
				break
			}
		}
	}
	phrase := bot.Translate(locale, bot.M("place."+kind, "Name", base))
	if phrase == base { // the language says the name alone: as typed
		return name
	}
	return phrase
}

// placeText renders m, which shows place, in locale, with the contractions
// locale makes where a preposition meets the place (place.contractions):
// "de el Condado de Sangamon" reads "del Condado de Sangamon".
func placeText(locale, place string, m bot.Message) string {
	text := bot.Translate(locale, m)
	for _, rule := range strings.Split(bot.Translate(locale, bot.M("place.contractions")), ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(rule), "=")
		if !ok {
			continue
		}
		prep, article, ok := strings.Cut(from, " ")
		if !ok || !strings.HasPrefix(place, article+" ") {
			continue
		}
		text = replaceWord(text, prep+" "+place, to+strings.TrimPrefix(place, article))
	}
	return text
}

// replaceWord replaces old in s where it starts a word.
func replaceWord(s, old, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if i == 0 || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			b.WriteString(s[:i] + with)
		} else {
			b.WriteString(s[:i] + old)
		}
		s = s[i+len(old):]
	}
}

// cutSuffixFold is strings.CutSuffix without regard to case.
func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// errUnknownRule is the error for a rule number that does not exist.
func errUnknownRule(field, given, example string) error {
	return bot.Invalid(field, bot.M("rules.unknown", "Number", given), example)
}

func (env *Env) rulesCommand() *bot.Command {
	return &bot.Command{
		Name:    "rules",
		Example: "/rules number:3",
		Options: []bot.Option{
			{Name: "number", Kind: bot.Integer},
		},
		ReadOnly: true,
		Handler:  env.rules,
	}
}

func (env *Env) rules(_ context.Context, req *bot.Request) (bot.Reply, error) {
	if n, ok := req.Int("number"); ok {
		r, found := RuleByNumber(strconv.FormatInt(n, 10))
		if !found {
			return bot.Reply{}, errUnknownRule("number", strconv.FormatInt(n, 10), "/rules number:3")
		}
		return bot.Reply{
			Title: req.T("rules.one.title", "Number", r.Number, "Name", r.Name(req.Locale)),
			Text:  r.Text(req.Locale, place(req)),
		}, nil
	}
	reply := bot.Reply{Title: req.T("rules.title"), Text: req.T("rules.intro")}
	var heading string
	var lines []string
	flush := func() {
		if heading != "" {
			reply.Fields = append(reply.Fields, bot.Field{Name: req.T(heading), Value: strings.Join(lines, "\n")})
		}
		lines = nil
	}
	for _, r := range Rules {
		if r.Heading != heading {
			flush()
			heading = r.Heading
		}
		lines = append(lines, req.T("rules.line", "Number", r.Number, "Name", r.Name(req.Locale), "Summary", r.Summary(req.Locale)))
	}
	flush()
	reply.Footer = req.T("rules.optional_note")
	return reply, nil
}
