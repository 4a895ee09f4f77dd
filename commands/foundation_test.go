package commands_test

import (
	"strings"
	"testing"

	"github.com/fcbot/fcbot/commands"
)

func TestRulesAndSetup(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		out := b.expect("/rules", "Judicial Warrant Rule", "Fair and Impartial Policing Rule", "1373 Rule")
		for _, r := range commands.Rules {
			if !strings.Contains(out, "#"+r.Number+" ") {
				t.Errorf("/rules does not list rule %s:\n%s", r.Number, out)
			}
		}
		b.expect("/rules number:1", "Rule 1: Judicial Warrant Rule", "[County/City/State] officials shall require a judicial warrant")
		b.refuse("/rules number:12", "no rule 12", "Example: `/rules number:3`")
		b.refuse("/rules number:x", "whole number")
		b.refuse("/rules foo:1", "has no option `foo`")
		b.refuse("/nope", "no command `/nope`")

		b.refuse(`/setup jurisdiction:"Springfield" kind:city timezone:Mars/Base`, "not a time zone", "Example:")
		b.refuse("/rules extra", "don't know what `extra` means")
		b.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "Springfield is set up", "America/Chicago", "first lead")
		b.expect("/rules number:1", "Springfield officials shall require a judicial warrant")
		b.expect("/rules number:1373", "Nothing in Springfield policies")

		b.do("as bob")
		b.refuse(`/setup jurisdiction:"Shelbyville" kind:city timezone:UTC`, "Springfield is already set up; only its leads (you) can change it")
		b.expect("/rules number:3", "Springfield facilities")

		b.do("as you")
		b.expect(`/setup jurisdiction:"Cook County" kind:county timezone:America/Chicago`, "Cook County is set up")
		if strings.Contains(b.do(`/setup jurisdiction:"Cook County" kind:county timezone:America/Chicago`), "first lead") {
			t.Error("a second /setup by the lead claims to make them lead again")
		}
	})
}

func TestHelpListsWhatCallerMayRun(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		out := b.expect("/help", "/rules", "/setup", "You are a member")
		if strings.Contains(out, "✗") {
			t.Errorf("/help failed: %s", out)
		}
		b.expect("/help command:rules", "number:integer (optional)")
		b.expect("/rules help", "number:integer (optional)")
		b.refuse("/help command:rulez", "no command `/rulez`", "Did you mean: rules")
	})
}
