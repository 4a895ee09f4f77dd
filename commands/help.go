package commands

import (
	"context"
	"strings"

	"github.com/fcbot/fcbot/bot"
)

func (env *Env) helpCommand() *bot.Command {
	return &bot.Command{
		Name:    "help",
		Example: "/help command:rules",
		Options: []bot.Option{
			{Name: "command", Kind: bot.Text, MaxLength: 64},
		},
		ReadOnly: true,
		Handler:  env.help,
	}
}

func (env *Env) help(_ context.Context, req *bot.Request) (bot.Reply, error) {
	if name := strings.TrimPrefix(strings.TrimSpace(req.Str("command")), "/"); name != "" {
		c := env.tree.Lookup(name)
		if c == nil {
			var names []string
			for _, r := range env.tree.Roots() {
				names = append(names, r.Name)
			}
			return bot.Reply{}, bot.NotFound(bot.M("help.unknown", "Name", name), bot.Closest(name, names, 3))
		}
		return bot.CommandHelp(req.Locale, c), nil
	}
	reply := bot.Reply{Title: req.T("help.title"), Text: req.T("help.intro"), Ephemeral: true}
	for _, c := range env.tree.Roots() {
		var allowed []*bot.Command
		c.Leaves(func(l *bot.Command) {
			if l.Level <= req.Caller.Level {
				allowed = append(allowed, l)
			}
		})
		if len(allowed) == 0 {
			continue
		}
		line := "/" + c.Name + ": " + c.Describe(req.Locale)
		if ex := allowed[0].Example; ex != "" {
			line += " " + req.T("help.example", "Example", bot.LocalExample(req.Locale, allowed[0], ex))
		}
		reply.Items = append(reply.Items, line)
	}
	reply.Footer = req.T("help.footer", "Level", req.Caller.Level)
	return reply, nil
}
