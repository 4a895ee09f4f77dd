package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// A form shaped like the answer sheet for an official: ten rules, each a
// pick among ten marks that fills both in-place and would-support, a pick
// of the meeting (or none), and a note. /sheet answers with that form when
// it lacks the marks, and echoes what it was bound with otherwise.

// sheetRules are the rules the sheet asks about, in order.
var sheetRules = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "1373"}

// sheetMarks are the choices for one rule: in place? then would support?
var sheetMarks = []struct{ value, label string }{
	{"y -", "in place"},
	{"n y", "not in place · would support"},
	{"n n", "not in place · would not support, and said so in writing at the public meeting"}, // over 75 characters
	{"n e", "not in place · evasive on support"},
	{"n -", "not in place · support not asked"},
	{"e y", "evasive · would support"},
	{"e n", "evasive · would not support"},
	{"e e", "evasive · evasive on support"},
	{"e -", "evasive · support not asked"},
	{"- -", "not asked"},
}

const sheetExample = `/sheet official:"Sheriff Roe" in-place:"y n - - - - - - -" would-support:"- y - - - - - - -"`

// sheetForm is the sheet for official. Every rule starts at "- -" but
// rule 3, whose latest answer was "y -", and 1373, which is optional and
// starts unpicked; the meeting starts at the latest, 3.
func sheetForm(official string) *bot.Form {
	f := &bot.Form{Title: "Answers: " + official, Command: "sheet", Fixed: map[string]string{"official": official}}
	for _, rule := range sheetRules {
		var choices []bot.ChoiceValue
		for _, m := range sheetMarks {
			choices = append(choices, bot.ChoiceValue{Value: m.value, Label: "#" + rule + ": " + m.label})
		}
		field := bot.FormField{Option: "in-place would-support", Label: "Rule " + rule, Choices: choices, Default: "- -", Required: true}
		switch rule {
		case "3":
			field.Default = "y -"
		case "1373":
			field.Default, field.Required = "", false
		}
		f.Fields = append(f.Fields, field)
	}
	f.Fields = append(f.Fields,
		bot.FormField{Option: "meeting", Label: "Meeting", Default: "3", Choices: []bot.ChoiceValue{
			{Value: "", Label: "no meeting"}, {Value: "1", Label: "Meeting 1: Jan 5"}, {Value: "2", Label: "Meeting 2: Feb 2 (cancelled)"}, {Value: "3", Label: "Meeting 3: Mar 1"},
		}},
		bot.FormField{Option: "note", Label: "Note (what they said)", Placeholder: "What they said", Long: true},
	)
	return f
}

// sheetCommands are /sheet and /toobig, whose form has a pick of 101
// choices: more than a Slack select holds.
func sheetCommands() []*bot.Command {
	refuse := func(field, value, list string) error {
		return bot.Invalid(field, bot.M("bind.not_choice", "Name", field, "Value", value, "List", list), sheetExample)
	}
	sheet := &bot.Command{
		Name: "sheet", Example: sheetExample,
		Options: []bot.Option{
			{Name: "official", Kind: bot.Text, Required: true},
			{Name: "in-place", Kind: bot.Text},
			{Name: "would-support", Kind: bot.Text},
			{Name: "meeting", Kind: bot.Integer},
			{Name: "note", Kind: bot.Text, MaxLength: 500},
		},
		Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			official := req.Str("official")
			if !req.Has("in-place") || !req.Has("would-support") {
				return bot.Reply{Text: "Type the marks after the command, or fill in the form.", Form: sheetForm(official), Ephemeral: true}, nil
			}
			if official == "Gone" {
				return bot.Reply{}, refuse("official", official, "Sheriff Roe")
			}
			inPlace, support := strings.Fields(req.Str("in-place")), strings.Fields(req.Str("would-support"))
			for i := range min(len(inPlace), len(support)) {
				if inPlace[i] == "e" && support[i] == "y" {
					return bot.Reply{}, refuse("would-support", support[i], "n, e or - where in place is evasive")
				}
			}
			meeting := "none"
			if n, ok := req.Int("meeting"); ok {
				if n == 2 {
					return bot.Reply{}, refuse("meeting", "2", "1, 3")
				}
				meeting = strconv.FormatInt(n, 10)
			}
			return bot.Reply{Tone: bot.Success, Text: fmt.Sprintf("official=%s in-place=[%s] would-support=[%s] meeting=%s note=[%s]",
				official, req.Str("in-place"), req.Str("would-support"), meeting, req.Str("note"))}, nil
		},
	}
	var many []bot.ChoiceValue
	for i := range 101 {
		many = append(many, bot.ChoiceValue{Value: strconv.Itoa(i)})
	}
	tooBig := &bot.Command{
		Name: "toobig", Example: "/toobig pick:7",
		Options: []bot.Option{{Name: "pick", Kind: bot.Text}},
		Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			if !req.Has("pick") {
				return bot.Reply{Text: "Pick one of 101.", Form: &bot.Form{Title: "Pick", Command: "toobig", Fields: []bot.FormField{{Option: "pick", Label: "Pick", Choices: many}}}}, nil
			}
			return bot.Reply{Text: "picked " + req.Str("pick")}, nil
		},
	}
	return []*bot.Command{sheet, tooBig}
}

