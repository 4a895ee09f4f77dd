package commands_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestAudit(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.do("as bob")
		b.refuse("/audit", "Only a lead (or higher) can do that")
		b.do("as you")
		for i := 1; i <= 24; i++ {
			b.expect(fmt.Sprintf(`/task add title:"Task number %d"`, i), fmt.Sprintf("Task %d added", i))
		}
		out := b.expect("/audit", "Recent changes (20)", "you · task.add task 24 · \"Task number 24\" for you")
		if got := strings.Count(out, "\n- "); got != 20 {
			t.Errorf("/audit shows %d changes, want the default 20:\n%s", got, out)
		}
		if strings.Contains(out, "task 4 ·") || strings.Contains(out, "setup") {
			t.Errorf("/audit shows more than the 20 latest changes:\n%s", out)
		}
		out = b.expect("/audit limit:2", "Recent changes (2)", "task.add task 24", "task.add task 23")
		if strings.Contains(out, "task 22") {
			t.Errorf("/audit limit:2 shows a third change:\n%s", out)
		}
		b.expect("/audit limit:50", "Recent changes (26)", "Page 1 of 2. … and 7 more: add page:2")
		b.expect("/audit limit:50 page:2", "setup · ", "Springfield (city), America/Chicago", "role.assign")
		b.refuse("/audit limit:0", "`limit` must be between 1 and 50, not 0", "Example: `/audit limit:10`")
		b.refuse("/audit limit:51", "`limit` must be between 1 and 50, not 51")
	})
}

// TestGroupsNeverSeeEachOther proves that answers, tasks and audit entries
// stay in their group, whatever numbers or names another group types.
func TestGroupsNeverSeeEachOther(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.plantOfficial("Sheriff Roe", "sheriff", "")
		plantMeetingIn(t, b.store, "console", start.Add(72*3600e9))
		b.expect(`/response bulk official:"Sheriff Roe" in-place:yyynnnnnn would-support:---yyyyye source:call`, "Logged 9 answers")
		b.expect(`/task add title:"Secret plan" user:@bob`, "Task 1 added")

		other := b.otherGroup("shelbyville", "lisa")
		if out := other.do(`/setup jurisdiction:"Shelbyville" kind:city timezone:America/New_York`); !strings.Contains(out, "Shelbyville is set up") {
			t.Fatalf("setup of the other group: %s", out)
		}
		checks := []struct{ line, want string }{
			{`/scorecard`, "No officials yet"},
			{`/target list`, "No officials yet"},
			{`/response history official:"Sheriff Roe"`, "There is no official named `Sheriff Roe`"},
			{`/response log official:"Sheriff Roe" rule:1 in-place:no`, "There is no official named `Sheriff Roe`"},
			{`/target show "Sheriff Roe"`, "There is no official named `Sheriff Roe`"},
			{`/task list all`, "No tasks yet"},
			{`/task done 1`, "There is no task 1 in this group"},
			{`/task reopen 1`, "There is no task 1 in this group"},
			{`/task add title:"Steal" meeting:1`, "There is no meeting 1 in this group"},
		}
		for _, c := range checks {
			if out := other.do(c.line); !strings.Contains(out, c.want) || strings.Contains(out, "Secret plan") {
				t.Errorf("other group: %s\ngot:\n%s\nwant %q", c.line, out, c.want)
			}
		}
		// The other group's own sheriff of the same name and its own task 1.
		plantOfficialIn(t, b.store, "shelbyville", "Sheriff Roe", "sheriff", "")
		if out := other.do(`/response log official:"Sheriff Roe" rule:1 in-place:no would-support:no`); !strings.Contains(out, "Logged") {
			t.Fatalf("other group logs an answer: %s", out)
		}
		if out := other.do(`/task add title:"Their plan"`); !strings.Contains(out, "Task 1 added") {
			t.Fatalf("other group numbers its own tasks from 1: %s", out)
		}
		out := other.do("/audit")
		for _, leak := range []string{"Secret plan", "Springfield", "response.bulk"} {
			if strings.Contains(out, leak) {
				t.Errorf("the other group's audit shows %q:\n%s", leak, out)
			}
		}
		if !strings.Contains(out, "Their plan") {
			t.Errorf("the other group's audit lacks its own task:\n%s", out)
		}

		// And the first group sees only its own.
		out = b.expect(`/response history official:"Sheriff Roe"`, "Answers from Sheriff Roe")
		if strings.Contains(out, "won't") || strings.Count(out, "\n- ") != 9 {
			t.Errorf("history mixes groups:\n%s", out)
		}
		b.expect("/scorecard", "3 of 9 in place; Sheriff Roe supports 5 more, evasive on 1")
		out = b.expect("/task list all", "All tasks (1)", "Secret plan")
		if strings.Contains(out, "Their plan") {
			t.Errorf("/task list shows the other group's task:\n%s", out)
		}
		b.expect("/task done 1", "Secret plan")
		out = b.expect("/audit")
		if strings.Contains(out, "Their plan") || strings.Contains(out, "Shelbyville") {
			t.Errorf("/audit shows the other group's changes:\n%s", out)
		}
	})
}
