package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

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
	bs := blocks("en", big)
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
		// Channel mentions keep the id, which the Directory reads, not the name.
		{"in <#C0001|general> or <#C0002> or <#G0003|secret>", "in <#C0001> or <#C0002> or <#G0003>"},
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

// shown counts the fields and list items that blocks show, and reads the
// count of the "… and N more" line, if any.
func shown(t *testing.T, bs []map[string]any) (fields, items, more int) {
	t.Helper()
	for _, b := range bs {
		if fs, ok := b["fields"].([]any); ok {
			fields += len(fs)
		}
		text, _ := b["text"].(map[string]any)
		s, _ := text["text"].(string)
		items += strings.Count(s, "• ")
		var n int
		if _, err := fmt.Sscanf(s, "… and %d more", &n); err == nil {
			more = n
		}
	}
	return fields, items, more
}

func TestBlocksCutSaysWhatItLeftOut(t *testing.T) {
	long := func(n int) []string { // one item per section: two never fit in 3,000 characters
		out := make([]string, n)
		for i := range out {
			out[i] = strings.Repeat("i", 2990)
		}
		return out
	}
	many := func(n int) []bot.Field {
		out := make([]bot.Field, n)
		for i := range out {
			out[i] = bot.Field{Name: "f", Value: "v"}
		}
		return out
	}
	for _, tc := range []struct {
		name                string
		r                   bot.Reply
		fields, items, more int
	}{
		{"items", bot.Reply{Title: "T", Items: long(60), Footer: "page 1"}, 0, 47, 13},
		{"fields", bot.Reply{Fields: many(520)}, 490, 0, 30},
		{"fields and items", bot.Reply{Title: "T", Fields: many(100), Items: long(50), Buttons: []bot.Button{{Label: "b", Action: "count"}}}, 100, 37, 13},
		{"fits", bot.Reply{Title: "T", Items: long(48), Footer: "page 1"}, 0, 48, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, _ := json.Marshal(blocks("en", tc.r))
			var got []map[string]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) > maxBlocks {
				t.Fatalf("got %d blocks, want at most %d", len(got), maxBlocks)
			}
			fields, items, more := shown(t, got)
			if fields != tc.fields || items != tc.items || more != tc.more {
				t.Errorf("shows %d fields and %d items, then %d more; want %d, %d, %d more", fields, items, more, tc.fields, tc.items, tc.more)
			}
			if fields+items+more != len(tc.r.Fields)+len(tc.r.Items) {
				t.Errorf("%d shown and %d said to be left out, but the reply has %d", fields+items, more, len(tc.r.Fields)+len(tc.r.Items))
			}
			if tc.r.Footer != "" && got[len(got)-1]["type"] != "context" {
				t.Errorf("the footer was cut: last block %v", got[len(got)-1]["type"])
			}
			if len(tc.r.Buttons) > 0 && got[len(got)-1]["type"] != "actions" {
				t.Errorf("the buttons were cut: last block %v", got[len(got)-1]["type"])
			}
		})
	}
	// Only text to cut: the cut text says so itself.
	got := blocks("en", bot.Reply{Text: strings.Repeat("x\n", 100000)})
	last, _ := json.Marshal(got[len(got)-1])
	if len(got) != maxBlocks || !strings.Contains(string(last), `"text":"…"`) {
		t.Errorf("text cut: %d blocks ending %s, want %d ending in …", len(got), last, maxBlocks)
	}
}

func TestChunksCountWhereItemsBegin(t *testing.T) {
	pieces, starts := chunks([]string{"ab", strings.Repeat("c", 7), "d", "e"}, "\n", 3)
	want := []string{"ab", "ccc", "ccc", "c\nd", "e"}
	if strings.Join(pieces, "|") != strings.Join(want, "|") || fmt.Sprint(starts) != "[1 1 0 1 1]" {
		t.Errorf("chunks = %q %v, want %q [1 1 0 1 1]", pieces, starts, want)
	}
}

