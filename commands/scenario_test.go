package commands_test

import (
	"strings"
	"testing"
	"time"
)

// guideForm is the action guide's report-back form.
const guideForm = "https://docs.google.com/a/bernalalto.com/forms/d/e/1FAIpQLSfj3sSBR2LMtsouzU0EejtaiGovxSGeernpiGTakTY_IF1xew/viewform"

// stageMarks reads /guide's seven stage lines as a string of marks:
// d (done), n (now), - (not started).
func stageMarks(t testing.TB, out string) string {
	t.Helper()
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
	if marks.Len() != 7 {
		t.Fatalf("/guide shows %d stages, want 7:\n%s", marks.Len(), out)
	}
	return marks.String()
}

// guideAt asserts /guide's stage marks and its next step.
func (b *testBot) guideAt(marks string, next ...string) {
	b.t.Helper()
	out := b.expect("/guide", next...)
	if got := stageMarks(b.t, out); got != marks {
		b.t.Errorf("/guide stages = %s, want %s:\n%s", got, marks, out)
	}
}

// TestCampaignScenario walks the action guide end to end through the
// console, as a group would: set up, roles, the law-enforcement meeting
// and its RSVPs, nine answers, scorecard, targets, report-back, the
// follow-up organizing meeting, a tactic task that goes overdue and is
// done; /guide's stages are asserted at every step.
func TestCampaignScenario(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect("/guide", "Your group is not set up yet", "Start with /setup")
		b.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "Springfield is set up", "first lead")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Jane Roe (Sheriff, Springfield)")

		// The first organizing meeting, then roles.
		b.expect(`/meeting schedule kind:organizing when:"tomorrow 7pm" where:"Library"`,
			"Meeting 1 scheduled: Organizing meeting", "When: Sat Nov 28, 2026, 7:00 PM CST", "Gather: Sat Nov 28, 2026, 6:40 PM CST")
		b.clock.Advance(36 * time.Hour)
		b.expect("/meeting held 1", "Meeting 1 (Sat Nov 28, 2026, 7:00 PM CST) is marked held", "Record who came: `/meeting attendance 1 @alex @sam`")
		b.guideAt("n------", "Assign roles")
		b.expect("/role assign user:@sam role:scheduler", "sam is now scheduler", `/task add title:"Schedule the meeting`)
		if sent := b.sent.String(); !strings.Contains(sent, "[message to @sam]\nscheduler: your part in Springfield") ||
			!strings.Contains(sent, "highest-level staffer") {
			t.Errorf("the scheduler's script did not reach sam:\n%s", sent)
		}
		b.guideAt("dn-----", "Have your scheduler call", "/guide role:scheduler", `official:"Jane Roe" when:`)

		// The law-enforcement meeting, within two weeks, and RSVPs.
		out := b.expect(`/meeting schedule official:"Jane Roe" when:"dec 3 noon" where:"County Building"`,
			"Meeting 2 scheduled: Law-enforcement meeting with Jane Roe",
			"When: Thu Dec 3, 2026, 12:00 PM CST", "Gather: Thu Dec 3, 2026, 11:40 AM CST, near County Building",
			"Plan the follow-up organizing meeting", "[Yes: /meeting rsvp id:2 answer:yes]")
		if strings.Contains(out, "more than two weeks") {
			t.Errorf("a meeting 6 days out was warned as late:\n%s", out)
		}
		for user, answer := range map[string]string{"sam": "yes", "ana": "yes", "lee": "no"} {
			b.do("as " + user)
			b.expect("/meeting rsvp 2 "+answer, "meeting 2")
		}
		b.do("as you")
		b.expect("/meeting show 2", "Yes (2): ana, sam", "No (1): lee")
		b.expect("/role assign user:@ana role:spokesperson meeting:2", "ana is now spokesperson for meeting 2")
		if sent := b.sent.String(); !strings.Contains(sent, "[message to @ana]\nspokesperson: your part in Springfield") ||
			!strings.Contains(sent, "Gather with the group 20 minutes early") || !strings.Contains(sent, "name evasion out loud") {
			t.Errorf("the spokesperson's script did not reach ana:\n%s", sent)
		}
		b.guideAt("ddn----", "Meet Jane Roe on Thu Dec 3, 2026, 12:00 PM CST", "/guide role:spokesperson")

		// The meeting: held, attendance, nine answers.
		b.clock.Set(time.Date(2026, 12, 3, 18, 5, 0, 0, time.UTC))
		b.expect("/meeting held 2", "Meeting 2 (Thu Dec 3, 2026, 12:00 PM CST) is marked held")
		b.guideAt("ddn----", "Log the nine answers from meeting 2", `/response sheet official:"Jane Roe"`)
		b.expect("/meeting attendance 2 @sam @ana", "2 came in all")
		b.expect(`/response bulk official:"Jane Roe" in-place:y n n y e u n n y would-support:- y e - n y n y - meeting:2`,
			"Logged 9 answers from Jane Roe", "Evasive on #3 #5")
		b.expect("/scorecard", "3 of 9 in place; Jane Roe supports 3 more, evasive on 2",
			"#5 Don't Ask Rule — ⚠️ EVASIVE", "#7 Discriminatory Surveillance Prohibition Rule — ❌ not in place: ❌ Jane Roe: won't support")
		b.expect("/target list", "1. Jane Roe (sheriff) — 3 open: #3 #5 #7", "calls-letters")
		b.guideAt("dddn---", "File the report-back on meeting 2: `/report meeting:2`", "`/report meeting:2 filed:yes`")

		// The report-back, line by line: viewing it changes nothing.
		report := b.do("/report meeting:2")
		want := []string{
			"Report-back: meeting 2",
			"Springfield residents met Jane Roe (Sheriff).",
			"When: Thu Dec 3, 2026, 12:00 PM CST, at County Building.",
			"Attended (2): ana, sam",
			"Answers:",
			"  #1 Judicial Warrant Rule: in place YES",
			"  #2 No Facilitation Rule: in place NO; would support YES",
			"  #3 Defined Access/Interview Rule: in place NO; would support EVASIVE",
			"  #4 Clear Identification Rule: in place YES",
			"  #5 Don't Ask Rule: in place EVASIVE; would support NO",
			"  #6 Privacy Protection Rule: in place UNKNOWN; would support YES",
			"  #7 Discriminatory Surveillance Prohibition Rule: in place NO; would support NO",
			"  #8 Redress Rule: in place NO; would support YES",
			"  #9 Fair and Impartial Policing Rule: in place YES",
			"  Evasive on: #3, #5",
			"Not filed yet. Paste this into the report-back form (" + guideForm + "), then `/report meeting:2 filed:yes`.",
		}
		if got := strings.Split(report, "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("/report meeting:2:\ngot:\n%s\nwant:\n%s", report, strings.Join(want, "\n"))
		}
		b.guideAt("dddn---", "File the report-back on meeting 2")
		b.expect("/report meeting:2 filed:yes", "✓ Meeting 2's report-back is recorded as filed", "Filed by you on Thu Dec 3, 2026, 12:05 PM CST")
		b.guideAt("ddddn--", "Schedule the follow-up organizing meeting on or after Sat Dec 12", "map.peoplepower.org")

		// The follow-up organizing meeting, two weeks after the first.
		b.expect(`/meeting schedule kind:organizing when:"dec 15 7pm" where:"Library"`, "Meeting 3 scheduled: Organizing meeting")
		b.guideAt("ddddn--", "Hold the follow-up organizing meeting, meeting 3, on Tue Dec 15, 2026, 7:00 PM CST")
		b.clock.Set(time.Date(2026, 12, 16, 3, 0, 0, 0, time.UTC)) // 9 PM in Chicago: it took place
		b.guideAt("dddddn-", "/target list")

		// A tactic task, overdue, then done.
		b.expect(`/task add title:"Call the mayor's office" tactic:calls-letters due:"dec 18 5pm" user:@sam`,
			"Task 1 added", "for sam", "Due Fri Dec 18, 2026, 5:00 PM CST", "[Mark done: /task done id:1]")
		b.guideAt("ddddddn", "/task list open")
		b.clock.Set(time.Date(2026, 12, 19, 15, 0, 0, 0, time.UTC))
		b.expect("/task list overdue", "#1 Call the mayor's office — sam", "OVERDUE (due yesterday 5:00 PM)")
		b.do("as sam")
		b.expect("/task done 1", "Task 1 done")
		b.guideAt("ddddddd", "Every step is done", "help nearby communities")
	})
}
