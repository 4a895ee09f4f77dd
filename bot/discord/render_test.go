package discord

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

func TestRenderStaysWithinDiscordLimits(t *testing.T) {
	var fields []bot.Field
	for i := range 30 {
		fields = append(fields, bot.Field{Name: fmt.Sprintf("Field %d", i), Value: strings.Repeat("v", 1500)})
	}
	var items []string
	for i := range 60 {
		items = append(items, fmt.Sprintf("%02d %s", i, strings.Repeat("i", 150)))
	}
	r := bot.Reply{Title: strings.Repeat("T", 300), Text: strings.Repeat("t", 1000), Fields: fields, Items: items, Footer: strings.Repeat("f", 3000), Tone: bot.Warning}
	m := render(r, "en")
	if len(m.embeds) != 1 {
		t.Fatalf("got %d embeds, want 1", len(m.embeds))
	}
	e := m.embeds[0]
	if n := utf8.RuneCountInString(e.Title); n > maxEmbedTitle {
		t.Errorf("title %d, limit %d", n, maxEmbedTitle)
	}
	if n := utf8.RuneCountInString(e.Description); n > maxDescription {
		t.Errorf("description %d, limit %d", n, maxDescription)
	}
	if !strings.Contains(e.Description, "… and ") || !strings.Contains(e.Description, "more") {
		t.Errorf("description does not say how many items were left out: …%s", e.Description[len(e.Description)-40:])
	}
	if last := e.Fields[len(e.Fields)-1]; !strings.Contains(last.Value, "more") {
		t.Errorf("fields end with %q, want … and N more", last.Value)
	}
	var small []bot.Field
	for i := range 30 {
		small = append(small, bot.Field{Name: fmt.Sprintf("Field %d", i), Value: strings.Repeat("v", 100)})
	}
	if f := render(bot.Reply{Title: "Many", Fields: small}, "en").embeds[0].Fields; len(f) != maxEmbedFields || f[24].Value != "… and 6 more" {
		t.Errorf("got %d fields, last %q; want 25 ending with … and 6 more", len(f), f[len(f)-1].Value)
	}
	for _, f := range e.Fields {
		if utf8.RuneCountInString(f.Value) > maxFieldValue {
			t.Errorf("field value %d, limit %d", utf8.RuneCountInString(f.Value), maxFieldValue)
		}
	}
	if n := embedSize(e); n > maxEmbedTotal {
		t.Errorf("embed %d characters, limit %d", n, maxEmbedTotal)
	}
	if e.Color != toneColour[bot.Warning] {
		t.Errorf("colour %x, want the warning colour", e.Color)
	}

	plain := render(bot.Reply{Text: strings.Repeat("p", 2500)}, "en")
	if len(plain.embeds) != 0 || utf8.RuneCountInString(plain.content) != maxContent {
		t.Errorf("plain text: got %d embeds and %d characters, want content clipped to %d", len(plain.embeds), utf8.RuneCountInString(plain.content), maxContent)
	}
	if empty := render(bot.Reply{}, "en"); empty.content == "" {
		t.Error("an empty reply renders as an empty message, which Discord refuses")
	}
}

func TestCustomIDs(t *testing.T) {
	if id, ok := buttonID("/meeting rsvp id:3 answer:yes"); !ok || id != "a:meeting rsvp id:3 answer:yes" {
		t.Errorf("got %q %v", id, ok)
	}
	if _, ok := buttonID(strings.Repeat("x", 99)); ok {
		t.Error("a 101-character custom id fits, want it refused")
	}
	if id, ok := modalID("response bulk", map[string]string{"official": "Sheriff Roe", "meeting": "3"}); !ok || id != `m:response bulk meeting:"3" official:"Sheriff Roe"` {
		t.Errorf("got %q %v", id, ok)
	}
	if _, ok := modalID("setup", map[string]string{"jurisdiction": `The "City"`}); ok {
		t.Error("a quoted value encodes, want it refused")
	}
}

