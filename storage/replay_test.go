package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

func TestReplayGuardAndPruning(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		g, err := s.EnsureGroup(ctx, "discord", "guild-1")
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			if first, err := s.FirstDelivery(ctx, g.ID, "discord", "i-1"); err != nil || first != want {
				t.Fatalf("delivery %d: first = %v, %v; want %v", i+1, first, err, want)
			}
		}
		if first, _ := s.FirstDelivery(ctx, g.ID, "slack", "i-1"); !first {
			t.Error("the same id on another platform was taken for a replay")
		}
		now = now.Add(25 * time.Hour)
		if first, _ := s.FirstDelivery(ctx, g.ID, "discord", "i-2"); !first {
			t.Error("a new id was taken for a replay")
		}
		n, err := s.PruneDeliveries(ctx, 24*time.Hour)
		if err != nil || n != 2 {
			t.Fatalf("pruned %d rows (%v), want the 2 older than a day", n, err)
		}
		if first, _ := s.FirstDelivery(ctx, g.ID, "discord", "i-2"); first {
			t.Error("pruning forgot a recent delivery id")
		}
	})
}

// TestDeliveryRecordedInTx: a transaction under WithDelivery records the
// delivery id with its change; one that fails records nothing, and a
// replay changes nothing.
func TestDeliveryRecordedInTx(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		g, err := s.EnsureGroup(ctx, "slack", "T1")
		if err != nil {
			t.Fatal(err)
		}
		change := func(fail error) (bool, error) {
			ctx := storage.WithDelivery(ctx, g.ID, "slack", "d-1")
			err := s.Tx(ctx, func(tx *storage.Store) error {
				if err := tx.SetReportForm(ctx, g.ID, "https://forms.example.org/x"); err != nil {
					return err
				}
				return fail
			})
			return storage.DeliveryRecorded(ctx), err
		}
		boom := errors.New("boom")
		if recorded, err := change(boom); recorded || !errors.Is(err, boom) {
			t.Fatalf("failed change: recorded %v, err %v", recorded, err)
		}
		if recorded, err := change(nil); !recorded || err != nil {
			t.Fatalf("change: recorded %v, err %v; want the id recorded with it", recorded, err)
		}
		if recorded, err := change(nil); recorded || !errors.Is(err, storage.ErrReplayed) {
			t.Fatalf("replay: recorded %v, err %v; want ErrReplayed", recorded, err)
		}
		if first, _ := s.FirstDelivery(ctx, g.ID, "slack", "d-1"); first {
			t.Error("the id recorded in the transaction was not seen by FirstDelivery")
		}
	})
}
