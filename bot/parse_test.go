package bot_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
)

func noop(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{}, nil }

func testTree() *bot.Tree {
	return bot.NewTree(
		&bot.Command{Name: "rules", Example: "/rules number:3", Handler: noop,
			Options: []bot.Option{{Name: "number", Kind: bot.Integer, Min: 1, Max: 1373}}},
		&bot.Command{Name: "meeting", Subcommands: []*bot.Command{
			{Name: "rsvp", Example: "/meeting rsvp 3 yes", Handler: noop, Options: []bot.Option{
				{Name: "id", Kind: bot.Integer, Required: true},
				{Name: "answer", Kind: bot.Choice, Required: true, Choices: bot.Choices("yes", "no", "maybe")},
			}},
			{Name: "schedule", Example: "/meeting schedule when:tomorrow 3pm where:HQ", Handler: noop, Options: []bot.Option{
				{Name: "when", Kind: bot.Time, Required: true},
				{Name: "where", Kind: bot.Text, Required: true, MaxLength: 10},
				{Name: "official", Kind: bot.Text},
				{Name: "capacity", Kind: bot.Integer},
			}},
			{Name: "list", Example: "/meeting list past", Handler: noop, Options: []bot.Option{
				{Name: "which", Kind: bot.Choice, Choices: bot.Choices("upcoming", "past"), Positional: true},
				{Name: "page", Kind: bot.Integer},
			}},
			{Name: "attendance", Example: "/meeting attendance 3 @a @b", Handler: noop, Options: []bot.Option{
				{Name: "id", Kind: bot.Integer, Required: true},
				{Name: "users", Kind: bot.Users, Required: true},
			}},
		}},
		&bot.Command{Name: "role", Subcommands: []*bot.Command{
			{Name: "assign", Example: "/role assign user:@bob role:scheduler", Handler: noop, Options: []bot.Option{
				{Name: "user", Kind: bot.UserKind, Required: true},
				{Name: "flag", Kind: bot.Boolean},
			}},
		}},
	)
}

func users(w string) (bot.User, bool) {
	if !strings.HasPrefix(w, "@") {
		return bot.User{}, false
	}
	return bot.User{ID: w[1:], Name: w[1:]}, true
}

func TestParseLine(t *testing.T) {
	tree := testTree()
	tests := []struct {
		line string
		path string
		args map[string]string
		help bool
	}{
		{"/rules", "rules", map[string]string{}, false},
		{"rules number:3", "rules", map[string]string{"number": "3"}, false},
		{"/meeting rsvp 3 yes", "meeting rsvp", map[string]string{"id": "3", "answer": "yes"}, false},
		{"/meeting rsvp id:3 answer:maybe", "meeting rsvp", map[string]string{"id": "3", "answer": "maybe"}, false},
		{`/meeting schedule when:tomorrow 3pm where:"City Hall" official:Sheriff Roe`, "meeting schedule",
			map[string]string{"when": "tomorrow 3pm", "where": "City Hall", "official": "Sheriff Roe"}, false},
		{`/meeting schedule when:“next tuesday 12:30” where:HQ`, "meeting schedule", map[string]string{"when": "next tuesday 12:30", "where": "HQ"}, false},
		{"/meeting schedule when:12:30 where:https://x.org/a", "meeting schedule", map[string]string{"when": "12:30", "where": "https://x.org/a"}, false},
		{"/meeting attendance 3 @a @b", "meeting attendance", map[string]string{"id": "3", "users": "@a @b"}, false},
		{"/meeting list past", "meeting list", map[string]string{"which": "past"}, false},
		{"/meeting list page:2", "meeting list", map[string]string{"page": "2"}, false},
		{"/meeting", "meeting", nil, true},
		{"/meeting help", "meeting", nil, true},
		{"/meeting rsvp help", "meeting rsvp", map[string]string{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			inv, err := tree.ParseLine(tt.line)
			if err != nil {
				t.Fatalf("ParseLine: %v", err)
			}
			if got := inv.Command.Path(); got != tt.path {
				t.Errorf("path = %q, want %q", got, tt.path)
			}
			if inv.Help != tt.help {
				t.Errorf("help = %v, want %v", inv.Help, tt.help)
			}
			if tt.args != nil && !reflect.DeepEqual(inv.Args, tt.args) {
				t.Errorf("args = %v, want %v", inv.Args, tt.args)
			}
		})
	}
}