func TestTransportRewritesAndRetries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if r.URL.Path != "/api/v9/gateway" {
			t.Errorf("path %q, want /api/v9/gateway", r.URL.Path)
		}
		if n == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"retry_after": 0.01, "global": false}`)
			return
		}
		_, _ = io.WriteString(w, `{"url":"ws://x"}`)
	}))
	defer srv.Close()
	tr, err := newTransport(http.DefaultTransport, srv.URL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://discord.com/api/v9/gateway", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil || resp.StatusCode != 200 || hits.Load() != 2 {
		t.Fatalf("got %v %v after %d hits, want 200 after a retried 429", resp, err, hits.Load())
	}
	resp.Body.Close()

	hits.Store(0)
	tr.backoff = time.Second
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); w.WriteHeader(http.StatusBadGateway) })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "https://discord.com/api/v9/gateway", nil)
	if resp, err := tr.RoundTrip(req); err == nil && resp.StatusCode == 200 {
		t.Error("got success from a server that always fails")
	}
	if hits.Load() > 2 {
		t.Errorf("got %d tries inside a 200 ms deadline with 1 s backoff, want at most 2", hits.Load())
	}
}

func TestSheetIDs(t *testing.T) {
	id, ok := fieldID(selectPrefix, 3, "in-place would-support")
	if !ok || id != "s:3:in-place would-support" {
		t.Errorf("fieldID: got %q %v", id, ok)
	}
	if n, opt, ok := parseFieldID(selectPrefix, id); !ok || n != 3 || opt != "in-place would-support" {
		t.Errorf("parseFieldID(%q): got %d %q %v", id, n, opt, ok)
	}
	for _, bad := range []string{"s:x:note", "s:1:", "s:-1:note", "n:1:note", "s:1"} {
		if _, _, ok := parseFieldID(selectPrefix, bad); ok {
			t.Errorf("parseFieldID(%q) succeeds, want it refused", bad)
		}
	}
	fixed := map[string]string{"official": "Jane Roe"}
	if id, ok := saveID("response bulk", fixed, nil); !ok || id != `f:response bulk official:"Jane Roe"` {
		t.Errorf("saveID without text fields: got %q %v", id, ok)
	}
	texts := []textField{{field: 11, option: "note", long: true}, {field: 12, option: "source", required: true}}
	id, ok = saveID("response bulk", fixed, texts)
	if !ok || id != `t:11.note.L,12.source.R|response bulk official:"Jane Roe"` {
		t.Fatalf("saveID with text fields: got %q %v", id, ok)
	}
	back, line, ok := parseSaveMore(id)
	if !ok || line != `response bulk official:"Jane Roe"` || len(back) != 2 || back[0] != texts[0] || back[1] != texts[1] {
		t.Errorf("parseSaveMore(%q): got %+v %q %v", id, back, line, ok)
	}
	if _, ok := saveID("response bulk", map[string]string{"official": strings.Repeat("x", 80)}, texts); ok {
		t.Error("a Save id over 100 characters fits, want it refused")
	}
	if _, ok := saveID("response bulk", fixed, []textField{{field: 1, option: "no|te"}}); ok {
		t.Error("an option name holding a separator encodes, want it refused")
	}
}

// sheetForm is a form of n choice fields with choices each, then texts
// text fields, for a command that has them all.
func sheetForm(n, choices, texts int) (*bot.Command, *bot.Form) {
	cmd := &bot.Command{Name: "sheet", Example: "/sheet q0:a", Handler: func(context.Context, *bot.Request) (bot.Reply, error) { return bot.Reply{}, nil }}
	f := &bot.Form{Title: "Sheet", Command: "sheet"}
	for i := range n {
		name := fmt.Sprintf("q%d", i)
		cmd.Options = append(cmd.Options, bot.Option{Name: name, Kind: bot.Text})
		ff := bot.FormField{Option: name, Label: "Question " + name}
		for j := range choices {
			ff.Choices = append(ff.Choices, bot.ChoiceValue{Value: fmt.Sprint(j), Label: fmt.Sprintf("Answer %d", j)})
		}
		f.Fields = append(f.Fields, ff)
	}
	for i := range texts {
		name := fmt.Sprintf("t%d", i)
		cmd.Options = append(cmd.Options, bot.Option{Name: name, Kind: bot.Text})
		f.Fields = append(f.Fields, bot.FormField{Option: name, Label: "Text " + name})
	}
	return cmd, f
}

func TestSheetFallsBackWhenItCannotFit(t *testing.T) {
	cases := []struct {
		name string
		edit func(f *bot.Form)
		fits bool
	}{
		{"fits", func(*bot.Form) {}, true},
		{"18 selects fit", func(f *bot.Form) { _, g := sheetForm(18, 25, 0); f.Fields = g.Fields }, true},
		{"19 selects are 41 components", func(f *bot.Form) { _, g := sheetForm(19, 2, 0); f.Fields = g.Fields }, false},
		{"26 choices", func(f *bot.Form) { _, g := sheetForm(1, 26, 0); f.Fields = g.Fields }, false},
		{"a value of 101 characters", func(f *bot.Form) { f.Fields[0].Choices[0].Value = strings.Repeat("v", 101) }, false},
		{"a value twice", func(f *bot.Form) { f.Fields[0].Choices[1].Value = f.Fields[0].Choices[0].Value }, false},
		{"a value that is the sentinel", func(f *bot.Form) { f.Fields[0].Choices[0].Value = noValue }, false},
		{"six text fields", func(f *bot.Form) { _, g := sheetForm(1, 2, 6); f.Fields = g.Fields }, false},
		{"fixed options too long", func(f *bot.Form) { f.Fixed = map[string]string{"q0": strings.Repeat("x", 95)} }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd, f := sheetForm(2, 3, 1)
			c.edit(f)
			a := &Adapter{router: bot.NewRouter(bot.Config{Tree: bot.NewTree(cmd)}), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			resp := a.answer(&call{req: &bot.Request{Locale: "en"}, inv: &bot.Invocation{Command: cmd}}, bot.Reply{Text: "Answer these", Form: f})
			switch r := resp.(type) {
			case v2Response:
				if !c.fits {
					t.Errorf("got a sheet, want the form refused")
				}
				if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Flags != discordgo.MessageFlagsEphemeral|discordgo.MessageFlagsIsComponentsV2 {
					t.Errorf("sheet: type %d flags %d", r.Type, r.Data.Flags)
				}
				if n := countComponents(r.Data.Components); n > maxV2Components {
					t.Errorf("%d components", n)
				}
			case *discordgo.InteractionResponse:
				if c.fits {
					t.Errorf("got type %d, want a sheet", r.Type)
				}
				if r.Type != discordgo.InteractionResponseChannelMessageWithSource || !strings.Contains(r.Data.Content, "The form cannot open here") || !strings.Contains(r.Data.Content, "/sheet q0:a") {
					t.Errorf("fallback: got type %d %q, want how to type the command", r.Type, r.Data.Content)
				}
			default:
				t.Errorf("got %T", resp)
			}
		})
	}
}

func TestSheetTextStaysWithinDiscordLimits(t *testing.T) {
	var fields []bot.Field
	var items []string
	for i := range 20 {
		fields = append(fields, bot.Field{Name: fmt.Sprintf("Field %d", i), Value: strings.Repeat("v", 900)})
		items = append(items, fmt.Sprintf("%02d %s", i, strings.Repeat("i", 290)))
	}
	_, f := sheetForm(3, 4, 0)
	r := bot.Reply{Title: strings.Repeat("T", 200), Text: strings.Repeat("t", 1800), Fields: fields, Items: items, Footer: strings.Repeat("f", 300), Form: f}
	m, err := renderSheet("en", r)
	if err != nil {
		t.Fatal(err)
	}
	text := m.components[0].(discordgo.TextDisplay).Content
	if n := utf8.RuneCountInString(text); n > maxV2Text {
		t.Errorf("sheet text is %d characters, limit %d", n, maxV2Text)
	}
	if !strings.HasPrefix(text, "## Sheet\n**TTT") || !strings.Contains(text, "… and ") {
		t.Errorf("sheet text: got %q…, want the heading, the title and the items cut with … and N more", text[:40])
	}
	res := result(r, "en")
	if n := utf8.RuneCountInString(res.components[0].(discordgo.TextDisplay).Content); n > maxV2Text || !res.v2 || len(res.components) != 1 {
		t.Errorf("result: %d characters in %d components", n, len(res.components))
	}
}
