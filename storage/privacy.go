package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// What the group holds about one member: counted (/privacy), all of it
// (/privacy export), and erased (/privacy forget, /member forget).
//
// A member's rows point at their member row, and most of them say so by
// id. Their name (and, where mentions were typed, their platform id) is
// also written into text: audit entries ("alex: scheduler"), titles and
// notes people typed, failed deliveries, and the job queue's messages.
// Text is searched for the name and the platform id as whole words, case
// aside; the search is one statement per table, whatever the size of the
// group, and reads only the rows whose text holds one of them.

// ErrLastLead means the member is the group's last lead: someone else must
// hold the role before they can be forgotten.
var ErrLastLead = errors.New("the group's last lead")

// Holdings is what the group holds about one member, counted.
type Holdings struct {
	Member
	// RetentionDays is the group's retention (/setup retention).
	RetentionDays int
	// Subscribed is their digest choice, nil when they never made one.
	Subscribed *bool
	Roles      []HeldRole `gorm:"-"`
	// The rows that are theirs: their RSVPs and attendance, the tasks
	// assigned to them and those they created, the answers they logged
	// and the audit entries of what they did.
	RSVPs                                                   int64 `gorm:"column:rsvps"`
	Attendance, TasksAssigned, TasksCreated, Answers, Audit int64
}

// HeldRole is a role a member holds, group-wide (MeetingNumber nil) or for
// one meeting.
type HeldRole struct {
	Role          Role
	MeetingNumber *int64
}

// HoldingsOf counts what the group holds about a member, in two
// statements.
func (s *Store) HoldingsOf(ctx context.Context, groupID, memberID int64) (_ *Holdings, err error) {
	defer wrap(&err, "storage.HoldingsOf(%d, %d)", groupID, memberID)
	var rows []Holdings
	err = s.with(ctx).Raw(`SELECT m.*, g.retention_days,
		(SELECT ds.subscribed FROM digest_subscriptions ds WHERE ds.group_id = m.group_id AND ds.member_id = m.id) AS subscribed,
		(SELECT COUNT(*) FROM rsvps r WHERE r.group_id = m.group_id AND r.member_id = m.id) AS rsvps,
		(SELECT COUNT(*) FROM attendance a WHERE a.group_id = m.group_id AND a.member_id = m.id) AS attendance,
		(SELECT COUNT(*) FROM tasks t WHERE t.group_id = m.group_id AND t.assignee_id = m.id) AS tasks_assigned,
		(SELECT COUNT(*) FROM tasks t WHERE t.group_id = m.group_id AND t.created_by = m.id) AS tasks_created,
		(SELECT COUNT(*) FROM answers a WHERE a.group_id = m.group_id AND a.logged_by = m.id) AS answers,
		(SELECT COUNT(*) FROM audit_log a WHERE a.group_id = m.group_id AND a.member_id = m.id) AS audit
	FROM members m JOIN groups g ON g.id = m.group_id
	WHERE m.group_id = ? AND m.id = ?`, groupID, memberID).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	h := &rows[0]
	err = s.with(ctx).Raw(`SELECT ra.role, `+named("meetings", "number", "ra.meeting_id", "ra.group_id")+` AS meeting_number
	FROM role_assignments ra WHERE ra.group_id = ? AND ra.member_id = ?
	ORDER BY ra.meeting_id IS NOT NULL, meeting_number, ra.role`, groupID, memberID).Scan(&h.Roles).Error
	return h, err
}

// MemberByPlatformID finds the group's member with a platform user id,
// without creating them: ErrNotFound for someone fcbot never saw, or who
// was forgotten since.
func (s *Store) MemberByPlatformID(ctx context.Context, groupID int64, userID string) (_ *Member, err error) {
	defer wrap(&err, "storage.MemberByPlatformID(%d, …)", groupID)
	var m Member
	return &m, s.with(ctx).Where("group_id = ? AND platform_user_id = ?", groupID, userID).Take(&m).Error
}

