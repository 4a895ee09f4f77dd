package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// logPages commits n transactions of one new page each, then returns how
// many pages the write-ahead log holds.
func logPages(t *testing.T, s *Store, n int) int {
	t.Helper()
	ctx := context.Background()
	page := strings.Repeat("x", 3000)
	for range n {
		err := s.Tx(ctx, func(tx *Store) error {
			return tx.with(ctx).Exec("INSERT INTO checkpoint_test (body) VALUES (?)", page).Error
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	pages, err := s.checkpoints.passive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// TestCheckpointsLeaveTheCommits: no commit copies the log back into the
// database file below the fallback threshold (SQLite's own would at 1,000
// pages, in the writers' turn); the checkpointer, off the writers' line,
// copies it and lets the log start afresh.
func TestCheckpointsLeaveTheCommits(t *testing.T) {
	s := openSQLite(t)
	s.checkpoints.stop() // this test steps it
	ctx := context.Background()
	if err := s.db.Exec("CREATE TABLE checkpoint_test (body TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	if got := logPages(t, s, checkpointPages+200); got < checkpointPages+200 {
		t.Fatalf("after %d one-page commits the log holds %d pages: a commit checkpointed", checkpointPages+200, got)
	}
	// Past the threshold a step finishes in the writers' turn: while a
	// writer holds it, the step waits.
	s.turn <- struct{}{}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err := s.checkpoints.step(short)
	cancel()
	s.turn.give()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a step past the threshold, the turn held by a writer: %v; want it to wait for the turn", err)
	}
	if _, err := s.checkpoints.step(ctx); err != nil {
		t.Fatal(err)
	}
	if got := logPages(t, s, 3); got > 10 {
		t.Errorf("after a step and 3 commits the log holds %d pages; it did not start afresh", got)
	}
	// Below the threshold a step copies but leaves the writers alone.
	if got := logPages(t, s, 20); got < 20 {
		t.Fatalf("the log holds %d pages after 20 commits", got)
	}
	s.turn <- struct{}{} // a writer's turn: a step that needed it would wait
	pages, err := s.checkpoints.step(ctx)
	s.turn.give()
	if err != nil || pages < 20 {
		t.Errorf("a step below the threshold returned %d pages, %v", pages, err)
	}
}
