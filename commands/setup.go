package commands

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const setupExample = `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`

// commonZones are suggested when a time zone is not recognised.
var commonZones = []string{
	"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico",
	"America/Detroit", "America/Indiana/Indianapolis", "America/Boise", "America/Mexico_City", "UTC",
}

func (env *Env) setupCommand() *bot.Command {
	return &bot.Command{
		Name:    "setup",
		Example: setupExample,
		Options: []bot.Option{
			{Name: "jurisdiction", Kind: bot.Text, MaxLength: 100, Positional: true},
			{Name: "kind", Kind: bot.Choice, Choices: bot.Choices(jurisdictionKinds...), Positional: true},
			{Name: "timezone", Kind: bot.Text, MaxLength: 64, Positional: true},
			{Name: "report-form", Kind: bot.Text, MaxLength: 300},
			{Name: "language", Kind: bot.Choice, Choices: bot.Choices(catalogLanguages()...)},
			// Checked by setupValuesOf, whose refusal gives its own example.
			{Name: "retention", Kind: bot.Integer},
		},
		Handler: env.setup,
	}
}

// setup sets the group up the first time (jurisdiction, kind and time zone
// are needed then; the caller becomes its first lead) and lets a lead
// change any of them, or the report form, later.
func (env *Env) setup(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	g, err := env.Store.GroupByID(ctx, req.Caller.GroupID)
	if err != nil {
		return bot.Reply{}, err
	}
	v, err := setupValuesOf(req, g)
	if err != nil {
		return bot.Reply{}, err
	}
	becameLead := false
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		// One /setup at a time per group: of two first ones, exactly one
		// makes its caller the lead; the other then finds a lead.
		if err := tx.LockGroup(ctx, g.ID); err != nil {
			return err
		}
		leads, err := tx.CountRole(ctx, g.ID, storage.RoleLead)
		if err != nil {
			return err
		}
		if leads > 0 && req.Caller.Level < bot.Lead {
			return env.onlyLeads(ctx, tx, req, g)
		}
		if leads == 0 {
			// The first to set the group up is its lead, and is recorded as
			// one even when the platform already counts them as a lead: a
			// group that is set up always has a stored lead.
			err := tx.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: req.Caller.MemberID, Role: storage.RoleLead, AssignedBy: &req.Caller.MemberID})
			if err != nil {
				return err
			}
			becameLead = true
			if err := env.audit(ctx, tx, req, "role.assign", "member", 0, "", req.User.Name+": lead"); err != nil {
				return err
			}
		}
		return env.saveSetup(ctx, tx, req, g, v)
	})
	if err != nil {
		return bot.Reply{}, err
	}
	if v.language != "" && req.Caller.FollowsGroup {
		// They read the group's language, which is now the new one.
		req.Locale = v.language
	}
	reply := bot.Reply{
		Title: req.T("setup.done.title", "Name", v.name),
		Text:  req.T("setup.done", "Name", v.name, "Kind", bot.Word(v.kind), "Zone", v.zone, "Now", bot.At(req.Now, v.loc, bot.DateZone)),
		Tone:  bot.Success,
	}
	if v.formGiven {
		reply.Text += "\n" + req.T("setup.report_form", "Form", reportFormOf(&storage.Group{ReportForm: v.form}))
	}
	if v.language != "" {
		reply.Text += "\n" + req.T("setup.language", "Language", req.T("me.language."+v.language))
	}
	reply.Text += "\n" + req.T("setup.retention", "Days", v.retention)
	if becameLead {
		reply.Text += "\n" + req.T("setup.lead")
	}
	return reply, nil
}

// onlyLeads refuses a /setup by someone who is not a lead of a group that
// has one, naming its leads.
func (env *Env) onlyLeads(ctx context.Context, tx *storage.Store, req *bot.Request, g *storage.Group) error {
	holders, err := tx.RoleHolders(ctx, g.ID, nil)
	if err != nil {
		return err
	}
	var leads []string
	for _, h := range holders {
		if h.Role == storage.RoleLead {
			leads = append(leads, h.DisplayName)
		}
	}
	name := g.Jurisdiction
	if now, err := tx.GroupByID(ctx, g.ID); err == nil && now.Jurisdiction != "" {
		name = now.Jurisdiction // set up meanwhile by the winner of a race
	}
	return &bot.Error{Kind: bot.KindForbidden, Need: bot.Lead, Msg: bot.M("setup.has_lead", "Name", name, "Leads", fitNames(req.T, "", leads, 200))}
}