// Export is every row that is a member's, or that they made, as they may
// read it: each row with its id in its table, and never another member's
// name or id. Rows that others made and that name them are listed under
// Mentions by table and id only, without their text, which is someone
// else's.
type Export struct {
	Member     ExportedMember       `json:"member"`
	Roles      []ExportedRole       `json:"roles"`
	RSVPs      []ExportedRSVP       `json:"rsvps"`
	Attendance []ExportedAttendance `json:"attendance"`
	// Tasks are those assigned to them and those they created.
	Tasks   []ExportedTask   `json:"tasks"`
	Answers []ExportedAnswer `json:"answers_logged"`
	Rulings []ExportedRuling `json:"rulings"`
	// Meetings are those they scheduled or whose report-back they filed.
	Meetings []ExportedMeeting `json:"meetings"`
	// Audit entries say what they did and when; the details of each are
	// in the sections above, and the entry's own text (which may name
	// others) is left out.
	Audit []ExportedAudit `json:"audit_entries"`
	// Messages are messages to them in the job queue: waiting to be
	// sent, or sent within the last hour.
	Messages []ExportedMessage `json:"messages"`
	Mentions []Mention         `json:"mentions"`
}

// ExportedMember is the member's own row and settings.
type ExportedMember struct {
	ID          int64     `json:"id"`
	DisplayName string    `json:"display_name"`
	PlatformID  *string   `json:"platform_user_id" gorm:"column:platform_user_id"`
	Locale      string    `json:"platform_locale" gorm:"column:locale"`
	Language    string    `json:"language"`
	TimeZone    string    `json:"time_zone"`
	Reminders   bool      `json:"reminders"`
	Digest      *bool     `json:"digest_subscribed" gorm:"column:subscribed"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ExportedRole is a role they hold; Meeting is nil for a group-wide one.
type ExportedRole struct {
	ID        int64     `json:"id"`
	Role      string    `json:"role"`
	Meeting   *int64    `json:"meeting"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportedRSVP is their answer to a meeting's invitation.
type ExportedRSVP struct {
	ID        int64     `json:"id"`
	Meeting   int64     `json:"meeting"`
	Answer    string    `json:"answer"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExportedAttendance records that they came to a meeting.
type ExportedAttendance struct {
	ID        int64     `json:"id"`
	Meeting   int64     `json:"meeting"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportedTask is a task assigned to them or that they created; whom
// else it is assigned to is not said.
type ExportedTask struct {
	ID            int64      `json:"id"`
	Number        int64      `json:"number"`
	Title         string     `json:"title"`
	Status        string     `json:"status"`
	DueAt         *time.Time `json:"due_at"`
	DoneAt        *time.Time `json:"done_at"`
	Meeting       *int64     `json:"meeting"`
	Tactic        string     `json:"tactic"`
	AssignedToYou bool       `json:"assigned_to_you"`
	CreatedByYou  bool       `json:"created_by_you"`
	CreatedAt     time.Time  `json:"created_at"`
}

// ExportedAnswer is an official's answer they logged.
type ExportedAnswer struct {
	ID           int64     `json:"id"`
	Official     string    `json:"official"`
	Rule         string    `json:"rule"`
	InPlace      string    `json:"in_place"`
	WouldSupport string    `json:"would_support"`
	Source       string    `json:"source"`
	Meeting      *int64    `json:"meeting"`
	Note         string    `json:"note"`
	CreatedAt    time.Time `json:"created_at"`
}

// ExportedRuling is a ruling on a rule they made.
type ExportedRuling struct {
	ID        int64     `json:"id"`
	Rule      string    `json:"rule"`
	InPlace   string    `json:"in_place"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportedMeeting is a meeting they scheduled or filed the report-back of.
type ExportedMeeting struct {
	ID               int64     `json:"id"`
	Number           int64     `json:"number"`
	Kind             string    `json:"kind"`
	Official         *string   `json:"official"`
	StartsAt         time.Time `json:"starts_at"`
	Place            string    `json:"place"`
	Status           string    `json:"status"`
	ScheduledByYou   bool      `json:"scheduled_by_you"`
	ReportFiledByYou bool      `json:"report_filed_by_you"`
}

// ExportedAudit is an audit entry of something they did.
type ExportedAudit struct {
	ID        int64     `json:"id"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	Number    int64     `json:"number"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportedMessage is a message to them in the job queue.
type ExportedMessage struct {
	ID    int64  `json:"id"`
	What  string `json:"what"`
	State string `json:"state"`
}

// Mention is a row someone else made whose text names them.
type Mention struct {
	Table string `json:"table"`
	ID    int64  `json:"id"`
}

// Rows counts the rows of the export.
func (e *Export) Rows() int {
	return 1 + len(e.Roles) + len(e.RSVPs) + len(e.Attendance) + len(e.Tasks) + len(e.Answers) + len(e.Rulings) +
		len(e.Meetings) + len(e.Audit) + len(e.Messages) + len(e.Mentions)
}

// ExportMember reads every row that is the member's or that they made, in
// sixteen statements whatever the size of the group (see Export).
func (s *Store) ExportMember(ctx context.Context, groupID, memberID int64) (_ *Export, err error) {
	defer wrap(&err, "storage.ExportMember(%d, %d)", groupID, memberID)
	e := &Export{}
	var members []ExportedMember
	err = s.with(ctx).Raw(`SELECT m.id, m.display_name, m.platform_user_id, m.locale, m.language, m.time_zone, m.reminders, ds.subscribed, m.created_at, m.updated_at
	FROM members m LEFT JOIN digest_subscriptions ds ON ds.group_id = m.group_id AND ds.member_id = m.id
	WHERE m.group_id = ? AND m.id = ?`, groupID, memberID).Scan(&members).Error
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, ErrNotFound
	}
	e.Member = members[0]
	meeting := func(ref, group string) string { return named("meetings", "number", ref, group) }
	official := func(ref, group string) string { return named("officials", "name", ref, group) }
	sections := []struct {
		dest  any
		query string
		args  []any
	}{
		{&e.Roles, `SELECT ra.id, ra.role, ` + meeting("ra.meeting_id", "ra.group_id") + ` AS meeting, ra.created_at
			FROM role_assignments ra WHERE ra.group_id = ? AND ra.member_id = ? ORDER BY ra.id`, nil},
		{&e.RSVPs, `SELECT r.id, ` + meeting("r.meeting_id", "r.group_id") + ` AS meeting, r.answer, r.created_at, r.updated_at
			FROM rsvps r WHERE r.group_id = ? AND r.member_id = ? ORDER BY r.id`, nil},
		{&e.Attendance, `SELECT a.id, ` + meeting("a.meeting_id", "a.group_id") + ` AS meeting, a.created_at
			FROM attendance a WHERE a.group_id = ? AND a.member_id = ? ORDER BY a.id`, nil},
		{&e.Tasks, `SELECT t.id, t.number, t.title, t.status, t.due_at, t.done_at, ` + meeting("t.meeting_id", "t.group_id") + ` AS meeting, t.tactic,
			t.assignee_id IS NOT NULL AND t.assignee_id = ? AS assigned_to_you, t.created_by IS NOT NULL AND t.created_by = ? AS created_by_you, t.created_at
			FROM tasks t WHERE t.group_id = ? AND (t.assignee_id = ? OR t.created_by = ?) ORDER BY t.number`, []any{memberID, memberID, groupID, memberID, memberID}},
		{&e.Answers, `SELECT a.id, ` + official("a.official_id", "a.group_id") + ` AS official, a.rule, a.in_place, a.would_support, a.source,
			` + meeting("a.meeting_id", "a.group_id") + ` AS meeting, a.note, a.created_at
			FROM answers a WHERE a.group_id = ? AND a.logged_by = ? ORDER BY a.id`, nil},
		{&e.Rulings, `SELECT rs.id, rs.rule, rs.in_place, rs.note, rs.created_at
			FROM rule_settlements rs WHERE rs.group_id = ? AND rs.settled_by = ? ORDER BY rs.id`, nil},
		{&e.Meetings, `SELECT mt.id, mt.number, mt.kind, ` + official("mt.official_id", "mt.group_id") + ` AS official, mt.starts_at, mt.place, mt.status,
			mt.created_by IS NOT NULL AND mt.created_by = ? AS scheduled_by_you, mt.report_filed_by IS NOT NULL AND mt.report_filed_by = ? AS report_filed_by_you
			FROM meetings mt WHERE mt.group_id = ? AND (mt.created_by = ? OR mt.report_filed_by = ?) ORDER BY mt.number`, []any{memberID, memberID, groupID, memberID, memberID}},
		{&e.Audit, `SELECT a.id, a.action, a.entity, a.entity_number AS number, a.created_at
			FROM audit_log a WHERE a.group_id = ? AND a.member_id = ? ORDER BY a.id`, nil},
	}
	for _, sec := range sections {
		args := sec.args
		if args == nil {
			args = []any{groupID, memberID}
		}
		if err := s.with(ctx).Raw(sec.query, args...).Scan(sec.dest).Error; err != nil {
			return nil, err
		}
	}
	// Rows already exported whole are not mentions.
	own := map[Mention]bool{{"members", e.Member.ID}: true}
	for _, t := range e.Tasks {
		own[Mention{"tasks", t.ID}] = true
	}
	for _, a := range e.Answers {
		own[Mention{"answers", a.ID}] = true
	}
	for _, r := range e.Rulings {
		own[Mention{"rule_settlements", r.ID}] = true
	}
	for _, m := range e.Meetings {
		own[Mention{"meetings", m.ID}] = true
	}
	for _, a := range e.Audit {
		own[Mention{"audit_log", a.ID}] = true
	}
	w := wordsOf(e.Member.DisplayName, deref(e.Member.PlatformID))
	texts, err := s.textsNaming(ctx, groupID, w)
	if err != nil {
		return nil, err
	}
	for _, t := range texts {
		if m := (Mention{t.table.table, t.id}); !own[m] {
			e.Mentions = append(e.Mentions, m)
		}
	}
	jobs, err := s.jobsNaming(ctx, groupID, memberID, w)
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		if j.to {
			var a struct {
				What string `json:"what"`
			}
			_ = json.Unmarshal([]byte(j.Args), &a)
			e.Messages = append(e.Messages, ExportedMessage{ID: j.ID, What: a.What, State: j.State})
		} else {
			e.Mentions = append(e.Mentions, Mention{"river_job", j.ID})
		}
	}
	return e, nil
}

// Forgotten is what ForgetMember did.
type Forgotten struct {
	Name string // what the member is called from now on
	// Tasks are the numbers of the open tasks that were assigned to them
	// and now are nobody's.
	Tasks []int64
}

// ForgetMember forgets a member of the group, for good: they are called
// name(n) from now on ("former member 3", n counting the group's
// forgotten members) wherever their name was written, text included;
// their platform id, language, zone, locale, digest choice and roles are
// deleted; their links to meetings are erased, the meetings keeping
// their counts (UnlinkPeople); their tasks are nobody's (the tasks stay);
// messages to them waiting in the job queue are deleted. Rows they made
// stay, made by the member row they keep, which names nobody. Whoever
// comes back with the same platform id is a new member.
//
// ErrNotFound means no such member, or one already forgotten;
// ErrLastLead that they are the group's last lead. It holds the group's
// lock (LockGroup) so that two leads cannot both be forgotten at once.
// Its statements do not grow with the group: one per table, one for each
// hundred rows of text that named them, and one for each job of the queue
// (other than a message to them) whose arguments named them. Call it
// inside Tx.
func (s *Store) ForgetMember(ctx context.Context, groupID, memberID int64, name func(n int64) string) (_ *Forgotten, err error) {
	defer wrap(&err, "storage.ForgetMember(%d, %d)", groupID, memberID)
	if err := s.LockGroup(ctx, groupID); err != nil {
		return nil, err
	}
	m, err := s.MemberByID(ctx, groupID, memberID)
	if err != nil {
		return nil, err
	}
	if m.PlatformUserID == nil {
		return nil, ErrNotFound
	}
	var leads struct{ Leads, Theirs int64 }
	err = s.with(ctx).Raw(`SELECT COUNT(*) AS leads, COALESCE(SUM(CASE WHEN member_id = ? THEN 1 ELSE 0 END), 0) AS theirs
	FROM role_assignments WHERE group_id = ? AND role = ? AND meeting_id IS NULL`, memberID, groupID, RoleLead).Scan(&leads).Error
	if err != nil {
		return nil, err
	}
	if leads.Theirs > 0 && leads.Leads == leads.Theirs {
		return nil, ErrLastLead
	}
	var before int64
	if err := s.with(ctx).Model(&Member{}).Where("group_id = ? AND platform_user_id IS NULL", groupID).Count(&before).Error; err != nil {
		return nil, err
	}
	out := &Forgotten{Name: clipName(name(before + 1))}
	if _, err := s.UnlinkPeople(ctx, groupID, PeopleLinks{MemberID: memberID}); err != nil {
		return nil, err
	}
	err = s.with(ctx).Model(&Task{}).Where("group_id = ? AND assignee_id = ? AND status = ?", groupID, memberID, TaskOpen).
		Order("number").Pluck("number", &out.Tasks).Error
	if err != nil {
		return nil, err
	}
	now := s.Now()
	err = s.with(ctx).Model(&Task{}).Where("group_id = ? AND assignee_id = ?", groupID, memberID).
		Updates(map[string]any{"assignee_id": nil, "updated_at": now}).Error
	if err != nil {
		return nil, err
	}
	for _, model := range []any{&RoleAssignment{}, &DigestSubscription{}} {
		if err := s.with(ctx).Where("group_id = ? AND member_id = ?", groupID, memberID).Delete(model).Error; err != nil {
			return nil, err
		}
	}
	w := wordsOf(m.DisplayName, *m.PlatformUserID)
	if err := s.rewriteTexts(ctx, groupID, w, out.Name); err != nil {
		return nil, err
	}
	if err := s.rewriteJobs(ctx, groupID, memberID, w, out.Name); err != nil {
		return nil, err
	}
	res := s.with(ctx).Model(&Member{}).Where("group_id = ? AND id = ?", groupID, memberID).Updates(map[string]any{
		"display_name": out.Name, "platform_user_id": nil, "locale": "", "language": "", "time_zone": "", "reminders": true, "updated_at": now,
	})
	if res.Error == nil && res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	return out, res.Error
}

// textColumns are the columns of one table where people's names and typed
// text are written, with each one's length limit in characters (0: none).
type textColumns struct {
	table string
	cols  []string
	limit []int
}

// freeText lists every column where a member's name may be written: the
// audit log's, what people typed (titles, notes, places), and failed
// deliveries (which name their recipient).
var freeText = []textColumns{
	{"audit_log", []string{"before", "after"}, []int{0, 0}},
	{"tasks", []string{"title"}, []int{200}},
	{"answers", []string{"note"}, []int{500}},
	{"rule_settlements", []string{"note"}, []int{500}},
	{"meetings", []string{"place", "gather_place"}, []int{200, 200}},
	{"delivery_failures", []string{"recipient", "reason"}, []int{100, 200}},
}

// textRow is one row of a freeText table whose text names someone.
type textRow struct {
	table *textColumns
	id    int64
	text  []string // its columns', in the order of table.cols
}

// textsNaming reads the group's rows whose text names w, one statement
// per table.
func (s *Store) textsNaming(ctx context.Context, groupID int64, w *words) ([]textRow, error) {
	if w == nil {
		return nil, nil
	}
	var out []textRow
	for i := range freeText {
		tc := &freeText[i]
		cols := make([]string, len(tc.cols))
		var conds []string
		var args []any
		for j, c := range tc.cols {
			cols[j] = `COALESCE("` + c + `", '')`
			cond, cargs := s.containsAny(`"`+c+`"`, w)
			conds, args = append(conds, cond), append(args, cargs...)
		}
		query := "SELECT id, " + strings.Join(cols, ", ") + " FROM " + tc.table + " WHERE group_id = ? AND (" + strings.Join(conds, " OR ") + ") ORDER BY id"
		err := s.eachRow(ctx, query, append([]any{groupID}, args...), func(rows *sql.Rows) error {
			r := textRow{table: tc, text: make([]string, len(tc.cols))}
			dest := []any{&r.id}
			for j := range r.text {
				dest = append(dest, &r.text[j])
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if slices.ContainsFunc(r.text, w.in) {
				out = append(out, r)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rewriteTexts replaces w with name in the group's text, a statement per
// table and hundred rows changed.
func (s *Store) rewriteTexts(ctx context.Context, groupID int64, w *words, name string) error {
	rows, err := s.textsNaming(ctx, groupID, w)
	if err != nil {
		return err
	}
	const batch = 100
	for len(rows) > 0 {
		n := 1
		for n < len(rows) && n < batch && rows[n].table == rows[0].table {
			n++
		}
		if err := s.updateTexts(ctx, groupID, rows[:n], w, name); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// updateTexts writes the rewritten text of rows of one table in one
// statement.
func (s *Store) updateTexts(ctx context.Context, groupID int64, rows []textRow, w *words, name string) error {
	tc := rows[0].table
	var sets []string
	var args []any
	for j, c := range tc.cols {
		set := `"` + c + `" = CASE id`
		for _, r := range rows {
			text := w.replace(r.text[j], name)
			if tc.limit[j] > 0 {
				text = clipRunes(text, tc.limit[j])
			}
			set += " WHEN ? THEN ?"
			args = append(args, r.id, text)
		}
		sets = append(sets, set+` ELSE "`+c+`" END`)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	args = append(args, groupID, ids)
	return s.with(ctx).Exec("UPDATE "+tc.table+" SET "+strings.Join(sets, ", ")+" WHERE group_id = ? AND id IN ?", args...).Error
}

// job is a job of the queue's (River's table, in the same database) that
// is a message to a member (to) or whose arguments name them.
type job struct {
	ID    int64
	Kind  string
	State string
	Args  string // JSON
	to    bool
}

// jobsNaming reads the group's jobs that are messages to the member or
// whose arguments name w: none when the job queue's table is not there
// (a database the queue never migrated).
func (s *Store) jobsNaming(ctx context.Context, groupID, memberID int64, w *words) ([]job, error) {
	var tables int64
	catalog := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'river_job'"
	if s.dialect == Postgres {
		catalog = "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'river_job'"
	}
	if err := s.with(ctx).Raw(catalog).Scan(&tables).Error; err != nil || tables == 0 {
		return nil, err
	}
	args, state, group, member := "json(args)", "state", "json_extract(args, '$.group_id') = ?", "json_extract(args, '$.member_id') = ?"
	params := []any{groupID, memberID}
	if s.dialect == Postgres {
		args, state, group, member = "args::text", "state::text", "args->>'group_id' = ?", "args->>'member_id' = ?"
		params = []any{strconv.FormatInt(groupID, 10), strconv.FormatInt(memberID, 10)}
	}
	cond, cargs := s.containsAny(args, w)
	var rows []job
	err := s.with(ctx).Raw("SELECT id, kind, "+state+" AS state, "+args+" AS args FROM river_job WHERE "+group+" AND ("+member+" OR "+cond+") ORDER BY id",
		append(params, cargs...)...).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []job
	for _, j := range rows {
		var a struct {
			MemberID int64 `json:"member_id"`
		}
		_ = json.Unmarshal([]byte(j.Args), &a)
		j.to = j.Kind == "deliver" && a.MemberID == memberID
		if j.to || w.inJSON(j.Args) {
			out = append(out, j)
		}
	}
	return out, nil
}

// rewriteJobs deletes the messages to the member waiting in the job queue
// (one running now finds no one to deliver to) and replaces w with name
// in the arguments of the group's other jobs that name them.
func (s *Store) rewriteJobs(ctx context.Context, groupID, memberID int64, w *words, name string) error {
	jobs, err := s.jobsNaming(ctx, groupID, memberID, w)
	if err != nil {
		return err
	}
	var drop []int64
	for _, j := range jobs {
		if j.to && j.State != "running" {
			drop = append(drop, j.ID)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(j.Args), &v); err != nil {
			return err
		}
		b, err := json.Marshal(w.replaceJSON(v, name))
		if err != nil {
			return err
		}
		set := "args = jsonb(?)"
		if s.dialect == Postgres {
			set = "args = ?::jsonb"
		}
		if err := s.with(ctx).Exec("UPDATE river_job SET "+set+" WHERE id = ?", string(b), j.ID).Error; err != nil {
			return err
		}
	}
	if len(drop) == 0 {
		return nil
	}
	return s.with(ctx).Exec("DELETE FROM river_job WHERE id IN ?", drop).Error
}

// containsAny is an SQL condition true when expr holds one of w's words,
// case aside (ASCII case on SQLite, whose lower() knows no other: the
// word as written is looked for too), with its arguments. It chooses
// rows; words.in decides.
func (s *Store) containsAny(expr string, w *words) (string, []any) {
	if w == nil {
		return "(1 = 0)", nil
	}
	pos := "instr(%s, ?) > 0"
	if s.dialect == Postgres {
		pos = "strpos(%s, ?) > 0"
	}
	var conds []string
	var args []any
	for _, word := range w.list {
		conds = append(conds, strings.Replace(pos, "%s", "lower("+expr+")", 1), strings.Replace(pos, "%s", expr, 1))
		args = append(args, strings.ToLower(word), word)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// words finds a member's name and platform id in text: as whole words
// (not inside a longer one: "Al" is not in "Albany"), case aside.
type words struct {
	list []string
	re   *regexp.Regexp
}

// minWord is the shortest name looked for in text: a one-letter name
// would be every "a".
const minWord = 2

// wordsOf returns the words to look for, nil when none is long enough.
func wordsOf(ws ...string) *words {
	w := &words{}
	for _, word := range ws {
		word = strings.TrimSpace(word)
		if utf8.RuneCountInString(word) >= minWord && !slices.ContainsFunc(w.list, func(o string) bool { return strings.EqualFold(o, word) }) {
			w.list = append(w.list, word)
		}
	}
	if len(w.list) == 0 {
		return nil
	}
	quoted := make([]string, len(w.list))
	for i, word := range w.list {
		quoted[i] = regexp.QuoteMeta(word)
	}
	// Longest first, so that "Ana María" is found before "Ana".
	slices.SortFunc(quoted, func(a, b string) int { return len(b) - len(a) })
	w.re = regexp.MustCompile("(?i)" + strings.Join(quoted, "|"))
	return w
}

// spans returns where text holds one of the words as a whole word.
func (w *words) spans(text string) [][]int {
	if w == nil {
		return nil
	}
	var out [][]int
	for _, m := range w.re.FindAllStringIndex(text, -1) {
		if whole(text, m[0], m[1]) {
			out = append(out, m)
		}
	}
	return out
}

// whole reports whether text[start:end] is not part of a longer word.
func whole(text string, start, end int) bool {
	first, _ := utf8.DecodeRuneInString(text[start:])
	last, _ := utf8.DecodeLastRuneInString(text[:end])
	if before, _ := utf8.DecodeLastRuneInString(text[:start]); start > 0 && wordRune(before) && wordRune(first) {
		return false
	}
	after, _ := utf8.DecodeRuneInString(text[end:])
	return end == len(text) || !wordRune(after) || !wordRune(last)
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// in reports whether text holds one of the words.
func (w *words) in(text string) bool { return len(w.spans(text)) > 0 }

// replace writes name for each of the words in text.
func (w *words) replace(text, name string) string {
	spans := w.spans(text)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range spans {
		b.WriteString(text[last:m[0]])
		b.WriteString(name)
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// inJSON reports whether a string of the JSON document holds one of the
// words.
func (w *words) inJSON(doc string) bool {
	var v any
	if json.Unmarshal([]byte(doc), &v) != nil {
		return false
	}
	found := false
	walkStrings(v, func(s string) string {
		found = found || w.in(s)
		return s
	})
	return found
}

// replaceJSON writes name for the words in every string of a decoded JSON
// document (keys aside).
func (w *words) replaceJSON(v any, name string) any {
	return walkStrings(v, func(s string) string { return w.replace(s, name) })
}

// walkStrings applies fn to every string value of a decoded JSON document.
func walkStrings(v any, fn func(string) string) any {
	switch x := v.(type) {
	case string:
		return fn(x)
	case []any:
		for i := range x {
			x[i] = walkStrings(x[i], fn)
		}
	case map[string]any:
		for k := range x {
			x[k] = walkStrings(x[k], fn)
		}
	}
	return v
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
