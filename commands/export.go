package commands

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// /export sends coordinators and leads the group's records as a CSV file
// by direct message, for spreadsheets, the report-back form and the
// guide's campaign tracking. Each file is RFC 4180 (encoding/csv, CRLF),
// UTF-8, one row per item below a header row whose columns are fixed per
// kind and reader:
//
//	answers     official, office, jurisdiction, rule_number, rule_name, in_place, would_support, source, meeting, logged_at, logged_by
//	scorecard   official, office, jurisdiction, rule_number, rule_name, rule_status, in_place, would_support, answered_at
//	meetings    meeting, kind, official, starts_at, gathers_at, place, gather_place, status, rsvp_yes, rsvp_maybe, rsvp_no, attended, report_filed_at
//	attendance  leads:        meeting, kind, starts_at, member, rsvp, attended
//	            coordinators: meeting, kind, starts_at, status, rsvp_yes, rsvp_maybe, rsvp_no, attended
//	tasks       task, title, status, tactic, due_at, done_at, meeting, assignee
//
// Members' names are for leads only: a coordinator's answers and tasks
// keep the logged_by and assignee columns, empty, so that both files read
// the same way, and a coordinator's attendance counts people per meeting
// instead of naming them. Values a spreadsheet filters on stay the words
// fcbot stores (yes, no, evasive, unknown; sheriff; scheduled, past,
// cancelled), and times are ISO 8601 in the group's zone with their
// offset. Each kind is read in a fixed number of statements.

const exportExample = "/export answers"

// exportKinds are what /export writes, in the order choices show them.
var exportKinds = []string{"answers", "scorecard", "meetings", "attendance", "tasks"}

func (env *Env) exportCommand() *bot.Command {
	return &bot.Command{
		Name:    "export",
		Example: exportExample,
		Level:   bot.Coordinator,
		Options: []bot.Option{
			{Name: "what", Kind: bot.Choice, Required: true, Choices: bot.Choices(exportKinds...)},
		},
		Handler: env.export,
	}
}

// csvSheet is one export as a reader may read it: its header and rows, the
// zone its times are written in, and whether it may name members.
type csvSheet struct {
	header []string
	rows   [][]string
	loc    *time.Location
	names  bool
}

// export is /export: the records of one kind as a CSV file, by direct
// message to the caller.
func (env *Env) export(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	what := req.Str("what")
	sh := &csvSheet{loc: req.GroupLocation(), names: req.Caller.Level >= bot.Lead}
	var err error
	switch what {
	case "answers":
		err = env.exportAnswers(ctx, req, sh)
	case "scorecard":
		err = env.exportScorecard(ctx, req, sh)
	case "meetings":
		err = env.exportMeetings(ctx, req, sh)
	case "attendance":
		err = env.exportAttendance(ctx, req, sh)
	case "tasks":
		err = env.exportTasks(ctx, req, sh)
	}
	if err != nil {
		return bot.Reply{}, err
	}
	data, err := sh.csv()
	if err != nil {
		return bot.Reply{}, fmt.Errorf("export %s: %w", what, err)
	}
	kind := req.T("export.kind." + what)
	if len(data) > bot.MaxFileBytes {
		return bot.Reply{}, bot.Conflict(bot.M("export.too_large", "What", kind, "Count", len(sh.rows)))
	}
	lines := []string{req.T("export.rows", "Count", len(sh.rows)), req.T("export.zone", "Zone", sh.loc.String())}
	if what == "answers" || what == "scorecard" {
		lines = append(lines, req.T("export.marks"))
	}
	if !sh.names && (what == "answers" || what == "attendance" || what == "tasks") {
		lines = append(lines, req.T("export.no_names"))
	}
	name := fmt.Sprintf("fcbot-%s-%s.csv", what, req.Now.In(sh.loc).Format("2006-01-02"))
	dm := bot.Reply{
		Title: req.T("export.title", "What", kind),
		Text:  strings.Join(lines, "\n"),
		Files: []bot.File{{Name: name, ContentType: "text/csv; charset=utf-8", Data: data}},
	}
	return bot.Reply{
		Text:      req.T("export.sent", "What", kind, "Count", len(sh.rows)),
		Tone:      bot.Success,
		Ephemeral: true,
		DMs:       []bot.DirectMessage{{To: req.User, Reply: dm}},
	}, nil
}