// setupValues is what /setup sets: the group's current settings with the
// options given over them.
type setupValues struct {
	name, kind, zone string
	loc              *time.Location
	form             string
	formGiven        bool
	language         string // "" when not given
	retention        int    // days: the group's, or the option's
	retentionGiven   bool
}

// setupValuesOf reads and checks /setup's options over the group's
// current settings; the first /setup needs jurisdiction, kind and zone.
func setupValuesOf(req *bot.Request, g *storage.Group) (setupValues, error) {
	v := setupValues{name: g.Jurisdiction, kind: g.Kind, zone: g.TimeZone, loc: g.Location(), form: g.ReportForm, formGiven: req.Has("report-form"),
		retention: g.RetentionDays, retentionGiven: req.Has("retention")}
	if g.Jurisdiction == "" {
		for _, o := range []string{"jurisdiction", "kind", "timezone"} {
			if !req.Has(o) {
				return v, bot.Invalid(o, bot.M("setup.first_needs", "Name", o), setupExample)
			}
		}
	} else if !req.Has("jurisdiction") && !req.Has("kind") && !req.Has("timezone") && !v.formGiven && !req.Has("language") && !v.retentionGiven {
		return v, bot.Invalid("jurisdiction", bot.M("setup.nothing", "Name", g.Jurisdiction), `/setup report-form:https://forms.example.org/report`)
	}
	if req.Has("jurisdiction") {
		v.name = strings.TrimSpace(req.Str("jurisdiction"))
	}
	if req.Has("kind") {
		v.kind = req.Str("kind")
	}
	v.language = req.Str("language")
	if req.Has("timezone") {
		tzName := strings.TrimSpace(req.Str("timezone"))
		loc, err := time.LoadLocation(tzName)
		if err != nil || tzName == "Local" || tzName == "" {
			e := bot.Invalid("timezone", bot.M("setup.bad_zone", "Zone", bot.Clip(tzName, 64)), setupExample)
			e.Suggestions = bot.Closest(tzName, commonZones, 3)
			return v, e
		}
		v.loc, v.zone = loc, loc.String()
	}
	if v.formGiven {
		form, err := reportFormURL(req.Str("report-form"))
		if err != nil {
			return v, err
		}
		v.form = form
	}
	if v.retentionGiven {
		days, _ := req.Int("retention")
		if days < minRetentionDays || days > maxRetentionDays {
			return v, bot.Invalid("retention", bot.M("setup.retention.bad", "Value", days, "Min", minRetentionDays, "Max", maxRetentionDays), retentionExample)
		}
		v.retention = int(days)
	}
	return v, nil
}

// saveSetup writes the group's settings and audits the change.
func (env *Env) saveSetup(ctx context.Context, tx *storage.Store, req *bot.Request, g *storage.Group, v setupValues) error {
	if err := tx.SetJurisdiction(ctx, g.ID, v.name, v.kind, v.zone); err != nil {
		return err
	}
	before := fmt.Sprintf("%s (%s), %s", g.Jurisdiction, g.Kind, g.TimeZone)
	after := fmt.Sprintf("%s (%s), %s", v.name, v.kind, v.zone)
	if v.formGiven {
		if err := tx.SetReportForm(ctx, g.ID, v.form); err != nil {
			return err
		}
		before += "; report form " + g.ReportForm
		after += "; report form " + v.form
	}
	if v.language != "" {
		if err := tx.SetGroupLanguage(ctx, g.ID, v.language); err != nil {
			return err
		}
		before += "; language " + g.Language
		after += "; language " + v.language
	}
	if v.retentionGiven {
		if err := tx.SetRetention(ctx, g.ID, v.retention); err != nil {
			return err
		}
		before += fmt.Sprintf("; retention %d days", g.RetentionDays)
		after += fmt.Sprintf("; retention %d days", v.retention)
	}
	return env.audit(ctx, tx, req, "setup", "group", 0, before, after)
}

// reportFormURL checks a report form's address: an https URL with a host,
// or "none" for the guide's own form ("" is stored).
func reportFormURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if strings.EqualFold(raw, clearWord) {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(raw, " \t\n") {
		return "", bot.Invalid("report-form", bot.M("setup.bad_form", "Value", bot.Clip(raw, 60)), `/setup report-form:https://forms.example.org/report`)
	}
	return u.String(), nil
}
