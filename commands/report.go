package commands

import (
	"context"
	"strings"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

func (env *Env) reportCommand() *bot.Command {
	return &bot.Command{
		Name:        "report",
		Description: "The report-back for a meeting: who met whom, when, who came, every answer; ready to paste",
		Example:     "/report meeting:3",
		Options: []bot.Option{
			{Name: "meeting", Description: "The meeting's number", Kind: bot.Integer, Required: true, Autocomplete: "meeting"},
		},
		Handler: env.report,
	}
}

func (env *Env) report(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	n, _ := req.Int("meeting")
	r, err := env.Store.MeetingReport(ctx, req.Caller.GroupID, n)
	if err != nil {
		return bot.Reply{}, notFound(err, bot.M("meeting.not_found", "Number", n), nil)
	}
	m := r.Meeting
	loc := req.Location()
	var lines []string
	if r.Official != nil {
		lines = append(lines, req.T("report.who", "Group", place(req)+" residents", "Official", r.Official.Name, "Office", r.Official.Office))
	} else {
		lines = append(lines, req.T("report.who_none", "Group", place(req)+" residents", "Kind", m.Kind))
	}
	lines = append(lines, req.T("report.when", "When", FormatTime(m.StartsAt, loc), "Place", m.Place))
	if m.Status != storage.MeetingHeld {
		lines = append(lines, req.T("report.status_not_held", "Status", m.Status))
	}
	if len(r.Attended) > 0 {
		lines = append(lines, req.T("report.attended", "Count", len(r.Attended), "Names", strings.Join(r.Attended, ", ")))
	} else {
		lines = append(lines, req.T("report.attended_none", "Number", m.Number))
	}
	var answers, evasive []string
	for _, rule := range Rules {
		a, ok := r.Answers[rule.Number]
		if !ok {
			if rule.Number != "1373" {
				answers = append(answers, req.T("report.not_asked", "Rule", rule.Number, "Name", rule.Name(req.Locale)))
			}
			continue
		}
		answers = append(answers, req.T("report.answer", "Rule", rule.Number, "Name", rule.Name(req.Locale),
			"InPlace", strings.ToUpper(a.InPlace), "Support", strings.ToUpper(a.WouldSupport)))
		if a.InPlace == "evasive" || a.WouldSupport == "evasive" {
			evasive = append(evasive, "#"+rule.Number)
		}
	}
	if len(evasive) > 0 {
		answers = append(answers, req.T("report.evasive", "Rules", strings.Join(evasive, ", ")))
	} else {
		answers = append(answers, req.T("report.no_evasion"))
	}
	err = env.audit(ctx, env.Store, req, storage.ActionReportFiled, "meeting", m.Number, "", "")
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{
		Title:  req.T("report.title", "Number", m.Number),
		Text:   strings.Join(lines, "\n"),
		Fields: []bot.Field{{Name: req.T("report.answers"), Value: strings.Join(answers, "\n")}},
	}, nil
}
