package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

const (
	secret = "8f742231b10e8888abcd99yyyzzz85a5"
	team   = "T0001"
)

// rig is one Slack workspace talking to fcbot over HTTP mode: a fake
// Slack, the adapter on a real database, and its HTTP routes.
type rig struct {
	t      *testing.T
	fake   *fakeslack.Server
	ad     *slack.Adapter
	srv    *httptest.Server
	count  *atomic.Int64 // what /count added up
	saved  *atomic.Int64 // forms saved by /survey-save
	held   *atomic.Int64 // runs of /hold that began
	serial atomic.Int64
	// letGo releases every run of /hold, now and later.
	letGo   func()
	release chan struct{}
}

type rigOptions struct {
	testCommands bool          // add the test commands to the real tree
	ackWithin    time.Duration // 0: the adapter's default
	appToken     string
	httpClient   *http.Client // nil: the adapter's default
	gate         *bot.Gate    // nil: the adapter's default
}

func newRig(t *testing.T, s *storage.Store, o rigOptions) *rig {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	env := &commands.Env{Store: s, Clock: bot.SystemClock{}, Log: log}
	r := &rig{t: t, fake: fakeslack.New(t), count: new(atomic.Int64), saved: new(atomic.Int64), held: new(atomic.Int64), release: make(chan struct{})}
	r.letGo = sync.OnceFunc(func() { close(r.release) })
	router := commands.Router(env)
	if o.testCommands {
		router = bot.NewRouter(bot.Config{
			Tree: bot.NewTree(append(commands.All(env), r.testCommands()...)...),
			Log:  log, Resolver: env, Guard: env, Clock: env.Clock,
		})
	}
	r.fake.AddUser(fakeslack.User{ID: "U0001", Name: "Alice", Locale: "en-US"})
	r.fake.AddUser(fakeslack.User{ID: "U0002", Name: "Bob", Locale: "en-US"})
	r.fake.AddUser(fakeslack.User{ID: "U0003", Name: "Carol", Locale: "en-US", Admin: true})
	ad, err := slack.New(slack.Config{
		BotToken: "xoxb-test", AppToken: o.appToken, SigningSecret: secret, APIURL: r.fake.APIURL(),
		Router: router, Gate: o.gate, Log: log, AckWithin: o.ackWithin, HTTPClient: o.httpClient,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.ad = ad
	mux := http.NewServeMux()
	mux.Handle("POST "+slack.CommandsPath, ad.Commands())
	mux.Handle("POST "+slack.InteractionsPath, ad.Interactions())
	r.srv = httptest.NewServer(mux)
	// No work may outlive the test's database, as in production (Wait
	// before the store closes).
	t.Cleanup(func() { r.letGo(); r.srv.Close(); ad.Wait() })
	return r
}

// testCommands are small commands that exercise what the core's commands
// do not yet: user options, buttons, slow handlers, a nine-field form and
// the answer sheet's pickers (sheet_test.go).
func (r *rig) testCommands() []*bot.Command {
	answers := bot.Choices("yes", "no", "evasive", "unknown")
	save := &bot.Command{
		Name: "survey-save", Example: "/survey-save official:Roe q1:yes …",
		Options: []bot.Option{{Name: "official", Kind: bot.Text, Required: true}},
		Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
			if q9 := req.Str("q9"); q9 != "yes" && q9 != "no" {
				return bot.Reply{}, bot.Invalid("q9", bot.M("bind.not_choice", "Name", "q9", "Value", q9, "List", "yes, no"), "/survey")
			}
			r.saved.Add(1)
			return bot.Reply{Text: "Saved 9 answers for " + req.Str("official"), Tone: bot.Success}, nil
		},
	}
	form := &bot.Form{Title: "Nine answers", Command: "survey-save", Fixed: map[string]string{"official": "Sheriff Roe"}}
	for i := 1; i <= 9; i++ {
		q := "q" + strconv.Itoa(i)
		kind, choices := bot.Choice, answers
		if i == 9 {
			kind, choices = bot.Text, nil
		}
		save.Options = append(save.Options, bot.Option{Name: q, Kind: kind, Choices: choices, Required: true})
		form.Fields = append(form.Fields, bot.FormField{Option: q, Label: "Rule " + strconv.Itoa(i), Placeholder: "yes, no, evasive or unknown", Required: true, Long: i == 9})
	}
	return append([]*bot.Command{
		{Name: "count", Options: []bot.Option{{Name: "n", Kind: bot.Integer}},
			Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
				n, ok := req.Int("n")
				if !ok {
					n = 1
				}
				return bot.Reply{Text: fmt.Sprintf("%s counted; total %d", req.User.Name, r.count.Add(n))}, nil
			}},
		{Name: "ask",
			Handler: func(context.Context, *bot.Request) (bot.Reply, error) {
				return bot.Reply{Title: "Add two?", Buttons: []bot.Button{{Label: "Add two", Action: "count n:2", Style: bot.Success}}}, nil
			}},
		{Name: "greet", Example: "/greet @bob", Options: []bot.Option{{Name: "who", Kind: bot.UserKind, Required: true}},
			Handler: func(_ context.Context, req *bot.Request) (bot.Reply, error) {
				u, _ := req.UserOpt("who")
				return bot.Reply{Text: "hello " + u.Name + " (" + u.ID + ")"}, nil
			}},
		{Name: "where", Example: "/where #general",
			Options: []bot.Option{{Name: "channel", Kind: bot.Text, Required: true}},
			Handler: func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
				if req.Directory == nil {
					return bot.Reply{Text: "no directory"}, nil
				}
				id, ok, err := req.Directory.Channel(ctx, req.Group, req.Str("channel"))
				if err != nil {
					return bot.Reply{}, err
				}
				if !ok {
					return bot.Reply{Text: "not a channel of " + req.Group}, nil
				}
				return bot.Reply{Text: "channel " + id}, nil
			}},
		{Name: "hold", Options: []bot.Option{{Name: "n", Kind: bot.Integer}},
			Handler: func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
				r.held.Add(1)
				select {
				case <-r.release:
				case <-ctx.Done():
					return bot.Reply{}, ctx.Err()
				}
				n, _ := req.Int("n")
				return bot.Reply{Text: fmt.Sprintf("held %d", n)}, nil
			}},
		{Name: "slow",
			Handler: func(ctx context.Context, _ *bot.Request) (bot.Reply, error) {
				time.Sleep(400 * time.Millisecond)
				return bot.Reply{Text: "done slowly"}, nil
			}},
		{Name: "survey",
			Handler: func(context.Context, *bot.Request) (bot.Reply, error) {
				return bot.Reply{Form: form}, nil
			}},
		save,
	}, sheetCommands()...)
}