// submitPicks sends a view_submission of the opened view with its state
// as Slack fills it: every input block, keyed by block id and then action
// id; a select holds the option picks names (by value or text; "" for
// none), else its initial option, else null; a text input holds what
// typed says, else null.
func (r *rig) submitPicks(opened map[string]any, user string, picks, typed map[string]string) (int, map[string]any) {
	r.t.Helper()
	var cb map[string]any
	if err := json.Unmarshal(payload(r.t, "view_submission.json", "{{USER}}", user, "{{USERNAME}}", strings.ToLower(user), "{{TRIGGER}}", r.trigger()), &cb); err != nil {
		r.t.Fatal(err)
	}
	v := cb["view"].(map[string]any)
	v["blocks"], v["private_metadata"], v["callback_id"], v["title"] = opened["blocks"], opened["private_metadata"], opened["callback_id"], opened["title"]
	state := map[string]any{}
	for _, b := range opened["blocks"].([]any) {
		block := b.(map[string]any)
		id, el := block["block_id"].(string), block["element"].(map[string]any)
		action := map[string]any{"type": el["type"]}
		switch el["type"] {
		case "static_select":
			action["selected_option"] = el["initial_option"]
			if want, ok := picks[id]; ok {
				action["selected_option"] = nil
				for _, o := range el["options"].([]any) {
					opt := o.(map[string]any)
					if want != "" && (opt["value"] == want || opt["text"].(map[string]any)["text"] == want) {
						action["selected_option"] = opt
					}
				}
				if want != "" && action["selected_option"] == nil {
					r.t.Fatalf("block %s offers no option %q", id, want)
				}
			}
		case "plain_text_input":
			action["value"] = nil
			if text, ok := typed[id]; ok {
				action["value"] = text
			}
		default:
			r.t.Fatalf("block %s holds a %v", id, el["type"])
		}
		state[id] = map[string]any{el["action_id"].(string): action}
	}
	v["state"] = map[string]any{"values": state}
	body, _ := json.Marshal(cb)
	return r.do(slack.InteractionsPath, url.Values{"payload": {string(body)}}, time.Now())
}

// openSheet runs /sheet for official and returns the view it opened.
func (r *rig) openSheet(official string) map[string]any {
	r.t.Helper()
	before := len(r.fake.Calls("views.open"))
	code, m, trig := r.slash("U0001", "/sheet", "official:"+strconv.Quote(official))
	if code != 200 || m != nil {
		r.t.Fatalf("/sheet: got %d %v, want an empty 200 (the modal is the answer)", code, m)
	}
	open := r.fake.WaitCalls("views.open", before+1)[before].JSON
	if open["trigger_id"] != trig {
		r.t.Errorf("views.open trigger %v, want the command's %s", open["trigger_id"], trig)
	}
	return open["view"].(map[string]any)
}

// sheetIDs are the block ids the sheet's fields get, in order.
var sheetIDs = []string{
	"f0/in-place/would-support", "f1/in-place/would-support", "f2/in-place/would-support", "f3/in-place/would-support",
	"f4/in-place/would-support", "f5/in-place/would-support", "f6/in-place/would-support", "f7/in-place/would-support",
	"f8/in-place/would-support", "f9/in-place/would-support", "f10/meeting", "f11/note",
}

