package jobs

import "context"

// Prune runs the hourly pruning now, for tests.
func (q *Queue) Prune(ctx context.Context) error { return q.prune(ctx) }
