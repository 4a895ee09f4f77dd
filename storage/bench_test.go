package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// BenchmarkHotReads measures the reads behind the commands people run
// most (the standing under /scorecard, /target and the digest; the
// officials; a page of /meeting list and of /task list) in a group of 20
// current officials with a full standing, behind 10, 100 and 1,000 rows
// of history of each kind: answers, rulings, removed officials, meetings
// and tasks. The cost must stay flat as the history grows. PostgreSQL runs
// when TEST_DATABASE_URL is set, on a fresh schema without statistics, as
// CI's server leaves it.
func BenchmarkHotReads(b *testing.B) {
	for _, d := range storagetest.Dialects {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/history=%d", d, n), func(b *testing.B) {
				s := storagetest.Open(b, d)
				ctx := context.Background()
				g, now := seedHistory(b, s, n), benchNow
				b.Run("standing", func(b *testing.B) {
					for b.Loop() {
						if st, err := s.Standing(ctx, g); err != nil || len(st.Officials) != 20 || len(st.Answers[st.Officials[0].ID]) != 10 {
							b.Fatalf("Standing = %v, %v", st, err)
						}
					}
				})
				b.Run("officials", func(b *testing.B) {
					for b.Loop() {
						if list, err := s.Officials(ctx, g); err != nil || len(list) != 20 {
							b.Fatalf("Officials = %d, %v", len(list), err)
						}
					}
				})
				b.Run("meetingpage", func(b *testing.B) {
					for b.Loop() {
						page := &storage.Page{Number: 1, Per: 10}
						if rows, err := s.Meetings(ctx, g, storage.MeetingsUpcoming, now, page); err != nil || len(rows) != 10 {
							b.Fatalf("Meetings = %d, %v", len(rows), err)
						}
					}
				})
				b.Run("taskpage", func(b *testing.B) {
					for b.Loop() {
						f := storage.TaskFilter{GroupID: g, Status: storage.TaskOpen, Page: &storage.Page{Number: 1, Per: 15}}
						if rows, _, err := s.Tasks(ctx, f); err != nil || len(rows) != 10 && len(rows) != 15 {
							b.Fatalf("Tasks = %d, %v", len(rows), err)
						}
					}
				})
			})
		}
	}
}

// benchNow is the benchmarks' present.
var benchNow = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

// seedHistory makes a group of 20 current officials who each answered
// every rule, behind n rows of history of each kind: further answers,
// rulings, removed officials, upcoming meetings with an RSVP each, and
// open tasks. It returns the group's id.
func seedHistory(b testing.TB, s *storage.Store, n int) int64 {
	b.Helper()
	ctx := context.Background()
	past := benchNow.Add(-time.Duration(n+200) * time.Minute)
	g, err := s.EnsureGroup(ctx, "console", "bench")
	if err != nil {
		b.Fatal(err)
	}
	m, err := s.EnsureMember(ctx, g.ID, "u1", "Ann")
	if err != nil {
		b.Fatal(err)
	}
	db := storage.GormForTest(s)
	var officials []storage.Official
	for i := range 20 + n {
		o := storage.Official{GroupID: g.ID, Number: int64(i + 1), Name: fmt.Sprintf("Official %04d", i), Office: "sheriff"}
		if i >= 20 {
			o.RemovedAt = &past
		}
		officials = append(officials, o)
	}
	if err := db.CreateInBatches(&officials, 500).Error; err != nil {
		b.Fatal(err)
	}
	rules := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "1373"}
	var answers []storage.Answer
	for i := range 200 + n {
		answers = append(answers, storage.Answer{GroupID: g.ID, OfficialID: officials[i%20].ID, Rule: rules[(i/20)%10], InPlace: "no", WouldSupport: "yes",
			LoggedBy: &m.ID, CreatedAt: past.Add(time.Duration(i) * time.Minute)})
	}
	for i := 0; i < len(answers); i += 500 {
		if err := s.AddAnswers(ctx, answers[i:min(i+500, len(answers))]); err != nil {
			b.Fatal(err)
		}
	}
	for i := range n {
		if err := s.AddSettlement(ctx, &storage.Settlement{GroupID: g.ID, Rule: rules[i%10], InPlace: "yes", CreatedAt: past.Add(time.Duration(i) * time.Second)}); err != nil {
			b.Fatal(err)
		}
	}
	var meetings []storage.Meeting
	var tasks []storage.Task
	for i := range n {
		at := benchNow.Add(time.Duration(i+1) * time.Hour)
		meetings = append(meetings, storage.Meeting{GroupID: g.ID, Number: int64(i + 1), Kind: "organizing", StartsAt: at, GatherAt: at, Place: "Library", Status: "scheduled"})
		tasks = append(tasks, storage.Task{GroupID: g.ID, Number: int64(i + 1), Title: "Task", AssigneeID: &m.ID, DueAt: &at, Status: "open"})
	}
	if err := db.CreateInBatches(&meetings, 500).Error; err != nil {
		b.Fatal(err)
	}
	if err := db.CreateInBatches(&tasks, 500).Error; err != nil {
		b.Fatal(err)
	}
	var rsvps []storage.RSVP
	for _, mt := range meetings {
		rsvps = append(rsvps, storage.RSVP{GroupID: g.ID, MeetingID: mt.ID, MemberID: m.ID, Answer: "yes"})
	}
	if err := db.CreateInBatches(&rsvps, 500).Error; err != nil {
		b.Fatal(err)
	}
	return g.ID
}
