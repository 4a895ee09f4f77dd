package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage"
)

// digestBench times the daily digest of many groups, each with a small
// campaign of its own, seeded directly through storage, in this process:
// the job queue as fcbot runs it, with senders that send nothing.
type digestBench struct {
	store  *storage.Store
	groups int
	first  time.Time // when run 0's digests are due
}

// digestZones are the groups' time zones in turn: at 08:05 in Los Angeles
// every group's digest is due.
var digestZones = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}

func seedDigest(ctx context.Context, dbURL string, groups, runs int) (*digestBench, error) {
	discard := slog.New(slog.DiscardHandler)
	s, err := storage.Open(ctx, dbURL, discard)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := jobs.Migrate(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		s.Close()
		return nil, err
	}
	y, m, d := time.Now().In(la).Date()
	db := &digestBench{store: s, groups: groups, first: time.Date(y, m, d+1, 8, 5, 0, 0, la)}
	s.SetClock(func() time.Time { return db.first.Add(-24 * time.Hour) })
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for g := range groups {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := db.seedGroup(ctx, g, runs); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		s.Close()
		return nil, fmt.Errorf("seeding the digest's groups: %w", err)
	}
	return db, nil
}

func (d *digestBench) close() { d.store.Close() }

// seedGroup gives group g a campaign a few weeks old: eight members (a
// lead and a coordinator, who receive the digest), eight officials, three
// meetings held and more to come, 25 older answers and five new ones
// before each run's digest, fifteen tasks due around then, RSVPs.
func (d *digestBench) seedGroup(ctx context.Context, g, runs int) error {
	s := d.store
	grp, err := s.EnsureGroup(ctx, slackName, fmt.Sprintf("TD%05d", g))
	if err != nil {
		return err
	}
	if err := s.SetJurisdiction(ctx, grp.ID, fmt.Sprintf("County %04d", g), "county", digestZones[g%len(digestZones)]); err != nil {
		return err
	}
	var members []int64
	for i := range 8 {
		m, err := s.EnsureMember(ctx, grp.ID, fmt.Sprintf("UD%05d%02d", g, i), memberName(i))
		if err != nil {
			return err
		}
		members = append(members, m.ID)
	}
	for i, r := range []storage.Role{storage.RoleLead, storage.RoleCoordinator} {
		if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: grp.ID, MemberID: members[i], Role: r}); err != nil {
			return err
		}
	}
	return s.Tx(ctx, func(tx *storage.Store) error { return d.seedCampaign(ctx, tx, grp.ID, members, runs) })
}