// exportAnswers is every answer logged, oldest first.
func (env *Env) exportAnswers(ctx context.Context, req *bot.Request, sh *csvSheet) error {
	answers, err := env.Store.AnswerRecords(ctx, req.Caller.GroupID)
	if err != nil {
		return err
	}
	sh.header = []string{"official", "office", "jurisdiction", "rule_number", "rule_name", "in_place", "would_support", "source", "meeting", "logged_at", "logged_by"}
	for _, a := range answers {
		sh.rows = append(sh.rows, []string{
			csvText(a.Official), string(a.Office), csvText(servedJurisdiction(a.Jurisdiction, req.Caller.GroupName)),
			a.Rule, nameOfRule(req, a.Rule), string(a.InPlace), string(a.WouldSupport), a.Source, csvNumber(a.Meeting),
			sh.time(a.LoggedAt), sh.member(a.LoggedBy),
		})
	}
	return nil
}

// exportScorecard is the standing /scorecard shows: each current official
// on each rule, with the rule's status; an official not asked about a
// rule has empty in_place, would_support and answered_at.
func (env *Env) exportScorecard(ctx context.Context, req *bot.Request, sh *csvSheet) error {
	st, err := env.loadStanding(ctx, req.Caller.GroupID, req.Caller.GroupName)
	if err != nil {
		return err
	}
	sh.header = []string{"official", "office", "jurisdiction", "rule_number", "rule_name", "rule_status", "in_place", "would_support", "answered_at"}
	for _, o := range st.officials {
		for _, r := range Rules {
			row := []string{csvText(o.Name), string(o.Office), csvText(servedJurisdiction(o.Jurisdiction, req.Caller.GroupName)),
				r.Number, r.Name(req.Locale), string(st.status(r.Number)), "", "", ""}
			if a, ok := st.latest[o.ID][r.Number]; ok {
				row[6], row[7], row[8] = string(a.InPlace), string(a.WouldSupport), sh.time(a.CreatedAt)
			}
			sh.rows = append(sh.rows, row)
		}
	}
	return nil
}

// exportMeetings is every meeting by start, with its counts.
func (env *Env) exportMeetings(ctx context.Context, req *bot.Request, sh *csvSheet) error {
	meetings, err := env.Store.MeetingTallies(ctx, req.Caller.GroupID)
	if err != nil {
		return err
	}
	sh.header = []string{"meeting", "kind", "official", "starts_at", "gathers_at", "place", "gather_place", "status",
		"rsvp_yes", "rsvp_maybe", "rsvp_no", "attended", "report_filed_at"}
	for _, m := range meetings {
		sh.rows = append(sh.rows, []string{
			strconv.FormatInt(m.Number, 10), string(m.Kind), csvText(m.OfficialName), sh.time(m.StartsAt), sh.time(m.GatherAt),
			csvText(m.Place), csvText(m.GatherPlace), exportedStatus(&m.Meeting, req.Now),
			csvCount(m.Yes), csvCount(m.Maybe), csvCount(m.No), csvCount(m.Came), sh.optTime(m.ReportFiledAt),
		})
	}
	return nil
}

