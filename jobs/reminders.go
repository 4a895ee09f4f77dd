package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// Which reminder a job sends.
const (
	MeetingDay  = "day"     // 24 h before the meeting starts
	MeetingHour = "hour"    // 1 h before its gather time
	TaskDue     = "due"     // 24 h before the task is due
	TaskOverdue = "overdue" // when it becomes overdue
)

// MeetingReminderArgs reminds the members who answered yes. At is the
// meeting time the reminder was computed from (start for MeetingDay,
// gather for MeetingHour): a reminder whose meeting has moved since does
// nothing, and the move enqueued the right ones.
type MeetingReminderArgs struct {
	GroupID   int64     `json:"group_id"`
	MeetingID int64     `json:"meeting_id"`
	Which     string    `json:"which"`
	At        time.Time `json:"at"`
}

// Kind names the job.
func (MeetingReminderArgs) Kind() string { return "meeting_reminder" }

// InsertOpts makes a reminder unique per meeting, kind and time, so that
// saving a meeting twice enqueues it once.
func (MeetingReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// TaskReminderArgs reminds a task's assignee; DueAt plays the part of
// MeetingReminderArgs.At.
type TaskReminderArgs struct {
	GroupID int64     `json:"group_id"`
	TaskID  int64     `json:"task_id"`
	Which   string    `json:"which"`
	DueAt   time.Time `json:"due_at"`
}

// Kind names the job.
func (TaskReminderArgs) Kind() string { return "task_reminder" }

// InsertOpts makes a reminder unique per task, kind and due time.
func (TaskReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// MeetingChanged enqueues the meeting's reminders (a new or moved meeting;
// the old ones go stale by themselves). Reminders whose time has passed
// are not enqueued.
func (q *Queue) MeetingChanged(ctx context.Context, tx *storage.Store, m *storage.Meeting) error {
	if m.Status != storage.MeetingScheduled {
		return nil
	}
	now := q.clock.Now()
	gather := m.GatherAt
	if gather.IsZero() {
		gather = m.StartsAt
	}
	var params []river.InsertManyParams
	for _, r := range []struct {
		which  string
		at     time.Time
		remind time.Time
	}{
		{MeetingDay, m.StartsAt, m.StartsAt.Add(-24 * time.Hour)},
		{MeetingHour, gather, gather.Add(-time.Hour)},
	} {
		if r.remind.Before(now) {
			continue
		}
		params = append(params, river.InsertManyParams{
			Args:       MeetingReminderArgs{GroupID: m.GroupID, MeetingID: m.ID, Which: r.which, At: norm(r.at)},
			InsertOpts: &river.InsertOpts{ScheduledAt: r.remind},
		})
	}
	return q.insert(ctx, tx, params)
}

// TaskChanged enqueues an open, assigned task's reminders.
func (q *Queue) TaskChanged(ctx context.Context, tx *storage.Store, t *storage.Task) error {
	if t.Status != "open" || t.DueAt == nil || t.AssigneeID == nil {
		return nil
	}
	now := q.clock.Now()
	var params []river.InsertManyParams
	for _, r := range []struct {
		which  string
		remind time.Time
	}{
		{TaskDue, t.DueAt.Add(-24 * time.Hour)},
		{TaskOverdue, *t.DueAt},
	} {
		if r.remind.Before(now) {
			continue
		}
		params = append(params, river.InsertManyParams{
			Args:       TaskReminderArgs{GroupID: t.GroupID, TaskID: t.ID, Which: r.which, DueAt: norm(*t.DueAt)},
			InsertOpts: &river.InsertOpts{ScheduledAt: r.remind},
		})
	}
	return q.insert(ctx, tx, params)
}

type meetingReminderWorker struct {
	river.WorkerDefaults[MeetingReminderArgs]
	q *Queue
}

func (w *meetingReminderWorker) Work(ctx context.Context, job *river.Job[MeetingReminderArgs]) error {
	q, a := w.q, job.Args
	m, err := q.store.ReminderMeeting(ctx, a.GroupID, a.MeetingID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	ref := m.StartsAt
	if a.Which == MeetingHour {
		ref = m.GatherAt
	}
	if m.Status != storage.MeetingScheduled || !sameTime(ref, a.At) {
		q.log.DebugContext(ctx, "stale reminder skipped", "group", a.GroupID, "meeting", m.Number, "which", a.Which)
		return nil
	}
	if !q.clock.Now().Before(m.GatherAt) {
		// After an outage: the gathering has begun, a reminder would only confuse.
		q.log.InfoContext(ctx, "late reminder dropped", "group", a.GroupID, "meeting", m.Number, "which", a.Which)
		return nil
	}
	g, err := q.store.GroupByID(ctx, a.GroupID)
	if err != nil {
		return err
	}
	official, err := q.store.ReminderOfficialName(ctx, a.GroupID, m.OfficialID)
	if err != nil {
		return err
	}
	attendees, err := q.store.YesAttendees(ctx, a.GroupID, m.ID)
	if err != nil {
		return err
	}
	var next []river.InsertManyParams
	for _, p := range attendees {
		if !p.Reminders { // they turned reminders off (/me reminders:off)
			continue
		}
		locale, loc := readerOf(g, p.Language, p.Locale, p.TimeZone)
		next = append(next, q.delivery(DeliverArgs{
			GroupID: a.GroupID, MemberID: p.MemberID, Name: p.Name,
			What:  fmt.Sprintf("reminder for meeting %d", m.Number),
			Reply: meetingReminder(locale, m, official, a.Which, loc),
		}))
	}
	return complete(ctx, q, job, nil, next)
}

func meetingReminder(locale string, m *storage.Meeting, official, which string, loc *time.Location) bot.Reply {
	t := func(id string, kv ...any) string { return bot.Translate(locale, bot.M(id, kv...)) }
	// The meeting commands' own words for the kind: "Law-enforcement
	// meeting with Jane Roe starts …".
	what := t("meeting.kind." + string(m.Kind))
	if official != "" {
		what = t("meeting.with", "Kind", what, "Official", official)
	}
	text := t("reminder.meeting", "What", what, "When", bot.At(m.StartsAt, loc, bot.DateZone), "Place", m.Place)
	place := m.GatherPlace
	if place == "" {
		place = m.Place
	}
	text += " " + t("reminder.gather", "Time", bot.At(m.GatherAt, loc, bot.DateClock), "Place", place)
	return bot.Reply{Title: t("reminder.meeting_"+which+".title", "Number", m.Number), Text: text}
}

type taskReminderWorker struct {
	river.WorkerDefaults[TaskReminderArgs]
	q *Queue
}

func (w *taskReminderWorker) Work(ctx context.Context, job *river.Job[TaskReminderArgs]) error {
	q, a := w.q, job.Args
	task, err := q.store.ReminderTask(ctx, a.GroupID, a.TaskID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if task.Status != storage.TaskOpen || task.DueAt == nil || task.AssigneeID == nil || !sameTime(*task.DueAt, a.DueAt) {
		q.log.DebugContext(ctx, "stale reminder skipped", "group", a.GroupID, "task", task.Number, "which", a.Which)
		return nil
	}
	if a.Which == TaskDue && !q.clock.Now().Before(*task.DueAt) {
		// After an outage: "due tomorrow" is wrong now; the overdue one says it.
		q.log.InfoContext(ctx, "late reminder dropped", "group", a.GroupID, "task", task.Number, "which", a.Which)
		return nil
	}
	g, err := q.store.GroupByID(ctx, a.GroupID)
	if err != nil {
		return err
	}
	who, err := q.store.MemberByID(ctx, a.GroupID, *task.AssigneeID)
	if err != nil {
		return err
	}
	if !who.Reminders {
		q.log.DebugContext(ctx, "reminders off", "group", a.GroupID, "task", task.Number, "which", a.Which)
		return nil
	}
	locale, loc := readerOf(g, who.Language, who.Locale, who.TimeZone)
	t := func(id string, kv ...any) string { return bot.Translate(locale, bot.M(id, kv...)) }
	reply := bot.Reply{
		Title: t("reminder.task_"+a.Which+".title", "Number", task.Number),
		Text:  t("reminder.task_"+a.Which, "Title", task.Title, "When", bot.At(*task.DueAt, loc, bot.DateZone), "Number", task.Number),
	}
	if a.Which == TaskOverdue {
		reply.Tone = bot.Warning
	}
	next := []river.InsertManyParams{q.delivery(DeliverArgs{
		GroupID: a.GroupID, MemberID: who.ID, Name: who.DisplayName,
		What: fmt.Sprintf("reminder for task %d", task.Number), Reply: reply,
	})}
	return complete(ctx, q, job, nil, next)
}
