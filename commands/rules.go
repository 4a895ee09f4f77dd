package commands

import (
	"context"
	"strconv"
	"strings"

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

// Text is the rule's full text with the jurisdiction filled in.
func (r Rule) Text(locale, place string) string {
	return bot.Translate(locale, bot.M("rule."+r.Number+".text", "Place", place))
}

// errUnknownRule is the error for a rule number that does not exist.
func errUnknownRule(field, given, example string) error {
	return bot.Invalid(field, bot.M("rules.unknown", "Number", given), example)
}

func (env *Env) rulesCommand() *bot.Command {
	return &bot.Command{
		Name:        "rules",
		Description: "The nine model rules (and the optional 1373 rule); number:N shows one in full",
		Example:     "/rules number:3",
		Options: []bot.Option{
			{Name: "number", Description: "A rule number: 1 to 9, or 1373", Kind: bot.Integer},
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
