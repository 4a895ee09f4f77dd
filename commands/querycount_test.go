package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// TestStatementsPerCommand proves that no command's cost in SQL
// statements grows with its group: every leaf of the command tree runs,
// with valid arguments, in a group of 10 and in a group of 1,000 of each
// thing (officials, meetings with RSVPs, roles and attendance, answers,
// rulings, tasks, members, audit entries), and must send the database as
// many statements in both.
func TestStatementsPerCommand(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.env.PublicURL = "https://fcbot.example.org" // for the links /calendar hands out
		small := b.sizedGroup("small", 10)
		large := b.sizedGroup("large", 1000)
		lines := statementProbes()
		covered := map[string]bool{}
		for _, l := range lines {
			covered[l.leaf] = true
		}
		for _, root := range commands.Tree(&commands.Env{}).Roots() {
			root.Leaves(func(c *bot.Command) {
				if !covered[c.Path()] {
					t.Errorf("/%s is not probed: add it to statementProbes", c.Path())
				}
			})
		}
		var table strings.Builder
		fmt.Fprintf(&table, "%-60s %6s %6s\n", "command", "10", "1,000")
		for _, l := range lines {
			a, b := small.statements(t, l.line), large.statements(t, l.line)
			fmt.Fprintf(&table, "%-60s %6d %6d\n", bot.Clip(small.expand(l.line), 60), a, b)
			if a != b {
				t.Errorf("%s ran %d statements in a group of 10, %d in a group of 1,000", l.line, a, b)
			}
		}
		t.Logf("statements per command:\n%s", table.String())
	})
}

// probe is one command line to count, and the leaf it runs.
type probe struct{ leaf, line string }

