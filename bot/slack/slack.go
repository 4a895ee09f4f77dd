// Package slack is fcbot's Slack adapter. Every top-level command of the
// core tree is a Slack slash command whose text is read with the core's
// text grammar; replies are drawn with Block Kit, buttons run their action
// as the clicker, and forms open as modals. It receives commands over
// Socket Mode (an app-level token, no public URL) or over HTTP (signed
// requests to /slack/commands and /slack/interactions), runs them within
// the process's gate (bot.Gate), acknowledges within Slack's three seconds
// (with the busy reply when the gate is full), and makes every outgoing
// Web API call through one Sender.
package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/fcbot/fcbot/bot"
)

// Platform is the platform name the adapter reports.
const Platform = "slack"

// Config wires an Adapter.
type Config struct {
	BotToken string // xoxb-…: every Web API call
	// AppToken (xapp-…) selects Socket Mode; Run connects with it.
	AppToken string
	// SigningSecret checks the requests of HTTP mode.
	SigningSecret string
	// APIURL is the Web API's base URL, ending in "/"; Socket Mode's
	// apps.connections.open goes there too. Empty means Slack's.
	APIURL string
	Router *bot.Router
	// Gate bounds the commands in flight, shared with the other
	// platforms; nil gives the adapter a gate of its own, of the default
	// size.
	Gate       *bot.Gate
	Log        *slog.Logger
	HTTPClient *http.Client // optional
	// AckWithin is how long a command may run before it is acknowledged
	// empty and answered through response_url; default 2.5 s, inside
	// Slack's 3 s.
	AckWithin time.Duration
}

// Adapter serves one Slack app.
type Adapter struct {
	router    *bot.Router
	gate      *bot.Gate
	log       *slog.Logger
	client    *slack.Client
	sender    *Sender
	appToken  string
	secret    string
	ackWithin time.Duration
	// workTimeout bounds detached work (see detach); tests shorten it.
	workTimeout time.Duration
	inflight    sync.WaitGroup // background work still running (see Wait)
	halt        bot.Halt       // given by Halt
	// connected is whether Socket Mode's connection is up.
	connected atomic.Bool

	mu    sync.Mutex
	users map[string]cachedUser // user id → what users.info said
}

var _ bot.Adapter = (*Adapter)(nil)

