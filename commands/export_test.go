package commands_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
)

// The people of the export tests, with names found nowhere else, so that
// a file names a member exactly when it holds one of them. On the console
// a user's platform id is their name in lower case.
const (
	exportLead        = "Leontyne"
	exportCoordinator = "Corvina"
	exportMember      = "Mirabeau"
	exportOther       = "Tamsin"
)

// exportPeople are every member the export tests' group has.
var exportPeople = []string{exportLead, exportCoordinator, exportMember, exportOther}

// The headers /export documents, per kind and reader.
var (
	answersHeader   = []string{"official", "office", "jurisdiction", "rule_number", "rule_name", "in_place", "would_support", "source", "meeting", "logged_at", "logged_by"}
	scorecardHeader = []string{"official", "office", "jurisdiction", "rule_number", "rule_name", "rule_status", "in_place", "would_support", "answered_at"}
	meetingsHeader  = []string{"meeting", "kind", "official", "starts_at", "gathers_at", "place", "gather_place", "status",
		"rsvp_yes", "rsvp_maybe", "rsvp_no", "attended", "report_filed_at"}
	attendanceHeader       = []string{"meeting", "kind", "starts_at", "member", "rsvp", "attended"}
	attendanceCountsHeader = []string{"meeting", "kind", "starts_at", "status", "rsvp_yes", "rsvp_maybe", "rsvp_no", "attended"}
	tasksHeader            = []string{"task", "title", "status", "tactic", "due_at", "done_at", "meeting", "assignee"}
)

// exportWorld sets up a group in Chicago with two officials (one of the
// county), a held meeting two members came to, an upcoming one they
// answered, answers logged by the lead and the coordinator, and two
// tasks, one assigned and one whose title a spreadsheet would run.
func exportWorld(b *testBot) {
	b.t.Helper()
	for _, l := range []string{
		"as " + exportLead,
		`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`,
		"/role assign user:@corvina role:coordinator",
		`/official add name:"Jane Roe" office:sheriff`,
		`/official add name:"Joe Quimby" office:mayor jurisdiction:"Sangamon County"`,
		`/meeting record when:"yesterday 7pm" where:"Library" official:"Jane Roe"`,
		`/meeting schedule when:"tomorrow 7pm" where:"Town Hall" kind:organizing`,
		"/meeting attendance 1 @mirabeau @tamsin",
		`/response log official:"Jane Roe" rule:3 in-place:no would-support:yes meeting:1`,
		`/task add title:"Book the room" user:@mirabeau due:"tomorrow 5pm"`,
		`/task add title:"=1+2" tactic:calls-letters`,
		"as " + exportCoordinator,
		`/response log official:"Joe Quimby" rule:1 in-place:yes source:call`,
		"as " + exportMember,
		"/meeting rsvp 2 yes",
		"as " + exportOther,
		"/meeting rsvp 2 no",
	} {
		if out := b.do(l); strings.HasPrefix(out, "✗") {
			b.t.Fatalf("%s: %s", l, out)
		}
	}
}

// exportFile runs /export what as user and returns the CSV file the
// console saved, as bytes and as parsed records (header first).
func (b *testBot) exportFile(user, what string) ([]byte, [][]string) {
	b.t.Helper()
	b.do("as " + user)
	before := len(savedFile.FindAllStringSubmatch(b.sent.String(), -1))
	if out := b.do("/export " + what); strings.HasPrefix(out, "✗") {
		b.t.Fatalf("/export %s as %s: %s", what, user, out)
	}
	return b.savedExport(before, user, what)
}

// exportFileIn is exportFile for a user of another workspace, group.
func (b *testBot) exportFileIn(group, user, what string) ([]byte, [][]string) {
	b.t.Helper()
	before := len(savedFile.FindAllStringSubmatch(b.sent.String(), -1))
	req := &bot.Request{Platform: console.Platform, Group: group, User: bot.User{ID: user, Name: user}, Channel: "console", Locale: "en"}
	if res := b.router.Run(context.Background(), req, "/export "+what, nil, b.con); res.Err != nil || res.Reply.Tone == bot.Failure {
		b.t.Fatalf("/export %s in %s: %v %s", what, group, res.Err, res.Reply.PlainText())
	}
	return b.savedExport(before, user, what)
}

