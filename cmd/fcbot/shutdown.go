package main

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/fcbot/fcbot/jobs"
)

// A stop (SIGTERM, or a part of the intake failing) is bounded by
// SHUTDOWN_TIMEOUT, T, counted from the moment the first part of the
// process saw it; the deadline D is when the store may close:
//
//   - intake stops at once: the HTTP server closes its listener and
//     waits for the requests it is acknowledging (each within 2.5 s, the
//     platforms allowing 3), Socket Mode and the gateway disconnect;
//   - the adapters' detached work finishes: commands answered after
//     their acknowledgement, Slack's response_url posts, Discord's
//     deferred follow-ups. At D−T/2 the commands still waiting for a slot
//     are handed back, answered busy (nothing ran, so running them again
//     is safe), and at D−T/4 the process stops waiting for the rest, and
//     for acknowledgements still unsent (with T under 4 s, some may be);
//   - the job queue stops taking jobs, and the running ones finish until
//     D−T/10; then they are cancelled, and River hands them back to
//     whichever process runs next;
//   - run closes the store.
//
// Every step that ends early leaves its time to the next.
const (
	handBackLeft = 1.0 / 2  // of T before D: commands waiting for a slot are handed back
	adaptersLeft = 1.0 / 4  // the adapters' detached work must have finished
	jobsLeft     = 1.0 / 10 // running jobs are cancelled and handed back
)

// stopBudget is one stop's time, started once by whichever part of the
// process sees the stop first.
type stopBudget struct {
	once     sync.Once
	deadline time.Time
	handBack *time.Timer
}

// halter is an adapter that can hand back the commands waiting for a slot
// (see slack.Adapter.Halt).
type halter interface{ Halt() }

// stopping starts the stop's budget, the first time it is called: the
// process has SHUTDOWN_TIMEOUT from now, and hands back the commands
// still waiting for a slot halfway through it.
func (a *app) stopping() {
	a.stop.once.Do(func() {
		timeout := a.shutdownTimeout()
		a.stop.deadline = time.Now().Add(timeout)
		a.stop.handBack = time.AfterFunc(timeout-time.Duration(handBackLeft*float64(timeout)), a.handBack)
		a.log.Info("stopping", "within", timeout.String())
	})
}

// stopBy returns when the stop must be done with a step: the share left
// of SHUTDOWN_TIMEOUT before the deadline. It starts the stop.
func (a *app) stopBy(left float64) time.Time {
	a.stopping()
	return a.stop.deadline.Add(-time.Duration(left * float64(a.shutdownTimeout())))
}

// shutdownTimeout is SHUTDOWN_TIMEOUT, or its default for an app a test
// opened with a bare Config.
func (a *app) shutdownTimeout() time.Duration {
	return cmp.Or(a.cfg.ShutdownTimeout, defaultShutdownTimeout)
}

// handBack hands back, in every adapter that can, the commands still
// waiting for a slot.
func (a *app) handBack() {
	for _, ad := range a.adapters {
		if h, ok := ad.(halter); ok {
			h.Halt()
		}
	}
}

// finish stops, once intake has, what serve started: it waits for the
// adapters' detached work, then stops the job queue, each within its
// share of the stop's budget.
func (a *app) finish(ctx context.Context, q *jobs.Queue) {
	a.stopping()
	defer a.stop.handBack.Stop()
	wait := func() {
		for _, ad := range a.adapters {
			ad.Wait()
		}
	}
	if !waitBy(wait, a.stopBy(adaptersLeft)) {
		a.log.Warn("stopping: answers still being worked on at the deadline are dropped")
	}
	a.stopQueue(ctx, q)
}

// stopQueue stops the job queue: it takes no new jobs and lets the
// running ones finish until jobsLeft of the budget remains, then cancels
// them; River hands a cancelled job back for a retry.
func (a *app) stopQueue(ctx context.Context, q *jobs.Queue) {
	if err := q.Shutdown(ctx, a.stopBy(jobsLeft), a.stopBy(0)); err != nil {
		a.log.Error("job queue did not stop cleanly", "err", err)
	}
}

// waitBy runs wait until it returns or until by, whichever comes first,
// and reports whether it returned. A wait cut short goes on in the
// background: the process is stopping.
func waitBy(wait func(), by time.Time) bool {
	done := make(chan struct{})
	go func() {
		wait()
		close(done)
	}()
	t := time.NewTimer(time.Until(by))
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}
