package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

func TestSuggestions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		db := storage.GormForTest(s)
		now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
		g, err := s.EnsureGroup(ctx, "discord", "g1")
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.EnsureGroup(ctx, "discord", "g2")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.GroupByPlatform(ctx, "discord", "g3"); err == nil {
			t.Error("GroupByPlatform created or found a group never seen")
		}
		removed := now
		for _, o := range []storage.Official{
			{GroupID: g.ID, Number: 1, Name: "Sheriff Roe", Office: "sheriff"},
			{GroupID: g.ID, Number: 2, Name: "Mayor Quimby", Office: "mayor"},
			{GroupID: g.ID, Number: 3, Name: "Chief Wiggum_Ro", Office: "police chief"},
			{GroupID: g.ID, Number: 4, Name: "Sheriff Ross", Office: "sheriff", RemovedAt: &removed},
			{GroupID: other.ID, Number: 1, Name: "Sheriff Rowe", Office: "sheriff"},
		} {
			if err := db.Create(&o).Error; err != nil {
				t.Fatal(err)
			}
		}
		for i, days := range []int{-10, -1, 2, 5} {
			m := storage.Meeting{GroupID: g.ID, Number: int64(i + 1), Kind: "town-hall", StartsAt: now.AddDate(0, 0, days), GatherAt: now.AddDate(0, 0, days), Place: "HQ"}
			if err := db.Create(&m).Error; err != nil {
				t.Fatal(err)
			}
		}
		for i := 1; i <= 12; i++ {
			status := "open"
			if i%2 == 0 {
				status = "done"
			}
			task := storage.Task{GroupID: g.ID, Number: int64(i), Title: fmt.Sprintf("Call office %d", i), Status: status}
			if err := db.Create(&task).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Create(&storage.Task{GroupID: other.ID, Number: 1, Title: "Other group", Status: "open"}).Error; err != nil {
			t.Fatal(err)
		}

		officials := func(typed string) string {
			list, err := s.SuggestOfficials(ctx, g.ID, typed)
			if err != nil {
				t.Fatal(err)
			}
			out := ""
			for _, o := range list {
				out += o.Name + ";"
			}
			return out
		}
		for typed, want := range map[string]string{
			"":   "Chief Wiggum_Ro;Mayor Quimby;Sheriff Roe;",
			"RO": "Chief Wiggum_Ro;Sheriff Roe;",
			"_":  "Chief Wiggum_Ro;",
			"%":  "",
		} {
			if got := officials(typed); got != want {
				t.Errorf("officials %q: got %q, want %q", typed, got, want)
			}
		}

		meetings, err := s.SuggestMeetings(ctx, g.ID, "", now)
		if err != nil {
			t.Fatal(err)
		}
		var order []int64
		for _, m := range meetings {
			order = append(order, m.Number)
		}
		if fmt.Sprint(order) != "[3 4 2 1]" {
			t.Errorf("meetings: got %v, want upcoming soonest first, then past latest first: [3 4 2 1]", order)
		}
		if m, _ := s.SuggestMeetings(ctx, g.ID, "#4", now); len(m) != 1 || m[0].Number != 4 {
			t.Errorf("meetings #4: got %v", m)
		}

		tasks, err := s.SuggestTasks(ctx, g.ID, "1")
		if err != nil {
			t.Fatal(err)
		}
		order = nil
		for _, task := range tasks {
			order = append(order, task.Number)
		}
		if fmt.Sprint(order) != "[11 1 12 10]" {
			t.Errorf("tasks 1…: got %v, want open first, newest first: [11 1 12 10]", order)
		}
		if all, _ := s.SuggestTasks(ctx, g.ID, "call"); len(all) != 12 {
			t.Errorf("tasks call: got %d, want the group's 12", len(all))
		}
	})
}
