package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// RoleSpec describes what the bot does when a role is given: the duty
// offered as a task today, the role's script delivered by direct message
// later. Permission roles (lead, coordinator) are group-wide only.
type RoleSpec struct {
	Name storage.Role
	// Duty is the catalog id of the task the guide ties to the role (with
	// ".meeting" appended for a role held for one meeting); "" when none.
	Duty string
	// DutyDays is how many days the duty task is due after assignment when
	// the role is group-wide; for one meeting it is due at the meeting.
	DutyDays int
}

// Roles are the campaign roles from the guide, then the permission roles.
var Roles = []RoleSpec{
	{Name: storage.RoleSpokesperson},
	{Name: storage.RoleScheduler, Duty: "role.duty.scheduler", DutyDays: 3},
	{Name: storage.RoleInviter, Duty: "role.duty.inviter", DutyDays: 7},
	{Name: storage.RoleEventPoster, Duty: "role.duty.event-poster", DutyDays: 3},
	{Name: storage.RoleAttendanceKeeper, Duty: "role.duty.attendance-keeper", DutyDays: 7},
	{Name: storage.RoleReporter, Duty: "role.duty.reporter", DutyDays: 14},
	{Name: storage.RoleNoteTaker},
	{Name: storage.RoleLead},
	{Name: storage.RoleCoordinator},
}

// roleOrder lists the roles' names in the order of Roles, which lists
// follow.
func roleOrder() []storage.Role {
	names := make([]storage.Role, len(Roles))
	for i, r := range Roles {
		names[i] = r.Name
	}
	return names
}

// RoleByName returns the role spec named name.
func RoleByName(name string) (RoleSpec, bool) {
	for _, r := range Roles {
		if string(r.Name) == name {
			return r, true
		}
	}
	return RoleSpec{}, false
}

const (
	roleAssignExample = `/role assign user:@alex role:scheduler`
	roleRemoveExample = `/role remove user:@alex role:scheduler`
	roleListExample   = `/role list`
	rolesPerPage      = 15
)

// meetingOption is an optional option naming a meeting by its number.
func meetingOption() bot.Option {
	return bot.Option{Name: "meeting", Kind: bot.Integer, Min: 1, Max: maxNumber, Autocomplete: "meeting"}
}

// maxNumber bounds the per-group numbers users type.
const maxNumber = 1_000_000_000

// Only leads give and take roles; anyone may see who holds which.
func (env *Env) roleCommand() *bot.Command {
	roleOpt := bot.Option{Name: "role", Kind: bot.Choice, Required: true, Choices: bot.Choices(roleOrder()...)}
	userOpt := bot.Option{Name: "user", Kind: bot.UserKind, Required: true}
	return &bot.Command{
		Name: "role",
		Subcommands: []*bot.Command{
			{
				Name:    "assign",
				Example: roleAssignExample,
				Level:   bot.Lead,
				Options: []bot.Option{userOpt, roleOpt, meetingOption()},
				Handler: env.roleAssign,
			},
			{
				Name:    "remove",
				Example: roleRemoveExample,
				Level:   bot.Lead,
				Options: []bot.Option{userOpt, roleOpt, meetingOption()},
				Handler: env.roleRemove,
			},
			{
				Name:     "list",
				Example:  roleListExample,
				Options:  []bot.Option{meetingOption(), pageOption()},
				ReadOnly: true,
				Handler:  env.roleList,
			},
		},
	}
}

// roleTarget is what an assign or remove names: a member, a role, and
// optionally a meeting.
type roleTarget struct {
	user    bot.User
	spec    RoleSpec
	meeting *storage.Meeting // nil for group-wide
}

func (t roleTarget) meetingID() *int64 {
	if t.meeting == nil {
		return nil
	}
	return &t.meeting.ID
}

// roleName is a role as a sentence names it, in the reader's words with
// the value typed in commands: spokesperson; portavoz (`spokesperson`).
func roleName(r storage.Role) bot.Message { return bot.M("role.name." + string(r)) }

// scope is "" or " for meeting N", as the messages put it.
func (t roleTarget) scope(req *bot.Request) string {
	if t.meeting == nil {
		return ""
	}
	return req.T("role.scope.meeting", "Number", t.meeting.Number)
}

