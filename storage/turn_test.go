package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openSQLite opens and migrates a store on a fresh SQLite file.
func openSQLite(t *testing.T) *Store {
	return OpenSQLiteForTest(t, filepath.Join(t.TempDir(), "bot.db"))
}

// TestQueueWritesTakeTheTurn: the job queue's connections hold the
// process's turn to write for each transaction, each statement outside
// one and each open result, so that its writes and the store's never
// meet SQLite's lock (whose waits sleep up to 100 ms), and a store writer
// waits for them in line.
func TestQueueWritesTakeTheTurn(t *testing.T) {
	s := openSQLite(t)
	ctx := context.Background()
	q := s.QueueSQL()
	if q == s.SQL() {
		t.Fatal("the queue shares the store's connections on SQLite")
	}
	held := func() bool { return len(s.turn) == 1 }

	tx, err := q.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !held() {
		t.Error("a queue transaction runs without the turn")
	}
	wrote := make(chan error, 1)
	go func() {
		wrote <- s.Tx(ctx, func(tx *Store) error {
			return tx.with(ctx).Exec("UPDATE groups SET kind = kind WHERE id = 0").Error
		})
	}()
	select {
	case err := <-wrote:
		t.Fatalf("a store write went ahead of the queue's transaction (%v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	if _, err := tx.ExecContext(ctx, "UPDATE groups SET kind = kind WHERE id = 0"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatalf("the store write after the queue's: %v", err)
	}
	if held() {
		t.Error("the turn is still held after both transactions ended")
	}

	rows, err := q.QueryContext(ctx, "SELECT id FROM groups")
	if err != nil {
		t.Fatal(err)
	}
	if !held() {
		t.Error("an open result outside a transaction does not hold the turn")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := q.ExecContext(ctx, "UPDATE groups SET kind = kind WHERE id = 0"); err != nil {
		t.Fatal(err)
	}
	if held() {
		t.Error("the turn is still held after the statements ended")
	}

	// A wait for the turn ends with the caller's context.
	s.turn <- struct{}{}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := q.ExecContext(short, "UPDATE groups SET kind = kind WHERE id = 0"); err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("a queue write while the turn is taken: %v, want the context's deadline", err)
	}
	s.turn.give()
}

// TestStatementsInTransactionsStayPrepared: a statement first run inside a
// transaction is prepared on the pool (in the background), and later
// transactions run that statement rather than compiling it again.
func TestStatementsInTransactionsStayPrepared(t *testing.T) {
	s := openSQLite(t)
	ctx := context.Background()
	const query = "SELECT count(*) FROM groups WHERE platform = ?"
	run := func() {
		t.Helper()
		err := s.Tx(ctx, func(tx *Store) error {
			var n int64
			return tx.with(ctx).Raw(query, "console").Scan(&n).Error
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	run()
	var kept bool
	for range 100 {
		s.prepared.mu.RLock()
		_, kept = s.prepared.stmts[query]
		s.prepared.mu.RUnlock()
		if kept {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !kept {
		t.Fatal("a statement run in a transaction was never prepared on the pool")
	}
	if st := s.prepared.cached(query); st == nil {
		t.Fatal("the prepared statement is not offered to the next transaction")
	}
	run()
}

// TestAnalyzeKeepsNoSamples: SQLite's statistics keep the row counts but
// no samples of index values, with which a kept statement would be
// compiled again each time it runs with new values.
func TestAnalyzeKeepsNoSamples(t *testing.T) {
	s := openSQLite(t)
	ctx := context.Background()
	for i := range 50 {
		if _, err := s.EnsureGroup(ctx, "console", strings.Repeat("x", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	var counts, samples int64
	if err := s.with(ctx).Raw("SELECT count(*) FROM sqlite_stat1").Scan(&counts).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.with(ctx).Raw("SELECT count(*) FROM sqlite_stat4").Scan(&samples).Error; err != nil {
		t.Fatal(err)
	}
	if counts == 0 || samples != 0 {
		t.Errorf("after Analyze: %d rows of counts, %d samples; want counts and no samples", counts, samples)
	}
}
