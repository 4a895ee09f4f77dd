package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// Message flags of a sheet: EPHEMERAL and IS_COMPONENTS_V2.
const (
	ephemeral    = 1 << 6
	componentsV2 = 1 << 15
)

// checkV2 fails when a Components V2 message breaks Discord's limits: no
// content or embeds; at most 40 components, nested ones included; 4,000
// characters of Text Display in all; custom ids of 1-100 characters,
// unique in the message; a select alone in its row, with 1-25 options of
// 1-100 characters (label and value), distinct values, at most one
// default, and a placeholder of at most 150; button labels of at most 80.
func checkV2(t *testing.T, content string, embeds int, comps []map[string]any) {
	t.Helper()
	if content != "" || embeds != 0 {
		t.Errorf("V2 message with content %q and %d embeds", content, embeds)
	}
	count, text := 0, 0
	ids := map[string]bool{}
	var walk func(cs []any)
	walk = func(cs []any) {
		for _, raw := range cs {
			c := raw.(map[string]any)
			count++
			if id, ok := c["custom_id"].(string); ok {
				if n := len([]rune(id)); n < 1 || n > 100 || ids[id] {
					t.Errorf("custom id %q: %d characters or repeated", id, n)
				}
				ids[id] = true
			}
			switch c["type"] {
			case 10.0:
				text += len([]rune(c["content"].(string)))
			case 1.0:
				children, _ := c["components"].([]any)
				if len(children) < 1 || len(children) > 5 {
					t.Errorf("action row with %d components", len(children))
				}
				for _, ch := range children {
					if ch.(map[string]any)["type"] == 3.0 && len(children) != 1 {
						t.Errorf("a select shares its row")
					}
				}
				walk(children)
			case 2.0:
				if n := len([]rune(c["label"].(string))); n > 80 {
					t.Errorf("button label is %d characters", n)
				}
			case 3.0:
				opts, _ := c["options"].([]any)
				if len(opts) < 1 || len(opts) > 25 {
					t.Errorf("select %v has %d options", c["custom_id"], len(opts))
				}
				if n := len([]rune(fmt.Sprint(c["placeholder"]))); n > 150 {
					t.Errorf("placeholder is %d characters", n)
				}
				values, defaults := map[string]bool{}, 0
				for _, o := range opts {
					o := o.(map[string]any)
					label, value := o["label"].(string), o["value"].(string)
					if n := len([]rune(label)); n < 1 || n > 100 {
						t.Errorf("option label %q is %d characters", label, n)
					}
					if n := len([]rune(value)); n < 1 || n > 100 || values[value] {
						t.Errorf("option value %q: %d characters or repeated", value, n)
					}
					values[value] = true
					if o["default"] == true {
						defaults++
					}
				}
				if defaults > 1 {
					t.Errorf("select %v has %d defaults", c["custom_id"], defaults)
				}
			}
		}
	}
	all := make([]any, len(comps))
	for i, c := range comps {
		all[i] = c
	}
	walk(all)
	if count > 40 {
		t.Errorf("%d components, limit 40", count)
	}
	if text > 4000 {
		t.Errorf("%d characters of text, limit 4000", text)
	}
}

// sheetRules are the rules the answer sheet asks about.
var sheetRules = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "1373"}

// sheetMarks are the answer sheet's choices: in place? would support?
var sheetMarks = []struct{ value, label string }{
	{"y -", "in place"}, {"n y", "not in place · would support"}, {"n n", "not in place · would not support"},
	{"n e", "not in place · evasive on support"}, {"n -", "not in place · support not asked"},
	{"e y", "evasive · would support"}, {"e n", "evasive · would not support"}, {"e e", "evasive · evasive"},
	{"e -", "evasive · support not asked"}, {"- -", "not asked"},
}

