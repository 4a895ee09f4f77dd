package storage

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
)

// The group's records as /export writes them to CSV files: each kind in
// a fixed number of statements whatever the size of the group, with what
// a row names (an official, a meeting, a member) read by a scalar
// subquery on its primary key (see named). These reads return members'
// names; which reader may see them is the commands' to decide.

// AnswerRecord is one answer in the group's history, with the names the
// export shows beside it.
type AnswerRecord struct {
	Official     string
	Office       Office
	Jurisdiction string // the official's; "" for the group's own
	Rule         string
	InPlace      Mark
	WouldSupport Mark // "" when not asked
	Source       string
	Meeting      *int64 // the meeting's number
	LoggedAt     time.Time
	LoggedBy     string // the member's name; "" when no member is linked
}

// AnswerRecords lists every answer logged in the group, removed
// officials' included, oldest first, in one statement.
func (s *Store) AnswerRecords(ctx context.Context, groupID int64) (_ []AnswerRecord, err error) {
	defer wrap(&err, "storage.AnswerRecords(%d)", groupID)
	official := func(column string) string { return named("officials", column, "a.official_id", "a.group_id") }
	var out []AnswerRecord
	err = s.eachRow(ctx, "SELECT "+official("name")+", "+official("office")+", "+official("jurisdiction")+`,
		a.rule, a.in_place, a.would_support, a.source, `+named("meetings", "number", "a.meeting_id", "a.group_id")+`, a.created_at,
		COALESCE(`+named("members", "display_name", "a.logged_by", "a.group_id")+`, '')
		FROM answers a WHERE a.group_id = ? ORDER BY a.created_at, a.id`, []any{groupID}, func(rows *sql.Rows) error {
		var a AnswerRecord
		var office, inPlace, support string
		var meeting sql.NullInt64
		err := rows.Scan(&a.Official, &office, &a.Jurisdiction, &a.Rule, &inPlace, &support, &a.Source, &meeting, &a.LoggedAt, &a.LoggedBy)
		a.Office, a.InPlace, a.WouldSupport = Office(office), Mark(inPlace), Mark(support)
		if meeting.Valid {
			a.Meeting = &meeting.Int64
		}
		out = append(out, a)
		return err
	})
	return out, err
}

// MeetingTally is a meeting with its RSVP counts and how many came, each
// count including the people whose link to it was erased (see
// UnlinkPeople).
type MeetingTally struct {
	MeetingRow
	Came int64
}

// MeetingTallies lists every meeting of the group, cancelled ones
// included, by start, in one statement. Each count looks its meeting up
// by the unique key on (meeting, member), the group compared through a
// unary plus as in named: on the group's index instead, SQLite would
// read every RSVP of the group for each meeting.
func (s *Store) MeetingTallies(ctx context.Context, groupID int64) (_ []MeetingTally, err error) {
	defer wrap(&err, "storage.MeetingTallies(%d)", groupID)
	count := func(table, answer, as string) string {
		where := ""
		if answer != "" {
			where = " AND x.answer = '" + answer + "'"
		}
		return "(SELECT COUNT(*) FROM " + table + " x WHERE x.meeting_id = mt.id AND +x.group_id = mt.group_id" + where + ") + mt.unlinked_" + as + " AS " + as
	}
	var out []MeetingTally
	err = s.with(ctx).Table("meetings mt").
		Select("mt.*, COALESCE("+named("officials", "name", "mt.official_id", "mt.group_id")+", '') AS official_name, "+
			count("rsvps", "yes", "yes")+", "+count("rsvps", "maybe", "maybe")+", "+count("rsvps", "no", "no")+", "+count("attendance", "", "came")).
		Where("mt.group_id = ?", groupID).Order("mt.starts_at, mt.number").Scan(&out).Error
	return out, err
}

// Presence is one member's part in one meeting: their RSVP, whether they
// came, or both.
type Presence struct {
	Meeting  int64 // the meeting's number
	Kind     MeetingKind
	StartsAt time.Time
	Member   string // their name
	RSVP     string // yes, maybe, no, or "" when they came without answering
	Came     bool
}

// Presences lists who answered each meeting's invitation or came to it,
// one row per member and meeting, by the meeting's start and then by
// name, in two statements: the people, and the meetings they name. The
// people whose link to a meeting was erased are no one's rows any more,
// and are not listed.
func (s *Store) Presences(ctx context.Context, groupID int64) (_ []Presence, err error) {
	defer wrap(&err, "storage.Presences(%d)", groupID)
	var meetings []Meeting
	err = s.with(ctx).Select("id", "number", "kind", "starts_at").Where("group_id = ?", groupID).Find(&meetings).Error
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Meeting, len(meetings))
	for i := range meetings {
		byID[meetings[i].ID] = &meetings[i]
	}
	// An RSVP with whether its member came, then whoever came without one;
	// the unique keys on (meeting, member) serve both lookups.
	var out []Presence
	err = s.eachRow(ctx, `SELECT p.meeting_id, COALESCE(`+named("members", "display_name", "p.member_id", "p.group_id")+`, ''), p.rsvp, p.came
		FROM (
			SELECT r.group_id, r.meeting_id, r.member_id, r.answer AS rsvp,
				CASE WHEN EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = r.meeting_id AND a.member_id = r.member_id AND +a.group_id = r.group_id) THEN 1 ELSE 0 END AS came
			FROM rsvps r WHERE r.group_id = ?
			UNION ALL
			SELECT a.group_id, a.meeting_id, a.member_id, '' AS rsvp, 1 AS came
			FROM attendance a WHERE a.group_id = ?
				AND NOT EXISTS (SELECT 1 FROM rsvps r WHERE r.meeting_id = a.meeting_id AND r.member_id = a.member_id AND +r.group_id = a.group_id)
		) p`, []any{groupID, groupID}, func(rows *sql.Rows) error {
		var meetingID, came int64
		var p Presence
		if err := rows.Scan(&meetingID, &p.Member, &p.RSVP, &came); err != nil {
			return err
		}
		if m := byID[meetingID]; m != nil {
			p.Meeting, p.Kind, p.StartsAt, p.Came = m.Number, m.Kind, m.StartsAt, came == 1
			out = append(out, p)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Presence) int {
		if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Meeting, b.Meeting); c != 0 {
			return c
		}
		return strings.Compare(strings.ToLower(a.Member), strings.ToLower(b.Member))
	})
	return out, err
}
