package commands

import (
	"context"
	"fmt"
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
	"America/Detroit", "America/Indiana/Indianapolis", "America/Boise", "UTC",
}

func (env *Env) setupCommand() *bot.Command {
	return &bot.Command{
		Name:        "setup",
		Description: "Set the group's jurisdiction and time zone; the first to run it becomes the lead",
		Example:     setupExample,
		Options: []bot.Option{
			{Name: "jurisdiction", Description: "The city, county or state you campaign in", Kind: bot.Text, Required: true, MaxLength: 100},
			{Name: "kind", Description: "Whether the jurisdiction is a city, county or state", Kind: bot.Choice, Required: true, Choices: bot.Choices("city", "county", "state")},
			{Name: "timezone", Description: "The IANA time zone meetings are typed in, e.g. America/Chicago", Kind: bot.Text, Required: true, MaxLength: 64},
		},
		Handler: env.setup,
	}
}

func (env *Env) setup(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	name := strings.TrimSpace(req.Str("jurisdiction"))
	tzName := strings.TrimSpace(req.Str("timezone"))
	loc, err := time.LoadLocation(tzName)
	if err != nil || tzName == "Local" || tzName == "" {
		e := bot.Invalid("timezone", bot.M("setup.bad_zone", "Zone", bot.Clip(tzName, 64)), setupExample)
		e.Suggestions = bot.Closest(tzName, commonZones, 3)
		return bot.Reply{}, e
	}
	g, err := env.Store.GroupByID(ctx, req.Caller.GroupID)
	if err != nil {
		return bot.Reply{}, err
	}
	becameLead := false
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		leads, err := tx.CountRole(ctx, g.ID, storage.RoleLead)
		if err != nil {
			return err
		}
		if leads > 0 && req.Caller.Level < bot.Lead {
			return bot.Forbidden(bot.Lead)
		}
		if leads == 0 && req.Caller.Level < bot.Lead {
			err := tx.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: req.Caller.MemberID, Role: storage.RoleLead, AssignedBy: &req.Caller.MemberID})
			if err != nil {
				return err
			}
			becameLead = true
			if err := env.audit(ctx, tx, req, "role.assign", "member", 0, "", req.User.Name+": lead"); err != nil {
				return err
			}
		}
		if err := tx.SetJurisdiction(ctx, g.ID, name, req.Str("kind"), loc.String()); err != nil {
			return err
		}
		before := fmt.Sprintf("%s (%s), %s", g.Jurisdiction, g.Kind, g.TimeZone)
		after := fmt.Sprintf("%s (%s), %s", name, req.Str("kind"), loc.String())
		return env.audit(ctx, tx, req, "setup", "group", 0, before, after)
	})
	if err != nil {
		return bot.Reply{}, err
	}
	now := req.Now.In(loc)
	reply := bot.Reply{
		Title: req.T("setup.done.title", "Name", name),
		Text:  req.T("setup.done", "Name", name, "Kind", req.Str("kind"), "Zone", loc.String(), "Now", now.Format("Mon Jan 2, 3:04 PM MST")),
		Tone:  bot.Success,
	}
	if becameLead {
		reply.Text += "\n" + req.T("setup.lead")
	}
	return reply, nil
}