// answerSheet is a test command shaped like the answer sheet for an
// official: one choice per rule filling in-place and would-support, the
// meeting (or none), a note. Given no marks, it replies with the form;
// given marks, it echoes what it was given, refusing meeting 1. short:yes
// leaves the note out of the form. Each run with marks is counted, and
// waits for gate when there is one.
func answerSheet(runs *atomic.Int32, gate <-chan struct{}) *bot.Command {
	c := &bot.Command{
		Name: "sheet", Example: `/sheet official:"Jane Roe"`,
		Options: []bot.Option{
			{Name: "official", Kind: bot.Text, Required: true, MaxLength: 100},
			{Name: "in-place", Kind: bot.Text, MaxLength: 120},
			{Name: "would-support", Kind: bot.Text, MaxLength: 120},
			{Name: "meeting", Kind: bot.Integer},
			{Name: "note", Kind: bot.Text, MaxLength: 500},
			{Name: "short", Kind: bot.Boolean},
		},
	}
	c.Handler = func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		if gate != nil {
			select {
			case <-gate:
			case <-ctx.Done():
				return bot.Reply{}, ctx.Err()
			}
		}
		official := req.Str("official")
		if !req.Has("in-place") {
			form := &bot.Form{Title: "Answers from " + official, Command: "sheet", Fixed: map[string]string{"official": official}}
			var items []string
			for _, rule := range sheetRules {
				f := bot.FormField{Option: "in-place would-support", Label: "Rule " + rule, Default: "- -"}
				for _, m := range sheetMarks {
					f.Choices = append(f.Choices, bot.ChoiceValue{Value: m.value, Label: "#" + rule + ": " + m.label})
				}
				form.Fields = append(form.Fields, f)
				items = append(items, "#"+rule+": the rule's name")
			}
			form.Fields = append(form.Fields, bot.FormField{Option: "meeting", Label: "Meeting", Default: "3", Choices: []bot.ChoiceValue{
				{Value: "3", Label: "Meeting 3 (Nov 20)"}, {Value: "2", Label: "Meeting 2 (Nov 2)"}, {Value: "1", Label: "Meeting 1 (Oct 5)"}, {Value: "", Label: "No meeting"},
			}})
			if short, _ := req.Bool("short"); short {
				form.Fixed["short"] = "yes"
			} else {
				form.Fields = append(form.Fields, bot.FormField{Option: "note", Label: "Note", Long: true})
			}
			return bot.Reply{Title: "Answer sheet: " + official, Text: "Pick what " + official + " said on each rule.", Items: items, Form: form, Ephemeral: true}, nil
		}
		runs.Add(1)
		meeting, _ := req.Int("meeting")
		if meeting == 1 {
			return bot.Reply{Text: "meeting 1 was cancelled", Tone: bot.Failure, Ephemeral: true}, nil
		}
		return bot.Reply{Title: "Logged", Text: fmt.Sprintf("official=%s in-place=%s would-support=%s meeting=%d note=%s",
			official, req.Str("in-place"), req.Str("would-support"), meeting, req.Str("note"))}, nil
	}
	return c
}

// sheet is a sheet message as the test's Discord client holds it.
type sheet struct {
	flags      int
	components []map[string]any
}

// payload is the message as Discord sends it with an interaction.
func (s sheet) payload() map[string]any {
	return map[string]any{
		"id": "200000000000000009", "channel_id": "800000000000000001", "type": 20,
		"author":    map[string]any{"id": "100000000000000001", "username": "fcbot", "bot": true, "discriminator": "0"},
		"timestamp": "2026-11-27T15:00:00.000000+00:00",
		"content":   "", "embeds": []any{}, "components": s.components, "flags": s.flags,
	}
}

// on sends an interaction of type typ made on the sheet s by Alice, as
// Discord does: with the message.
func (r *rig) on(id string, typ int, data map[string]any, s sheet) response {
	r.t.Helper()
	var v map[string]any
	_ = json.Unmarshal(interaction(id, typ, data, alice, memberPerms), &v)
	v["message"] = s.payload()
	body, _ := json.Marshal(v)
	_, resp := r.post(body)
	return resp
}

// pickIn picks value in the sheet's select id and returns the sheet
// Discord shows after the update.
func (r *rig) pickIn(s sheet, id, value string) sheet {
	r.t.Helper()
	resp := r.on(newID(), 3, map[string]any{"custom_id": id, "component_type": 3, "values": []string{value}}, s)
	if resp.Type != 7 {
		r.t.Fatalf("pick %s=%q: got type %d %q, want the sheet updated (type 7)", id, value, resp.Type, resp.text())
	}
	return sheet{flags: s.flags, components: resp.Data.Components}
}

