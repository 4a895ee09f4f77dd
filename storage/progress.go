package storage

import (
	"context"
	"database/sql"
	"time"
)

// Progress is what a group has done of the guide's playbook, read from
// its data: nothing here is ticked by hand.
type Progress struct {
	// FirstOrganizing is the group's earliest organizing meeting that was
	// held (marked held, or past and not cancelled); nil when none.
	FirstOrganizing *Meeting
	// CampaignRoles reports whether anyone holds a campaign role (not
	// lead or coordinator).
	CampaignRoles bool
	// LawEnforcement is the earliest law-enforcement meeting that is not
	// cancelled; nil when none.
	LawEnforcement *Meeting
	// LawEnforcementHeld reports whether any law-enforcement meeting was
	// held (marked held, or past and not cancelled).
	LawEnforcementHeld bool
	// FullyAnswered reports whether an official has answered all nine
	// rules.
	FullyAnswered bool
	// ReportFiled reports whether a meeting's report-back was filed.
	ReportFiled bool
	// Unfiled is the latest meeting with an official that took place and
	// whose report-back is not filed; nil when none.
	Unfiled *Meeting
	// FollowUp is the first organizing meeting, not cancelled, at least 14
	// days after FirstOrganizing; nil when none. FollowUpHeld reports
	// whether it took place.
	FollowUp     *Meeting
	FollowUpHeld bool
	// TacticTasks reports whether a task carries a tactic, TacticTaskDone
	// whether such a task is done.
	TacticTasks, TacticTaskDone bool
}

// Progress reads the group's progress at now: one statement for the
// facts and the meetings' ids, one for those meetings, and one for the
// follow-up once there was a first organizing meeting. Each fact is an
// existence test or the first row in an index's order: none counts the
// group's history.
func (s *Store) Progress(ctx context.Context, groupID int64, now time.Time) (_ *Progress, err error) {
	defer wrap(&err, "storage.Progress(%d)", groupID)
	now = now.UTC()
	held := "(status = '" + string(MeetingHeld) + "' OR (status = '" + string(MeetingScheduled) + "' AND starts_at < ?))"
	first := func(where string) string {
		return "(SELECT id FROM meetings WHERE group_id = ? AND " + where + " ORDER BY starts_at LIMIT 1)"
	}
	p := &Progress{}
	var firstID, lawID, unfiledID sql.NullInt64
	err = s.with(ctx).Raw(`SELECT `+first("kind = ? AND "+held)+`, `+first("kind = ? AND status <> ?")+`,
		(SELECT id FROM meetings WHERE group_id = ? AND official_id IS NOT NULL AND report_filed_at IS NULL AND `+held+` ORDER BY starts_at DESC LIMIT 1),
		EXISTS (SELECT 1 FROM meetings WHERE group_id = ? AND kind = ? AND `+held+`),
		EXISTS (SELECT 1 FROM role_assignments WHERE group_id = ? AND role NOT IN ?),
		EXISTS (SELECT 1 FROM latest_answers WHERE group_id = ? GROUP BY official_id HAVING COUNT(CASE WHEN rule IN ? THEN 1 END) = 9),
		EXISTS (SELECT 1 FROM meetings WHERE group_id = ? AND report_filed_at IS NOT NULL),
		EXISTS (SELECT 1 FROM tasks WHERE group_id = ? AND tactic <> ''),
		EXISTS (SELECT 1 FROM tasks WHERE group_id = ? AND tactic <> '' AND status = ?)`,
		groupID, KindOrganizing, now, groupID, KindLawEnforcement, MeetingCancelled,
		groupID, now, groupID, KindLawEnforcement, now,
		groupID, []Role{RoleLead, RoleCoordinator},
		groupID, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"},
		groupID, groupID, groupID, TaskDone).Row().
		Scan(&firstID, &lawID, &unfiledID, &p.LawEnforcementHeld, &p.CampaignRoles, &p.FullyAnswered, &p.ReportFiled, &p.TacticTasks, &p.TacticTaskDone)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, id := range []sql.NullInt64{firstID, lawID, unfiledID} {
		if id.Valid {
			ids = append(ids, id.Int64)
		}
	}
	var found []Meeting
	if len(ids) > 0 {
		if err := s.with(ctx).Where("group_id = ? AND id IN ?", groupID, ids).Find(&found).Error; err != nil {
			return nil, err
		}
	}
	for i := range found {
		m := &found[i]
		for _, pick := range []struct {
			id  sql.NullInt64
			set **Meeting
		}{{firstID, &p.FirstOrganizing}, {lawID, &p.LawEnforcement}, {unfiledID, &p.Unfiled}} {
			if pick.id.Valid && pick.id.Int64 == m.ID {
				*pick.set = m
			}
		}
	}
	if p.FirstOrganizing == nil {
		return p, nil
	}
	var f Meeting
	res := s.with(ctx).Where("group_id = ? AND kind = ? AND status <> ? AND starts_at >= ?", groupID, KindOrganizing, MeetingCancelled, p.FirstOrganizing.StartsAt.Add(14*24*time.Hour)).
		Order("starts_at").Limit(1).Find(&f)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 1 {
		p.FollowUp = &f
		p.FollowUpHeld = f.TookPlace(now)
	}
	return p, nil
}

// MeetingReport is what a report-back needs about one meeting.
type MeetingReport struct {
	Meeting  Meeting
	Official *Official
	// Attended lists who came, by display name.
	Attended []string
	// Answers are the latest answer per rule that the meeting's official
	// gave at this meeting; none for a meeting without an official.
	Answers map[string]Answer
}

// MeetingReport gathers a meeting's report-back.
func (s *Store) MeetingReport(ctx context.Context, groupID, number int64) (_ *MeetingReport, err error) {
	defer wrap(&err, "storage.MeetingReport(%d, %d)", groupID, number)
	m, err := s.MeetingByNumber(ctx, groupID, number)
	if err != nil {
		return nil, err
	}
	r := &MeetingReport{Meeting: *m, Answers: map[string]Answer{}}
	if r.Attended, err = s.AttendeeNames(ctx, groupID, m.ID); err != nil {
		return nil, err
	}
	if m.OfficialID == nil {
		return r, nil
	}
	if r.Official, err = s.OfficialByID(ctx, groupID, *m.OfficialID); err != nil {
		return nil, err
	}
	var answers []Answer
	err = s.with(ctx).Where("group_id = ? AND meeting_id = ? AND official_id = ?", groupID, m.ID, *m.OfficialID).
		Order("created_at, id").Find(&answers).Error
	for _, a := range answers {
		r.Answers[a.Rule] = a // later rows win
	}
	return r, err
}
