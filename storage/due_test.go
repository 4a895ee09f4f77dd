package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

func TestDueDigests(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		group := func(id, zone string) int64 {
			t.Helper()
			g, err := s.EnsureGroup(ctx, "slack", id)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetJurisdiction(ctx, g.ID, id, "city", zone); err != nil {
				t.Fatal(err)
			}
			return g.ID
		}
		chicago := group("chicago", "America/Chicago")
		sent := group("chicago-sent", "America/Chicago")
		early := group("chicago-early", "America/Chicago")
		group("new-york", "America/New_York")
		mars := group("mars", "Mars/Olympus") // not a zone: the caller decides what it means
		if err := s.SaveDigestSettings(ctx, &storage.DigestSettings{GroupID: early, SendAt: "07:30", Quiet: true}); err != nil {
			t.Fatal(err)
		}
		for _, g := range []struct {
			id   int64
			date string
		}{{sent, "2026-12-01"}, {chicago, "2026-11-30"}} {
			if err := s.MarkDigest(ctx, g.id, g.date, storage.DigestSentStatus); err != nil {
				t.Fatal(err)
			}
		}
		var asked []string
		due := func(sl storage.DigestSlot) (string, bool) {
			asked = append(asked, sl.TimeZone+" "+sl.SendAt)
			switch sl.TimeZone {
			case "America/Chicago":
				return "2026-12-01", true
			case "Mars/Olympus":
				return "2026-12-02", true
			}
			return "", false
		}

		before := s.Statements()
		got, err := s.DueDigests(ctx, due)
		if err != nil {
			t.Fatal(err)
		}
		if n := s.Statements() - before; n != 2 {
			t.Errorf("DueDigests ran %d statements, want 2", n)
		}
		want := []storage.DueGroup{{GroupID: chicago, LocalDate: "2026-12-01"}, {GroupID: early, LocalDate: "2026-12-01"}, {GroupID: mars, LocalDate: "2026-12-02"}}
		if !slices.Equal(got, want) {
			t.Errorf("due groups %+v, want %+v (the one sent today left out)", got, want)
		}
		slices.Sort(asked)
		if w := []string{"America/Chicago 07:30", "America/Chicago 08:00", "America/New_York 08:00", "Mars/Olympus 08:00"}; !slices.Equal(asked, w) {
			t.Errorf("slots decided %q, want each zone and time once: %q", asked, w)
		}

		// Three hundred more groups cost no more statements.
		fillGroups(t, s, 300, 0)
		before = s.Statements()
		got, err = s.DueDigests(ctx, due)
		if err != nil {
			t.Fatal(err)
		}
		if n := s.Statements() - before; n != 2 {
			t.Errorf("DueDigests over %d groups ran %d statements, want 2", 305, n)
		}
		if len(got) != 3+300/len(testZones) {
			t.Errorf("%d due groups, want the 3 and the %d in Chicago", len(got), 300/len(testZones))
		}
		before = s.Statements()
		if got, err := s.DueDigests(ctx, func(storage.DigestSlot) (string, bool) { return "", false }); err != nil || len(got) != 0 {
			t.Errorf("nothing due: got %v, %v", got, err)
		}
		if n := s.Statements() - before; n != 1 {
			t.Errorf("DueDigests with nothing due ran %d statements, want 1", n)
		}
	})
}

// TestDueDigestsManySlots: past a thousand due slots (zones × digest
// times) the unsent groups are asked in parts, each within SQLite's limit
// on parameters.
func TestDueDigestsManySlots(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		const n = 1001 // one slot more than a statement names
		db := storage.GormForTest(s)
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		groups := make([]storage.Group, n)
		for i := range groups {
			groups[i] = storage.Group{Platform: "fill", PlatformID: fmt.Sprint(i), TimeZone: "America/Chicago", CreatedAt: now, UpdatedAt: now}
		}
		if err := db.CreateInBatches(groups, 500).Error; err != nil {
			t.Fatal(err)
		}
		settings := make([]storage.DigestSettings, n)
		for i, g := range groups {
			settings[i] = storage.DigestSettings{GroupID: g.ID, SendAt: fmt.Sprintf("%02d:%02d", i/60, i%60), CreatedAt: now, UpdatedAt: now}
		}
		if err := db.CreateInBatches(settings, 500).Error; err != nil {
			t.Fatal(err)
		}
		before := s.Statements()
		got, err := s.DueDigests(context.Background(), func(storage.DigestSlot) (string, bool) { return "2026-12-01", true })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Errorf("%d due groups, want all %d", len(got), n)
		}
		if c := s.Statements() - before; c != 3 {
			t.Errorf("%d slots took %d statements, want 3 (the slots, then two parts)", n, c)
		}
	})
}

