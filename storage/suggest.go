package storage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// Suggestion limits: Discord shows at most 25 autocomplete results.
const maxSuggestions = 25

// likePattern matches typed anywhere in a value, case-insensitively, with
// LIKE's wildcards in typed taken literally.
func likePattern(typed string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(strings.TrimSpace(typed))) + "%"
}

// numberPrefix reports whether typed is a (possibly #-prefixed) number,
// returning its digits.
func numberPrefix(typed string) (string, bool) {
	d := strings.TrimPrefix(strings.TrimSpace(typed), "#")
	if _, err := strconv.ParseUint(d, 10, 63); err != nil {
		return "", false
	}
	return d, true
}

// SuggestOfficials lists up to 25 of the group's current officials whose
// name contains typed, by name.
func (s *Store) SuggestOfficials(ctx context.Context, groupID int64, typed string) (_ []Official, err error) {
	defer wrap(&err, "storage.SuggestOfficials(%d, …)", groupID)
	var out []Official
	err = s.with(ctx).Select("number", "name", "office").
		Where(`group_id = ? AND removed_at IS NULL AND lower(name) LIKE ? ESCAPE '\'`, groupID, likePattern(typed)).
		Order("name").Limit(maxSuggestions).Find(&out).Error
	return out, err
}

// SuggestMeetings lists up to 25 of the group's meetings whose number
// starts with typed digits, or whose kind contains typed text: upcoming
// ones first, soonest first, then past ones, latest first.
func (s *Store) SuggestMeetings(ctx context.Context, groupID int64, typed string, now time.Time) (_ []Meeting, err error) {
	defer wrap(&err, "storage.SuggestMeetings(%d, …)", groupID)
	var out []Meeting
	q := s.with(ctx).Select("number", "kind", "starts_at", "status").Where("group_id = ?", groupID)
	if d, ok := numberPrefix(typed); ok {
		q = q.Where("CAST(number AS TEXT) LIKE ?", d+"%")
	} else if strings.TrimSpace(typed) != "" {
		q = q.Where(`lower(kind) LIKE ? ESCAPE '\'`, likePattern(typed))
	}
	now = now.UTC()
	err = q.Order(clauseExpr("CASE WHEN starts_at >= ? THEN 0 ELSE 1 END, CASE WHEN starts_at >= ? THEN starts_at END, starts_at DESC", now, now)).
		Limit(maxSuggestions).Find(&out).Error
	return out, err
}

// SuggestTasks lists up to 25 of the group's tasks whose number starts
// with typed digits, or whose title contains typed text: open ones first,
// newest first.
func (s *Store) SuggestTasks(ctx context.Context, groupID int64, typed string) (_ []Task, err error) {
	defer wrap(&err, "storage.SuggestTasks(%d, …)", groupID)
	var out []Task
	q := s.with(ctx).Select("number", "title", "status").Where("group_id = ?", groupID)
	if d, ok := numberPrefix(typed); ok {
		q = q.Where("CAST(number AS TEXT) LIKE ?", d+"%")
	} else if strings.TrimSpace(typed) != "" {
		q = q.Where(`lower(title) LIKE ? ESCAPE '\'`, likePattern(typed))
	}
	err = q.Order(clauseExpr("CASE WHEN status = 'open' THEN 0 ELSE 1 END, number DESC")).
		Limit(maxSuggestions).Find(&out).Error
	return out, err
}

// clauseExpr is a whole ORDER BY list with bound values (GORM keeps only
// the last expression when Order is called twice).
func clauseExpr(sql string, vars ...any) clause.OrderBy {
	return clause.OrderBy{Expression: clause.Expr{SQL: sql, Vars: vars, WithoutParentheses: true}}
}