// New returns an adapter for cfg.
func New(cfg Config) (*Adapter, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: a bot token (xoxb-…) is needed")
	}
	if cfg.Router == nil {
		return nil, errors.New("slack: no router")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Gate == nil {
		cfg.Gate = bot.NewGate(bot.GateConfig{Log: cfg.Log})
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.AckWithin <= 0 {
		cfg.AckWithin = 2500 * time.Millisecond
	}
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	client := slack.New(cfg.BotToken, opts...)
	log := cfg.Log.With("platform", Platform)
	return &Adapter{
		router:      cfg.Router,
		gate:        cfg.Gate,
		log:         log,
		client:      client,
		sender:      &Sender{api: client, http: cfg.HTTPClient, log: log},
		appToken:    cfg.AppToken,
		secret:      cfg.SigningSecret,
		ackWithin:   cfg.AckWithin,
		workTimeout: workTimeout,
		halt:        bot.NewHalt(),
		users:       map[string]cachedUser{},
	}, nil
}

// Sender returns the adapter's sender, for jobs and for other platforms'
// registries.
func (a *Adapter) Sender() *Sender { return a.sender }

// origin is where a command came from and where its answer goes.
type origin struct {
	team, channel, user, userName string
	enterprise                    string // the Enterprise Grid organisation, if any
	id                            string // the delivery's id: the replay guard's (see delivery)
	trigger                       string // trigger_id: modals
	responseURL                   string
	locale                        string // the user's, once the request is built
}

// request builds the core request for o, asking users.info (cached) who
// the user is: their display name, locale and whether they administer the
// workspace. Its Directory answers for o's workspace.
func (a *Adapter) request(ctx context.Context, o origin) *bot.Request {
	req := &bot.Request{
		// Locale stays "" when Slack does not say: the member's choice
		// (/me), else the group's language, applies (commands.Language).
		ID: o.id, Platform: Platform, Group: o.team, Channel: o.channel,
		User:      bot.User{ID: o.user, Name: o.userName},
		Directory: &directory{a: a, team: o.team, enterprise: o.enterprise},
	}
	if u, ok := a.user(ctx, o.user); ok {
		if u.name != "" {
			req.User.Name = u.name
		}
		if u.locale != "" {
			req.Locale = u.locale
		}
		req.Admin = u.admin
	}
	if req.User.Name == "" {
		req.User.Name = o.user
	}
	return req
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

var (
	userMention    = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|([^>]*))?>`)
	channelMention = regexp.MustCompile(`<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>`)
	specialMention = regexp.MustCompile(`<!([^|>]+)(?:\|([^>]*))?>`)
	link           = regexp.MustCompile(`<([a-z][a-z0-9+.-]*:[^|>]*)(?:\|([^>]*))?>`)
	mentionWord    = regexp.MustCompile(`^<@([UW][A-Z0-9]+)>$`)
)

// normalize turns a command's text as Slack escapes it into the text
// grammar: user mentions become <@U123> (their names kept aside in
// names), channel mentions <#C123> (the id, which the Directory reads,
// without the name Slack adds), links their URL, and &amp; &lt; &gt; the
// characters they stand for.
func normalize(text string) (line string, names map[string]string) {
	names = map[string]string{}
	text = userMention.ReplaceAllStringFunc(text, func(m string) string {
		sub := userMention.FindStringSubmatch(m)
		if sub[2] != "" {
			names[sub[1]] = sub[2]
		}
		return "<@" + sub[1] + ">"
	})
	text = channelMention.ReplaceAllString(text, "<#$1>")
	text = specialMention.ReplaceAllStringFunc(text, func(m string) string {
		sub := specialMention.FindStringSubmatch(m)
		if sub[2] != "" {
			return sub[2]
		}
		return "@" + strings.TrimPrefix(sub[1], "subteam^")
	})
	text = link.ReplaceAllStringFunc(text, func(m string) string {
		sub := link.FindStringSubmatch(m)
		if strings.HasPrefix(sub[1], "mailto:") && sub[2] != "" {
			return sub[2]
		}
		return sub[1]
	})
	text = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)
	return text, names
}

// resolver reads Slack user mentions (<@U123>, as normalize leaves them)
// as users; their names come from the mention, else from users.info. A
// plain @name is not resolved: Slack turns a real person's @name into a
// mention, so a plain one names nobody Slack knows.
func (a *Adapter) resolver(ctx context.Context, names map[string]string) bot.UserResolver {
	return func(word string) (bot.User, bool) {
		m := mentionWord.FindStringSubmatch(strings.TrimSpace(word))
		if m == nil {
			return bot.User{}, false
		}
		id := m[1]
		name := names[id]
		if name == "" {
			if u, ok := a.user(ctx, id); ok {
				name = u.name
			}
		}
		if name == "" {
			name = id
		}
		return bot.User{ID: id, Name: name}, true
	}
}

// slashCommand runs a slash command and returns the acknowledgement's
// payload: the reply when it is ready within AckWithin, else nil (an empty
// acknowledgement) and the reply goes to response_url later (see
// acknowledge). A retry runs like a first delivery: the router's replay
// guard, on the delivery's id, answers it when its original ran.
func (a *Adapter) slashCommand(ctx context.Context, sc slack.SlashCommand, d delivery) any {
	log := a.log.With("group", sc.TeamID, "user", sc.UserID, "command", sc.Command)
	logRetry(ctx, log, d)
	text, names := normalize(sc.Text)
	line := "/" + rootName(sc.Command) + " " + text
	o := origin{team: sc.TeamID, enterprise: sc.EnterpriseID, channel: sc.ChannelID, user: sc.UserID, userName: sc.UserName, id: d.id, trigger: sc.TriggerID, responseURL: sc.ResponseURL}
	work := func(ctx context.Context) answer {
		ans := a.runAs(ctx, o, func(ctx context.Context, req *bot.Request) bot.Result {
			return a.router.Run(ctx, req, line, a.resolver(ctx, names), a.sender)
		})
		ans.res.Reply = a.maybeForm(ctx, ans.o, ans.o.locale, ans.res.Reply)
		return ans
	}
	return a.acknowledge(ctx, log, o, work, func(ans answer) (any, bool) {
		if ans.res.Reply.Form != nil { // the modal is open: nothing to say
			return nil, true
		}
		return message(ans.o.locale, ans.res.Reply), true
	})
}

// maybeForm opens the reply's form, if it has one with fields; a form
// without fields is dropped. The reply keeps Form only when the modal is
// open.
func (a *Adapter) maybeForm(ctx context.Context, o origin, locale string, rep bot.Reply) bot.Reply {
	if rep.Form == nil {
		return rep
	}
	if len(rep.Form.Fields) == 0 {
		rep.Form = nil
		return rep
	}
	return a.openForm(ctx, o, locale, rep)
}

// openForm opens the reply's form as a modal with the command's trigger
// id. It returns the reply with Form set when the modal is open; else the
// reply without the form and with a note that says why: a form too big for
// a modal gets an example of the command typed out.
func (a *Adapter) openForm(ctx context.Context, o origin, locale string, rep bot.Reply) bot.Reply {
	meta, err := json.Marshal(formMeta{Command: rep.Form.Command, Fixed: rep.Form.Fixed, Channel: o.channel})
	if err == nil && len(meta) > maxMetadata {
		err = fmt.Errorf("%w: the command and fixed options take %d characters, at most %d", errTooBig, len(meta), maxMetadata)
	}
	var v slack.ModalViewRequest
	if err == nil {
		v, err = modal(locale, rep.Form, string(meta))
	}
	if err == nil {
		if err = a.sender.OpenView(ctx, o.trigger, v); err == nil {
			return rep
		}
	}
	a.log.WarnContext(ctx, "form not opened", "group", o.team, "user", o.user, "command", rep.Form.Command, "err", err)
	note := bot.M("slack.form_failed")
	if errors.Is(err, errTooBig) {
		example := "/" + rep.Form.Command
		if cmd := a.router.Tree().Lookup(rep.Form.Command); cmd != nil && cmd.Example != "" {
			example = cmd.Example
		}
		note = bot.M("slack.form_too_big", "Example", example, "Help", "/"+rep.Form.Command+" help")
	}
	rep.Form = nil
	rep.Ephemeral = true
	rep.Text = strings.TrimSpace(rep.Text + "\n" + bot.Translate(locale, note))
	return rep
}

// later delivers a reply that was not ready for the acknowledgement: to
// the response_url Slack gave, or to the user when there is none.
func (a *Adapter) later(ctx context.Context, o origin, rep bot.Reply) {
	if rep.Form != nil {
		return // opened as a modal
	}
	if o.responseURL != "" {
		_ = a.sender.Respond(ctx, o.responseURL, message(o.locale, rep))
		return
	}
	if rep.Ephemeral || rep.Tone == bot.Failure {
		_ = a.sender.ephemeral(ctx, o.locale, o.team, o.channel, o.user, rep)
		return
	}
	if o.channel != "" {
		if a.sender.send(ctx, o.locale, bot.Destination{Platform: Platform, Group: o.team, Channel: o.channel}, rep) == nil {
			return
		}
	}
	_ = a.sender.send(ctx, o.locale, bot.Destination{Platform: Platform, Group: o.team, User: o.user}, rep)
}

// logRetry notes a retried delivery, which runs unless the replay guard
// finds that its original did.
func logRetry(ctx context.Context, log *slog.Logger, d delivery) {
	if d.retry > 0 {
		log.InfoContext(ctx, "retried delivery: running it unless its original ran", "retry", d.retry, "reason", d.reason)
	}
}

// interaction handles a button click or a modal submission and returns
// the acknowledgement's payload (nil for an empty one). A retry runs like
// a first delivery (see slashCommand).
func (a *Adapter) interaction(ctx context.Context, cb slack.InteractionCallback, d delivery) any {
	log := a.log.With("group", cb.Team.ID, "user", cb.User.ID, "interaction", cb.Type)
	logRetry(ctx, log, d)
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		a.click(ctx, cb, d)
		return nil
	case slack.InteractionTypeViewSubmission:
		if cb.View.CallbackID != formCallback {
			return nil
		}
		return a.submit(ctx, cb, d)
	default:
		return nil
	}
}

// enterpriseOf is the Enterprise Grid organisation an interaction came
// from, "" outside Grid.
func enterpriseOf(cb slack.InteractionCallback) string {
	return firstNonEmpty(cb.Enterprise.ID, cb.Team.EnterpriseID)
}

// click runs a button's action as the clicker, within the gate. Slack
// ignores the acknowledgement's body for clicks, so the reply goes to
// response_url, as does the busy reply when the gate refuses the click.
func (a *Adapter) click(ctx context.Context, cb slack.InteractionCallback, d delivery) {
	if len(cb.ActionCallback.BlockActions) == 0 {
		return
	}
	act := cb.ActionCallback.BlockActions[0]
	action := act.Value
	if action == "" && !strings.HasPrefix(act.ActionID, actionPrefix) {
		action = act.ActionID
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	o := origin{team: firstNonEmpty(cb.Team.ID, cb.User.TeamID), enterprise: enterpriseOf(cb), channel: channel, user: cb.User.ID, userName: firstNonEmpty(cb.User.Name, cb.User.ID), id: d.id, trigger: cb.TriggerID, responseURL: cb.ResponseURL}
	pass, ok := a.gate.Admit()
	if !ok {
		a.notify(ctx, a.busy(o))
		return
	}
	ctx, cancel := a.detach(ctx)
	a.background(func() {
		defer pass.Leave() // once the answer is delivered
		defer cancel()
		var ans answer
		wait, stop := a.halt.Until(ctx)
		defer stop()
		err := pass.Run(wait, func() {
			ans = a.runAs(ctx, o, func(ctx context.Context, req *bot.Request) bot.Result {
				if action == "" {
					return bot.Result{Reply: bot.Reply{Text: req.T("slack.unknown_action"), Tone: bot.Failure, Ephemeral: true}}
				}
				text, names := normalize(action)
				return a.router.Run(ctx, req, "/"+strings.TrimPrefix(text, "/"), a.resolver(ctx, names), a.sender)
			})
			ans.res.Reply = a.maybeForm(ctx, ans.o, ans.o.locale, ans.res.Reply)
		})
		if err != nil {
			ans = a.busy(o)
		}
		a.later(ctx, ans.o, ans.res.Reply)
	})
}

// submit runs a modal's command with the entered values: each input
// block, in the view's order, fills the options its block id names (see
// blockID) with what was typed or picked, and bot.FormArgs joins them.
// Invalid input is shown on the first block that fills the option at
// fault (else on the first block), keeping the modal open with everything
// typed and picked; success closes it and the reply goes to the user
// (ephemeral in the channel, else a direct message), as does any answer
// not ready within AckWithin (see acknowledge).
func (a *Adapter) submit(ctx context.Context, cb slack.InteractionCallback, d delivery) any {
	in := readInputs(cb.View)
	var meta formMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || a.router.Tree().Lookup(meta.Command) == nil {
		return in.refuse("", bot.Translate("en", bot.M("slack.form_gone")))
	}
	o := origin{team: firstNonEmpty(cb.Team.ID, cb.User.TeamID, cb.View.TeamID), enterprise: enterpriseOf(cb), channel: meta.Channel, user: cb.User.ID, userName: firstNonEmpty(cb.User.Name, cb.User.ID), id: d.id, trigger: cb.TriggerID}
	inv := &bot.Invocation{Command: a.router.Tree().Lookup(meta.Command), Args: bot.FormArgs(meta.Fixed, in.answers)}
	work := func(ctx context.Context) answer {
		ans := a.runAs(ctx, o, func(ctx context.Context, req *bot.Request) bot.Result {
			return a.router.Dispatch(ctx, req, inv, a.resolver(ctx, nil), a.sender)
		})
		ans.res.Reply.Ephemeral = true // a form's result is for the one who filled it in
		return ans
	}
	log := a.log.With("group", o.team, "user", o.user, "command", meta.Command)
	return a.acknowledge(ctx, log, o, work, func(ans answer) (any, bool) {
		if ans.res.Reply.Tone != bot.Failure {
			return nil, false // the modal closes; the result follows
		}
		return in.refusal(ans.o.locale, ans.res), true
	})
}

// inputs are the input blocks of a submitted modal: what each holds, in
// the view's order, and where an option's error shows.
type inputs struct {
	answers []bot.FormAnswer
	blockOf map[string]string // option → the first input block that fills it
	first   string            // the first input block
}

// readInputs reads the input blocks of v and what its state holds for
// each.
func readInputs(v slack.View) inputs {
	in := inputs{blockOf: map[string]string{}}
	for _, b := range v.Blocks.BlockSet {
		ib, ok := b.(*slack.InputBlock)
		if !ok || ib.BlockID == "" {
			continue
		}
		if in.first == "" {
			in.first = ib.BlockID
		}
		opts := blockOptions(ib.BlockID)
		for _, opt := range opts {
			if _, seen := in.blockOf[opt]; !seen {
				in.blockOf[opt] = ib.BlockID
			}
		}
		in.answers = append(in.answers, bot.FormAnswer{Option: strings.Join(opts, " "), Value: stateValue(v.State, ib.BlockID)})
	}
	return in
}

// refuse is the acknowledgement that keeps the modal open with msg on the
// first block that fills the option field, else on the first block; nil
// (the modal closes) when the modal has no input block.
func (in inputs) refuse(field, msg string) any {
	block, ok := in.blockOf[field]
	if !ok {
		block = in.first
	}
	if block == "" {
		return nil
	}
	return slack.NewErrorsViewSubmissionResponse(map[string]string{block: bot.Clip(msg, maxFieldError)})
}

// refusal shows a refused submission on the modal: the reason on the block
// of the option at fault when the modal has one, else the reply on the
// first block.
func (in inputs) refusal(locale string, res bot.Result) any {
	if e := res.Refused(); e != nil {
		if _, ok := in.blockOf[e.Field]; ok {
			return in.refuse(e.Field, bot.Translate(locale, e.Msg))
		}
	}
	return in.refuse("", res.Reply.Text)
}

// stateValue is what the input block named id holds in a submitted view's
// state, which Slack keys by block id and then by action id (the same
// here; a block holds one element). Nothing typed or picked reads "".
func stateValue(st *slack.ViewState, id string) string {
	if st == nil {
		return ""
	}
	acts := st.Values[id]
	if a, ok := acts[id]; ok {
		return formValue(a)
	}
	if len(acts) == 1 {
		for _, a := range acts {
			return formValue(a)
		}
	}
	return ""
}
