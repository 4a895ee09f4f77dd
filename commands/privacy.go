package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// /privacy tells members what fcbot keeps about them, sends it to them as
// a file, and forgets them; /member forget lets a lead forget someone who
// left or asked in person. /me is the settings half of the same area.

const (
	privacyExample      = "/privacy export"
	privacyForgetLine   = "privacy forget confirm:yes"
	memberForgetExample = "/member forget user:@alex"
	// exportFormat names the export file's layout, for whoever reads it
	// with a program.
	exportFormat = "fcbot-privacy-export/1"
)

func (env *Env) privacyCommand() *bot.Command {
	return &bot.Command{
		Name:    "privacy",
		Example: privacyExample,
		Options: []bot.Option{
			{Name: "action", Kind: bot.Choice, Choices: bot.Choices("export", "forget"), Positional: true},
			{Name: "confirm", Kind: bot.Boolean},
		},
		Handler: env.privacy,
	}
}

func (env *Env) memberCommand() *bot.Command {
	return &bot.Command{
		Name: "member",
		Subcommands: []*bot.Command{{
			Name:    "forget",
			Example: memberForgetExample,
			Level:   bot.Lead,
			Options: []bot.Option{
				// Someone who left the workspace can be forgotten too.
				{Name: "user", Kind: bot.UserKind, Required: true, MayHaveLeft: true},
				{Name: "confirm", Kind: bot.Boolean},
			},
			Handler: env.memberForget,
		}},
	}
}

// privacy is /privacy: what fcbot keeps about the caller; export sends
// it to them, forget forgets them.
func (env *Env) privacy(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	switch req.Str("action") {
	case "export":
		return env.privacyExport(ctx, req)
	case "forget":
		if ok, _ := req.Bool("confirm"); !ok {
			return forgetQuestion(req, req.T("privacy.forget.ask.you"), privacyForgetLine), nil
		}
		return env.forget(ctx, req, req.Caller.MemberID, true)
	}
	h, err := env.Store.HoldingsOf(ctx, req.Caller.GroupID, req.Caller.MemberID)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("privacy.title"), Ephemeral: true}
	reply.Items = append(reply.Items, req.T("privacy.who", "Name", h.DisplayName,
		"Platform", req.T("privacy.platform."+req.Platform), "ID", derefOr(h.PlatformUserID, "")))
	// The settings as /me shows them, from the same row.
	st := &storage.Settings{Language: h.Language, Locale: h.Locale, TimeZone: h.TimeZone, Reminders: h.Reminders, Subscribed: h.Subscribed}
	for _, r := range h.Roles {
		st.Lead = st.Lead || (r.Role == storage.RoleLead && r.MeetingNumber == nil)
		st.Coordinator = st.Coordinator || (r.Role == storage.RoleCoordinator && r.MeetingNumber == nil)
	}
	reply.Items = append(reply.Items, meReply(req, st, false).Items...)
	reply.Items = append(reply.Items, rolesLine(req, h.Roles))
	reply.Items = append(reply.Items, req.T("privacy.records", "List", strings.Join([]string{
		req.T("privacy.count.rsvps", "Count", h.RSVPs),
		req.T("privacy.count.attendance", "Count", h.Attendance),
		req.T("privacy.count.tasks_assigned", "Count", h.TasksAssigned),
		req.T("privacy.count.tasks_created", "Count", h.TasksCreated),
		req.T("privacy.count.answers", "Count", h.Answers),
		req.T("privacy.count.audit", "Count", h.Audit),
	}, ", ")))
	reply.Text = req.T("privacy.kept", "Count", h.RetentionDays)
	reply.Footer = req.T("privacy.footer")
	return reply, nil
}

// rolesLine lists the member's roles, group-wide first.
func rolesLine(req *bot.Request, roles []storage.HeldRole) string {
	if len(roles) == 0 {
		return req.T("privacy.roles.none")
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = roleName(r.Role).Localize(req.Locale)
		if r.MeetingNumber != nil {
			names[i] = req.T("role.list.for_meeting", "Role", roleName(r.Role), "Number", *r.MeetingNumber)
		}
	}
	return req.T("privacy.roles", "Roles", strings.Join(names, ", "))
}

