package commands

import (
	"context"
	"errors"
	"strings"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// guideReportForm is the report-back form the action guide gives; a lead
// can name the group's own with /setup report-form:URL.
const guideReportForm = "https://docs.google.com/a/bernalalto.com/forms/d/e/1FAIpQLSfj3sSBR2LMtsouzU0EejtaiGovxSGeernpiGTakTY_IF1xew/viewform"

// expertsContact is where the guide sends officials who want a policy or
// legal expert.
const expertsContact = "info@peoplepower.org"

// eventsMap is where the guide asks groups to post their meetings and
// tactics.
const eventsMap = "map.peoplepower.org"

const (
	reportExample     = "/report meeting:3"
	reportFileExample = "/report meeting:3 filed:yes"
)

func (env *Env) reportCommand() *bot.Command {
	return &bot.Command{
		Name:    "report",
		Example: reportExample,
		Options: []bot.Option{
			{Name: "meeting", Kind: bot.Integer, Required: true, Min: 1, Max: maxNumber, Autocomplete: "meeting"},
			{Name: "filed", Kind: bot.Boolean},
		},
		Handler: env.report,
	}
}

// report shows a meeting's report-back: viewing changes nothing. With
// filed:yes it records that the report was filed, for a meeting that took
// place, by someone who may record its outcome.
func (env *Env) report(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	n, _ := req.Int("meeting")
	r, err := env.Store.MeetingReport(ctx, req.Caller.GroupID, n)
	if err != nil {
		return bot.Reply{}, notFound(err, bot.M("meeting.not_found", "Number", n), nil)
	}
	m := &r.Meeting
	if file, _ := req.Bool("filed"); file {
		if err := env.fileReport(ctx, req, m); err != nil {
			return bot.Reply{}, err
		}
	}
	reply, err := env.reportReply(ctx, req, r)
	if err != nil {
		return bot.Reply{}, err
	}
	if file, _ := req.Bool("filed"); file {
		reply.Tone = bot.Success
		reply.Text = req.T("report.filed_now", "Number", m.Number) + "\n" + reply.Text
	}
	return reply, nil
}

// fileReport records that the caller filed m's report-back.
func (env *Env) fileReport(ctx context.Context, req *bot.Request, m *storage.Meeting) error {
	switch {
	case m.Status == storage.MeetingCancelled:
		return bot.Conflict(bot.M("report.file_cancelled", "Number", m.Number))
	case !m.TookPlace(req.Now):
		return bot.Conflict(bot.M("report.file_early", "Number", m.Number, "When", FormatTime(m.StartsAt, req.Location())))
	case m.ReportFiledAt != nil:
		by, err := env.memberName(ctx, req, m.ReportFiledBy)
		if err != nil {
			return err
		}
		return bot.Conflict(bot.M("report.already_filed", "Number", m.Number, "Name", by, "When", FormatTime(*m.ReportFiledAt, req.Location())))
	}
	if err := env.mayRecord(ctx, req, m, "report.file_forbidden"); err != nil {
		return err
	}
	err := env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.FileReport(ctx, m, req.Caller.MemberID); err != nil {
			if errors.Is(err, storage.ErrDuplicate) {
				return bot.Conflict(bot.M("meeting.changed_meanwhile", "Number", m.Number))
			}
			return err
		}
		return env.audit(ctx, tx, req, "report.file", "meeting", m.Number, "", "filed")
	})
	return err
}

// reportReply is the report-back's text: who met whom, when, who came,
// the official's answers given at that meeting, and where to file it.
func (env *Env) reportReply(ctx context.Context, req *bot.Request, r *storage.MeetingReport) (bot.Reply, error) {
	m := r.Meeting
	loc := req.Location()
	where := place(req)
	residents := placeText(req.Locale, where, bot.M("report.residents", "Place", where))
	var lines []string
	if r.Official != nil {
		lines = append(lines, req.T("report.who", "Group", residents, "Official", r.Official.Name, "Office", officeLabel(req, r.Official.Office)))
	} else {
		lines = append(lines, req.T("report.who_none", "Group", residents, "Kind", kindLabel(req, m.Kind)))
	}
	lines = append(lines, req.T("report.when", "When", FormatTime(m.StartsAt, loc), "Place", m.Place))
	if !m.TookPlace(req.Now) {
		lines = append(lines, req.T("report.status_not_held", "Status", statusLabel(req, &m)))
	}
	if came := int64(len(r.Attended)) + m.UnlinkedCame; came > 0 {
		lines = append(lines, req.T("report.attended", "Count", came, "Names", withUnnamed(req.T, r.Attended, m.UnlinkedCame, 600)))
	} else {
		lines = append(lines, req.T("report.attended_none", "Number", m.Number))
	}
	reply := bot.Reply{Title: req.T("report.title", "Number", m.Number), Text: strings.Join(lines, "\n")}
	if r.Official != nil {
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
				"InPlace", bot.Upper(bot.Word(a.InPlace)), "Support", bot.Upper(bot.Word(a.WouldSupport))))
			if dodges(a) {
				evasive = append(evasive, "#"+rule.Number)
			}
		}
		if len(evasive) > 0 {
			answers = append(answers, req.T("report.evasive", "Rules", strings.Join(evasive, ", ")))
		} else if len(r.Answers) > 0 {
			answers = append(answers, req.T("report.no_evasion"))
		}
		reply.Fields = []bot.Field{{Name: req.T("report.answers"), Value: strings.Join(answers, "\n")}}
	}
	form, err := env.reportForm(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	if m.ReportFiledAt != nil {
		by, err := env.memberName(ctx, req, m.ReportFiledBy)
		if err != nil {
			return bot.Reply{}, err
		}
		reply.Footer = req.T("report.filed_by", "Name", by, "When", FormatTime(*m.ReportFiledAt, loc), "Form", form)
	} else {
		reply.Footer = req.T("report.to_file", "Form", form, "Number", m.Number)
	}
	return reply, nil
}

// reportForm is the address of the group's report-back form.
func (env *Env) reportForm(ctx context.Context, req *bot.Request) (string, error) {
	g, err := env.Store.GroupByID(ctx, req.Caller.GroupID)
	if err != nil {
		return "", err
	}
	return reportFormOf(g), nil
}

// reportFormOf is the group's report-back form: its own, or the guide's.
func reportFormOf(g *storage.Group) string {
	if g.ReportForm != "" {
		return g.ReportForm
	}
	return guideReportForm
}
