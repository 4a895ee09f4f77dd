package storage

import (
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EnsureGroup returns the group for a platform workspace, creating it on
// first sight.
func (s *Store) EnsureGroup(ctx context.Context, platform, platformID string) (_ *Group, err error) {
	defer wrap(&err, "storage.EnsureGroup(%q, %q)", platform, platformID)
	// Every request comes through here: read first, write only once.
	g, err := s.groupByPlatform(ctx, platform, platformID)
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return g, err
	}
	g = &Group{Platform: platform, PlatformID: platformID, TimeZone: "UTC"}
	if err := s.with(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(g).Error; err != nil {
		return nil, err
	}
	// Created here or, in a race, by another request.
	return s.groupByPlatform(ctx, platform, platformID)
}

// Caller is the stored side of who sent a request: their group's id,
// jurisdiction, zone and language, their member row with the settings
// they chose (/me) and their group-wide roles.
type Caller struct {
	GroupID       int64
	Jurisdiction  string
	Kind          string // the jurisdiction's: city, county or state
	TimeZone      string
	GroupLanguage string
	MemberID      int64
	DisplayName   string
	Locale        string // their platform's
	Language      string // chosen; "" when not
	MemberZone    string // their own; "" for the group's
	Reminders     bool
	Roles         []Role // sorted
}

// Location returns the group's time zone, UTC when it is unset or unknown.
func (c *Caller) Location() *time.Location { return location(c.TimeZone) }

// callerQuery reads a caller in one statement: the group, the member in
// it (NULL before their first request) and one row per group-wide role
// (one row with a NULL role when they hold none).
const callerQuery = `SELECT g.id AS group_id, g.jurisdiction, g.kind, g.time_zone, g.language AS group_language,
	m.id AS member_id, m.display_name, m.locale, m.language, m.time_zone AS member_zone, m.reminders, ra.role
FROM groups g
LEFT JOIN members m ON m.group_id = g.id AND m.platform_user_id = ?
LEFT JOIN role_assignments ra ON ra.group_id = g.id AND ra.member_id = m.id AND ra.meeting_id IS NULL
WHERE g.platform = ? AND g.platform_id = ?
ORDER BY ra.role`

// EnsureCaller returns the group, member and group-wide roles of a
// platform user, creating the group and member on first sight and keeping
// the member's display name and locale current (name or locale "": the
// platform did not say; keep the stored one). Every request comes through
// here, so a known member whose name and locale have not changed costs
// one statement; only what is new or changed costs more. Nothing is
// cached between requests: a role taken away or a zone changed counts
// from the next request on.
func (s *Store) EnsureCaller(ctx context.Context, platform, platformID, userID, name, locale string) (_ *Caller, err error) {
	defer wrap(&err, "storage.EnsureCaller(%q, %q, %q, …)", platform, platformID, userID)
	c, err := s.caller(ctx, platform, platformID, userID)
	if err != nil {
		return nil, err
	}
	if c.GroupID == 0 || c.MemberID == 0 {
		return s.createCaller(ctx, c, platform, platformID, userID, name, locale)
	}
	changes := map[string]any{}
	if name != "" && clipName(name) != c.DisplayName {
		c.DisplayName = clipName(name)
		changes["display_name"] = c.DisplayName
	}
	if locale = clipLocale(locale); locale != "" && locale != c.Locale {
		c.Locale = locale
		changes["locale"] = locale
	}
	if len(changes) > 0 {
		defer s.writer()()
		err = s.single(ctx).Model(&Member{}).Where("group_id = ? AND id = ?", c.GroupID, c.MemberID).Updates(changes).Error
	}
	return c, err
}

// single is for one statement that writes one table without hooks: GORM
// would otherwise wrap it in a transaction of its own, a BEGIN and a
// COMMIT round trip around it that buy nothing. Inside Tx it runs in the
// caller's transaction as before.
func (s *Store) single(ctx context.Context) *gorm.DB {
	return s.with(ctx).Session(&gorm.Session{SkipDefaultTransaction: true})
}

// LookupCaller reads a platform user as EnsureCaller does, in one
// statement, without creating or changing anything: GroupID is 0 when the
// group is unknown, and MemberID when the member is. Help and refusals
// given before the caller is resolved use it to speak their language.
func (s *Store) LookupCaller(ctx context.Context, platform, platformID, userID string) (_ *Caller, err error) {
	defer wrap(&err, "storage.LookupCaller(%q, %q, %q)", platform, platformID, userID)
	return s.caller(ctx, platform, platformID, userID)
}

// caller runs callerQuery; GroupID is 0 when the group is unknown, and
// MemberID when the member is.
func (s *Store) caller(ctx context.Context, platform, platformID, userID string) (*Caller, error) {
	var rows []struct {
		GroupID       int64
		Jurisdiction  string
		Kind          string
		TimeZone      string
		GroupLanguage string
		MemberID      *int64
		DisplayName   *string
		Locale        *string
		Language      *string
		MemberZone    *string
		Reminders     *bool
		Role          *Role
	}
	if err := s.with(ctx).Raw(callerQuery, userID, platform, platformID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	c := &Caller{}
	for _, r := range rows {
		c.GroupID, c.Jurisdiction, c.Kind, c.TimeZone, c.GroupLanguage = r.GroupID, r.Jurisdiction, r.Kind, r.TimeZone, r.GroupLanguage
		if r.MemberID != nil {
			c.MemberID, c.DisplayName, c.Locale = *r.MemberID, *r.DisplayName, *r.Locale
			c.Language, c.MemberZone, c.Reminders = *r.Language, *r.MemberZone, *r.Reminders
		}
		if r.Role != nil {
			c.Roles = append(c.Roles, *r.Role)
		}
	}
	return c, nil
}

// createCaller is EnsureCaller's path for a group or member seen for the
// first time: it creates what is missing, then reads the caller again
// (a member created by a concurrent request may already hold a role).
func (s *Store) createCaller(ctx context.Context, c *Caller, platform, platformID, userID, name, locale string) (*Caller, error) {
	groupID := c.GroupID
	if groupID == 0 {
		g, err := s.EnsureGroup(ctx, platform, platformID)
		if err != nil {
			return nil, err
		}
		groupID = g.ID
	}
	m, err := s.EnsureMember(ctx, groupID, userID, name)
	if err != nil {
		return nil, err
	}
	if locale = clipLocale(locale); locale != "" && locale != m.Locale {
		if err := s.SetMemberLocale(ctx, groupID, m.ID, locale); err != nil {
			return nil, err
		}
	}
	return s.caller(ctx, platform, platformID, userID)
}

// GroupByPlatform finds a workspace's group without creating it, for
// read-only lookups such as autocomplete; ErrNotFound before first use.
func (s *Store) GroupByPlatform(ctx context.Context, platform, platformID string) (_ *Group, err error) {
	defer wrap(&err, "storage.GroupByPlatform(%q, %q)", platform, platformID)
	return s.groupByPlatform(ctx, platform, platformID)
}

// groupByPlatform is GroupByPlatform with GORM's error.
func (s *Store) groupByPlatform(ctx context.Context, platform, platformID string) (*Group, error) {
	var g Group
	err := s.with(ctx).Where("platform = ? AND platform_id = ?", platform, platformID).Take(&g).Error
	return &g, err
}

// GroupByID returns a group by its row id.
func (s *Store) GroupByID(ctx context.Context, id int64) (_ *Group, err error) {
	defer wrap(&err, "storage.GroupByID(%d)", id)
	var g Group
	return &g, s.with(ctx).Take(&g, id).Error
}

// Groups returns every group, for periodic work such as digests.
func (s *Store) Groups(ctx context.Context) (_ []Group, err error) {
	defer wrap(&err, "storage.Groups()")
	var out []Group
	err = s.with(ctx).Order("id").Find(&out).Error
	return out, err
}

// SetJurisdiction sets the group's jurisdiction, kind and time zone.
func (s *Store) SetJurisdiction(ctx context.Context, groupID int64, name, kind, tz string) (err error) {
	defer wrap(&err, "storage.SetJurisdiction(%d, …, %q, %q)", groupID, kind, tz)
	return s.with(ctx).Model(&Group{}).Where("id = ?", groupID).
		Updates(map[string]any{"jurisdiction": name, "kind": kind, "time_zone": tz, "updated_at": s.Now()}).Error
}

// SetReportForm sets the address of the group's report-back form; ""
// goes back to the guide's own.
func (s *Store) SetReportForm(ctx context.Context, groupID int64, url string) (err error) {
	defer wrap(&err, "storage.SetReportForm(%d, …)", groupID)
	return s.with(ctx).Model(&Group{}).Where("id = ?", groupID).
		Updates(map[string]any{"report_form": url, "updated_at": s.Now()}).Error
}

// EnsureMember returns the member for a platform user, creating them on
// first sight and keeping their display name current.
func (s *Store) EnsureMember(ctx context.Context, groupID int64, userID, name string) (_ *Member, err error) {
	defer wrap(&err, "storage.EnsureMember(%d, %q, …)", groupID, userID)
	known := name != "" // "" means the platform did not say: keep the stored name
	name = clipName(name)
	var m Member
	err = s.with(ctx).Where("group_id = ? AND platform_user_id = ?", groupID, userID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		m = Member{GroupID: groupID, PlatformUserID: &userID, DisplayName: name}
		err = s.with(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&m).Error
		if err == nil && m.ID == 0 { // created concurrently
			err = s.with(ctx).Where("group_id = ? AND platform_user_id = ?", groupID, userID).Take(&m).Error
		}
		return &m, err
	}
	if err != nil {
		return nil, err
	}
	if known && name != m.DisplayName {
		m.DisplayName = name
		err = s.with(ctx).Model(&m).Where("group_id = ?", groupID).Update("display_name", name).Error
	}
	return &m, err
}

// clipName cuts a display name to the column's 100 characters; an empty
// one is "someone".
func clipName(name string) string {
	if name == "" {
		return "someone"
	}
	return clipRunes(name, 100)
}

// clipRunes cuts s to n characters.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// clipLocale cuts a locale to the column's 16 bytes.
func clipLocale(locale string) string {
	if len(locale) > 16 {
		return locale[:16]
	}
	return locale
}

// SetMemberLocale records the locale a member's platform reports.
func (s *Store) SetMemberLocale(ctx context.Context, groupID, memberID int64, locale string) (err error) {
	locale = clipLocale(locale)
	defer wrap(&err, "storage.SetMemberLocale(%d, %d, %q)", groupID, memberID, locale)
	return s.with(ctx).Model(&Member{}).Where("group_id = ? AND id = ?", groupID, memberID).Update("locale", locale).Error
}

// MemberByID returns a member of the group.
func (s *Store) MemberByID(ctx context.Context, groupID, id int64) (_ *Member, err error) {
	defer wrap(&err, "storage.MemberByID(%d, %d)", groupID, id)
	var m Member
	return &m, s.with(ctx).Where("group_id = ? AND id = ?", groupID, id).Take(&m).Error
}

// MembersByIDs returns the group's members with the given ids, by id.
func (s *Store) MembersByIDs(ctx context.Context, groupID int64, ids []int64) (_ map[int64]Member, err error) {
	defer wrap(&err, "storage.MembersByIDs(%d, [%d ids])", groupID, len(ids))
	var list []Member
	out := map[int64]Member{}
	if len(ids) == 0 {
		return out, nil
	}
	err = s.with(ctx).Where("group_id = ? AND id IN ?", groupID, ids).Find(&list).Error
	for _, m := range list {
		out[m.ID] = m
	}
	return out, err
}

// CountRole counts the group-wide holders of a role.
func (s *Store) CountRole(ctx context.Context, groupID int64, role Role) (_ int64, err error) {
	defer wrap(&err, "storage.CountRole(%d, %q)", groupID, role)
	var n int64
	err = s.with(ctx).Model(&RoleAssignment{}).
		Where("group_id = ? AND role = ? AND meeting_id IS NULL", groupID, role).Count(&n).Error
	return n, err
}

// AssignRole gives a member a role, group-wide when meetingID is nil. It
// returns ErrDuplicate when the member already has it.
func (s *Store) AssignRole(ctx context.Context, a *RoleAssignment) (err error) {
	defer wrap(&err, "storage.AssignRole(%d, %d, %q, %v)", a.GroupID, a.MemberID, a.Role, optID(a.MeetingID))
	return s.with(ctx).Create(a).Error
}

// RemoveRole takes a role away; ErrNotFound when the member did not have it.
func (s *Store) RemoveRole(ctx context.Context, groupID, memberID int64, role Role, meetingID *int64) (err error) {
	defer wrap(&err, "storage.RemoveRole(%d, %d, %q, %v)", groupID, memberID, role, optID(meetingID))
	q := s.with(ctx).Where("group_id = ? AND member_id = ? AND role = ?", groupID, memberID, role)
	if meetingID == nil {
		q = q.Where("meeting_id IS NULL")
	} else {
		q = q.Where("meeting_id = ?", *meetingID)
	}
	res := q.Delete(&RoleAssignment{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// RoleHolder is a role assignment with the names users see.
type RoleHolder struct {
	Role          Role
	MemberID      int64
	DisplayName   string
	PlatformID    *string `gorm:"column:platform_user_id"`
	MeetingNumber *int64
}

// RoleHolders lists the group's role assignments: group-wide ones and, when
// meetingID is set, that meeting's; ordered by role and name.
func (s *Store) RoleHolders(ctx context.Context, groupID int64, meetingID *int64) (_ []RoleHolder, err error) {
	defer wrap(&err, "storage.RoleHolders(%d, %v)", groupID, optID(meetingID))
	if meetingID != nil {
		return s.roleHolders(ctx, groupID, "ra.meeting_id IS NULL OR ra.meeting_id = ?", *meetingID)
	}
	return s.roleHolders(ctx, groupID, "")
}

// Audit records a change.
func (s *Store) Audit(ctx context.Context, e *AuditEntry) (err error) {
	defer wrap(&err, "storage.Audit(%d, %q, %q, %d)", e.GroupID, e.Action, e.Entity, e.EntityNumber)
	return s.with(ctx).Create(e).Error
}

// AuditRow is an audit entry with the actor's name.
type AuditRow struct {
	AuditEntry
	ActorName string
}

// AuditLog returns the group's most recent changes, newest first.
func (s *Store) AuditLog(ctx context.Context, groupID int64, limit int) (_ []AuditRow, err error) {
	defer wrap(&err, "storage.AuditLog(%d, %d)", groupID, limit)
	var out []AuditRow
	// The entries are chosen before their authors are named (see page.go).
	chosen := s.with(ctx).Table("audit_log a").Where("a.group_id = ?", groupID).Order("a.created_at DESC, a.id DESC").Limit(limit)
	err = s.with(ctx).Table("(?) AS a", chosen).
		Select("a.*, COALESCE(" + named("members", "display_name", "a.member_id", "a.group_id") + ", '') AS actor_name").
		Order("a.created_at DESC, a.id DESC").Scan(&out).Error
	return out, err
}

// FirstDelivery records a platform delivery id and reports whether it was
// new: the replay guard, one INSERT … ON CONFLICT DO NOTHING in one round
// trip (see single).
func (s *Store) FirstDelivery(ctx context.Context, groupID int64, platform, id string) (_ bool, err error) {
	defer wrap(&err, "storage.FirstDelivery(%d, %q, %q)", groupID, platform, id)
	defer s.writer()()
	res := s.single(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&ProcessedInteraction{GroupID: groupID, Platform: platform, DeliveryID: id})
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected == 1, nil
}

// ErrReplayed is what Tx returns when the delivery its context carries
// (WithDelivery) was recorded before: a platform's retry of a change that
// was made.
var ErrReplayed = errors.New("storage: this delivery was processed before")

// delivery is a platform delivery id that the next transaction records.
type delivery struct {
	groupID      int64
	platform, id string
	recorded     bool // by a transaction that committed
}

type deliveryKey struct{}

// WithDelivery returns a context whose next transaction (Tx) records the
// delivery id as FirstDelivery does, in the same commit as the change:
// one commit for a guarded change instead of two. DeliveryRecorded says
// afterwards whether one did.
func WithDelivery(ctx context.Context, groupID int64, platform, id string) context.Context {
	return context.WithValue(ctx, deliveryKey{}, &delivery{groupID: groupID, platform: platform, id: id})
}

// pendingDelivery returns the delivery ctx carries (WithDelivery) when no
// transaction has recorded it yet, and otherwise nil.
func pendingDelivery(ctx context.Context) *delivery {
	d, _ := ctx.Value(deliveryKey{}).(*delivery)
	if d != nil && d.recorded {
		return nil
	}
	return d
}

// DeliveryRecorded reports whether a transaction under ctx recorded the
// delivery WithDelivery gave it.
func DeliveryRecorded(ctx context.Context) bool {
	d, _ := ctx.Value(deliveryKey{}).(*delivery)
	return d != nil && d.recorded
}

// PruneDeliveries forgets delivery ids older than age; platforms stop
// retrying within minutes.
func (s *Store) PruneDeliveries(ctx context.Context, age time.Duration) (_ int64, err error) {
	defer wrap(&err, "storage.PruneDeliveries(%v)", age)
	res := s.with(ctx).Where("created_at < ?", s.Now().Add(-age)).Delete(&ProcessedInteraction{})
	return res.RowsAffected, res.Error
}

var zones sync.Map // zone name → *time.Location, loaded once

// Location returns the group's time zone, UTC when it is unset or unknown.
func (g *Group) Location() *time.Location { return location(g.TimeZone) }

// location loads a zone once per process: every request needs one.
func location(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}
