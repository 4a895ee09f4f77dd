package storage

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateMeeting adds a meeting to m.GroupID with the group's next number
// and tells the hooks (reminders). Call it inside Tx.
func (s *Store) CreateMeeting(ctx context.Context, m *Meeting) (err error) {
	defer wrap(&err, "storage.CreateMeeting(%d)", m.GroupID)
	n, err := s.NextNumber(ctx, "meetings", m.GroupID)
	if err != nil {
		return err
	}
	m.Number = n
	if m.Status == "" {
		m.Status = MeetingScheduled
	}
	if err := s.with(ctx).Create(m).Error; err != nil {
		return err
	}
	return s.meetingChanged(ctx, m)
}

// RescheduleMeeting moves a scheduled meeting and its gather time, counts
// the move in its Sequence (so that calendars replace their copy), updates
// m and tells the hooks. ErrNotFound means the meeting is not (or no
// longer) scheduled in m.GroupID. Call it inside Tx.
func (s *Store) RescheduleMeeting(ctx context.Context, m *Meeting, startsAt, gatherAt time.Time) (err error) {
	defer wrap(&err, "storage.RescheduleMeeting(%d, %d)", m.GroupID, m.ID)
	now := s.Now()
	res := s.with(ctx).Model(&Meeting{}).
		Where("group_id = ? AND id = ? AND status = ?", m.GroupID, m.ID, MeetingScheduled).
		Updates(map[string]any{"starts_at": startsAt.UTC(), "gather_at": gatherAt.UTC(), "sequence": gorm.Expr("sequence + 1"), "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	m.StartsAt, m.GatherAt, m.UpdatedAt = startsAt.UTC(), gatherAt.UTC(), now
	m.Sequence++
	return s.meetingChanged(ctx, m)
}

// SetMeetingStatus moves a scheduled meeting to status (MeetingCancelled or
// MeetingHeld), updates m and tells the hooks. Cancelling counts in the
// meeting's Sequence, as a move does; marking it held changes nothing a
// calendar shows. ErrNotFound means the meeting is not (or no longer)
// scheduled in m.GroupID. Call it inside Tx.
func (s *Store) SetMeetingStatus(ctx context.Context, m *Meeting, status MeetingStatus) (err error) {
	defer wrap(&err, "storage.SetMeetingStatus(%d, %d, %q)", m.GroupID, m.ID, status)
	now := s.Now()
	changes := map[string]any{"status": status, "updated_at": now}
	if status == MeetingCancelled {
		changes["sequence"] = gorm.Expr("sequence + 1")
	}
	res := s.with(ctx).Model(&Meeting{}).
		Where("group_id = ? AND id = ? AND status = ?", m.GroupID, m.ID, MeetingScheduled).
		Updates(changes)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	m.Status, m.UpdatedAt = status, now
	if status == MeetingCancelled {
		m.Sequence++
	}
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
	MeetingsUpcoming  = "upcoming"  // scheduled, starting now or later, soonest first
	MeetingsPast      = "past"      // took place (see Meeting.TookPlace), latest first
	MeetingsCancelled = "cancelled" // cancelled, latest first
	MeetingsAll       = "all"       // every meeting, latest first
)

// Meetings lists the group's meetings, with official names and RSVP
// counts: all of them or, given a page, that page's (and page.Total);
// which is MeetingsUpcoming, MeetingsPast, MeetingsCancelled or
// MeetingsAll.
func (s *Store) Meetings(ctx context.Context, groupID int64, which string, now time.Time, page ...*Page) (_ []MeetingRow, err error) {
	defer wrap(&err, "storage.Meetings(%d, %q)", groupID, which)
	where, args := "mt.group_id = ?", []any{groupID}
	var order string
	switch which {
	case MeetingsUpcoming:
		where, order = where+" AND mt.status = ? AND mt.starts_at >= ?", "mt.starts_at, mt.number"
		args = append(args, MeetingScheduled, now.UTC())
	case MeetingsPast:
		where, order = where+" AND (mt.status = ? OR (mt.status = ? AND mt.starts_at < ?))", "mt.starts_at DESC, mt.number DESC"
		args = append(args, MeetingHeld, MeetingScheduled, now.UTC())
	case MeetingsCancelled:
		where, order = where+" AND mt.status = ?", "mt.starts_at DESC, mt.number DESC"
		args = append(args, MeetingCancelled)
	default:
		order = "mt.starts_at DESC, mt.number DESC"
	}
	// The page is chosen among the meetings alone, on the index that
	// orders them; only its rows are joined to their officials and RSVPs.
	if len(page) == 0 {
		var out []MeetingRow
		err = s.meetingRows(ctx, s.meetings(ctx).Where(where, args...).Order(order), order).Scan(&out).Error
		return out, err
	}
	w := pageWindow(page[0], "SELECT COUNT(*) AS n FROM meetings mt WHERE "+where, args)
	chosen := s.with(ctx).Raw("SELECT mt.*, "+w.Total+" AS page_total FROM meetings mt WHERE "+where+" ORDER BY "+order+" "+w.Limit,
		slices.Concat(w.TotalArgs, args, w.LimitArgs)...)
	var rows []paged[MeetingRow]
	err = s.meetingRows(ctx, chosen, order).Scan(&rows).Error
	return rowsOf(page[0], rows), err
}

// MeetingsHeldWith lists up to limit of the group's meetings with an
// official that took place by now (see Meeting.TookPlace), latest first.
func (s *Store) MeetingsHeldWith(ctx context.Context, groupID, officialID int64, now time.Time, limit int) (_ []MeetingRow, err error) {
	defer wrap(&err, "storage.MeetingsHeldWith(%d, %d, %d)", groupID, officialID, limit)
	const order = "mt.starts_at DESC, mt.number DESC"
	chosen := s.meetings(ctx).Where("mt.group_id = ? AND mt.official_id = ?", groupID, officialID).
		Where("(mt.status = ? OR (mt.status = ? AND mt.starts_at <= ?))", MeetingHeld, MeetingScheduled, now.UTC()).
		Order(order).Limit(limit)
	var out []MeetingRow
	err = s.meetingRows(ctx, chosen, order).Scan(&out).Error
	return out, err
}

// MeetingsNear lists the group's meetings, other than exclude and not
// cancelled, that start less than window away from start, or that meet
// officialID (when set) between dayStart and dayEnd: the clashes a new or
// moved meeting is warned about. Soonest first.
func (s *Store) MeetingsNear(ctx context.Context, groupID, exclude int64, start time.Time, window time.Duration, officialID *int64, dayStart, dayEnd time.Time) (_ []MeetingRow, err error) {
	defer wrap(&err, "storage.MeetingsNear(%d, %d, %v)", groupID, exclude, optID(officialID))
	near := "(mt.starts_at > ? AND mt.starts_at < ?)"
	args := []any{start.Add(-window).UTC(), start.Add(window).UTC()}
	if officialID != nil {
		near = "(" + near + " OR (mt.official_id = ? AND mt.starts_at >= ? AND mt.starts_at < ?))"
		args = append(args, *officialID, dayStart.UTC(), dayEnd.UTC())
	}
	chosen := s.meetings(ctx).Where("mt.group_id = ? AND mt.id <> ? AND mt.status <> ?", groupID, exclude, MeetingCancelled).Where(near, args...)
	var out []MeetingRow
	err = s.meetingRows(ctx, chosen, "mt.starts_at, mt.number").Scan(&out).Error
	return out, err
}

// MeetingsWithOfficial lists up to limit of the group's meetings with an
// official, latest first.
func (s *Store) MeetingsWithOfficial(ctx context.Context, groupID, officialID int64, limit int) (_ []MeetingRow, err error) {
	defer wrap(&err, "storage.MeetingsWithOfficial(%d, %d, %d)", groupID, officialID, limit)
	const order = "mt.starts_at DESC, mt.number DESC"
	chosen := s.meetings(ctx).Where("mt.group_id = ? AND mt.official_id = ?", groupID, officialID).Order(order).Limit(limit)
	var out []MeetingRow
	err = s.meetingRows(ctx, chosen, order).Scan(&out).Error
	return out, err
}

// meetings starts a choice of meetings (aliased mt) for meetingRows.
func (s *Store) meetings(ctx context.Context) *gorm.DB {
	return s.with(ctx).Table("meetings mt").Select("mt.*")
}

// meetingRows reads the meetings that chosen chose (see meetings) as
// MeetingRow, in order, with their RSVPs counted. Each count is the
// meeting's rows plus what it counted of people whose link to it was
// erased (see UnlinkPeople). The RSVPs are read by meeting, on the index
// that starts with it, whatever the table statistics say (see page.go):
// on PostgreSQL in one pass for each meeting (a lateral join), where
// three counts read each RSVP three times; SQLite, which has no lateral
// joins, counts them in-process, three times.
func (s *Store) meetingRows(ctx context.Context, chosen *gorm.DB, order string) *gorm.DB {
	const rsvps = "FROM rsvps r WHERE r.meeting_id = mt.id AND +r.group_id = mt.group_id"
	q := s.with(ctx).Table("(?) AS mt", chosen)
	count := func(answer string) string { return "(SELECT COUNT(*) " + rsvps + " AND r.answer = '" + answer + "')" }
	if s.dialect == Postgres {
		q = q.Joins("CROSS JOIN LATERAL (SELECT COUNT(*) FILTER (WHERE r.answer = 'yes') AS yes, COUNT(*) FILTER (WHERE r.answer = 'maybe') AS maybe, " +
			"COUNT(*) FILTER (WHERE r.answer = 'no') AS no " + rsvps + ") rc")
		count = func(answer string) string { return "rc." + answer }
	}
	total := func(answer string) string { return count(answer) + " + mt.unlinked_" + answer + " AS " + answer }
	return q.Select("mt.*, COALESCE(" + named("officials", "name", "mt.official_id", "mt.group_id") + ", '') AS official_name, " +
		total("yes") + ", " + total("maybe") + ", " + total("no")).Order(order)
}

// LatestMeetingPlace returns where the group's most recent meeting of a
// kind took place, or "" when it has none.
func (s *Store) LatestMeetingPlace(ctx context.Context, groupID int64, kind MeetingKind) (_ string, err error) {
	defer wrap(&err, "storage.LatestMeetingPlace(%d, %q)", groupID, kind)
	var places []string
	err = s.with(ctx).Model(&Meeting{}).Where("group_id = ? AND kind = ? AND status <> ?", groupID, kind, MeetingCancelled).
		Order("starts_at DESC").Limit(1).Pluck("place", &places).Error
	if err != nil || len(places) == 0 {
		return "", err
	}
	return places[0], nil
}

// SetRSVP records a member's answer to a meeting, replacing an earlier one
// (one RSVP per member and meeting). It returns the earlier answer, ""
// when there was none. Call it inside Tx. No hook: the meeting's
// reminders were enqueued with the meeting (MeetingChanged) and read the
// RSVPs when they run.
func (s *Store) SetRSVP(ctx context.Context, m *Meeting, memberID int64, answer string) (prev string, err error) {
	defer wrap(&err, "storage.SetRSVP(%d, %d, %d, %q)", m.GroupID, m.ID, memberID, answer)
	var r RSVP
	err = s.with(ctx).Where("group_id = ? AND meeting_id = ? AND member_id = ?", m.GroupID, m.ID, memberID).Take(&r).Error
	switch {
	case err == nil:
		prev = r.Answer
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return "", err
	}
	r = RSVP{GroupID: m.GroupID, MeetingID: m.ID, MemberID: memberID, Answer: answer}
	err = s.with(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "meeting_id"}, {Name: "member_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"answer", "updated_at"}),
	}).Create(&r).Error
	if err != nil {
		return "", err
	}
	return prev, nil
}

// Invitation is a member's answer to a meeting's invitation, as
// AnswerInvitation records it.
type Invitation struct {
	Meeting  *Meeting
	MemberID int64
	Name     string // the member's, for the audit log
	Answer   string // yes, no or maybe
}

// AnswerInvitation records inv (SetRSVP), with an audit entry when it
// changes the member's answer, in one transaction that also records the
// delivery ctx carries (WithDelivery; ErrReplayed when it was recorded
// before). It returns the earlier answer ("" for none) and the meeting's
// counts by answer afterwards, as RSVPCounts gives them. The audit entry
// reads "Name: answer" before and after.
//
// On PostgreSQL all of it is one statement, one round trip instead of
// six (BEGIN, the delivery, the answer, the audit entry, COMMIT, the
// counts): an RSVP is the write a meeting's announcement sends many
// members to at once. On SQLite the counts are read after the commit, out
// of the writers' line.
func (s *Store) AnswerInvitation(ctx context.Context, inv Invitation) (prev string, counts map[string]int64, err error) {
	m := inv.Meeting
	if s.dialect == Postgres {
		defer wrap(&err, "storage.AnswerInvitation(%d, %d, %d, %q)", m.GroupID, m.ID, inv.MemberID, inv.Answer)
		return s.answerInvitationOnce(ctx, inv)
	}
	err = s.Tx(ctx, func(tx *Store) error {
		var err error
		if prev, err = tx.SetRSVP(ctx, m, inv.MemberID, inv.Answer); err != nil || prev == inv.Answer {
			return err
		}
		return tx.Audit(ctx, invitationAudit(inv, prev))
	})
	if err != nil {
		return "", nil, err
	}
	counts, err = s.RSVPCounts(ctx, m.GroupID, m.ID)
	return prev, counts, err
}

// invitationAudit is the audit entry of inv over an earlier answer.
func invitationAudit(inv Invitation, prev string) *AuditEntry {
	e := &AuditEntry{
		GroupID: inv.Meeting.GroupID, MemberID: &inv.MemberID,
		Action: "meeting.rsvp", Entity: "meeting", EntityNumber: inv.Meeting.Number,
		After: inv.Name + ": " + inv.Answer,
	}
	if prev != "" {
		e.Before = inv.Name + ": " + prev
	}
	return e
}

// answerInvitationOnce is AnswerInvitation on PostgreSQL. Every part of
// the statement sees the snapshot it started with, so the earlier answer
// is read (and locked) before the upsert, and the counts are those
// before it: they are corrected here. Nothing is written when the
// delivery was recorded before.
func (s *Store) answerInvitationOnce(ctx context.Context, inv Invitation) (string, map[string]int64, error) {
	m, now := inv.Meeting, s.Now()
	audit := invitationAudit(inv, "")
	guard, args := "SELECT 1", []any{}
	d := pendingDelivery(ctx)
	if d != nil {
		guard = `INSERT INTO processed_interactions (group_id, platform, delivery_id, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING RETURNING 1`
		args = append(args, d.groupID, d.platform, d.id, now)
	}
	args = append(args,
		m.ID, inv.MemberID, m.GroupID, // prev
		m.GroupID, m.ID, inv.MemberID, inv.Answer, now, now, // up
		audit.GroupID, inv.MemberID, audit.Action, audit.Entity, audit.EntityNumber, // au
		invitationAudit(inv, "yes").Before, invitationAudit(inv, "maybe").Before, invitationAudit(inv, "no").Before, audit.After, now, inv.Answer,
		m.GroupID, m.ID, m.GroupID, m.ID, // counts
	)
	var (
		first          bool
		prev           sql.NullString
		yes, maybe, no int64
	)
	err := s.with(ctx).Raw(`WITH g AS (`+guard+`), prev AS (
			SELECT answer FROM rsvps WHERE meeting_id = ? AND member_id = ? AND group_id = ? FOR UPDATE
		), up AS (
			INSERT INTO rsvps (group_id, meeting_id, member_id, answer, created_at, updated_at)
			SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM g)
			ON CONFLICT (meeting_id, member_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at
		), au AS (
			INSERT INTO audit_log (group_id, member_id, action, entity, entity_number, before, after, created_at)
			SELECT ?, ?, ?, ?, ?, COALESCE((SELECT CASE answer WHEN 'yes' THEN ? WHEN 'maybe' THEN ? WHEN 'no' THEN ? END FROM prev), ''), ?, ?
			WHERE EXISTS (SELECT 1 FROM g) AND (SELECT answer FROM prev) IS DISTINCT FROM CAST(? AS text)
		)
		SELECT EXISTS (SELECT 1 FROM g), (SELECT answer FROM prev), c.yes, c.maybe, c.no FROM (`+rsvpCountsQuery+`) c`,
		args...).Row().Scan(&first, &prev, &yes, &maybe, &no)
	if err != nil {
		return "", nil, translate(err)
	}
	if !first {
		return "", nil, ErrReplayed
	}
	if d != nil {
		d.recorded = true
	}
	// The counts are those before the answer: move it.
	count := map[string]*int64{"yes": &yes, "maybe": &maybe, "no": &no}
	if n := count[prev.String]; n != nil {
		*n--
	}
	if n := count[inv.Answer]; n != nil {
		*n++
	}
	return prev.String, rsvpCounts(yes, maybe, no), nil
}

// RSVPCounts counts a meeting's answers by answer (yes, no, maybe),
// those of people whose link to it was erased included.
func (s *Store) RSVPCounts(ctx context.Context, groupID, meetingID int64) (_ map[string]int64, err error) {
	defer wrap(&err, "storage.RSVPCounts(%d, %d)", groupID, meetingID)
	var yes, maybe, no int64
	err = s.with(ctx).Raw(rsvpCountsQuery, groupID, meetingID, groupID, meetingID).Row().Scan(&yes, &maybe, &no)
	if errors.Is(err, sql.ErrNoRows) { // not the group's meeting
		return map[string]int64{}, nil
	}
	return rsvpCounts(yes, maybe, no), err
}

// rsvpCountsQuery reads a meeting's counts of yes, maybe and no, each
// with what it counted of people whose link to it was erased (see
// UnlinkPeople). Its arguments: group, meeting, group, meeting. No row
// when the meeting is not the group's.
const rsvpCountsQuery = `SELECT r.yes + mt.unlinked_yes AS yes, r.maybe + mt.unlinked_maybe AS maybe, r.no + mt.unlinked_no AS no
	FROM (SELECT COUNT(*) FILTER (WHERE answer = 'yes') AS yes, COUNT(*) FILTER (WHERE answer = 'maybe') AS maybe,
			COUNT(*) FILTER (WHERE answer = 'no') AS no
		FROM rsvps WHERE group_id = ? AND meeting_id = ?) r
	CROSS JOIN (SELECT unlinked_yes, unlinked_maybe, unlinked_no FROM meetings WHERE group_id = ? AND id = ?) mt`

// rsvpCounts is RSVPCounts' map: the answers someone gave.
func rsvpCounts(yes, maybe, no int64) map[string]int64 {
	out := map[string]int64{}
	for a, n := range map[string]int64{"yes": yes, "maybe": maybe, "no": no} {
		if n > 0 {
			out[a] = n
		}
	}
	return out
}

// RecordAttendance records that members came to a meeting; members already
// recorded are skipped. It returns how many were added; ErrNotFound when
// the meeting or a member is not the group's. Call it inside Tx.
func (s *Store) RecordAttendance(ctx context.Context, groupID, meetingID int64, memberIDs []int64, by int64) (_ int64, err error) {
	defer wrap(&err, "storage.RecordAttendance(%d, %d, [%d members], %d)", groupID, meetingID, len(memberIDs), by)
	memberIDs = slices.Compact(slices.Sorted(slices.Values(memberIDs)))
	var n int64
	if err := s.with(ctx).Model(&Meeting{}).Where("group_id = ? AND id = ?", groupID, meetingID).Count(&n).Error; err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, ErrNotFound
	}
	if len(memberIDs) > 0 {
		if err := s.with(ctx).Model(&Member{}).Where("group_id = ? AND id IN ?", groupID, memberIDs).Count(&n).Error; err != nil {
			return 0, err
		}
		if n != int64(len(memberIDs)) {
			return 0, ErrNotFound
		}
	}
	if len(memberIDs) == 0 {
		return 0, nil
	}
	rows := make([]Attendance, len(memberIDs))
	for i, id := range memberIDs {
		rows[i] = Attendance{GroupID: groupID, MeetingID: meetingID, MemberID: id, RecordedBy: &by}
	}
	res := s.with(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows)
	return res.RowsAffected, res.Error
}

