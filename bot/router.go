package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Adapter connects the core to one platform and runs until ctx ends.
type Adapter interface {
	Run(ctx context.Context) error
}

// Destination is where an unrequested message goes: a user's direct
// messages when User is set, else a channel.
type Destination struct {
	Platform string
	Group    string // platform workspace id
	User     string // platform user id
	Channel  string // platform channel id
}

// Sender delivers messages that no request asked for (digests, reminders,
// role scripts). Each adapter implements it; jobs call it, never an SDK.
type Sender interface {
	Send(ctx context.Context, to Destination, r Reply) error
}

// OnceSender is a Sender that can make a delivery idempotent: a message
// sent again with the same key (a retry after a timeout whose request
// reached the platform, or after the sending process was killed) is not
// posted twice, as far as the platform allows. Adapters implement it
// when their platform offers a way (Discord's nonce, Slack's metadata).
type OnceSender interface {
	SendOnce(ctx context.Context, to Destination, r Reply, key string) error
}

// Clock tells the time; tests inject a fixed or stepping one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Resolver finds (creating on first sight) the group and member behind a
// request and the member's level. The campaign layer implements it over
// storage.
type Resolver interface {
	Resolve(ctx context.Context, req *Request) (Caller, error)
}

// Localizer is a Resolver that can also tell a request's reader's
// language without resolving the caller (and so without writing
// anything): help, and refusals of what was typed, come before the
// caller is resolved and use it to speak the reader's language.
type Localizer interface {
	ReaderLocale(ctx context.Context, req *Request) string
}

// localize sets req.Locale to the reader's language when the resolver can
// tell it; it keeps the platform's when the resolver cannot, or fails.
func (r *Router) localize(ctx context.Context, req *Request) {
	if l, ok := r.cfg.Resolver.(Localizer); ok {
		if locale := l.ReaderLocale(ctx, req); locale != "" {
			req.Locale = locale
		}
	}
}

// ReplayGuard records delivery ids (Request.ID) per group; First reports
// whether this is the first time the id was seen, so that a replayed
// delivery has one effect. It runs after the caller is resolved.
type ReplayGuard interface {
	First(ctx context.Context, req *Request) (bool, error)
}

// ReplayGuardWithin is a ReplayGuard that can also record the delivery id
// in the transaction of the change it guards: Within runs next so that
// its transaction records the id, answers a replay with the duplicate
// reply, and records the id itself when next made no transaction. The
// router uses it for commands marked OneCommit.
type ReplayGuardWithin interface {
	ReplayGuard
	Within(ctx context.Context, req *Request, next Handler) (Reply, error)
}

// Config wires a Router.
type Config struct {
	Tree     *Tree
	Log      *slog.Logger
	Resolver Resolver
	Guard    ReplayGuard // optional
	Clock    Clock       // defaults to SystemClock
	// Timeout bounds one command; defaults to 10 seconds.
	Timeout time.Duration
}

// Router runs requests through the middleware chain to their handlers and
// turns every outcome into a Reply.
type Router struct {
	cfg Config
	obs Observer // nil: nobody listens
}

// Observer hears how each dispatched command went and which replies
// reached their users late, for the process's metrics. It is called on
// the request's goroutine, so it must be quick and safe for concurrent
// use. Path is the command's path in the tree and platform the adapter's
// name: never anything typed, nor who typed it.
type Observer interface {
	// Command hears one dispatched command: outcome is "ok", "refused"
	// (the input or the caller's level was wrong: an *Error) or "error"
	// (anything else), took how long Dispatch ran.
	Command(path, platform, outcome string, took time.Duration)
	// LateReply hears of a reply that reached the platform more than
	// ReplyDeadline after its request arrived.
	LateReply(platform string)
}

// ReplyDeadline is how long Discord and Slack wait for an answer. Adapters
// defer slower work and deliver its reply later; one that comes after
// ReplyDeadline kept its user waiting past what the platform allows.
const ReplyDeadline = 3 * time.Second

// SetObserver makes o hear every command dispatched from now on. The
// router is built where the commands are (commands.Router), the observer
// where the process is: call it before the router serves.
func (r *Router) SetObserver(o Observer) { r.obs = o }

// Replied tells the observer that a reply reached platform took after its
// request arrived; adapters call it for the replies they deliver after
// deferring.
func (r *Router) Replied(platform string, took time.Duration) {
	if r.obs != nil && took > ReplyDeadline {
		r.obs.LateReply(platform)
	}
}

// observe tells the observer how the command at path went, from its
// result once Dispatch returns.
func (r *Router) observe(path, platform string, start time.Time, res *Result) {
	outcome := "ok"
	switch {
	case res.Err == nil:
	case res.Refused() != nil:
		outcome = "refused"
	default:
		outcome = "error"
	}
	r.obs.Command(path, platform, outcome, time.Since(start))
}

// NewRouter returns a router for cfg.
func NewRouter(cfg Config) *Router {
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &Router{cfg: cfg}
}

// Tree returns the command tree the router serves.
func (r *Router) Tree() *Tree { return r.cfg.Tree }

