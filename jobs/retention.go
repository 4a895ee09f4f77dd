package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// PurgeHour is the local hour from which a group's nightly purge is due:
// after midnight, so that the morning's digest reports it. A group whose
// night the bot was down for is purged when it comes back that day.
const PurgeHour = 3

// PayloadRetention is how long a delivery's job (which holds its
// recipient's name and the message's text) and a failed delivery's record
// are kept, in whatever state and whatever the group's retention: a
// delivery finishes within hours (see DeliveryRetention for the ones that
// did), so only a stuck one is this old.
const PayloadRetention = 7 * 24 * time.Hour

// RetentionTickArgs is the hourly retention tick: it deletes deliveries
// older than PayloadRetention and enqueues the nightly purge of every
// group whose night it is.
type RetentionTickArgs struct{}

// Kind names the job.
func (RetentionTickArgs) Kind() string { return "retention_tick" }

// InsertOpts keeps one pending tick at a time.
func (RetentionTickArgs) InsertOpts() river.InsertOpts { return TickArgs{}.InsertOpts() }

// RetentionArgs is one group's nightly purge for one local date.
type RetentionArgs struct {
	GroupID int64  `json:"group_id"`
	Date    string `json:"date"` // YYYY-MM-DD in the group's zone
}

// Kind names the job.
func (RetentionArgs) Kind() string { return "retention" }

// InsertOpts makes the job unique per group and date while River keeps
// it; the group's purged_on date guards for good.
func (RetentionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// DuePurge reports whether a group in loc is due its nightly purge at
// now, and for which local date: from PurgeHour to the end of the local
// day. The date, not an elapsed interval, makes it once a night, the
// nights clocks change included.
func DuePurge(now time.Time, loc *time.Location) (date string, due bool) {
	local := now.In(loc)
	return local.Format(time.DateOnly), local.Hour() >= PurgeHour
}

// RetentionTick deletes the deliveries and failed-delivery records older
// than PayloadRetention, then enqueues the nightly purge of every group
// whose purge is due and has not run (storage.DueRetention: a constant
// number of statements, whatever the number of groups).
func (q *Queue) RetentionTick(ctx context.Context) error {
	if err := q.forgetPayloads(ctx); err != nil {
		return err
	}
	now := q.clock.Now()
	due, err := q.store.DueRetention(ctx, func(zone string) (string, bool) {
		return DuePurge(now, (&storage.Group{TimeZone: zone}).Location())
	})
	if err != nil || len(due) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(due))
	for i, d := range due {
		params[i] = river.InsertManyParams{Args: RetentionArgs{GroupID: d.GroupID, Date: d.LocalDate}}
	}
	if _, err := q.client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("enqueue purges: %w", err)
	}
	return nil
}

// forgetPayloads deletes every delivery job created more than
// PayloadRetention ago, whatever its state (River never deletes a running
// one), and the failed deliveries recorded as long ago.
func (q *Queue) forgetPayloads(ctx context.Context) error {
	horizon := q.clock.Now().Add(-PayloadRetention).UTC()
	states := []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
		rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateScheduled}
	err := q.deleteDeliveries(ctx, "old", river.NewJobDeleteManyParams().States(states...).
		Where("created_at < @horizon", river.NamedArgs{"horizon": horizon}))
	if err != nil {
		return err
	}
	n, err := q.store.ForgetDeliveryFailures(ctx, horizon)
	if n > 0 {
		q.log.DebugContext(ctx, "deleted old delivery failures", "rows", n)
	}
	return err
}

type retentionTickWorker struct {
	river.WorkerDefaults[RetentionTickArgs]
	q *Queue
}

func (w *retentionTickWorker) Work(ctx context.Context, _ *river.Job[RetentionTickArgs]) error {
	return w.q.RetentionTick(ctx)
}

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	q *Queue
}

// Work runs the group's purge (storage.RunRetention) and completes the
// job in one transaction: a purge that fails is retried whole.
func (w *retentionWorker) Work(ctx context.Context, job *river.Job[RetentionArgs]) error {
	q, a := w.q, job.Args
	var r storage.PurgeReport
	var ran bool
	err := complete(ctx, q, job, func(tx *storage.Store) error {
		var err error
		r, ran, err = tx.RunRetention(ctx, a.GroupID, a.Date, q.clock.Now(), commands.NamelessAuditActions())
		return err
	}, nil)
	if err == nil && ran {
		q.log.InfoContext(ctx, "purge", "group", a.GroupID, "date", a.Date, "days", r.Days, "meetings", r.Meetings, "audit_entries", r.AuditEntries)
	}
	return err
}
