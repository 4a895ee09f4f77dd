package discord_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
)

// TestValidateRefusesBadLocalizations gives Validate localizations that
// Discord refuses, each in a command that is otherwise fine, and one that
// it accepts.
func TestValidateRefusesBadLocalizations(t *testing.T) {
	long := strings.Repeat("x", 101)
	opt := func(extra string) string {
		return `{"name":"a","description":"d","description_localizations":{"es-ES":"e"},"options":[{"type":3,"name":"x","description":"d"` + extra + `}]}`
	}
	cases := []struct {
		name string
		cmd  string // JSON of one command
		want string // "" when Discord accepts it
	}{
		{"fine", `{"name":"a","description":"d","description_localizations":{"es-ES":"é","es-419":"é"},"name_localizations":{"es-ES":"reunión","hi":"बैठक"},"options":[{"type":3,"name":"x","description":"d","choices":[{"name":"yes","name_localizations":{"es-419":"sí"},"value":"yes"}]}]}`, ""},
		{"empty localized description", `{"name":"a","description":"d","description_localizations":{"es-ES":""},"options":[]}`, "description in es-ES is 0"},
		{"long localized description", `{"name":"a","description":"d","description_localizations":{"es-419":"` + long + `"},"options":[]}`, "description in es-419 is 101"},
		{"long localized option description", opt(`,"description_localizations":{"es-ES":"` + long + `"}`), "description in es-ES is 101"},
		{"unknown locale", `{"name":"a","description":"d","description_localizations":{"es-MX":"e"},"options":[]}`, `"es-MX" is not a Discord locale`},
		{"upper-case localized name", `{"name":"a","description":"d","name_localizations":{"es-ES":"Reunión"},"options":[]}`, `"Reunión" in es-ES`},
		{"localized name with a space", opt(`,"name_localizations":{"es-ES":"la x"}`), `"la x" in es-ES`},
		{"long localized name", opt(`,"name_localizations":{"es-ES":"` + strings.Repeat("ñ", 33) + `"}`), "in es-ES is not 1-32"},
		{"localized names alike", `{"name":"a","description":"d","options":[{"type":3,"name":"x","description":"d","name_localizations":{"es-ES":"y"}},{"type":3,"name":"y","description":"d"}]}`, `option "y" declared twice in es-ES`},
		{"long localized choice", opt(`,"choices":[{"name":"n","name_localizations":{"es-ES":"` + long + `"},"value":"v"}]`), "in es-ES is not 1-100"},
		{"empty localized choice", opt(`,"choices":[{"name":"n","name_localizations":{"es-419":""},"value":"v"}]`), "in es-419 is not 1-100"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cmd discordgo.ApplicationCommand
			if err := json.Unmarshal([]byte(c.cmd), &cmd); err != nil {
				t.Fatal(err)
			}
			err := discord.Validate([]*discordgo.ApplicationCommand{&cmd})
			switch {
			case c.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
	two := []*discordgo.ApplicationCommand{
		{Name: "a", Description: "d", NameLocalizations: &map[discordgo.Locale]string{discordgo.SpanishES: "b"}},
		{Name: "b", Description: "d"},
	}
	if err := discord.Validate(two); err == nil || !strings.Contains(err.Error(), `command "b" declared twice in es-ES`) {
		t.Errorf("two commands shown as b in es-ES: got %v", err)
	}
}

// TestBuildNeedsTheCatalog refuses to register a command the English
// catalog does not describe, naming the ids it lacks.
func TestBuildNeedsTheCatalog(t *testing.T) {
	undescribed := &bot.Command{Name: "undescribed", Options: []bot.Option{{Name: "x", Kind: bot.Choice, Choices: bot.Choices("v")}}, Handler: echo().Handler}
	_, err := discord.Build(bot.NewTree(undescribed))
	for _, id := range []string{"cmd.undescribed", "cmd.undescribed.opt.x", "cmd.undescribed.opt.x.choice.v"} {
		if err == nil || !strings.Contains(err.Error(), id) {
			t.Errorf("got %v, want an error naming %s", err, id)
		}
	}
}
