package storage

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The meeting statuses.
const (
	MeetingScheduled = "scheduled"
	MeetingCancelled = "cancelled"
	MeetingHeld      = "held"
)

// CreateMeeting adds a meeting to m.GroupID with the group's next number
// and tells the hooks (reminders). Call it inside Tx.
func (s *Store) CreateMeeting(ctx context.Context, m *Meeting) error {
	n, err := s.NextNumber(ctx, "meetings", m.GroupID)
	if err != nil {
		return err
	}
	m.Number = n
	if m.Status == "" {
		m.Status = MeetingScheduled
	}
	if err := translate(s.with(ctx).Create(m).Error); err != nil {
		return err
	}
	return s.meetingChanged(ctx, m)
}

// RescheduleMeeting moves a scheduled meeting and its gather time, updates
// m and tells the hooks. ErrNotFound means the meeting is not (or no
// longer) scheduled in m.GroupID. Call it inside Tx.
func (s *Store) RescheduleMeeting(ctx context.Context, m *Meeting, startsAt, gatherAt time.Time) error {
	now := s.Now()
	res := s.with(ctx).Model(&Meeting{}).
		Where("group_id = ? AND id = ? AND status = ?", m.GroupID, m.ID, MeetingScheduled).
		Updates(map[string]any{"starts_at": startsAt.UTC(), "gather_at": gatherAt.UTC(), "updated_at": now})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	m.StartsAt, m.GatherAt, m.UpdatedAt = startsAt.UTC(), gatherAt.UTC(), now
	return s.meetingChanged(ctx, m)
}

// SetMeetingStatus moves a scheduled meeting to status (MeetingCancelled or
// MeetingHeld), updates m and tells the hooks. ErrNotFound means the
// meeting is not (or no longer) scheduled in m.GroupID. Call it inside Tx.
func (s *Store) SetMeetingStatus(ctx context.Context, m *Meeting, status string) error {
	now := s.Now()
	res := s.with(ctx).Model(&Meeting{}).
		Where("group_id = ? AND id = ? AND status = ?", m.GroupID, m.ID, MeetingScheduled).
		Updates(map[string]any{"status": status, "updated_at": now})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	m.Status, m.UpdatedAt = status, now
	return s.meetingChanged(ctx, m)
}

// MeetingRow is a meeting with what lists show beside it.
type MeetingRow struct {
	Meeting
	OfficialName string
	Yes          int64
	Maybe        int64
	No           int64
}

// Which meetings a list shows.
const (
	MeetingsUpcoming = "upcoming" // starting now or later, soonest first
	MeetingsPast     = "past"     // started before now, latest first
	MeetingsAll      = "all"      // every meeting, latest first
)

// Meetings lists the group's meetings, with official names and RSVP
// counts; which is MeetingsUpcoming, MeetingsPast or MeetingsAll.
func (s *Store) Meetings(ctx context.Context, groupID int64, which string, now time.Time) ([]MeetingRow, error) {
	q := s.meetingRows(ctx).Where("mt.group_id = ?", groupID)
	switch which {
	case MeetingsUpcoming:
		q = q.Where("mt.starts_at >= ?", now.UTC()).Order("mt.starts_at, mt.number")
	case MeetingsPast:
		q = q.Where("mt.starts_at < ?", now.UTC()).Order("mt.starts_at DESC, mt.number DESC")
	default:
		q = q.Order("mt.starts_at DESC, mt.number DESC")
	}
	var out []MeetingRow
	return out, translate(q.Scan(&out).Error)
}

// MeetingsWithOfficial lists up to limit of the group's meetings with an
// official, latest first.
func (s *Store) MeetingsWithOfficial(ctx context.Context, groupID, officialID int64, limit int) ([]MeetingRow, error) {
	var out []MeetingRow
	err := s.meetingRows(ctx).Where("mt.group_id = ? AND mt.official_id = ?", groupID, officialID).
		Order("mt.starts_at DESC, mt.number DESC").Limit(limit).Scan(&out).Error
	return out, translate(err)
}