// savedExport returns the one file the console saved since it had saved
// before of them, which must have come to user by direct message.
func (b *testBot) savedExport(before int, user, what string) ([]byte, [][]string) {
	b.t.Helper()
	saved := savedFile.FindAllStringSubmatch(b.sent.String(), -1)
	if len(saved) != before+1 {
		b.t.Fatalf("/export %s as %s saved %d files, want 1:\n%s", what, user, len(saved)-before, b.sent.String())
	}
	if !strings.Contains(b.sent.String(), "[message to @"+strings.ToLower(user)+"]\n") {
		b.t.Errorf("the export did not come to %s by direct message:\n%s", user, b.sent.String())
	}
	path := saved[len(saved)-1][1]
	if !strings.Contains(path, "fcbot-"+what+"-2026-11-27") || !strings.HasSuffix(path, ".csv") {
		b.t.Errorf("file %s, want fcbot-%s-2026-11-27….csv", path, what)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		b.t.Fatalf("/export %s is not CSV: %v\n%s", what, err, data)
	}
	if len(records) == 0 {
		b.t.Fatalf("/export %s is empty, want a header row", what)
	}
	return data, records
}

// column returns the named column of a record under header.
func column(header, record []string, name string) string {
	return record[slices.Index(header, name)]
}

// checkHeader fails unless a file's header is the documented one.
func checkHeader(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("/export %s header %q, want %q", what, got, want)
	}
}

// checkRow fails unless the record has each column's value.
func checkRow(t *testing.T, what string, header, record []string, want map[string]string) {
	t.Helper()
	for name, v := range want {
		if got := column(header, record, name); got != v {
			t.Errorf("/export %s row %q: %s = %q, want %q", what, record, name, got, v)
		}
	}
}

