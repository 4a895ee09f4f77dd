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

// acknowledge is the one "acknowledge now or answer later": it runs work as
// detached background work and waits up to AckWithin for its answer. An
// answer in time is the acknowledgement's payload when inAck takes it (ok);
// an answer inAck leaves, or one that comes too late, is delivered
// afterwards (see later) and the acknowledgement is empty.
func (a *Adapter) acknowledge(ctx context.Context, log *slog.Logger, work func(context.Context) answer, inAck func(answer) (payload any, ok bool)) any {
	ctx, cancel := a.detach(ctx)
	done := make(chan answer, 1)
	a.background(func() {
		defer close(done) // also after a panic: then there is nothing to deliver
		done <- work(ctx)
	})
	timer := time.NewTimer(a.ackWithin)
	defer timer.Stop()
	select {
	case ans, ok := <-done:
		if !ok {
			cancel()
			return nil
		}
		if payload, ok := inAck(ans); ok {
			cancel()
			return payload
		}
		a.background(func() {
			defer cancel()
			a.later(ctx, ans.o, ans.res.Reply)
		})
	case <-timer.C:
		log.InfoContext(ctx, "slow command: acknowledged empty, answering later")
		a.background(func() {
			defer cancel()
			if ans, ok := <-done; ok {
				a.later(ctx, ans.o, ans.res.Reply)
			}
		})
	}
	return nil
}
