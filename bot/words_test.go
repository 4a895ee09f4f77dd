package bot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
)

// TestWordsOfEveryLanguage binds choices and yes/no options typed in
// Spanish or English words, whatever the reader's language, to the value
// they name.
func TestWordsOfEveryLanguage(t *testing.T) {
	tree := testTree()
	tests := []struct {
		line, option, want string
	}{
		{"/meeting rsvp 3 sí", "answer", "yes"},
		{"/meeting rsvp 3 SI", "answer", "yes"},
		{"/meeting rsvp 3 no", "answer", "no"},
		{"/meeting rsvp 3 quizás", "answer", "maybe"},
		{"/meeting rsvp 3 tal vez", "answer", "maybe"},
		{"/meeting rsvp 3 Tal Vez", "answer", "maybe"},
		{"/meeting rsvp id:3 answer:tal vez", "answer", "maybe"},
		{"/meeting rsvp 3 maybe", "answer", "maybe"},
		{"/role assign user:@bob flag:sí", "flag", "true"},
		{"/role assign user:@bob flag:verdadero", "flag", "true"},
		{"/role assign user:@bob flag:falso", "flag", "false"},
		{"/role assign user:@bob flag:off", "flag", "false"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			inv, err := tree.ParseLine(tt.line)
			if err != nil {
				t.Fatal(err)
			}
			v, err := bot.Bind(inv.Command, inv.Args, users)
			if err != nil {
				t.Fatal(err)
			}
			got := v[tt.option].Text
			if v[tt.option].Kind == bot.Boolean {
				got = map[bool]string{true: "true", false: "false"}[v[tt.option].Bool]
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.option, got, tt.want)
			}
		})
	}
	// A word of several that no choice has stays a surplus word.
	if _, err := tree.ParseLine("/meeting rsvp 3 tal cual"); err == nil || !strings.Contains(err.Error(), "don't know what `cual` means") {
		t.Errorf("/meeting rsvp 3 tal cual: got %v, want the surplus word refused", err)
	}
}

// TestAyudaIsHelp reads the help word of every language where help is.
func TestAyudaIsHelp(t *testing.T) {
	tree := testTree()
	for _, line := range []string{"/meeting ayuda", "/meeting AYUDA", "/meeting rsvp ayuda", "/meeting rsvp 3 ayuda"} {
		inv, err := tree.ParseLine(line)
		if err != nil || !inv.Help {
			t.Errorf("ParseLine(%q) = %+v, %v; want a help request", line, inv, err)
		}
	}
	if inv, err := tree.ParseLine(`/meeting schedule when:"ayuda" where:HQ`); err != nil || inv.Help {
		t.Errorf("a quoted ayuda is a value, got %+v, %v", inv, err)
	}
	withHelp := bot.NewTree(&bot.Command{Name: "help", Handler: noop})
	for _, line := range []string{"/ayuda", "ayuda", "/help"} {
		if inv, err := withHelp.ParseLine(line); err != nil || inv.Command.Name != "help" {
			t.Errorf("ParseLine(%q) = %+v, %v; want /help", line, inv, err)
		}
	}
	if _, err := tree.ParseLine("/ayuda"); err == nil {
		t.Error("/ayuda ran in a tree without /help")
	}
}

// TestRefusalInReadersWords checks a refused value's reason and example
// as a Spanish and an English reader read them.
func TestRefusalInReadersWords(t *testing.T) {
	tree := testTree()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	refuse := func(locale, line string) string {
		t.Helper()
		inv, err := tree.ParseLine(line)
		if err != nil {
			t.Fatal(err)
		}
		_, err = bot.Bind(inv.Command, inv.Args, users)
		if err == nil {
			t.Fatalf("%s was not refused", line)
		}
		return bot.Describe(context.Background(), log, &bot.Request{Locale: locale, Command: inv.Command}, err).Text
	}
	tests := []struct{ locale, line, want string }{
		{"es", "/meeting rsvp 3 puede", "`answer` debe ser uno de estos valores: sí, no, tal vez; no `puede`. Ejemplo: `/meeting rsvp 3 sí`"},
		{"es-MX", "/meeting list pronto", "`which` debe ser uno de estos valores: upcoming, past; no `pronto`. Ejemplo: `/meeting list past`"},
		{"es", "/role assign user:@bob flag:quizás", "`flag` debe ser `sí` o `no`, no `quizás`. Ejemplo: `/role assign user:@bob role:scheduler`"},
		{"en", "/meeting rsvp 3 puede", "`answer` must be one of yes, no, maybe, not `puede`. Example: `/meeting rsvp 3 yes`"},
	}
	for _, tt := range tests {
		if got := refuse(tt.locale, tt.line); got != tt.want {
			t.Errorf("%s (%s):\ngot  %s\nwant %s", tt.line, tt.locale, got, tt.want)
		}
	}
}

// TestLocalExample rewrites only the choice and yes/no words of a
// command's own example.
func TestLocalExample(t *testing.T) {
	tree := testTree()
	rsvp, assign, schedule := tree.Lookup("meeting rsvp"), tree.Lookup("role assign"), tree.Lookup("meeting schedule")
	tests := []struct {
		locale  string
		cmd     *bot.Command
		example string
		want    string
	}{
		{"es", rsvp, "/meeting rsvp 3 yes", "/meeting rsvp 3 sí"},
		{"es", rsvp, "/meeting rsvp id:3 answer:maybe", "/meeting rsvp id:3 answer:tal vez"},
		{"es", rsvp, "/meeting rsvp 3 sí", "/meeting rsvp 3 sí"},
		{"en", rsvp, "/meeting rsvp 3 yes", "/meeting rsvp 3 yes"},
		{"es", assign, "/role assign user:@bob flag:yes", "/role assign user:@bob flag:sí"},
		{"es", assign, `/role assign user:"yes" flag:"no way"`, `/role assign user:"yes" flag:"no way"`},
		{"es", schedule, `/meeting schedule when:tomorrow 3pm where:yes`, `/meeting schedule when:tomorrow 3pm where:yes`},
		{"es", rsvp, "/meeting attendance 3 yes", "/meeting attendance 3 yes"}, // another command's
		{"es", nil, "/meeting rsvp 3 yes", "/meeting rsvp 3 yes"},
	}
	for _, tt := range tests {
		if got := bot.LocalExample(tt.locale, tt.cmd, tt.example); got != tt.want {
			t.Errorf("LocalExample(%s, %q) = %q, want %q", tt.locale, tt.example, got, tt.want)
		}
	}
}
