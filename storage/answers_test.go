package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// seedCampaign makes a group with one official and one member and returns
// their ids.
func seedCampaign(t *testing.T, s *storage.Store, platformID, official string) (groupID, officialID, memberID int64) {
	t.Helper()
	ctx := context.Background()
	g, err := s.EnsureGroup(ctx, "console", platformID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.EnsureMember(ctx, g.ID, "u-"+platformID, "someone")
	if err != nil {
		t.Fatal(err)
	}
	return g.ID, seedOfficial(t, s, g.ID, official), m.ID
}

func seedOfficial(t *testing.T, s *storage.Store, groupID int64, name string) int64 {
	t.Helper()
	n, err := s.NextNumber(context.Background(), "officials", groupID)
	if err != nil {
		t.Fatal(err)
	}
	o := storage.Official{GroupID: groupID, Number: n, Name: name, Office: "sheriff"}
	if err := storage.GormForTest(s).Create(&o).Error; err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func TestLatestAnswersAndHistory(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return clock })
		g, roe, m := seedCampaign(t, s, "a", "Sheriff Roe")
		poe := seedOfficial(t, s, g, "Mayor Poe")
		other, otherRoe, _ := seedCampaign(t, s, "b", "Sheriff Roe")

		add := func(group, official int64, rule string, inPlace, support storage.Mark) {
			t.Helper()
			if err := s.AddAnswers(ctx, []storage.Answer{{GroupID: group, OfficialID: official, Rule: rule, InPlace: inPlace, WouldSupport: support, LoggedBy: &m}}); err != nil {
				t.Fatal(err)
			}
		}
		add(g, roe, "1", storage.MarkNo, storage.MarkEvasive)
		clock = clock.Add(time.Hour)
		add(g, roe, "1", storage.MarkNo, storage.MarkYes) // later: counts
		add(g, roe, "2", storage.MarkYes, "")
		add(g, roe, "2", storage.MarkNo, storage.MarkNo) // same instant, later id: counts
		add(g, poe, "1", storage.MarkEvasive, "")
		add(other, otherRoe, "1", storage.MarkYes, "")

		got := storagetest.LatestAnswers(t, s, g)
		want := map[[2]any]string{{roe, "1"}: "no/yes", {roe, "2"}: "no/no", {poe, "1"}: "evasive/"}
		if len(got) != len(want) {
			t.Fatalf("latest answers = %d answers, want %d: %+v", len(got), len(want), got)
		}
		for _, a := range got {
			if w := want[[2]any{a.OfficialID, a.Rule}]; w != string(a.InPlace)+"/"+string(a.WouldSupport) || a.GroupID != g {
				t.Errorf("latest answer of official %d on rule %s = %s/%s in group %d, want %s in group %d", a.OfficialID, a.Rule, a.InPlace, a.WouldSupport, a.GroupID, w, g)
			}
		}

		page := &storage.Page{Number: 1, Per: 1}
		rows, err := s.AnswerHistory(ctx, g, roe, "1", page)
		if err != nil || page.Total != 2 || len(rows) != 1 || rows[0].WouldSupport != storage.MarkYes || rows[0].LoggedByName != "someone" {
			t.Errorf("AnswerHistory(rule 1, first page of 1) = %+v, %d, %v; want the later answer of 2, logged by someone", rows, page.Total, err)
		}
		page = &storage.Page{Number: 1, Per: 10}
		if _, _ = s.AnswerHistory(ctx, other, roe, "", page); page.Total != 0 {
			t.Errorf("another group reads %d of this group's answers through an official id, want 0", page.Total)
		}

		// A removed official's answers no longer count.
		if err := storage.GormForTest(s).Model(&storage.Official{}).Where("id = ?", poe).Update("removed_at", clock).Error; err != nil {
			t.Fatal(err)
		}
		got = storagetest.LatestAnswers(t, s, g)
		officials, _ := s.Officials(ctx, g)
		if len(got) != 2 || len(officials) != 1 || officials[0].ID != roe {
			t.Errorf("after removing Mayor Poe: %d latest answers, officials %+v; want 2 and only Sheriff Roe", len(got), officials)
		}
	})
}

// hookRecorder records the tasks the job queue would be told about and
// whether it was told inside the write's transaction.
type hookRecorder struct {
	tasks []storage.Task
	inTx  []bool
	fail  error
}

