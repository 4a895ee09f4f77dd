package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/console"
)

func TestTaskAddDoneReopen(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		plantMeetingIn(t, b.store, console.Group, start.Add(72*time.Hour))
		plantMeetingIn(t, b.store, "elsewhere", start.Add(72*time.Hour))
		plantMeetingIn(t, b.store, "elsewhere", start.Add(96*time.Hour))

		b.do("as bob")
		b.expect(`/task add title:"Knock on doors" due:"friday 5pm" meeting:1 tactic:petition`,
			"Task 1 added", "“Knock on doors” — for bob", "Due Fri Dec 4, 2026, 5:00 PM CST",
			"Tactic petition: Gather and present petition signatures", "For meeting 1 (Mon Nov 30, 2026, 9:00 AM CST)",
			"[Mark done: /task done id:1]")
		b.expect(`/task add "Bring the sign-in sheet" user:@bob`, "Task 2 added", "for bob")
		refusals := []struct{ line, want string }{
			{`/task add title:"Call the mayor" user:@carol`, "Only a lead can give a task to carol; leave out user: to take it yourself"},
			{`/task add title:""`, "The option `title` is required"},
			{`/task add title:"   "`, "The option `title` is required"},
			{`/task add title:` + strings.Repeat("x", 201), "`title` is 201 characters long; the limit is 200"},
			{`/task add title:` + strings.Repeat("x", 500), "`title` is 500 characters long"},
			{`/task add title:"Call" due:"yesterday 3pm"`, "That due time (Thu Nov 26, 2026, 3:00 PM CST) has already passed"},
			{`/task add title:"Call" due:"2026-11-27 08:00"`, "has already passed"},
			{`/task add title:"Call" due:"someday soonish"`, "I can't read `someday soonish` as a time"},
			{`/task add title:"Call" meeting:2`, "There is no meeting 2 in this group"},
			{`/task add title:"Call" tactic:knitting`, "`tactic` must be one of calls-letters, in-person"},
		}
		for _, r := range refusals {
			b.refuse(r.line, r.want, "Example: `/task")
		}

		b.do("as carol")
		b.refuse("/task done 1", "Only bob, or a coordinator or lead can change task 1")
		b.refuse("/task done 9", "There is no task 9 in this group")
		b.do("as bob")
		b.expect("/task done 1", "✓ Task 1 done: “Knock on doors”", "[Reopen: /task reopen id:1]")
		b.refuse("/task done 1", "Task 1 is already done; `/task reopen 1` opens it again.")
		b.do("as carol")
		b.refuse("/task reopen 1", "Only bob, or a coordinator or lead can change task 1")
		b.do("as you") // the lead
		b.expect("/task reopen 1", "Task 1 is open again", "[Mark done: /task done id:1]")
		b.refuse("/task reopen 1", "Task 1 is already open")
		b.expect(`/task add title:"Post the meeting on the map" user:@carol due:"dec 3"`, "Task 3 added", "for carol", "Due Thu Dec 3, 2026, 11:59 PM CST")
		if !strings.Contains(b.sent.String(), "[message to @carol]\nyou gave you task 3") {
			t.Errorf("carol was not told of her task; sent:\n%s", b.sent.String())
		}
		b.do("as carol") // the assignee may complete a task someone else created
		b.expect("/task done id:3", "Task 3 done")

		out := b.expect("/task list all", "All tasks (3)")
		if got := strings.Count(out, "\n- "); got != 3 {
			t.Errorf("/task list all shows %d tasks after the refusals, want 3:\n%s", got, out)
		}
		b.do("as you")
		out = b.expect("/audit")
		for _, want := range []string{"task.add task 1", "task.done task 1 · open → done", "task.reopen task 1 · done → open", "task.done task 3", `task.add task 3 · "Post the meeting on the map" for carol`} {
			if !strings.Contains(out, want) {
				t.Errorf("/audit lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestTaskList(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.expect("/task list", "Open tasks (0)", "No open tasks. Add one:")
		b.expect(`/task add title:"Lead's task" due:"tomorrow 5pm"`, "Task 1 added")
		b.expect(`/task add title:"Bob's task" user:@bob tactic:rally`, "Task 2 added")
		b.expect(`/task add title:"Done task" user:@bob`, "Task 3 added")
		b.expect("/task done 3", "Task 3 done")

		b.expect("/task list", "Open tasks (2)", "#1 Lead's task — you · due tomorrow 5:00 PM", "#2 Bob's task — bob · rally")
		b.expect("/task list done", "Done tasks (1)", "#3 ✓ Done task — bob · done Fri Nov 27")
		b.expect("/task list all", "All tasks (3)")
		b.expect("/task list user:@bob", "Open tasks (1) · bob", "#2 Bob's task")
		b.expect("/task list all user:@bob", "All tasks (2) · bob")
		b.do("as bob")
		out := b.expect("/task list mine", "Your open tasks (1)", "#2 Bob's task")
		if strings.Contains(out, "Lead's task") {
			t.Errorf("/task list mine shows another's task:\n%s", out)
		}
		b.refuse("/task list mine user:@you", "`mine` lists your own tasks")
		b.refuse("/task list someday", "`show` must be one of open, mine, overdue, done, all")
		b.expect("/task list overdue", "Overdue tasks (0)", "Nothing is overdue.")
	})
}

// TestTaskOverdueAcrossMidnight proves that due days are the group's: a
// task due "dec 3" is due until midnight in Chicago, six hours after
// midnight in UTC.
func TestTaskOverdueAcrossMidnight(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.expect(`/task add title:"Mail the letters" due:"dec 3"`, "Task 1 added", "Due Thu Dec 3, 2026, 11:59 PM CST")
		b.expect(`/task add title:"Print the petition" due:"dec 4 9am"`, "Task 2 added")
		chicago, _ := time.LoadLocation("America/Chicago")

		b.clock.Set(time.Date(2026, 12, 3, 23, 30, 0, 0, chicago)) // 05:30 UTC on Dec 4
		b.expect("/task list overdue", "Nothing is overdue.")
		b.expect("/task list", "#1 Mail the letters — you · due today 11:59 PM", "#2 Print the petition — you · due tomorrow 9:00 AM")

		b.clock.Set(time.Date(2026, 12, 4, 0, 1, 0, 0, chicago))
		out := b.expect("/task list overdue", "Overdue tasks (1)", "#1 Mail the letters — you · ⏰ OVERDUE (due yesterday 11:59 PM)")
		if strings.Contains(out, "Print the petition") {
			t.Errorf("a task due later today is listed as overdue:\n%s", out)
		}
		b.expect("/task list", "#2 Print the petition — you · due today 9:00 AM")
		// At 00:01 on Dec 4, "today" is Dec 4 in Chicago: Dec 3 has passed.
		b.refuse(`/task add title:"Too late" due:"yesterday"`, "That due time (Thu Dec 3, 2026, 11:59 PM CST) has already passed")
		b.expect(`/task add title:"In time" due:"today"`, "Due Fri Dec 4, 2026, 11:59 PM CST")
	})
}
