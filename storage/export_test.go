package storage

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"gorm.io/gorm"
)

// GormForTest exposes the GORM handle to the package's external tests.
func GormForTest(s *Store) *gorm.DB { return s.db }

// MigrateUpToForTest applies the migrations up to version only, so that a
// test can fill a schema as it was and watch a later migration carry it.
func MigrateUpToForTest(ctx context.Context, s *Store, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// OpenSQLiteForTest opens and migrates a store on the SQLite file at path.
func OpenSQLiteForTest(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), "sqlite:"+path, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}
