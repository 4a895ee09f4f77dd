package commands

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const (
	taskAddExample  = `/task add title:"Call the sheriff's office" due:"friday 5pm" tactic:calls-letters`
	taskDoneExample = `/task done 5`
	taskListExample = `/task list overdue`
	taskMaxTitle    = 200
	taskPer         = 15
)

func (env *Env) taskCommand() *bot.Command {
	id := bot.Option{Name: "id", Kind: bot.Integer, Required: true, Autocomplete: "task"}
	return &bot.Command{
		Name: "task",
		Subcommands: []*bot.Command{
			{
				Name:    "add",
				Example: taskAddExample,
				Options: []bot.Option{
					{Name: "title", Kind: bot.Text, Required: true, MaxLength: taskMaxTitle, NoContact: true},
					{Name: "user", Kind: bot.UserKind},
					{Name: "due", Kind: bot.Time, MaxLength: 64},
					{Name: "meeting", Kind: bot.Integer, Autocomplete: "meeting"},
					{Name: "tactic", Kind: bot.Choice, Choices: bot.Choices(tacticNames()...)},
				},
				// The task and the replay guard commit together: a crash
				// between two commits would have kept the guard and lost
				// the task, and refused its retry.
				OneCommit: true,
				Handler:   env.taskAdd,
			},
			{
				Name:    "done",
				Example: taskDoneExample,
				Options: []bot.Option{id},
				Handler: env.taskDone,
			},
			{
				Name:    "reopen",
				Example: "/task reopen 5",
				Options: []bot.Option{id},
				Handler: env.taskReopen,
			},
			{
				Name:    "list",
				Example: taskListExample,
				Options: []bot.Option{
					{Name: "show", Kind: bot.Choice, Choices: bot.Choices("open", "mine", "overdue", "done", "all"), Positional: true},
					{Name: "user", Kind: bot.UserKind},
					pageOption(),
				},
				ReadOnly: true,
				Handler:  env.taskList,
			},
		},
	}
}

// parseDue reads a due time in the group's zone. A day without a time of
// day ("friday", "dec 3") means the end of that day there, so that a task
// becomes overdue at the group's midnight, not UTC's.
func parseDue(text string, now time.Time, loc *time.Location) (time.Time, error) {
	t, err := ParseTime(text, now, loc)
	if errors.Is(err, errNoTimeOfDay) {
		t, err = ParseTime(text+" 11:59pm", now, loc)
	}
	return t, err
}

func (env *Env) taskAdd(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	title := strings.Join(strings.Fields(req.Str("title")), " ")
	if title == "" {
		return bot.Reply{}, bot.Invalid("title", bot.M("task.title_empty"), taskAddExample)
	}
	if n := utf8.RuneCountInString(title); n > taskMaxTitle {
		return bot.Reply{}, bot.Invalid("title", bot.M("bind.too_long", "Name", "title", "Length", n, "Limit", taskMaxTitle), taskAddExample)
	}
	t := &storage.Task{GroupID: req.Caller.GroupID, Title: title, Tactic: req.Str("tactic"), CreatedBy: &req.Caller.MemberID}
	assignee, reader := req.User, req // reader: who the direct message is for
	t.AssigneeID = &req.Caller.MemberID
	if u, ok := req.UserOpt("user"); ok && u.ID != req.User.ID {
		if req.Caller.Level < bot.Lead {
			return bot.Reply{}, &bot.Error{Kind: bot.KindForbidden, Msg: bot.M("task.assign_forbidden", "Name", u.Name), Need: bot.Lead, Field: "user", Example: taskAddExample}
		}
		m, err := env.member(ctx, req, u)
		if err != nil {
			return bot.Reply{}, err
		}
		if u.Name == "" { // a mention the platform did not name (a Discord button's ready command)
			u.Name = m.DisplayName
		}
		t.AssigneeID, assignee, reader = &m.ID, u, readAs(req, m)
	}
	if req.Has("due") {
		due, err := parseDue(req.Str("due"), req.Now, req.GroupLocation())
		if err != nil {
			return bot.Reply{}, bot.Invalid("due", bot.M("task.due_unreadable", "Text", bot.Clip(req.Str("due"), 40)), taskAddExample)
		}
		if !due.After(req.Now) {
			return bot.Reply{}, bot.Invalid("due", bot.M("task.due_past", "When", FormatTime(due, req.Location())), taskAddExample)
		}
		due = due.UTC()
		t.DueAt = &due
	}
	var meeting *storage.Meeting
	if n, ok := req.Int("meeting"); ok {
		m, err := env.meeting(ctx, req, n)
		if err != nil {
			return bot.Reply{}, withExample(err, taskAddExample)
		}
		t.MeetingID, meeting = &m.ID, m
	}
	err := env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.CreateTask(ctx, t); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "task.add", "task", t.Number, "", taskText(t, assignee.Name, req.Location()))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{
		Title:   req.T("task.added.title", "Number", t.Number),
		Text:    taskDetail(req, t, assignee.Name, meeting),
		Tone:    bot.Success,
		Buttons: []bot.Button{doneButton(req, t.Number)},
	}
	if assignee.ID != req.User.ID {
		reply.DMs = []bot.DirectMessage{{To: assignee, Reply: bot.Reply{
			Title:   reader.T("task.assigned.title", "Number", t.Number, "By", req.User.Name),
			Text:    taskDetail(reader, t, assignee.Name, meeting),
			Buttons: []bot.Button{doneButton(reader, t.Number)},
		}}}
	}
	return reply, nil
}

