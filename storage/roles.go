package storage

import (
	"context"

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
