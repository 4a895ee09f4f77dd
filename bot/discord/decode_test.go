package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestUndecodableInteractionsAreRefused sends interactions that cannot
// run at all: each is answered at once with a private refusal, and none
// reaches the router (which would create the group on first sight).
func TestUndecodableInteractionsAreRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var runs atomic.Int32
		r := newRig(t, s, rigOpt{extra: []*bot.Command{answerSheet(&runs, nil), offer()}})
		var dm map[string]any
		_ = json.Unmarshal(interaction(newID(), 2, map[string]any{"name": "rules", "type": 1}, alice, memberPerms), &dm)
		dm["user"] = dm["member"].(map[string]any)["user"]
		delete(dm, "member")
		delete(dm, "guild_id")
		dmBody, _ := json.Marshal(dm)
		click := func(customID string) []byte {
			return interaction(newID(), 3, map[string]any{"custom_id": customID, "component_type": 2}, alice, memberPerms)
		}
		submit := func(customID string, inputs ...[2]string) []byte {
			var rows []any
			for _, in := range inputs {
				rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": in[0], "value": in[1]}}})
			}
			return interaction(newID(), 5, map[string]any{"custom_id": customID, "components": rows}, alice, memberPerms)
		}
		cases := []struct {
			name string
			body []byte
			want string
		}{
			{"direct message", dmBody, "work in a server"},
			{"unregistered command", interaction(newID(), 2, map[string]any{"name": "gone", "type": 1}, alice, memberPerms), "`/gone` is no longer a command"},
			{"command group", interaction(newID(), 2, map[string]any{"name": "meeting", "type": 1}, alice, memberPerms), "`/meeting` is no longer a command"},
			{"unknown custom id", click("x:rules"), "out of date"},
			{"button naming a group", click("a:meeting"), "out of date"},
			{"button asking for help", click("a:rules help"), "out of date"},
			{"button of an unknown command", click("a:nosuch"), "There is no command `/nosuch`"},
			{"hashed action without its message", click("h:AAAA"), "out of date"},
			{"save without its sheet", click(`f:sheet official:"Jane Roe"`), "out of date"},
			{"sheet modal without its sheet", submit(`u:sheet official:"Jane Roe"`, [2]string{"n:11:note", "hi"}), "out of date"},
			{"modal of unknown kind", submit("z:rules", [2]string{"number", "3"}), "out of date"},
			{"modal's shared input names no option", submit(`m:setup kind:"city"`, [2]string{"jurisdiction", "Springfield"}, [2]string{"_rest", "bogus:1"}), "`/setup` has no option `bogus`"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, resp := r.post(c.body)
				if resp.Type != 4 || resp.Data.Flags&ephemeral == 0 || !strings.Contains(resp.text(), c.want) {
					t.Errorf("got type %d flags %d %q, want a private message containing %q", resp.Type, resp.Data.Flags, resp.text(), c.want)
				}
			})
		}
		if _, err := s.GroupByPlatform(context.Background(), discord.Platform, guildID); err == nil {
			t.Error("an interaction that could not be decoded reached the router: the group exists")
		}
		if runs.Load() != 0 {
			t.Errorf("the sheet's command ran %d times", runs.Load())
		}
	})
}

// TestSheetValuesAreBoundLikeTypedOnes saves sheets whose values the
// command's options refuse: the refusal is private and the sheet stays.
func TestSheetValuesAreBoundLikeTypedOnes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var runs atomic.Int32
		r := newRig(t, s, rigOpt{extra: []*bot.Command{answerSheet(&runs, nil)}})

		// A pick that is no meeting number (the message was tampered with).
		sh := r.openSheet(true)
		sh.selects()[10]["options"].([]any)[0].(map[string]any)["value"] = "soon"
		refused := r.on(newID(), 3, map[string]any{"custom_id": sh.button(t, "Save"), "component_type": 2}, sh)
		if refused.Type != 4 || refused.Data.Flags&ephemeral == 0 || !strings.Contains(refused.text(), "`meeting` must be a whole number, not `soon`") {
			t.Errorf("save: got type %d flags %d %q, want a private refusal naming meeting (type 4)", refused.Type, refused.Data.Flags, refused.text())
		}

		// A note longer than the option allows, typed in the sheet's modal.
		sh = r.openSheet(false)
		modal := r.on(newID(), 3, map[string]any{"custom_id": sh.button(t, "Save…"), "component_type": 2}, sh)
		submit := map[string]any{"custom_id": modal.Data.CustomID, "components": []any{
			map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "n:11:note", "value": strings.Repeat("n", 501)}}},
		}}
		refused = r.on(newID(), 5, submit, sh)
		if refused.Type != 4 || refused.Data.Flags&ephemeral == 0 || !strings.Contains(refused.text(), "`note` is 501 characters long; the limit is 500") {
			t.Errorf("note: got type %d flags %d %q, want a private refusal naming note (type 4)", refused.Type, refused.Data.Flags, refused.text())
		}
		if runs.Load() != 0 {
			t.Errorf("the command ran %d times with refused values", runs.Load())
		}
	})
}

