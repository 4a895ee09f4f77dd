package commands_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

func TestMeetingSchedule(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Official added")

		// Now is Fri Nov 27, 2026, 9:00 AM in Chicago.
		out := b.expect(`/meeting schedule when:"tomorrow 12:30pm" where:"Sheriff's Office, 100 Main St" official:"jane roe" capacity:2`,
			"Meeting 1 scheduled: Law-enforcement meeting with Jane Roe",
			"When: Sat Nov 28, 2026, 12:30 PM CST",
			"Gather: Sat Nov 28, 2026, 12:10 PM CST, near Sheriff's Office, 100 Main St",
			"Capacity: 2",
			"[Yes: /meeting rsvp id:1 answer:yes] [Maybe: /meeting rsvp id:1 answer:maybe] [No: /meeting rsvp id:1 answer:no]",
			`Plan the follow-up organizing meeting two or more weeks after this one: `+"`"+`/meeting schedule when:"2026-12-12 18:00" where:"to be announced" kind:organizing`+"`")
		if strings.Contains(out, "days away") {
			t.Errorf("a meeting tomorrow is within two weeks, yet warned:\n%s", out)
		}
		// The suggested follow-up command works as offered.
		b.expect(`/meeting schedule when:"2026-12-12 18:00" where:"to be announced" kind:organizing`,
			"Meeting 2 scheduled: Organizing meeting", "When: Sat Dec 12, 2026, 6:00 PM CST")
		// The next suggestion goes where the group last organized.
		b.expect(`/meeting schedule when:"2026-12-01 11:00" where:"Police HQ" official:"Jane Roe" gather:"Cafe Rosa" gather-at:10:30am`,
			"Meeting 3 scheduled", "When: Tue Dec 1, 2026, 11:00 AM CST", "Gather: Tue Dec 1, 2026, 10:30 AM CST, Cafe Rosa",
			`when:"2026-12-15 18:00" where:"to be announced" kind:organizing`)

		b.expect(`/meeting schedule when:"2026-12-18 14:00" where:"HQ" official:"Jane Roe"`,
			"Meeting 4 scheduled", "Heads up: this is 21 days away", "within two weeks")
		b.expect(`/meeting schedule when:"2026-12-18 14:00" where:"HQ" kind:rally`, "Meeting 5 scheduled: Rally")

		b.refuse(`/meeting schedule when:"yesterday 3pm" where:"HQ"`,
			"`when` reads as Thu Nov 26, 2026, 3:00 PM CST, which has already passed", `Example: `+"`"+`/meeting schedule when:"next tuesday 12:30" where:"Public Library"`)
		b.refuse(`/meeting schedule when:"today 8am" where:"HQ"`, "Fri Nov 27, 2026, 8:00 AM CST, which has already passed")
		b.refuse(`/meeting schedule when:"dec 3" where:"HQ"`, "gives a day but no time", "Example:")
		b.refuse(`/meeting schedule when:"someday soonish" where:"HQ"`, "I can't read `someday soonish` as a time", "Example:")
		b.refuse(`/meeting schedule when:"tomorrow 3pm" where:"HQ" kind:law-enforcement`, "A law-enforcement meeting needs the official")
		b.refuse(`/meeting schedule when:"tomorrow 3pm" where:"HQ" official:"Jane Ro"`, "no official named `Jane Ro`", "Did you mean: Jane Roe?")
		b.refuse(`/meeting schedule when:"tomorrow 3pm" where:"HQ" gather-at:4pm`, "is after the meeting starts")
		b.refuse(`/meeting schedule when:"tomorrow 3pm" where:"HQ" gather-at:"today 8am"`, "`gather-at` reads as Fri Nov 27, 2026, 8:00 AM CST, which has already passed")
		b.refuse(`/meeting schedule when:"tomorrow 3pm" where:"HQ" gather-at:25:00`, "I can't read `25:00` as a time for `gather-at`")
		b.refuse(`/meeting schedule when:"tomorrow 3pm" where:"`+strings.Repeat("x", 201)+`"`, "`where` is 201 characters long")
		b.refuse(`/meeting schedule when:"tomorrow 3pm" where:"HQ" capacity:0`, "`capacity` must be between 1 and 100000")
		b.refuse(`/meeting schedule where:"HQ"`, "The option `when` is required")
		b.expect("/meeting list", "Upcoming meetings (5)")

		got := strings.Join(auditActions(t, b), "\n")
		if n := strings.Count(got, "meeting.schedule"); n != 5 {
			t.Errorf("audit has %d meeting.schedule entries, want 5:\n%s", n, got)
		}
		if !strings.Contains(got, "law-enforcement at Sat Nov 28, 2026, 12:30 PM CST, Sheriff's Office, 100 Main St; gather Sat Nov 28, 2026, 12:10 PM CST") {
			t.Errorf("audit lacks the first meeting:\n%s", got)
		}
	})
}

