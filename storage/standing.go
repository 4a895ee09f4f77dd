package storage

import (
	"context"
	"database/sql"
)

// The standing is what counts of everything a group's officials and
// coordinators said: each official's latest answer per rule and the
// latest ruling per rule. AddAnswers and AddSettlement keep it, in the
// transaction that logs the answer or the ruling, in latest_answers and
// latest_settlements; reading it then costs as many rows as it has,
// whatever the length of the history behind it.

// Standing is a group's current officials with the answers and rulings
// that count.
type Standing struct {
	// Officials are the group's current officials, by name.
	Officials []Official
	// Answers holds each current official's answer that counts, by
	// official id and rule. Note, Source and LoggedBy are not read.
	Answers map[int64]map[string]Answer
	// Rulings holds the ruling that counts for each rule that has one.
	// Note and SettledBy are not read.
	Rulings map[string]Settlement
}

// Standing reads the group's standing in three single-table reads, each
// on an index that starts with the group: answers about removed officials
// are read but left out here, as the officials list says who is current.
func (s *Store) Standing(ctx context.Context, groupID int64) (_ *Standing, err error) {
	defer wrap(&err, "storage.Standing(%d)", groupID)
	officials, err := s.Officials(ctx, groupID)
	if err != nil {
		return nil, err
	}
	st := &Standing{Officials: officials, Answers: make(map[int64]map[string]Answer, len(officials)), Rulings: map[string]Settlement{}}
	for _, o := range officials {
		st.Answers[o.ID] = map[string]Answer{}
	}
	err = s.eachRow(ctx, `SELECT official_id, rule, answer_id, in_place, would_support, meeting_id, created_at
		FROM latest_answers WHERE group_id = ?`, []any{groupID}, func(rows *sql.Rows) error {
		a, err := scanLatestAnswer(rows, groupID)
		if byRule := st.Answers[a.OfficialID]; err == nil && byRule != nil {
			byRule[a.Rule] = a
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = s.eachRow(ctx, `SELECT rule, settlement_id, in_place, created_at FROM latest_settlements WHERE group_id = ?`,
		[]any{groupID}, func(rows *sql.Rows) error {
			r := Settlement{GroupID: groupID}
			var inPlace string
			err := rows.Scan(&r.Rule, &r.ID, &inPlace, &r.CreatedAt)
			r.InPlace = Mark(inPlace)
			st.Rulings[r.Rule] = r
			return err
		})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// OfficialAnswers returns the answers that count of one official, by rule,
// removed or not.
func (s *Store) OfficialAnswers(ctx context.Context, groupID, officialID int64) (_ map[string]Answer, err error) {
	defer wrap(&err, "storage.OfficialAnswers(%d, %d)", groupID, officialID)
	out := map[string]Answer{}
	err = s.eachRow(ctx, `SELECT official_id, rule, answer_id, in_place, would_support, meeting_id, created_at
		FROM latest_answers WHERE group_id = ? AND official_id = ?`, []any{groupID, officialID}, func(rows *sql.Rows) error {
		a, err := scanLatestAnswer(rows, groupID)
		out[a.Rule] = a
		return err
	})
	return out, err
}

// scanLatestAnswer reads a latest_answers row selected as Standing selects
// it into the Answer it copies.
func scanLatestAnswer(rows *sql.Rows, groupID int64) (Answer, error) {
	a := Answer{GroupID: groupID}
	var inPlace, support string
	var meeting sql.NullInt64
	err := rows.Scan(&a.OfficialID, &a.Rule, &a.ID, &inPlace, &support, &meeting, &a.CreatedAt)
	a.InPlace, a.WouldSupport = Mark(inPlace), Mark(support)
	if meeting.Valid {
		a.MeetingID = &meeting.Int64
	}
	return a, err
}

// keepLatestAnswers records, among answers just logged, the latest of
// each official and rule as the one that counts, unless one already
// counting is later (a clock set back): one statement whatever the number
// of answers, comparing times as the database stored them.
func (s *Store) keepLatestAnswers(ctx context.Context, answers []Answer) error {
	ids := make([]int64, len(answers))
	for i, a := range answers {
		ids[i] = a.ID
	}
	return s.with(ctx).Exec(`INSERT INTO latest_answers
		(group_id, official_id, rule, answer_id, in_place, would_support, meeting_id, created_at)
		SELECT group_id, official_id, rule, id, in_place, would_support, meeting_id, created_at FROM (
			SELECT a.*, ROW_NUMBER() OVER (PARTITION BY a.group_id, a.official_id, a.rule ORDER BY a.created_at DESC, a.id DESC) AS n
			FROM answers a WHERE a.id IN ?
		) logged WHERE n = 1
		ON CONFLICT (group_id, official_id, rule) DO UPDATE SET answer_id = excluded.answer_id,
			in_place = excluded.in_place, would_support = excluded.would_support,
			meeting_id = excluded.meeting_id, created_at = excluded.created_at
		WHERE excluded.created_at > latest_answers.created_at
			OR (excluded.created_at = latest_answers.created_at AND excluded.answer_id > latest_answers.answer_id)`,
		ids).Error
}

// keepLatestSettlement records a ruling just made as the one that counts
// for its rule, unless one already counting is later.
func (s *Store) keepLatestSettlement(ctx context.Context, st *Settlement) error {
	return s.with(ctx).Exec(`INSERT INTO latest_settlements (group_id, rule, settlement_id, in_place, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (group_id, rule) DO UPDATE SET settlement_id = excluded.settlement_id,
			in_place = excluded.in_place, created_at = excluded.created_at
		WHERE excluded.created_at > latest_settlements.created_at
			OR (excluded.created_at = latest_settlements.created_at AND excluded.settlement_id > latest_settlements.settlement_id)`,
		st.GroupID, st.Rule, st.ID, st.InPlace, st.CreatedAt).Error
}

// standingEntity is the group_counters row that counts the changes to a
// group's standing: its officials (added, edited, removed), their answers
// and the group's rulings. Every write of those bumps it in its own
// transaction, so that a reader who saw a version saw every change up to
// it, on any replica.
const standingEntity = "standing"

// StandingVersion returns the number of changes made to the group's
// standing so far (0 before the first). Read before the standing itself,
// it tells whether a reply rendered from an earlier read is still true:
// what that read saw is at least as new as the version.
func (s *Store) StandingVersion(ctx context.Context, groupID int64) (_ int64, err error) {
	defer wrap(&err, "storage.StandingVersion(%d)", groupID)
	var v []int64
	err = s.with(ctx).Raw("SELECT last FROM group_counters WHERE group_id = ? AND entity = ?", groupID, standingEntity).Scan(&v).Error
	if err != nil || len(v) == 0 {
		return 0, err
	}
	return v[0], nil
}

// bumpStanding counts one change to the group's standing; call it in the
// transaction of the change.
func (s *Store) bumpStanding(ctx context.Context, groupID int64) error {
	return s.single(ctx).Exec(`INSERT INTO group_counters (group_id, entity, last) VALUES (?, ?, 1)
		ON CONFLICT (group_id, entity) DO UPDATE SET last = group_counters.last + 1`, groupID, standingEntity).Error
}

// eachRow runs a query through GORM (so that it is counted and runs in
// the store's transaction) and hands each row to scan: hot reads scan
// their columns by hand instead of by reflection.
func (s *Store) eachRow(ctx context.Context, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.with(ctx).Raw(query, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