// slowForm is a test command that waits for gate, then offers a form of
// text boxes that runs /setup with the kind it was given.
func slowForm(gate <-chan struct{}) *bot.Command {
	return &bot.Command{
		Name: "slowform", Example: "/slowform kind:city",
		Options: []bot.Option{{Name: "kind", Kind: bot.Text}},
		Handler: func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
			select {
			case <-gate:
			case <-ctx.Done():
				return bot.Reply{}, ctx.Err()
			}
			return bot.Reply{Text: "Fill this in", Form: &bot.Form{Title: "Setup", Command: "setup", Fixed: map[string]string{"kind": req.Str("kind")},
				Fields: []bot.FormField{{Option: "jurisdiction", Label: "Jurisdiction", Required: true}, {Option: "timezone", Label: "Time zone", Required: true}}}}, nil
		},
	}
}

// TestSlowFormBecomesAButton: a modal cannot open after a defer, so the
// result offers a button that runs the command again with the same
// values; a slow click is deferred privately, a quick one opens the modal.
func TestSlowFormBecomesAButton(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		gate := make(chan struct{})
		r := newRig(t, s, rigOpt{extra: []*bot.Command{slowForm(gate)}, budget: 20 * time.Millisecond})
		openButton := func(t *testing.T, id string) string {
			t.Helper()
			edit := r.fake.Wait(t, http.MethodPatch, "/webhooks/100000000000000001/token-"+id+"/messages/@original")
			var msg struct {
				Content    string           `json:"content"`
				Components []map[string]any `json:"components"`
			}
			edit.JSON(t, &msg)
			for _, row := range msg.Components {
				for _, c := range row["components"].([]any) {
					if c := c.(map[string]any); c["label"] == "Open the form" {
						if !strings.Contains(msg.Content, "Fill this in") {
							t.Errorf("edit: got content %q, want the reply's text", msg.Content)
						}
						return c["custom_id"].(string)
					}
				}
			}
			t.Fatalf("edit: got %s, want an Open the form button", edit.Body)
			return ""
		}

		id := newID()
		opts := []any{map[string]any{"name": "kind", "type": 3, "value": "city"}}
		if _, resp := r.post(interaction(id, 2, map[string]any{"name": "slowform", "type": 1, "options": opts}, alice, memberPerms)); resp.Type != 5 || resp.Data.Flags&ephemeral != 0 {
			t.Fatalf("slow command: got type %d flags %d, want a public defer", resp.Type, resp.Data.Flags)
		}
		gate <- struct{}{}
		button := openButton(t, id)
		if button != `a:slowform kind:"city"` {
			t.Errorf("button id %q, want the command again with kind city", button)
		}

		id = newID()
		if _, resp := r.post(interaction(id, 3, map[string]any{"custom_id": button, "component_type": 2}, alice, memberPerms)); resp.Type != 5 || resp.Data.Flags&ephemeral == 0 {
			t.Fatalf("slow click: got type %d flags %d, want a private defer", resp.Type, resp.Data.Flags)
		}
		gate <- struct{}{}
		if again := openButton(t, id); again != button {
			t.Errorf("after a slow click: button id %q, want %q", again, button)
		}

		close(gate)
		_, resp := r.post(interaction(newID(), 3, map[string]any{"custom_id": button, "component_type": 2}, alice, memberPerms))
		if resp.Type != 9 || resp.Data.CustomID != `m:setup kind:"city"` {
			t.Errorf("quick click: got type %d id %q, want the modal", resp.Type, resp.Data.CustomID)
		}
	})
}