func (t roleTarget) String() string {
	if t.meeting == nil {
		return fmt.Sprintf("%s: %s", t.user.Name, t.spec.Name)
	}
	return fmt.Sprintf("%s: %s for meeting %d", t.user.Name, t.spec.Name, t.meeting.Number)
}

func (env *Env) roleTarget(ctx context.Context, req *bot.Request, example string) (roleTarget, error) {
	t := roleTarget{}
	t.user, _ = req.UserOpt("user")
	t.spec, _ = RoleByName(req.Str("role"))
	n, ok := req.Int("meeting")
	if !ok {
		return t, nil
	}
	if t.spec.Name.Permission() {
		// The example drops meeting:, keeping the command (assign or remove).
		cmd, _, _ := strings.Cut(example, " user:")
		return t, bot.Invalid("meeting", bot.M("role.group_only", "Role", t.spec.Name), cmd+" user:@alex role:"+string(t.spec.Name))
	}
	m, err := env.meeting(ctx, req, n)
	if err != nil {
		return t, err
	}
	t.meeting = m
	return t, nil
}

func (env *Env) roleAssign(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	t, err := env.roleTarget(ctx, req, roleAssignExample)
	if err != nil {
		return bot.Reply{}, err
	}
	if t.meeting != nil && t.meeting.Status == storage.MeetingCancelled {
		return bot.Reply{}, bot.Conflict(bot.M("role.meeting_cancelled", "Number", t.meeting.Number))
	}
	var locale string // the assignee's
	err = env.editRole(ctx, req, t, "role.assign", "", t.String(), func(tx *storage.Store, m *storage.Member) error {
		locale = Language(m.Language, m.Locale, req.Caller.GroupLocale)
		err := tx.AssignRole(ctx, &storage.RoleAssignment{
			GroupID: req.Caller.GroupID, MemberID: m.ID, Role: t.spec.Name,
			MeetingID: t.meetingID(), AssignedBy: &req.Caller.MemberID,
		})
		if errors.Is(err, storage.ErrDuplicate) {
			return bot.Conflict(bot.M("role.already", "Name", t.user.Name, "Role", roleName(t.spec.Name), "Scope", t.scope(req)))
		}
		return err
	})
	if err != nil {
		return bot.Reply{}, err
	}
	form, err := env.reportForm(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	return env.assignmentReply(req, t, locale, form), nil
}

// editRole changes the role of the member t names, in one transaction
// that holds the group's lock (so that two leads removing each other at
// once cannot leave the group without one), and audits the change.
func (env *Env) editRole(ctx context.Context, req *bot.Request, t roleTarget, action, before, after string, change func(tx *storage.Store, m *storage.Member) error) error {
	return env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.LockGroup(ctx, req.Caller.GroupID); err != nil {
			return err
		}
		m, err := tx.EnsureMember(ctx, req.Caller.GroupID, t.user.ID, t.user.Name)
		if err != nil {
			return err
		}
		if err := change(tx, m); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, action, "role", meetingNumber(t.meeting), before, after)
	})
}

// assignmentReply tells the group about a new role holder, sends the
// assignee their role's script in their locale (a direct message where the
// platform allows, else shown in the reply), and offers the duty the guide
// ties to the role as a ready task.
func (env *Env) assignmentReply(req *bot.Request, t roleTarget, locale, form string) bot.Reply {
	reply := bot.Reply{
		Title: req.T("role.assigned.title", "Name", t.user.Name, "Role", roleName(t.spec.Name), "Scope", t.scope(req)),
		Text:  req.T("role.about."+string(t.spec.Name), "Name", t.user.Name),
		Tone:  bot.Success,
	}
	if script := roleScript(locale, t.spec.Name, req.Caller, form); len(script.Items) > 0 {
		reply.DMs = append(reply.DMs, bot.DirectMessage{To: t.user, Reply: script})
	}
	if t.spec.Duty == "" {
		return reply
	}
	var title, due, meetingOpt string
	loc := req.Location()
	if t.meeting != nil {
		title = req.T(t.spec.Duty+".meeting", "Number", t.meeting.Number)
		dueAt := t.meeting.StartsAt
		if t.spec.Name == storage.RoleReporter || t.spec.Name == storage.RoleAttendanceKeeper {
			dueAt = dueAt.Add(24 * time.Hour) // after the meeting
		} else if dueAt.Sub(req.Now) > 48*time.Hour {
			dueAt = dueAt.Add(-48 * time.Hour) // in time for the meeting
		}
		due = dueAt.In(loc).Format(readyTimeLayout)
		meetingOpt = fmt.Sprintf(" meeting:%d", t.meeting.Number)
	} else {
		title = req.T(t.spec.Duty)
		d := req.Now.In(loc).AddDate(0, 0, t.spec.DutyDays)
		due = time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, loc).Format(readyTimeLayout)
	}
	action := fmt.Sprintf(`task add title:"%s" user:%s due:"%s"%s`, title, mentionFor(req, t.user), due, meetingOpt)
	reply.Text += "\n" + req.T("role.offer_task", "Command", "/"+action)
	reply.Buttons = []bot.Button{{Label: req.T("role.offer_task.button"), Action: action}}
	return reply
}

