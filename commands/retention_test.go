package commands_test

import (
	"context"
	"testing"

	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/storage"
)

// TestSetupRetention: /setup shows the group's retention, 365 days until
// a lead sets another of at least 30; anything else is refused with the
// reason and an example, and changes nothing.
func TestSetupRetention(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		retention := func() int {
			t.Helper()
			g, err := b.store.GroupByPlatform(context.Background(), console.Platform, console.Group)
			if err != nil {
				t.Fatal(err)
			}
			return g.RetentionDays
		}
		b.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "is kept 365 days")
		for _, line := range []string{"/setup retention:29", "/setup retention:0", "/setup retention:-5", "/setup retention:3651"} {
			b.refuse(line, "`retention` is a number of days from 30 to 3650, not ", "Example: `/setup retention:365`")
		}
		b.refuse("/setup retention:a year", "`retention`")
		if got := retention(); got != storage.DefaultRetentionDays {
			t.Errorf("after refusals the retention is %d days, want %d", got, storage.DefaultRetentionDays)
		}
		b.expect("/setup retention:30", "is kept 30 days")
		if got := retention(); got != 30 {
			t.Errorf("retention %d days, want 30", got)
		}
		b.expect("/setup language:en", "is kept 30 days") // shown with every change
		b.expect("/audit", "retention 365 days", "retention 30 days")
		b.do("as alice")
		b.refuse("/setup retention:400", "only its leads")
		if got := retention(); got != 30 {
			t.Errorf("after a member's try the retention is %d days, want 30", got)
		}
	})
}
