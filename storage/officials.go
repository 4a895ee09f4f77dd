package storage

import "context"

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
	return s.with(ctx).Create(o).Error
}

// UpdateOfficial saves o's name, office, jurisdiction and contact. It
// changes nothing outside o.GroupID, and nothing once the official is
// removed (ErrNotFound).
func (s *Store) UpdateOfficial(ctx context.Context, o *Official) (err error) {
	defer wrap(&err, "storage.UpdateOfficial(%d, %d)", o.GroupID, o.ID)
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
	return nil
}

// RemoveOfficial marks one of the group's officials removed. The row stays,
// so that answers and meetings that name the official keep their history.
func (s *Store) RemoveOfficial(ctx context.Context, groupID, id int64) (err error) {
	defer wrap(&err, "storage.RemoveOfficial(%d, %d)", groupID, id)
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
	return nil
}

// Officials lists the group's current officials by name.
func (s *Store) Officials(ctx context.Context, groupID int64) (_ []Official, err error) {
	defer wrap(&err, "storage.Officials(%d)", groupID)
	var out []Official
	err = s.with(ctx).Where("group_id = ? AND removed_at IS NULL", groupID).
		Order("lower(name), number").Find(&out).Error
	return out, err
}

// OfficialByID returns one of the group's officials by row id, removed or
// not: meetings and answers keep naming an official after removal.
func (s *Store) OfficialByID(ctx context.Context, groupID, id int64) (_ *Official, err error) {
	defer wrap(&err, "storage.OfficialByID(%d, %d)", groupID, id)
	var o Official
	return &o, s.with(ctx).Where("group_id = ? AND id = ?", groupID, id).Take(&o).Error
}