// selects returns the sheet's selects in order.
func (s sheet) selects() []map[string]any {
	var out []map[string]any
	for _, row := range s.components {
		if row["type"] != 1.0 {
			continue
		}
		for _, c := range row["components"].([]any) {
			if c := c.(map[string]any); c["type"] == 3.0 {
				out = append(out, c)
			}
		}
	}
	return out
}

// picked returns each select's default value ("" when none).
func (s sheet) picked() []string {
	var out []string
	for _, sel := range s.selects() {
		v := ""
		for _, o := range sel["options"].([]any) {
			if o := o.(map[string]any); o["default"] == true {
				v = o["value"].(string)
			}
		}
		out = append(out, v)
	}
	return out
}

// button returns the custom id of the sheet's button labelled label.
func (s sheet) button(t *testing.T, label string) string {
	t.Helper()
	for _, row := range s.components {
		if row["type"] != 1.0 {
			continue
		}
		for _, c := range row["components"].([]any) {
			if c := c.(map[string]any); c["type"] == 2.0 && c["label"] == label {
				return c["custom_id"].(string)
			}
		}
	}
	t.Fatalf("no %q button in %v", label, s.components)
	return ""
}

func componentTypes(comps []map[string]any) []float64 {
	var out []float64
	for _, c := range comps {
		out = append(out, c["type"].(float64))
	}
	return out
}

