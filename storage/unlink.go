package storage

import (
	"context"
	"errors"
	"strings"
	"time"
)

// PeopleLinks chooses, in one group, the rows that tie people to
// meetings: RSVPs, attendance records, roles held for one meeting, and who
// scheduled a meeting or filed its report-back. Set one field or both
// (both: that member's links to those meetings).
type PeopleLinks struct {
	// MemberID, when not 0, chooses one member's links, to every meeting
	// (/privacy forget).
	MemberID int64
	// StartedBefore, when not zero, chooses the links to the meetings that
	// started before it (the group's retention).
	StartedBefore time.Time
}

// Unlinked is what UnlinkPeople erased.
type Unlinked struct {
	Meetings   int64 // meetings that lost at least one link
	RSVPs      int64
	Attendance int64
	Roles      int64 // roles held for one meeting
}

// UnlinkPeople erases the links that sel chooses in the group and keeps
// what they counted on their meetings: each RSVP is added to the meeting's
// UnlinkedYes, UnlinkedMaybe or UnlinkedNo, each attendance record to
// UnlinkedCame and each role for the meeting to UnlinkedRoles; then the
// rows are deleted, and the meeting's CreatedBy and ReportFiledBy are
// cleared where they are a chosen member (every one, without MemberID).
// The meetings' lists, pages and reports show the same numbers as before:
// MeetingRow, RSVPCounts and AttendanceCount add the stored counts to the
// rows. Four statements whatever the number of rows. Call it inside Tx:
// the counts and the deletions commit together or not at all.
func (s *Store) UnlinkPeople(ctx context.Context, groupID int64, sel PeopleLinks) (_ Unlinked, err error) {
	defer wrap(&err, "storage.UnlinkPeople(%d, member %d, before %s)", groupID, sel.MemberID, sel.StartedBefore.UTC().Format(time.RFC3339))
	if sel.MemberID == 0 && sel.StartedBefore.IsZero() {
		return Unlinked{}, errors.New("no links chosen")
	}
	var out Unlinked
	// The meetings first, while the rows they count are still there.
	var q statement
	q.add("UPDATE meetings SET ")
	for _, answer := range []string{"yes", "maybe", "no"} {
		q.add("unlinked_" + answer + " = unlinked_" + answer + " + ")
		q.linkCount(sel, "rsvps", "r", "r.answer = '"+answer+"'")
		q.add(", ")
	}
	q.add("unlinked_came = unlinked_came + ")
	q.linkCount(sel, "attendance", "a", "")
	q.add(", unlinked_roles = unlinked_roles + ")
	q.linkCount(sel, "role_assignments", "ra", "")
	for _, col := range []string{"created_by", "report_filed_by"} {
		if sel.MemberID == 0 {
			q.add(", " + col + " = NULL")
		} else {
			q.add(", "+col+" = CASE WHEN "+col+" = ? THEN NULL ELSE "+col+" END", sel.MemberID)
		}
	}
	q.add(" WHERE group_id = ?", groupID)
	if !sel.StartedBefore.IsZero() {
		q.add(" AND starts_at < ?", sel.StartedBefore.UTC())
	}
	q.add(" AND (")
	for _, link := range []struct{ table, alias string }{{"rsvps", "r"}, {"attendance", "a"}, {"role_assignments", "ra"}} {
		q.add("EXISTS (SELECT 1 FROM " + link.table + " " + link.alias + " WHERE ")
		q.linkWhere(sel, link.alias)
		q.add(") OR ")
	}
	if sel.MemberID == 0 {
		q.add("created_by IS NOT NULL OR report_filed_by IS NOT NULL)")
	} else {
		q.add("created_by = ? OR report_filed_by = ?)", sel.MemberID, sel.MemberID)
	}
	if out.Meetings, err = q.exec(ctx, s); err != nil {
		return out, err
	}
	// Then the rows.
	for _, link := range []struct {
		table string
		n     *int64
	}{{"rsvps", &out.RSVPs}, {"attendance", &out.Attendance}, {"role_assignments", &out.Roles}} {
		var d statement
		d.add("DELETE FROM "+link.table+" WHERE group_id = ?", groupID)
		if link.table == "role_assignments" {
			d.add(" AND meeting_id IS NOT NULL")
		}
		if sel.MemberID != 0 {
			d.add(" AND member_id = ?", sel.MemberID)
		}
		if !sel.StartedBefore.IsZero() {
			d.add(" AND meeting_id IN (SELECT id FROM meetings WHERE group_id = ? AND starts_at < ?)", groupID, sel.StartedBefore.UTC())
		}
		if *link.n, err = d.exec(ctx, s); err != nil {
			return out, err
		}
	}
	return out, nil
}

// statement is SQL written a piece at a time, with its arguments in the
// order of their placeholders.
type statement struct {
	text strings.Builder
	args []any
}

func (q *statement) add(text string, args ...any) {
	q.text.WriteString(text)
	q.args = append(q.args, args...)
}

// linkWhere is the condition on a link row (aliased alias) of the meeting
// being updated that sel chooses.
func (q *statement) linkWhere(sel PeopleLinks, alias string) {
	q.add(alias + ".group_id = meetings.group_id AND " + alias + ".meeting_id = meetings.id")
	if sel.MemberID != 0 {
		q.add(" AND "+alias+".member_id = ?", sel.MemberID)
	}
}

// linkCount counts the meeting's link rows in table that sel chooses and
// that match filter ("" for all).
func (q *statement) linkCount(sel PeopleLinks, table, alias, filter string) {
	q.add("(SELECT COUNT(*) FROM " + table + " " + alias + " WHERE ")
	q.linkWhere(sel, alias)
	if filter != "" {
		q.add(" AND " + filter)
	}
	q.add(")")
}

// exec runs the statement and returns how many rows it changed.
func (q *statement) exec(ctx context.Context, s *Store) (int64, error) {
	res := s.with(ctx).Exec(q.text.String(), q.args...)
	return res.RowsAffected, res.Error
}
