package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// scriptRoles are the campaign roles that have a script, with the number
// of steps each has in the catalog (guide.script.<role>.<n>).
var scriptRoles = []struct {
	role  storage.Role
	steps int
}{
	{storage.RoleScheduler, 7}, {storage.RoleSpokesperson, 8}, {storage.RoleReporter, 4}, {storage.RoleInviter, 3},
	{storage.RoleEventPoster, 2}, {storage.RoleAttendanceKeeper, 2}, {storage.RoleNoteTaker, 2},
}

func (env *Env) guideCommand() *bot.Command {
	roles := make([]storage.Role, len(scriptRoles))
	for i, r := range scriptRoles {
		roles[i] = r.role
	}
	return &bot.Command{
		Name:    "guide",
		Example: "/guide role:spokesperson",
		Options: []bot.Option{
			{Name: "show", Kind: bot.Choice, Choices: bot.Choices("stages", "tactics"), Positional: true},
			{Name: "role", Kind: bot.Choice, Choices: bot.Choices(roles...)},
		},
		ReadOnly: true,
		Handler:  env.guide,
	}
}

// stage is one step of the guide's playbook; done reads the group's data.
type stage struct {
	id   string
	done func(p *storage.Progress) bool
}

var stages = []stage{
	{"organize", func(p *storage.Progress) bool { return p.FirstOrganizing != nil && p.CampaignRoles }},
	{"schedule", func(p *storage.Progress) bool { return p.LawEnforcement != nil }},
	{"ask", func(p *storage.Progress) bool { return p.FullyAnswered }},
	{"report", func(p *storage.Progress) bool { return p.ReportFiled }},
	{"follow-up", func(p *storage.Progress) bool { return p.FollowUpHeld }},
	{"targets", func(p *storage.Progress) bool { return p.TacticTasks }},
	{"tactics", func(p *storage.Progress) bool { return p.TacticTaskDone }},
}

func (env *Env) guide(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	if role := req.Str("role"); role != "" {
		form, err := env.reportForm(ctx, req)
		if err != nil {
			return bot.Reply{}, err
		}
		return roleScript(req.Locale, storage.Role(role), req.Caller, form), nil
	}
	if req.Str("show") == "tactics" {
		return guideTactics(req), nil
	}
	if req.Caller.GroupName == "" {
		return bot.Reply{Title: req.T("guide.setup.title"), Text: req.T("guide.setup", "Example", setupExample)}, nil
	}
	g, err := env.Store.GroupByID(ctx, req.Caller.GroupID)
	if err != nil {
		return bot.Reply{}, err
	}
	p, err := env.Store.Progress(ctx, g.ID, req.Now)
	if err != nil {
		return bot.Reply{}, err
	}
	where := place(req)
	reply := bot.Reply{Title: placeText(req.Locale, where, bot.M("guide.title", "Place", where)), Footer: req.T("guide.footer")}
	reached := furthest(p)
	for i, s := range stages {
		mark, state := "✅", req.T("guide.done")
		switch {
		case i <= reached:
		case i == reached+1:
			mark, state = "▶️", req.T("guide.current")
		default:
			mark, state = "⬜", req.T("guide.todo")
		}
		line := fmt.Sprintf("%s %d. %s (%s)", mark, i+1, req.T("guide.stage."+s.id), state)
		if s.id == "schedule" && i <= reached && late(p) {
			line += " " + req.T("guide.late")
		}
		reply.Items = append(reply.Items, line)
	}
	next, err := env.nextStep(ctx, g, req.Locale, req.Location(), p, req.Now)
	if err != nil {
		return bot.Reply{}, err
	}
	reply.Fields = []bot.Field{{Name: req.T("guide.next"), Value: next}}
	if reached == len(stages)-1 {
		reply.Tone = bot.Success
	}
	return reply, nil
}

// furthest is the index of the furthest stage the group has reached, -1
// for none. A later stage done implies the earlier ones: a group that met
// its sheriff has, whatever the bot saw, organized.
func furthest(p *storage.Progress) int {
	reached := -1
	for i, s := range stages {
		if s.done(p) {
			reached = i
		}
	}
	return reached
}

// late reports whether the law-enforcement meeting came more than two
// weeks after the first organizing meeting.
func late(p *storage.Progress) bool {
	return p.FirstOrganizing != nil && p.LawEnforcement != nil &&
		p.LawEnforcement.StartsAt.Sub(p.FirstOrganizing.StartsAt) > 14*24*time.Hour
}

// NextStep is the one next thing the group should do, in locale, read from
// its data; the daily digest includes it.
func (env *Env) NextStep(ctx context.Context, groupID int64, locale string, now time.Time) (string, error) {
	g, err := env.Store.GroupByID(ctx, groupID)
	if err != nil {
		return "", err
	}
	return env.nextStepOf(ctx, g, locale, g.Location(), now)
}

// nextStepOf is NextStep for a group already read, with times in loc.
func (env *Env) nextStepOf(ctx context.Context, g *storage.Group, locale string, loc *time.Location, now time.Time) (string, error) {
	if g.Jurisdiction == "" {
		return bot.Translate(locale, bot.M("guide.setup", "Example", setupExample)), nil
	}
	p, err := env.Store.Progress(ctx, g.ID, now)
	if err != nil {
		return "", err
	}
	return env.nextStep(ctx, g, locale, loc, p, now)
}

