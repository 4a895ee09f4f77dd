package commands_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/fcbot/fcbot/storage"
)

// The people of the privacy tests, with names found nowhere else: a grep
// of the database for one finds only what is about them. On the console a
// user's platform id is their name in lower case.
const (
	lead    = "Liam"
	subject = "Zephyrine" // who asks what is kept, exports, and is forgotten
	other   = "Quillon"
)

// privacyWorld sets up a group where the subject has done a bit of
// everything (some of it naming others), and others have done things
// that name the subject: meetings with RSVPs, attendance, roles
// (group-wide and for meetings),
// tasks assigned, created and naming them, an answer logged, a task
// reminder and a meeting reminder due, and a notice waiting in the queue.
func privacyWorld(b *testBot) {
	b.t.Helper()
	for _, l := range []string{
		"as " + lead,
		`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`,
		`/official add name:"Jane Roe" office:sheriff`,
		`/meeting schedule official:"Jane Roe" when:"tomorrow 7pm" where:"County Building"`,
		`/meeting record when:"yesterday 7pm" where:"Library" kind:organizing`,
		"/role assign user:@zephyrine role:note-taker",
		"/role assign user:@zephyrine role:spokesperson meeting:1",
		"/role assign user:@zephyrine role:attendance-keeper meeting:2",
		`/task add title:"Book the room" user:@zephyrine due:"tomorrow 5pm"`,
		`/task add title:"Bring the sign-in sheet" user:@quillon due:"tomorrow 5pm"`,
		"as " + subject,
		"/meeting attendance 2 @zephyrine @quillon",
		"/meeting rsvp 1 yes",
		`/task add title:"Print flyers"`,
		`/response log official:"Jane Roe" rule:3 in-place:no`,
		"as " + other,
		"/meeting rsvp 1 yes",
		`/task add title:"Ask Zephyrine about the flyers"`,
		"as " + lead,
		// A notice to everyone who said yes, waiting in the queue.
		`/meeting reschedule 1 when:"tomorrow 8pm"`,
	} {
		if out := b.do(l); strings.HasPrefix(out, "✗") {
			b.t.Fatalf("%s: %s", l, out)
		}
	}
}

// dumped is one row of a full-text dump of the database.
type dumped struct {
	table string
	id    int64 // 0 in a table without an id column
	text  string
}