func (h *hookRecorder) MeetingChanged(context.Context, *storage.Store, *storage.Meeting) error {
	return nil
}
func (h *hookRecorder) TaskChanged(_ context.Context, tx *storage.Store, t *storage.Task) error {
	_, ok := tx.SQLTx()
	h.tasks, h.inTx = append(h.tasks, *t), append(h.inTx, ok)
	return h.fail
}

func TestTasksStorage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		g, _, m := seedCampaign(t, s, "a", "Sheriff Roe")
		other, _, om := seedCampaign(t, s, "b", "Sheriff Roe")
		hooks := &hookRecorder{}
		s.SetHooks(hooks)

		due := func(h int) *time.Time { d := now.Add(time.Duration(h) * time.Hour); return &d }
		for _, tk := range []*storage.Task{
			{GroupID: g, Title: "later", AssigneeID: &m, DueAt: due(48)},
			{GroupID: g, Title: "undated", AssigneeID: &m},
			{GroupID: g, Title: "sooner", DueAt: due(2)},
			{GroupID: other, Title: "theirs", AssigneeID: &om, DueAt: due(1)},
		} {
			if err := s.CreateTask(ctx, tk); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Tx(ctx, func(tx *storage.Store) error {
			return tx.CreateTask(ctx, &storage.Task{GroupID: g, Title: "in a tx", DueAt: due(1)})
		}); err != nil {
			t.Fatal(err)
		}
		numbers := map[string]int64{}
		for _, tk := range hooks.tasks {
			numbers[tk.Title] = tk.Number
		}
		if numbers["later"] != 1 || numbers["sooner"] != 3 || numbers["theirs"] != 1 || numbers["in a tx"] != 4 {
			t.Errorf("task numbers = %v, want per-group numbers 1, 3, 4 and the other group's 1", numbers)
		}
		for i, ok := range hooks.inTx {
			if !ok {
				t.Errorf("TaskChanged call %d ran outside the write's transaction", i)
			}
		}

		titles := func(f storage.TaskFilter) []string {
			t.Helper()
			rows, _, err := s.Tasks(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.Title)
			}
			return out
		}
		if got := titles(storage.TaskFilter{GroupID: g}); !equal(got, []string{"in a tx", "sooner", "later", "undated"}) {
			t.Errorf("open tasks in order = %v, want by due time, undated last, only this group's", got)
		}
		if got := titles(storage.TaskFilter{GroupID: g, Status: storage.TaskOpen}); !equal(got, []string{"in a tx", "sooner", "later", "undated"}) {
			t.Errorf("open tasks in order = %v, want by due time, undated last", got)
		}
		if got := titles(storage.TaskFilter{GroupID: g, AssigneeID: &m}); !equal(got, []string{"later", "undated"}) {
			t.Errorf("assigned tasks = %v", got)
		}
		tk, err := s.TaskByNumber(ctx, g, 3)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetTaskDone(ctx, tk, true, now); err != nil || tk.Status != storage.TaskDone {
			t.Fatalf("SetTaskDone = %v, status %s", err, tk.Status)
		}
		if got := titles(storage.TaskFilter{GroupID: g, Status: storage.TaskOpen, DueBefore: due(3)}); !equal(got, []string{"in a tx"}) {
			t.Errorf("overdue by now+3h = %v, want the open task due in 1h only", got)
		}
		if got := titles(storage.TaskFilter{GroupID: g, Status: storage.TaskDone}); !equal(got, []string{"sooner"}) {
			t.Errorf("done tasks = %v", got)
		}
		page := &storage.Page{Number: 9, Per: 2} // past the last: the last
		if rows, total, _ := s.Tasks(ctx, storage.TaskFilter{GroupID: g, Page: page}); total != 4 || page.Total != 4 || len(rows) != 2 || rows[0].Title != "undated" {
			t.Errorf("page 9 of 2 = %d rows from %v, total %d (page %d); want the last 2 of 4, from undated", len(rows), rows, total, page.Total)
		}

		// Another group's task cannot be completed through this group's id.
		theirs, _ := s.TaskByNumber(ctx, other, 1)
		forged := *theirs
		forged.GroupID = g
		if err := s.SetTaskDone(ctx, &forged, true, now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("completing another group's task = %v, want storage.ErrNotFound", err)
		}

		// A failing hook rolls the task back.
		hooks.fail = errors.New("queue down")
		if err := s.CreateTask(ctx, &storage.Task{GroupID: g, Title: "lost"}); err == nil {
			t.Fatal("CreateTask succeeded although the hook failed")
		}
		if _, err := s.TaskByNumber(ctx, g, 5); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("task 5 after a failed hook: %v, want storage.ErrNotFound", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
