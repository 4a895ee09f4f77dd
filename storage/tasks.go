package storage

import (
	"context"
	"time"
)

// The task statuses.
const (
	TaskOpen = "open"
	TaskDone = "done"
)

// inTx runs fn in the store's transaction, or in a new one outside Tx.
// (Nesting Tx would need savepoints, which the SQLite dialector lacks.)
func (s *Store) inTx(ctx context.Context, fn func(tx *Store) error) error {
	if _, ok := s.SQLTx(); ok {
		return fn(s)
	}
	return s.Tx(ctx, fn)
}

// CreateTask numbers and inserts a task and lets the job queue schedule its
// reminders, in one transaction: the caller's, when called inside Tx.
func (s *Store) CreateTask(ctx context.Context, t *Task) (err error) {
	defer wrap(&err, "storage.CreateTask(%d)", t.GroupID)
	return s.inTx(ctx, func(tx *Store) error {
		n, err := tx.NextNumber(ctx, "tasks", t.GroupID)
		if err != nil {
			return err
		}
		t.Number = n
		if t.Status == "" {
			t.Status = TaskOpen
		}
		if err := tx.with(ctx).Create(t).Error; err != nil {
			return err
		}
		return tx.taskChanged(ctx, t)
	})
}

// SetTaskDone marks a task done at the given time (done) or open again
// (!done), and lets the job queue drop or restore its reminders.
func (s *Store) SetTaskDone(ctx context.Context, t *Task, done bool, at time.Time) (err error) {
	defer wrap(&err, "storage.SetTaskDone(%d, %d, %t)", t.GroupID, t.ID, done)
	return s.inTx(ctx, func(tx *Store) error {
		status, doneAt := TaskOpen, (*time.Time)(nil)
		if done {
			at = at.UTC()
			status, doneAt = TaskDone, &at
		}
		res := tx.with(ctx).Model(&Task{}).Where("group_id = ? AND id = ?", t.GroupID, t.ID).
			Updates(map[string]any{"status": status, "done_at": doneAt, "updated_at": tx.Now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		t.Status, t.DoneAt = status, doneAt
		return tx.taskChanged(ctx, t)
	})
}

// TaskFilter selects tasks of one group.
type TaskFilter struct {
	GroupID    int64
	Status     string     // TaskOpen, TaskDone, or "" for both
	AssigneeID *int64     // only this member's tasks
	DueBefore  *time.Time // only tasks due before this instant (overdue)
	Limit      int
	Offset     int
}

// TaskRow is a task with the names users see.
type TaskRow struct {
	Task
	AssigneeName  string
	MeetingNumber *int64
}

// Tasks lists the group's tasks matching f: open ones first by due time
// (undated last), then done ones, newest done first. total counts every
// match, for paging.
func (s *Store) Tasks(ctx context.Context, f TaskFilter) (rows []TaskRow, total int64, err error) {
	defer wrap(&err, "storage.Tasks(%d, %q, %v, %d, %d)", f.GroupID, f.Status, optID(f.AssigneeID), f.Limit, f.Offset)
	q := s.with(ctx).Table("tasks t").Where("t.group_id = ?", f.GroupID)
	if f.Status != "" {
		q = q.Where("t.status = ?", f.Status)
	}
	if f.AssigneeID != nil {
		q = q.Where("t.assignee_id = ?", *f.AssigneeID)
	}
	if f.DueBefore != nil {
		q = q.Where("t.due_at IS NOT NULL AND t.due_at < ?", f.DueBefore.UTC())
	}
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	q = q.Select("t.*, COALESCE(m.display_name, '') AS assignee_name, mt.number AS meeting_number").
		Joins("LEFT JOIN members m ON m.id = t.assignee_id AND m.group_id = t.group_id").
		Joins("LEFT JOIN meetings mt ON mt.id = t.meeting_id AND mt.group_id = t.group_id").
		Order("CASE WHEN t.status = 'open' THEN 0 ELSE 1 END, CASE WHEN t.status = 'open' AND t.due_at IS NULL THEN 1 ELSE 0 END").
		Order("CASE WHEN t.status = 'open' THEN t.due_at END, t.done_at DESC, t.number")
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	err = q.Scan(&rows).Error
	return rows, total, err
}