func (r *rig) trigger() string { return fmt.Sprintf("13345224609.%d.abc", r.serial.Add(1)) }

// do posts a signed form to path and returns the status and the decoded
// JSON body (nil when empty).
func (r *rig) do(path string, form url.Values, ts time.Time, header ...string) (int, map[string]any) {
	r.t.Helper()
	code, m, err := r.send(http.DefaultClient, path, form, ts, header...)
	if err != nil {
		r.t.Fatal(err)
	}
	return code, m
}

// send is do for any goroutine: it returns what went wrong.
func (r *rig) send(client *http.Client, path string, form url.Values, ts time.Time, header ...string) (int, map[string]any, error) {
	req := fakeslack.Request(r.srv.URL+path, secret, form, ts)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(strings.TrimSpace(string(body))) > 0 && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &m); err != nil {
			return 0, nil, fmt.Errorf("%s: body %q is not JSON: %w", path, body, err)
		}
	}
	return resp.StatusCode, m, nil
}

// slash runs a slash command as user and returns the immediate answer.
func (r *rig) slash(user, command, text string) (int, map[string]any, string) {
	r.t.Helper()
	trig := r.trigger()
	code, m := r.do(slack.CommandsPath, fakeslack.SlashCommand(team, "C0001", user, strings.ToLower(user), command, text, trig, r.fake.ResponseURL(trig)), time.Now())
	return code, m, trig
}

// visible is all the text a message shows: fallback text and blocks.
func visible(m map[string]any) string {
	b, _ := json.Marshal(m["blocks"])
	s, _ := m["text"].(string)
	return s + "\n" + string(b)
}