func TestMeetingTimesWithoutSetupAreUTC(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(`/meeting schedule when:"2026-12-01 18:00" where:"Library"`, "When: Tue Dec 1, 2026, 6:00 PM UTC", "Meeting 1 scheduled: Organizing meeting")
	})
}

func TestMeetingRSVP(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.expect(`/meeting schedule when:"tomorrow 12:30pm" where:"Library" capacity:1`, "Meeting 1 scheduled")
		b.expect("/meeting rsvp 1 yes", "You're coming to meeting 1 (Sat Nov 28, 2026, 12:30 PM CST)", "Gather at Sat Nov 28, 2026, 12:10 PM CST, near Library", "1 yes, 0 maybe, 0 no")
		b.do("as bob")
		b.expect("/meeting rsvp id:1 answer:maybe", "You might come", "1 yes, 1 maybe, 0 no")
		b.expect("/meeting rsvp 1 yes", "Changed from maybe to yes", "2 yes, 0 maybe, 0 no",
			"Heads up: 2 people said yes and the room holds 1; your yes is recorded")
		b.expect("/meeting rsvp 1 no", "Changed from yes to no", "1 yes, 0 maybe, 1 no")
		b.expect("/meeting show 1", "Yes (1): you\nMaybe (0): nobody\nNo (1): bob", "Status: scheduled", "Spokesperson: nobody yet")
		b.refuse("/meeting rsvp 1 perhaps", "`answer` must be one of yes, no, maybe")
		b.refuse("/meeting rsvp 7 yes", "There is no meeting 7 in this group")

		b.do("as you")
		b.expect(`/meeting schedule when:"tomorrow 6pm" where:"Park"`, "Meeting 2 scheduled")
		b.expect("/meeting cancel 2", "Meeting 2 (Sat Nov 28, 2026, 6:00 PM CST) is cancelled")
		b.refuse("/meeting rsvp 2 yes", "Meeting 2 is cancelled; there is nothing to answer")

		b.clock.Advance(28 * time.Hour) // Sat 1:00 PM: meeting 1 has started
		b.refuse("/meeting rsvp 1 yes", "Meeting 1 has already started (Sat Nov 28, 2026, 12:30 PM CST); RSVPs are closed")
		out := b.expect("/meeting show 1", "Yes (1): you")
		if strings.Contains(out, "[Yes:") {
			t.Errorf("a started meeting still offers RSVP buttons:\n%s", out)
		}

		got := strings.Join(auditActions(t, b), "\n")
		for _, want := range []string{"meeting.rsvp  -> you: yes", "meeting.rsvp bob: maybe -> bob: yes", "meeting.rsvp bob: yes -> bob: no"} {
			if !strings.Contains(got, want) {
				t.Errorf("audit log:\n%s\nwant an entry %q", got, want)
			}
		}
	})
}