// TestExportWritesEachKind: each export is a CSV file by direct message,
// with its documented header and a row per item, as logged.
func TestExportWritesEachKind(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		exportWorld(b)
		b.do("as " + exportLead)
		b.expect("/export answers", "The export (answers logged) is on its way by direct message: a CSV file of 2 rows.")
		if !strings.Contains(b.sent.String(), "fcbot export: answers logged\nA CSV file with a header row and 2 rows below it.") {
			t.Errorf("the direct message does not say what the file holds:\n%s", b.sent.String())
		}

		_, rec := b.exportFile(exportLead, "answers")
		checkHeader(t, "answers", rec[0], answersHeader)
		if len(rec) != 3 {
			t.Fatalf("/export answers: %d rows, want 2:\n%q", len(rec)-1, rec)
		}
		checkRow(t, "answers", rec[0], rec[1], map[string]string{
			"official": "Jane Roe", "office": "sheriff", "jurisdiction": "Springfield", "rule_number": "3",
			"rule_name": commands.Rules[2].Name("en"), "in_place": "no", "would_support": "yes", "source": "meeting",
			"meeting": "1", "logged_at": "2026-11-27T09:00:00-06:00", "logged_by": exportLead,
		})
		checkRow(t, "answers", rec[0], rec[2], map[string]string{
			"official": "Joe Quimby", "office": "mayor", "jurisdiction": "Sangamon County", "rule_number": "1",
			"in_place": "yes", "would_support": "", "source": "call", "meeting": "", "logged_by": exportCoordinator,
		})

		_, rec = b.exportFile(exportLead, "scorecard")
		checkHeader(t, "scorecard", rec[0], scorecardHeader)
		if want := 2 * len(commands.Rules); len(rec)-1 != want {
			t.Fatalf("/export scorecard: %d rows, want %d (2 officials × %d rules)", len(rec)-1, want, len(commands.Rules))
		}
		for _, r := range rec[1:] {
			switch {
			case r[0] == "Jane Roe" && r[3] == "3":
				checkRow(t, "scorecard", rec[0], r, map[string]string{"rule_status": "no", "in_place": "no", "would_support": "yes", "answered_at": "2026-11-27T09:00:00-06:00"})
			case r[0] == "Joe Quimby" && r[3] == "1":
				checkRow(t, "scorecard", rec[0], r, map[string]string{"rule_status": "yes", "in_place": "yes", "jurisdiction": "Sangamon County"})
			case r[0] == "Jane Roe" && r[3] == "1":
				checkRow(t, "scorecard", rec[0], r, map[string]string{"rule_status": "yes", "in_place": "", "answered_at": ""})
			case r[3] == "9":
				checkRow(t, "scorecard", rec[0], r, map[string]string{"rule_status": "unknown", "in_place": ""})
			}
		}

		_, rec = b.exportFile(exportLead, "meetings")
		checkHeader(t, "meetings", rec[0], meetingsHeader)
		if len(rec) != 3 {
			t.Fatalf("/export meetings: %d rows, want 2:\n%q", len(rec)-1, rec)
		}
		checkRow(t, "meetings", rec[0], rec[1], map[string]string{
			"meeting": "1", "kind": "law-enforcement", "official": "Jane Roe", "starts_at": "2026-11-26T19:00:00-06:00",
			"place": "Library", "status": "past", "rsvp_yes": "0", "attended": "2",
		})
		checkRow(t, "meetings", rec[0], rec[2], map[string]string{
			"meeting": "2", "kind": "organizing", "official": "", "starts_at": "2026-11-28T19:00:00-06:00",
			"gathers_at": "2026-11-28T18:40:00-06:00", "place": "Town Hall", "status": "scheduled",
			"rsvp_yes": "1", "rsvp_maybe": "0", "rsvp_no": "1", "attended": "0", "report_filed_at": "",
		})

		_, rec = b.exportFile(exportLead, "attendance")
		checkHeader(t, "attendance", rec[0], attendanceHeader)
		var people []string
		for _, r := range rec[1:] {
			people = append(people, strings.Join([]string{r[0], r[3], r[4], r[5]}, " "))
		}
		want := []string{"1 Mirabeau  yes", "1 Tamsin  yes", "2 Mirabeau yes no", "2 Tamsin no no"}
		if !slices.Equal(people, want) {
			t.Errorf("/export attendance (meeting, member, rsvp, attended): %q, want %q", people, want)
		}

		_, rec = b.exportFile(exportLead, "tasks")
		checkHeader(t, "tasks", rec[0], tasksHeader)
		if len(rec) != 3 {
			t.Fatalf("/export tasks: %d rows, want 2:\n%q", len(rec)-1, rec)
		}
		checkRow(t, "tasks", rec[0], rec[1], map[string]string{
			"task": "1", "title": "Book the room", "status": "open", "due_at": "2026-11-28T17:00:00-06:00", "assignee": exportMember,
		})
		// A title a spreadsheet would run as a formula is written as text.
		checkRow(t, "tasks", rec[0], rec[2], map[string]string{"task": "2", "title": "'=1+2", "tactic": "calls-letters", "assignee": exportLead})
	})
}

// TestExportNamesMembersForLeadsOnly: a coordinator's exports carry no
// member's name anywhere, with the same header as a lead's (attendance
// aside, which counts people per meeting); a lead's name who logged and
// who was assigned.
func TestExportNamesMembersForLeadsOnly(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		exportWorld(b)
		for _, what := range []string{"answers", "scorecard", "meetings", "attendance", "tasks"} {
			data, rec := b.exportFile(exportCoordinator, what)
			for _, name := range exportPeople {
				if bytes.Contains(bytes.ToLower(data), []byte(strings.ToLower(name))) {
					t.Errorf("a coordinator's /export %s names %s:\n%s", what, name, data)
				}
			}
			_, lead := b.exportFile(exportLead, what)
			switch what {
			case "attendance":
				checkHeader(t, what, rec[0], attendanceCountsHeader)
				if len(rec) != 3 {
					t.Fatalf("a coordinator's /export attendance: %d rows, want one per meeting:\n%q", len(rec)-1, rec)
				}
				checkRow(t, what, rec[0], rec[1], map[string]string{"meeting": "1", "status": "past", "attended": "2"})
				checkRow(t, what, rec[0], rec[2], map[string]string{"meeting": "2", "rsvp_yes": "1", "rsvp_no": "1", "attended": "0"})
			default:
				checkHeader(t, what, rec[0], lead[0])
				if len(rec) != len(lead) {
					t.Errorf("/export %s: %d rows for a coordinator, %d for a lead", what, len(rec)-1, len(lead)-1)
				}
			}
		}
		if !strings.Contains(b.sent.String(), "Members' names are left out: only exports made by leads carry them.") {
			t.Errorf("the coordinator was not told why names are missing:\n%s", b.sent.String())
		}
		data, _ := b.exportFile(exportLead, "answers")
		for _, name := range []string{exportLead, exportCoordinator} {
			if !bytes.Contains(data, []byte(name)) {
				t.Errorf("a lead's /export answers does not name %s, who logged an answer:\n%s", name, data)
			}
		}
	})
}