// dump reads every row of every table the database lists, River's
// included, with each value rendered as text.
func dump(t *testing.T, s *storage.Store) []dumped {
	t.Helper()
	ctx := context.Background()
	list := "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
	if s.Dialect() == storage.Postgres {
		list = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
	}
	var tables []string
	rows, err := s.SQL().QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 20 {
		t.Fatalf("the catalog lists %d tables: %q", len(tables), tables)
	}
	var out []dumped
	for _, table := range tables {
		rows, err := s.SQL().QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			row := dumped{table: table}
			var text []string
			for i, v := range vals {
				var s string
				switch v := v.(type) {
				case nil:
				case []byte:
					s = string(v)
				case time.Time:
					s = v.Format(time.RFC3339Nano)
				default:
					s = fmt.Sprint(v)
				}
				if cols[i] == "id" {
					fmt.Sscan(s, &row.id)
				}
				text = append(text, cols[i]+"="+s)
			}
			row.text = strings.Join(text, " | ")
			out = append(out, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		rows.Close()
	}
	return out
}

// naming returns the dumped rows whose text holds word, case aside.
func naming(rows []dumped, word string) []dumped {
	var out []dumped
	for _, r := range rows {
		if strings.Contains(strings.ToLower(r.text), strings.ToLower(word)) {
			out = append(out, r)
		}
	}
	return out
}

// exported is an export file as a program reads it: each row by its
// table and id.
type exported struct {
	Format  string   `json:"format"`
	Summary []string `json:"summary"`
	Member  struct {
		ID          int64  `json:"id"`
		DisplayName string `json:"display_name"`
	} `json:"member"`
	Roles      []struct{ ID int64 } `json:"roles"`
	RSVPs      []struct{ ID int64 } `json:"rsvps"`
	Attendance []struct{ ID int64 } `json:"attendance"`
	Tasks      []struct{ ID int64 } `json:"tasks"`
	Answers    []struct{ ID int64 } `json:"answers_logged"`
	Rulings    []struct{ ID int64 } `json:"rulings"`
	Meetings   []struct{ ID int64 } `json:"meetings"`
	Audit      []struct{ ID int64 } `json:"audit_entries"`
	Messages   []struct{ ID int64 } `json:"messages"`
	Mentions   []struct {
		Table string `json:"table"`
		ID    int64  `json:"id"`
	} `json:"mentions"`
}

// rows returns the export's rows as "table#id".
func (e *exported) rows() map[string]bool {
	out := map[string]bool{fmt.Sprintf("members#%d", e.Member.ID): true}
	for table, list := range map[string][]struct{ ID int64 }{
		"role_assignments": e.Roles, "rsvps": e.RSVPs, "attendance": e.Attendance, "tasks": e.Tasks, "answers": e.Answers,
		"rule_settlements": e.Rulings, "meetings": e.Meetings, "audit_log": e.Audit, "river_job": e.Messages,
	} {
		for _, r := range list {
			out[fmt.Sprintf("%s#%d", table, r.ID)] = true
		}
	}
	for _, m := range e.Mentions {
		out[fmt.Sprintf("%s#%d", m.Table, m.ID)] = true
	}
	return out
}

var savedFile = regexp.MustCompile(`File saved: (\S+)`)

// export runs /privacy export as user and returns the file the console
// saved, as text and read.
func (b *testBot) export(user string) (string, *exported) {
	b.t.Helper()
	b.do("as " + user)
	before := len(savedFile.FindAllStringSubmatch(b.sent.String(), -1))
	b.expect("/privacy export", "Your data is on its way by direct message: a JSON file of")
	saved := savedFile.FindAllStringSubmatch(b.sent.String(), -1)
	if len(saved) != before+1 {
		b.t.Fatalf("/privacy export as %s saved %d files, want 1:\n%s", user, len(saved)-before, b.sent.String())
	}
	path := saved[len(saved)-1][1]
	if !strings.Contains(b.sent.String(), "[message to @"+strings.ToLower(user)+"]\nYour data in fcbot") {
		b.t.Errorf("the export did not come to %s by direct message:\n%s", user, b.sent.String())
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		b.t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.t.Fatal(err)
	}
	var e exported
	if err := json.Unmarshal(data, &e); err != nil {
		b.t.Fatalf("the export is not JSON: %v\n%s", err, data)
	}
	if e.Format != "fcbot-privacy-export/1" || len(e.Summary) == 0 {
		b.t.Errorf("export format %q, summary %q", e.Format, e.Summary)
	}
	return string(data), &e
}

func TestPrivacyShowsWhatIsKept(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		privacyWorld(b)
		b.do("as " + subject)
		b.expect("/privacy", "What fcbot keeps about you here",
			"You: Zephyrine, console id zephyrine.",
			"Language: English", "Reminders: on",
			"Your roles: note-taker, spokesperson (meeting 1), attendance-keeper (meeting 2).",
			"What you did here: 1 answer to a meeting invitation, 1 meeting attended, 2 tasks assigned to you, 1 task you created, 1 official's answer you logged, 4 entries in the change log.",
			"365 days after each meeting", "`/privacy export`", "`/privacy forget`", "Your settings: `/me`.")
		b.expect("/me", "What fcbot keeps about you: `/privacy`.")
		b.do("as " + other)
		b.expect("/privacy", "You: Quillon, console id quillon.", "Your roles: none.", "1 answer to a meeting invitation, 1 meeting attended, 2 tasks assigned to you, 1 task you created, 0 officials' answers you logged")
	})
}