func doneButton(req *bot.Request, number int64) bot.Button {
	return bot.Button{Label: req.T("task.button.done"), Action: "task done id:" + strconv.FormatInt(number, 10), Style: bot.Success}
}

// taskText is a task as the audit log records it, in English as all of
// the log is.
func taskText(t *storage.Task, assignee string, loc *time.Location) string {
	s := fmt.Sprintf("%q for %s", t.Title, assignee)
	if t.DueAt != nil {
		s += ", due " + FormatTime(*t.DueAt, loc).Localize("en")
	}
	if t.Tactic != "" {
		s += ", " + t.Tactic
	}
	return s
}

// taskDetail describes a task in full.
func taskDetail(req *bot.Request, t *storage.Task, assignee string, m *storage.Meeting) string {
	lines := []string{req.T("task.detail", "Title", t.Title, "Assignee", assignee)}
	if t.DueAt != nil {
		lines = append(lines, req.T("task.detail.due", "When", inZones(req, *t.DueAt)))
	}
	if tc, ok := TacticByName(t.Tactic); ok {
		lines = append(lines, req.T("task.detail.tactic", "Name", tc.Name, "Description", tc.Description(req.Locale)))
	}
	if m != nil {
		lines = append(lines, req.T("task.detail.meeting", "Number", m.Number, "When", FormatTime(m.StartsAt, req.Location())))
	}
	return strings.Join(lines, "\n")
}

// mayChange reports whether the caller may complete or reopen the task.
func mayChangeTask(req *bot.Request, t *storage.Task) bool {
	own := func(id *int64) bool { return id != nil && *id == req.Caller.MemberID }
	return own(t.AssigneeID) || own(t.CreatedBy) || req.Caller.Level >= bot.Coordinator
}

func (env *Env) taskDone(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	return env.setTaskDone(ctx, req, true)
}

func (env *Env) taskReopen(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	return env.setTaskDone(ctx, req, false)
}

func (env *Env) setTaskDone(ctx context.Context, req *bot.Request, done bool) (bot.Reply, error) {
	n, _ := req.Int("id")
	t, err := env.task(ctx, req, n)
	if err != nil {
		return bot.Reply{}, withExample(err, "/task list all")
	}
	verb, want := "done", storage.TaskOpen
	if !done {
		verb, want = "reopen", storage.TaskDone
	}
	if !mayChangeTask(req, t) {
		names, err := env.taskPeople(ctx, req, t)
		if err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{}, &bot.Error{Kind: bot.KindForbidden, Need: bot.Coordinator, Msg: bot.M("task.change_forbidden", "Number", t.Number, "People", names)}
	}
	if t.Status != want {
		return bot.Reply{}, bot.Conflict(bot.M("task.already."+t.Status, "Number", t.Number))
	}
	before := t.Status
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.SetTaskDone(ctx, t, done, req.Now); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "task."+verb, "task", t.Number, before, t.Status)
	})
	if err != nil {
		return bot.Reply{}, err
	}
	if done {
		return bot.Reply{
			Text:    req.T("task.done", "Number", t.Number, "Title", t.Title),
			Tone:    bot.Success,
			Buttons: []bot.Button{{Label: req.T("task.button.reopen"), Action: "task reopen id:" + strconv.FormatInt(t.Number, 10)}},
		}, nil
	}
	return bot.Reply{Text: req.T("task.reopened", "Number", t.Number, "Title", t.Title), Tone: bot.Success, Buttons: []bot.Button{doneButton(req, t.Number)}}, nil
}