// rawData is the data object of a raw interaction response.
func rawData(t *testing.T, r *rig, body []byte) map[string]any {
	t.Helper()
	resp, err := http.DefaultClient.Do(r.key.Request(t, r.srv.URL, body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Data map[string]any `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v.Data
}

func sheetCommand(official string, short bool) map[string]any {
	opts := []any{map[string]any{"name": "official", "type": 3, "value": official}}
	if short {
		opts = append(opts, map[string]any{"name": "short", "type": 5, "value": true})
	}
	return map[string]any{"name": "sheet", "type": 1, "options": opts}
}

// openSheet runs /sheet and returns the sheet it opens.
func (r *rig) openSheet(short bool) sheet {
	r.t.Helper()
	_, resp := r.post(interaction(newID(), 2, sheetCommand("Jane Roe", short), alice, memberPerms))
	if resp.Type != 4 || resp.Data.Flags != ephemeral|componentsV2 {
		r.t.Fatalf("/sheet: got type %d flags %d %q, want a private V2 message (type 4, flags %d)", resp.Type, resp.Data.Flags, resp.text(), ephemeral|componentsV2)
	}
	return sheet{flags: resp.Data.Flags, components: resp.Data.Components}
}

func TestAnswerSheetOpens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var runs atomic.Int32
		r := newRig(t, s, rigOpt{extra: []*bot.Command{answerSheet(&runs, nil)}})
		data := rawData(t, r, interaction(newID(), 2, sheetCommand("Jane Roe", false), alice, memberPerms))
		for _, key := range []string{"content", "embeds"} {
			if _, ok := data[key]; ok {
				t.Errorf("the sheet's JSON has %q, which a V2 message must not carry", key)
			}
		}

		sh := r.openSheet(false)
		want := []float64{10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
		if got := componentTypes(sh.components); !slices.Equal(got, want) {
			t.Fatalf("component types %v, want a text display, 11 select rows and the button row %v", got, want)
		}
		sels := sh.selects()
		if len(sels) != 11 || sels[0]["custom_id"] != "s:0:in-place would-support" || sels[10]["custom_id"] != "s:10:meeting" {
			t.Fatalf("got %d selects, first %v, last %v; want s:0:in-place would-support … s:10:meeting", len(sels), sels[0]["custom_id"], sels[len(sels)-1]["custom_id"])
		}
		if sels[2]["placeholder"] != "Rule 3" || len(sels[2]["options"].([]any)) != 10 {
			t.Errorf("rule 3's select: placeholder %v, %d options; want Rule 3 and 10", sels[2]["placeholder"], len(sels[2]["options"].([]any)))
		}
		if o := sels[2]["options"].([]any)[1].(map[string]any); o["label"] != "#3: not in place · would support" || o["value"] != "n y" {
			t.Errorf("rule 3's second option: got %v", o)
		}
		if got := strings.Join(sh.picked(), ","); got != "- -,- -,- -,- -,- -,- -,- -,- -,- -,- -,3" {
			t.Errorf("defaults %q, want not asked everywhere and meeting 3", got)
		}
		last := sels[10]["options"].([]any)[3].(map[string]any)
		if last["label"] != "No meeting" || last["value"] == "" {
			t.Errorf("the no-meeting option is %v, want a non-empty value standing for none", last)
		}
		save := sh.button(t, "Save…")
		if !strings.HasPrefix(save, "t:11.note.L|sheet ") || !strings.Contains(save, `official:"Jane Roe"`) {
			t.Errorf("Save id %q, want the note field and the command with its fixed official", save)
		}
		text := sh.components[0]["content"].(string)
		for _, want := range []string{"## Answers from Jane Roe", "**Answer sheet: Jane Roe**", "Pick what Jane Roe said", "• #1373: the rule's name", "press Save"} {
			if !strings.Contains(text, want) {
				t.Errorf("sheet text lacks %q:\n%s", want, text)
			}
		}
		if runs.Load() != 0 {
			t.Errorf("opening the sheet ran the command with marks %d times", runs.Load())
		}
	})
}

func TestAnswerSheetPickAndSave(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var runs atomic.Int32
		r := newRig(t, s, rigOpt{extra: []*bot.Command{answerSheet(&runs, nil)}})
		sh := r.openSheet(false)
		sh = r.pickIn(sh, "s:0:in-place would-support", "y -")
		sh = r.pickIn(sh, "s:1:in-place would-support", "n y")
		sh = r.pickIn(sh, "s:9:in-place would-support", "e n")
		sh = r.pickIn(sh, "s:9:in-place would-support", "n e") // changed their mind
		if got := strings.Join(sh.picked(), ","); got != "y -,n y,- -,- -,- -,- -,- -,- -,- -,n e,3" {
			t.Fatalf("after four picks the defaults are %q", got)
		}
		if sh.components[0]["type"] != 10.0 || len(sh.components) != 13 {
			t.Errorf("a pick changed the sheet's shape: %v", componentTypes(sh.components))
		}
		if stale := r.on(newID(), 3, map[string]any{"custom_id": "s:0:in-place would-support", "component_type": 3, "values": []string{"x x"}}, sh); stale.Type != 4 || !strings.Contains(stale.text(), "out of date") {
			t.Errorf("a value the select lacks: got type %d %q, want a private out of date", stale.Type, stale.text())
		}

		// Save opens a modal for the note; its submit comes with the sheet.
		modal := r.on(newID(), 3, map[string]any{"custom_id": sh.button(t, "Save…"), "component_type": 2}, sh)
		if modal.Type != 9 || modal.Data.CustomID != `u:sheet official:"Jane Roe"` || len(modal.Data.Components) != 1 || modal.Data.Title != "Answers from Jane Roe" {
			t.Fatalf("Save…: got type %d id %q title %q rows %d, want the note modal", modal.Type, modal.Data.CustomID, modal.Data.Title, len(modal.Data.Components))
		}
		// Labelled with the option's description: this test command's is
		// its catalog id, which the catalog lacks.
		input := modal.Data.Components[0]["components"].([]any)[0].(map[string]any)
		if input["custom_id"] != "n:11:note" || input["style"] != 2.0 || input["max_length"] != 500.0 || input["label"] != "cmd.sheet.opt.note" {
			t.Errorf("note input: got %v", input)
		}
		if runs.Load() != 0 {
			t.Errorf("Save… ran the command before the note")
		}
		submitID := newID()
		submit := map[string]any{"custom_id": modal.Data.CustomID, "components": []any{
			map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "n:11:note", "value": "Said yes to rule 1"}}},
		}}
		done := r.on(submitID, 5, submit, sh)
		if done.Type != 7 {
			t.Fatalf("note submit: got type %d %q, want the sheet replaced (type 7)", done.Type, done.text())
		}
		want := "official=Jane Roe in-place=y n - - - - - - - n would-support=- y - - - - - - - e meeting=3 note=Said yes to rule 1"
		if !strings.Contains(done.text(), want) {
			t.Errorf("result: got %q, want %q", done.text(), want)
		}
		if got := componentTypes(done.Data.Components); !slices.Equal(got, []float64{10}) || done.Data.Flags&componentsV2 == 0 {
			t.Errorf("result components %v flags %d, want one text display, nothing to pick or save", got, done.Data.Flags)
		}

		// The same delivery again has no second effect.
		again := r.on(submitID, 5, submit, sh)
		if !strings.Contains(again.text(), "already handled") || runs.Load() != 1 {
			t.Errorf("replayed save: got %q after %d runs, want already handled after 1", again.text(), runs.Load())
		}
	})
}

func TestAnswerSheetRefusalKeepsPicks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var runs atomic.Int32
		r := newRig(t, s, rigOpt{extra: []*bot.Command{answerSheet(&runs, nil)}})
		sh := r.openSheet(true)
		save := sh.button(t, "Save")
		if !strings.HasPrefix(save, "f:sheet ") || !strings.Contains(save, `short:"yes"`) {
			t.Fatalf("Save id %q, want f: with the command and both fixed options", save)
		}
		sh = r.pickIn(sh, "s:2:in-place would-support", "e y")
		sh = r.pickIn(sh, "s:10:meeting", "1")
		refused := r.on(newID(), 3, map[string]any{"custom_id": save, "component_type": 2}, sh)
		if refused.Type != 4 || refused.Data.Flags&ephemeral == 0 || !strings.Contains(refused.text(), "meeting 1 was cancelled") {
			t.Fatalf("refused save: got type %d flags %d %q, want a new private message (type 4) with the refusal", refused.Type, refused.Data.Flags, refused.text())
		}
		// The sheet was not updated, so it still holds every pick: choose
		// no meeting and save again.
		sh = r.pickIn(sh, "s:10:meeting", sh.selects()[10]["options"].([]any)[3].(map[string]any)["value"].(string))
		done := r.on(newID(), 3, map[string]any{"custom_id": save, "component_type": 2}, sh)
		want := "official=Jane Roe in-place=- - e - - - - - - - would-support=- - y - - - - - - - meeting=0 note="
		if done.Type != 7 || !strings.Contains(done.text(), want) {
			t.Errorf("second save: got type %d %q, want the sheet replaced by %q", done.Type, done.text(), want)
		}
		if runs.Load() != 2 {
			t.Errorf("the command ran %d times, want 2", runs.Load())
		}
	})
}

func TestSlowAnswerSheet(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var runs atomic.Int32
		gate := make(chan struct{})
		r := newRig(t, s, rigOpt{extra: []*bot.Command{answerSheet(&runs, gate)}, budget: 20 * time.Millisecond})

		// A slow command delivers its sheet as a private V2 follow-up.
		id := newID()
		_, resp := r.post(interaction(id, 2, sheetCommand("Jane Roe", true), alice, memberPerms))
		if resp.Type != 5 {
			t.Fatalf("slow /sheet: got type %d, want a defer", resp.Type)
		}
		gate <- struct{}{}
		follow := r.fake.Wait(t, http.MethodPost, "/webhooks/100000000000000001/token-"+id)
		var fm struct {
			Flags      int              `json:"flags"`
			Content    *string          `json:"content"`
			Components []map[string]any `json:"components"`
		}
		follow.JSON(t, &fm)
		if fm.Flags != ephemeral|componentsV2 || fm.Content != nil || len(fm.Components) != 13 {
			t.Fatalf("sheet follow-up: flags %d content %v %d components, want a private V2 sheet", fm.Flags, fm.Content, len(fm.Components))
		}
		checkV2(t, "", 0, fm.Components)
		if len(r.fake.Find(http.MethodDelete, "token-"+id+"/messages/@original")) != 1 {
			t.Errorf("the public placeholder was not deleted: %v", r.fake.Calls())
		}
		sh := sheet{flags: fm.Flags, components: fm.Components}
		save := sh.button(t, "Save")

		// A slow save is a deferred update, then the sheet is edited into
		// the result.
		sh = r.pickIn(sh, "s:0:in-place would-support", "n n")
		id = newID()
		if resp := r.on(id, 3, map[string]any{"custom_id": save, "component_type": 2}, sh); resp.Type != 6 {
			t.Fatalf("slow save: got type %d, want a deferred update (type 6)", resp.Type)
		}
		gate <- struct{}{}
		edit := r.fake.Wait(t, http.MethodPatch, "/webhooks/100000000000000001/token-"+id+"/messages/@original")
		var em map[string]any
		edit.JSON(t, &em)
		if _, ok := em["content"]; ok {
			t.Errorf("the edit of a V2 message carries content: %s", edit.Body)
		}
		if !strings.Contains(string(edit.Body), "in-place=n - - - - - - - - -") || strings.Contains(string(edit.Body), `"type":3`) {
			t.Errorf("edit: got %s, want the result without selects", edit.Body)
		}

		// A slow refusal is a private follow-up; the sheet is not touched.
		sh = r.pickIn(sh, "s:10:meeting", "1")
		id = newID()
		if resp := r.on(id, 3, map[string]any{"custom_id": save, "component_type": 2}, sh); resp.Type != 6 {
			t.Fatalf("slow refused save: got type %d, want 6", resp.Type)
		}
		gate <- struct{}{}
		refusal := r.fake.Wait(t, http.MethodPost, "/webhooks/100000000000000001/token-"+id)
		var rm struct {
			Flags  int     `json:"flags"`
			Embeds []embed `json:"embeds"`
		}
		refusal.JSON(t, &rm)
		if rm.Flags&ephemeral == 0 || len(rm.Embeds) != 1 || !strings.Contains(rm.Embeds[0].Description, "meeting 1 was cancelled") {
			t.Errorf("refusal follow-up: got %s, want a private refusal", refusal.Body)
		}
		if n := len(r.fake.Find(http.MethodPatch, "token-"+id)) + len(r.fake.Find(http.MethodDelete, "token-"+id)); n != 0 {
			t.Errorf("a refused save edited or deleted the sheet (%d calls)", n)
		}
	})
}

// TestCapturedSheetPick decodes a pick as Discord sends it, from a sheet
// Discord stored (component ids, interaction metadata), in both modes.
func TestCapturedSheetPick(t *testing.T) {
	check := func(t *testing.T, raw []byte) {
		t.Helper()
		var resp response
		if err := json.Unmarshal(raw, &resp); err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
		checkLimits(t, resp)
		sh := sheet{components: resp.Data.Components}
		if resp.Type != 7 || len(sh.selects()) != 11 || strings.Join(sh.picked(), ",") != "y -,n y,- -,- -,- -,- -,- -,- -,- -,- -,3" {
			t.Errorf("got type %d picks %q, want the sheet with rule 2 now n y", resp.Type, sh.picked())
		}
	}
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		var runs atomic.Int32
		r := newRig(t, s, rigOpt{extra: []*bot.Command{answerSheet(&runs, nil)}})
		t.Run("http", func(t *testing.T) {
			resp, err := http.DefaultClient.Do(r.key.Request(t, r.srv.URL, fixture(t, "sheet_pick.json", newID())))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var raw json.RawMessage
			if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
				t.Fatal(err)
			}
			check(t, raw)
		})
		t.Run("save from the captured sheet", func(t *testing.T) {
			var v map[string]any
			if err := json.Unmarshal(fixture(t, "sheet_pick.json", newID()), &v); err != nil {
				t.Fatal(err)
			}
			v["data"] = map[string]any{"custom_id": `f:sheet official:"Jane Roe" short:"yes"`, "component_type": 2, "id": 25}
			body, _ := json.Marshal(v)
			_, resp := r.post(body)
			if want := "in-place=y - - - - - - - - - would-support=- - - - - - - - - - meeting=3"; resp.Type != 7 || !strings.Contains(resp.text(), want) {
				t.Errorf("save: got type %d %q, want %q", resp.Type, resp.text(), want)
			}
		})
		t.Run("gateway", func(t *testing.T) {
			fake := discordtest.New(t)
			sess, err := discord.NewSession("gateway-token", fake.URL, quiet())
			if err != nil {
				t.Fatal(err)
			}
			// The saved interaction is dated by its id: the adapter stands then.
			then := bot.NewManualClock(discordtest.IDTime("1200000000000000077"))
			ad := discord.New(discord.Config{Router: commands.Router(r.env), Session: sess, Log: quiet(), Clock: then})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- ad.Run(ctx) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("Run: %v", err)
				}
			}()
			fake.WaitIdentify(t)
			fake.Dispatch(t, "INTERACTION_CREATE", fixture(t, "sheet_pick.json", "1200000000000000077"))
			call := fake.Wait(t, http.MethodPost, "/interactions/1200000000000000077/sheet-token/callback")
			check(t, call.Body)
		})
	})
}
