package storage

import (
	"context"
	"fmt"
	"strings"
)

// OfficialByName finds one of the group's current officials by name,
// ignoring case and surrounding space.
func (s *Store) OfficialByName(ctx context.Context, groupID int64, name string) (_ *Official, err error) {
	defer wrap(&err, "storage.OfficialByName(%d, …)", groupID)
	var o Official
	return &o, s.with(ctx).Where("group_id = ? AND removed_at IS NULL AND lower(name) = ?", groupID, strings.ToLower(strings.TrimSpace(name))).Take(&o).Error
}

// OfficialNames lists the names of the group's current officials, for
// "did you mean" suggestions and autocomplete.
func (s *Store) OfficialNames(ctx context.Context, groupID int64) (_ []string, err error) {
	defer wrap(&err, "storage.OfficialNames(%d)", groupID)
	var names []string
	err = s.with(ctx).Model(&Official{}).Where("group_id = ? AND removed_at IS NULL", groupID).Order("name").Pluck("name", &names).Error
	return names, err
}

// MeetingByNumber finds a meeting by the number the group sees.
func (s *Store) MeetingByNumber(ctx context.Context, groupID, number int64) (_ *Meeting, err error) {
	defer wrap(&err, "storage.MeetingByNumber(%d, %d)", groupID, number)
	var m Meeting
	return &m, s.with(ctx).Where("group_id = ? AND number = ?", groupID, number).Take(&m).Error
}

// TaskByNumber finds a task by the number the group sees.
func (s *Store) TaskByNumber(ctx context.Context, groupID, number int64) (_ *Task, err error) {
	defer wrap(&err, "storage.TaskByNumber(%d, %d)", groupID, number)
	var t Task
	return &t, s.with(ctx).Where("group_id = ? AND number = ?", groupID, number).Take(&t).Error
}

// numbered are the tables whose rows carry a per-group number.
var numbered = map[string]bool{"officials": true, "meetings": true, "tasks": true}

// NextNumber gives the next per-group number for a table (officials,
// meetings, tasks) by moving the group's counter row. Call it inside the
// transaction that inserts the row: concurrent writers then queue on the
// counter, and a rolled-back insert gives its number back, so numbers are
// gapless and never collide.
func (s *Store) NextNumber(ctx context.Context, table string, groupID int64) (_ int64, err error) {
	defer wrap(&err, "storage.NextNumber(%q, %d)", table, groupID)
	if !numbered[table] {
		return 0, fmt.Errorf("%s has no numbers", table)
	}
	var n int64
	err = s.with(ctx).Raw(`INSERT INTO group_counters (group_id, entity, last) VALUES (?, ?, 1)
		ON CONFLICT (group_id, entity) DO UPDATE SET last = group_counters.last + 1
		RETURNING last`, groupID, table).Scan(&n).Error
	return n, err
}