// TestReservedNameRunsItsCommand: /fcbot-me, the name /me has on Slack,
// runs /me.
func TestReservedNameRunsItsCommand(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	code, m, _ := r.slash("U0001", "/fcbot-me", "")
	if text := visible(m); code != http.StatusOK || !strings.Contains(text, "Your settings") {
		t.Errorf("/fcbot-me: %d %s, want the caller's settings", code, text)
	}
}

func TestSignatureAndTimestamp(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/rules", "", "1.2.3", r.fake.ResponseURL("x"))
	for _, path := range []string{slack.CommandsPath, slack.InteractionsPath} {
		for _, tc := range []struct {
			name string
			req  func() *http.Request
			want int
		}{
			{"wrong secret", func() *http.Request { return fakeslack.Request(r.srv.URL+path, "not-the-secret", form, time.Now()) }, 401},
			{"six minutes old", func() *http.Request {
				return fakeslack.Request(r.srv.URL+path, secret, form, time.Now().Add(-6*time.Minute))
			}, 401},
			{"six minutes ahead", func() *http.Request {
				return fakeslack.Request(r.srv.URL+path, secret, form, time.Now().Add(6*time.Minute))
			}, 401},
			{"no signature", func() *http.Request {
				req := fakeslack.Request(r.srv.URL+path, secret, form, time.Now())
				req.Header.Del("X-Slack-Signature")
				return req
			}, 401},
			{"body changed after signing", func() *http.Request {
				req := fakeslack.Request(r.srv.URL+path, secret, form, time.Now())
				changed := url.Values{}
				for k, v := range form {
					changed[k] = v
				}
				changed.Set("user_id", "U0003")
				req.Body = io.NopCloser(strings.NewReader(changed.Encode()))
				req.ContentLength = int64(len(changed.Encode()))
				return req
			}, 401},
		} {
			t.Run(path+"/"+tc.name, func(t *testing.T) {
				resp, err := http.DefaultClient.Do(tc.req())
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Errorf("got %d, want %d", resp.StatusCode, tc.want)
				}
			})
		}
	}
	resp, err := http.DefaultClient.Do(fakeslack.Request(r.srv.URL+slack.CommandsPath, secret, form, time.Now().Add(-4*time.Minute)))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("four minutes old: got %v %v, want 200", resp, err)
	}
	resp.Body.Close()
	if n := len(r.fake.Calls("users.info")); n != 1 {
		t.Errorf("refused requests reached the bot: users.info called %d times, want 1 (the four-minute-old request)", n)
	}
}

// TestEveryCommand runs every leaf command of the real tree once, from its
// example, and checks that Slack gets a well-formed message in time.
func TestEveryCommand(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{})
		env := &commands.Env{Store: s, Clock: bot.SystemClock{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		commands.Tree(env).Leaves(func(c *bot.Command) {
			root := strings.Fields(c.Path())[0]
			text := strings.TrimSpace(strings.TrimPrefix(c.Example, "/"+root))
			if c.Example == "" {
				text = strings.TrimPrefix(c.Path(), root)
			}
			t.Run(c.Path(), func(t *testing.T) {
				start := time.Now()
				code, m, _ := r.slash("U0001", "/"+root, text)
				if took := time.Since(start); took > 3*time.Second {
					t.Errorf("answered after %s, Slack waits 3 s", took)
				}
				if code != 200 || m == nil {
					t.Fatalf("got %d %v, want 200 with a message", code, m)
				}
				blocks, _ := m["blocks"].([]any)
				if len(blocks) == 0 || len(blocks) > 50 {
					t.Errorf("got %d blocks, want 1 to 50", len(blocks))
				}
				if m["text"] == "" {
					t.Error("no fallback text")
				}
				rt := m["response_type"]
				if rt != "in_channel" && rt != "ephemeral" {
					t.Errorf("response_type %v", rt)
				}
				if strings.Contains(visible(m), ":x:") && rt != "ephemeral" {
					t.Errorf("a refusal is shown to the channel: %s", visible(m))
				}
			})
		})
	})
}

