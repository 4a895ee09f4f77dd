// Package discord is fcbot's Discord adapter, on discordgo. It runs in one
// of two modes: gateway mode (a bot token; interactions arrive over the
// websocket, one per shard of servers: shard.go, and are answered through
// REST) or HTTP interactions mode (the
// application's public key; Discord POSTs signed interactions to
// /discord/interactions and the answer is the HTTP response). Both decode
// interactions into a command and its raw option values, which the core
// router binds and runs (bot.Router.Dispatch), render bot.Replies as
// embeds, buttons and modals (forms with choices as sheets: Components
// V2 messages of selects, see sheet.go), and answer within Discord's 3
// seconds, deferring slow work and completing it by editing the original
// response or sending a follow-up. Commands run within the process's gate
// (bot.Gate); beyond it they get the busy reply at once. Interactions
// dated outside FreshWindow are refused (fresh.go), and with a bot token
// every request carries a Directory that asks Discord whether the people
// and channels it names belong to its server (directory.go).
//
// discordgo stays behind the private api and gateway interfaces; commands
// and the rest of the core never see it.
package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcbot/fcbot/bot"
)

// Platform is the platform name requests carry and destinations name.
const Platform = "discord"

// DefaultBudget is how long a handler may run before the interaction is
// deferred: Discord drops an initial response that arrives after 3 s.
const DefaultBudget = 2500 * time.Millisecond

// workTimeout bounds the background completion of a deferred interaction;
// interaction tokens last 15 minutes, the router's own timeout is shorter.
const workTimeout = time.Minute

// Suggester offers values for options with an autocomplete source
// ("official", "meeting", "task"); *commands.Env implements it.
type Suggester interface {
	Suggest(ctx context.Context, req *bot.Request, source, typed string) ([]bot.ChoiceValue, error)
}

// Config wires an Adapter.
type Config struct {
	Router *bot.Router
	// Gate bounds the commands in flight, shared with the other
	// platforms; nil gives the adapter a gate of its own, of the default
	// size.
	Gate *bot.Gate
	// Session is the discordgo session from NewSession.
	Session *discordgo.Session
	// Shards picks the gateway shards Run connects (shard.go); the zero
	// value connects all of Discord's recommended count.
	Shards Shards
	// PublicKey enables HTTP interactions mode (ServeHTTP).
	PublicKey ed25519.PublicKey
	Suggester Suggester // optional
	Log       *slog.Logger
	// Budget overrides DefaultBudget.
	Budget time.Duration
	// Clock dates requests against FreshWindow and ages the Directory's
	// answers; defaults to the real clock. It is not the router's clock:
	// Discord's timestamps and ids are real time.
	Clock bot.Clock
}

// Adapter connects the router to Discord.
type Adapter struct {
	router  *bot.Router
	gate    *bot.Gate
	base    *discordgo.Session // REST calls, and the model of each gateway shard's session
	shards  Shards
	key     ed25519.PublicKey
	suggest Suggester
	log     *slog.Logger
	budget  time.Duration
	sender  *Sender
	clock   bot.Clock
	// dir checks members and channels with the bot token; nil without one.
	dir *directory

	inflight sync.WaitGroup // deferred work still running
	halt     bot.Halt       // given by Halt
	// sessions counts the gateway sessions Run keeps, up those of them
	// connected (see track).
	sessions, up atomic.Int32
}

var (
	_ bot.Adapter  = (*Adapter)(nil)
	_ http.Handler = (*Adapter)(nil)
)