// nextStep words the first stage after the furthest one reached, with
// times in loc.
func (env *Env) nextStep(ctx context.Context, g *storage.Group, locale string, loc *time.Location, p *storage.Progress, now time.Time) (string, error) {
	t := func(id string, kv ...any) string { return bot.Translate(locale, bot.M(id, kv...)) }
	groupID := g.ID
	officialName := func(m *storage.Meeting) (string, error) {
		if m.OfficialID == nil {
			return env.chiefOfficer(ctx, groupID)
		}
		o, err := env.Store.OfficialByID(ctx, groupID, *m.OfficialID)
		if err != nil {
			return "", err
		}
		return o.Name, nil
	}
	next := furthest(p) + 1
	if next == len(stages) {
		return t("guide.all_done"), nil
	}
	switch stages[next].id {
	case "organize":
		if p.FirstOrganizing == nil {
			return t("guide.next.organize-meeting"), nil
		}
		return t("guide.next.organize-roles"), nil
	case "schedule":
		name, err := env.chiefOfficer(ctx, groupID)
		if err != nil {
			return "", err
		}
		return t("guide.next.schedule", "Official", name), nil
	case "ask":
		if p.LawEnforcement == nil {
			name, err := env.chiefOfficer(ctx, groupID)
			if err != nil {
				return "", err
			}
			return t("guide.next.ask-call", "Official", name), nil
		}
		name, err := officialName(p.LawEnforcement)
		if err != nil {
			return "", err
		}
		if !p.LawEnforcementHeld && p.LawEnforcement.StartsAt.After(now) {
			return t("guide.next.ask-hold", "Official", name, "When", FormatTime(p.LawEnforcement.StartsAt, loc), "Experts", expertsContact), nil
		}
		return t("guide.next.ask-log", "Official", name, "Number", p.LawEnforcement.Number), nil
	case "report":
		switch {
		case p.Unfiled != nil:
			return t("guide.next.report", "Number", p.Unfiled.Number, "Form", reportFormOf(g)), nil
		case p.LawEnforcement != nil && !p.LawEnforcementHeld:
			name, err := officialName(p.LawEnforcement)
			if err != nil {
				return "", err
			}
			return t("guide.next.report-after", "Number", p.LawEnforcement.Number, "Official", name,
				"When", FormatTime(p.LawEnforcement.StartsAt, loc), "Form", reportFormOf(g)), nil
		}
		return t("guide.next.report-none", "Form", reportFormOf(g)), nil
	case "follow-up":
		if p.FollowUp != nil {
			return t("guide.next.follow-up-hold", "Number", p.FollowUp.Number, "When", FormatTime(p.FollowUp.StartsAt, loc), "Map", eventsMap), nil
		}
		from := now
		if p.FirstOrganizing != nil {
			from = p.FirstOrganizing.StartsAt.Add(14 * 24 * time.Hour)
		}
		if from.Before(now) {
			from = now.Add(24 * time.Hour)
		}
		d := from.In(loc)
		// When is typed into a command: the English form, which every
		// language reads.
		return t("guide.next.follow-up", "Date", bot.At(d, loc, bot.DateDay), "When", strings.ToLower(d.Format("Jan 2"))+" 7pm", "Map", eventsMap), nil
	case "targets":
		return t("guide.next.targets"), nil
	default: // "tactics"
		return t("guide.next.tactics", "Map", eventsMap), nil
	}
}

// guideTactics lists the guide's tactics with when each fits.
func guideTactics(req *bot.Request) bot.Reply {
	reply := bot.Reply{Title: req.T("guide.tactics.title"), Text: req.T("guide.tactics.intro")}
	for _, t := range Tactics {
		reply.Items = append(reply.Items, req.T("guide.tactics.line", "Name", t.Name, "Description", t.Description(req.Locale), "When", req.T("tactic."+t.Name+".when")))
	}
	return reply
}

// chiefOfficer names the group's chief law-enforcement officer for ready
// commands: its sheriff or police chief (else precinct commander), or a
// placeholder until one is added.
func (env *Env) chiefOfficer(ctx context.Context, groupID int64) (string, error) {
	o, err := env.Store.FirstOfficialOf(ctx, groupID, storage.OfficeSheriff, storage.OfficePoliceChief, storage.OfficePrecinctCommander)
	if err != nil || o == nil {
		return "Sheriff Roe", err
	}
	return o.Name, nil
}

// roleScript is a role's part, in the group's words (group is the caller
// of the request, whose group's jurisdiction the script names), in the
// reader's locale. The guide's own addresses (the experts' email, the
// report form, the events map) are filled in where a step names them.
func roleScript(locale string, role storage.Role, group bot.Caller, form string) bot.Reply {
	where := placeName(locale, group.GroupName, group.GroupKind)
	reply := bot.Reply{
		Title:  placeText(locale, where, bot.M("guide.role.title", "Role", roleName(role), "Place", where)),
		Footer: bot.Translate(locale, bot.M("guide.role.footer")),
	}
	for _, r := range scriptRoles {
		if r.role != role {
			continue
		}
		for i := 1; i <= r.steps; i++ {
			reply.Items = append(reply.Items, placeText(locale, where, bot.M(fmt.Sprintf("guide.script.%s.%d", role, i),
				"Place", where, "Experts", expertsContact, "Map", eventsMap, "Form", form)))
		}
	}
	return reply
}
