package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// size is what the seeded group holds.
type size struct {
	members, officials, upcoming, past, answers, tasks, done, rsvps, attendees int
}

// countyGroup is a county campaign's group after a few months, times
// scale: 40 members, 50 officials, 18 upcoming and 12 past meetings, 500
// answers, 200 tasks of which 80 done, 120 RSVPs, attendance at every
// past meeting and the campaign's roles.
func countyGroup(scale float64) size {
	n := func(x int) int { return max(1, int(math.Round(float64(x)*scale))) }
	return size{
		members: max(3, n(40)), officials: n(50), upcoming: n(18), past: n(12),
		answers: max(10, n(500)), tasks: n(200), done: n(80), rsvps: n(120), attendees: 8,
	}
}

// seedZone is the seeded group's time zone.
const seedZone = "America/Chicago"

// step is one seeding command and who runs it.
type step struct {
	line string
	m    int
}

// seedPlan lists the commands that build the group, in stages: the steps
// of a stage may run in any order and need the stages before them. The
// lead (member 0) does the organising; members answer invitations. Meeting
// numbers 1 to upcoming are the upcoming meetings, tasks 1 to tasks the
// plan's (the roles, given last, add their duties after them).
func seedPlan(sz size, now time.Time) [][]step {
	loc, err := time.LoadLocation(seedZone)
	if err != nil {
		panic(err) // time/tzdata is linked in
	}
	y, mo, d := now.In(loc).Date()
	day := func(offset int) string { return time.Date(y, mo, d+offset, 0, 0, 0, 0, loc).Format(time.DateOnly) }
	other := func(i int) int { return 1 + i%(sz.members-1) }
	officials, lawEnforcement := seedOfficials(sz)
	official := func(k int) int { return lawEnforcement[k%len(lawEnforcement)] }

	var meetings, past []step
	for k := 1; k <= sz.upcoming; k++ {
		line := fmt.Sprintf(`/meeting schedule when:"%s 12:30" where:"Public Library, 12 Elm St" kind:organizing`, day(k))
		if k%2 == 1 {
			line = fmt.Sprintf(`/meeting schedule when:"%s 12:30" where:"Sheriff's Office, 100 Main St" official:"Official %02d" capacity:40`, day(k), official(k))
		}
		meetings = append(meetings, step{line, 0})
	}
	for k := 1; k <= sz.past; k++ {
		line := fmt.Sprintf(`/meeting record when:"%s 18:00" where:"Public Library, 12 Elm St" kind:organizing`, day(-3*k))
		if k%2 == 1 {
			line = fmt.Sprintf(`/meeting record when:"%s 10:00" where:"Sheriff's Office, 100 Main St" official:"Official %02d"`, day(-3*k), official(k))
		}
		past = append(past, step{line, 0})
	}
	var work, done, people []step
	work = append(seedAnswers(sz), seedTasks(sz, day, other)...)
	for i := 1; i <= sz.done; i++ {
		done = append(done, step{fmt.Sprintf("/task done id:%d", i), 0})
	}
	for i := range sz.rsvps {
		id := 1 + (i/(sz.members-1))%sz.upcoming
		people = append(people, step{fmt.Sprintf("/meeting rsvp id:%d answer:%s", id, [...]string{"yes", "yes", "maybe", "no"}[i%4]), other(i)})
	}
	for k := 1; k <= sz.past; k++ {
		var who []string
		for j := range min(sz.attendees, sz.members-1) {
			who = append(who, fmt.Sprintf("@@%d", other(k+j)))
		}
		people = append(people, step{fmt.Sprintf(`/meeting attendance id:%d users:"%s"`, sz.upcoming+k, strings.Join(who, " ")), 0})
	}
	roles := []storage.Role{storage.RoleLead, storage.RoleCoordinator, storage.RoleCoordinator, storage.RoleScheduler, storage.RoleInviter,
		storage.RoleEventPoster, storage.RoleAttendanceKeeper, storage.RoleReporter, storage.RoleNoteTaker, storage.RoleSpokesperson}
	for i, r := range roles[:min(len(roles), sz.members-1)] {
		people = append(people, step{fmt.Sprintf("/role assign user:@@%d role:%s", i+1, r), 0})
	}
	setup := []step{{fmt.Sprintf(`/setup jurisdiction:"Bench County" kind:county timezone:%s`, seedZone), 0}}
	return [][]step{setup, officials, meetings, past, work, done, people}
}

