package storage

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// DigestSlot is a time zone and a digest time of day that groups share:
// whether a digest is due depends on nothing else, so the tick decides
// once per slot rather than once per group.
type DigestSlot struct {
	TimeZone string // as stored: an IANA name
	SendAt   string // HH:MM, the group's setting or the default
}

// DueGroup is a group whose digest for LocalDate is due and not yet sent
// (nor skipped as quiet).
type DueGroup struct {
	GroupID   int64
	LocalDate string // YYYY-MM-DD in the group's zone
}

// slotsPerStatement bounds the slots one statement names (three
// parameters each), well within SQLite's 32,766 parameters. A database
// of real groups has a few dozen due slots at a time.
const slotsPerStatement = 1000

// DueDigests returns the groups whose digest is due by the rule due
// applies to each slot, with no digests_sent row for their local date,
// by group id. It runs two statements whatever the number of groups (one
// more per slotsPerStatement due slots): one lists the distinct slots,
// the other the unsent groups of the due ones. Time zones are worked out
// in Go, because SQLite knows none.
func (s *Store) DueDigests(ctx context.Context, due func(DigestSlot) (localDate string, ok bool)) (_ []DueGroup, err error) {
	defer wrap(&err, "storage.DueDigests")
	var slots []DigestSlot
	err = s.with(ctx).Table("groups g").
		Select("DISTINCT g.time_zone, COALESCE(ds.send_at, ?) AS send_at", DefaultDigestSettings(0).SendAt).
		Joins("LEFT JOIN digest_settings ds ON ds.group_id = g.id").
		Scan(&slots).Error
	if err != nil {
		return nil, err
	}
	var args []any // zone, time and local date of each due slot
	for _, sl := range slots {
		if date, ok := due(sl); ok {
			args = append(args, sl.TimeZone, sl.SendAt, date)
		}
	}
	var out []DueGroup
	for len(args) > 0 {
		n := 3 * min(len(args)/3, slotsPerStatement)
		var part []DueGroup
		if err := s.unsent(ctx, args[:n]).Scan(&part).Error; err != nil {
			return nil, err
		}
		out, args = append(out, part...), args[n:]
	}
	slices.SortFunc(out, func(a, b DueGroup) int { return cmp.Compare(a.GroupID, b.GroupID) })
	return out, nil
}

// unsent runs unsentSQL for the due slots whose zone, time and local date
// are args, three by three.
func (s *Store) unsent(ctx context.Context, args []any) *gorm.DB {
	values := strings.Repeat("(?, ?, ?), ", len(args)/3)
	params := append(slices.Clip(args), DefaultDigestSettings(0).SendAt)
	return s.with(ctx).Raw(unsentSQL(strings.TrimSuffix(values, ", ")), params...)
}

// unsentSQL finds the groups of the due slots (a VALUES list of zone,
// time and local date, then the default time as the last parameter)
// whose digest for that date has no guard row. Its plan needs no
// statistics: the slots pick groups in one pass over them (no index
// serves a zone name that many groups share, and the tick wants most of
// them), and each candidate is looked up by key in digest_settings and
// in digests_sent, so that the cost follows the number of groups, never
// the years of guard rows.
func unsentSQL(values string) string {
	return `WITH due (time_zone, send_at, local_date) AS (VALUES ` + values + `)
SELECT g.id AS group_id, due.local_date
FROM groups g
JOIN due ON due.time_zone = g.time_zone
LEFT JOIN digest_settings ds ON ds.group_id = g.id
WHERE COALESCE(ds.send_at, ?) = due.send_at
  AND NOT EXISTS (SELECT 1 FROM digests_sent d WHERE d.group_id = g.id AND d.local_date = due.local_date)`
}
