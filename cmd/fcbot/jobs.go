package main

import (
	"context"
	"time"

	"github.com/fcbot/fcbot/jobs"
)

// newQueue builds the job queue on the process's store, Env and clock,
// delivering through the senders added so far: it installs the storage
// hooks that enqueue reminders and is the commands' outbox for notices.
func (a *app) newQueue() (*jobs.Queue, error) {
	q, err := jobs.New(jobs.Config{
		Store:    a.store,
		Env:      a.env,
		Senders:  a.senders,
		Clock:    a.clock,
		Log:      a.log,
		Observer: a.jobObserver(),
	})
	if err != nil {
		return nil, err
	}
	a.watchQueue(q)
	a.store.SetHooks(q)
	a.env.Outbox = q
	return q, nil
}

// startJobs starts working digests, reminders and deliveries. The jobs run
// under a context that ctx's end does not cancel (it would stop them at
// once): at shutdown the adapters finish first, and may still enqueue,
// then the queue is stopped within the process's stop budget (stopQueue
// in shutdown.go; the console's stopJobs).
func startJobs(ctx context.Context, q *jobs.Queue) error {
	return q.Start(context.WithoutCancel(ctx))
}

// stopJobs stops the console's job queue: running jobs get 10 seconds to
// finish, then are cancelled and handed back.
func (a *app) stopJobs(ctx context.Context, q *jobs.Queue) {
	now := time.Now()
	if err := q.Shutdown(ctx, now.Add(10*time.Second), now.Add(15*time.Second)); err != nil {
		a.log.Error("job queue did not stop cleanly", "err", err)
	}
}