// TestMeetingNoticesGoThroughTheQueue: cancelling and moving a meeting
// queue a direct message for each person who said yes or maybe and each
// holder of a role for it, and the job queue delivers them.
func TestMeetingNoticesGoThroughTheQueue(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.expect(`/meeting schedule when:"tomorrow 6pm" where:"Park"`, "Meeting 1 scheduled")
		b.expect(`/meeting schedule when:"tomorrow 8pm" where:"Hall"`, "Meeting 2 scheduled")
		for _, l := range []string{"as bob", "/meeting rsvp 1 yes", "/meeting rsvp 2 maybe", "as cy", "/meeting rsvp 1 no", "as you"} {
			if out := b.do(l); strings.HasPrefix(out, "✗") {
				t.Fatalf("%s: %s", l, out)
			}
		}
		b.expect("/role assign user:@dee role:spokesperson meeting:1", "dee is now spokesperson for meeting 1")
		before := len(b.delivered())
		b.expect(`/meeting reschedule 1 when:"tomorrow 7pm"`, "Told 2 people by direct message: bob, dee.")
		b.expect("/meeting cancel 2", "Told 1 person by direct message: bob.")
		sent := b.delivered()[before:]
		for _, want := range []string{
			"[message to @bob]\nMeeting 1 has moved\nOrganizing meeting moved from Sat Nov 28, 2026, 6:00 PM CST to Sat Nov 28, 2026, 7:00 PM CST",
			"[message to @dee]\nMeeting 1 has moved",
			"You held the role of spokesperson for it.",
			"[message to @bob]\nMeeting 2 is cancelled",
		} {
			if !strings.Contains(sent, want) {
				t.Errorf("delivered:\n%s\nwant %q", sent, want)
			}
		}
		if strings.Contains(sent, "@cy") || strings.Contains(sent, "@you") {
			t.Errorf("a notice went to someone who said no, or to whoever made the change:\n%s", sent)
		}
	})
}

