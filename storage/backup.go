package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/pressly/goose/v3"
	modernc "modernc.org/sqlite"

	"github.com/fcbot/fcbot/migrations"
)

// ErrNotSnapshot says that a file is not a SQLite database holding
// fcbot's schema: a pg_dump stream, another program's file, or garbage.
var ErrNotSnapshot = errors.New("not a SQLite snapshot of fcbot")

// sqliteHeader opens every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// Snapshot writes a consistent copy of the SQLite database into path,
// which must not exist or be empty (an empty file keeps the mode it was
// created with). It is SQLite's VACUUM INTO: one read transaction, so
// the bot may go on writing meanwhile, and the copy is what was committed
// when it began.
func (s *Store) Snapshot(ctx context.Context, path string) (err error) {
	defer wrap(&err, "storage.Snapshot")
	if s.dialect != SQLite {
		return fmt.Errorf("a snapshot is taken of SQLite only; PostgreSQL is dumped with pg_dump")
	}
	_, err = s.sqlDB.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// SnapshotVersion checks the SQLite file at path (a snapshot about to be
// restored) without changing it: that it is a SQLite database, intact,
// with fcbot's migration history; and returns the version of the last
// migration applied to it. A file that is not such a database is
// ErrNotSnapshot.
func SnapshotVersion(ctx context.Context, path string) (_ int64, err error) {
	defer wrap(&err, "storage.SnapshotVersion")
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	if !bytes.Equal(head, sqliteHeader) {
		return 0, ErrNotSnapshot
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return 0, err
	}
	if check != "ok" {
		return 0, fmt.Errorf("the snapshot is damaged: %s", check)
	}
	var history int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'").Scan(&history); err != nil {
		return 0, err
	}
	if history == 0 {
		return 0, ErrNotSnapshot
	}
	var version int64
	err = db.QueryRowContext(ctx, "SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&version)
	return version, err
}

// LatestMigration returns the version of the newest migration this
// binary carries for the dialect.
func LatestMigration(dialect string) (_ int64, err error) {
	defer wrap(&err, "storage.LatestMigration(%s)", dialect)
	files, err := fs.Glob(migrations.FS, dialect+"/*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, f := range files {
		v, err := goose.NumericComponent(path.Base(f))
		if err != nil {
			return 0, err
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// TableWithRows returns the name of one of fcbot's tables (those the
// migrations create, not the job queue's or the migrations' own history)
// that holds a row, or "" when none does: a database a snapshot may be
// restored into. SQLite only.
func (s *Store) TableWithRows(ctx context.Context) (_ string, err error) {
	defer wrap(&err, "storage.TableWithRows")
	if s.dialect != SQLite {
		return "", fmt.Errorf("snapshots are restored into SQLite only")
	}
	var tables []string
	err = s.with(ctx).Raw(`SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'river\_%' ESCAPE '\' AND name <> 'goose_db_version'
		ORDER BY name`).Scan(&tables).Error
	if err != nil {
		return "", err
	}
	for _, t := range tables {
		var held bool
		// The name comes from sqlite_master, quoted as an identifier.
		if err := s.with(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM "` + t + `")`).Scan(&held).Error; err != nil {
			return "", err
		}
		if held {
			return t, nil
		}
	}
	return "", nil
}

// RestoreSnapshot replaces the whole SQLite database, its migration
// history and the job queue's tables included, with the snapshot at path,
// through SQLite's online backup, which takes the database's locks as any
// writer does. Callers check the snapshot (SnapshotVersion) and that the
// database is empty (TableWithRows) first, and migrate after.
func (s *Store) RestoreSnapshot(ctx context.Context, path string) (err error) {
	defer wrap(&err, "storage.RestoreSnapshot")
	if s.dialect != SQLite {
		return fmt.Errorf("snapshots are restored into SQLite only")
	}
	defer s.writer()()
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*modernc.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the SQLite driver cannot restore (%T)", dc)
		}
		b, err := r.NewRestore("file:" + path + "?mode=ro")
		if err != nil {
			return err
		}
		_, err = b.Step(-1)
		return errors.Join(err, b.Finish())
	})
}