// TestExportKeepsToItsGroup: another group's lead exports their own
// group's records only: the first group's officials, meetings, tasks and
// people are in none of their files.
func TestExportKeepsToItsGroup(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		exportWorld(b)
		const group, user = "other-workspace", "mallory"
		b.otherGroup(group, user).do(`/setup jurisdiction:"Shelbyville" kind:city timezone:America/Chicago`)
		b.otherGroup(group, user).do(`/official add name:"Hans Moleman" office:mayor`)
		secrets := append([]string{"Jane Roe", "Quimby", "Library", "Town Hall", "Book the room", "Springfield"}, exportPeople...)
		for what, rows := range map[string]int{"answers": 0, "scorecard": len(commands.Rules), "meetings": 0, "attendance": 0, "tasks": 0} {
			data, rec := b.exportFileIn(group, user, what)
			if len(rec)-1 != rows {
				t.Errorf("another group's /export %s: %d rows, want %d:\n%s", what, len(rec)-1, rows, data)
			}
			for _, s := range secrets {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("another group's /export %s shows %q:\n%s", what, s, data)
				}
			}
		}
	})
}

// TestExportCountsForgottenMembers: once a member is forgotten, the
// meetings still count their RSVP and attendance, and no file names them.
func TestExportCountsForgottenMembers(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		exportWorld(b)
		b.do("as " + exportOther)
		b.expect("/privacy forget confirm:yes", "fcbot has forgotten you")
		_, rec := b.exportFile(exportLead, "meetings")
		checkRow(t, "meetings", rec[0], rec[1], map[string]string{"meeting": "1", "attended": "2"})
		checkRow(t, "meetings", rec[0], rec[2], map[string]string{"meeting": "2", "rsvp_yes": "1", "rsvp_no": "1"})
		data, rec := b.exportFile(exportLead, "attendance")
		if len(rec) != 3 || bytes.Contains(data, []byte(exportOther)) {
			t.Errorf("/export attendance after %s was forgotten: %d rows, want 2 without them:\n%s", exportOther, len(rec)-1, data)
		}
	})
}

// TestExportRefusals: a member may not export, and an unknown kind is
// refused with the reason and a working example; neither sends a file.
func TestExportRefusals(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		exportWorld(b)
		b.do("as " + exportMember)
		b.refuse("/export answers", "coordinator")
		b.do("as " + exportLead)
		b.refuse("/export minutes", "/export answers")
		b.refuse("/export", "/export answers")
		if savedFile.MatchString(b.sent.String()) {
			t.Errorf("a refused export sent a file:\n%s", b.sent.String())
		}
	})
}

// TestExportReadsTheReadersLanguage: a Spanish reader's file has the same
// header and the same values to filter on, with the rules named in
// Spanish and the times still in the group's zone.
func TestExportReadsTheReadersLanguage(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		exportWorld(b)
		b.do("as " + exportLead)
		b.expect("/me language:es timezone:Europe/Madrid")
		_, rec := b.exportFile(exportLead, "answers")
		checkHeader(t, "answers", rec[0], answersHeader)
		checkRow(t, "answers", rec[0], rec[1], map[string]string{
			"rule_name": commands.Rules[2].Name("es"), "in_place": "no", "logged_at": "2026-11-27T09:00:00-06:00",
		})
		if commands.Rules[2].Name("es") == commands.Rules[2].Name("en") {
			t.Error("rule 3 has the same name in Spanish and English: the test checks nothing")
		}
	})
}