// statementProbes are the lines TestStatementsPerCommand runs in order in
// each group: every leaf at least once, lists also on page 2, and each
// write with what its reply reads back. {Held}, {Next}, {Past}, {Later}
// and {Task} are the numbers of the meetings and task the groups' own
// probes made (see sizedGroup).
func statementProbes() []probe {
	return []probe{
		{"help", "/help"},
		{"help", "/help command:meeting"},
		{"rules", "/rules"},
		{"setup", "/setup report-form:https://forms.example.org/report"},
		{"setup", "/setup language:es"},
		{"setup", "/setup language:en"},
		{"setup", "/setup retention:400"},
		{"role assign", "/role assign user:@helper role:scheduler"},
		{"role assign", "/role assign user:@helper role:spokesperson meeting:{Next}"},
		{"role list", "/role list"},
		{"role list", "/role list page:2"},
		{"role list", "/role list meeting:{Next}"},
		{"role remove", "/role remove user:@helper role:scheduler"},
		{"official add", `/official add name:"New Official" office:mayor`},
		{"official edit", `/official edit name:"New Official" office:council-member`},
		{"official list", "/official list"},
		{"official list", "/official list page:2"},
		{"official show", `/official show name:"Probe Sheriff"`},
		{"official remove", `/official remove name:"New Official"`},
		{"meeting schedule", `/meeting schedule when:"next tuesday 12:30" where:"Public Library" official:"Probe Sheriff"`},
		{"meeting record", `/meeting record when:"nov 20 7pm" where:"Public Library" kind:organizing`},
		{"meeting list", "/meeting list"},
		{"meeting list", "/meeting list page:2"},
		{"meeting list", "/meeting list which:past page:2"},
		{"meeting list", "/meeting list which:cancelled"},
		{"meeting list", "/meeting list which:all page:3"},
		{"meeting show", "/meeting show {Next}"},
		{"meeting show", "/meeting show {Held}"},
		{"meeting show", "/meeting show {Next} ics:yes"},
		{"meeting rsvp", "/meeting rsvp {Next} yes"},
		{"meeting rsvp", "/meeting rsvp {Next} maybe"},
		{"meeting attendance", "/meeting attendance {Held} @alex @sam @m0001"},
		{"meeting reschedule", `/meeting reschedule {Next} when:"next wednesday 12:30"`},
		{"meeting held", "/meeting held {Past}"},
		{"meeting cancel", "/meeting cancel {Later}"},
		{"calendar link", "/calendar"},
		{"calendar link", "/calendar link"},
		{"calendar rotate", "/calendar rotate"},
		{"response log", `/response log official:"Probe Sheriff" rule:3 in-place:no would-support:yes meeting:{Held}`},
		{"response bulk", `/response bulk official:"Probe Sheriff" in-place:nnnnnnnnn would-support:yyyyyyyyy source:call`},
		{"response sheet", `/response sheet official:"Probe Sheriff"`},
		{"response settle", `/response settle rule:3 in-place:yes note:"checked with the clerk"`},
		{"response history", `/response history official:"Probe Sheriff"`},
		{"response history", `/response history official:"Probe Sheriff" rule:3 page:2`},
		{"scorecard show", "/scorecard"},
		{"scorecard show", `/scorecard jurisdiction:"Sangamon County"`},
		{"scorecard image", "/scorecard image"},
		{"scorecard publish", "/scorecard publish on"},
		{"scorecard publish", "/scorecard publish on"},
		{"scorecard publish", "/scorecard publish off"},
		{"scorecard publish", "/scorecard publish off"},
		{"target list", "/target list"},
		{"target list", "/target list page:2"},
		{"target list", `/target list jurisdiction:"Sangamon County"`},
		{"target show", `/target show official:"Probe Sheriff"`},
		{"task add", `/task add title:"Call the office" due:"friday 5pm" tactic:calls-letters`},
		{"task done", "/task done {Task}"},
		{"task reopen", "/task reopen {Task}"},
		{"task list", "/task list"},
		{"task list", "/task list page:2"},
		{"task list", "/task list mine"},
		{"task list", "/task list overdue"},
		{"task list", "/task list done page:2"},
		{"task list", "/task list all page:2"},
		{"task list", "/task list user:@m0001"},
		{"guide", "/guide"},
		{"guide", "/guide tactics"},
		{"guide", "/guide role:spokesperson"},
		{"report", "/report meeting:{Held}"},
		{"report", "/report meeting:{Held} filed:yes"},
		{"digest now", "/digest now"},
		{"digest time", "/digest time 07:30"},
		{"digest subscribe", "/digest subscribe"},
		{"digest unsubscribe", "/digest unsubscribe"},
		{"digest quiet", "/digest quiet off"},
		{"digest channel", "/digest channel"},
		{"digest channel", "/digest channel off:yes"},
		{"dashboard", "/dashboard"},
		{"me", "/me"},
		{"me", "/me language:es timezone:America/Mexico_City reminders:off"},
		{"me", "/me digest:off"},
		{"me", "/me language:en timezone:none reminders:on digest:on"},
		{"audit", "/audit"},
		{"audit", "/audit limit:50 page:2"},
		{"export", "/export answers"},
		{"export", "/export scorecard"},
		{"export", "/export meetings"},
		{"export", "/export attendance"},
		{"export", "/export tasks"},
		{"privacy", "/privacy"},
		{"privacy", "/privacy export"},
		{"privacy", "/privacy forget"},
		{"member forget", "/member forget user:@m0002"},
		{"member forget", "/member forget user:@m0002 confirm:yes"},
		// Last: the lead forgets themselves, once another holds the role.
		{"role assign", "/role assign user:@m0003 role:lead"},
		{"privacy", "/privacy forget confirm:yes"},
	}
}

// sized is a console workspace seeded to a size, run as its lead.
type sized struct {
	b       *testBot
	group   string
	numbers map[string]int64 // {Held} and the like: see statementProbes
	sent    int
}