func TestAnswerSheetModal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{testCommands: true})
		view := r.openSheet("Sheriff Roe")

		if title := view["title"].(map[string]any)["text"].(string); utf8.RuneCountInString(title) > 24 || title == "" {
			t.Errorf("title %q, want 1 to 24 characters", title)
		}
		if meta, _ := view["private_metadata"].(string); len(meta) > 3000 || !strings.Contains(meta, "Sheriff Roe") {
			t.Errorf("private_metadata %q, want the official within 3,000 characters", meta)
		}
		blocks := view["blocks"].([]any)
		var got []string
		for _, b := range blocks {
			block := b.(map[string]any)
			el := block["element"].(map[string]any)
			got = append(got, fmt.Sprint(block["type"], ":", block["block_id"], ":", el["type"]))
			if el["action_id"] != block["block_id"] {
				t.Errorf("block %v: action id %v, want the block's id", block["block_id"], el["action_id"])
			}
		}
		var want []string
		for i, id := range sheetIDs {
			want = append(want, "input:"+id+":"+map[bool]string{true: "static_select", false: "plain_text_input"}[i < 11])
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("blocks\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		// The selects: every choice an option with a value Slack accepts,
		// the Default's the very option picked at first.
		for i, b := range blocks[:11] {
			block := b.(map[string]any)
			el := block["element"].(map[string]any)
			options := el["options"].([]any)
			wantN := map[bool]int{true: len(sheetMarks), false: 4}[i < 10]
			if len(options) != wantN || len(options) > 100 {
				t.Errorf("block %d: %d options, want %d", i, len(options), wantN)
			}
			values := map[string]bool{}
			var texts []string
			for _, o := range options {
				opt := o.(map[string]any)
				value, _ := opt["value"].(string)
				text := opt["text"].(map[string]any)
				if value == "" || len(value) > 150 || values[value] || text["type"] != "plain_text" || text["text"] == "" || utf8.RuneCountInString(text["text"].(string)) > 75 {
					t.Errorf("block %d: option %v: want a unique value of 1 to 150 characters and plain text of 1 to 75", i, opt)
				}
				values[value] = true
				texts = append(texts, text["text"].(string))
			}
			if ph, _ := el["placeholder"].(map[string]any); ph == nil || ph["text"] == "" {
				t.Errorf("block %d: no placeholder", i)
			}
			init, _ := el["initial_option"].(map[string]any)
			var wantInit string
			switch {
			case i == 2:
				wantInit = "y -"
			case i == 9:
				wantInit = "" // 1373 starts unpicked
			case i == 10:
				wantInit = "3"
			default:
				wantInit = "- -"
			}
			if wantInit == "" {
				if init != nil {
					t.Errorf("block %d: initial option %v, want none", i, init)
				}
			} else if init == nil || init["value"] != wantInit || !contains(options, init) {
				t.Errorf("block %d: initial option %v, want exactly the option of %q", i, init, wantInit)
			}
			if i < 10 && (texts[2] != bot.Clip("#"+sheetRules[i]+": "+sheetMarks[2].label, 75) || texts[1] != "#"+sheetRules[i]+": not in place · would support") {
				t.Errorf("block %d: option texts %q", i, texts)
			}
			if optional, _ := block["optional"].(bool); optional != (i >= 9) {
				t.Errorf("block %d: optional %v", i, optional)
			}
		}
		if meeting := blocks[10].(map[string]any)["element"].(map[string]any)["options"].([]any)[0].(map[string]any); meeting["value"] != "fcbot-none" || meeting["text"].(map[string]any)["text"] != "no meeting" {
			t.Errorf("the no-meeting option is %v, want the value fcbot-none", meeting)
		}
		if note := blocks[11].(map[string]any)["element"].(map[string]any); note["multiline"] != true {
			t.Errorf("the note is %v, want a multi-line text input", note)
		}

		submit := func(t *testing.T, picks, typed map[string]string, want string) {
			t.Helper()
			before := len(r.fake.Calls("chat.postEphemeral"))
			if code, ack := r.submitPicks(view, "U0001", picks, typed); code != 200 || ack != nil {
				t.Fatalf("got %d %v, want an empty 200 that closes the modal", code, ack)
			}
			eph := r.fake.WaitCalls("chat.postEphemeral", before+1)[before].Form
			if got := eph.Get("text"); !strings.HasSuffix(got, want) || eph.Get("user") != "U0001" || eph.Get("channel") != "C0001" {
				t.Errorf("ran as %q (to %s in %s), want %q for U0001 in C0001", got, eph.Get("user"), eph.Get("channel"), want)
			}
		}
		t.Run("picks and a note", func(t *testing.T) {
			submit(t, map[string]string{sheetIDs[0]: "y -", sheetIDs[1]: "#2: not in place · would support", sheetIDs[3]: "e n", sheetIDs[9]: "n e"},
				map[string]string{sheetIDs[11]: "at the county building"},
				"official=Sheriff Roe in-place=[y n y e - - - - - n] would-support=[- y - n - - - - - e] meeting=3 note=[at the county building]")
		})
		t.Run("nothing picked", func(t *testing.T) {
			submit(t, nil, nil, "official=Sheriff Roe in-place=[- - y - - - - - -] would-support=[- - - - - - - - -] meeting=3 note=[]")
		})
		t.Run("no meeting and a blank note", func(t *testing.T) {
			submit(t, map[string]string{sheetIDs[10]: "no meeting", sheetIDs[2]: "n -"}, map[string]string{sheetIDs[11]: "  "},
				"official=Sheriff Roe in-place=[- - n - - - - - -] would-support=[- - - - - - - - -] meeting=none note=[]")
		})

		// Refusals land on the first block that fills the option at fault,
		// or on the first block; nothing runs, and the modal stays open.
		refusals := []struct {
			name     string
			official string
			picks    map[string]string
			block    string
			want     string
		}{
			{"would-support, refused at rule 5", "Sheriff Roe", map[string]string{sheetIDs[4]: "e y"}, sheetIDs[0], "`would-support` must be one of n, e or -"},
			{"the meeting", "Sheriff Roe", map[string]string{sheetIDs[10]: "2"}, sheetIDs[10], "`meeting` must be one of 1, 3, not `2`"},
			{"a fixed option", "Gone", nil, sheetIDs[0], "`official` must be one of Sheriff Roe"},
		}
		for _, c := range refusals {
			t.Run("refused/"+c.name, func(t *testing.T) {
				opened := view
				if c.official != "Sheriff Roe" {
					opened = r.openSheet(c.official)
				}
				before := len(r.fake.Calls("chat.postEphemeral"))
				code, ack := r.submitPicks(opened, "U0001", c.picks, map[string]string{sheetIDs[11]: "kept"})
				errs, _ := ack["errors"].(map[string]any)
				if code != 200 || ack["response_action"] != "errors" || len(errs) != 1 || !strings.Contains(fmt.Sprint(errs[c.block]), c.want) {
					t.Errorf("got %d %v, want the error %q on %s only", code, ack, c.want, c.block)
				}
				if n := len(r.fake.Calls("chat.postEphemeral")); n != before {
					t.Errorf("a refused sheet posted %d results", n-before)
				}
			})
		}
	})
}

