// Package jobstest fills a database with many groups, each with a
// campaign typed through the real commands, for the tests and benchmarks
// that measure a day's digests across them (jobs.Queue.RunDigests).
package jobstest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fcbot/fcbot/bot"
)

// Campaign is the size of one group's campaign. Every group also has its
// lead and two coordinators, who receive the digest by direct message.
type Campaign struct {
	Officials int // each with an answer logged on every rule
	Meetings  int // in the week ahead
	Tasks     int // due within two days, each assigned to a member
	Members   int // who RSVP to the meetings and take the tasks
}

// Realistic is a campaign a few weeks in: a handful of officials asked
// about every rule, a week of meetings, a couple of days of tasks.
var Realistic = Campaign{Officials: 5, Meetings: 4, Tasks: 6, Members: 12}

// zones are the time zones groups are spread over, in turn.
var zones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
}

// Plan says which groups Seed creates.
type Plan struct {
	Platform string // the groups' platform, whose Sender the queue has
	Groups   int
	// Campaign is the i-th group's size.
	Campaign func(i int) Campaign
	// DueAt is when the i-th group's digest falls due: its digest time is
	// set to that time of day in its zone.
	DueAt func(i int) time.Time
	// Workers is how many groups are typed at once; default 1. SQLite
	// takes one writer at a time, so more help on PostgreSQL only.
	Workers int
}

// Seed creates plan's groups through router, the i-th in the workspace
// g00000+i, in one of several US time zones, with quiet days off, so that every group's digest
// is sent. The router's clock should stand a little before every DueAt:
// meetings and tasks are placed in the days after it, answers are logged
// at the clock's time.
func Seed(ctx context.Context, router *bot.Router, plan Plan) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var taken atomic.Int64
	var wg sync.WaitGroup
	for range max(plan.Workers, 1) {
		wg.Go(func() {
			for i := int(taken.Add(1)) - 1; i < plan.Groups && ctx.Err() == nil; i = int(taken.Add(1)) - 1 {
				if err := seedGroup(ctx, router, plan.Platform, i, plan.Campaign(i), plan.DueAt(i)); err != nil {
					cancel(err)
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// seedGroup types one group's campaign.
func seedGroup(ctx context.Context, router *bot.Router, platform string, i int, c Campaign, dueAt time.Time) error {
	zone := zones[i%len(zones)]
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return fmt.Errorf("seed group %d: %w", i, err)
	}
	local := dueAt.In(loc)
	// Meetings and tasks are placed so that no reminder falls due in the
	// hour after the digest: a test may tick minute by minute then.
	when := func(after time.Duration) string { return local.Add(after).Format("2006-01-02 15:04") }
	lines := []string{
		fmt.Sprintf(`lead: /setup jurisdiction:"Town %d" kind:county timezone:%s`, i, zone),
		"lead: /digest time at:" + local.Format("15:04"),
		"lead: /digest quiet mode:off",
		"lead: /role assign user:@coord1 role:coordinator",
		"lead: /role assign user:@coord2 role:coordinator",
	}
	offices := []string{"sheriff", "police-chief", "mayor", "council-member", "county-executive"}
	// In place, and would support where it is not: every kind of answer.
	inPlace := []string{"yyynneeen", "nnnnnnnnn", "yynnnnnnn", "eeeeeeeee", "nnnyyyyyy"}
	support := []string{"---yyenue", "yyyyyyyyy", "--nnnnnnn", "yyyyyyyyy", "nnn------"}
	for k := 1; k <= c.Officials; k++ {
		lines = append(lines,
			fmt.Sprintf(`coord1: /official add name:"Official %d" office:%s`, k, offices[k%len(offices)]),
			fmt.Sprintf(`coord1: /response bulk official:"Official %d" in-place:%s would-support:%s source:call`, k, inPlace[k%len(inPlace)], support[k%len(support)]))
	}
	for k := 1; k <= c.Meetings; k++ { // one a day from tomorrow, 10 hours after the digest
		lines = append(lines, fmt.Sprintf(`coord1: /meeting schedule when:"%s" where:"Room %d"`, when(time.Duration(24*k+10)*time.Hour), k))
	}
	answers := []string{"yes", "maybe", "no"}
	for k := 1; k <= c.Members && c.Meetings > 0; k++ {
		lines = append(lines, fmt.Sprintf("member%d: /meeting rsvp %d %s", k, 1+k%c.Meetings, answers[k%len(answers)]))
	}
	for k := 1; k <= c.Tasks; k++ { // due 25 to 44 hours after the digest
		who := ""
		if c.Members > 0 {
			who = fmt.Sprintf(" user:@member%d", 1+k%c.Members)
		}
		lines = append(lines, fmt.Sprintf(`lead: /task add title:"Task %d"%s due:"%s"`, k, who, when(time.Duration(25+k%20)*time.Hour)))
	}
	for _, l := range lines {
		user, line, _ := strings.Cut(l, ": ")
		req := &bot.Request{Platform: platform, Group: fmt.Sprintf("g%05d", i), User: named(user), Channel: "general", Locale: "en"}
		if res := router.Run(ctx, req, line, mention, nil); res.Err != nil {
			return fmt.Errorf("seed group %d: %s: %w", i, line, res.Err)
		}
	}
	return nil
}

func named(name string) bot.User { return bot.User{ID: name, Name: name} }

// mention reads @name as the user of that name, as the console does.
func mention(word string) (bot.User, bool) {
	name := strings.TrimPrefix(strings.TrimSpace(word), "@")
	if name == "" || strings.ContainsAny(name, " :<>") {
		return bot.User{}, false
	}
	return named(name), true
}
