package bot

import (
	"context"
	"testing"
)

func TestPositionalOptionalOptions(t *testing.T) {
	noop := func(context.Context, *Request) (Reply, error) { return Reply{}, nil }
	tree := NewTree(
		&Command{Name: "list", Handler: noop, Options: []Option{
			{Name: "show", Kind: Choice, Choices: Choices("open", "all"), Positional: true},
			{Name: "page", Kind: Integer},
		}},
		&Command{Name: "card", Handler: noop, Options: []Option{
			{Name: "jurisdiction", Kind: Text, Positional: true},
		}},
		&Command{Name: "plain", Handler: noop, Options: []Option{
			{Name: "number", Kind: Integer},
		}},
	)
	tests := []struct {
		line, option, want string
		fails              bool
	}{
		{line: "/list all", option: "show", want: "all"},
		{line: "/list all page:2", option: "show", want: "all"},
		{line: "/list page:2", option: "show", want: ""},
		{line: "/card Cook County", option: "jurisdiction", want: "Cook County"},
		{line: "/plain 3", fails: true}, // not marked Positional: still refused
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			inv, err := tree.ParseLine(tt.line)
			if tt.fails {
				if err == nil {
					t.Fatalf("ParseLine(%q) = %v, want an error", tt.line, inv.Args)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLine(%q): %v", tt.line, err)
			}
			if got := inv.Args[tt.option]; got != tt.want {
				t.Errorf("ParseLine(%q) %s = %q, want %q", tt.line, tt.option, got, tt.want)
			}
		})
	}
}