// sizedGroup seeds a workspace with n of each thing: most rows through
// storage in one transaction, for speed, and the probes' own official,
// meetings and task through the real commands.
func (b *testBot) sizedGroup(group string, n int) *sized {
	b.t.Helper()
	g := &sized{b: b, group: group, numbers: map[string]int64{}}
	g.must(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
	seedGroup(b.t, b.store, plantGroup(b.t, b.store, group), n, b.clock.Now())
	g.must(`/official add name:"Probe Sheriff" office:sheriff`)
	g.must(`/official add name:"Probe Mayor" office:mayor jurisdiction:"Sangamon County"`)
	g.numbers["Held"] = g.created(`/meeting record when:"yesterday 7pm" where:"Library" official:"Probe Sheriff"`)
	g.numbers["Next"] = g.created(`/meeting schedule when:"tomorrow 7pm" where:"Hall" official:"Probe Sheriff"`)
	g.numbers["Later"] = g.created(`/meeting schedule when:"2026-12-01 18:00" where:"Hall" kind:organizing`)
	g.numbers["Past"] = plantMeetingIn(b.t, b.store, group, b.clock.Now().Add(-2*time.Hour))
	g.must(`/response bulk official:"Probe Sheriff" in-place:nnnnnnnnn would-support:yneuyneuy meeting:{Held}`)
	g.must(`/response bulk official:"Probe Mayor" in-place:ynnnnnnnn would-support:-yyyyyyyy`)
	g.numbers["Task"] = g.created(`/task add title:"Probe task" due:"friday 5pm"`)
	for _, who := range []string{"alex", "sam"} {
		g.run(who, "/meeting rsvp {Next} yes")
	}
	return g
}

// created runs a line that creates a meeting or task and returns its
// number, as the reply's title says it.
func (g *sized) created(line string) int64 {
	g.b.t.Helper()
	reply := g.must(line)
	var n int64
	for _, f := range strings.Fields(reply.Title) {
		if _, err := fmt.Sscanf(f, "%d", &n); err == nil {
			return n
		}
	}
	g.b.t.Fatalf("%s: no number in %q", line, reply.Title)
	return 0
}

// expand fills the probes' numbers into a line.
func (g *sized) expand(line string) string {
	for k, v := range g.numbers {
		line = strings.ReplaceAll(line, "{"+k+"}", fmt.Sprint(v))
	}
	return line
}

// run runs a line as user in the workspace through the console's router.
func (g *sized) run(user, line string) bot.Result {
	g.sent++
	req := &bot.Request{Platform: console.Platform, Group: g.group, User: bot.User{ID: user, Name: user},
		Channel: "console", Locale: "en", ID: fmt.Sprintf("%s-%d", g.group, g.sent)}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: strings.ToLower(n), Name: n}, n != ""
	}
	return g.b.router.Run(context.Background(), req, g.expand(line), mention, g.b.con)
}

// must runs a line as the lead and fails on a refusal.
func (g *sized) must(line string) bot.Reply {
	g.b.t.Helper()
	res := g.run("lead", line)
	if res.Err != nil || res.Reply.Tone == bot.Failure {
		g.b.t.Fatalf("%s in %s: %v %s", g.expand(line), g.group, res.Err, res.Reply.PlainText())
	}
	return res.Reply
}

// statements runs a line as the lead and counts the statements it sent.
func (g *sized) statements(t *testing.T, line string) int64 {
	t.Helper()
	before := g.b.store.Statements()
	g.must(line)
	return g.b.store.Statements() - before
}

