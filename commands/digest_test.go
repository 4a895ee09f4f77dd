package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
)

func TestDigestContent(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		ctx := context.Background()
		b.expect(springfield, "first lead")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Official added")
		b.expect(`/official add name:"John Poe" office:mayor`, "Official added")
		// Within 7 days: a law-enforcement meeting with its own gather
		// place and no spokesperson, an organizing meeting gathering at the
		// default place with one. Not shown: a cancelled meeting, and one
		// more than 7 days out.
		b.expect(`/meeting schedule when:"tomorrow 12:30pm" where:"Sheriff's Office" official:"jane roe" gather:"Cafe Rosa" gather-at:12:00pm`, "Meeting 1 scheduled")
		b.expect(`/meeting schedule when:"2026-12-01 18:00" where:"Library"`, "Meeting 2 scheduled")
		b.expect(`/meeting schedule when:"2026-11-30 18:00" where:"Hall"`, "Meeting 3 scheduled")
		b.expect(`/meeting schedule when:"2026-12-10 18:00" where:"Library"`, "Meeting 4 scheduled")
		b.expect("/meeting cancel 3", "cancelled")
		b.expect("/role assign user:@bob role:spokesperson meeting:2", "bob is now spokesperson for meeting 2")
		b.expect("/meeting rsvp 1 yes", "You're coming")
		for _, l := range []string{"as bob", "/meeting rsvp 1 maybe", "/meeting rsvp 2 yes", "as carol", "/meeting rsvp 1 no", "as dave", "/meeting rsvp 1 yes", "as you"} {
			if out := b.do(l); strings.HasPrefix(out, "✗") {
				t.Fatalf("%s: %s", l, out)
			}
		}
		// Tasks: one of bob's falls overdue once the clock moves on, two are
		// due within 48 hours, one later, one done.
		b.expect(`/task add title:"Call the sheriff's office" user:@bob due:"2026-11-27 10:00"`, "Task 1")
		b.expect(`/task add title:"Print the rules" user:@bob due:"2026-11-28 15:00"`, "Task 2")
		b.expect(`/task add title:"Book a room" due:"2026-11-28 15:00"`, "Task 3")
		b.expect(`/task add title:"Not yet due" due:"2026-12-01 12:00"`, "Task 4")
		b.expect(`/task add title:"Done already" user:@carol due:"2026-11-28 12:00"`, "Task 5")
		b.do("as carol")
		b.expect("/task done 5", "done")
		b.do("as you")
		// An answer before the last digest, which the digest leaves out…
		b.expect(`/response bulk official:"John Poe" in-place:"y n n n n n n n n"`, "John Poe")
		b.clock.Set(start.Add(30 * time.Minute))
		g, err := b.store.EnsureGroup(ctx, "console", "console")
		if err != nil {
			t.Fatal(err)
		}
		// (what the digest job records when it sends one)
		if err := b.store.MarkDigest(ctx, g.ID, "2026-11-27", storage.DigestSentStatus); err != nil {
			t.Fatal(err)
		}
		// …and one after it.
		b.clock.Set(start.Add(time.Hour))
		b.expect(`/response log official:"Jane Roe" rule:1 in-place:no would-support:yes`, "Jane Roe")
		b.clock.Set(start.Add(2 * time.Hour)) // Fri 11:00: task 1 is an hour overdue

		out := b.do("/digest now")
		want := []string{
			"Daily digest for Springfield: Fri Nov 27",
			"Times are in America/Chicago.",
			"Meetings in the next 7 days (2):",
			"  Meeting 1 (Law-enforcement meeting with Jane Roe): Sat Nov 28 12:30 PM at Sheriff's Office; gather 12:00 PM, Cafe Rosa; RSVPs 2 yes, 1 maybe, 1 no; ⚠ no spokesperson assigned",
			"  Meeting 2 (Organizing meeting): Tue Dec 1 6:00 PM at Library; gather 5:40 PM, near Library (e.g. the lobby); RSVPs 1 yes, 0 maybe, 0 no; spokesperson bob",
			"Tasks overdue or due within 48 hours (3):",
			"  bob: task 1 “Call the sheriff's office” OVERDUE since Fri Nov 27 10:00 AM",
			"  bob: task 2 “Print the rules” due Sat Nov 28 3:00 PM",
			"  you: task 3 “Book a room” due Sat Nov 28 3:00 PM",
			"Answers logged since the last digest (1): Jane Roe on rule 1 (Judicial Warrant Rule): in place no, would support yes",
			"Scorecard: SCORE",
			"Next step: NEXT",
			"Preview: only you see this. Change it with /digest time, /digest quiet, /digest channel.",
		}
		// The scorecard line and the next step are the scorecard's and the
		// guide's own words; their text is pinned here too.
		score, err := b.env.ScorecardSummary(ctx, g.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		next, err := b.env.NextStep(ctx, g.ID, "en", b.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			want[i] = strings.NewReplacer("SCORE", score, "NEXT", next).Replace(w)
		}
		// Jane Roe's later no and John Poe's earlier yes on rule 1 disagree.
		if wantScore := "0 of 9 in place, 1 disputed; Jane Roe supports 1 more; John Poe supports none of the rest"; score != wantScore {
			t.Errorf("scorecard summary %q, want %q", score, wantScore)
		}
		// John Poe answered all nine by phone, the furthest stage reached;
		// the report-back comes after meeting 1.
		if !strings.HasPrefix(next, "After meeting 1 with Jane Roe (Sat Nov 28, 2026, 12:30 PM CST), file its report-back") {
			t.Errorf("next step %q, want the report-back after meeting 1", next)
		}
		lines := strings.Split(out, "\n")
		if len(lines) != len(want) {
			t.Errorf("/digest now printed %d lines, want %d:\n%s", len(lines), len(want), out)
		}
		for i, w := range want {
			if i >= len(lines) || lines[i] != w {
				got := "(none)"
				if i < len(lines) {
					got = lines[i]
				}
				t.Errorf("line %d:\ngot  %q\nwant %q", i+1, got, w)
			}
		}

		b.do("as bob")
		b.refuse("/digest now", "Only a coordinator")
		b.do("as you")
		b.refuse("/digest time 25:00", "not a time of day", "Example: `/digest time 07:30`")
		b.expect("/digest time 7:30", "every day at 07:30 (America/Chicago)")
		b.expect("/digest quiet off", "sent every day")
		b.expect("/digest channel", "posted in #console")
		b.expect("/digest channel off:yes", "by direct message again")
		b.expect("/digest unsubscribe", "no longer receive")
		ds, err := b.store.DigestSettingsOf(ctx, g.ID)
		if err != nil || ds.SendAt != "07:30" || ds.Quiet || ds.Channel != "" {
			t.Errorf("settings after the commands: %+v (err %v)", ds, err)
		}
		recipients, _ := b.store.DigestRecipients(ctx, g.ID)
		b.expect("/digest subscribe", "You will receive the digest every day at 07:30")
		after, _ := b.store.DigestRecipients(ctx, g.ID)
		if len(after) != len(recipients)+1 {
			t.Errorf("subscribing a lead: recipients %d → %d, want one more", len(recipients), len(after))
		}
	})
}
