package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestPagesOfEveryList proves that each list read in pages (meetings,
// tasks, officials, role lines, answers) reads its length with its page:
// page.Total is the list's length, a page past the last reads the last,
// and an empty list reads no rows and a length of 0.
func TestPagesOfEveryList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		full := newCampaignFixture(t, s, "full") // 1 official, 1 meeting and a role for it
		empty, err := s.EnsureGroup(ctx, "console", "empty")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2027, 1, 4, 18, 0, 0, 0, time.UTC)
		err = s.Tx(ctx, func(tx *storage.Store) error {
			for i := range 4 { // 5 of each in all
				o := &storage.Official{GroupID: full.group.ID, Name: fmt.Sprintf("Official %d", i), Office: "mayor"}
				if err := tx.CreateOfficial(ctx, o); err != nil {
					return err
				}
				at := start.Add(time.Duration(i) * 24 * time.Hour)
				m := &storage.Meeting{GroupID: full.group.ID, Kind: "rally", StartsAt: at, GatherAt: at, Place: "Plaza"}
				if err := tx.CreateMeeting(ctx, m); err != nil {
					return err
				}
				if err := tx.AssignRole(ctx, &storage.RoleAssignment{GroupID: full.group.ID, MemberID: full.member.ID, Role: storage.RoleSpokesperson, MeetingID: &m.ID}); err != nil {
					return err
				}
			}
			var answers []storage.Answer
			for i := range 5 {
				if err := tx.CreateTask(ctx, &storage.Task{GroupID: full.group.ID, Title: fmt.Sprintf("Task %d", i)}); err != nil {
					return err
				}
				answers = append(answers, storage.Answer{GroupID: full.group.ID, OfficialID: full.official.ID, Rule: "1", InPlace: storage.MarkNo, LoggedBy: &full.member.ID})
			}
			return tx.AddAnswers(ctx, answers)
		})
		if err != nil {
			t.Fatal(err)
		}
		lists := map[string]func(groupID, officialID int64, p *storage.Page) (int, error){
			"meetings": func(g, _ int64, p *storage.Page) (int, error) {
				rows, err := s.Meetings(ctx, g, storage.MeetingsAll, start, p)
				return len(rows), err
			},
			"tasks": func(g, _ int64, p *storage.Page) (int, error) {
				rows, _, err := s.Tasks(ctx, storage.TaskFilter{GroupID: g, Page: p})
				return len(rows), err
			},
			"officials": func(g, _ int64, p *storage.Page) (int, error) {
				rows, err := s.Officials(ctx, g, p)
				return len(rows), err
			},
			"role lines": func(g, _ int64, p *storage.Page) (int, error) {
				rows, err := s.RoleLines(ctx, g, nil, []storage.Role{storage.RoleSpokesperson, storage.RoleAttendanceKeeper}, p)
				return len(rows), err
			},
			"answers": func(g, o int64, p *storage.Page) (int, error) {
				rows, err := s.AnswerHistory(ctx, g, o, "", p)
				return len(rows), err
			},
		}
		for name, list := range lists {
			for _, c := range []struct {
				number, rows int
			}{{1, 2}, {2, 2}, {3, 1}, {9, 1}} { // 9 is past the last: the last
				p := &storage.Page{Number: c.number, Per: 2}
				n, err := list(full.group.ID, full.official.ID, p)
				if err != nil || n != c.rows || p.Total != 5 {
					t.Errorf("%s, page %d of 2: %d rows, total %d, %v; want %d rows of 5", name, c.number, n, p.Total, err, c.rows)
				}
			}
			p := &storage.Page{Number: 2, Per: 2, Total: 99}
			if n, err := list(empty.ID, full.official.ID, p); err != nil || n != 0 || p.Total != 0 {
				t.Errorf("%s of an empty group: %d rows, total %d, %v; want none", name, n, p.Total, err)
			}
		}
	})
}
