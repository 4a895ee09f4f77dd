// Package storagetest opens real, migrated databases for tests: a fresh
// SQLite file always, and a fresh PostgreSQL schema when TEST_DATABASE_URL
// is set. With FCBOT_REQUIRE_POSTGRES=1 (as in CI) a missing
// TEST_DATABASE_URL fails the test instead of skipping it.
//
// The databases hold the project's schema (migrations/) only, as
// Store.Migrate leaves them: tests that need the job queue's tables call
// jobs.Migrate on the store themselves, as the process does.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"hash/fnv"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fcbot/fcbot/storage"
)

// Dialects lists the databases Each runs on.
var Dialects = []string{storage.SQLite, storage.Postgres}

// Each runs fn once per database, as subtests named after the dialect.
func Each(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// URL returns a database URL for a fresh, empty database of the dialect;
// it skips (or fails, in CI) when PostgreSQL is not configured.
func URL(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == storage.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("FCBOT_REQUIRE_POSTGRES") == "1" {
			t.Fatal("TEST_DATABASE_URL is not set but FCBOT_REQUIRE_POSTGRES=1: the PostgreSQL tests must run")
		}
		t.Skip("PostgreSQL test skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to run it")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to TEST_DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// A store keeps its whole pool open; tests open many stores at once on
	// one server, which would run out of connections.
	q.Set("pool_min_conns", "0")
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated store on a fresh database of the dialect.
func Open(t testing.TB, dialect string) *storage.Store {
	t.Helper()
	raw := URL(t, dialect)
	s, err := storage.Open(context.Background(), raw, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(s.Close)
	h := fnv.New64a()
	_, _ = h.Write([]byte(raw))
	s.SetMigrationLock(int64(h.Sum64() >> 1))
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return s
}

// LatestAnswers returns, in full (notes and meetings included), the
// answer that counts for each current official and rule of the group, as
// the scorecard counts them (storage.Standing), for tests that check what
// a command logged.
func LatestAnswers(t testing.TB, s *storage.Store, groupID int64) []storage.Answer {
	t.Helper()
	ctx := context.Background()
	st, err := s.Standing(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	var out []storage.Answer
	for _, o := range st.Officials {
		counts := st.Answers[o.ID]
		if len(counts) == 0 {
			continue
		}
		rows, err := s.AnswerHistory(ctx, groupID, o.ID, "", &storage.Page{Number: 1, Per: 10000})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if a, ok := counts[r.Rule]; ok && a.ID == r.ID {
				out = append(out, r.Answer)
			}
		}
	}
	return out
}

// ReadOnly makes the store's pool one connection that refuses writes, as a
// full disk or a read-only database would, and returns the function that
// makes it take writes again. On SQLite a statement prepared in the
// background may hold a second connection for a moment, and the first is
// closed when it comes back: the setting is made again until the pool is
// down to the one connection that has it.
func ReadOnly(t testing.TB, s *storage.Store) (writable func()) {
	t.Helper()
	on, off := "PRAGMA query_only = ON", "PRAGMA query_only = OFF"
	if s.Dialect() == storage.Postgres {
		on, off = "SET default_transaction_read_only = on", "SET default_transaction_read_only = off"
	}
	ctx := context.Background()
	exec := func(statement string) {
		t.Helper()
		if _, err := s.SQL().ExecContext(ctx, statement); err != nil {
			t.Fatal(err)
		}
	}
	s.SQL().SetMaxOpenConns(1)
	for i := 0; ; i++ {
		exec(on)
		_, err := s.SQL().ExecContext(ctx, "UPDATE groups SET kind = kind WHERE id = 0")
		if err != nil && (s.Dialect() != storage.SQLite || s.SQL().Stats().OpenConnections == 1) {
			return func() { exec(off) }
		}
		if i == 100 {
			t.Fatalf("the database still takes writes (%v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