func (d *digestBench) seedCampaign(ctx context.Context, tx *storage.Store, group int64, members []int64, runs int) error {
	var officials []int64
	for i := range 8 {
		o := &storage.Official{GroupID: group, Name: fmt.Sprintf("Official %02d", i+1), Office: storage.Offices[i%len(storage.Offices)]}
		if err := tx.CreateOfficial(ctx, o); err != nil {
			return err
		}
		officials = append(officials, o.ID)
	}
	for k := -3; k < 3+runs; k++ {
		start := d.first.Add(time.Duration(k)*24*time.Hour + 4*time.Hour)
		m := &storage.Meeting{GroupID: group, Kind: storage.KindLawEnforcement, OfficialID: &officials[(k+3)%len(officials)],
			StartsAt: start, GatherAt: start.Add(-20 * time.Minute), Place: "Sheriff's Office", CreatedBy: &members[0]}
		if k < 0 {
			m.Status = storage.MeetingHeld
		}
		if err := tx.CreateMeeting(ctx, m); err != nil {
			return err
		}
		for j := 2; j < 5 && k >= 0; j++ {
			if _, err := tx.SetRSVP(ctx, m, members[j], "yes"); err != nil {
				return err
			}
		}
	}
	rules := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "1373"}
	var answers []storage.Answer
	answer := func(i int, at time.Time) {
		answers = append(answers, storage.Answer{GroupID: group, OfficialID: officials[i%len(officials)], Rule: rules[i%len(rules)],
			InPlace: storage.MarkNo, WouldSupport: storage.MarkYes, Source: storage.SourceCall, LoggedBy: &members[0], CreatedAt: at})
	}
	for i := range 25 {
		answer(i, d.first.Add(-time.Duration(2+i)*24*time.Hour))
	}
	for r := range runs {
		for i := range 5 {
			answer(25+5*r+i, d.first.Add(time.Duration(r)*24*time.Hour-time.Duration(i+1)*time.Hour))
		}
	}
	if err := tx.AddAnswers(ctx, answers); err != nil {
		return err
	}
	for i := range 15 {
		due := d.first.Add(time.Duration(i-4) * 12 * time.Hour)
		t := &storage.Task{GroupID: group, Title: fmt.Sprintf("Task %02d", i+1), AssigneeID: &members[i%len(members)], DueAt: &due, CreatedBy: &members[0]}
		if i < 3 {
			t.Status, t.DoneAt = storage.TaskDone, &due
		}
		if err := tx.CreateTask(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// digestResult is one daily digest run.
type digestResult struct {
	Groups int `json:"groups"`
	// Seconds is from the tick until every group's digest is built and
	// marked sent.
	Seconds num `json:"seconds"`
	// Statements is the SQL statements storage ran for the digests and
	// their deliveries (the job queue's own are not counted), per group.
	Statements num `json:"statements_per_group"`
}

// run is run r's digest, on its own day (so that the guard rows of the
// runs before do not stop it): the tick at 08:05 in Los Angeles, then
// every digest job, timed until each group has its digest.
func (d *digestBench) run(ctx context.Context, r int) (digestResult, error) {
	at := d.first.Add(time.Duration(r) * 24 * time.Hour)
	clock := offsetClock(time.Until(at))
	d.store.SetClock(clock.Now)
	discard := slog.New(slog.DiscardHandler)
	env := &commands.Env{Store: d.store, Clock: clock, Log: discard}
	var sent atomic.Int64
	q, err := jobs.New(jobs.Config{Store: d.store, Env: env, Senders: map[string]bot.Sender{slackName: nopSender{&sent}}, Clock: clock, Log: discard, NoTick: true})
	if err != nil {
		return digestResult{}, err
	}
	if err := q.Start(ctx); err != nil {
		return digestResult{}, err
	}
	defer func() { _ = q.Shutdown(ctx, time.Now().Add(10*time.Second), time.Now().Add(15*time.Second)) }()
	before := d.store.Statements()
	start := time.Now()
	if err := q.Tick(ctx); err != nil {
		return digestResult{}, fmt.Errorf("digest tick: %w", err)
	}
	if err := d.waitDigests(ctx, at.Format(time.DateOnly)); err != nil {
		return digestResult{}, err
	}
	res := digestResult{Groups: d.groups, Seconds: num(time.Since(start).Seconds())}
	// Let the deliveries the digests queued go out (the queue polls every
	// second), so that their statements are counted and they do not run
	// during the next run.
	for last := int64(-1); last != sent.Load() && ctx.Err() == nil; {
		last = sent.Load()
		time.Sleep(3 * time.Second)
	}
	res.Statements = num(float64(d.store.Statements()-before) / float64(d.groups))
	return res, nil
}

// waitDigests waits until every group has a digest row for date.
func (d *digestBench) waitDigests(ctx context.Context, date string) error {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var n int
		err := d.store.SQL().QueryRowContext(ctx, "SELECT count(*) FROM digests_sent WHERE local_date = '"+date+"'").Scan(&n)
		switch {
		case err != nil:
			return fmt.Errorf("count digests: %w", err)
		case n >= d.groups:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("digest: %d of %d groups after 10 minutes", n, d.groups)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// offsetClock is the real clock moved by a fixed amount: time passes, from
// the moment the bench chose.
type offsetClock time.Duration

func (c offsetClock) Now() time.Time { return time.Now().Add(time.Duration(c)) }

// nopSender sends nothing and counts.
type nopSender struct{ n *atomic.Int64 }

func (s nopSender) Send(context.Context, bot.Destination, bot.Reply) error {
	s.n.Add(1)
	return nil
}
