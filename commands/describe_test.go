package commands_test

import (
	"context"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/locales"
)

// treeCommands lists every command of the tree, groups and leaves, in
// declaration order.
func treeCommands(tree *bot.Tree) []*bot.Command {
	var all []*bot.Command
	var walk func(c *bot.Command)
	walk = func(c *bot.Command) {
		all = append(all, c)
		for _, s := range c.Subcommands {
			walk(s)
		}
	}
	for _, c := range tree.Roots() {
		walk(c)
	}
	return all
}

// TestCommandsDescribedInEveryLanguage fails when the catalog lacks, in
// any of its languages, the description of a command or an option or the
// name of a choice; when a description does not fit Discord's 1-100
// characters; when a translation is the English text left as it was; and
// when the catalog describes a command or option that no longer exists.
func TestCommandsDescribedInEveryLanguage(t *testing.T) {
	tree := commands.Tree(&commands.Env{})
	langs := bot.Languages()
	if len(langs) < 2 || langs[0] != "en" || !slices.Contains(langs, "es") {
		t.Fatalf("catalog languages %q: want English first, and Spanish", langs)
	}
	fits := func(lang, what, text string) {
		t.Helper()
		if n := utf8.RuneCountInString(text); n < 1 || n > 100 {
			t.Errorf("%s in %s is %d characters, Discord shows 1-100: %q", what, lang, n, text)
		}
	}
	for _, lang := range langs {
		if missing := tree.Undescribed(lang); len(missing) > 0 {
			t.Errorf("the %s catalog lacks %d descriptions: %q", lang, len(missing), missing)
			continue
		}
		for _, c := range treeCommands(tree) {
			described := func(what, text, english string) {
				t.Helper()
				fits(lang, what, text)
				if lang != "en" && text == english {
					t.Errorf("%s in %s reads as in English: %q", what, lang, text)
				}
			}
			described("/"+c.Path(), c.Describe(lang), c.Describe("en"))
			for i := range c.Options {
				o := &c.Options[i]
				described("/"+c.Path()+" "+o.Name+":", o.Describe(lang), o.Describe("en"))
				for _, ch := range o.Choices {
					// A choice may be named alike in two languages ("no").
					fits(lang, "/"+c.Path()+" "+o.Name+":"+ch.Value, o.ChoiceName(lang, ch.Value))
				}
			}
		}
	}

	keys := tree.Keys()
	names, err := fs.Glob(locales.FS, "*.en.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		var msgs map[string]any
		if _, err := toml.DecodeFS(locales.FS, name, &msgs); err != nil {
			t.Fatal(err)
		}
		for id := range msgs {
			if strings.HasPrefix(id, "cmd.") && !slices.Contains(keys, id) {
				t.Errorf("%s: %q describes nothing in the command tree; remove it from every language", name, id)
			}
		}
	}
}

// rawID matches a catalog id of the command tree or of help shown as it is,
// which Translate returns when no language has the message.
var rawID = regexp.MustCompile(`\b(?:cmd|help)\.[a-z]`)

// TestHelpSpeaksTheReadersLanguage renders /help and every command's help
// (`/meeting help`, `/meeting schedule help`) in English and in every other
// language of the catalog, and fails for any text, line or footer that
// reads the same as in English, any English description shown, and a
// catalog id shown raw. Names and typed values stay English, so each line
// is compared whole.
func TestHelpSpeaksTheReadersLanguage(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		help := func(locale, line string) bot.Reply {
			t.Helper()
			req := &bot.Request{ID: "help " + locale + " " + line, Platform: "console", Group: "console",
				User: bot.User{ID: "alice", Name: "alice"}, Channel: "c", Locale: locale}
			res := b.router.Run(context.Background(), req, line, nil, nil)
			if res.Err != nil {
				t.Fatalf("%s in %s: %v", line, locale, res.Err)
			}
			return res.Reply
		}
		lines := []string{"/help"}
		var english []string // every description in English
		for _, c := range treeCommands(b.router.Tree()) {
			lines = append(lines, "/"+c.Path()+" help", "/help command:"+c.Path())
			english = append(english, c.Describe("en"))
			for i := range c.Options {
				english = append(english, c.Options[i].Describe("en"))
			}
		}
		for _, lang := range bot.Languages()[1:] {
			for _, line := range lines {
				en, got := help("en", line), help(lang, line)
				shown := strings.Join(append([]string{got.Title, got.Text, got.Footer}, got.Items...), "\n")
				if rawID.MatchString(shown) {
					t.Errorf("%s in %s shows a catalog id:\n%s", line, lang, shown)
				}
				for _, e := range english {
					if strings.Contains(shown, e) {
						t.Errorf("%s in %s shows the English %q:\n%s", line, lang, e, shown)
					}
				}
				if got.Text == en.Text {
					t.Errorf("%s in %s: text %q reads as in English", line, lang, got.Text)
				}
				if en.Footer != "" && got.Footer == en.Footer {
					t.Errorf("%s in %s: footer %q reads as in English", line, lang, got.Footer)
				}
				if len(got.Items) != len(en.Items) {
					t.Errorf("%s in %s: %d lines, in English %d", line, lang, len(got.Items), len(en.Items))
					continue
				}
				for i := range got.Items {
					if got.Items[i] == en.Items[i] {
						t.Errorf("%s in %s: line %q reads as in English", line, lang, got.Items[i])
					}
				}
			}
		}

		// The words around an option, not only its description.
		when := help("es", "/meeting schedule help").Items[0]
		if want := "when:" + bot.Translate("es", bot.M("help.kind.time")) + " (" + bot.Translate("es", bot.M("help.required")) + ") "; !strings.HasPrefix(when, want) {
			t.Errorf("/meeting schedule help in Spanish: got %q, want it to begin %q", when, want)
		}
		if strings.Contains(when, "time") || strings.Contains(when, "required") {
			t.Errorf("/meeting schedule help in Spanish: %q has English words", when)
		}
	})
}
