package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DigestSettings is a group's daily digest configuration. A group without a
// row has DefaultDigestSettings.
type DigestSettings struct {
	ID      int64
	GroupID int64 `gorm:"not null;unique"`
	// SendAt is the local time of day, HH:MM, in the group's time zone.
	SendAt string `gorm:"size:5;not null;default:'08:00'"`
	// Channel is a platform channel id; "" delivers to each recipient
	// directly.
	Channel   string    `gorm:"size:64;not null;default:''"`
	Quiet     bool      `gorm:"not null;default:true"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// DigestSubscription records a coordinator's or lead's choice to receive
// the digest (or not).
type DigestSubscription struct {
	ID         int64
	GroupID    int64     `gorm:"not null"`
	MemberID   int64     `gorm:"not null"`
	Subscribed bool      `gorm:"not null"`
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
}

// DigestSent is the duplicate guard: one row per group and local date.
type DigestSent struct {
	ID        int64
	GroupID   int64     `gorm:"not null"`
	LocalDate string    `gorm:"size:10;not null"` // YYYY-MM-DD
	Status    string    `gorm:"size:8;not null"`  // DigestSentStatus or DigestQuietStatus
	CreatedAt time.Time `gorm:"not null"`
}

// TableName keeps GORM from naming the table "digest_sents".
func (DigestSent) TableName() string { return "digests_sent" }

// The statuses of a DigestSent row.
const (
	DigestSentStatus  = "sent"
	DigestQuietStatus = "quiet"
)

// DeliveryFailure is a message that could not be delivered after its last
// retry; the next digest reports it.
type DeliveryFailure struct {
	ID         int64
	GroupID    int64  `gorm:"not null"`
	What       string `gorm:"size:100;not null"`
	Recipient  string `gorm:"size:100;not null"`
	Reason     string `gorm:"size:200;not null;default:''"`
	ReportedAt *time.Time
	CreatedAt  time.Time `gorm:"not null"`
}

// DefaultDigestSettings are a group's settings before anyone changes them.
func DefaultDigestSettings(groupID int64) DigestSettings {
	return DigestSettings{GroupID: groupID, SendAt: "08:00", Quiet: true}
}

// DigestSettingsOf returns the group's digest settings, or the defaults.
func (s *Store) DigestSettingsOf(ctx context.Context, groupID int64) (_ DigestSettings, err error) {
	defer wrap(&err, "storage.DigestSettingsOf(%d)", groupID)
	ds := DefaultDigestSettings(groupID)
	err = s.with(ctx).Where("group_id = ?", groupID).Take(&ds).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultDigestSettings(groupID), nil
	}
	return ds, err
}

// SaveDigestSettings writes the group's digest settings, creating the row
// on first change.
func (s *Store) SaveDigestSettings(ctx context.Context, ds *DigestSettings) (err error) {
	defer wrap(&err, "storage.SaveDigestSettings(%d)", ds.GroupID)
	now := s.Now()
	// A map, not the struct: GORM leaves a zero field with a default
	// (quiet=false) to the column's default when creating from a struct.
	return s.with(ctx).Model(&DigestSettings{}).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "group_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"send_at", "channel", "quiet", "updated_at"}),
	}).Create(map[string]any{
		"group_id": ds.GroupID, "send_at": ds.SendAt, "channel": ds.Channel, "quiet": ds.Quiet,
		"created_at": now, "updated_at": now,
	}).Error
}

// SetDigestSubscription records whether a member receives the digest.
func (s *Store) SetDigestSubscription(ctx context.Context, groupID, memberID int64, subscribed bool) (err error) {
	defer wrap(&err, "storage.SetDigestSubscription(%d, %d, %t)", groupID, memberID, subscribed)
	return s.with(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "group_id"}, {Name: "member_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"subscribed", "updated_at"}),
	}).Create(&DigestSubscription{GroupID: groupID, MemberID: memberID, Subscribed: subscribed}).Error
}

// DigestRecipients lists who receives the digest by direct message:
// coordinators who have not unsubscribed, and leads or coordinators who
// subscribed; forgotten members (no platform id) never.
func (s *Store) DigestRecipients(ctx context.Context, groupID int64) (_ []Member, err error) {
	defer wrap(&err, "storage.DigestRecipients(%d)", groupID)
	var out []Member
	err = s.with(ctx).Table("members m").Select("m.*").
		Where("m.group_id = ? AND m.platform_user_id IS NOT NULL", groupID).
		Where(`(EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.group_id = m.group_id AND ra.member_id = m.id AND ra.meeting_id IS NULL AND ra.role = ?)
		        AND NOT EXISTS (SELECT 1 FROM digest_subscriptions ds WHERE ds.group_id = m.group_id AND ds.member_id = m.id AND ds.subscribed = ?))
		    OR (EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.group_id = m.group_id AND ra.member_id = m.id AND ra.meeting_id IS NULL AND ra.role IN ?)
		        AND EXISTS (SELECT 1 FROM digest_subscriptions ds WHERE ds.group_id = m.group_id AND ds.member_id = m.id AND ds.subscribed = ?))`,
			RoleCoordinator, false, []Role{RoleLead, RoleCoordinator}, true).
		Order("m.display_name, m.id").Scan(&out).Error
	return out, err
}

// DigestDone reports whether the group's digest for a local date was
// already sent (or skipped as quiet).
func (s *Store) DigestDone(ctx context.Context, groupID int64, localDate string) (_ bool, err error) {
	defer wrap(&err, "storage.DigestDone(%d, %q)", groupID, localDate)
	var n int64
	err = s.with(ctx).Model(&DigestSent{}).Where("group_id = ? AND local_date = ?", groupID, localDate).Count(&n).Error
	return n > 0, err
}

// MarkDigest writes the guard row for a group and local date; it returns
// ErrDuplicate when another worker got there first.
func (s *Store) MarkDigest(ctx context.Context, groupID int64, localDate, status string) (err error) {
	defer wrap(&err, "storage.MarkDigest(%d, %q, %q)", groupID, localDate, status)
	return s.with(ctx).Create(&DigestSent{GroupID: groupID, LocalDate: localDate, Status: status}).Error
}

// LastDigestAt returns when the group's last digest was sent, or nil.
func (s *Store) LastDigestAt(ctx context.Context, groupID int64) (_ *time.Time, err error) {
	defer wrap(&err, "storage.LastDigestAt(%d)", groupID)
	var d DigestSent
	err = s.with(ctx).Where("group_id = ? AND status = ?", groupID, DigestSentStatus).Order("created_at DESC, id DESC").Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d.CreatedAt, nil
}

// RecordDeliveryFailure keeps a message that could not be delivered, for
// the next digest. Over-long texts are clipped to the schema's limits.
func (s *Store) RecordDeliveryFailure(ctx context.Context, f *DeliveryFailure) (err error) {
	defer wrap(&err, "storage.RecordDeliveryFailure(%d)", f.GroupID)
	f.What, f.Recipient, f.Reason = clip(f.What, 100), clip(f.Recipient, 100), clip(f.Reason, 200)
	return s.with(ctx).Create(f).Error
}

// UnreportedFailures lists the group's failed deliveries that no digest
// has shown yet, oldest first.
func (s *Store) UnreportedFailures(ctx context.Context, groupID int64) (_ []DeliveryFailure, err error) {
	defer wrap(&err, "storage.UnreportedFailures(%d)", groupID)
	var out []DeliveryFailure
	err = s.with(ctx).Where("group_id = ? AND reported_at IS NULL", groupID).Order("created_at, id").Find(&out).Error
	return out, err
}

// MarkFailuresReported records that a digest showed these failures.
func (s *Store) MarkFailuresReported(ctx context.Context, groupID int64, ids []int64) (err error) {
	defer wrap(&err, "storage.MarkFailuresReported(%d, [%d ids])", groupID, len(ids))
	if len(ids) == 0 {
		return nil
	}
	return s.with(ctx).Model(&DeliveryFailure{}).Where("group_id = ? AND id IN ?", groupID, ids).
		Update("reported_at", s.Now()).Error
}

func clip(v string, n int) string {
	r := []rune(v)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return v
}

// UpcomingMeeting is a meeting as the digest shows it.
type UpcomingMeeting = MeetingRow

// UpcomingMeetings lists the group's scheduled meetings starting in
// [from, to), soonest first, with RSVP counts.
func (s *Store) UpcomingMeetings(ctx context.Context, groupID int64, from, to time.Time) (_ []UpcomingMeeting, err error) {
	defer wrap(&err, "storage.UpcomingMeetings(%d)", groupID)
	var out []UpcomingMeeting
	chosen := s.meetings(ctx).Where("mt.group_id = ? AND mt.status = ? AND mt.starts_at >= ? AND mt.starts_at < ?", groupID, MeetingScheduled, from.UTC(), to.UTC())
	err = s.meetingRows(ctx, chosen, "mt.starts_at, mt.number").Scan(&out).Error
	return out, err
}

// DueTask is an open task with its assignee's name.
type DueTask struct {
	Task
	AssigneeName string
}

// TasksDueBefore lists the group's open tasks due before until (overdue
// ones included), by assignee name and due time; unassigned tasks have an
// empty AssigneeName and come first.
func (s *Store) TasksDueBefore(ctx context.Context, groupID int64, until time.Time) (_ []DueTask, err error) {
	defer wrap(&err, "storage.TasksDueBefore(%d)", groupID)
	var out []DueTask
	err = s.with(ctx).Table("tasks t").
		Select("t.*, COALESCE("+named("members", "display_name", "t.assignee_id", "t.group_id")+", '') AS assignee_name").
		Where("t.group_id = ? AND t.status = ? AND t.due_at IS NOT NULL AND t.due_at < ?", groupID, TaskOpen, until).
		Order("assignee_name, t.due_at, t.number").Scan(&out).Error
	return out, err
}

// LoggedAnswer is an answer with its official's name.
type LoggedAnswer struct {
	Answer
	OfficialName string
}

// AnswersSince lists the answers logged in the group at or after since,
// oldest first.
func (s *Store) AnswersSince(ctx context.Context, groupID int64, since time.Time) (_ []LoggedAnswer, err error) {
	defer wrap(&err, "storage.AnswersSince(%d)", groupID)
	var out []LoggedAnswer
	err = s.with(ctx).Table("answers a").
		Select("a.*, COALESCE("+named("officials", "name", "a.official_id", "a.group_id")+", '') AS official_name").
		Where("a.group_id = ? AND a.created_at >= ?", groupID, since).
		Order("a.created_at, a.id").Scan(&out).Error
	return out, err
}

// Reminder recipients.

// Attendee is a member who answered yes to a meeting, with what their
// reminder needs: their language and zone as they set them (/me), and
// whether they want reminders at all.
type Attendee struct {
	MemberID   int64
	Name       string
	PlatformID string
	Locale     string
	Language   string
	TimeZone   string
	Reminders  bool
}

// YesAttendees lists the members whose current answer to the meeting is
// yes and who can still be reached (forgotten members have no platform id).
func (s *Store) YesAttendees(ctx context.Context, groupID, meetingID int64) (_ []Attendee, err error) {
	defer wrap(&err, "storage.YesAttendees(%d, %d)", groupID, meetingID)
	var out []Attendee
	err = s.with(ctx).Table("members m").
		Select("m.id AS member_id, m.display_name AS name, m.platform_user_id AS platform_id, m.locale, m.language, m.time_zone, m.reminders").
		Where("m.group_id = ? AND m.platform_user_id IS NOT NULL", groupID).
		Where("m.id IN (SELECT r.member_id FROM rsvps r WHERE r.group_id = ? AND r.meeting_id = ? AND r.answer = 'yes')", groupID, meetingID).
		Order("m.display_name, m.id").Scan(&out).Error
	return out, err
}

// ReminderMeeting returns one of the group's meetings by row id; the job queue
// carries row ids, users see numbers.
func (s *Store) ReminderMeeting(ctx context.Context, groupID, id int64) (_ *Meeting, err error) {
	defer wrap(&err, "storage.ReminderMeeting(%d, %d)", groupID, id)
	var m Meeting
	return &m, s.with(ctx).Where("group_id = ? AND id = ?", groupID, id).Take(&m).Error
}

// ReminderTask returns one of the group's tasks by row id.
func (s *Store) ReminderTask(ctx context.Context, groupID, id int64) (_ *Task, err error) {
	defer wrap(&err, "storage.ReminderTask(%d, %d)", groupID, id)
	var t Task
	return &t, s.with(ctx).Where("group_id = ? AND id = ?", groupID, id).Take(&t).Error
}

// ReminderOfficialName returns the name of one of the group's officials by row id,
// "" when there is none.
func (s *Store) ReminderOfficialName(ctx context.Context, groupID int64, id *int64) (_ string, err error) {
	defer wrap(&err, "storage.ReminderOfficialName(%d, %v)", groupID, optID(id))
	if id == nil {
		return "", nil
	}
	var names []string
	err = s.with(ctx).Model(&Official{}).Where("group_id = ? AND id = ?", groupID, *id).Pluck("name", &names).Error
	if err != nil || len(names) == 0 {
		return "", err
	}
	return names[0], nil
}