// contains reports whether options holds an option equal to opt.
func contains(options []any, opt map[string]any) bool {
	want, _ := json.Marshal(opt)
	for _, o := range options {
		if got, _ := json.Marshal(o); string(got) == string(want) {
			return true
		}
	}
	return false
}

// TestSelectPayloadFromSlack posts a view_submission as Slack sends it for
// the sheet (testdata/view_submission_select.json): blocks echoed with
// Slack's additions, selects' state holding whole options, an unpicked
// select and an untouched text box as null.
func TestSelectPayloadFromSlack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{testCommands: true})
		body := payload(t, "view_submission_select.json", "{{USER}}", "U0002", "{{USERNAME}}", "bob", "{{TRIGGER}}", r.trigger())
		code, ack := r.do(slack.InteractionsPath, url.Values{"payload": {string(body)}}, time.Now())
		if code != 200 || ack != nil {
			t.Fatalf("got %d %v, want an empty 200 that closes the modal", code, ack)
		}
		eph := r.fake.WaitCalls("chat.postEphemeral", 1)[0].Form
		want := "official=Sheriff Roe in-place=[y n y e - - - - -] would-support=[- y - n - - - - -] meeting=none note=[Said 1373 is up to the county]"
		if got := eph.Get("text"); !strings.HasSuffix(got, want) || eph.Get("user") != "U0002" || eph.Get("channel") != "C0001" {
			t.Errorf("ran as %q (to %s in %s), want %q for U0002 in C0001", got, eph.Get("user"), eph.Get("channel"), want)
		}
	})
}

func TestFormTooBigForSlack(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true})
	code, m, _ := r.slash("U0001", "/toobig", "")
	if code != 200 || m == nil {
		t.Fatalf("got %d %v, want the reply with a note", code, m)
	}
	if !strings.Contains(visible(m), "Pick one of 101.") || !strings.Contains(visible(m), "too big for a Slack dialog") || !strings.Contains(visible(m), "/toobig pick:7") || m["response_type"] != "ephemeral" {
		t.Errorf("got %s (%v), want the reply, a note that the form is too big and the example, to the caller only", visible(m), m["response_type"])
	}
	if n := len(r.fake.Calls("views.open")); n != 0 {
		t.Errorf("views.open called %d times for a form Slack would refuse", n)
	}
	if _, m, _ = r.slash("U0001", "/toobig", "pick:7"); !strings.Contains(visible(m), "picked 7") {
		t.Errorf("typed out: got %s", visible(m))
	}
}