// New returns an adapter for cfg.
func New(cfg Config) *Adapter {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Budget == 0 {
		cfg.Budget = DefaultBudget
	}
	if cfg.Clock == nil {
		cfg.Clock = bot.SystemClock{}
	}
	if cfg.Gate == nil {
		cfg.Gate = bot.NewGate(bot.GateConfig{Log: cfg.Log})
	}
	log := cfg.Log.With("platform", Platform)
	hasToken := cfg.Session.Token != ""
	a := &Adapter{
		router: cfg.Router, gate: cfg.Gate, base: cfg.Session, shards: cfg.Shards, key: cfg.PublicKey, suggest: cfg.Suggester,
		log: log, budget: cfg.Budget, clock: cfg.Clock,
		sender: newSender(cfg.Session, hasToken, log),
		halt:   bot.NewHalt(),
	}
	if hasToken {
		a.dir = newDirectory(cfg.Session, cfg.Clock)
	} else {
		log.Warn("discord: no bot token (DISCORD_BOT_TOKEN), so cross-workspace checks are off: " +
			"commands cannot check that the people and channels they name belong to the server")
	}
	return a
}

// Sender returns the adapter's one outgoing channel, for jobs.
func (a *Adapter) Sender() *Sender { return a.sender }

// Directory returns what every request carries as its Directory: Discord's
// answer to who and which channels belong to a server, or nil without a
// bot token.
func (a *Adapter) Directory() bot.Directory {
	if a.dir == nil {
		return nil
	}
	return a.dir
}

// request fills who, where and which delivery from an interaction, and
// the Directory that checks whom and what it names.
func (a *Adapter) request(i *discordgo.Interaction) *bot.Request {
	req := baseRequest(i)
	req.Directory = a.Directory()
	return req
}

// Connected reports whether every gateway session Run keeps is up, for
// readiness: false before Run has connected, while discordgo reconnects
// one, and after Run. In HTTP interactions mode there is no gateway, and
// it is false.
func (a *Adapter) Connected() bool {
	n := a.sessions.Load()
	return n > 0 && a.up.Load() == n
}

// track counts s, one of Run's gateway sessions, in Connected: up from
// its connection (once READY or RESUMED has come) until it drops. Call it
// before s opens, and what it returns once s is closed.
func (a *Adapter) track(s gateway) (untrack func()) {
	a.sessions.Add(1)
	var up atomic.Bool
	set := func(v bool) {
		switch {
		case up.Swap(v) == v:
		case v:
			a.up.Add(1)
		default:
			a.up.Add(-1)
		}
	}
	connect := s.AddHandler(func(*discordgo.Session, *discordgo.Connect) { set(true) })
	disconnect := s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { set(false) })
	return func() {
		connect()
		disconnect()
		set(false)
		a.sessions.Add(-1)
	}
}

// Wait blocks until deferred work has finished.
func (a *Adapter) Wait() { a.inflight.Wait() }

// Halt hands back the commands still waiting for a slot: each gets the
// busy reply (it did not run, so running it again is safe), delivered as
// any answer is. A stopping process calls it when it has no time left to
// run them; commands already running and answers still to deliver go on,
// and Wait waits for them.
func (a *Adapter) Halt() { a.halt.Now() }

// onGateway answers an interaction that came over the gateway, where
// even the initial response is a call to Discord: a busy reply is sent
// within the gate's bound on such notices, or dropped.
func (a *Adapter) onGateway(ctx context.Context, i *discordgo.Interaction) {
	out := a.interact(ctx, i)
	if out.busy {
		done, ok := a.gate.Notice()
		if !ok {
			return
		}
		defer done()
	}
	err := a.sender.respond(ctx, i, out.initial)
	if out.after != nil {
		out.after(err == nil)
	}
}