func (s *Store) meetingRows(ctx context.Context) *gorm.DB {
	count := func(answer string) string {
		return "(SELECT COUNT(*) FROM rsvps r WHERE r.group_id = mt.group_id AND r.meeting_id = mt.id AND r.answer = '" + answer + "') AS " + answer
	}
	return s.with(ctx).Table("meetings mt").
		Select("mt.*, COALESCE(o.name, '') AS official_name, " + count("yes") + ", " + count("maybe") + ", " + count("no")).
		Joins("LEFT JOIN officials o ON o.id = mt.official_id AND o.group_id = mt.group_id")
}

// LatestMeetingPlace returns where the group's most recent meeting of a
// kind took place, or "" when it has none.
func (s *Store) LatestMeetingPlace(ctx context.Context, groupID int64, kind string) (string, error) {
	var places []string
	err := s.with(ctx).Model(&Meeting{}).Where("group_id = ? AND kind = ? AND status <> ?", groupID, kind, MeetingCancelled).
		Order("starts_at DESC").Limit(1).Pluck("place", &places).Error
	if err != nil || len(places) == 0 {
		return "", translate(err)
	}
	return places[0], nil
}

// SetRSVP records a member's answer to a meeting, replacing an earlier one
// (one RSVP per member and meeting), and tells the hooks. It returns the
// earlier answer, "" when there was none. Call it inside Tx.
func (s *Store) SetRSVP(ctx context.Context, m *Meeting, memberID int64, answer string) (prev string, err error) {
	var r RSVP
	err = s.with(ctx).Where("group_id = ? AND meeting_id = ? AND member_id = ?", m.GroupID, m.ID, memberID).Take(&r).Error
	switch err = translate(err); {
	case err == nil:
		prev = r.Answer
	case !errors.Is(err, ErrNotFound):
		return "", err
	}
	r = RSVP{GroupID: m.GroupID, MeetingID: m.ID, MemberID: memberID, Answer: answer}
	err = s.with(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "meeting_id"}, {Name: "member_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"answer", "updated_at"}),
	}).Create(&r).Error
	if err != nil {
		return "", translate(err)
	}
	err = s.with(ctx).Where("group_id = ? AND meeting_id = ? AND member_id = ?", m.GroupID, m.ID, memberID).Take(&r).Error
	if err != nil {
		return "", translate(err)
	}
	return prev, s.rsvpChanged(ctx, m, &r)
}

// RSVPCounts counts a meeting's answers by answer (yes, no, maybe).
func (s *Store) RSVPCounts(ctx context.Context, groupID, meetingID int64) (map[string]int64, error) {
	var rows []struct {
		Answer string
		N      int64
	}
	err := s.with(ctx).Model(&RSVP{}).Select("answer, COUNT(*) AS n").
		Where("group_id = ? AND meeting_id = ?", groupID, meetingID).Group("answer").Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Answer] = r.N
	}
	return out, translate(err)
}

// RecordAttendance records that members came to a meeting; members already
// recorded are skipped. It returns how many were added; ErrNotFound when
// the meeting or a member is not the group's. Call it inside Tx.
func (s *Store) RecordAttendance(ctx context.Context, groupID, meetingID int64, memberIDs []int64, by int64) (int64, error) {
	memberIDs = slices.Compact(slices.Sorted(slices.Values(memberIDs)))
	var n int64
	if err := s.with(ctx).Model(&Meeting{}).Where("group_id = ? AND id = ?", groupID, meetingID).Count(&n).Error; err != nil {
		return 0, translate(err)
	}
	if n == 0 {
		return 0, ErrNotFound
	}
	if len(memberIDs) > 0 {
		if err := s.with(ctx).Model(&Member{}).Where("group_id = ? AND id IN ?", groupID, memberIDs).Count(&n).Error; err != nil {
			return 0, translate(err)
		}
		if n != int64(len(memberIDs)) {
			return 0, ErrNotFound
		}
	}
	var added int64
	for _, id := range memberIDs {
		res := s.with(ctx).Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Attendance{GroupID: groupID, MeetingID: meetingID, MemberID: id, RecordedBy: &by})
		if res.Error != nil {
			return added, translate(res.Error)
		}
		added += res.RowsAffected
	}
	return added, nil
}

// AttendanceCount counts who came to a meeting.
func (s *Store) AttendanceCount(ctx context.Context, groupID, meetingID int64) (int64, error) {
	var n int64
	err := s.with(ctx).Model(&Attendance{}).Where("group_id = ? AND meeting_id = ?", groupID, meetingID).Count(&n).Error
	return n, translate(err)
}