// TestPrivacyExportHasAllOfYoursAndNothingElse compares the export with
// a grep of the whole database: every row that names the member is in
// it, and no other member's name or id is.
func TestPrivacyExportHasAllOfYoursAndNothingElse(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		privacyWorld(b)
		text, e := b.export(subject)
		rows := e.rows()
		found := naming(dump(t, b.store), subject)
		if len(found) < 8 {
			t.Fatalf("a grep for %s finds %d rows; the world should make more", subject, len(found))
		}
		for _, r := range found {
			if !rows[fmt.Sprintf("%s#%d", r.table, r.id)] {
				t.Errorf("the export lacks %s row %d, which names %s: %s", r.table, r.id, subject, r.text)
			}
		}
		for _, word := range []string{lead, other} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(word)) {
				t.Errorf("the export names %s:\n%s", word, text)
			}
		}
		if len(e.RSVPs) != 1 || len(e.Attendance) != 1 || len(e.Roles) != 3 || len(e.Tasks) != 2 || len(e.Answers) != 1 || len(e.Messages) != 1 || len(e.Mentions) == 0 {
			t.Errorf("export sections: %d RSVPs, %d attendance, %d roles, %d tasks, %d answers, %d messages, %d mentions; want 1, 1, 3, 2, 1, 1 and some",
				len(e.RSVPs), len(e.Attendance), len(e.Roles), len(e.Tasks), len(e.Answers), len(e.Messages), len(e.Mentions))
		}
		if !strings.Contains(strings.Join(e.Summary, "\n"), "In the file: 3 roles, 1 answer to a meeting invitation, 1 meeting attended, 2 tasks assigned to you or created by you") {
			t.Errorf("summary: %q", e.Summary)
		}
	})
}

// counts reads the numbers a meeting's page and the list of all meetings
// show, without the names.
func (b *testBot) counts() string {
	b.t.Helper()
	b.do("as " + lead)
	number := regexp.MustCompile(`(Yes|Maybe|No|Came) \(\d+\)|\d+ yes, \d+ maybe, \d+ no`)
	var out []string
	for _, l := range []string{"/meeting show 1", "/meeting show 2", "/meeting list which:all"} {
		out = append(out, l+": "+strings.Join(number.FindAllString(b.do(l), -1), ", "))
	}
	return strings.Join(out, "\n")
}