// exportAttendance is, for a lead, each member's RSVP and attendance at
// each meeting; for a coordinator, who may not read names, each meeting's
// counts.
func (env *Env) exportAttendance(ctx context.Context, req *bot.Request, sh *csvSheet) error {
	if !sh.names {
		meetings, err := env.Store.MeetingTallies(ctx, req.Caller.GroupID)
		if err != nil {
			return err
		}
		sh.header = []string{"meeting", "kind", "starts_at", "status", "rsvp_yes", "rsvp_maybe", "rsvp_no", "attended"}
		for _, m := range meetings {
			sh.rows = append(sh.rows, []string{strconv.FormatInt(m.Number, 10), string(m.Kind), sh.time(m.StartsAt),
				exportedStatus(&m.Meeting, req.Now), csvCount(m.Yes), csvCount(m.Maybe), csvCount(m.No), csvCount(m.Came)})
		}
		return nil
	}
	people, err := env.Store.Presences(ctx, req.Caller.GroupID)
	if err != nil {
		return err
	}
	sh.header = []string{"meeting", "kind", "starts_at", "member", "rsvp", "attended"}
	for _, p := range people {
		came := string(storage.MarkNo)
		if p.Came {
			came = string(storage.MarkYes)
		}
		sh.rows = append(sh.rows, []string{strconv.FormatInt(p.Meeting, 10), string(p.Kind), sh.time(p.StartsAt), sh.member(p.Member), p.RSVP, came})
	}
	return nil
}

// exportTasks is every task, by number.
func (env *Env) exportTasks(ctx context.Context, req *bot.Request, sh *csvSheet) error {
	tasks, _, err := env.Store.Tasks(ctx, storage.TaskFilter{GroupID: req.Caller.GroupID})
	if err != nil {
		return err
	}
	slices.SortFunc(tasks, func(a, b storage.TaskRow) int { return cmp.Compare(a.Number, b.Number) })
	sh.header = []string{"task", "title", "status", "tactic", "due_at", "done_at", "meeting", "assignee"}
	for _, t := range tasks {
		sh.rows = append(sh.rows, []string{strconv.FormatInt(t.Number, 10), csvText(t.Title), t.Status, t.Tactic,
			sh.optTime(t.DueAt), sh.optTime(t.DoneAt), csvNumber(t.MeetingNumber), sh.member(t.AssigneeName)})
	}
	return nil
}

// csv writes the sheet as RFC 4180 text: a header row, then the rows,
// each line ended by CRLF.
func (sh *csvSheet) csv() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(sh.header); err != nil {
		return nil, err
	}
	if err := w.WriteAll(sh.rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// time writes a time in ISO 8601 with its offset, in the group's zone.
func (sh *csvSheet) time(t time.Time) string { return t.In(sh.loc).Format(time.RFC3339) }

// optTime writes a time that may be unset, empty when it is.
func (sh *csvSheet) optTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return sh.time(*t)
}

// member writes a member's name for a reader who may read it, else
// nothing.
func (sh *csvSheet) member(name string) string {
	if !sh.names {
		return ""
	}
	return csvText(name)
}

// exportedStatus is a meeting's status as the export writes it:
// cancelled, past once it took place (see Meeting.TookPlace), else
// scheduled.
func exportedStatus(m *storage.Meeting, now time.Time) string {
	switch {
	case m.Status == storage.MeetingCancelled:
		return string(storage.MeetingCancelled)
	case m.TookPlace(now):
		return storage.MeetingsPast
	}
	return string(storage.MeetingScheduled)
}

// servedJurisdiction is an official's jurisdiction written out: the group's
// own when they serve it.
func servedJurisdiction(j, groupName string) string {
	if strings.TrimSpace(j) == "" {
		return groupName
	}
	return j
}

// nameOfRule is the name of the rule numbered n in the reader's language,
// "" for a number that names no rule.
func nameOfRule(req *bot.Request, n string) string {
	if r, ok := RuleByNumber(n); ok {
		return r.Name(req.Locale)
	}
	return ""
}

// csvCount writes a count.
func csvCount(n int64) string { return strconv.FormatInt(n, 10) }

// csvNumber writes a number that may be unset, empty when it is.
func csvNumber(n *int64) string {
	if n == nil {
		return ""
	}
	return csvCount(*n)
}

// csvText writes text people typed so that a spreadsheet shows it rather
// than runs it: text that a spreadsheet would read as a formula (=, +, -,
// @, or a tab or carriage return first) gets a leading apostrophe, as
// OWASP advises against CSV injection.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