// TestDueDigestsPlan shows the plan of the tick's query on a schema that
// was migrated while empty and then filled without new statistics (CI's
// PostgreSQL runs with autovacuum off), and again after Analyze: either
// way each candidate group's guard row is looked up by its key, never
// found by reading every guard row kept.
func TestDueDigestsPlan(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		fillGroups(t, s, 1000, 30)
		for _, when := range []string{"without statistics", "after Analyze"} {
			if when == "after Analyze" {
				if err := s.Analyze(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			plan := explainUnsent(t, s)
			lookup, scan := "using digests_sent_key on digests_sent", "Seq Scan on digests_sent"
			if s.Dialect() == storage.SQLite {
				lookup, scan = "SEARCH d USING COVERING INDEX", "SCAN d\n"
			}
			if !strings.Contains(plan, lookup) || strings.Contains(plan+"\n", scan) {
				t.Errorf("%s, the plan does not look each guard row up by key (%q):\n%s", when, lookup, plan)
			}
			t.Logf("%s:\n%s", when, plan)
		}
	})
}

// explainUnsent returns the plan of the statement that finds the unsent
// groups of one due slot per zone.
func explainUnsent(t *testing.T, s *storage.Store) string {
	t.Helper()
	var values []string
	var args []any
	for _, z := range testZones {
		values = append(values, "(?, ?, ?)")
		args = append(args, z, "08:00", "2026-12-01")
	}
	args = append(args, "08:00")
	explain, column := "EXPLAIN ", 0
	if s.Dialect() == storage.SQLite {
		explain, column = "EXPLAIN QUERY PLAN ", 3 // id, parent, notused, detail
	}
	rows, err := storage.GormForTest(s).Raw(explain+storage.UnsentSQL(strings.Join(values, ", ")), args...).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s", vals[column]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestMigrateAnalyzes: no table is left without statistics after
// migrating, and migrating again (as every start does) brings them up to
// date with what the tables hold.
func TestMigrateAnalyzes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		db := storage.GormForTest(s)
		if s.Dialect() == storage.Postgres {
			var never []string
			err := db.Raw(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltuples < 0 ORDER BY 1`).Scan(&never).Error
			if err != nil || len(never) > 0 {
				t.Errorf("tables never analyzed after Migrate: %v (err %v)", never, err)
			}
		}
		fillGroups(t, s, 1000, 0)
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var rows string
		q := "SELECT reltuples::bigint::text FROM pg_class WHERE oid = 'groups'::regclass"
		if s.Dialect() == storage.SQLite {
			q = "SELECT stat FROM sqlite_stat1 WHERE tbl = 'groups' LIMIT 1" // "rows …"
		}
		if err := db.Raw(q).Scan(&rows).Error; err != nil || strings.Fields(rows + " ")[0] != "1000" {
			t.Errorf("the planner's row count for groups after migrating again: %q (err %v), want 1000", rows, err)
		}
	})
}

// testZones are the zones fillGroups spreads groups over.
var testZones = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}

// fillGroups adds n groups in bulk, spread over testZones, every other one
// with its own digest time, each with guard rows for the days before
// 2026-12-01.
func fillGroups(t *testing.T, s *storage.Store, n, days int) {
	t.Helper()
	db := storage.GormForTest(s)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	groups := make([]storage.Group, n)
	for i := range groups {
		groups[i] = storage.Group{Platform: "fill", PlatformID: fmt.Sprintf("T%05d", i), TimeZone: testZones[i%len(testZones)], CreatedAt: now, UpdatedAt: now}
	}
	if err := db.CreateInBatches(groups, 500).Error; err != nil {
		t.Fatal(err)
	}
	var settings []storage.DigestSettings
	var sent []storage.DigestSent
	for i, g := range groups {
		if i%2 == 1 {
			settings = append(settings, storage.DigestSettings{GroupID: g.ID, SendAt: fmt.Sprintf("%02d:00", 6+i%4), CreatedAt: now, UpdatedAt: now})
		}
		for d := range days {
			sent = append(sent, storage.DigestSent{GroupID: g.ID, LocalDate: now.AddDate(0, 0, -1-d).Format(time.DateOnly), Status: storage.DigestSentStatus, CreatedAt: now})
		}
	}
	if err := db.CreateInBatches(settings, 500).Error; err != nil {
		t.Fatal(err)
	}
	if len(sent) > 0 {
		if err := db.CreateInBatches(sent, 500).Error; err != nil {
			t.Fatal(err)
		}
	}
}
