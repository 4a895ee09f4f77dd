package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"gorm.io/gorm/clause"
)

// HoldsRole reports whether a member holds one of roles for the whole
// group or, when meetingID is not 0, for that meeting.
func (s *Store) HoldsRole(ctx context.Context, groupID, memberID, meetingID int64, roles ...Role) (_ bool, err error) {
	defer wrap(&err, "storage.HoldsRole(%d, %d, %d, %q)", groupID, memberID, meetingID, roles)
	var n int64
	err = s.with(ctx).Model(&RoleAssignment{}).
		Where("group_id = ? AND member_id = ? AND role IN ? AND (meeting_id IS NULL OR meeting_id = ?)", groupID, memberID, roles, meetingID).
		Count(&n).Error
	return n > 0, err
}

// LockGroup serialises changes to a group's roles until the transaction
// ends, so that two leads removing each other at once cannot leave the
// group without one. SQLite transactions here are already serialised
// (_txlock=immediate); on PostgreSQL this locks the group's row. Call it
// inside Tx.
func (s *Store) LockGroup(ctx context.Context, groupID int64) (err error) {
	defer wrap(&err, "storage.LockGroup(%d)", groupID)
	if s.dialect != Postgres {
		return nil
	}
	var g Group
	return s.with(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", groupID).Take(&g).Error
}

// RoleHoldersOf lists the group's group-wide role assignments and those
// for the given meetings, as RoleHolders does: the digest names the
// spokespeople of a week's meetings without reading every meeting's roles.
func (s *Store) RoleHoldersOf(ctx context.Context, groupID int64, meetingIDs []int64) (_ []RoleHolder, err error) {
	defer wrap(&err, "storage.RoleHoldersOf(%d, [%d meetings])", groupID, len(meetingIDs))
	if len(meetingIDs) == 0 {
		return s.roleHolders(ctx, groupID, "ra.meeting_id IS NULL")
	}
	return s.roleHolders(ctx, groupID, "ra.meeting_id IS NULL OR ra.meeting_id IN ?", meetingIDs)
}

// roleHolders reads the group's role assignments that match filter ("" for
// all), with the names users see, by role, meeting and name.
func (s *Store) roleHolders(ctx context.Context, groupID int64, filter string, args ...any) ([]RoleHolder, error) {
	q := s.with(ctx).Table("role_assignments ra").
		Select("ra.role, ra.member_id, "+named("members", "display_name", "ra.member_id", "ra.group_id")+" AS display_name, "+
			named("members", "platform_user_id", "ra.member_id", "ra.group_id")+" AS platform_user_id, "+
			named("meetings", "number", "ra.meeting_id", "ra.group_id")+" AS meeting_number").
		Where("ra.group_id = ?", groupID)
	if filter != "" {
		q = q.Where(filter, args...)
	}
	var out []RoleHolder
	err := q.Order("ra.role, meeting_number, display_name").Scan(&out).Error
	return out, err
}

// RoleLine is the holders of one role, group-wide or for one meeting: one
// line of the role list.
type RoleLine struct {
	Role          Role
	MeetingNumber int64    // 0 for group-wide
	Names         []string // by name
}

// RoleLines lists one page of the group's role holders, a line per role
// and meeting (group-wide first): every line, or (meetingID set) the
// group-wide ones and that meeting's. Lines follow the order of roles
// (roles not named there last), then the meeting's number; page.Total
// counts them all.
func (s *Store) RoleLines(ctx context.Context, groupID int64, meetingID *int64, roles []Role, page *Page) (_ []RoleLine, err error) {
	defer wrap(&err, "storage.RoleLines(%d, %v, %d)", groupID, optID(meetingID), page.Number)
	// The holders, each with the number of the meeting they hold the role
	// for (0 for group-wide); the page is chosen among their lines before
	// their names are read (see page.go).
	holders, args := `SELECT ra.role, ra.member_id, ra.group_id, COALESCE(`+named("meetings", "number", "ra.meeting_id", "ra.group_id")+`, 0) AS meeting
		FROM role_assignments ra WHERE ra.group_id = ?`, []any{groupID}
	if meetingID != nil {
		holders, args = holders+" AND (ra.meeting_id IS NULL OR ra.meeting_id = ?)", append(args, *meetingID)
	}
	order, orderArgs := "CASE h.role", []any{}
	for i, r := range roles {
		order += fmt.Sprintf(" WHEN ? THEN %d", i)
		orderArgs = append(orderArgs, r)
	}
	order += fmt.Sprintf(" ELSE %d END, h.meeting", len(roles))
	lines := "SELECT h.role, h.meeting FROM (" + holders + ") h GROUP BY h.role, h.meeting"
	w := pageWindow(page, "SELECT COUNT(*) AS n FROM ("+lines+") l", args)
	query := "SELECT h.role, h.meeting, COALESCE(" + named("members", "display_name", "h.member_id", "h.group_id") + ", '') AS name, " +
		w.Total + " AS page_total FROM (" + holders + ") h " +
		"JOIN (" + lines + " ORDER BY " + order + " " + w.Limit + ") p ON p.role = h.role AND p.meeting = h.meeting " +
		"ORDER BY " + order + ", name"
	var out []RoleLine
	page.Total = 0
	err = s.eachRow(ctx, query, slices.Concat(w.TotalArgs, args, args, orderArgs, w.LimitArgs, orderArgs), func(rows *sql.Rows) error {
		var role, name string
		var meeting int64
		if err := rows.Scan(&role, &meeting, &name, &page.Total); err != nil {
			return err
		}
		if n := len(out); n == 0 || out[n-1].Role != Role(role) || out[n-1].MeetingNumber != meeting {
			out = append(out, RoleLine{Role: Role(role), MeetingNumber: meeting})
		}
		out[len(out)-1].Names = append(out[len(out)-1].Names, name)
		return nil
	})
	return out, err
}
