package storage

import (
	"context"
	"strings"
	"time"
)

// DefaultRetentionDays is a group's retention until a lead sets one, as
// the schema's default has it.
const DefaultRetentionDays = 365

// PurgeReport is what one night's purge erased in a group, kept until the
// next digest reports it.
type PurgeReport struct {
	ID           int64
	GroupID      int64     `gorm:"not null"`
	Days         int64     `gorm:"not null"` // the retention it applied
	Meetings     int64     `gorm:"not null"` // meetings whose links to people were erased
	AuditEntries int64     `gorm:"not null"` // audit entries trimmed to "a member"
	CreatedAt    time.Time `gorm:"not null"`
}

// SetRetention sets how many days the group keeps links between people
// and meetings, and who made each audit entry.
func (s *Store) SetRetention(ctx context.Context, groupID int64, days int) (err error) {
	defer wrap(&err, "storage.SetRetention(%d, %d)", groupID, days)
	return s.with(ctx).Model(&Group{}).Where("id = ?", groupID).
		Updates(map[string]any{"retention_days": days, "updated_at": s.Now()}).Error
}

// DueRetention returns the groups whose nightly purge is due, by the rule
// due applies to each time zone groups use, and has not run for that
// local date, by group id. It runs two statements whatever the number of
// groups: one lists the zones, the other the groups of the due ones not
// yet purged (the IANA database has a few hundred zones, so one
// statement names them all). Zones are worked out in Go, because SQLite
// knows none.
func (s *Store) DueRetention(ctx context.Context, due func(zone string) (localDate string, ok bool)) (_ []DueGroup, err error) {
	defer wrap(&err, "storage.DueRetention")
	var zones []string
	if err := s.with(ctx).Model(&Group{}).Distinct("time_zone").Pluck("time_zone", &zones).Error; err != nil {
		return nil, err
	}
	var args []any // zone and local date of each due zone
	for _, zone := range zones {
		if date, ok := due(zone); ok {
			args = append(args, zone, date)
		}
	}
	if len(args) == 0 {
		return nil, nil
	}
	values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(args)/2), ", ")
	var out []DueGroup
	err = s.with(ctx).Raw(`WITH due (time_zone, local_date) AS (VALUES `+values+`)
SELECT g.id AS group_id, due.local_date
FROM groups g
JOIN due ON due.time_zone = g.time_zone
WHERE g.purged_on <> due.local_date
ORDER BY g.id`, args...).Scan(&out).Error
	return out, err
}

// RunRetention runs the group's purge for a local date, once: with the
// clock at now and the group's retention of N days, it erases the links
// between people and the meetings that started more than N days ago
// (UnlinkPeople: their counts stay) and trims the audit entries made more
// than N days ago to "a member": their author's link is erased, and so is
// their text, unless their action is one of keepText, whose text names
// nobody. What it erased is kept as a PurgeReport for the next digest,
// unless nothing was. ran is false when the group's purge for localDate
// had already run. Eight statements at most, whatever the size of the
// group. Call it inside Tx.
func (s *Store) RunRetention(ctx context.Context, groupID int64, localDate string, now time.Time, keepText []string) (_ PurgeReport, ran bool, err error) {
	defer wrap(&err, "storage.RunRetention(%d, %q)", groupID, localDate)
	g, err := s.GroupByID(ctx, groupID)
	if err != nil {
		return PurgeReport{}, false, err
	}
	res := s.with(ctx).Model(&Group{}).Where("id = ? AND purged_on <> ?", groupID, localDate).Update("purged_on", localDate)
	if res.Error != nil || res.RowsAffected == 0 {
		return PurgeReport{}, false, res.Error
	}
	days := g.RetentionDays
	if days <= 0 {
		days = DefaultRetentionDays
	}
	cutoff := now.UTC().AddDate(0, 0, -days)
	r := PurgeReport{GroupID: groupID, Days: int64(days)}
	unlinked, err := s.UnlinkPeople(ctx, groupID, PeopleLinks{StartedBefore: cutoff})
	if err != nil {
		return r, false, err
	}
	r.Meetings = unlinked.Meetings
	if r.AuditEntries, err = s.trimAudit(ctx, groupID, cutoff, keepText); err != nil {
		return r, false, err
	}
	if r.Meetings+r.AuditEntries > 0 {
		err = s.with(ctx).Create(&r).Error
	}
	return r, true, err
}

// trimAudit erases who made the group's audit entries older than before,
// and their text unless their action is one of keepText; it returns how
// many it trimmed. Entries already without an author are left alone.
func (s *Store) trimAudit(ctx context.Context, groupID int64, before time.Time, keepText []string) (int64, error) {
	if len(keepText) == 0 {
		keepText = []string{""} // IN () is not SQL
	}
	res := s.with(ctx).Exec(`UPDATE audit_log SET member_id = NULL,
	"before" = CASE WHEN action IN ? THEN "before" ELSE '' END,
	"after" = CASE WHEN action IN ? THEN "after" ELSE '' END
WHERE group_id = ? AND created_at < ? AND member_id IS NOT NULL`, keepText, keepText, groupID, before.UTC())
	return res.RowsAffected, res.Error
}

// UnreportedPurges lists what the group's purges erased since the last
// digest, oldest first.
func (s *Store) UnreportedPurges(ctx context.Context, groupID int64) (_ []PurgeReport, err error) {
	defer wrap(&err, "storage.UnreportedPurges(%d)", groupID)
	var out []PurgeReport
	err = s.with(ctx).Where("group_id = ?", groupID).Order("created_at, id").Find(&out).Error
	return out, err
}

// ForgetPurgeReports deletes purge reports a digest has shown.
func (s *Store) ForgetPurgeReports(ctx context.Context, groupID int64, ids []int64) (err error) {
	defer wrap(&err, "storage.ForgetPurgeReports(%d, [%d ids])", groupID, len(ids))
	if len(ids) == 0 {
		return nil
	}
	return s.with(ctx).Where("group_id = ? AND id IN ?", groupID, ids).Delete(&PurgeReport{}).Error
}

// ForgetDeliveryFailures deletes, in every group, the failed deliveries
// (each names its recipient) recorded before a time, reported or not, and
// returns how many.
func (s *Store) ForgetDeliveryFailures(ctx context.Context, before time.Time) (_ int64, err error) {
	defer wrap(&err, "storage.ForgetDeliveryFailures")
	res := s.with(ctx).Where("created_at < ?", before.UTC()).Delete(&DeliveryFailure{})
	return res.RowsAffected, res.Error
}
