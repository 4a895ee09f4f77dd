package storage

import (
	"context"
	"slices"
)

// The sources of an answer.
const (
	SourceMeeting      = "meeting"
	SourceCall         = "call"
	SourceLetter       = "letter"
	SourcePublicRecord = "public-record"
)

// AddAnswers records answers, and which of them now count (see
// Standing), in one transaction: the caller's, when called inside Tx
// together with the audit entry. History is kept: answers are never
// updated.
func (s *Store) AddAnswers(ctx context.Context, answers []Answer) (err error) {
	if len(answers) == 0 {
		return nil
	}
	defer wrap(&err, "storage.AddAnswers(%d, [%d answers])", answers[0].GroupID, len(answers))
	return s.inTx(ctx, func(tx *Store) error {
		if err := tx.with(ctx).Create(&answers).Error; err != nil {
			return err
		}
		if err := tx.keepLatestAnswers(ctx, answers); err != nil {
			return err
		}
		bumped := map[int64]bool{}
		for _, a := range answers {
			if !bumped[a.GroupID] {
				if err := tx.bumpStanding(ctx, a.GroupID); err != nil {
					return err
				}
				bumped[a.GroupID] = true
			}
		}
		return nil
	})
}

// AnswerRow is an answer with the names users see.
type AnswerRow struct {
	Answer
	LoggedByName  string
	MeetingNumber *int64
}

// AnswerHistory returns one page of an official's answers, newest
// first, about one rule or (rule "") all of them, and sets page.Total to
// the number of matching answers.
func (s *Store) AnswerHistory(ctx context.Context, groupID, officialID int64, rule string, page *Page) (_ []AnswerRow, err error) {
	defer wrap(&err, "storage.AnswerHistory(%d, %d, %q, %d)", groupID, officialID, rule, page.Number)
	where, args := "a.group_id = ? AND a.official_id = ?", []any{groupID, officialID}
	if rule != "" {
		where, args = where+" AND a.rule = ?", append(args, rule)
	}
	w := pageWindow(page, "SELECT COUNT(*) AS n FROM answers a WHERE "+where, args)
	var rows []paged[AnswerRow]
	err = s.with(ctx).Raw("SELECT a.*, COALESCE("+named("members", "display_name", "a.logged_by", "a.group_id")+", '') AS logged_by_name, "+
		named("meetings", "number", "a.meeting_id", "a.group_id")+" AS meeting_number, "+w.Total+" AS page_total "+
		"FROM answers a WHERE "+where+" ORDER BY a.created_at DESC, a.id DESC "+w.Limit,
		slices.Concat(w.TotalArgs, args, w.LimitArgs)...).Scan(&rows).Error
	return rowsOf(page, rows), err
}

// AddSettlement records a coordinator's ruling on a rule, and that it now
// counts (see Standing), in one transaction: the caller's, when called
// inside Tx together with the audit entry.
func (s *Store) AddSettlement(ctx context.Context, st *Settlement) (err error) {
	defer wrap(&err, "storage.AddSettlement(%d, %q)", st.GroupID, st.Rule)
	return s.inTx(ctx, func(tx *Store) error {
		if err := tx.with(ctx).Create(st).Error; err != nil {
			return err
		}
		if err := tx.keepLatestSettlement(ctx, st); err != nil {
			return err
		}
		return tx.bumpStanding(ctx, st.GroupID)
	})
}
