package scenario

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestCampaignWalk plays a city group's campaign as a new organizer would,
// wrong turns included, with seven people, a county sheriff, a mayor, a
// police chief and nine council members, and a law-enforcement meeting
// that really takes place. Every report the bot makes along the way must
// be true: answers stay with their meeting, the county's sheriff counts,
// disagreeing officials make a rule disputed until it is settled, only
// campaign roles log answers, the guide moves forward, viewing a report is
// not filing it, changes reach the people they concern, and the numbers
// agree with the lists they count.
func TestCampaignWalk(t *testing.T) {
	t.Parallel()
	eachPlatform(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		guide := func(marks string, next ...string) {
			t.Helper()
			out := w.expect("/guide", next...)
			if got := stageMarks(out); got != marks {
				t.Errorf("/guide stages %s, want %s:\n%s", got, marks, out)
			}
		}

		// Before /setup, the guide says to run it.
		w.as("alex")
		out := w.expect("/guide", "Your group is not set up yet", "Start with /setup")
		if strings.Contains(out, "your campaign") {
			t.Errorf("/guide before /setup speaks of a campaign:\n%s", out)
		}
		w.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "Springfield is set up", "first lead")

		// The officials: the county's sheriff, the city's mayor, police
		// chief and nine council members.
		w.expect(`/official add name:"Jane Roe" office:sheriff jurisdiction:"Sangamon County"`, "Jane Roe (Sheriff, Sangamon County) is on the list")
		w.expect(`/official add name:"Joe Quimby" office:mayor`, "Joe Quimby (Mayor, Springfield)")
		w.expect(`/official add name:"Tom Chief" office:police-chief`, "Tom Chief (Police chief, Springfield)")
		for i := 1; i <= 9; i++ {
			w.expect(fmt.Sprintf(`/official add name:"Council %d" office:council-member`, i), fmt.Sprintf("Council %d", i))
		}
		w.expect("/official list", "Officials (12)")

		// The first organizing meeting took place before the bot came.
		w.refuse(`/meeting schedule kind:organizing when:"nov 20 7pm" where:"Library"`, "already passed")
		w.refuse(`/meeting record kind:organizing when:"dec 20 7pm" where:"Library"`, "has not come yet", "`/meeting record` is for meetings that took place")
		w.expect(`/meeting record kind:organizing when:"nov 20 7pm" where:"Library"`, "Meeting 1 recorded as held: Organizing meeting", "When: Fri Nov 20, 2026, 7:00 PM CST")
		guide("n------", "Assign roles, starting with a scheduler")
		w.expect("/role assign user:@sam role:scheduler", "sam is now scheduler")
		w.expectDMs("sam", "scheduler: your part in Springfield")
		w.expect("/role assign user:@ana role:spokesperson", "ana is now spokesperson")
		w.expectDMs("ana", "spokesperson: your part in Springfield")
		w.expect("/role assign user:@lee role:reporter", "lee is now reporter")
		reporter := w.dms("lee")
		if len(reporter) != 1 || !strings.Contains(reporter[0], "on the report form: https://docs.google.com/a/bernalalto.com/forms/") {
			t.Errorf("the reporter's script lacks the report form:\n%s", strings.Join(reporter, "\n---\n"))
		}
		w.expect("/role assign user:@eve role:attendance-keeper", "eve is now attendance-keeper")
		w.dms("eve")
		guide("dn-----", "Have your scheduler call", `official:"Jane Roe"`)

		// Dates that do not exist are refused, with the reason.
		w.as("sam")
		w.refuse(`/meeting schedule official:"Jane Roe" when:"feb 31 noon" where:"County Building"`, "There is no February 31")
		w.refuse(`/meeting schedule official:"Jane Roe" when:"tomorrow 25:00" where:"County Building"`, "There is no hour 25")

		// The law-enforcement meeting, within two weeks; meetings that
		// clash with it are named, not refused.
		w.expect(`/meeting schedule official:"Jane Roe" when:"dec 3 noon" where:"County Building"`,
			"Meeting 2 scheduled: Law-enforcement meeting with Jane Roe", "When: Thu Dec 3, 2026, 12:00 PM CST")
		w.expect(`/meeting schedule kind:organizing when:"dec 3 1pm" where:"Cafe"`, "Meeting 3 scheduled",
			"Heads up: meeting 2 (Law-enforcement meeting with Jane Roe) is at Thu Dec 3, 2026, 12:00 PM CST, within two hours of this one.")
		w.expect(`/meeting schedule official:"Jane Roe" when:"dec 3 5pm" where:"Jail"`, "Meeting 4 scheduled",
			"Heads up: meeting 2 is also with Jane Roe that day (Thu Dec 3, 2026, 12:00 PM CST).")
		guide("ddn----", "Meet Jane Roe on Thu Dec 3, 2026, 12:00 PM CST", "info@peoplepower.org")

		// RSVPs, one by button.
		for _, r := range []struct{ who, answer string }{{"ana", "yes"}, {"lee", "yes"}, {"kim", "maybe"}, {"bob", "no"}} {
			w.as(r.who)
			w.expect(fmt.Sprintf("/meeting rsvp 2 %s", r.answer), "meeting 2")
		}
		w.as("eve")
		w.expect("/meeting show 2", "Meeting 2: Law-enforcement meeting with Jane Roe")
		if out := w.click("meeting rsvp id:2 answer:yes"); !strings.Contains(out, "You're coming to meeting 2") {
			t.Errorf("eve's RSVP click:\n%s", out)
		}
		for _, who := range []string{"ana", "kim"} {
			w.as(who)
			w.expect("/meeting rsvp 3 yes", "meeting 3")
			w.expect("/meeting rsvp 4 maybe", "meeting 4")
		}
		w.as("alex")
		w.expect("/role assign user:@kim role:note-taker meeting:2", "kim is now note-taker for meeting 2")
		w.dms("kim")
		w.expect("/meeting show 2", "Spokesperson: ana (the group's spokesperson)", "Yes (3): ana, eve, lee", "Maybe (1): kim", "No (1): bob")

		// Moving a meeting and cancelling another tell who said yes or maybe.
		w.as("sam")
		w.expect(`/meeting reschedule 3 when:"dec 10 1pm"`, "Meeting 3 moved", "Told 2 people by direct message: ana, kim.")
		w.expectDMs("ana", "Meeting 3 has moved\nOrganizing meeting moved from Thu Dec 3, 2026, 1:00 PM CST to Thu Dec 10, 2026, 1:00 PM CST, at Cafe")
		w.expectDMs("kim", "You had answered yes.")
		w.expect("/meeting cancel 4", "Meeting 4 (Thu Dec 3, 2026, 5:00 PM CST) is cancelled.", "Told 2 people by direct message: ana, kim.")
		w.expectDMs("ana", "Meeting 4 is cancelled\nLaw-enforcement meeting with Jane Roe on Thu Dec 3, 2026, 5:00 PM CST at Jail is cancelled; sam cancelled it. You had answered maybe.")
		w.expectDMs("kim", "Meeting 4 is cancelled")
		for _, who := range []string{"alex", "sam", "lee", "eve", "bob"} {
			w.expectDMs(who)
		}
		w.refuse(`/meeting reschedule 4 when:"dec 11 noon"`, "Meeting 4 is already cancelled")

		// The digest names the spokesperson as /meeting show does.
		w.as("alex")
		w.expect("/digest now", "Meetings in the next 7 days (1)",
			"Meeting 2 (Law-enforcement meeting with Jane Roe): Thu Dec 3 12:00 PM at County Building; gather 11:40 AM, near County Building (e.g. the lobby); RSVPs 3 yes, 1 maybe, 1 no; spokesperson ana (the group's spokesperson)")

		// The meeting takes place.
		w.step(at("12-03 12:05"))
		for _, who := range []string{"ana", "lee", "eve"} {
			w.dms(who) // the reminders
		}
		w.as("sam")
		w.expect("/meeting held 2", "Meeting 2 (Thu Dec 3, 2026, 12:00 PM CST) is marked held")
		w.refuse("/meeting cancel 2", "Meeting 2 is already held")
		w.as("eve")
		w.expect("/meeting attendance 2 @ana @lee @kim @eve @eve", "Recorded at meeting 2: ana, lee, kim, eve (4 new, 0 already recorded). 4 came in all.")
		w.expect("/meeting attendance 2 @ana @sam", "(1 new, 1 already recorded). 5 came in all.")
		w.expect("/meeting show 2", "Came (5): ana, eve, kim, lee, sam")
		guide("ddn----", "Log the nine answers from meeting 2")

		// Answers only from those who may log them, only under a meeting
		// with that official, held and not cancelled.
		w.as("bob")
		w.refuse(`/response log official:"Jane Roe" rule:1 in-place:no note:troll`,
			"Logging answers is for the spokesperson, reporter or note-taker (now ana, kim, lee), a coordinator or a lead")
		w.as("ana")
		w.refuse(`/response log official:"Joe Quimby" rule:4 in-place:no meeting:2`, "Meeting 2 was with Jane Roe, not Joe Quimby")
		w.refuse(`/response log official:"Joe Quimby" rule:4 in-place:no meeting:1`, "Meeting 1 (Organizing meeting) had no official")
		w.refuse(`/response log official:"Jane Roe" rule:4 in-place:no meeting:4`, "Meeting 4 was cancelled")
		w.refuse(`/response log official:"Jane Roe" rule:4 in-place:no meeting:3`, "Meeting 3 (Organizing meeting) had no official")

		// The spokesperson logs the sheriff's answers with the sheet.
		w.offRecord(func() {
			out := w.run(`/response sheet official:"Jane Roe"`)
			if !w.dialog() {
				w.expect(`/response bulk official:"Jane Roe" in-place:"y y y n e n n n y" would-support:"- - - y n e n y -" meeting:2 note:"at the county building"`,
					"Logged 9 answers from Jane Roe", "From meeting 2.")
				return
			}
			if !strings.Contains(out, "#9 Fair and Impartial Policing Rule") {
				t.Errorf("/response sheet opened:\n%s", out)
			}
			out = w.fill("y -", "y -", "y -", "n y", "e n", "n e", "n n", "n y", "y -", "", "", "at the county building")
			if !strings.Contains(out, "Logged 9 answers from Jane Roe") || !strings.Contains(out, "From meeting 2.") {
				t.Errorf("the filled sheet:\n%s", out)
			}
		})
		// The county's sheriff counts: four rules in place.
		w.expect("/scorecard", "4 of 9 in place; Jane Roe supports 2 more, evasive on 2",
			"#1 Judicial Warrant Rule — ✅ in place", "Counts the officials of Sangamon County too")
		guide("dddn---", "File the report-back on meeting 2", "/report meeting:2 filed:yes")

		// The report shows the sheriff's answers only; viewing it files
		// nothing.
		w.as("bob")
		out = w.expect("/report meeting:2", "Springfield residents met Jane Roe (Sheriff).", "Attended (5): ana, eve, kim, lee, sam",
			"#4 Clear Identification Rule: in place NO; would support YES", "Not filed yet.")
		if strings.Contains(out, "Quimby") {
			t.Errorf("meeting 2's report shows the mayor:\n%s", out)
		}
		w.refuse("/report meeting:2 filed:yes", "Filing the report-back is for the reporter, note-taker or spokesperson")
		w.as("alex")
		guide("dddn---", "File the report-back on meeting 2")
		w.as("lee")
		w.refuse("/report meeting:3 filed:yes", "Meeting 3 has not taken place yet")
		w.expect("/report meeting:2 filed:yes", "✓ Meeting 2's report-back is recorded as filed", "Filed by lee on Thu Dec 3, 2026, 12:05 PM CST")
		w.refuse("/report meeting:2 filed:yes", "already filed by lee")
		guide("ddddn--", "Hold the follow-up organizing meeting, meeting 3, on Thu Dec 10, 2026, 1:00 PM CST", "map.peoplepower.org")

		// The mayor, called, disagrees with the sheriff on rule 3: the rule
		// is disputed until a coordinator rules on it.
		w.step(at("12-04 10:00"))
		w.dms("ana")
		w.as("ana")
		w.expect(`/response log official:"Joe Quimby" rule:3 in-place:no would-support:yes source:call`, "Logged: Joe Quimby on rule 3")
		w.expect("/scorecard", "3 of 9 in place, 1 disputed",
			"#3 Defined Access/Interview Rule — ⚖️ DISPUTED", "⚖️ in place: Jane Roe (Dec 3); not in place: Joe Quimby (Dec 4)")
		w.expect("/target list", "Pressure points (12)", "Jane Roe (sheriff, Sangamon County) — 4 open: #3 #5 #6 #7")
		w.refuse("/response settle rule:3 in-place:no", "Only a coordinator")
		w.as("alex")
		w.expect(`/response settle rule:3 in-place:no note:"the county jail lets ICE in"`, "Rule 3 (Defined Access/Interview Rule): ❌ not in place",
			"Officials had said: in place: Jane Roe (Dec 3); not in place: Joe Quimby (Dec 4).")
		w.expect("/scorecard", "3 of 9 in place; ", "⚖️ Ruled not in place by the group (Dec 4)")

		// The follow-up meeting takes place; targets, a tactic.
		w.step(at("12-10 15:00"))
		for _, who := range []string{"ana", "kim"} {
			w.dms(who) // meeting 3's reminders
		}
		guide("dddddn-", "/target list")
		w.expect(`/task add title:"Call the mayor's office" tactic:calls-letters due:"dec 14 5pm" user:@sam`, "Task 1 added")
		w.expectDMs("sam", "alex gave you task 1")
		guide("ddddddn", "/task list open")
		w.as("sam")
		w.expect("/task done 1", "Task 1 done")
		w.as("alex")
		guide("ddddddd", "Every step is done")

		// What the store holds agrees with what was said.
		g := w.group()
		m, err := w.store.MeetingByNumber(ctx, g.ID, 2)
		if err != nil || m.ReportFiledAt == nil {
			t.Errorf("meeting 2 in the store: %+v (%v), want its report filed", m, err)
		}
		if n, err := w.store.AttendanceCount(ctx, g.ID, m.ID); err != nil || n != 5 {
			t.Errorf("meeting 2 attendance in the store: %d (%v), want 5", n, err)
		}
	})
}

// stageMarks reads /guide's seven stage lines as a string of marks: d
// (done), n (now), - (not started).
func stageMarks(out string) string {
	var marks strings.Builder
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "- ✅ "):
			marks.WriteByte('d')
		case strings.HasPrefix(line, "- ▶️ "):
			marks.WriteByte('n')
		case strings.HasPrefix(line, "- ⬜ "):
			marks.WriteByte('-')
		}
	}
	return marks.String()
}
