package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// ReplayWindow is how long delivery ids are kept for the replay guard:
// platforms retry a delivery within minutes, so a day is ample.
const ReplayWindow = 24 * time.Hour

// PruneArgs is the hourly job that forgets old delivery ids.
type PruneArgs struct{}

// Kind names the job.
func (PruneArgs) Kind() string { return "prune_deliveries" }

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	q *Queue
}

func (w *pruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	n, err := w.q.store.PruneDeliveries(ctx, ReplayWindow)
	if err == nil && n > 0 {
		w.q.log.Debug("pruned delivery ids", "rows", n)
	}
	return err
}
