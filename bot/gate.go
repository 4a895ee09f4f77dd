package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// ErrBusy is why an admitted command did not run: no slot freed within
// the gate's MaxWait, or before its context ended. It changed nothing.
var ErrBusy = errors.New("busy: no slot freed in time")

// QueuePerSlot is how many commands may wait for each slot by default: a
// slot serves one command after another in a few milliseconds, so a
// queue this long drains in well under the platforms' 3 seconds when
// commands are quick, and is short enough to hold little memory when
// they are not.
const QueuePerSlot = 16

// GateConfig sizes a Gate.
type GateConfig struct {
	// Slots is how many commands run at once: the database pool's
	// connections, since a command beyond them would only wait for one
	// while holding its request. Default 4 (SQLite's pool).
	Slots int
	// Queue is how many admitted commands may be waiting beyond the
	// slots: for a slot, or to deliver an answer that came too late for
	// the acknowledgement. Default QueuePerSlot × Slots; negative for
	// none.
	Queue int
	// MaxWait bounds how long an admitted command waits for a slot before
	// it is answered busy; default 30 seconds, well inside the time the
	// platforms let a deferred answer come (15 minutes or more).
	MaxWait time.Duration
	// Notices bounds the busy replies sent at once through a call of
	// their own (a Slack click's response_url, a Discord gateway
	// interaction's callback); more are dropped. Default 64.
	Notices int
	Log     *slog.Logger
}

// Gate bounds the commands in flight, whatever intake they came through
// (HTTP, Slack's Socket Mode, Discord's gateway), so that memory and
// goroutines stay bounded whatever the offered load. A request is
// admitted while there is room for it in a slot or the queue, and its
// adapter acknowledges it within the platform's deadline: with the
// answer, when a slot frees in time, or deferred, answered later.
// Refused, it gets the busy reply at once instead of a timeout, and
// nothing ran, so that a retry of the same delivery runs.
type Gate struct {
	places  chan struct{} // a token per admitted command, from Admit to Leave
	slots   chan struct{} // a token per command running
	notices chan struct{} // a token per busy reply being sent
	maxWait time.Duration
	log     *slog.Logger

	refused, dropped atomic.Int64 // since the last report
	reported         atomic.Int64 // when, in Unix nanoseconds
}

// NewGate returns a gate sized by cfg.
func NewGate(cfg GateConfig) *Gate {
	if cfg.Slots <= 0 {
		cfg.Slots = 4
	}
	switch {
	case cfg.Queue == 0:
		cfg.Queue = QueuePerSlot * cfg.Slots
	case cfg.Queue < 0:
		cfg.Queue = 0
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 30 * time.Second
	}
	if cfg.Notices <= 0 {
		cfg.Notices = 64
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	return &Gate{
		places:  make(chan struct{}, cfg.Slots+cfg.Queue),
		slots:   make(chan struct{}, cfg.Slots),
		notices: make(chan struct{}, cfg.Notices),
		maxWait: cfg.MaxWait,
		log:     cfg.Log,
	}
}

// Admit takes a place for one command, at once: ok is false when every
// slot and queue place is taken, and the request gets the busy reply.
// The pass must be left (Leave) once its answer is delivered.
func (g *Gate) Admit() (p *Pass, ok bool) {
	select {
	case g.places <- struct{}{}:
		return &Pass{g: g}, true
	default:
		g.refused.Add(1)
		g.report()
		return nil, false
	}
}

// Notice takes room for one busy reply that needs a call of its own to
// the platform; ok is false when Notices are already being sent, and the
// reply is dropped. Call done once it is sent.
func (g *Gate) Notice() (done func(), ok bool) {
	select {
	case g.notices <- struct{}{}:
		return func() { <-g.notices }, true
	default:
		g.dropped.Add(1)
		g.report()
		return nil, false
	}
}

// report logs the refusals and dropped notices at most every 10 seconds,
// with their counts: one line per request would cost what the gate saves.
func (g *Gate) report() {
	now, last := time.Now().UnixNano(), g.reported.Load()
	if now-last < int64(10*time.Second) || !g.reported.CompareAndSwap(last, now) {
		return
	}
	g.log.Warn("overloaded: requests answered busy", "refused", g.refused.Swap(0), "busy_replies_dropped", g.dropped.Swap(0),
		"slots", cap(g.slots), "queue", cap(g.places)-cap(g.slots))
}

// Pass is one admitted command's place in the gate.
type Pass struct {
	g    *Gate
	left atomic.Bool
}

// Run waits for a slot, in the order commands were admitted, and runs fn
// in it. It returns ErrBusy, without running fn, when no slot frees
// within the gate's MaxWait or before ctx ends.
func (p *Pass) Run(ctx context.Context, fn func()) error {
	wait := time.NewTimer(p.g.maxWait)
	defer wait.Stop()
	select {
	case p.g.slots <- struct{}{}:
	case <-wait.C:
		return ErrBusy
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
	defer func() { <-p.g.slots }()
	fn()
	return nil
}

// Leave gives the pass's place back; calling it again does nothing.
func (p *Pass) Leave() {
	if p.left.CompareAndSwap(false, true) {
		<-p.g.places
	}
}

// Busy is the reply to a request the gate refused: private, and saying
// that nothing was done and when to try again.
func Busy(locale string) Reply {
	return Reply{Text: Translate(locale, M("busy")), Tone: Failure, Ephemeral: true}
}

// Halt is how a stopping process hands back the commands still waiting
// for a slot when it has no time left to run them: they end with the busy
// reply, having run nothing. Make one with NewHalt.
type Halt struct {
	halted context.Context
	now    context.CancelFunc
}

// NewHalt returns a Halt not yet given.
func NewHalt() Halt {
	ctx, cancel := context.WithCancel(context.Background())
	return Halt{halted: ctx, now: cancel}
}

// Now gives the halt; later calls do nothing.
func (h Halt) Now() { h.now() }

// Until returns ctx, ended by the halt too: what a command waits for its
// slot under.
func (h Halt) Until(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(h.halted, cancel)
	return ctx, func() { stop(); cancel() }
}
