package storage_test

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestCallerAndGuardRoundTrips: a known caller is read in one statement
// with their roles, and the replay guard is one INSERT; neither opens a
// transaction, which would add a BEGIN and a COMMIT round trip.
func TestCallerAndGuardRoundTrips(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var txs atomic.Int64 // writes inside a transaction
		countTx := func(db *gorm.DB) {
			// GORM's default transaction, or one opened around the call.
			_, started := db.InstanceGet("gorm:started_transaction")
			if _, inTx := db.Statement.ConnPool.(*sql.Tx); started || inTx {
				txs.Add(1)
			}
		}
		cb := storage.GormForTest(s).Callback()
		for _, err := range []error{
			cb.Create().After("gorm:create").Register("test:tx", countTx),
			cb.Update().After("gorm:update").Register("test:tx", countTx),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		// statements runs fn and counts its statements; any write of fn
		// inside a transaction fails the test.
		statements := func(fn func() error) int64 {
			t.Helper()
			before, beforeTx := s.Statements(), txs.Load()
			if err := fn(); err != nil {
				t.Fatal(err)
			}
			if n := txs.Load() - beforeTx; n > 0 {
				t.Errorf("%d writes ran inside a transaction, want none", n)
			}
			return s.Statements() - before
		}
		var c *storage.Caller
		ensure := func(name, locale string) func() error {
			return func() (err error) {
				c, err = s.EnsureCaller(ctx, "discord", "G1", "U1", name, locale)
				return err
			}
		}

		if _, err := s.EnsureCaller(ctx, "discord", "G1", "U1", "Sam", "en"); err != nil { // creates the group and member
			t.Fatal(err)
		}
		c, _ = s.EnsureCaller(ctx, "discord", "G1", "U1", "Sam", "en")
		if c.GroupID == 0 || c.MemberID == 0 || c.DisplayName != "Sam" || c.Locale != "en" || len(c.Roles) != 0 {
			t.Fatalf("new caller = %+v", c)
		}
		for _, role := range []storage.Role{storage.RoleReporter, storage.RoleLead} {
			if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: c.GroupID, MemberID: c.MemberID, Role: role}); err != nil {
				t.Fatal(err)
			}
		}
		mt := &storage.Meeting{GroupID: c.GroupID, Kind: storage.KindOrganizing, Place: "Library", StartsAt: s.Now().Add(48 * time.Hour), GatherAt: s.Now().Add(47 * time.Hour)}
		if err := s.CreateMeeting(ctx, mt); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: c.GroupID, MemberID: c.MemberID, Role: storage.RoleCoordinator, MeetingID: &mt.ID}); err != nil {
			t.Fatal(err)
		}
		if got := statements(ensure("Sam", "en")); got != 1 {
			t.Errorf("a known caller took %d statements, want 1", got)
		}
		if want := []storage.Role{storage.RoleLead, storage.RoleReporter}; len(c.Roles) != 2 || c.Roles[0] != want[0] || c.Roles[1] != want[1] {
			t.Errorf("roles %v, want the group-wide ones %v (not a meeting's)", c.Roles, want)
		}
		if got := statements(ensure("Samantha", "es-MX")); got != 2 || c.DisplayName != "Samantha" || c.Locale != "es-MX" {
			t.Errorf("a new name and locale took %d statements (%q, %q), want 2", got, c.DisplayName, c.Locale)
		}
		if got := statements(func() error { _, err := s.FirstDelivery(ctx, c.GroupID, "discord", "i-1"); return err }); got != 1 {
			t.Errorf("the replay guard took %d statements, want 1", got)
		}
		if first, err := s.FirstDelivery(ctx, c.GroupID, "discord", "i-1"); err != nil || first {
			t.Errorf("a replayed delivery: first = %v, %v; want false", first, err)
		}
	})
}
