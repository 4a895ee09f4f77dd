package bot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/fcbot/fcbot/bot"
)

// TestDescriptionKeysFollowTheTree checks the catalog ids a tree reads
// its descriptions from: one per command, option and choice, named by
// path, each option keyed for its own command even when declarations
// share one slice of options; and that Undescribed names those the catalog
// lacks and no other.
func TestDescriptionKeysFollowTheTree(t *testing.T) {
	noop := func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{}, nil }
	shared := []bot.Option{{Name: "x", Kind: bot.Choice, Choices: bot.Choices("v")}}
	help := &bot.Command{Name: "help", Options: []bot.Option{{Name: "command", Kind: bot.Text}}, Handler: noop}
	tree := bot.NewTree(help, &bot.Command{Name: "a", Subcommands: []*bot.Command{
		{Name: "b", Options: shared, Handler: noop},
		{Name: "c", Options: shared, Handler: noop},
	}})
	want := []string{
		"cmd.help", "cmd.help.opt.command",
		"cmd.a",
		"cmd.a.b", "cmd.a.b.opt.x", "cmd.a.b.opt.x.choice.v",
		"cmd.a.c", "cmd.a.c.opt.x", "cmd.a.c.opt.x.choice.v",
	}
	if got := tree.Keys(); !slices.Equal(got, want) {
		t.Errorf("Keys() = %q, want %q", got, want)
	}
	if got := tree.Lookup("a b").Options[0].Key(); got != "cmd.a.b.opt.x" {
		t.Errorf("/a b x: key %q, want cmd.a.b.opt.x", got)
	}
	for _, lang := range []string{"en", "es"} {
		if got := tree.Undescribed(lang); !slices.Equal(got, want[2:]) {
			t.Errorf("Undescribed(%q) = %q, want %q: /help is described, /a is not", lang, got, want[2:])
		}
	}
	if got, want := help.Describe("es"), bot.Translate("es", bot.M("cmd.help")); got != want || got == help.Describe("en") {
		t.Errorf("/help in Spanish: %q, want %q, not the English", got, want)
	}
}
