package storage

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// The write-ahead log on SQLite. SQLite copies the log back into the
// database file (a checkpoint) in the commit that takes it past 1,000
// pages: inside that writer's turn, with two fsyncs, while every writer
// behind it waits. At a few hundred writes a second that was several
// times a second, and made most of the slowest replies (an RSVP's p99 was
// 12-55 ms against 2.4-2.8 ms without it). A checkpoint that runs beside
// the writers does the copying, but cannot finish while they keep adding
// to the log, and SQLite restarts the log only after one has finished:
// the log then grew to hundreds of MB. So the process checkpoints in two
// steps (see checkpointer.step).
const (
	// checkpointEvery is how often the checkpointer copies the log.
	checkpointEvery = 100 * time.Millisecond
	// checkpointPages is how long the log may grow (in pages) before the
	// checkpointer finishes a checkpoint in the writers' turn, so that
	// the log restarts: SQLite's own threshold.
	checkpointPages = 1000
	// fallbackCheckpointPages is SQLite's own threshold, set by Open: it
	// bounds the log should the checkpointer fall behind or fail.
	fallbackCheckpointPages = 10 * checkpointPages
)

// checkpointer copies a SQLite database's write-ahead log back into the
// database file off the writers' line (see step).
type checkpointer struct {
	s *Store
	// db is the checkpointer's own connection, so that its pass in the
	// writers' turn never waits for one of the store's.
	db   *sql.DB
	stop func()
}

// startCheckpoints runs the store's checkpointer on db every
// checkpointEvery until stop; Close stops it and closes db.
func (s *Store) startCheckpoints(db *sql.DB) *checkpointer {
	db.SetMaxOpenConns(1)
	c := &checkpointer{s: s, db: db}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if _, err := c.step(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("SQLite checkpoint failed; the write-ahead log grows until one succeeds, or SQLite checkpoints in a commit", "at_pages", fallbackCheckpointPages, "err", err)
			}
		}
	})
	c.stop = sync.OnceFunc(func() {
		cancel()
		wg.Wait()
	})
	return c
}

// step checkpoints once and returns how many pages the log holds after
// it. First it copies the log beside the writers (a passive checkpoint
// waits for none and none waits for it): the bulk of the pages and both
// fsyncs. When the log has reached checkpointPages, it then takes the
// writers' turn and checkpoints again: only what was committed since is
// left to copy, and with no writer adding to the log the checkpoint
// finishes, so that the next writer starts the log afresh.
func (c *checkpointer) step(ctx context.Context) (pages int, err error) {
	defer wrap(&err, "storage.checkpoint")
	if pages, err = c.passive(ctx); err != nil || pages < checkpointPages {
		return pages, err
	}
	if err := c.s.turn.take(ctx); err != nil {
		return pages, err
	}
	defer c.s.turn.give()
	return c.passive(ctx)
}

// passive runs a passive checkpoint and returns how many pages the log
// holds.
func (c *checkpointer) passive(ctx context.Context) (int, error) {
	var busy, logPages, copied int
	err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &copied)
	return logPages, err
}