// exportFile is the file /privacy export sends: the export's sections at
// its top level, after what says what it is.
type exportFile struct {
	Format     string    `json:"format"`
	ExportedAt time.Time `json:"exported_at"`
	Platform   string    `json:"platform"`
	Group      string    `json:"group"`
	Summary    []string  `json:"summary"`
	*storage.Export
}

// privacyExport sends the caller, by direct message, every row that is
// theirs or that they made, as a JSON file, with a summary.
func (env *Env) privacyExport(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	e, err := env.Store.ExportMember(ctx, req.Caller.GroupID, req.Caller.MemberID)
	if err != nil {
		return bot.Reply{}, err
	}
	summary := []string{
		req.T("privacy.export.member", "Name", e.Member.DisplayName, "Platform", req.T("privacy.platform."+req.Platform)),
		req.T("privacy.export.counts", "List", strings.Join([]string{
			req.T("privacy.count.roles", "Count", len(e.Roles)),
			req.T("privacy.count.rsvps", "Count", len(e.RSVPs)),
			req.T("privacy.count.attendance", "Count", len(e.Attendance)),
			req.T("privacy.count.tasks", "Count", len(e.Tasks)),
			req.T("privacy.count.answers", "Count", len(e.Answers)),
			req.T("privacy.count.rulings", "Count", len(e.Rulings)),
			req.T("privacy.count.meetings", "Count", len(e.Meetings)),
			req.T("privacy.count.audit", "Count", len(e.Audit)),
			req.T("privacy.count.messages", "Count", len(e.Messages)),
		}, ", ")),
		req.T("privacy.export.mentions", "Count", len(e.Mentions)),
	}
	data, err := json.MarshalIndent(exportFile{
		Format: exportFormat, ExportedAt: req.Now.UTC(), Platform: req.Platform, Group: req.Caller.GroupName,
		Summary: summary, Export: e,
	}, "", "  ")
	if err != nil {
		return bot.Reply{}, fmt.Errorf("export: %w", err)
	}
	if len(data) > bot.MaxFileBytes {
		return bot.Reply{}, bot.Conflict(bot.M("privacy.export.too_large", "Count", e.Rows()))
	}
	name := fmt.Sprintf("fcbot-data-%s.json", req.Now.In(req.Location()).Format("2006-01-02"))
	dm := bot.Reply{
		Title: req.T("privacy.export.title"),
		Text:  strings.Join(summary, "\n"),
		Files: []bot.File{{Name: name, ContentType: "application/json", Data: data}},
	}
	return bot.Reply{
		Text:      req.T("privacy.export.sent", "Count", e.Rows()),
		Tone:      bot.Success,
		Ephemeral: true,
		DMs:       []bot.DirectMessage{{To: req.User, Reply: dm}},
	}, nil
}

// memberForget is /member forget: a lead forgets a member who left, or
// who asked in person.
func (env *Env) memberForget(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	u, _ := req.UserOpt("user")
	if u.Name == "" { // a mention the platform did not name: someone who left
		u.Name = mentionFor(req, u)
	}
	m, err := env.Store.MemberByPlatformID(ctx, req.Caller.GroupID, u.ID)
	if err != nil {
		return bot.Reply{}, notFound(err, bot.M("privacy.unknown_member", "Name", u.Name), nil)
	}
	if ok, _ := req.Bool("confirm"); !ok {
		line := "member forget user:" + mentionFor(req, u) + " confirm:yes"
		return forgetQuestion(req, req.T("privacy.forget.ask.member", "Name", u.Name), line), nil
	}
	return env.forget(ctx, req, m.ID, m.ID == req.Caller.MemberID)
}