// ServeHTTP is HTTP interactions mode: POST /discord/interactions. A
// request whose signature's timestamp is not within FreshWindow of now, or
// without a valid signature, is refused with 401 before its body is even
// read; Discord tests this with deliberately bad signatures.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if ts := r.Header.Get("X-Signature-Timestamp"); !freshTimestamp(ts, a.clock.Now()) {
		// Debug only: anyone can send this. A server whose clock is wrong
		// refuses everything; its logs at debug level say why.
		a.log.DebugContext(r.Context(), "discord: request timestamp not within the window", "timestamp", ts, "window", FreshWindow)
		http.Error(w, "invalid request signature timestamp", http.StatusUnauthorized)
		return
	}
	if len(a.key) != ed25519.PublicKeySize || !discordgo.VerifyInteraction(r, a.key) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		a.log.WarnContext(r.Context(), "discord: undecodable interaction", "err", err)
		http.Error(w, "undecodable interaction", http.StatusBadRequest)
		return
	}
	out := a.interact(r.Context(), &i)
	b, err := json.Marshal(out.initial)
	if err != nil {
		a.log.ErrorContext(r.Context(), "discord: encode response", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if out.after != nil {
		a.background(func() { out.after(true) })
	}
}

// outcome is an interaction's initial response and, when the work
// outlived the budget, what completes it once the initial response (a
// defer) has been delivered; delivered false says it was not, and then
// after only waits for the work to end and gives its place in the gate
// back.
type outcome struct {
	initial any
	after   func(delivered bool)
	busy    bool // initial is the busy reply of a request the gate refused
}

// interact handles one interaction of any type. Apart from a PING, which
// has no effect, an interaction created outside FreshWindow is refused.
func (a *Adapter) interact(ctx context.Context, i *discordgo.Interaction) outcome {
	if i.Type == discordgo.InteractionPing {
		return outcome{initial: map[string]int{"type": int(discordgo.InteractionResponsePong)}}
	}
	if a.stale(i) {
		return a.staleAnswer(ctx, i)
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		return outcome{initial: a.autocomplete(ctx, i)}
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
	default:
		a.log.WarnContext(ctx, "discord: unsupported interaction type", "type", int(i.Type))
		return outcome{initial: messageResponse(render(bot.Reply{Text: bot.Translate(string(i.Locale), bot.M("discord.unsupported")), Tone: bot.Failure}, string(i.Locale)), true)}
	}
	// A pick in a sheet, and the Save that opens a sheet's modal, are
	// answered from the message alone: no command runs yet.
	if data, ok := i.Data.(discordgo.MessageComponentInteractionData); ok {
		switch {
		case strings.HasPrefix(data.CustomID, selectPrefix):
			return outcome{initial: a.pick(ctx, i, data)}
		case strings.HasPrefix(data.CustomID, saveMorePrefix):
			return outcome{initial: a.sheetModal(i, data.CustomID)}
		}
	}
	c, err := a.decode(i)
	if err != nil {
		req := a.request(i)
		reply := bot.Describe(ctx, a.log, req, err)
		return outcome{initial: messageResponse(render(reply, req.Locale), true)}
	}
	return a.run(ctx, i, c)
}

// run dispatches a decoded call through the router, within the gate, and
// answers within the budget, or defers the answer. A call the gate
// refuses is answered busy at once, and one that waited for a slot longer
// than the gate allows gets the busy reply like any answer.
func (a *Adapter) run(ctx context.Context, i *discordgo.Interaction, c *call) outcome {
	start := time.Now()
	pass, ok := a.gate.Admit()
	if !ok {
		return outcome{initial: a.answer(c, bot.Busy(c.req.Locale)), busy: true}
	}
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	done := make(chan bot.Reply, 1)
	a.background(func() {
		wait, stop := a.halt.Until(work)
		defer stop()
		err := pass.Run(wait, func() { done <- a.router.Dispatch(work, c.req, c.inv, c.users, a.sender).Reply })
		if err != nil {
			done <- bot.Busy(c.req.Locale)
		}
	})
	timer := time.NewTimer(a.budget)
	defer timer.Stop()
	select {
	case reply := <-done:
		cancel()
		pass.Leave()
		return outcome{initial: a.answer(c, reply)}
	case <-timer.C:
	}
	// The router owns c.req until the reply arrives: name the command from
	// the invocation.
	a.log.DebugContext(ctx, "discord: deferred", "command", c.inv.Command.Path())
	// The pass is left once the result is delivered, so that the work
	// still to deliver counts against the gate too.
	return outcome{initial: deferral(c), after: func(delivered bool) {
		defer pass.Leave()
		defer cancel()
		var reply bot.Reply
		select {
		case reply = <-done:
		case <-work.Done():
			return
		}
		if delivered {
			m, how := a.completion(c, reply)
			a.sender.complete(work, i, m, how)
			a.router.Replied(Platform, time.Since(start))
		}
	}}
}

// deferral is the initial response that defers c's answer. Ephemerality
// is fixed by the defer: clicks are answered privately; commands
// publicly, and an ephemeral result then replaces the public placeholder
// with a private follow-up. A sheet's save defers an update of the sheet
// (type 6, no placeholder): the sheet becomes the result, or stays beside
// a private refusal.
func deferral(c *call) map[string]any {
	switch {
	case c.save:
		return map[string]any{"type": int(discordgo.InteractionResponseDeferredMessageUpdate)}
	case c.click:
		return map[string]any{"type": int(discordgo.InteractionResponseDeferredChannelMessageWithSource), "data": map[string]any{"flags": int(discordgo.MessageFlagsEphemeral)}}
	}
	return map[string]any{"type": int(discordgo.InteractionResponseDeferredChannelMessageWithSource)}
}

// answer is the initial response for a finished reply: a sheet or a modal
// when the reply asks for a form and it can open; after a sheet's save,
// the result in the sheet's place (type 7) or a private refusal beside
// it; else a message.
func (a *Adapter) answer(c *call, reply bot.Reply) any {
	if reply.Form != nil {
		if reply.Form.HasChoices() {
			if s, ok := a.sheet(c.req.Locale, reply); ok {
				if c.save {
					return newV2Response(discordgo.InteractionResponseUpdateMessage, s)
				}
				return newV2Response(discordgo.InteractionResponseChannelMessageWithSource, s)
			}
		} else if !c.modal {
			if m, ok := a.modal(reply.Form); ok {
				return m
			}
		}
		reply.Text = joinText(reply.Text, c.req.T("discord.form_unavailable", "Example", c.inv.Command.Example))
		reply.Form = nil
	}
	if c.save && reply.Tone != bot.Failure {
		return newV2Response(discordgo.InteractionResponseUpdateMessage, result(reply, c.req.Locale))
	}
	return messageResponse(render(reply, c.req.Locale), reply.Ephemeral || c.click || c.save)
}

// completion renders a reply that completes a deferred interaction and
// says how to deliver it. A modal can no longer open, so a form of text
// boxes becomes a button that runs the command again, whose quick answer
// opens it; a sheet comes as a private follow-up, since discordgo cannot
// edit the V2 flag into the placeholder (after a save, the new sheet
// replaces the old one).
func (a *Adapter) completion(c *call, reply bot.Reply) (message, finish) {
	if reply.Form != nil {
		switch {
		case reply.Form.HasChoices():
			if s, ok := a.sheet(c.req.Locale, reply); ok {
				if c.save {
					return s, editOriginal
				}
				return s, replacePrivately
			}
			reply.Text = joinText(reply.Text, c.req.T("discord.form_unavailable", "Example", c.inv.Command.Example))
		default:
			if line, ok := formatLine(c.inv.Command.Path(), c.inv.Args); ok {
				reply.Buttons = append(reply.Buttons, bot.Button{Label: c.req.T("discord.open_form"), Action: line, Style: bot.Info})
			} else {
				reply.Text = joinText(reply.Text, c.req.T("discord.form_unavailable", "Example", c.inv.Command.Example))
			}
		}
		reply.Form = nil
	}
	switch {
	case c.save && reply.Tone == bot.Failure:
		return render(reply, c.req.Locale), followPrivately
	case c.save:
		return result(reply, c.req.Locale), editOriginal
	case reply.Ephemeral && !c.click:
		return render(reply, c.req.Locale), replacePrivately
	}
	return render(reply, c.req.Locale), editOriginal
}

// background runs fn as tracked, panic-safe work.
func (a *Adapter) background(fn func()) {
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("discord: panic", "panic", p, "stack", string(debug.Stack()))
			}
		}()
		fn()
	}()
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// errNoToken is returned by Send without a bot token.
var errNoToken = errors.New("discord: DISCORD_BOT_TOKEN is needed to send messages")
