package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// DigestRun is what one day's digest tick cost, as RunDigests measured it.
type DigestRun struct {
	// Digests is how many digest jobs the tick enqueued.
	Digests int
	// TickStatements are the statements the tick itself sent; Statements
	// all those the store sent until the digests and their deliveries
	// were done (River's own are not counted: see storage.Store.Statements).
	TickStatements, Statements int64
	// Tick is how long the tick took to find the due groups and enqueue
	// their digests; Took, until the last delivery had finished.
	Tick, Took time.Duration
}

// RunDigests runs the digest tick now and waits until every digest it
// enqueued, and every delivery those digests queued, has finished: the
// measure of a day's digests across many groups, for the benchmark. The
// queue must be started and otherwise quiet: it waits for every digest
// and delivery job, and whatever else the store does meanwhile counts in
// Statements. ctx bounds the wait.
func (q *Queue) RunDigests(ctx context.Context) (DigestRun, error) {
	var run DigestRun
	start, before := time.Now(), q.store.Statements()
	res, statements, err := q.tick(ctx)
	if err != nil {
		return run, err
	}
	run.Tick, run.TickStatements = time.Since(start), statements
	for _, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			run.Digests++
		}
	}
	// A digest's deliveries are enqueued in the transaction that completes
	// it, so that no moment has the one done and the others not there.
	// Asking is not free (it reads River's table), hence the pause.
	busy := river.NewJobListParams().Kinds(DigestArgs{}.Kind(), DeliverArgs{}.Kind()).
		States(rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable).First(1)
	for {
		left, err := q.client.JobList(ctx, busy)
		if err != nil {
			return run, fmt.Errorf("wait for the digests: %w", err)
		}
		if len(left.Jobs) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return run, fmt.Errorf("wait for the digests: %w", context.Cause(ctx))
		case <-time.After(100 * time.Millisecond):
		}
	}
	run.Took, run.Statements = time.Since(start), q.store.Statements()-before
	return run, nil
}
