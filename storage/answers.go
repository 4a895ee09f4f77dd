package storage

import "context"

// The sources of an answer.
const (
	SourceMeeting      = "meeting"
	SourceCall         = "call"
	SourceLetter       = "letter"
	SourcePublicRecord = "public-record"
)

// AddAnswers records answers; history is kept, so this never updates. Call
// it inside Tx together with the audit entry.
func (s *Store) AddAnswers(ctx context.Context, answers []Answer) (err error) {
	if len(answers) == 0 {
		return nil
	}
	defer wrap(&err, "storage.AddAnswers(%d, [%d answers])", answers[0].GroupID, len(answers))
	return s.with(ctx).Create(&answers).Error
}

// LatestAnswers returns the answer that counts for every official and rule
// of the group: the latest one logged (by time, then by id). Answers about
// removed officials are left out.
func (s *Store) LatestAnswers(ctx context.Context, groupID int64) (_ []Answer, err error) {
	defer wrap(&err, "storage.LatestAnswers(%d)", groupID)
	var out []Answer
	err = s.with(ctx).Table("answers a").Select("a.*").
		Joins("JOIN officials o ON o.id = a.official_id AND o.group_id = a.group_id AND o.removed_at IS NULL").
		Where("a.group_id = ?", groupID).
		Where(`NOT EXISTS (SELECT 1 FROM answers b WHERE b.group_id = a.group_id AND b.official_id = a.official_id
			AND b.rule = a.rule AND (b.created_at > a.created_at OR (b.created_at = a.created_at AND b.id > a.id)))`).
		Order("a.official_id, a.id").Scan(&out).Error
	return out, err
}

// AnswerRow is an answer with the names users see.
type AnswerRow struct {
	Answer
	LoggedByName  string
	MeetingNumber *int64
}

// AnswerHistory returns one official's answers, newest first, about one
// rule or (rule "") all of them; limit and offset page it. total counts
// every matching answer.
func (s *Store) AnswerHistory(ctx context.Context, groupID, officialID int64, rule string, limit, offset int) (rows []AnswerRow, total int64, err error) {
	defer wrap(&err, "storage.AnswerHistory(%d, %d, %q, %d, %d)", groupID, officialID, rule, limit, offset)
	q := s.with(ctx).Table("answers a").Where("a.group_id = ? AND a.official_id = ?", groupID, officialID)
	if rule != "" {
		q = q.Where("a.rule = ?", rule)
	}
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	err = q.Select("a.*, COALESCE(m.display_name, '') AS logged_by_name, mt.number AS meeting_number").
		Joins("LEFT JOIN members m ON m.id = a.logged_by AND m.group_id = a.group_id").
		Joins("LEFT JOIN meetings mt ON mt.id = a.meeting_id AND mt.group_id = a.group_id").
		Order("a.created_at DESC, a.id DESC").Limit(limit).Offset(offset).Scan(&rows).Error
	return rows, total, err
}

// AddSettlement records a coordinator's ruling on a rule. Call it inside
// Tx together with the audit entry.
func (s *Store) AddSettlement(ctx context.Context, st *Settlement) (err error) {
	defer wrap(&err, "storage.AddSettlement(%d, %q)", st.GroupID, st.Rule)
	return s.with(ctx).Create(st).Error
}

// LatestSettlements returns the ruling that counts for each rule of the
// group (the latest, by time then id), by rule.
func (s *Store) LatestSettlements(ctx context.Context, groupID int64) (_ map[string]Settlement, err error) {
	defer wrap(&err, "storage.LatestSettlements(%d)", groupID)
	var list []Settlement
	err = s.with(ctx).Where("group_id = ?", groupID).Order("created_at, id").Find(&list).Error
	out := make(map[string]Settlement, len(list))
	for _, st := range list {
		out[st.Rule] = st // later rows win
	}
	return out, err
}
