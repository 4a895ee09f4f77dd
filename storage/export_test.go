package storage

import "gorm.io/gorm"

// GormForTest exposes the GORM handle to the package's external tests.
func GormForTest(s *Store) *gorm.DB { return s.db }
