package storage

import (
	"context"

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