func TestRulesBlocksAndHelp(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	_, m, _ := r.slash("U0001", "/rules", "")
	if m["response_type"] != "in_channel" {
		t.Errorf("/rules response_type %v, want in_channel", m["response_type"])
	}
	blocks := m["blocks"].([]any)
	first := blocks[0].(map[string]any)
	if first["type"] != "header" || !strings.Contains(visible(m), "The nine model rules") {
		t.Errorf("first block %v, want the header with the title", first)
	}
	var types []string
	for _, b := range blocks {
		types = append(types, b.(map[string]any)["type"].(string))
	}
	if got := strings.Join(types, ","); !strings.Contains(got, "section") || !strings.HasSuffix(got, "context") {
		t.Errorf("block types %s, want sections and a closing context", got)
	}
	_, m, _ = r.slash("U0001", "/rules", "help")
	if !strings.Contains(visible(m), "number:integer (optional)") || m["response_type"] != "ephemeral" {
		t.Errorf("/rules help: got %v", m)
	}
	_, m, _ = r.slash("U0001", "/rules", "number:12")
	if !strings.Contains(visible(m), "no rule 12") || m["response_type"] != "ephemeral" {
		t.Errorf("/rules number:12: got %v, want an ephemeral refusal", m)
	}
}

func TestMentionsAndAdmins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{testCommands: true})
		for _, tc := range []struct{ text, want string }{
			{"<@U0002|bob>", "hello bob (U0002)"},
			{"who:<@U0002|bob>", "hello bob (U0002)"},
			{"<@U0003>", "hello Carol (U0003)"}, // name from users.info
			{"@dave", "must mention a person"},
			{"&lt;b&gt;", "must mention a person"},
		} {
			_, m, _ := r.slash("U0001", "/greet", tc.text)
			if !strings.Contains(visible(m), tc.want) {
				t.Errorf("/greet %s: got %s, want %q", tc.text, visible(m), tc.want)
			}
		}
		// Alice sets the group up and becomes its lead; Bob may not change
		// it; Carol, a workspace admin, may.
		setup := `jurisdiction:"Springfield & Co" kind:city timezone:America/Chicago`
		if _, m, _ := r.slash("U0001", "/setup", setup); !strings.Contains(visible(m), "Springfield &amp; Co is set up") {
			t.Errorf("alice /setup: got %s (want & escaped as &amp;)", visible(m))
		}
		if _, m, _ := r.slash("U0002", "/setup", setup); !strings.Contains(visible(m), "only its leads (Alice) can change it") {
			t.Errorf("bob /setup: got %s, want a refusal", visible(m))
		}
		if _, m, _ := r.slash("U0003", "/setup", setup); !strings.Contains(visible(m), "is set up") {
			t.Errorf("admin carol /setup: got %s, want it done", visible(m))
		}
	})
}

func TestReplayAndRetry(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true})
	form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/count", "", "77.77.77", r.fake.ResponseURL("77"))
	if _, m := r.do(slack.CommandsPath, form, time.Now()); !strings.Contains(visible(m), "total 1") {
		t.Fatalf("first delivery: got %v", m)
	}
	if code, m := r.do(slack.CommandsPath, form, time.Now()); code != 200 || !strings.Contains(visible(m), "already handled") {
		t.Errorf("same trigger id again: got %d %v, want already handled", code, m)
	}
	// A retry whose original never arrived runs, once.
	form.Set("trigger_id", "78.78.78")
	if code, m := r.do(slack.CommandsPath, form, time.Now(), "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"); code != 200 || !strings.Contains(visible(m), "total 2") {
		t.Errorf("retried delivery whose original was lost: got %d %v, want it run", code, m)
	}
	if code, m := r.do(slack.CommandsPath, form, time.Now(), "X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_timeout"); code != 200 || !strings.Contains(visible(m), "already handled") {
		t.Errorf("its second retry: got %d %v, want already handled", code, m)
	}
	if got := r.count.Load(); got != 2 {
		t.Errorf("counter %d after a replay, a retry and its retry, want 2", got)
	}
}

func TestSlowCommandAnswersThroughResponseURL(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true, ackWithin: 100 * time.Millisecond})
	start := time.Now()
	code, m, trig := r.slash("U0001", "/slow", "")
	if code != 200 || m != nil || time.Since(start) > 350*time.Millisecond {
		t.Fatalf("got %d %v after %s, want an empty 200 before the handler ends", code, m, time.Since(start))
	}
	calls := r.fake.WaitCalls("response", 1)
	if calls[0].Path != "/response/"+trig {
		t.Errorf("posted to %s, want the response_url of the command", calls[0].Path)
	}
	if calls[0].JSON["text"] != "done slowly" || calls[0].JSON["response_type"] != "in_channel" {
		t.Errorf("response_url got %v", calls[0].JSON)
	}
}

