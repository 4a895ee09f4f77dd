package bot_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
)

// FuzzParseAndBind feeds arbitrary lines to the text grammar and the
// binder of the real command tree: whatever a person types, neither may
// panic, every refusal is an expected error (a sentence for the user, not
// an internal one), and bound text is clean and within its limit. CI runs
// it for a bounded time (.ci/run); `go test -fuzz=FuzzParseAndBind ./bot`
// runs it for as long as you like.
func FuzzParseAndBind(f *testing.F) {
	tree := commands.Tree(&commands.Env{})
	tree.Leaves(func(c *bot.Command) {
		if c.Example != "" {
			f.Add(c.Example)
		}
	})
	for _, seed := range []string{
		"", "/", "/meeting", "/meeting help", `/setup jurisdiction:"Springfield`, "/task add title:\x00",
		"/response bulk official:x in-place:ynn-e?u✅❌ would-support:-", `/meeting attendance 3 @a @b, @c`,
		"/official add name:\u202eevil office:mayor", "/rules number:99999999999999999999", "/meeting rsvp 3 sí",
		`/task add title:“curly” due:"feb 31 noon"`, "/help command:/help", "/meeting schedule when: where:",
		"/audit limit:-1 page:0", "/scorecard  jurisdiction:  ", "/report meeting:#3 filed:on",
	} {
		f.Add(seed)
	}
	users := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: n, Name: n}, n != "" && !strings.ContainsAny(n, " :<>")
	}
	f.Fuzz(func(t *testing.T, line string) {
		inv, err := tree.ParseLine(line)
		if err != nil {
			var e *bot.Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseLine(%q) failed with %T %v, want a *bot.Error", line, err, err)
			}
			return
		}
		if inv.Help {
			return
		}
		opts, err := bot.Bind(inv.Command, inv.Args, users)
		if err != nil {
			var e *bot.Error
			if !errors.As(err, &e) || e.Kind != bot.KindInvalid {
				t.Fatalf("Bind(%q) failed with %v, want an Invalid *bot.Error", line, err)
			}
			return
		}
		for name, v := range opts {
			o := inv.Command.Option(name)
			if o == nil {
				t.Fatalf("Bind(%q) gave %q, which %s does not declare", line, name, inv.Command.Path())
			}
			if v.Text != bot.CleanText(v.Text) || strings.IndexByte(v.Text, 0) >= 0 {
				t.Errorf("Bind(%q): %s = %q is not clean", line, name, v.Text)
			}
			if (o.Kind == bot.Text || o.Kind == bot.Time) && utf8.RuneCountInString(v.Text) > o.Limit() {
				t.Errorf("Bind(%q): %s is %d characters, over its limit %d", line, name, utf8.RuneCountInString(v.Text), o.Limit())
			}
		}
	})
}