// taskPeople names who may change a task besides coordinators.
func (env *Env) taskPeople(ctx context.Context, req *bot.Request, t *storage.Task) (string, error) {
	var ids []int64
	for _, id := range []*int64{t.AssigneeID, t.CreatedBy} {
		if id != nil {
			ids = append(ids, *id)
		}
	}
	members, err := env.Store.MembersByIDs(ctx, req.Caller.GroupID, ids)
	if err != nil {
		return "", err
	}
	var names []string
	seen := map[int64]bool{}
	for _, id := range ids {
		if m, ok := members[id]; ok && !seen[id] {
			seen[id] = true
			names = append(names, m.DisplayName)
		}
	}
	return strings.Join(names, " or "), nil
}

func (env *Env) taskList(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	show := req.Str("show")
	if show == "" {
		show = "open"
	}
	f := storage.TaskFilter{GroupID: req.Caller.GroupID, Status: storage.TaskOpen}
	switch show {
	case "mine":
		f.AssigneeID = &req.Caller.MemberID
	case "overdue":
		now := req.Now
		f.DueBefore = &now
	case "done":
		f.Status = storage.TaskDone
	case "all":
		f.Status = ""
	}
	who := ""
	if u, ok := req.UserOpt("user"); ok {
		if show == "mine" && u.ID != req.User.ID {
			return bot.Reply{}, bot.Invalid("user", bot.M("task.list.mine_and_user"), taskListExample)
		}
		m, err := env.member(ctx, req, u)
		if err != nil {
			return bot.Reply{}, err
		}
		f.AssigneeID, who = &m.ID, m.DisplayName
	}
	f.Page = requestedPage(req, taskPer)
	rows, total, err := env.Store.Tasks(ctx, f)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("task.list.title."+show, "Count", total), Footer: pageFooter(req, f.Page)}
	if who != "" {
		reply.Title += " · " + who
	}
	if total == 0 {
		reply.Text = req.T("task.list.none."+show, "Example", taskAddExample)
		return reply, nil
	}
	overdue := 0
	for _, r := range rows {
		line, late := taskLine(req, r)
		if late {
			overdue++
		}
		reply.Items = append(reply.Items, bot.Clip(line, bot.MaxItem))
	}
	if overdue > 0 {
		reply.Tone = bot.Warning
	}
	return reply, nil
}

// taskLine is one task in a list; late reports that it is overdue. Due
// dates are told relative to the group's today.
func taskLine(req *bot.Request, r storage.TaskRow) (line string, late bool) {
	loc := req.Location()
	parts := []string{"#" + strconv.FormatInt(r.Number, 10)}
	if r.Status == storage.TaskDone {
		parts = append(parts, "✓")
	}
	parts = append(parts, r.Title, "—", r.AssigneeName)
	line = strings.Join(parts, " ")
	switch {
	case r.Status == storage.TaskDone && r.DoneAt != nil:
		line += " · " + req.T("task.line.done", "When", bot.At(*r.DoneAt, loc, bot.DateDay))
	case r.DueAt != nil && !r.DueAt.After(req.Now):
		late = true
		line += " · " + req.T("task.line.overdue", "When", dueText(req, *r.DueAt))
	case r.DueAt != nil:
		line += " · " + req.T("task.line.due", "When", dueText(req, *r.DueAt))
	}
	if r.Tactic != "" {
		line += " · " + r.Tactic
	}
	if r.MeetingNumber != nil {
		line += " · " + req.T("task.line.meeting", "Number", *r.MeetingNumber)
	}
	return line, late
}

// dueText tells a due time relative to the group's today: "today 5:00 PM",
// "tomorrow 11:59 PM", "yesterday …", else the date.
func dueText(req *bot.Request, due time.Time) string {
	loc := req.Location()
	d, now := due.In(loc), req.Now.In(loc)
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc) }
	clock := bot.FormatDate(req.Locale, d, bot.DateClock)
	switch days := int(math.Round(day(d).Sub(day(now)).Hours() / 24)); {
	case days == 0:
		return req.T("task.day.today", "Time", clock)
	case days == 1:
		return req.T("task.day.tomorrow", "Time", clock)
	case days == -1:
		return req.T("task.day.yesterday", "Time", clock)
	}
	return bot.FormatDate(req.Locale, d, bot.DateTime)
}
