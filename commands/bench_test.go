package commands_test

import (
	"fmt"
	"strings"
	"testing"

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