func payload(t *testing.T, file string, kv ...string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.NewReplacer(kv...).Replace(string(b)))
}

func TestButtonClickRunsAsClicker(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true})
	_, m, _ := r.slash("U0001", "/ask", "")
	var button map[string]any
	for _, b := range m["blocks"].([]any) {
		if b.(map[string]any)["type"] == "actions" {
			button = b.(map[string]any)["elements"].([]any)[0].(map[string]any)
		}
	}
	if button == nil || button["value"] != "count n:2" || button["style"] != "primary" {
		t.Fatalf("got button %v, want one carrying `count n:2`", button)
	}
	click := payload(t, "block_actions.json", "{{USER}}", "U0002", "{{USERNAME}}", "bob", "{{TRIGGER}}", "555.555.555",
		"{{RESPONSE_URL}}", r.fake.ResponseURL("click"), "{{ACTION_ID}}", button["action_id"].(string), "{{VALUE}}", button["value"].(string))
	code, ack := r.do(slack.InteractionsPath, url.Values{"payload": {string(click)}}, time.Now())
	if code != 200 || ack != nil {
		t.Fatalf("click: got %d %v, want an empty 200", code, ack)
	}
	got := r.fake.WaitCalls("response", 1)[0].JSON
	if !strings.Contains(fmt.Sprint(got["text"]), "Bob counted; total 2") {
		t.Errorf("click reply %v, want Bob's count", got)
	}
	// The same click delivered again has no second effect.
	r.do(slack.InteractionsPath, url.Values{"payload": {string(click)}}, time.Now())
	r.fake.WaitCalls("response", 2)
	if r.count.Load() != 2 {
		t.Errorf("counter %d after a repeated click, want 2", r.count.Load())
	}
}

func TestModalNineAnswers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{testCommands: true})
		code, m, trig := r.slash("U0001", "/survey", "")
		if code != 200 || m != nil {
			t.Fatalf("/survey: got %d %v, want an empty 200 (the modal is the answer)", code, m)
		}
		open := r.fake.WaitCalls("views.open", 1)[0].JSON
		if open["trigger_id"] != trig {
			t.Errorf("views.open trigger %v, want the command's %s", open["trigger_id"], trig)
		}
		view := open["view"].(map[string]any)
		blocks := view["blocks"].([]any)
		if len(blocks) != 9 || blocks[0].(map[string]any)["block_id"] != "f0/q1" || blocks[8].(map[string]any)["element"].(map[string]any)["multiline"] != true {
			t.Fatalf("modal blocks %v, want nine inputs f0/q1…f8/q9", blocks)
		}
		viewJSON, _ := json.Marshal(view)

		// block is the input block that fills q.
		block := func(q string) string {
			n, _ := strconv.Atoi(strings.TrimPrefix(q, "q"))
			return "f" + strconv.Itoa(n-1) + "/" + q
		}
		submit := func(trigger string, answers map[string]string) (int, map[string]any) {
			var cb map[string]any
			_ = json.Unmarshal(payload(t, "view_submission.json", "{{USER}}", "U0001", "{{USERNAME}}", "alice", "{{TRIGGER}}", trigger), &cb)
			var opened map[string]any
			_ = json.Unmarshal(viewJSON, &opened)
			v := cb["view"].(map[string]any)
			v["blocks"], v["private_metadata"] = opened["blocks"], opened["private_metadata"]
			values := map[string]any{}
			for q, a := range answers {
				values[block(q)] = map[string]any{block(q): map[string]any{"type": "plain_text_input", "value": a}}
			}
			v["state"] = map[string]any{"values": values}
			b, _ := json.Marshal(cb)
			return r.do(slack.InteractionsPath, url.Values{"payload": {string(b)}}, time.Now())
		}
		nine := func(change string, to string) map[string]string {
			a := map[string]string{}
			for i, v := range []string{"yes", "no", "evasive", "unknown", "yes", "no", "yes", "yes", "no"} {
				a["q"+strconv.Itoa(i+1)] = v
			}
			a[change] = to
			return a
		}
		code, m = submit("901.1", nine("q3", "maybe"))
		errs, _ := m["errors"].(map[string]any)
		if code != 200 || m["response_action"] != "errors" || !strings.Contains(fmt.Sprint(errs["f2/q3"]), "must be one of") || len(errs) != 1 {
			t.Errorf("invalid q3: got %d %v, want an error on q3 only", code, m)
		}
		code, m = submit("901.2", nine("q9", "perhaps"))
		errs, _ = m["errors"].(map[string]any)
		if m["response_action"] != "errors" || !strings.Contains(fmt.Sprint(errs["f8/q9"]), "perhaps") {
			t.Errorf("handler refusing q9: got %d %v, want an error on q9", code, m)
		}
		if r.saved.Load() != 0 {
			t.Fatalf("an invalid form was saved")
		}
		code, m = submit("901.3", nine("q1", "yes"))
		if code != 200 || m != nil {
			t.Errorf("nine valid answers: got %d %v, want an empty 200 that closes the modal", code, m)
		}
		eph := r.fake.WaitCalls("chat.postEphemeral", 1)[0].Form
		if eph.Get("user") != "U0001" || eph.Get("channel") != "C0001" || !strings.Contains(eph.Get("text"), "Saved 9 answers for Sheriff Roe") {
			t.Errorf("result posted as %v, want ephemeral to alice in C0001", eph)
		}
		if r.saved.Load() != 1 {
			t.Errorf("saved %d forms, want 1", r.saved.Load())
		}
	})
}

