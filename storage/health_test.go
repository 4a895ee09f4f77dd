package storage_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestCheckWriteFailsWhenReadOnly: the write probe passes on a writable
// database and fails with ErrNotWritable when the bot's connection may
// only read, though the database still answers.
func TestCheckWriteFailsWhenReadOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.CheckWrite(ctx); err != nil {
			t.Fatalf("writable: got %v, want nil", err)
		}
		writable := storagetest.ReadOnly(t, s)
		if err := s.SQL().PingContext(ctx); err != nil {
			t.Fatalf("the read-only database should still answer: %v", err)
		}
		if err := s.CheckWrite(ctx); !errors.Is(err, storage.ErrNotWritable) {
			t.Errorf("read-only: got %v, want ErrNotWritable", err)
		}
		writable()
		if err := s.CheckWrite(ctx); err != nil {
			t.Errorf("writable again: got %v, want nil", err)
		}
	})
}

// TestCheckWriteSQLiteFileReadOnly: a SQLite file made read-only while the
// bot runs fails the probe, and passes it once writable again, even
// though the connections already open could still write through their
// open files (and root can write anyway).
func TestCheckWriteSQLiteFileReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	s := storage.OpenSQLiteForTest(t, path)
	if err := s.CheckWrite(ctx); err != nil {
		t.Fatalf("writable: got %v, want nil", err)
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckWrite(ctx); !errors.Is(err, storage.ErrNotWritable) || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("file read-only: got %v, want ErrNotWritable saying read-only", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckWrite(ctx); err != nil {
		t.Errorf("file writable again: got %v, want nil", err)
	}
}

// TestSQLiteFilesArePrivate: the database and the WAL and shared-memory
// files SQLite makes beside it are readable by their owner only, whatever
// the umask; an existing database file open to others is tightened.
func TestSQLiteFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	t.Run("new", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.db")
		s := storage.OpenSQLiteForTest(t, path)
		if err := s.CheckWrite(ctx); err != nil { // a write, after the migrations'
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			assertMode(t, p, 0o600)
		}
	})
	t.Run("existing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o664); err != nil { // past the umask
			t.Fatal(err)
		}
		s := storage.OpenSQLiteForTest(t, path)
		if err := s.CheckWrite(ctx); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			assertMode(t, p, 0o600)
		}
	})
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", filepath.Base(path), err)
		return
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: got mode %v, want %v", filepath.Base(path), got, want)
	}
}
