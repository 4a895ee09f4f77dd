package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// ReplayWindow is how long delivery ids are kept for the replay guard:
// platforms retry a delivery within minutes, so a day is ample.
const ReplayWindow = 24 * time.Hour

// DeliveryRetention is how long a finished delivery's job (which holds
// its recipient's name and the message's text) is kept after it was sent
// or given up: long enough to look into a problem, short enough that a
// seized database holds little.
const DeliveryRetention = time.Hour

// PruneArgs is the hourly upkeep: it forgets old delivery ids and the
// jobs of finished deliveries, and refreshes the query planner's
// statistics (storage.Store.Analyze) as the tables grow.
type PruneArgs struct{}

// Kind names the job.
func (PruneArgs) Kind() string { return "prune_deliveries" }

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	q *Queue
}

func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error { return w.q.prune(ctx) }

// prune forgets delivery ids older than ReplayWindow, deletes the jobs of
// deliveries finished more than DeliveryRetention ago, and analyzes what
// has changed.
func (q *Queue) prune(ctx context.Context) error {
	n, err := q.store.PruneDeliveries(ctx, ReplayWindow)
	if err != nil {
		return err
	}
	if n > 0 {
		q.log.DebugContext(ctx, "pruned delivery ids", "rows", n)
	}
	horizon := q.clock.Now().Add(-DeliveryRetention).UTC()
	err = q.deleteDeliveries(ctx, "finished", river.NewJobDeleteManyParams().
		States(rivertype.JobStateCompleted, rivertype.JobStateDiscarded, rivertype.JobStateCancelled).
		Where("finalized_at < @horizon", river.NamedArgs{"horizon": horizon}))
	if err != nil {
		return err
	}
	return q.store.Analyze(ctx)
}

// deleteDeliveries deletes the delivery jobs params selects, a thousand
// at a time (River's bound on one call) until none is left; what names
// them in errors and logs ("finished", "old").
func (q *Queue) deleteDeliveries(ctx context.Context, what string, params *river.JobDeleteManyParams) error {
	params = params.Kinds(DeliverArgs{}.Kind()).First(1000)
	for {
		res, err := q.client.JobDeleteMany(ctx, params)
		if err != nil {
			return fmt.Errorf("delete %s deliveries: %w", what, err)
		}
		if len(res.Jobs) > 0 {
			q.log.DebugContext(ctx, "deleted "+what+" deliveries", "jobs", len(res.Jobs))
		}
		if len(res.Jobs) < 1000 {
			return nil
		}
	}
}