// settle moves the clock to at and waits until every job due by then has
// run and every message it sent is delivered; it returns what the
// console's Sender printed since.
func (b *testBot) settle(at time.Time) string {
	b.t.Helper()
	before := len(b.sent.String())
	b.delivered() // starts the queue
	b.clock.Set(at)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := b.queue.Client().JobList(context.Background(), river.NewJobListParams().First(10000).
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateScheduled))
		if err != nil {
			b.t.Fatal(err)
		}
		var due []string
		for _, j := range res.Jobs {
			if (j.State != rivertype.JobStateScheduled && j.State != rivertype.JobStateRetryable) || !j.ScheduledAt.After(at) {
				due = append(due, fmt.Sprintf("%s %s %s", j.Kind, j.State, j.ScheduledAt))
			}
		}
		if len(due) == 0 {
			return b.delivered()[before:]
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("jobs due by %s still waiting: %q", at, due)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPrivacyForget(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.store.SetHooks(b.queue) // reminders, as the process has them
		privacyWorld(b)
		counts := b.counts()
		if !strings.Contains(counts, "Yes (2)") || !strings.Contains(counts, "Came (2)") {
			t.Fatalf("before: %s", counts)
		}
		before := len(naming(dump(t, b.store), subject))
		var id int64
		if err := b.store.SQL().QueryRow("SELECT id FROM members WHERE platform_user_id = 'zephyrine'").Scan(&id); err != nil {
			t.Fatal(err)
		}

		// Asked, not done: nothing changes until it is confirmed.
		b.do("as " + subject)
		b.expect("/privacy forget", "Forget for good?", "It cannot be undone",
			"[Forget for good: /privacy forget confirm:yes]", "type `/privacy forget confirm:yes`")
		b.expect("/privacy forget confirm:no", "Forget for good?")
		if after := len(naming(dump(t, b.store), subject)); after != before {
			t.Fatalf("an unconfirmed /privacy forget changed the rows naming %s: %d, then %d", subject, before, after)
		}

		b.expect("/privacy forget confirm:yes", "fcbot has forgotten you in this group", "2 open tasks are assigned to no one now: #1, #3.")
		if left := naming(dump(t, b.store), subject); len(left) > 0 {
			for _, r := range left {
				t.Errorf("after /privacy forget, %s row %d still names %s: %s", r.table, r.id, subject, r.text)
			}
		}
		for _, table := range []string{"rsvps", "attendance", "role_assignments", "digest_subscriptions"} {
			var n int64
			if err := b.store.SQL().QueryRow("SELECT COUNT(*) FROM "+table+" WHERE member_id = $1", id).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d rows (%v) still link the forgotten member to meetings or roles, want none", table, n, err)
			}
		}
		if got := b.counts(); got != counts {
			t.Errorf("meeting numbers changed:\nbefore:\n%s\nafter:\n%s", counts, got)
		}
		audit := b.expect("/audit", "former member 1", "member.forget")
		if strings.Contains(strings.ToLower(audit), "zephyrine") {
			t.Errorf("the audit log still names %s:\n%s", subject, audit)
		}
		b.expect("/task list all", "Book the room")

		// The lead hears about the task; the forgotten member hears
		// nothing more, though the reminders of the task that was theirs
		// and of the meeting they said yes to come due. Quillon, who said
		// yes too, is reminded.
		sent := b.settle(time.Date(2026, 11, 28, 2, 30, 0, 0, time.UTC)) // Fri 8:30 PM in Chicago
		for _, want := range []string{"[message to @liam]\nTasks without anyone", "2 open tasks are assigned to no one now: #1, #3. See them with `/task list`.",
			"[message to @quillon]\nDue tomorrow: task 2", "[message to @quillon]\nTomorrow: meeting 1"} {
			if !strings.Contains(sent, want) {
				t.Errorf("sent after the forget:\n%s\nwant %q", sent, want)
			}
		}
		if strings.Contains(sent, "@zephyrine") {
			t.Errorf("a message went to the forgotten member:\n%s", sent)
		}

		// Another member's export still works, and does not name them.
		text, e := b.export(other)
		if len(e.RSVPs) != 1 || len(e.Attendance) != 1 || strings.Contains(strings.ToLower(text), "zephyrine") {
			t.Errorf("%s's export after the forget: %d RSVPs, %d attendance:\n%s", other, len(e.RSVPs), len(e.Attendance), text)
		}

		// The same platform user coming back is a new member.
		b.do("as " + subject)
		b.expect("/privacy", "You: Zephyrine, console id zephyrine.", "Your roles: none.", "0 answers to meeting invitations, 0 meetings attended, 0 tasks assigned to you")
		var members int64
		if err := b.store.SQL().QueryRow("SELECT COUNT(*) FROM members WHERE platform_user_id = 'zephyrine'").Scan(&members); err != nil || members != 1 {
			t.Errorf("members with the platform id: %d (%v), want the new one only", members, err)
		}
		var former int64
		if err := b.store.SQL().QueryRow("SELECT COUNT(*) FROM members WHERE platform_user_id IS NULL AND display_name = 'former member 1'").Scan(&former); err != nil || former != 1 {
			t.Errorf("former members: %d (%v), want 1", former, err)
		}
	})
}

func TestLastLeadCannotForgetThemselves(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		privacyWorld(b)
		b.do("as " + lead)
		b.refuse("/privacy forget confirm:yes", "You are the group's last lead", "/role assign user:@alex role:lead")
		b.do("as " + other)
		b.refuse("/member forget user:@liam confirm:yes", "lead")
		if len(naming(dump(t, b.store), lead)) == 0 {
			t.Fatalf("a refused forget erased %s", lead)
		}
		b.do("as " + lead)
		b.expect("/role assign user:@quillon role:lead", "quillon is now lead")
		b.do("as " + other)
		b.refuse("/member forget user:@nobody confirm:yes", "fcbot keeps nothing about nobody in this group")
		b.expect("/member forget user:@liam", "This forgets liam in this group", "[Forget for good: /member forget user:@liam confirm:yes]")
		b.expect("/member forget user:@liam confirm:yes", "fcbot has forgotten that member in this group")
		if left := naming(dump(t, b.store), lead); len(left) > 0 {
			t.Errorf("after /member forget, %d rows still name %s, the first: %s %s", len(left), lead, left[0].table, left[0].text)
		}
		b.refuse("/privacy forget confirm:yes", "You are the group's last lead")
		b.refuse("/member forget user:@liam confirm:yes", "fcbot keeps nothing about liam")
	})
}
