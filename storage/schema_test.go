package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// recorder collects the SQL that GORM would run.
type recorder struct {
	logger.Interface
	stmts []string
}

func (r *recorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	r.stmts = append(r.stmts, sql)
}

func (r *recorder) LogMode(logger.LogLevel) logger.Interface { return r }

// TestSchemaMatchesModels proves that the migrated schema is the one the
// GORM models describe: a dry-run AutoMigrate proposes no change.
func TestSchemaMatchesModels(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		rec := &recorder{Interface: logger.Discard}
		// DryRun crashes the SQLite migrator, so this migrates for real: the
		// database is the test's own and thrown away afterwards.
		db := storage.GormForTest(s).Session(&gorm.Session{Logger: rec})
		if err := db.AutoMigrate(storage.Models()...); err != nil {
			t.Fatalf("AutoMigrate: %v", err)
		}
		var changes []string
		for _, st := range rec.stmts {
			up := strings.ToUpper(strings.TrimSpace(st))
			if strings.HasPrefix(up, "ALTER") || strings.HasPrefix(up, "CREATE") || strings.HasPrefix(up, "DROP") {
				changes = append(changes, st)
			}
		}
		if len(changes) > 0 {
			t.Errorf("models and migrations differ; AutoMigrate would run:\n%s", strings.Join(changes, "\n"))
		}
	})
}