// seedOfficials adds the officials, in the guide's offices in turn, and
// returns which of them are law enforcement (official 1, a sheriff, is).
func seedOfficials(sz size) (steps []step, lawEnforcement []int) {
	for i := 1; i <= sz.officials; i++ {
		office := storage.Offices[(i-1)%len(storage.Offices)]
		if office.LawEnforcement() {
			lawEnforcement = append(lawEnforcement, i)
		}
		steps = append(steps, step{fmt.Sprintf(`/official add name:"Official %02d" office:%s contact:"(555) 010-%04d"`, i, office, i), 0})
	}
	return steps, lawEnforcement
}

// seedAnswers logs the answers: most officials answered all ten rules at
// once (bulk), and the rest of the answers are single ones, history that
// later answers replace.
func seedAnswers(sz size) []step {
	bulk := min(sz.officials, sz.answers*7/100)
	var steps []step
	rules := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "1373"}
	for j := 1; j <= bulk; j++ {
		inPlace, would := make([]string, len(rules)), make([]string, len(rules))
		for r := range rules {
			inPlace[r] = string("nnueynnuen"[(j+r)%10])
			would[r] = "-"
			if inPlace[r] != "y" {
				would[r] = string("ynnue"[(j*3+r)%5])
			}
		}
		steps = append(steps, step{fmt.Sprintf(`/response bulk official:"Official %02d" in-place:"%s" would-support:"%s" source:call`,
			j, strings.Join(inPlace, " "), strings.Join(would, " ")), 0})
	}
	for i := range sz.answers - 10*bulk {
		steps = append(steps, step{fmt.Sprintf(`/response log official:"Official %02d" rule:%s in-place:%s would-support:%s source:letter note:"Answer %d: they said they would look into it"`,
			1+i%sz.officials, rules[i%len(rules)], [...]string{"no", "evasive", "unknown"}[i%3], [...]string{"yes", "no", "evasive", "unknown"}[i%4], i), 0})
	}
	return steps
}

// seedTasks adds the tasks, given by the lead to the members in turn, due
// over the next weeks, some for a meeting.
func seedTasks(sz size, day func(int) string, other func(int) int) []step {
	titles := []string{"call the sheriff's office", "write to the council", "print flyers", "book the library room", "post the event", "collect signatures"}
	var steps []step
	for i := 1; i <= sz.tasks; i++ {
		line := fmt.Sprintf(`/task add title:"Task %03d: %s" due:"%s 17:00" user:@@%d tactic:%s`,
			i, titles[i%len(titles)], day(1+i%45), other(i), commands.Tactics[i%len(commands.Tactics)].Name)
		if i%5 == 0 {
			line += fmt.Sprintf(" meeting:%d", 1+i%sz.upcoming)
		}
		steps = append(steps, step{line, 0})
	}
	return steps
}

// seed builds the group through fcbot at base on every platform, side by
// side, stage by stage; any command that is not answered as asked fails
// it.
func (b *bench) seed(ctx context.Context, base string) error {
	plan := seedPlan(b.size, time.Now())
	errs := make([]error, len(b.platforms))
	var wg sync.WaitGroup
	for i, p := range b.platforms {
		wg.Go(func() { errs[i] = b.seedOn(ctx, base, p, plan) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (b *bench) seedOn(ctx context.Context, base string, p platform, plan [][]step) error {
	for _, stage := range plan {
		shots := make([]shot, len(stage))
		for i, s := range stage {
			shots[i] = shot{p: p, line: s.line, m: s.m}
		}
		var errs []error
		for i, r := range b.drv.each(ctx, base, shots, b.o.seedConcurrency, time.Minute) {
			if r.o != answered && len(errs) < 5 {
				errs = append(errs, fmt.Errorf("%s %s: %s: %s", p.Name(), stage[i].line, outcomeNames[r.o], r.detail))
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("seeding: %w", errors.Join(errs...))
		}
	}
	return nil
}