func TestMeetingLifecycle(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Official added")
		b.do("as bob")
		b.expect(`/meeting schedule when:"tomorrow 12:30pm" where:"Sheriff's Office" official:"Jane Roe"`, "Meeting 1 scheduled", "Gather: Sat Nov 28, 2026, 12:10 PM CST")

		b.do("as carol")
		for _, line := range []string{`/meeting reschedule 1 when:"friday 1pm"`, "/meeting cancel 1", "/meeting held 1"} {
			b.refuse(line, "Only the member who scheduled meeting 1, a coordinator or a lead can change it")
		}
		b.refuse("/meeting reschedule 9 when:\"friday 1pm\"", "There is no meeting 9")

		b.do("as bob") // bob scheduled it: a member may change their own meeting
		b.expect(`/meeting reschedule 1 when:"friday 1pm"`, "Meeting 1 moved", "It was Sat Nov 28, 2026, 12:30 PM CST",
			"When: Fri Dec 4, 2026, 1:00 PM CST", "Gather: Fri Dec 4, 2026, 12:40 PM CST")
		b.refuse(`/meeting reschedule 1 when:"2026-12-04 13:00"`, "Meeting 1 is already at Fri Dec 4, 2026, 1:00 PM CST")
		b.refuse(`/meeting reschedule 1 when:"yesterday noon"`, "which has already passed", `Example: `+"`"+`/meeting reschedule 1 when:"next wednesday 12:30"`)
		b.expect(`/meeting reschedule 1 when:"2026-12-20 13:00"`, "Heads up: this is 23 days away", "Gather: Sun Dec 20, 2026, 12:40 PM CST")
		b.expect(`/meeting reschedule 1 when:"2026-12-04 13:00"`, "When: Fri Dec 4, 2026, 1:00 PM CST")
		b.refuse("/meeting held 1", "Meeting 1 starts Fri Dec 4, 2026, 1:00 PM CST; mark it held once it has started")

		b.do("as carol")
		b.refuse("/meeting attendance 1 @carol", "Only a coordinator, a lead or the attendance-keeper can record who came to meeting 1")
		b.do("as you")
		b.expect("/role assign user:@carol role:attendance-keeper meeting:1", "carol is now attendance-keeper for meeting 1")
		b.do("as carol")
		b.refuse("/meeting attendance 1 @carol", "Meeting 1 has not begun yet (gathering Fri Dec 4, 2026, 12:40 PM CST)")

		b.expect("/meeting show 1", "Status: scheduled")
		b.clock.Set(time.Date(2026, 12, 4, 19, 5, 0, 0, time.UTC)) // 1:05 PM in Chicago
		b.expect("/meeting show 1", "Status: past, not marked held (`/meeting held 1`)")
		b.expect("/meeting attendance 1 @carol @bob, @dee", "Recorded at meeting 1: carol, bob, dee (3 new, 0 already recorded). 3 came in all.")
		b.expect("/meeting attendance 1 @bob @erin", "(1 new, 1 already recorded). 4 came in all.")
		b.refuse("/meeting attendance 1 bob:x", "has no option `bob`")
		b.refuse("/meeting held 1", "Only the member who scheduled meeting 1")

		b.do("as bob")
		b.expect("/meeting held 1", "Meeting 1 (Fri Dec 4, 2026, 1:00 PM CST) is marked held",
			"4 came, as recorded; add anyone missing: `/meeting attendance 1 @alex`", `/response log official:"Jane Roe" rule:1 in-place:yes meeting:1`, "`/report meeting:1 filed:yes`")
		b.refuse("/meeting held 1", "Meeting 1 is already held; it cannot be changed")
		b.refuse("/meeting cancel 1", "Meeting 1 is already held")
		b.refuse(`/meeting reschedule 1 when:"2026-12-24 13:00"`, "Meeting 1 is already held")
		b.expect("/meeting show 1", "Status: held", "Came (4): bob, carol, dee, erin")
		b.expect("/meeting list which:past", "Past meetings (1)", "#1 · Fri Dec 4, 2026, 1:00 PM CST · Law-enforcement meeting with Jane Roe · Sheriff's Office · 0 yes, 0 maybe, 0 no · HELD")
		b.expect("/meeting list", "Upcoming meetings (0)", "No upcoming meetings")

		b.do("as you") // a lead may cancel anyone's meeting
		b.expect(`/meeting schedule when:"tomorrow 6pm" where:"Park"`, "Meeting 2 scheduled")
		b.do("as bob")
		b.refuse("/meeting cancel 2", "Only the member who scheduled meeting 2")
		b.do("as you")
		b.expect("/meeting cancel 2", "Meeting 2 (Sat Dec 5, 2026, 6:00 PM CST) is cancelled")
		b.refuse("/meeting cancel 2", "Meeting 2 is already cancelled")
		b.refuse("/meeting attendance 2 @bob", "Meeting 2 was cancelled")
		b.refuse("/role assign user:@bob role:spokesperson meeting:2", "Meeting 2 is cancelled; roles for it cannot be given")
		b.expect("/meeting list which:all", "All meetings (2)", "· CANCELLED")

		got := strings.Join(auditActions(t, b), "\n")
		for _, want := range []string{
			"meeting.reschedule law-enforcement at Sat Nov 28, 2026, 12:30 PM CST, Sheriff's Office; gather Sat Nov 28, 2026, 12:10 PM CST",
			"-> law-enforcement at Fri Dec 4, 2026, 1:00 PM CST, Sheriff's Office; gather Fri Dec 4, 2026, 12:40 PM CST",
			"meeting.attendance  -> carol, bob, dee",
			"meeting.held scheduled -> held",
			"meeting.cancel scheduled -> cancelled",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("audit log:\n%s\nwant an entry %q", got, want)
			}
		}
		if n := strings.Count(got, "meeting.reschedule"); n != 3 {
			t.Errorf("audit has %d reschedules, want 3 (refusals change nothing):\n%s", n, got)
		}
	})
}

