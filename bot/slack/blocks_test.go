package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
)

func TestBlocksKeepSlackLimits(t *testing.T) {
	big := bot.Reply{Title: strings.Repeat("T", 180), Text: strings.Repeat("x", 5000), Footer: "page 1 of 3"}
	for i := 0; i < 25; i++ {
		big.Fields = append(big.Fields, bot.Field{Name: "f", Value: strings.Repeat("v", 1500)})
	}
	for i := 0; i < 200; i++ {
		big.Items = append(big.Items, strings.Repeat("i", 199))
	}
	for i := 0; i < 5; i++ {
		big.Buttons = append(big.Buttons, bot.Button{Label: "Same", Action: "meeting rsvp id:3 answer:yes"})
	}
	bs := blocks(big)
	raw, _ := json.Marshal(bs)
	var got []map[string]any
	_ = json.Unmarshal(raw, &got)
	if len(got) > maxBlocks {
		t.Fatalf("got %d blocks, want at most %d", len(got), maxBlocks)
	}
	if got[0]["type"] != "section" {
		t.Errorf("a 180-character title became %v, want a section (headers take 150)", got[0]["type"])
	}
	if last := got[len(got)-1]; last["type"] != "actions" || got[len(got)-2]["type"] != "context" {
		t.Errorf("the reply does not end with its footer and buttons: %v, %v", got[len(got)-2]["type"], last["type"])
	}
	ids := map[string]bool{}
	for _, b := range got {
		if text, ok := b["text"].(map[string]any); ok && utf8.RuneCountInString(text["text"].(string)) > maxSectionText {
			t.Errorf("a %s block has %d characters", b["type"], utf8.RuneCountInString(text["text"].(string)))
		}
		if fields, ok := b["fields"].([]any); ok && len(fields) > maxSectionFields {
			t.Errorf("a section has %d fields", len(fields))
		}
		if els, ok := b["elements"].([]any); ok && b["type"] == "actions" {
			for _, e := range els {
				id := e.(map[string]any)["action_id"].(string)
				if ids[id] {
					t.Errorf("action id %q repeated", id)
				}
				ids[id] = true
				if e.(map[string]any)["value"] != "meeting rsvp id:3 answer:yes" {
					t.Errorf("button value %v", e.(map[string]any)["value"])
				}
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"who:<@U0002|bob> and <@W0003>", "who:<@U0002> and <@W0003>"},
		{"in <#C0001|general> or <#C0002>", "in #general or #C0002"},
		{"see <https://example.org/a?b=1&amp;c=2|example> &lt;3 &amp; more", "see https://example.org/a?b=1&c=2 <3 & more"},
		{"<!here> <!subteam^S0001|@team>", "@here @team"},
	} {
		got, _ := normalize(tc.in)
		if got != tc.want {
			t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	_, names := normalize("<@U0002|bob>")
	if names["U0002"] != "bob" {
		t.Errorf("names %v, want U0002 → bob", names)
	}
}
