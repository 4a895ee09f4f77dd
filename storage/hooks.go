package storage

import "context"

// Hooks lets the job queue react to changes inside the transaction that
// makes them, so that a reminder is enqueued if and only if its cause
// commits. Each method is called with the transaction-bound Store (see
// SQLTx) after the row is written.
type Hooks interface {
	MeetingChanged(ctx context.Context, tx *Store, m *Meeting) error
	TaskChanged(ctx context.Context, tx *Store, t *Task) error
}

// SetHooks installs the job queue's hooks; call it before serving.
func (s *Store) SetHooks(h Hooks) { s.hooks = h }

func (s *Store) meetingChanged(ctx context.Context, m *Meeting) error {
	if s.hooks == nil {
		return nil
	}
	return s.hooks.MeetingChanged(ctx, s, m)
}

func (s *Store) taskChanged(ctx context.Context, t *Task) error {
	if s.hooks == nil {
		return nil
	}
	return s.hooks.TaskChanged(ctx, s, t)
}
