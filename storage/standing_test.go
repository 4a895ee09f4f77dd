package storage_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// logged is one answer a test logs: which official, rule, values and how
// many hours after the test's start it is dated.
type logged struct {
	official      int64
	rule          string
	inPlace, supp storage.Mark
	hours         int
}

// wantStanding computes, from every answer and ruling the group has
// logged, what its standing must be: the latest answer (by time, then id)
// per current official and rule, and the latest ruling per rule.
func wantStanding(t *testing.T, s *storage.Store, groupID int64) (map[string]string, map[string]string) {
	t.Helper()
	db := storage.GormForTest(s)
	var answers []storage.Answer
	var rulings []storage.Settlement
	var removed []int64
	if err := db.Where("group_id = ?", groupID).Find(&answers).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("group_id = ?", groupID).Find(&rulings).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&storage.Official{}).Where("group_id = ? AND removed_at IS NOT NULL", groupID).Pluck("id", &removed).Error; err != nil {
		t.Fatal(err)
	}
	later := func(at time.Time, id int64, bt time.Time, bid int64) bool {
		return at.After(bt) || (at.Equal(bt) && id > bid)
	}
	latest := map[string]storage.Answer{}
	for _, a := range answers {
		k := fmt.Sprintf("%d/%s", a.OfficialID, a.Rule)
		if b, ok := latest[k]; (!ok || later(a.CreatedAt, a.ID, b.CreatedAt, b.ID)) && !slices.Contains(removed, a.OfficialID) {
			latest[k] = a
		}
	}
	ruled := map[string]storage.Settlement{}
	for _, r := range rulings {
		if b, ok := ruled[r.Rule]; !ok || later(r.CreatedAt, r.ID, b.CreatedAt, b.ID) {
			ruled[r.Rule] = r
		}
	}
	wantA, wantR := map[string]string{}, map[string]string{}
	for k, a := range latest {
		wantA[k] = fmt.Sprintf("answer %d: %s/%s %s", a.ID, a.InPlace, a.WouldSupport, a.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	for k, r := range ruled {
		wantR[k] = fmt.Sprintf("ruling %d: %s %s", r.ID, r.InPlace, r.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	return wantA, wantR
}

// checkStanding compares Standing and LatestAnswers with wantStanding.
func checkStanding(t *testing.T, s *storage.Store, groupID int64, when string) {
	t.Helper()
	wantA, wantR := wantStanding(t, s, groupID)
	st, err := s.Standing(context.Background(), groupID)
	if err != nil {
		t.Fatal(err)
	}
	gotA, gotR := map[string]string{}, map[string]string{}
	for official, byRule := range st.Answers {
		for rule, a := range byRule {
			if a.GroupID != groupID || a.OfficialID != official || a.Rule != rule {
				t.Errorf("%s: answer %d filed under official %d, rule %s, group %d; it is official %d's on rule %s in group %d", when, a.ID, official, rule, groupID, a.OfficialID, a.Rule, a.GroupID)
			}
			gotA[fmt.Sprintf("%d/%s", official, rule)] = fmt.Sprintf("answer %d: %s/%s %s", a.ID, a.InPlace, a.WouldSupport, a.CreatedAt.UTC().Format(time.RFC3339Nano))
		}
	}
	for rule, r := range st.Rulings {
		gotR[rule] = fmt.Sprintf("ruling %d: %s %s", r.ID, r.InPlace, r.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	if !maps.Equal(gotA, wantA) {
		t.Errorf("%s: Standing answers\n got %v\nwant %v", when, gotA, wantA)
	}
	if !maps.Equal(gotR, wantR) {
		t.Errorf("%s: Standing rulings\n got %v\nwant %v", when, gotR, wantR)
	}
	full := storagetest.LatestAnswers(t, s, groupID)
	gotFull := map[string]string{}
	for _, a := range full {
		gotFull[fmt.Sprintf("%d/%s", a.OfficialID, a.Rule)] = fmt.Sprintf("answer %d: %s/%s %s", a.ID, a.InPlace, a.WouldSupport, a.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	if !maps.Equal(gotFull, wantA) {
		t.Errorf("%s: LatestAnswers\n got %v\nwant %v", when, gotFull, wantA)
	}
}

// TestStandingKeptOnWrite logs answers and rulings in every order that
// matters (several about one rule in one call, at one instant, dated
// before the one that counts) and checks after each write that the
// standing kept on write is the one the whole history gives.
func TestStandingKeptOnWrite(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		start := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
		g, roe, m := seedCampaign(t, s, "a", "Sheriff Roe")
		poe := seedOfficial(t, s, g, "Mayor Poe")
		other, theirs, _ := seedCampaign(t, s, "b", "Sheriff Roe")
		batch := func(group int64, list ...logged) {
			t.Helper()
			var answers []storage.Answer
			for _, l := range list {
				answers = append(answers, storage.Answer{GroupID: group, OfficialID: l.official, Rule: l.rule, InPlace: l.inPlace, WouldSupport: l.supp,
					Note: "said so", LoggedBy: &m, CreatedAt: start.Add(time.Duration(l.hours) * time.Hour)})
			}
			if err := s.AddAnswers(ctx, answers); err != nil {
				t.Fatal(err)
			}
		}
		batch(g, logged{roe, "1", "no", "yes", 0}, logged{roe, "1", "yes", "", 0}, logged{poe, "2", "evasive", "", 0})
		checkStanding(t, s, g, "first answers, two at one instant")
		batch(g, logged{roe, "1", "no", "no", -5}, logged{roe, "2", "no", "yes", 1})
		checkStanding(t, s, g, "an answer dated before the one that counts")
		batch(g, logged{poe, "2", "yes", "", 3}, logged{poe, "2", "no", "no", 2}, logged{roe, "1", "evasive", "yes", 0})
		checkStanding(t, s, g, "a later answer logged first in one call")
		if err := s.Tx(ctx, func(tx *storage.Store) error {
			return tx.AddAnswers(ctx, []storage.Answer{{GroupID: g, OfficialID: roe, Rule: "3", InPlace: "no", CreatedAt: start.Add(9 * time.Hour)}})
		}); err != nil {
			t.Fatal(err)
		}
		checkStanding(t, s, g, "inside a transaction")
		batch(other, logged{theirs, "1", "no", "yes", 10})
		checkStanding(t, s, g, "another group's answer")
		checkStanding(t, s, other, "the other group")

		for _, r := range []struct {
			rule  string
			value storage.Mark
			hours int
		}{{"1", "yes", 0}, {"1", "no", -1}, {"2", "no", 1}, {"2", "yes", 1}} {
			if err := s.AddSettlement(ctx, &storage.Settlement{GroupID: g, Rule: r.rule, InPlace: r.value, CreatedAt: start.Add(time.Duration(r.hours) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			checkStanding(t, s, g, fmt.Sprintf("ruling %s on rule %s", r.value, r.rule))
		}

		if err := s.RemoveOfficial(ctx, g, poe); err != nil {
			t.Fatal(err)
		}
		checkStanding(t, s, g, "after removing Mayor Poe")
		if st, _ := s.Standing(ctx, g); len(st.Officials) != 1 || st.Answers[poe] != nil {
			t.Errorf("after removing Mayor Poe: officials %v, answers %v; want Sheriff Roe's only", st.Officials, st.Answers)
		}
		if byRule, err := s.OfficialAnswers(ctx, g, poe); err != nil || byRule["2"].InPlace != "yes" {
			t.Errorf("OfficialAnswers(removed Mayor Poe) = %v, %v; want his answer that counts on rule 2, yes", byRule, err)
		}
	})
}

// TestStandingBackfilled fills a database as it was before the standing
// was kept on write, then migrates it: the migration must fill the
// standing as the whole history gives it.
func TestStandingBackfilled(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			raw := storagetest.URL(t, d)
			s, err := storage.Open(ctx, raw, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			h := fnv.New64a()
			_, _ = h.Write([]byte(raw))
			s.SetMigrationLock(int64(h.Sum64() >> 1))
			if err := storage.MigrateUpToForTest(ctx, s, 6); err != nil {
				t.Fatal(err)
			}
			// The group as migration 6 knows it: the models have columns
			// that later migrations add.
			start := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
			db := storage.GormForTest(s)
			var g int64
			if err := db.Raw(`INSERT INTO groups (platform, platform_id, created_at, updated_at) VALUES ('console', 'a', ?, ?) RETURNING id`, start, start).Scan(&g).Error; err != nil {
				t.Fatal(err)
			}
			roe, poe := seedOfficial(t, s, g, "Sheriff Roe"), seedOfficial(t, s, g, "Mayor Poe")
			var answers []storage.Answer
			for i, l := range []logged{{roe, "1", "no", "yes", 0}, {roe, "1", "yes", "", 0}, {roe, "1", "no", "no", -5}, {poe, "2", "yes", "", 3}, {poe, "2", "no", "no", 2}} {
				answers = append(answers, storage.Answer{GroupID: g, OfficialID: l.official, Rule: l.rule, InPlace: l.inPlace, WouldSupport: l.supp,
					Note: fmt.Sprint(i), CreatedAt: start.Add(time.Duration(l.hours) * time.Hour)})
			}
			if err := db.Create(&answers).Error; err != nil {
				t.Fatal(err)
			}
			rulings := []storage.Settlement{{GroupID: g, Rule: "1", InPlace: "yes", CreatedAt: start}, {GroupID: g, Rule: "1", InPlace: "no", CreatedAt: start.Add(-time.Hour)}}
			if err := db.Create(&rulings).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			checkStanding(t, s, g, "after the migration")
			if st, _ := s.Standing(ctx, g); len(st.Answers[roe])+len(st.Answers[poe]) != 2 || len(st.Rulings) != 1 {
				t.Errorf("after the migration: %v, %v; want an answer for each official and a ruling", st.Answers, st.Rulings)
			}
		})
	}
}
