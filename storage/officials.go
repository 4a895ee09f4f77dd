package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// CreateOfficial adds an official to o.GroupID and gives it the group's next
// number. Call it inside Tx, so that the number and the row commit
// together; ErrDuplicate means a current official already has the name
// (names are unique per group, ignoring case).
func (s *Store) CreateOfficial(ctx context.Context, o *Official) (err error) {
	defer wrap(&err, "storage.CreateOfficial(%d)", o.GroupID)
	n, err := s.NextNumber(ctx, "officials", o.GroupID)
	if err != nil {
		return err
	}
	o.Number = n
	if err := s.with(ctx).Create(o).Error; err != nil {
		return err
	}
	return s.bumpStanding(ctx, o.GroupID)
}

// UpdateOfficial saves o's name, office, jurisdiction and contact. It
// changes nothing outside o.GroupID, and nothing once the official is
// removed (ErrNotFound).
func (s *Store) UpdateOfficial(ctx context.Context, o *Official) (err error) {
	defer wrap(&err, "storage.UpdateOfficial(%d, %d)", o.GroupID, o.ID)
	return s.inTx(ctx, func(tx *Store) error { return tx.updateOfficial(ctx, o) })
}

func (s *Store) updateOfficial(ctx context.Context, o *Official) error {
	res := s.with(ctx).Model(&Official{}).
		Where("group_id = ? AND id = ? AND removed_at IS NULL", o.GroupID, o.ID).
		Updates(map[string]any{
			"name": o.Name, "office": o.Office, "jurisdiction": o.Jurisdiction,
			"contact": o.Contact, "updated_at": s.Now(),
		})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return s.bumpStanding(ctx, o.GroupID)
}

// RemoveOfficial marks one of the group's officials removed. The row stays,
// so that answers and meetings that name the official keep their history.
func (s *Store) RemoveOfficial(ctx context.Context, groupID, id int64) (err error) {
	defer wrap(&err, "storage.RemoveOfficial(%d, %d)", groupID, id)
	return s.inTx(ctx, func(tx *Store) error { return tx.removeOfficial(ctx, groupID, id) })
}

func (s *Store) removeOfficial(ctx context.Context, groupID, id int64) error {
	now := s.Now()
	res := s.with(ctx).Model(&Official{}).
		Where("group_id = ? AND id = ? AND removed_at IS NULL", groupID, id).
		Updates(map[string]any{"removed_at": now, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return s.bumpStanding(ctx, groupID)
}

// officialColumns are the columns scanOfficial reads, in its order.
const officialColumns = "id, group_id, number, name, office, jurisdiction, contact, removed_at, created_at, updated_at"

// scanOfficial reads a row of officialColumns, by hand: the scorecard and
// the targets read every official on every call. Columns after them scan
// into extra.
func scanOfficial(rows *sql.Rows, extra ...any) (Official, error) {
	var o Official
	var office string
	var removed sql.NullTime
	err := rows.Scan(append([]any{&o.ID, &o.GroupID, &o.Number, &o.Name, &office, &o.Jurisdiction, &o.Contact, &removed, &o.CreatedAt, &o.UpdatedAt}, extra...)...)
	o.Office = Office(office)
	if removed.Valid {
		o.RemovedAt = &removed.Time
	}
	return o, err
}

// Officials lists the group's current officials by name: all of them or,
// given a page, that page's (and page.Total).
func (s *Store) Officials(ctx context.Context, groupID int64, page ...*Page) (_ []Official, err error) {
	defer wrap(&err, "storage.Officials(%d)", groupID)
	const where, order = " FROM officials WHERE group_id = ? AND removed_at IS NULL", " ORDER BY lower(name), number"
	query, args := "SELECT "+officialColumns+where+order, []any{groupID}
	var total int64
	var extra []any // the page's length, when paged
	if len(page) > 0 {
		w := pageWindow(page[0], "SELECT COUNT(*) AS n"+where, args)
		query = "SELECT " + officialColumns + ", " + w.Total + " AS page_total" + where + order + " " + w.Limit
		args, extra = slices.Concat(w.TotalArgs, args, w.LimitArgs), []any{&total}
	}
	var out []Official
	err = s.eachRow(ctx, query, args, func(rows *sql.Rows) error {
		o, err := scanOfficial(rows, extra...)
		out = append(out, o)
		return err
	})
	if len(page) > 0 {
		page[0].Total = total // 0 when no row was read: the list is empty
	}
	return out, err
}

// FirstOfficialOf returns the first of the group's current officials,
// by name, who holds the first of offices that any holds; nil when none
// does.
func (s *Store) FirstOfficialOf(ctx context.Context, groupID int64, offices ...Office) (_ *Official, err error) {
	defer wrap(&err, "storage.FirstOfficialOf(%d, %q)", groupID, offices)
	if len(offices) == 0 {
		return nil, nil
	}
	rank := "CASE office"
	args := []any{groupID, offices}
	for i, o := range offices {
		rank += fmt.Sprintf(" WHEN ? THEN %d", i)
		args = append(args, o)
	}
	var found *Official
	err = s.eachRow(ctx, "SELECT "+officialColumns+" FROM officials WHERE group_id = ? AND removed_at IS NULL AND office IN ? ORDER BY "+
		rank+" END, lower(name), number LIMIT 1", args, func(rows *sql.Rows) error {
		o, err := scanOfficial(rows)
		found = &o
		return err
	})
	return found, err
}

// OfficialByID returns one of the group's officials by row id, removed or
// not: meetings and answers keep naming an official after removal.
func (s *Store) OfficialByID(ctx context.Context, groupID, id int64) (_ *Official, err error) {
	defer wrap(&err, "storage.OfficialByID(%d, %d)", groupID, id)
	var o Official
	return &o, s.with(ctx).Where("group_id = ? AND id = ?", groupID, id).Take(&o).Error
}