func TestSenderRetriesAndGivesUp(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	ctx := context.Background()
	send := r.ad.Sender()
	reply := bot.Reply{Title: "Digest", Text: "a <b> & c"}

	r.fake.RateLimit("chat.postMessage", 2)
	if err := send.Send(ctx, bot.Destination{Platform: "slack", Group: team, User: "U0002"}, reply); err != nil {
		t.Fatalf("send after two rate limits: %v", err)
	}
	posts := r.fake.Calls("chat.postMessage")
	if len(posts) != 3 || posts[2].Form.Get("channel") != "D0002" || len(r.fake.Calls("conversations.open")) != 1 {
		t.Errorf("got %d posts (last to %q), want 3 to the DM channel D0002", len(posts), posts[len(posts)-1].Form.Get("channel"))
	}
	var blocks []map[string]any
	_ = json.Unmarshal([]byte(posts[2].Form.Get("blocks")), &blocks)
	if got := fmt.Sprint(blocks); !strings.Contains(got, "a &lt;b&gt; &amp; c") {
		t.Errorf("blocks %s, want user text escaped", got)
	}

	r.fake.Fail("chat.postMessage", "channel_not_found")
	if err := send.Send(ctx, bot.Destination{Platform: "slack", Group: team, Channel: "C0404"}, reply); err == nil || !strings.Contains(err.Error(), "channel_not_found") {
		t.Errorf("send to a missing channel: got %v, want channel_not_found", err)
	}
	if n := len(r.fake.Calls("chat.postMessage")); n != 4 {
		t.Errorf("a final error was retried: %d posts, want 4", n)
	}
	r.fake.Fail("chat.postMessage", "")

	r.fake.RateLimit("chat.postMessage", 100)
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := send.Send(short, bot.Destination{Platform: "slack", Group: team, Channel: "C0001"}, reply); err == nil {
		t.Error("send while rate limited past the deadline succeeded")
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("gave up after %s, want within the 500 ms deadline", took)
	}

	r.fake.RateLimit("chat.postMessage", 0)
	r.fake.Fail("chat.postEphemeral", "not_in_channel")
	if err := send.Ephemeral(ctx, team, "C0001", "U0002", reply); err != nil {
		t.Fatalf("ephemeral with DM fallback: %v", err)
	}
	if last := r.fake.Calls("chat.postMessage"); last[len(last)-1].Form.Get("channel") != "D0002" {
		t.Errorf("ephemeral fallback went to %s, want a DM", last[len(last)-1].Form.Get("channel"))
	}
}

