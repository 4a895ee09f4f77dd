package storage

import (
	"context"
	"math"
	"slices"
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
	Page       *Page      // only this page; nil for every match
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
	defer wrap(&err, "storage.Tasks(%d, %q, %v)", f.GroupID, f.Status, optID(f.AssigneeID))
	where, args := "t.group_id = ?", []any{f.GroupID}
	if f.Status != "" {
		where, args = where+" AND t.status = ?", append(args, f.Status)
	}
	if f.AssigneeID != nil {
		where, args = where+" AND t.assignee_id = ?", append(args, *f.AssigneeID)
	}
	if f.DueBefore != nil {
		where, args = where+" AND t.due_at IS NOT NULL AND t.due_at < ?", append(args, f.DueBefore.UTC())
	}
	page := f.Page
	if page == nil {
		page = &Page{Number: 1, Per: math.MaxInt32}
	}
	// The page is chosen among the tasks alone, on the index that orders
	// them; only its rows are joined to the names they show.
	order := taskOrder(f.Status)
	w := pageWindow(page, "SELECT COUNT(*) AS n FROM tasks t WHERE "+where, args)
	chosen := s.with(ctx).Raw("SELECT t.*, "+w.Total+" AS page_total FROM tasks t WHERE "+where+" ORDER BY "+order+" "+w.Limit,
		slices.Concat(w.TotalArgs, args, w.LimitArgs)...)
	var read []paged[TaskRow]
	err = s.with(ctx).Table("(?) AS t", chosen).
		Select("t.*, COALESCE(" + named("members", "display_name", "t.assignee_id", "t.group_id") + ", '') AS assignee_name, " +
			named("meetings", "number", "t.meeting_id", "t.group_id") + " AS meeting_number").
		Order(order).Scan(&read).Error
	return rowsOf(page, read), page.Total, err
}

// taskOrder is the order of Tasks for a status, written for one status so
// that the index on (group, status, due time, number) serves the open
// tasks' (both databases read NULLS LAST off an ascending index).
func taskOrder(status string) string {
	switch status {
	case TaskOpen:
		return "t.due_at NULLS LAST, t.number"
	case TaskDone:
		return "t.done_at DESC, t.number"
	}
	return "CASE WHEN t.status = 'open' THEN 0 ELSE 1 END, CASE WHEN t.status = 'open' AND t.due_at IS NULL THEN 1 ELSE 0 END, " +
		"CASE WHEN t.status = 'open' THEN t.due_at END, t.done_at DESC, t.number"
}