// TestLongListsStayWithinLimits fills a group with 200 meetings, officials
// and role holders, all with the longest names allowed, and checks that
// every list page keeps the reply limits and says how many more there are.
func TestLongListsStayWithinLimits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		b := newTestBot(t, s)
		direct := func(line string) bot.Reply {
			t.Helper()
			r, err := b.raw("you", line)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return r
		}
		direct(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
		g, err := s.EnsureGroup(ctx, "console", "console")
		if err != nil {
			t.Fatal(err)
		}
		long := func(i, n int) string { return fmt.Sprintf("%03d %s", i, strings.Repeat("x", n-4)) }
		err = s.Tx(ctx, func(tx *storage.Store) error {
			for i := range 200 {
				o := &storage.Official{GroupID: g.ID, Name: long(i, 100), Office: "council-member", Jurisdiction: strings.Repeat("j", 100), Contact: strings.Repeat("c", 200)}
				if err := tx.CreateOfficial(ctx, o); err != nil {
					return err
				}
				at := start.Add(time.Duration(i+1) * time.Hour)
				if i%2 == 1 {
					at = start.Add(-time.Duration(i+1) * time.Hour)
				}
				m := &storage.Meeting{GroupID: g.ID, Kind: "law-enforcement", OfficialID: &o.ID, StartsAt: at, GatherAt: at, Place: long(i, 200), GatherPlace: long(i, 200)}
				if err := tx.CreateMeeting(ctx, m); err != nil {
					return err
				}
				mem, err := tx.EnsureMember(ctx, g.ID, fmt.Sprintf("u%d", i), long(i, 100))
				if err != nil {
					return err
				}
				for _, role := range []storage.Role{storage.RoleInviter, storage.RoleNoteTaker} {
					if err := tx.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: mem.ID, Role: role}); err != nil {
						return err
					}
				}
				if err := tx.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: mem.ID, Role: "spokesperson", MeetingID: &m.ID}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			line, footer string
			items        int
		}{
			{"/meeting list which:all", "Page 1 of 20. … and 190 more: add page:2", 10},
			{"/meeting list which:all page:20", "Page 20 of 20.", 10},
			{"/meeting list", "Page 1 of 10. … and 90 more: add page:2", 10},
			{"/meeting list which:past page:3", "Page 3 of 10. … and 70 more: add page:4", 10},
			{"/official list", "Page 1 of 14. … and 185 more: add page:2", 15},
			{"/official list page:14", "Page 14 of 14.", 5},
			{"/role list", "Page 1 of 14. … and 188 more: add page:2", 15},
			{"/role list page:14", "Page 14 of 14.", 8},
			{"/role list meeting:7", "", 4},
		}
		for _, tt := range tests {
			t.Run(tt.line, func(t *testing.T) {
				r := direct(tt.line)
				if err := r.Check(); err != nil {
					t.Errorf("reply breaks a limit: %v", err)
				}
				if len(r.Items) != tt.items || r.Footer != tt.footer && tt.footer != "" {
					t.Errorf("got %d items and footer %q, want %d items and footer %q", len(r.Items), r.Footer, tt.items, tt.footer)
				}
			})
		}
		r := direct("/role list page:14")
		if items := strings.Join(r.Items, "\n"); !strings.Contains(items, "inviter: 000 xxx") || !regexp.MustCompile(`x … and 1\d\d more\n`).MatchString(items) {
			t.Errorf("/role list does not summarise 200 inviters on one line:\n%s", strings.Join(r.Items, "\n"))
		}
		show := direct("/meeting show 1")
		if err := show.Check(); err != nil {
			t.Errorf("/meeting show with the longest names breaks a limit: %v", err)
		}
	})
}

