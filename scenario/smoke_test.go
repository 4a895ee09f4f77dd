package scenario

import (
	"context"
	"strings"
	"testing"
)

// TestSmoke plays a short campaign on every platform and database with
// the same lines and the same expectations: setup, an official, a role
// whose script arrives by direct message, a meeting with two RSVPs (one
// by button), refusals, a task reminder and meeting reminders delivered
// as the clock passes, the meeting held, its attendance and answers, and
// the scorecard they make.
func TestSmoke(t *testing.T) {
	t.Parallel()
	eachPlatform(t, func(t *testing.T, w *world) {
		w.as("alex")
		w.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "Springfield is set up", "first lead")
		w.expect(`/official add name:"Jane Roe" office:sheriff`, "Official added: Jane Roe", "Jane Roe (Sheriff, Springfield)")

		// A member may not add officials.
		w.as("sam")
		w.refuse(`/official add name:"John Doe" office:mayor`, "Only a coordinator")

		// The lead gives sam a role; its script arrives by direct message,
		// not in the channel.
		w.as("alex")
		out := w.expect("/role assign user:@sam role:scheduler", "sam is now scheduler", `/task add title:"Schedule the meeting`, "user:@sam")
		if strings.Contains(out, "your part in Springfield") {
			t.Errorf("the script was shown in the channel:\n%s", out)
		}
		w.expectDMs("sam", "scheduler: your part in Springfield\n- Call the office of the top law-enforcement officer for Springfield")
		w.expectDMs("alex")

		// sam books the meeting; sam answers by command, ana by button.
		w.as("sam")
		w.expect(`/meeting schedule official:"Jane Roe" when:"dec 3 noon" where:"County Building"`,
			"Meeting 1 scheduled: Law-enforcement meeting with Jane Roe",
			"When: Thu Dec 3, 2026, 12:00 PM CST",
			"Gather: Thu Dec 3, 2026, 11:40 AM CST, near County Building",
			"[Yes: /meeting rsvp id:1 answer:yes]")
		w.expect("/meeting rsvp 1 yes", "You're coming to meeting 1", "1 yes, 0 maybe, 0 no")
		w.as("ana")
		w.expect("/meeting show 1", "Meeting 1: Law-enforcement meeting with Jane Roe", "sam")
		if out := w.click("meeting rsvp id:1 answer:yes"); !strings.Contains(out, "You're coming to meeting 1") || !strings.Contains(out, "2 yes, 0 maybe, 0 no") {
			t.Errorf("ana's RSVP click:\n%s", out)
		}
		w.expect("/meeting show 1", "ana", "sam")
		m, err := w.store.MeetingByNumber(context.Background(), w.group().ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := w.store.RSVPCounts(context.Background(), w.group().ID, m.ID); err != nil || n["yes"] != 2 || n["no"] != 0 || n["maybe"] != 0 {
			t.Errorf("RSVPs to meeting 1: %v (%v), want 2 yes", n, err)
		}

		// Wrong input is refused, privately, with a way forward.
		w.refuse("/meeting rsvp 99 yes", "no meeting 99", "/meeting list")
		w.refuse("/meeting rsvp 1 perhaps", "`answer`", "yes, no, maybe")
		w.refuse(`/meeting schedule when:"yesterday 3pm" where:"Hall"`, "`when`")

		// A task for sam: he hears of it at once, 24 hours before it is
		// due, and when it is overdue.
		w.as("alex")
		w.expect(`/task add title:"Call the mayor's office" due:"dec 1 5pm" user:@sam`,
			"Task 1 added", "“Call the mayor's office” — for sam", "Due Tue Dec 1, 2026, 5:00 PM CST", "[Mark done: /task done id:1]")
		w.expectDMs("sam", "alex gave you task 1")
		w.step(at("11-30 16:59"))
		w.expectDMs("sam")
		w.step(at("11-30 17:00"))
		w.expectDMs("sam", "Due tomorrow: task 1\n“Call the mayor's office” is due Tue Dec 1, 5:00 PM CST. When it is done: `/task done 1`.")

		// The meeting's reminders reach those who said yes; the task's
		// overdue one reaches sam.
		w.step(at("12-02 12:00"))
		w.expectDMs("sam", "Overdue: task 1", "Tomorrow: meeting 1\nLaw-enforcement meeting with Jane Roe starts Thu Dec 3, 12:00 PM CST at County Building.")
		w.expectDMs("ana", "Tomorrow: meeting 1")
		w.expectDMs("alex")
		w.step(at("12-03 10:40"))
		w.expectDMs("ana", "In an hour: gather for meeting 1\nLaw-enforcement meeting with Jane Roe starts Thu Dec 3, 12:00 PM CST at County Building. Gather 11:40 AM, near County Building")
		w.expectDMs("sam", "In an hour: gather for meeting 1")

		// Too early to mark it held; after it starts, it is.
		w.refuse("/meeting held 1", "mark it held once it has started")
		w.step(at("12-03 12:05"))
		w.expect("/meeting held 1", "Meeting 1 (Thu Dec 3, 2026, 12:00 PM CST) is marked held")
		w.expect("/meeting attendance 1 @sam @ana", "2 came in all")
		w.expect(`/response bulk official:"Jane Roe" in-place:y n n y e u n n y would-support:- y e - n y n y - meeting:1`,
			"Logged 9 answers from Jane Roe", "Evasive on #3 #5")
		w.expect("/scorecard", "Scorecard: Springfield", "3 of 9 in place; Jane Roe supports 3 more, evasive on 2",
			"#5 Don't Ask Rule — ⚠️ EVASIVE",
			"#7 Discriminatory Surveillance Prohibition Rule — ❌ not in place: ❌ Jane Roe: won't support")
		w.step(at("12-04 09:00"))
		for _, name := range []string{"alex", "sam", "ana"} {
			w.expectDMs(name)
		}
	})
}