// readyTimeLayout writes times in ready commands: a form ParseTime reads
// exactly, in the group's zone.
const readyTimeLayout = "2006-01-02 15:04"

// mentionFor writes a user as the platform's text grammar reads a mention,
// for ready commands: @name on the console, <@id> on Discord and Slack.
func mentionFor(req *bot.Request, u bot.User) string {
	if req.Platform == "console" {
		return "@" + u.Name
	}
	return "<@" + u.ID + ">"
}

// channelMention writes a channel as the platform shows a link to it: #name
// on the console (where the id is the name), <#id> on Discord and Slack.
func channelMention(req *bot.Request, id string) string {
	if req.Platform == "console" {
		return "#" + id
	}
	return "<#" + id + ">"
}

func meetingNumber(m *storage.Meeting) int64 {
	if m == nil {
		return 0
	}
	return m.Number
}

func (env *Env) roleRemove(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	t, err := env.roleTarget(ctx, req, roleRemoveExample)
	if err != nil {
		return bot.Reply{}, err
	}
	notHeld := bot.NotFound(bot.M("role.not_held", "Name", t.user.Name, "Role", roleName(t.spec.Name), "Scope", t.scope(req)), nil)
	err = env.editRole(ctx, req, t, "role.remove", t.String(), "", func(tx *storage.Store, m *storage.Member) error {
		err := tx.RemoveRole(ctx, req.Caller.GroupID, m.ID, t.spec.Name, t.meetingID())
		if errors.Is(err, storage.ErrNotFound) {
			return notHeld
		}
		if err != nil || t.spec.Name != storage.RoleLead {
			return err
		}
		leads, err := tx.CountRole(ctx, req.Caller.GroupID, storage.RoleLead)
		if err != nil {
			return err
		}
		if leads == 0 { // the transaction rolls back: the lead stays
			return bot.Conflict(bot.M("role.last_lead", "Name", t.user.Name))
		}
		return nil
	})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: req.T("role.removed", "Name", t.user.Name, "Role", roleName(t.spec.Name), "Scope", t.scope(req)), Tone: bot.Success}, nil
}

func (env *Env) roleList(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	var meetingID *int64
	title := req.T("role.list.title")
	if n, ok := req.Int("meeting"); ok {
		m, err := env.meeting(ctx, req, n)
		if err != nil {
			return bot.Reply{}, err
		}
		meetingID = &m.ID
		title = req.T("role.list.title.meeting", "Number", m.Number)
	}
	page := requestedPage(req, rolesPerPage)
	lines, err := env.Store.RoleLines(ctx, req.Caller.GroupID, meetingID, roleOrder(), page)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: title, Footer: pageFooter(req, page)}
	if len(lines) == 0 {
		reply.Text = req.T("role.list.empty", "Example", roleAssignExample)
		return reply, nil
	}
	// One line per role and meeting: "scheduler: Alex, Sam".
	for _, l := range lines {
		label := roleName(l.Role).Localize(req.Locale)
		if l.MeetingNumber != 0 {
			label = req.T("role.list.for_meeting", "Role", roleName(l.Role), "Number", l.MeetingNumber)
		}
		reply.Items = append(reply.Items, fitNames(req.T, label+": ", l.Names, bot.MaxItem))
	}
	return reply, nil
}