// RSVPNames lists who answered a meeting's invitation, by answer (yes,
// maybe, no), each list by name.
func (s *Store) RSVPNames(ctx context.Context, groupID, meetingID int64) (_ map[string][]string, err error) {
	defer wrap(&err, "storage.RSVPNames(%d, %d)", groupID, meetingID)
	var rows []struct {
		Answer string
		Name   *string
	}
	err = s.with(ctx).Table("rsvps r").Select("r.answer, "+named("members", "display_name", "r.member_id", "r.group_id")+" AS name").
		Where("r.group_id = ? AND r.meeting_id = ?", groupID, meetingID).
		Order("name, r.member_id").Scan(&rows).Error
	out := map[string][]string{}
	for _, r := range rows {
		if r.Name != nil { // a member of the group
			out[r.Answer] = append(out[r.Answer], *r.Name)
		}
	}
	return out, err
}

// AttendeeNames lists who came to a meeting, by name.
func (s *Store) AttendeeNames(ctx context.Context, groupID, meetingID int64) (_ []string, err error) {
	defer wrap(&err, "storage.AttendeeNames(%d, %d)", groupID, meetingID)
	var names []string
	err = s.eachRow(ctx, "SELECT "+named("members", "display_name", "a.member_id", "a.group_id")+` AS name
		FROM attendance a WHERE a.group_id = ? AND a.meeting_id = ? ORDER BY name, a.member_id`,
		[]any{groupID, meetingID}, func(rows *sql.Rows) error {
			var name sql.NullString
			err := rows.Scan(&name)
			if name.Valid { // a member of the group
				names = append(names, name.String)
			}
			return err
		})
	return names, err
}