// Clock returns the router's clock.
func (r *Router) Clock() Clock { return r.cfg.Clock }

// Log returns the router's logger.
func (r *Router) Log() *slog.Logger { return r.cfg.Log }

// Result is what dispatching an invocation gives back.
type Result struct {
	// Reply is what to show, within every platform's limits.
	Reply Reply
	// Err is why the command did not run, nil when it did.
	Err error
	// Overflow is the limit the handler's reply broke before Fit cut it
	// (logged: handlers page long lists themselves), nil when it kept all.
	Overflow error
}

// Refused returns the error that refused the user's input, whose Field
// names the option to fix (a dialog marks it), or nil.
func (r Result) Refused() *Error {
	var e *Error
	if errors.As(r.Err, &e) {
		return e
	}
	return nil
}

// Dispatch is the one way a command runs, whatever the platform and
// whether it was typed, clicked or submitted from a form: it binds inv's
// raw option values against its command (users reads mentions), resolves
// the caller, checks the replay guard and the permission, runs the
// handler, all under one deadline, and turns any error into the reply.
// Direct messages the handler asked for are delivered through send (when
// not nil); those that cannot be delivered are appended to the reply so
// that nothing is lost. A help request gets the command's help.
func (r *Router) Dispatch(ctx context.Context, req *Request, inv *Invocation, users UserResolver, send Sender) (out Result) {
	if r.obs != nil {
		defer r.observe(inv.Command.Path(), req.Platform, time.Now(), &out)
	}
	if inv.Help {
		r.localize(ctx, req)
		return Result{Reply: CommandHelp(req.Locale, inv.Command)}
	}
	req.Command = inv.Command
	// Logs name the platform, the workspace, the command and, once
	// resolved, the member's row: never a name, a platform user id (the
	// console's are names) or anything typed.
	log := r.cfg.Log.With("platform", req.Platform, "group", req.Group, "command", inv.Command.Path())
	opts, err := Bind(inv.Command, inv.Args, users)
	if err != nil {
		r.localize(ctx, req)
		return refusal(ctx, log, req, err)
	}
	req.Options = opts
	req.User.Name = CleanText(req.User.Name)
	req.Now = r.cfg.Clock.Now()
	h := chain(inv.Command.Handler,
		recovery(log),
		logging(log),
		timeout(r.cfg.Timeout),
		r.resolve(),
		r.replay(),
		permission,
		members,
	)
	reply, err := h(ctx, req)
	if req.Caller.MemberID != 0 {
		log = log.With("member", req.Caller.MemberID)
	}
	if err != nil {
		return refusal(ctx, log, req, err)
	}
	reply = r.deliver(ctx, log, req, reply, send)
	res := Result{Reply: reply.Fit(), Overflow: reply.Check()}
	if res.Overflow != nil {
		log.WarnContext(ctx, "reply cut to fit", "limit", res.Overflow)
	}
	return res
}

// Run parses a text command line and dispatches it: the console's and
// Slack's slash commands, and buttons, whose actions are lines.
func (r *Router) Run(ctx context.Context, req *Request, line string, users UserResolver, send Sender) Result {
	inv, err := r.cfg.Tree.ParseLine(line)
	if err != nil {
		r.localize(ctx, req)
		return refusal(ctx, r.cfg.Log.With("platform", req.Platform, "group", req.Group), req, err)
	}
	return r.Dispatch(ctx, req, inv, users, send)
}

// refusal is the result of a failed dispatch: the error, described for
// the user.
func refusal(ctx context.Context, log *slog.Logger, req *Request, err error) Result {
	return Result{Reply: Describe(ctx, log, req, err), Err: err}
}

// deliver sends the reply's direct messages through send, appending any
// that cannot be delivered (or, without send, all of them) to the reply.
// A message to the caller is shown in the reply instead, unless it
// carries files: those go by direct message or not at all, never into a
// reply that others may see, which then says they could not be sent.
func (r *Router) deliver(ctx context.Context, log *slog.Logger, req *Request, reply Reply, send Sender) Reply {
	for _, dm := range reply.DMs {
		files := len(dm.Reply.Files) > 0
		if send != nil && (dm.To.ID != req.User.ID || files || dm.Keep) {
			err := send.Send(ctx, Destination{Platform: req.Platform, Group: req.Group, User: dm.To.ID}, dm.Reply.Fit())
			if err == nil {
				continue
			}
			log.WarnContext(ctx, "direct message not delivered; shown in the reply", "err", err)
		}
		if files {
			reply.Text = strings.TrimSpace(reply.Text + "\n\n" + Translate(req.Locale, M("dm.files_failed", "Name", dm.To.Name)))
			reply.Tone = max(reply.Tone, Warning)
			continue
		}
		reply.Text = strings.TrimSpace(reply.Text + "\n\n" + Translate(req.Locale, M("dm.inline", "Name", dm.To.Name)) + "\n" + dm.Reply.PlainText())
	}
	reply.DMs = nil
	return reply
}

