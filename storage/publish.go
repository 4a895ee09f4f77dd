package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// A group's published scorecard is one row of published_scorecards: the
// token of its public link. The page reads the group by that token and
// nothing else; the roll-up reads every published group's standing in
// bulk, the one read that crosses groups, and only published ones.

// PublishScorecard publishes the group's scorecard under token, unless it
// is published already: it returns the token that counts (the given one,
// or the one already published) and whether this call published it.
func (s *Store) PublishScorecard(ctx context.Context, groupID int64, token string, now time.Time) (_ string, created bool, err error) {
	defer wrap(&err, "storage.PublishScorecard(%d)", groupID)
	res := s.single(ctx).Exec(`INSERT INTO published_scorecards (group_id, token, published_at) VALUES (?, ?, ?)
		ON CONFLICT (group_id) DO NOTHING`, groupID, token, now.UTC())
	if res.Error != nil {
		return "", false, res.Error
	}
	got, err := s.publishedToken(ctx, groupID)
	return got, res.RowsAffected == 1, err
}

// UnpublishScorecard takes the group's scorecard down, and reports whether
// it was published: its token is deleted, so that its link dies at once.
func (s *Store) UnpublishScorecard(ctx context.Context, groupID int64) (_ bool, err error) {
	defer wrap(&err, "storage.UnpublishScorecard(%d)", groupID)
	res := s.single(ctx).Exec("DELETE FROM published_scorecards WHERE group_id = ?", groupID)
	return res.RowsAffected == 1, res.Error
}

// PublishedToken returns the token of the group's published scorecard,
// or ErrNotFound when it is not published.
func (s *Store) PublishedToken(ctx context.Context, groupID int64) (_ string, err error) {
	defer wrap(&err, "storage.PublishedToken(%d)", groupID)
	return s.publishedToken(ctx, groupID)
}

func (s *Store) publishedToken(ctx context.Context, groupID int64) (string, error) {
	var tokens []string
	err := s.with(ctx).Raw("SELECT token FROM published_scorecards WHERE group_id = ?", groupID).Scan(&tokens).Error
	if err == nil && len(tokens) == 0 {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return tokens[0], nil
}

// PublishedGroup returns the id of the group whose scorecard is published
// under token, or ErrNotFound.
func (s *Store) PublishedGroup(ctx context.Context, token string) (_ int64, err error) {
	defer wrap(&err, "storage.PublishedGroup(…)") // the token is a secret of sorts: not logged
	if !wellFormedToken(token) {
		return 0, ErrNotFound
	}
	var ids []int64
	err = s.with(ctx).Raw("SELECT group_id FROM published_scorecards WHERE token = ?", token).Scan(&ids).Error
	if err == nil && len(ids) == 0 {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// PublishedStanding is one published group's standing as the roll-up reads
// it: the group, its link's token, and the answers and rulings that count.
// Standing.Officials holds the current officials that answered, with
// their ids only; Answers hold their rule, in-place value and time.
type PublishedStanding struct {
	Group    Group // ID, Jurisdiction, Kind, Language and TimeZone
	Token    string
	Standing Standing
}

// PublishedStandings reads one page of the published groups, by
// jurisdiction, with their standings: two statements whatever the number
// of groups (the page of groups, then the answers and rulings of all of
// them), never an unpublished group. more reports whether a later page
// has any.
func (s *Store) PublishedStandings(ctx context.Context, page, per int) (_ []PublishedStanding, more bool, err error) {
	defer wrap(&err, "storage.PublishedStandings(%d, %d)", page, per)
	var out []PublishedStanding
	err = s.eachRow(ctx, `SELECT g.id, g.jurisdiction, g.kind, g.language, g.time_zone, p.token
		FROM published_scorecards p JOIN groups g ON g.id = p.group_id
		ORDER BY lower(g.jurisdiction), g.id LIMIT ? OFFSET ?`, []any{per + 1, (max(page, 1) - 1) * per}, func(rows *sql.Rows) error {
		var p PublishedStanding
		err := rows.Scan(&p.Group.ID, &p.Group.Jurisdiction, &p.Group.Kind, &p.Group.Language, &p.Group.TimeZone, &p.Token)
		p.Standing = Standing{Answers: map[int64]map[string]Answer{}, Rulings: map[string]Settlement{}}
		out = append(out, p)
		return err
	})
	if err != nil || len(out) == 0 {
		return nil, false, err
	}
	if len(out) > per {
		out, more = out[:per], true
	}
	byGroup := make(map[int64]*Standing, len(out))
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].Group.ID
		byGroup[ids[i]] = &out[i].Standing
	}
	// An answer counts while its official is current, as in Standing; a
	// ruling is told from an answer by its official id, 0.
	err = s.eachRow(ctx, `SELECT la.group_id, la.official_id, la.rule, la.answer_id, la.in_place, la.created_at FROM latest_answers la
		WHERE la.group_id IN ? AND EXISTS (SELECT 1 FROM officials o WHERE o.id = la.official_id AND +o.group_id = la.group_id AND o.removed_at IS NULL)
		UNION ALL
		SELECT ls.group_id, 0, ls.rule, ls.settlement_id, ls.in_place, ls.created_at FROM latest_settlements ls WHERE ls.group_id IN ?`,
		[]any{ids, ids}, func(rows *sql.Rows) error {
			var groupID, officialID, id int64
			var rule, inPlace string
			var at time.Time
			if err := rows.Scan(&groupID, &officialID, &rule, &id, &inPlace, &at); err != nil {
				return err
			}
			st := byGroup[groupID]
			if officialID == 0 {
				st.Rulings[rule] = Settlement{ID: id, GroupID: groupID, Rule: rule, InPlace: Mark(inPlace), CreatedAt: at}
				return nil
			}
			if st.Answers[officialID] == nil {
				st.Answers[officialID] = map[string]Answer{}
				st.Officials = append(st.Officials, Official{ID: officialID, GroupID: groupID})
			}
			st.Answers[officialID][rule] = Answer{ID: id, GroupID: groupID, OfficialID: officialID, Rule: rule, InPlace: Mark(inPlace), CreatedAt: at}
			return nil
		})
	if err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// EnsureSecret returns the instance's secret of that name, storing
// candidate as it when there is none yet: every replica, and every later
// call, gets the one stored first. Two statements, whether or not it
// stores.
func (s *Store) EnsureSecret(ctx context.Context, name, candidate string) (_ string, err error) {
	defer wrap(&err, "storage.EnsureSecret(%q)", name)
	if candidate == "" {
		return "", errors.New("empty candidate secret")
	}
	defer s.writer()()
	err = s.single(ctx).Exec(`INSERT INTO instance_secrets (name, secret, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, candidate, s.Now()).Error
	if err != nil {
		return "", err
	}
	return s.secret(ctx, name)
}

// Secret returns the instance's secret of that name, or ErrNotFound when
// none was made yet (see EnsureSecret). It never writes.
func (s *Store) Secret(ctx context.Context, name string) (_ string, err error) {
	defer wrap(&err, "storage.Secret(%q)", name)
	return s.secret(ctx, name)
}

func (s *Store) secret(ctx context.Context, name string) (string, error) {
	var secrets []string
	err := s.with(ctx).Raw("SELECT secret FROM instance_secrets WHERE name = ?", name).Scan(&secrets).Error
	if err == nil && len(secrets) == 0 {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return secrets[0], nil
}