// FileReport records that by filed the meeting's report-back now, and
// updates m. ErrDuplicate means it was already filed. Call it inside Tx.
func (s *Store) FileReport(ctx context.Context, m *Meeting, by int64) (err error) {
	defer wrap(&err, "storage.FileReport(%d, %d, %d)", m.GroupID, m.ID, by)
	now := s.Now()
	res := s.with(ctx).Model(&Meeting{}).
		Where("group_id = ? AND id = ? AND report_filed_at IS NULL", m.GroupID, m.ID).
		Updates(map[string]any{"report_filed_at": now, "report_filed_by": by, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrDuplicate
	}
	m.ReportFiledAt, m.ReportFiledBy, m.UpdatedAt = &now, &by, now
	return nil
}

// Concerned is a member a change to a meeting concerns: someone who
// answered yes or maybe, or who holds a role for that meeting.
type Concerned struct {
	MemberID   int64
	Name       string
	PlatformID string
	Locale     string
	Language   string // chosen (/me); "" when not
	TimeZone   string // their own (/me); "" for the group's
	Answer     string // yes, maybe, or "" when they did not say
	Roles      []Role // their roles for this meeting, by name
}

// ConcernedMembers lists the members a change to the meeting concerns and
// who can still be reached (forgotten members have no platform id), by
// name.
func (s *Store) ConcernedMembers(ctx context.Context, groupID, meetingID int64) (_ []Concerned, err error) {
	defer wrap(&err, "storage.ConcernedMembers(%d, %d)", groupID, meetingID)
	var rows []struct {
		MemberID   int64
		Name       string
		PlatformID string
		Locale     string
		Language   string
		TimeZone   string
		Answer     string
		Role       Role
	}
	err = s.with(ctx).Raw(`
		SELECT m.id AS member_id, m.display_name AS name, m.platform_user_id AS platform_id, m.locale, m.language, m.time_zone,
			COALESCE(r.answer, '') AS answer, COALESCE(ra.role, '') AS role
		FROM members m
		LEFT JOIN rsvps r ON r.group_id = m.group_id AND r.meeting_id = ? AND r.member_id = m.id AND r.answer IN ('yes', 'maybe')
		LEFT JOIN role_assignments ra ON ra.group_id = m.group_id AND ra.meeting_id = ? AND ra.member_id = m.id
		WHERE m.group_id = ? AND m.platform_user_id IS NOT NULL AND (r.id IS NOT NULL OR ra.id IS NOT NULL)
		ORDER BY m.display_name, m.id, ra.role`, meetingID, meetingID, groupID).Scan(&rows).Error
	var out []Concerned
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].MemberID == r.MemberID {
			if r.Role != "" {
				out[n-1].Roles = append(out[n-1].Roles, r.Role)
			}
			continue
		}
		c := Concerned{MemberID: r.MemberID, Name: r.Name, PlatformID: r.PlatformID, Locale: r.Locale, Language: r.Language, TimeZone: r.TimeZone, Answer: r.Answer}
		if r.Role != "" {
			c.Roles = []Role{r.Role}
		}
		out = append(out, c)
	}
	return out, err
}