func TestSocketMode(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true, appToken: "xapp-1-test"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.ad.Run(ctx) }()
	sock := r.fake.Socket()
	if len(r.fake.Calls("apps.connections.open")) != 1 {
		t.Error("apps.connections.open did not go to SLACK_API_URL")
	}
	if err := sock.Send(json.RawMessage(payload(t, "socket_hello.json"))); err != nil {
		t.Fatal(err)
	}
	if err := sock.Ping("are-you-there"); err != nil {
		t.Fatalf("ping: %v", err)
	}
	env := payload(t, "socket_slash_command.json", "{{ENVELOPE}}", "env-1", "{{COMMAND}}", "/rules", "{{TEXT}}", "",
		"{{RESPONSE_URL}}", r.fake.ResponseURL("s1"), "{{TRIGGER}}", "601.1")
	if err := sock.Send(json.RawMessage(env)); err != nil {
		t.Fatal(err)
	}
	ack, err := sock.Ack(3 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ack["payload"].(map[string]any)
	if ack["envelope_id"] != "env-1" || p == nil || !strings.Contains(visible(p), "The nine model rules") || p["response_type"] != "in_channel" {
		t.Errorf("/rules ack %v, want envelope env-1 acknowledged with the rules", ack)
	}

	click := payload(t, "block_actions.json", "{{USER}}", "U0002", "{{USERNAME}}", "bob", "{{TRIGGER}}", "602.1",
		"{{RESPONSE_URL}}", r.fake.ResponseURL("s2"), "{{ACTION_ID}}", "count n:5", "{{VALUE}}", "count n:5")
	err = sock.Send(map[string]any{"envelope_id": "env-2", "type": "interactive", "accepts_response_payload": false, "payload": json.RawMessage(click)})
	if err != nil {
		t.Fatal(err)
	}
	ack, err = sock.Ack(3 * time.Second)
	if err != nil || ack["envelope_id"] != "env-2" || ack["payload"] != nil {
		t.Errorf("click ack %v (%v), want env-2 acknowledged empty", ack, err)
	}
	if got := r.fake.WaitCalls("response", 1)[0].JSON["text"]; !strings.Contains(fmt.Sprint(got), "total 5") {
		t.Errorf("click reply %v", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("Run did not return after cancel")
	}
}

func TestManifest(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	tree := commands.Tree(&commands.Env{Store: s, Clock: bot.SystemClock{}, Log: slog.Default()})
	for _, base := range []string{"", "https://bot.example.org"} {
		m, err := slack.BuildManifest(tree, base)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := m.JSON()
		var raw map[string]any
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"display_information", "features", "oauth_config", "settings"} {
			if raw[key] == nil {
				t.Errorf("manifest lacks %s", key)
			}
		}
		var got, want []string
		for _, c := range m.Features.SlashCommands {
			got = append(got, c.Command)
			if c.Description == "" || len(c.Description) > 2000 || !c.ShouldEscape {
				t.Errorf("%s: description %q, should_escape %v", c.Command, c.Description, c.ShouldEscape)
			}
			if (base == "") != (c.URL == "") || (base != "" && c.URL != base+"/slack/commands") {
				t.Errorf("%s: url %q with base %q", c.Command, c.URL, base)
			}
		}
		for _, c := range tree.Roots() {
			want = append(want, "/"+slack.SlashName(c.Name))
		}
		if slices.Contains(got, "/me") || !slices.Contains(got, "/fcbot-me") {
			t.Errorf("commands %v: Slack reserves /me (a manifest listing it is refused), want /fcbot-me", got)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("commands %v, want exactly %v", got, want)
		}
		if m.Settings.SocketModeEnabled != (base == "") || m.Settings.Interactivity.IsEnabled != true {
			t.Errorf("settings %+v with base %q", m.Settings, base)
		}
		if base != "" && m.Settings.Interactivity.RequestURL != base+"/slack/interactions" {
			t.Errorf("interactivity url %q", m.Settings.Interactivity.RequestURL)
		}
		if got, want := strings.Join(m.OAuthConfig.Scopes.Bot, ","), "commands,chat:write,chat:write.public,im:write,users:read,"+
			"channels:read,groups:read,channels:history,groups:history,im:history,files:write"; got != want {
			t.Errorf("scopes %s, want %s", got, want)
		}
	}
	if _, err := slack.BuildManifest(tree, "http://bot.example.org"); err == nil {
		t.Error("a plain http URL was accepted")
	}
}
