package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotWritable is returned by CheckWrite when the database answers but
// refuses a write.
var ErrNotWritable = errors.New("database not writable")

// CheckWrite reports whether the bot can write to the database: it
// rewrites the one row of the health table, a write like every command's
// (and the replay guard's), so a full disk or a read-only database fails
// it where a ping would succeed. An error wraps ErrNotWritable when the
// database answered but refused the write. Each call writes: callers
// cache the answer.
func (s *Store) CheckWrite(ctx context.Context) (err error) {
	defer wrap(&err, "storage.CheckWrite(%s)", s.dialect)
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("reach the database: %w", err)
	}
	if s.dialect == SQLite {
		if err := s.checkFileWritable(ctx); err != nil {
			return err
		}
	}
	err = s.with(ctx).Exec(`INSERT INTO health (id, checked_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, s.Now()).Error
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotWritable, err)
	}
	return nil
}

// checkFileWritable fails when the SQLite database file has lost every
// write permission or is gone. SQLite connections opened before a chmod
// keep writing through their open files, so the probe's write alone may
// still succeed while every connection opened from then on (and the next
// start) is read-only; a deleted file takes every later write with it.
func (s *Store) checkFileWritable(ctx context.Context) error {
	var file string
	err := s.sqlDB.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file)
	if err != nil {
		return fmt.Errorf("find the database file: %w", err)
	}
	if file == "" { // an in-memory database
		return nil
	}
	fi, err := os.Stat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: the file %s is gone", ErrNotWritable, file)
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNotWritable, err)
	case fi.Mode().Perm()&0o222 == 0:
		return fmt.Errorf("%w: the file %s is read-only (%v)", ErrNotWritable, file, fi.Mode().Perm())
	}
	return nil
}
