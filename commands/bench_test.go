package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// BenchmarkScorecard measures the heaviest read a member runs often: the
// scorecard of a group with 20 officials and a full history of answers,
// through the router on the embedded SQLite file.
func BenchmarkScorecard(b *testing.B) {
	s := storagetest.Open(b, storage.SQLite)
	bot := newTestBot(b, s)
	bot.do(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
	for i := range 20 {
		name := fmt.Sprintf("Official %02d", i)
		bot.do(fmt.Sprintf(`/official add name:"%s" office:council-member`, name))
		for range 5 {
			bot.do(fmt.Sprintf(`/response bulk official:"%s" in-place:nnnnnnnnn would-support:yneuyneuy`, name))
		}
	}
	if out := bot.do("/scorecard"); !strings.Contains(out, "Official 19") && !strings.Contains(out, "more") {
		b.Fatalf("scorecard: %s", out)
	}
	b.ResetTimer()
	for b.Loop() {
		bot.do("/scorecard")
	}
}

// BenchmarkRSVP measures a write: an RSVP changed back and forth, through
// the router, in one transaction with its reminder hook.
func BenchmarkRSVP(b *testing.B) {
	s := storagetest.Open(b, storage.SQLite)
	bot := newTestBot(b, s)
	bot.do(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
	bot.do(`/meeting schedule kind:organizing when:"tomorrow 7pm" where:"Library"`)
	answers := []string{"yes", "no"}
	i := 0
	for b.Loop() {
		bot.do("/meeting rsvp 1 " + answers[i%2])
		i++
	}
}

// BenchmarkReadsByHistory measures the reads people run most, through the
// router, in a group of 20 officials behind 10, 100 and 1,000 rows of
// history of each kind (answers, meetings, tasks): each must cost the
// same whatever the history.
func BenchmarkReadsByHistory(b *testing.B) {
	for _, d := range storagetest.Dialects {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/history=%d", d, n), func(b *testing.B) {
				bot := newTestBot(b, storagetest.Open(b, d))
				bot.do(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
				seedHistory(b, bot, n)
				for _, line := range []string{"/scorecard", "/target list", "/meeting list", "/task list"} {
					b.Run(strings.Fields(line)[0][1:]+strings.Join(strings.Fields(line)[1:], ""), func(b *testing.B) {
						for b.Loop() {
							if out := bot.do(line); strings.HasPrefix(out, "✗") {
								b.Fatalf("%s: %s", line, out)
							}
						}
					})
				}
			})
		}
	}
}

// seedHistory gives the console group 20 officials who each answered
// every rule, then n more answers, n upcoming meetings and n open tasks.
func seedHistory(b *testing.B, bot *testBot, n int) {
	b.Helper()
	ctx := context.Background()
	g := plantGroup(b, bot.store, console.Group)
	now := bot.clock.Now()
	err := bot.store.Tx(ctx, func(tx *storage.Store) error {
		var officials []int64
		for i := range 20 {
			o := &storage.Official{GroupID: g, Name: fmt.Sprintf("Official %02d", i), Office: storage.OfficeCouncilMember}
			if err := tx.CreateOfficial(ctx, o); err != nil {
				return err
			}
			officials = append(officials, o.ID)
		}
		var answers []storage.Answer
		for i := range 200 + n {
			answers = append(answers, storage.Answer{GroupID: g, OfficialID: officials[i%20], Rule: commands.Rules[(i/20)%9].Number,
				InPlace: storage.MarkNo, WouldSupport: storage.MarkYes, CreatedAt: now.Add(-time.Duration(200+n-i) * time.Minute)})
		}
		for i := 0; i < len(answers); i += 500 {
			if err := tx.AddAnswers(ctx, answers[i:min(i+500, len(answers))]); err != nil {
				return err
			}
		}
		for i := range n {
			at := now.Add(time.Duration(i+1) * time.Hour)
			if err := tx.CreateMeeting(ctx, &storage.Meeting{GroupID: g, Kind: storage.KindOrganizing, StartsAt: at, GatherAt: at, Place: "Library"}); err != nil {
				return err
			}
			if err := tx.CreateTask(ctx, &storage.Task{GroupID: g, Title: fmt.Sprintf("Task %d", i), DueAt: &at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
