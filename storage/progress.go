package storage

import (
	"context"
	"time"
)

// Progress is what a group has done of the guide's playbook, read from
// its data: nothing here is ticked by hand.
type Progress struct {
	// FirstOrganizing is the group's earliest organizing meeting that was
	// held (marked held, or past and not cancelled); nil when none.
	FirstOrganizing *Meeting
	// CampaignRoles counts campaign role assignments (not lead/coordinator).
	CampaignRoles int64
	// LawEnforcement is the earliest law-enforcement meeting that is not
	// cancelled; nil when none.
	LawEnforcement *Meeting
	// LawEnforcementHeld reports whether any law-enforcement meeting was
	// held (marked held, or past and not cancelled).
	LawEnforcementHeld bool
	// FullyAnswered counts officials with an answer on all nine rules.
	FullyAnswered int64
	// AnsweredOfficials counts officials with at least one answer.
	AnsweredOfficials int64
	// ReportsFiled counts meetings whose report-back was filed.
	ReportsFiled int64
	// Unfiled is the latest meeting with an official that took place and
	// whose report-back is not filed; nil when none.
	Unfiled *Meeting
	// FollowUp is the first organizing meeting, not cancelled, at least 14
	// days after FirstOrganizing; nil when none. FollowUpHeld reports
	// whether it took place.
	FollowUp     *Meeting
	FollowUpHeld bool
	// TacticTasks and TacticTasksDone count tasks that carry a tactic.
	TacticTasks, TacticTasksDone int64
}

// Progress reads the group's progress at now.
func (s *Store) Progress(ctx context.Context, groupID int64, now time.Time) (_ *Progress, err error) {
	defer wrap(&err, "storage.Progress(%d)", groupID)
	p := &Progress{}
	held := "(status = '" + string(MeetingHeld) + "' OR (status = '" + string(MeetingScheduled) + "' AND starts_at < ?))"
	var m Meeting
	res := s.with(ctx).Where("group_id = ? AND kind = ? AND "+held, groupID, KindOrganizing, now.UTC()).Order("starts_at").Limit(1).Find(&m)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 1 {
		first := m
		p.FirstOrganizing = &first
		var f Meeting
		res = s.with(ctx).Where("group_id = ? AND kind = ? AND status <> ? AND starts_at >= ?", groupID, KindOrganizing, MeetingCancelled, first.StartsAt.Add(14*24*time.Hour)).
			Order("starts_at").Limit(1).Find(&f)
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 1 {
			p.FollowUp = &f
			p.FollowUpHeld = f.TookPlace(now)
		}
	}
	var le Meeting
	res = s.with(ctx).Where("group_id = ? AND kind = ? AND status <> ?", groupID, KindLawEnforcement, MeetingCancelled).Order("starts_at").Limit(1).Find(&le)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 1 {
		p.LawEnforcement = &le
	}
	var n int64
	err = s.with(ctx).Model(&Meeting{}).Where("group_id = ? AND kind = ? AND "+held, groupID, KindLawEnforcement, now.UTC()).Count(&n).Error
	if err != nil {
		return nil, err
	}
	p.LawEnforcementHeld = n > 0
	err = s.with(ctx).Model(&RoleAssignment{}).Where("group_id = ? AND role NOT IN ?", groupID, []Role{RoleLead, RoleCoordinator}).Count(&p.CampaignRoles).Error
	if err != nil {
		return nil, err
	}
	answered := s.with(ctx).Model(&Answer{}).Select("official_id").
		Where("group_id = ? AND rule IN ?", groupID, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}).
		Group("official_id")
	if err := s.with(ctx).Table("(?) AS a", answered).Count(&p.AnsweredOfficials).Error; err != nil {
		return nil, err
	}
	if err := s.with(ctx).Table("(?) AS a", answered.Having("COUNT(DISTINCT rule) = 9")).Count(&p.FullyAnswered).Error; err != nil {
		return nil, err
	}
	err = s.with(ctx).Model(&Meeting{}).Where("group_id = ? AND report_filed_at IS NOT NULL", groupID).Count(&p.ReportsFiled).Error
	if err != nil {
		return nil, err
	}
	var u Meeting
	res = s.with(ctx).Where("group_id = ? AND official_id IS NOT NULL AND report_filed_at IS NULL AND "+held, groupID, now.UTC()).
		Order("starts_at DESC").Limit(1).Find(&u)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 1 {
		p.Unfiled = &u
	}
	err = s.with(ctx).Model(&Task{}).Where("group_id = ? AND tactic <> ''", groupID).Count(&p.TacticTasks).Error
	if err != nil {
		return nil, err
	}
	err = s.with(ctx).Model(&Task{}).Where("group_id = ? AND tactic <> '' AND status = 'done'", groupID).Count(&p.TacticTasksDone).Error
	return p, err
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
