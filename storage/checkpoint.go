package storage

import (
	"context"
	"sync"
	"time"
)

// checkpointEvery is how often the process copies SQLite's write-ahead log
// back into the database file.
const checkpointEvery = time.Second

// checkpoints copies the write-ahead log into the database file every
// checkpointEvery until stop is called. SQLite would otherwise do it
// itself (wal_autocheckpoint, off in Open's DSN) in the commit that takes
// the log past 1,000 pages: inside that writer's turn, with an fsync,
// while every writer behind it waited. At 500 RSVPs a second that was
// twice a second and made most of the slowest replies. A passive
// checkpoint waits for no reader or writer, and none waits for it.
func (s *Store) checkpoints() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if _, err := s.sqlDB.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
				s.log.Warn("SQLite checkpoint failed; the write-ahead log keeps growing until one succeeds", "err", err)
			}
		}
	})
	return sync.OnceFunc(func() {
		close(done)
		wg.Wait()
	})
}