// middleware wraps a handler with cross-cutting work; the router's chain
// is fixed (see Dispatch).
type middleware func(Handler) Handler

func chain(h Handler, mws ...middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

func recovery(log *slog.Logger) middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (reply Reply, err error) {
			defer func() {
				if p := recover(); p != nil {
					log.ErrorContext(ctx, "panic", "panic", p, "stack", string(debug.Stack()))
					err = fmt.Errorf("panic: %v", p)
				}
			}()
			return next(ctx, req)
		}
	}
}

func logging(log *slog.Logger) middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (Reply, error) {
			start := time.Now()
			reply, err := next(ctx, req)
			log.DebugContext(ctx, "handled", "member", req.Caller.MemberID, "took", time.Since(start), "ok", err == nil)
			return reply, err
		}
	}
}

func (r *Router) replay() middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (Reply, error) {
			if r.cfg.Guard == nil || req.ID == "" || req.Command.ReadOnly {
				return next(ctx, req)
			}
			if g, ok := r.cfg.Guard.(ReplayGuardWithin); ok && req.Command.OneCommit {
				return g.Within(ctx, req, next)
			}
			first, err := r.cfg.Guard.First(ctx, req)
			if err != nil {
				return Reply{}, fmt.Errorf("replay guard: %w", err)
			}
			if !first {
				return Reply{Text: req.T("replay.duplicate"), Ephemeral: true}, nil
			}
			return next(ctx, req)
		}
	}
}

func (r *Router) resolve() middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (Reply, error) {
			if r.cfg.Resolver != nil {
				caller, err := r.cfg.Resolver.Resolve(ctx, req)
				if err != nil {
					return Reply{}, fmt.Errorf("resolve caller: %w", err)
				}
				req.Caller = caller
			}
			return next(ctx, req)
		}
	}
}

// permission refuses commands above the caller's level. Handlers check
// finer rules themselves (a member may add a task for themselves only).
func permission(next Handler) Handler {
	return func(ctx context.Context, req *Request) (Reply, error) {
		if req.Caller.Level < req.Command.Level {
			return Reply{}, Forbidden(req.Command.Level)
		}
		return next(ctx, req)
	}
}

// members checks, with the platform, that every person an option names
// belongs to the caller's workspace (so the bot never messages someone of
// another), and names those a mention left nameless.
func members(next Handler) Handler {
	return func(ctx context.Context, req *Request) (Reply, error) {
		if req.Directory == nil {
			return next(ctx, req)
		}
		for _, o := range req.Command.Options {
			v, ok := req.Options[o.Name]
			if !ok || (o.Kind != UserKind && o.Kind != Users) || o.MayHaveLeft {
				continue
			}
			users := v.Users
			if o.Kind == UserKind {
				users = []User{v.User}
			}
			for i, u := range users {
				known, member, err := req.Directory.Member(ctx, req.Group, u.ID)
				if err != nil {
					return Reply{}, fmt.Errorf("check that %s is a member: %w", o.Name, err)
				}
				if !member {
					return Reply{}, Invalid(o.Name, M("bind.not_member", "Name", o.Name), req.Command.Example)
				}
				if u.Name == "" {
					users[i].Name = CleanText(known.Name)
				}
			}
			if o.Kind == UserKind {
				v.User = users[0]
			}
			req.Options[o.Name] = v
		}
		return next(ctx, req)
	}
}

func timeout(d time.Duration) middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (Reply, error) {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, req)
		}
	}
}

// CommandHelp explains one command (or a command group) with its options
// and example, in locale; names and typed values stay as they are typed.
func CommandHelp(locale string, c *Command) Reply {
	rep := Reply{Title: "/" + c.Path(), Text: c.Describe(locale), Ephemeral: true}
	if len(c.Subcommands) > 0 {
		for _, s := range c.Subcommands {
			rep.Items = append(rep.Items, fmt.Sprintf("/%s: %s", s.Path(), s.Describe(locale)))
		}
		return rep
	}
	for i := range c.Options {
		o := &c.Options[i]
		var kind string
		if o.Kind == Choice {
			vals := make([]string, len(o.Choices))
			for i, ch := range o.Choices {
				vals[i] = ch.Value
			}
			kind = strings.Join(vals, "|")
		} else {
			kind = Translate(locale, M("help.kind."+o.Kind.String()))
		}
		need := Translate(locale, M("help.optional"))
		if o.Required {
			need = Translate(locale, M("help.required"))
		}
		rep.Items = append(rep.Items, fmt.Sprintf("%s:%s (%s) %s", o.Name, kind, need, o.Describe(locale)))
	}
	if c.Level > Member {
		rep.Footer = Translate(locale, M("help.level", "Level", c.Level))
	}
	if c.Example != "" {
		rep.Text += "\n" + Translate(locale, M("error.example", "Example", LocalExample(locale, c, c.Example)))
	}
	return rep
}

// ManualClock is a Clock that moves only when told: tests use it to stand
// at a chosen moment and step through time.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock returns a clock standing at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }
