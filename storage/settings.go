package storage

import (
	"context"
	"time"
)

// Each member's own settings (/me) and the group's language. A member's
// language is the one they chose, else their platform's locale, else the
// group's; their zone is their own, else the group's. Which languages
// there are is the catalog's business (commands.Language), not the
// database's: it keeps what was chosen.

// Settings are a member's own settings as /me shows them.
type Settings struct {
	Language  string // chosen; "" when not
	Locale    string // their platform's
	TimeZone  string // their own; "" for the group's
	Reminders bool
	// Coordinator and Lead say whether they hold those roles group-wide;
	// Subscribed is their digest choice, nil when they never made one.
	Coordinator, Lead bool
	Subscribed        *bool
}

// Digest reports whether they receive the digest by direct message, as
// DigestRecipients decides it: coordinators unless they unsubscribed,
// leads only when they subscribed.
func (st *Settings) Digest() bool {
	if st.Subscribed != nil {
		return *st.Subscribed && (st.Coordinator || st.Lead)
	}
	return st.Coordinator
}

// MemberSettings reads a member's settings, their group-wide roles that
// bear on the digest and their digest choice, in one statement.
func (s *Store) MemberSettings(ctx context.Context, groupID, memberID int64) (_ *Settings, err error) {
	defer wrap(&err, "storage.MemberSettings(%d, %d)", groupID, memberID)
	var rows []Settings
	err = s.with(ctx).Raw(`SELECT m.language, m.locale, m.time_zone, m.reminders,
		EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.group_id = m.group_id AND ra.member_id = m.id AND ra.meeting_id IS NULL AND ra.role = ?) AS coordinator,
		EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.group_id = m.group_id AND ra.member_id = m.id AND ra.meeting_id IS NULL AND ra.role = ?) AS lead,
		ds.subscribed
	FROM members m
	LEFT JOIN digest_subscriptions ds ON ds.group_id = m.group_id AND ds.member_id = m.id
	WHERE m.group_id = ? AND m.id = ?`, RoleCoordinator, RoleLead, groupID, memberID).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// SettingsChange is what one /me changes; nil fields stay as they are.
type SettingsChange struct {
	Language  *string
	TimeZone  *string
	Reminders *bool
}

// ChangeSettings writes a member's own settings in one statement.
func (s *Store) ChangeSettings(ctx context.Context, groupID, memberID int64, c SettingsChange) (err error) {
	defer wrap(&err, "storage.ChangeSettings(%d, %d)", groupID, memberID)
	changes := map[string]any{"updated_at": s.Now()}
	if c.Language != nil {
		changes["language"] = *c.Language
	}
	if c.TimeZone != nil {
		changes["time_zone"] = *c.TimeZone
	}
	if c.Reminders != nil {
		changes["reminders"] = *c.Reminders
	}
	defer s.writer()()
	res := s.single(ctx).Model(&Member{}).Where("group_id = ? AND id = ?", groupID, memberID).Updates(changes)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return res.Error
}

// SetGroupLanguage sets the group's language.
func (s *Store) SetGroupLanguage(ctx context.Context, groupID int64, language string) (err error) {
	defer wrap(&err, "storage.SetGroupLanguage(%d, %q)", groupID, language)
	return s.with(ctx).Model(&Group{}).Where("id = ?", groupID).
		Updates(map[string]any{"language": language, "updated_at": s.Now()}).Error
}

// ZoneOr returns the zone named, loaded once per process, or fallback
// when name is "": a member's own zone over their group's. A name that
// is no zone (which /me never stores) is UTC.
func ZoneOr(name string, fallback *time.Location) *time.Location {
	if name == "" {
		return fallback
	}
	return location(name)
}