// seedGroup fills a group with n of each thing in a few multi-row
// statements: members; officials (one in ten of another jurisdiction)
// with two answers on a third of the rules (on every rule for the first
// three); rulings; meetings (every other one held) with two RSVPs, a
// spokesperson each and attendance; group-wide roles; tasks (some with a
// tactic, some done); and audit entries. Answers and the rulings that
// count go through storage, which keeps the standing.
func seedGroup(t testing.TB, s *storage.Store, groupID int64, n int, now time.Time) {
	t.Helper()
	ctx := context.Background()
	offices := []storage.Office{storage.OfficeSheriff, storage.OfficePoliceChief, storage.OfficeMayor, storage.OfficeCouncilMember, storage.OfficeCountyExecutive}
	marks := []storage.Mark{storage.MarkYes, storage.MarkNo, storage.MarkEvasive, storage.MarkUnknown}
	var members, officials [][]any
	for i := range n {
		user := fmt.Sprintf("m%04d", i+1)
		members = append(members, []any{groupID, user, user, now, now})
		jurisdiction := ""
		if i%10 == 9 {
			jurisdiction = "Sangamon County"
		}
		officials = append(officials, []any{groupID, i + 1, fmt.Sprintf("Official %04d", i+1), string(offices[i%len(offices)]), jurisdiction, now, now})
	}
	insert(t, s, "members", "group_id, platform_user_id, display_name, created_at, updated_at", members)
	insert(t, s, "officials", "group_id, number, name, office, jurisdiction, created_at, updated_at", officials)
	memberIDs := ids(t, s, "members", groupID, "platform_user_id LIKE 'm%'")
	officialIDs := ids(t, s, "officials", groupID, "true")
	var answers []storage.Answer
	for i, o := range officialIDs {
		for j, r := range commands.Rules {
			if (i+j)%3 != 0 && i > 2 { // a third of the rules, all of them for the first three
				continue
			}
			for k := range 2 {
				a := storage.Answer{GroupID: groupID, OfficialID: o, Rule: r.Number, InPlace: marks[(i+j+k)%4], Source: storage.SourceCall,
					LoggedBy: &memberIDs[i], CreatedAt: now.Add(-time.Duration(2*n-i+k) * time.Hour)}
				if a.InPlace != storage.MarkYes {
					a.WouldSupport = marks[(i+k)%4]
				}
				answers = append(answers, a)
			}
		}
	}
	for i := 0; i < len(answers); i += 500 {
		if err := s.AddAnswers(ctx, answers[i:min(i+500, len(answers))]); err != nil {
			t.Fatal(err)
		}
	}
	var rulings [][]any
	for i := range n - len(commands.Rules) {
		rulings = append(rulings, []any{groupID, commands.Rules[i%len(commands.Rules)].Number, string(marks[i%2]), memberIDs[0], now.Add(-time.Duration(4*n-i) * time.Hour)})
	}
	insert(t, s, "rule_settlements", "group_id, rule, in_place, settled_by, created_at", rulings)
	for i, r := range commands.Rules { // the latest of each rule, which count
		st := &storage.Settlement{GroupID: groupID, Rule: r.Number, InPlace: marks[i%2], SettledBy: &memberIDs[0], CreatedAt: now.Add(-time.Duration(3*n) * time.Hour)}
		if err := s.AddSettlement(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	seedMeetings(t, s, groupID, memberIDs, officialIDs, now)
	seedWork(t, s, groupID, memberIDs, now)
	insert(t, s, "group_counters", "group_id, entity, last", [][]any{{groupID, "officials", n}, {groupID, "meetings", n}, {groupID, "tasks", n}})
}

// seedMeetings adds a meeting per official, every other one held: each
// with two RSVPs and a spokesperson, the held ones with attendance.
func seedMeetings(t testing.TB, s *storage.Store, groupID int64, members, officials []int64, now time.Time) {
	t.Helper()
	n := len(officials)
	var meetings [][]any
	for i, o := range officials {
		kind, official, status := storage.KindLawEnforcement, &o, storage.MeetingScheduled
		at := now.Add(time.Duration(i/2+1) * 5 * time.Hour)
		if i%2 == 1 {
			kind, official, status = storage.KindOrganizing, nil, storage.MeetingHeld
			at = now.Add(-time.Duration(n-i) * 24 * time.Hour)
		}
		meetings = append(meetings, []any{groupID, i + 1, string(kind), official, at, at.Add(-20 * time.Minute), "Office", string(status), members[i], now, now})
	}
	insert(t, s, "meetings", "group_id, number, kind, official_id, starts_at, gather_at, place, status, created_by, created_at, updated_at", meetings)
	var rsvps, roles, attendance [][]any
	for i, m := range ids(t, s, "meetings", groupID, "true") {
		for k, answer := range []string{"yes", "no"} {
			who := members[(i+k)%n]
			rsvps = append(rsvps, []any{groupID, m, who, answer, now, now})
			if i%2 == 1 && k == 0 {
				attendance = append(attendance, []any{groupID, m, who, members[0], now})
			}
		}
		roles = append(roles, []any{groupID, members[i], string(storage.RoleSpokesperson), m, now})
	}
	insert(t, s, "rsvps", "group_id, meeting_id, member_id, answer, created_at, updated_at", rsvps)
	insert(t, s, "role_assignments", "group_id, member_id, role, meeting_id, created_at", roles)
	insert(t, s, "attendance", "group_id, meeting_id, member_id, recorded_by, created_at", attendance)
}

// seedWork adds group-wide roles for a few members, a task per member
// (some with a tactic, some done) and an audit entry per member.
func seedWork(t testing.TB, s *storage.Store, groupID int64, members []int64, now time.Time) {
	t.Helper()
	var roles, tasks, audit [][]any
	for i, role := range []storage.Role{storage.RoleCoordinator, storage.RoleInviter, storage.RoleReporter, storage.RoleScheduler, storage.RoleNoteTaker} {
		roles = append(roles, []any{groupID, members[i], string(role), now})
	}
	tactics := []string{"", "calls-letters", "", "petition"}
	for i, m := range members {
		var due, done *time.Time
		if i%5 != 4 {
			d := now.Add(time.Duration(i-len(members)/2) * 7 * time.Hour)
			due = &d
		}
		status := storage.TaskOpen
		if i%3 == 2 {
			d := now.Add(-time.Duration(i) * time.Minute)
			status, done = storage.TaskDone, &d
		}
		tasks = append(tasks, []any{groupID, i + 1, fmt.Sprintf("Task %04d", i+1), m, due, tactics[i%4], status, m, done, now, now})
		audit = append(audit, []any{groupID, m, "task.add", "task", i + 1, fmt.Sprintf("Task %04d", i+1), now.Add(-time.Duration(len(members)-i) * time.Minute)})
	}
	insert(t, s, "role_assignments", "group_id, member_id, role, created_at", roles)
	insert(t, s, "tasks", "group_id, number, title, assignee_id, due_at, tactic, status, created_by, done_at, created_at, updated_at", tasks)
	insert(t, s, "audit_log", "group_id, member_id, action, entity, entity_number, after, created_at", audit)
}

// insert adds rows to a table in multi-row statements of up to 200 rows,
// in one transaction, straight through database/sql: both databases read
// $1, $2… placeholders.
func insert(t testing.TB, s *storage.Store, table, columns string, rows [][]any) {
	t.Helper()
	tx, err := s.SQL().BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	for len(rows) > 0 {
		batch := rows[:min(200, len(rows))]
		rows = rows[len(batch):]
		var values []string
		var args []any
		for _, r := range batch {
			marks := make([]string, len(r))
			for i := range r {
				args = append(args, r[i])
				marks[i] = fmt.Sprintf("$%d", len(args))
			}
			values = append(values, "("+strings.Join(marks, ", ")+")")
		}
		query := "INSERT INTO " + table + " (" + columns + ") VALUES " + strings.Join(values, ", ")
		if _, err := tx.ExecContext(context.Background(), query, args...); err != nil {
			t.Fatalf("insert into %s: %v", table, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("insert into %s: %v", table, err)
	}
}

// ids lists the row ids of a table's rows in the group that match where,
// in the order they were inserted.
func ids(t testing.TB, s *storage.Store, table string, groupID int64, where string) []int64 {
	t.Helper()
	rows, err := s.SQL().QueryContext(context.Background(), "SELECT id FROM "+table+" WHERE group_id = $1 AND "+where+" ORDER BY id", groupID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}
