package storage_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestPoolStaysOpen proves that on PostgreSQL a store opens its whole
// pool at start, so a burst of commands never waits for new connections,
// and that pool_min_conns in the URL keeps fewer open.
func TestPoolStaysOpen(t *testing.T) {
	base, err := url.Parse(storagetest.URL(t, storage.Postgres))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, minConns string
		want           int32
	}{
		{"default", "", 16},
		{"pool_min_conns", "2", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := *base
			q := u.Query()
			q.Del("pool_min_conns")
			if tc.minConns != "" {
				q.Set("pool_min_conns", tc.minConns)
			}
			u.RawQuery = q.Encode()
			s, err := storage.Open(context.Background(), u.String(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := s.Pool().Config().MinConns; got != tc.want {
				t.Fatalf("the pool keeps %d connections open, want %d", got, tc.want)
			}
			// They open in the background, without waiting for a command.
			for deadline := time.Now().Add(10 * time.Second); s.Pool().Stat().TotalConns() < tc.want; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d connections open after 10 s", s.Pool().Stat().TotalConns(), tc.want)
				}
			}
		})
	}
}
