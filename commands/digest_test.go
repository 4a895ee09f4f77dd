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
		b.expect(`/meeting schedule when:"tomorrow 12:30pm" where:"Sheriff's Office" official:"jane roe" gather:"Cafe Rosa" gather-at:12:00pm`, "Meeting 1 scheduled")
		b.expect("/meeting rsvp 1 yes", "You're coming")
		b.do("as bob")
		b.expect("/meeting rsvp 1 maybe", "You might come")
		b.do("as you")

		// Tasks and answers are written directly until their commands land.
		g, err := b.store.EnsureGroup(ctx, "console", "console")
		if err != nil {
			t.Fatal(err)
		}
		bob, _ := b.store.EnsureMember(ctx, g.ID, "bob", "bob")
		you, _ := b.store.EnsureMember(ctx, g.ID, "you", "you")
		official, err := b.store.OfficialByName(ctx, g.ID, "jane roe")
		if err != nil {
			t.Fatal(err)
		}
		overdue, soon, later := start.Add(-2*time.Hour), start.Add(30*time.Hour), start.Add(72*time.Hour)
		for i, task := range []storage.Task{
			{Title: "Call the sheriff's office", AssigneeID: &bob.ID, DueAt: &overdue},
			{Title: "Print the rules", AssigneeID: &bob.ID, DueAt: &soon},
			{Title: "Book a room", AssigneeID: &you.ID, DueAt: &soon},
			{Title: "Not yet due", AssigneeID: &you.ID, DueAt: &later},
		} {
			task.GroupID, task.Number, task.Status = g.ID, int64(i+1), "open"
			if err := b.store.PutForTest(ctx, &task); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.store.PutForTest(ctx, &storage.Answer{GroupID: g.ID, OfficialID: official.ID, Rule: "1", InPlace: "no", WouldSupport: "yes", Source: "phone"}); err != nil {
			t.Fatal(err)
		}

		out := b.do("/digest now")
		want := []string{
			"Daily digest for Springfield: Fri Nov 27",
			"Times are in America/Chicago.",
			"Meetings in the next 7 days: Meeting 1 (law-enforcement with Jane Roe): Sat Nov 28 12:30 PM at Sheriff's Office; gather 12:00 PM, Cafe Rosa; RSVPs 1 yes, 1 maybe, 0 no; ⚠ no spokesperson assigned",
			"Tasks overdue or due within 48 hours:",
			"  bob: task 1 “Call the sheriff's office” OVERDUE since Fri Nov 27 7:00 AM; task 2 “Print the rules” due Sat Nov 28 3:00 PM",
			"  you: task 3 “Book a room” due Sat Nov 28 3:00 PM",
			"Answers logged since the last digest: Jane Roe on rule 1 (Judicial Warrant Rule): in place no, would support yes",
			"Scorecard: 0 of 9 in place; Jane Roe supports 1 more",
			"Next step: Hold your first organizing meeting: `/meeting schedule kind:organizing when:\"next tuesday 7pm\" where:\"Library room B\"`.",
			"Preview: only you see this. Change it with /digest time, /digest quiet, /digest channel.",
		}
		lines := strings.Split(out, "\n")
		if len(lines) != len(want) {
			t.Fatalf("/digest now printed %d lines, want %d:\n%s", len(lines), len(want), out)
		}
		for i, w := range want {
			if lines[i] != w {
				t.Errorf("line %d:\ngot  %q\nwant %q", i+1, lines[i], w)
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