// forgetQuestion asks to confirm forgetting someone, with a button that
// does it and the line to type.
func forgetQuestion(req *bot.Request, question, line string) bot.Reply {
	return bot.Reply{
		Title:     req.T("privacy.forget.ask.title"),
		Text:      question + "\n" + req.T("privacy.forget.ask.what", "Command", "/"+line),
		Tone:      bot.Warning,
		Ephemeral: true,
		Buttons:   []bot.Button{{Label: req.T("privacy.forget.button"), Action: line, Style: bot.Failure}},
	}
}

// forget forgets member memberID of the caller's group (the caller when
// self), audits it without their name, and tells the group's other leads
// which open tasks lost their assignee.
func (env *Env) forget(ctx context.Context, req *bot.Request, memberID int64, self bool) (bot.Reply, error) {
	var out *storage.Forgotten
	err := env.Store.Tx(ctx, func(tx *storage.Store) error {
		var err error
		out, err = tx.ForgetMember(ctx, req.Caller.GroupID, memberID, func(n int64) string {
			return bot.Translate(req.Caller.GroupLocale, bot.M("privacy.former_member", "Number", n))
		})
		switch {
		case errors.Is(err, storage.ErrLastLead) && self:
			return bot.Conflict(bot.M("privacy.last_lead.you"))
		case errors.Is(err, storage.ErrLastLead):
			u, _ := req.UserOpt("user")
			return bot.Conflict(bot.M("privacy.last_lead.member", "Name", u.Name))
		case err != nil:
			return notFound(err, bot.M("privacy.already_forgotten"), nil)
		}
		if err := env.audit(ctx, tx, req, "member.forget", "member", 0, "", out.Name); err != nil {
			return err
		}
		return env.tellLeads(ctx, tx, req, memberID, out)
	})
	if err != nil {
		return bot.Reply{}, err
	}
	msg := "privacy.forgotten.member"
	if self {
		msg = "privacy.forgotten.you"
	}
	reply := bot.Reply{Text: req.T(msg), Tone: bot.Success, Ephemeral: true}
	if len(out.Tasks) > 0 {
		reply.Text += "\n" + req.T("privacy.forgotten.tasks", "Count", len(out.Tasks), "Numbers", taskNumbers(out.Tasks))
	}
	return reply, nil
}

// tellLeads queues, inside tx, a notice to each of the group's leads but
// the caller (who reads the reply) that the forgotten member's open tasks
// are nobody's now.
func (env *Env) tellLeads(ctx context.Context, tx *storage.Store, req *bot.Request, forgotten int64, out *storage.Forgotten) error {
	if len(out.Tasks) == 0 {
		return nil
	}
	holders, err := tx.RoleHoldersOf(ctx, req.Caller.GroupID, nil)
	if err != nil {
		return err
	}
	var ids []int64
	for _, h := range holders {
		if h.Role == storage.RoleLead && h.MemberID != req.Caller.MemberID && h.MemberID != forgotten {
			ids = append(ids, h.MemberID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	leads, err := tx.MembersByIDs(ctx, req.Caller.GroupID, ids)
	if err != nil {
		return err
	}
	var notices []Notice
	for _, id := range ids {
		m := leads[id]
		t := readAs(req, &m).T
		notices = append(notices, Notice{
			GroupID: req.Caller.GroupID, MemberID: m.ID, Name: m.DisplayName, What: "notice of unassigned tasks",
			Reply: bot.Reply{Title: t("privacy.notice.title"), Text: t("privacy.notice.tasks", "Count", len(out.Tasks), "Numbers", taskNumbers(out.Tasks)), Tone: bot.Warning},
		})
	}
	return env.notify(ctx, tx, notices)
}

// taskNumbers writes task numbers as the task commands show them: #3, #5.
func taskNumbers(numbers []int64) string {
	parts := make([]string, len(numbers))
	for i, n := range numbers {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(parts, ", ")
}

func derefOr(s *string, or string) string {
	if s == nil {
		return or
	}
	return *s
}
