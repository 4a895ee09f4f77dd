package slack

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/fcbot/fcbot/bot"
)

// workTimeout bounds the adapter's detached work (users.info, the command,
// opening a modal, delivering the answer later); response_url stays valid
// for 30 minutes, the router's own timeout is shorter.
const workTimeout = time.Minute

// background runs fn as tracked, panic-safe work: Wait waits for it, and a
// panic is logged instead of ending the process.
func (a *Adapter) background(fn func()) {
	a.inflight.Go(func() {
		defer func() {
			if p := recover(); p != nil {
				a.log.Error("slack: panic in background work", "panic", p, "stack", string(debug.Stack()))
			}
		}()
		fn()
	})
}

// Wait blocks until the adapter's background work has finished: commands
// still running, answers still to deliver, acknowledgements still to send.
// Call it once no new work can arrive (the HTTP server and Socket Mode have
// stopped) and before what that work uses (the store) is closed.
func (a *Adapter) Wait() { a.inflight.Wait() }

// Halt hands back the commands still waiting for a slot: each gets the
// busy reply (it did not run, so a retry runs), delivered as any answer
// is. A stopping process calls it when it has no time left to run them;
// commands already running and answers still to deliver go on, and Wait
// waits for them.
func (a *Adapter) Halt() { a.halt.Now() }

// detach returns a context for work that outlives the request that started
// it (an HTTP request ends with its acknowledgement, Socket Mode's context
// with the connection): it keeps ctx's values but not its cancellation,
// and ends after the work timeout, so that detached work is bounded and
// Wait returns.
func (a *Adapter) detach(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), a.workTimeout)
}

// answer is a command's result and the origin it answers, whose locale is
// now the user's.
type answer struct {
	o   origin
	res bot.Result
}

// runAs builds o's request (users.info says who the user is) and runs the
// command with it.
func (a *Adapter) runAs(ctx context.Context, o origin, run func(context.Context, *bot.Request) bot.Result) answer {
	req := a.request(ctx, o)
	o.locale = req.Locale
	return answer{o: o, res: run(ctx, req)}
}

// acknowledge is the one "acknowledge now or answer later", within the
// gate: a request the gate admits runs work as detached background work,
// once a slot is free, and waits up to AckWithin for its answer. An answer
// in time is the acknowledgement's payload when inAck takes it (ok); an
// answer inAck leaves, or one that comes too late, is delivered afterwards
// (see later) and the acknowledgement is empty. A request the gate
// refuses gets the busy reply for o as its acknowledgement: inAck must
// take a failure. One that waited for a slot longer than the gate allows
// gets it like any answer.
func (a *Adapter) acknowledge(ctx context.Context, log *slog.Logger, o origin, work func(context.Context) answer, inAck func(answer) (payload any, ok bool)) any {
	start := time.Now()
	pass, ok := a.gate.Admit()
	if !ok {
		payload, _ := inAck(a.busy(o))
		return payload
	}
	ctx, cancel := a.detach(ctx)
	done := make(chan answer, 1)
	a.background(func() {
		defer close(done) // also after a panic: then there is nothing to deliver
		wait, stop := a.halt.Until(ctx)
		defer stop()
		if err := pass.Run(wait, func() { done <- work(ctx) }); err != nil {
			done <- a.busy(o)
		}
	})
	timer := time.NewTimer(a.ackWithin)
	defer timer.Stop()
	select {
	case ans, ok := <-done:
		if !ok {
			cancel()
			pass.Leave()
			return nil
		}
		if payload, ok := inAck(ans); ok {
			cancel()
			pass.Leave()
			return payload
		}
		a.background(func() {
			defer pass.Leave()
			defer cancel()
			a.later(ctx, ans.o, ans.res.Reply)
		})
	case <-timer.C:
		log.InfoContext(ctx, "slow command: acknowledged empty, answering later")
		// The pass is left once the answer is delivered, so that the work
		// still to deliver counts against the gate too.
		a.background(func() {
			defer pass.Leave()
			defer cancel()
			if ans, ok := <-done; ok {
				a.later(ctx, ans.o, ans.res.Reply)
				a.router.Replied(Platform, time.Since(start))
			}
		})
	}
	return nil
}

// busy is the answer to a request the gate refused, in the user's locale
// when the adapter already knows it: asking Slack would cost what the
// gate saves.
func (a *Adapter) busy(o origin) answer {
	o.locale = "en"
	a.mu.Lock()
	if u, ok := a.users[o.user]; ok && u.locale != "" {
		o.locale = u.locale
	}
	a.mu.Unlock()
	return answer{o: o, res: bot.Result{Reply: bot.Busy(o.locale), Err: bot.ErrBusy}}
}

// notify delivers a busy answer that needs a call of its own (see later),
// within the gate's bound on such notices; beyond it, the answer is
// dropped, and the gate counts it.
func (a *Adapter) notify(ctx context.Context, ans answer) {
	done, ok := a.gate.Notice()
	if !ok {
		return
	}
	ctx, cancel := a.detach(ctx)
	a.background(func() {
		defer done()
		defer cancel()
		a.later(ctx, ans.o, ans.res.Reply)
	})
}