func TestBlockIDs(t *testing.T) {
	for _, tc := range []struct {
		id   string
		opts string
	}{
		{blockID(0, []string{"in-place", "would-support"}), "in-place would-support"},
		{blockID(11, []string{"note"}), "note"},
		{blockID(3, nil), ""},
		{"note", "note"},          // a modal opened before block ids carried positions
		{"f/note", "f/note"},      // no position: a name
		{"fx/note", "fx/note"},    // no position: a name
		{"f12/a//b", "a b"},       // empty names are skipped
		{"f2/meeting", "meeting"}, // one option
		{"f200/in-place", "in-place"} /* large positions */} {
		if got := strings.Join(blockOptions(tc.id), " "); got != tc.opts {
			t.Errorf("blockOptions(%q) = %q, want %q", tc.id, got, tc.opts)
		}
	}
	if id := blockID(0, []string{"in-place", "would-support"}); id != "f0/in-place/would-support" {
		t.Errorf("blockID = %q, want f0/in-place/would-support", id)
	}
}

// choices makes n choices whose values are value(i) and labels label(i).
func choices(n int, value, label func(int) string) []bot.ChoiceValue {
	out := make([]bot.ChoiceValue, n)
	for i := range out {
		out[i] = bot.ChoiceValue{Value: value(i), Label: label(i)}
	}
	return out
}

func TestModalLimits(t *testing.T) {
	num := strconv.Itoa
	field := func(f bot.FormField) *bot.Form {
		return &bot.Form{Title: "A form", Command: "sheet", Fields: []bot.FormField{f}}
	}
	texts := func(n int) *bot.Form {
		f := &bot.Form{Command: "sheet"}
		for i := 0; i < n; i++ {
			f.Fields = append(f.Fields, bot.FormField{Option: "q" + num(i)})
		}
		return f
	}
	long := strings.Repeat("v", maxOptionValue)
	fits := map[string]*bot.Form{
		"100 text fields":                  texts(maxModalBlocks),
		"100 choices of 150 characters":    field(bot.FormField{Option: "pick", Choices: choices(maxOptions, func(i int) string { return num(i) + long[len(num(i)):] }, func(i int) string { return strings.Repeat("l", 200) })}),
		"an empty value and a blank label": field(bot.FormField{Option: "meeting", Choices: []bot.ChoiceValue{{Value: ""}, {Value: "1", Label: " "}}}),
	}
	for name, f := range fits {
		t.Run("fits/"+name, func(t *testing.T) {
			v, err := modal("en", f, "{}")
			if err != nil {
				t.Fatalf("modal: %v", err)
			}
			raw, _ := json.Marshal(v)
			var view struct {
				Title  struct{ Text string }
				Blocks []struct {
					BlockID string `json:"block_id"`
					Label   struct{ Text string }
					Element struct {
						Type        string
						ActionID    string `json:"action_id"`
						Placeholder *struct{ Text string }
						Options     []struct {
							Text  struct{ Text string }
							Value string
						}
						InitialOption *json.RawMessage `json:"initial_option"`
					}
				}
			}
			if err := json.Unmarshal(raw, &view); err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(view.Title.Text); n == 0 || n > maxModalTitle {
				t.Errorf("title %q", view.Title.Text)
			}
			if len(view.Blocks) != len(f.Fields) || len(view.Blocks) > maxModalBlocks {
				t.Errorf("%d blocks for %d fields", len(view.Blocks), len(f.Fields))
			}
			ids := map[string]bool{}
			for _, b := range view.Blocks {
				if ids[b.BlockID] || b.BlockID == "" || len(b.BlockID) > maxBlockID || b.Element.ActionID != b.BlockID {
					t.Errorf("block id %q (action id %q): empty, repeated or too long", b.BlockID, b.Element.ActionID)
				}
				ids[b.BlockID] = true
				if b.Label.Text == "" || b.Element.Placeholder != nil && b.Element.Placeholder.Text == "" {
					t.Errorf("block %s has an empty label or placeholder", b.BlockID)
				}
				values := map[string]bool{}
				for _, o := range b.Element.Options {
					if n := utf8.RuneCountInString(o.Text.Text); n == 0 || n > maxOptionText {
						t.Errorf("option text %q is %d characters", o.Text.Text, n)
					}
					if n := utf8.RuneCountInString(o.Value); n == 0 || n > maxOptionValue || values[o.Value] {
						t.Errorf("option value %q: empty, too long or repeated", o.Value)
					}
					values[o.Value] = true
				}
				if len(b.Element.Options) > maxOptions {
					t.Errorf("%d options", len(b.Element.Options))
				}
			}
			if len(raw) > maxViewBytes {
				t.Errorf("the view is %d bytes", len(raw))
			}
		})
	}
	tooBig := map[string]*bot.Form{
		"101 fields":                   texts(maxModalBlocks + 1),
		"101 choices":                  field(bot.FormField{Option: "pick", Choices: choices(maxOptions+1, num, num)}),
		"a value of 151 characters":    field(bot.FormField{Option: "pick", Choices: bot.Choices("a", long+"v")}),
		"a value twice":                field(bot.FormField{Option: "pick", Choices: bot.Choices("a", "b", "a")}),
		"two empty values":             field(bot.FormField{Option: "pick", Choices: bot.Choices("", " ")}),
		"the reserved value":           field(bot.FormField{Option: "pick", Choices: bot.Choices("a", noChoice)}),
		"an option with a slash":       field(bot.FormField{Option: "a/b"}),
		"a block id of 256 characters": field(bot.FormField{Option: strings.TrimSpace(strings.Repeat("abcdefghi ", 26))}),
		"over 250 kB":                  over250kB(),
	}
	for name, f := range tooBig {
		t.Run("too big/"+name, func(t *testing.T) {
			if _, err := modal("en", f, "{}"); !errors.Is(err, errTooBig) {
				t.Errorf("modal: got %v, want errTooBig", err)
			}
		})
	}
}