// AttendanceCount counts who came to a meeting, those whose link to it
// was erased included.
func (s *Store) AttendanceCount(ctx context.Context, groupID, meetingID int64) (_ int64, err error) {
	defer wrap(&err, "storage.AttendanceCount(%d, %d)", groupID, meetingID)
	var n int64
	err = s.with(ctx).Raw(`SELECT (SELECT COUNT(*) FROM attendance WHERE group_id = ? AND meeting_id = ?)
		+ COALESCE((SELECT unlinked_came FROM meetings WHERE group_id = ? AND id = ?), 0)`,
		groupID, meetingID, groupID, meetingID).Row().Scan(&n)
	return n, err
}

// MeetingTimes returns, for the group's meetings among ids, each one's
// number and start: what a scorecard cell says of the meeting an answer
// was given at. Ids of other groups' meetings are not found.
func (s *Store) MeetingTimes(ctx context.Context, groupID int64, ids []int64) (_ map[int64]MeetingTime, err error) {
	defer wrap(&err, "storage.MeetingTimes(%d, %d ids)", groupID, len(ids))
	out := make(map[int64]MeetingTime, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID       int64
		Number   int64
		StartsAt time.Time
	}
	err = s.with(ctx).Model(&Meeting{}).Select("id, number, starts_at").
		Where("group_id = ? AND id IN ?", groupID, ids).Scan(&rows).Error
	for _, r := range rows {
		out[r.ID] = MeetingTime{Number: r.Number, StartsAt: r.StartsAt}
	}
	return out, err
}

// MeetingTime is a meeting's number in its group and its start.
type MeetingTime struct {
	Number   int64
	StartsAt time.Time
}