func TestParseLineErrors(t *testing.T) {
	tree := testTree()
	tests := []struct {
		line, want string
		kind       bot.ErrorKind
	}{
		{"", "Type a command", bot.KindInvalid},
		{"/rulez", "no command `/rulez`", bot.KindNotFound},
		{"/meeting rsvpp 3 yes", "has no `rsvpp`", bot.KindNotFound},
		{"/rules foo:1", "has no option `foo`", bot.KindInvalid},
		{"/rules number:1 number:2", "given twice", bot.KindInvalid},
		{"/rules 3", "don't know what `3` means", bot.KindInvalid},
		{`/meeting schedule when:"tomorrow where:HQ`, "not closed", bot.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := tree.ParseLine(tt.line)
			var e *bot.Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseLine(%q) error = %v, want a *bot.Error", tt.line, err)
			}
			if e.Kind != tt.kind || !strings.Contains(e.Error(), tt.want) {
				t.Errorf("got kind %d %q, want kind %d containing %q", e.Kind, e.Error(), tt.kind, tt.want)
			}
		})
	}
}

func TestBind(t *testing.T) {
	tree := testTree()
	bind := func(line string) (map[string]bot.Value, error) {
		inv, err := tree.ParseLine(line)
		if err != nil {
			return nil, err
		}
		return bot.Bind(inv.Command, inv.Args, users)
	}
	v, err := bind("/meeting rsvp 3 YES")
	if err != nil {
		t.Fatal(err)
	}
	if v["id"].Int != 3 || v["answer"].Text != "yes" {
		t.Errorf("got %+v, want id 3 and answer yes", v)
	}
	v, err = bind("/meeting attendance 3 @a, @b @c")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(v["users"].Users); got != 3 {
		t.Errorf("got %d users, want 3", got)
	}
	v, err = bind("/role assign user:@bob flag:on")
	if err != nil {
		t.Fatal(err)
	}
	if v["user"].User.ID != "bob" || !v["flag"].Bool {
		t.Errorf("got %+v, want user bob and flag true", v)
	}

	refusals := []struct{ line, field, want string }{
		{"/meeting rsvp 3 perhaps", "answer", "must be one of yes, no, maybe"},
		{"/meeting rsvp x yes", "id", "whole number"},
		{"/meeting rsvp id:3", "answer", "is required"},
		{"/rules number:0", "number", "between 1 and 1373"},
		{"/meeting schedule when:now where:a-very-long-place", "where", "the limit is 10"},
		{"/meeting schedule when:now where:HQ capacity:", "capacity", "is empty"},
		{"/role assign user:bob", "user", "must mention a person"},
		{"/role assign user:@bob flag:maybe", "flag", "yes or no"},
		{"/meeting attendance 3 @a b", "users", "must mention a person"},
		{"/meeting list soon", "which", "must be one of upcoming, past"},
	}
	for _, tt := range refusals {
		t.Run(tt.line, func(t *testing.T) {
			_, err := bind(tt.line)
			var e *bot.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want a *bot.Error", err)
			}
			if e.Field != tt.field || !strings.Contains(e.Error(), tt.want) || e.Example == "" {
				t.Errorf("got field %q %q (example %q), want field %q containing %q with an example", e.Field, e.Error(), e.Example, tt.field, tt.want)
			}
		})
	}
}

func TestNewTreeRejectsBadDeclarations(t *testing.T) {
	bad := map[string]*bot.Command{
		"upper-case name":     {Name: "Rules", Handler: noop},
		"handler and subs":    {Name: "x", Handler: noop, Subcommands: []*bot.Command{{Name: "y", Handler: noop}}},
		"required after opt":  {Name: "x", Handler: noop, Options: []bot.Option{{Name: "a"}, {Name: "b", Required: true}}},
		"choice without list": {Name: "x", Handler: noop, Options: []bot.Option{{Name: "a", Kind: bot.Choice}}},
		"default not a sub":   {Name: "x", Default: "z", Subcommands: []*bot.Command{{Name: "y", Handler: noop}}},
	}
	for name, c := range bad {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewTree accepted a command with %s", name)
				}
			}()
			bot.NewTree(c)
		})
	}
}

// TestParseLineDefault: a command that grew subcommands keeps working as
// it was typed before; its subcommands and help are still reached by name.
func TestParseLineDefault(t *testing.T) {
	tree := bot.NewTree(&bot.Command{Name: "scorecard", Default: "show", Subcommands: []*bot.Command{
		{Name: "show", Example: "/scorecard", Handler: noop, Options: []bot.Option{{Name: "jurisdiction", Kind: bot.Text, Positional: true}}},
		{Name: "image", Example: "/scorecard image", Handler: noop},
	}})
	for line, want := range map[string]string{
		"/scorecard":                     "scorecard show ",
		"/scorecard Cook County":         "scorecard show Cook County",
		`/scorecard jurisdiction:"Cook"`: "scorecard show Cook",
		"/scorecard show Cook":           "scorecard show Cook",
		"/scorecard image":               "scorecard image ",
		"/scorecard IMAGE":               "scorecard image ",
		"/scorecard help":                "scorecard help",
	} {
		inv, err := tree.ParseLine(line)
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		got := inv.Command.Path() + " " + inv.Args["jurisdiction"]
		if inv.Help {
			got = inv.Command.Path() + " help"
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", line, got, want)
		}
	}
}