// over250kB is a form within every other limit whose view is too big.
func over250kB() *bot.Form {
	f := &bot.Form{Command: "sheet"}
	value := strings.Repeat("v", maxOptionValue-3)
	for i := 0; i < 20; i++ {
		f.Fields = append(f.Fields, bot.FormField{Option: "pick", Choices: choices(maxOptions, func(j int) string { return fmt.Sprintf("%03d%s", j, value) }, func(int) string { return strings.Repeat("l", maxOptionText) })})
	}
	return f
}

func TestPickerInitialOptionAndSentinel(t *testing.T) {
	f := &bot.Form{Command: "sheet", Fields: []bot.FormField{
		{Option: "meeting", Label: "Meeting", Choices: []bot.ChoiceValue{{Value: "", Label: "no meeting"}, {Value: "3", Label: strings.Repeat("Meeting three ", 10)}}, Default: "3"},
		{Option: "meeting", Label: "Meeting", Choices: []bot.ChoiceValue{{Value: "", Label: "no meeting"}, {Value: "3"}}},
		{Option: "meeting", Label: "Meeting", Choices: []bot.ChoiceValue{{Value: "", Label: "no meeting"}, {Value: "3"}}, Default: "9"},
	}}
	v, err := modal("en", f, "{}")
	if err != nil {
		t.Fatal(err)
	}
	sel := func(i int) *slack.SelectBlockElement {
		return v.Blocks.BlockSet[i].(*slack.InputBlock).Element.(*slack.SelectBlockElement)
	}
	if init := sel(0).InitialOption; init == nil || init != sel(0).Options[1] || utf8.RuneCountInString(init.Text.Text) != maxOptionText {
		t.Errorf("initial option %+v, want the clipped option of 3 itself", init)
	}
	if init := sel(1).InitialOption; init == nil || init.Value != noChoice || sel(1).Options[0].Value != noChoice {
		t.Errorf("no default: initial option %+v, want no meeting (%s): a default of \"\" picks the \"\" choice", init, noChoice)
	}
	if init := sel(2).InitialOption; init != nil {
		t.Errorf("a default among no choices: initial option %+v, want none", init)
	}
	for _, tc := range []struct {
		a    slack.BlockAction
		want string
	}{
		{slack.BlockAction{Type: "static_select", SelectedOption: slack.OptionBlockObject{Value: "3"}}, "3"},
		{slack.BlockAction{Type: "static_select", SelectedOption: slack.OptionBlockObject{Value: noChoice}}, ""},
		{slack.BlockAction{Type: "static_select"}, ""},
		{slack.BlockAction{Type: "plain_text_input", Value: noChoice}, noChoice}, // typed, not picked
		{slack.BlockAction{Type: "plain_text_input"}, ""},
	} {
		if got := formValue(tc.a); got != tc.want {
			t.Errorf("formValue(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}
