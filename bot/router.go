package bot

import (
	"context"
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

// ReplayGuard records delivery ids (Request.ID) per group; First reports
// whether this is the first time the id was seen, so that a replayed
// delivery has one effect. It runs after the caller is resolved.
type ReplayGuard interface {
	First(ctx context.Context, req *Request) (bool, error)
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

// Handle runs req and returns the reply to show. Direct messages the
// handler asked for are delivered through send (when not nil); those that
// cannot be delivered are appended to the reply so that nothing is lost.
func (r *Router) Handle(ctx context.Context, req *Request, send Sender) Reply {
	log := r.cfg.Log.With("platform", req.Platform, "group", req.Group, "user", req.User.ID, "command", req.Command.Path())
	req.Now = r.cfg.Clock.Now()
	h := chain(req.Command.Handler,
		recovery(log),
		logging(log),
		r.resolve(),
		r.replay(),
		permission,
		timeout(r.cfg.Timeout),
	)
	reply, err := h(ctx, req)
	if err != nil {
		return Describe(ctx, log, req, err)
	}
	for _, dm := range reply.DMs {
		if send != nil && dm.To.ID != req.User.ID {
			err := send.Send(ctx, Destination{Platform: req.Platform, Group: req.Group, User: dm.To.ID}, dm.Reply.Fit())
			if err == nil {
				continue
			}
			log.WarnContext(ctx, "direct message not delivered; shown in the reply", "to", dm.To.ID, "err", err)
		}
		reply.Text = strings.TrimSpace(reply.Text + "\n\n" + Translate(req.Locale, M("dm.inline", "Name", dm.To.Name)) + "\n" + dm.Reply.PlainText())
	}
	reply.DMs = nil
	return reply.Fit()
}

// Run parses a text command line and handles it: the console's and
// Slack's entry point. users resolves mentions in the platform's syntax.
func (r *Router) Run(ctx context.Context, req *Request, line string, users UserResolver, send Sender) Reply {
	inv, err := r.cfg.Tree.ParseLine(line)
	if err != nil {
		return Describe(ctx, r.cfg.Log, req, err)
	}
	if inv.Help {
		return CommandHelp(req.Locale, inv.Command)
	}
	req.Command = inv.Command
	req.Options, err = Bind(inv.Command, inv.Args, users)
	if err != nil {
		return Describe(ctx, r.cfg.Log.With("command", inv.Command.Path()), req, err)
	}
	return r.Handle(ctx, req, send)
}

func chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

func recovery(log *slog.Logger) Middleware {
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

func logging(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (Reply, error) {
			start := time.Now()
			reply, err := next(ctx, req)
			log.DebugContext(ctx, "handled", "took", time.Since(start), "ok", err == nil)
			return reply, err
		}
	}
}

func (r *Router) replay() Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (Reply, error) {
			if r.cfg.Guard == nil || req.ID == "" {
				return next(ctx, req)
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

func (r *Router) resolve() Middleware {
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

func timeout(d time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (Reply, error) {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, req)
		}
	}
}

// CommandHelp explains one command (or a command group) with its options
// and example.
func CommandHelp(locale string, c *Command) Reply {
	rep := Reply{Title: "/" + c.Path(), Text: c.Description, Ephemeral: true}
	if len(c.Subcommands) > 0 {
		for _, s := range c.Subcommands {
			rep.Items = append(rep.Items, fmt.Sprintf("/%s: %s", s.Path(), s.Description))
		}
		return rep
	}
	for _, o := range c.Options {
		kind := o.Kind.String()
		if o.Kind == Choice {
			vals := make([]string, len(o.Choices))
			for i, ch := range o.Choices {
				vals[i] = ch.Value
			}
			kind = strings.Join(vals, "|")
		}
		need := Translate(locale, M("help.optional"))
		if o.Required {
			need = Translate(locale, M("help.required"))
		}
		rep.Items = append(rep.Items, fmt.Sprintf("%s:%s (%s) %s", o.Name, kind, need, o.Description))
	}
	if c.Level > Member {
		rep.Footer = Translate(locale, M("help.level", "Level", c.Level.String()))
	}
	if c.Example != "" {
		rep.Text += "\n" + Translate(locale, M("error.example", "Example", c.Example))
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