// groupRunner drives the whole bot for any platform workspace, so that a
// test can act in two groups of one database.
func groupRunner(t *testing.T, s *storage.Store) func(group, user, line string) string {
	clock := bot.NewManualClock(start)
	s.SetClock(clock.Now)
	env := &commands.Env{Store: s, Clock: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	router := commands.Router(env)
	users := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: n, Name: n}, n != "" && !strings.ContainsAny(n, ":<>")
	}
	return func(group, user, line string) string {
		t.Helper()
		req := &bot.Request{Platform: "console", Group: group, User: bot.User{ID: user, Name: user}, Channel: "c", Locale: "en"}
		return console.Render(router.Run(context.Background(), req, line, users, nil).Reply)
	}
}

// TestGroupsCannotSeeEachOthersCampaign acts in two groups and proves that
// neither sees nor changes the other's officials, meetings and roles.
func TestGroupsCannotSeeEachOthersCampaign(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		run := groupRunner(t, s)
		expect := func(group, user, line string, wants ...string) {
			t.Helper()
			out := run(group, user, line)
			for _, w := range wants {
				if !strings.Contains(out, w) {
					t.Errorf("[%s as %s] %s\ngot:\n%s\nwant it to contain %q", group, user, line, out, w)
				}
			}
		}
		expect("A", "ann", `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "first lead")
		expect("A", "ann", `/official add name:"Jane Roe" office:sheriff`, "Official added")
		expect("A", "ann", `/meeting schedule when:"tomorrow 12:30pm" where:"Springfield HQ" official:"Jane Roe"`, "Meeting 1 scheduled")
		expect("A", "ann", `/meeting schedule when:"tomorrow 6pm" where:"Springfield Library"`, "Meeting 2 scheduled")
		expect("A", "ann", "/role assign user:@amy role:spokesperson meeting:1", "amy is now spokesperson for meeting 1")

		expect("B", "ben", `/setup jurisdiction:"Shelbyville" kind:city timezone:America/New_York`, "first lead")
		expect("B", "ben", "/official list", "Officials (0)")
		expect("B", "ben", `/official show name:"Jane Roe"`, "There is no official named `Jane Roe`")
		expect("B", "ben", `/official edit name:"Jane Roe" office:mayor`, "There is no official named `Jane Roe`")
		expect("B", "ben", `/official remove name:"Jane Roe"`, "There is no official named `Jane Roe`")
		expect("B", "ben", `/meeting schedule when:"tomorrow 3pm" where:"HQ" official:"Jane Roe"`, "There is no official named `Jane Roe`")
		expect("B", "ben", "/meeting list which:all", "All meetings (0)")
		for _, line := range []string{"/meeting show 1", "/meeting rsvp 2 yes", "/meeting cancel 2", "/meeting held 1",
			`/meeting reschedule 1 when:"friday 1pm"`, "/meeting attendance 1 @ben", "/role list meeting:1",
			"/role assign user:@ben role:spokesperson meeting:1", "/role remove user:@amy role:spokesperson meeting:1"} {
			expect("B", "ben", line, "There is no meeting")
		}
		expect("B", "ben", "/role list", "lead: ben")
		expect("B", "ben", `/meeting schedule when:"tomorrow 3pm" where:"Shelbyville Hall"`, "Meeting 1 scheduled", "EST")
		expect("B", "ben", "/meeting show 1", "Shelbyville Hall")

		// Group A is as it was.
		expect("A", "ann", "/official list", "Officials (1)", "Jane Roe: Sheriff, Springfield")
		expect("A", "ann", "/meeting show 1", "Springfield HQ", "Status: scheduled", "Yes (0): nobody", "Spokesperson: amy", "CST")
		expect("A", "ann", "/meeting show 2", "Status: scheduled")
		expect("A", "ann", "/meeting list which:all", "All meetings (2)")
		out := run("A", "ann", "/role list")
		if strings.Contains(out, "ben") {
			t.Errorf("group A's roles show group B's member:\n%s", out)
		}
	})
}
