package main

import (
	"context"

	"github.com/fcbot/fcbot/jobs"
)

// The job queue starts beside the platforms: it installs the storage hooks
// that enqueue reminders, is the commands' outbox for notices, and works
// digests, reminders and deliveries until the process stops.
func init() {
	services = append(services, func(_ context.Context, a *app) error {
		q, err := jobs.New(jobs.Config{
			Store:   a.store,
			Env:     a.env,
			Senders: a.senders,
			Clock:   a.env.Clock,
			Log:     a.log,
		})
		if err != nil {
			return err
		}
		a.store.SetHooks(q)
		a.env.Outbox = q
		a.runners = append(a.runners, q.Run)
		return nil
	})
}
