package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const (
	digestTimeExample    = "/digest time 07:30"
	digestQuietExample   = "/digest quiet off"
	digestChannelExample = "/digest channel"
)

func (env *Env) digestCommand() *bot.Command {
	return &bot.Command{
		Name: "digest",
		Subcommands: []*bot.Command{
			{
				Name:     "now",
				ReadOnly: true,
				Example:  "/digest now", Level: bot.Coordinator, Handler: env.digestNow,
			},
			{
				Name:    "time",
				Example: digestTimeExample, Level: bot.Coordinator, Handler: env.digestTime,
				Options: []bot.Option{{Name: "at", Kind: bot.Text, Required: true, MaxLength: 5}},
			},
			{
				Name:    "subscribe",
				Example: "/digest subscribe", Level: bot.Coordinator, Handler: env.digestSubscribe(true),
			},
			{
				Name:    "unsubscribe",
				Example: "/digest unsubscribe", Level: bot.Coordinator, Handler: env.digestSubscribe(false),
			},
			{
				Name:    "quiet",
				Example: digestQuietExample, Level: bot.Coordinator, Handler: env.digestQuiet,
				Options: []bot.Option{{Name: "mode", Kind: bot.Choice, Required: true, Choices: bot.Choices("on", "off")}},
			},
			{
				Name:    "channel",
				Example: digestChannelExample, Level: bot.Coordinator, Handler: env.digestChannel,
				Options: []bot.Option{
					{Name: "channel", Kind: bot.Text, MaxLength: 64},
					{Name: "off", Kind: bot.Boolean},
				},
			},
		},
	}
}

var hhmm = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`)

// ParseDigestTime reads HH:MM (24-hour) and returns it normalised to two
// digits each, or ok=false.
func ParseDigestTime(s string) (norm string, hour, minute int, ok bool) {
	m := hhmm.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", 0, 0, false
	}
	_, _ = fmt.Sscanf(m[1], "%d", &hour)
	_, _ = fmt.Sscanf(m[2], "%d", &minute)
	return fmt.Sprintf("%02d:%02d", hour, minute), hour, minute, true
}

func (env *Env) updateDigest(ctx context.Context, req *bot.Request, action, before string, change func(*storage.DigestSettings) string) error {
	return env.Store.Tx(ctx, func(tx *storage.Store) error {
		ds, err := tx.DigestSettingsOf(ctx, req.Caller.GroupID)
		if err != nil {
			return err
		}
		after := change(&ds)
		if err := tx.SaveDigestSettings(ctx, &ds); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, action, "digest", 0, before, after)
	})
}

func (env *Env) digestTime(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	at, _, _, ok := ParseDigestTime(req.Str("at"))
	if !ok {
		return bot.Reply{}, bot.Invalid("at", bot.M("digest.bad_time", "Value", bot.Clip(req.Str("at"), 20)), digestTimeExample)
	}
	err := env.updateDigest(ctx, req, "digest.time", "", func(ds *storage.DigestSettings) string { ds.SendAt = at; return at })
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{Text: req.T("digest.time_set", "At", at, "Zone", req.GroupLocation().String()), Tone: bot.Success}, nil
}

func (env *Env) digestQuiet(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	on := req.Str("mode") == "on"
	err := env.updateDigest(ctx, req, "digest.quiet", "", func(ds *storage.DigestSettings) string { ds.Quiet = on; return req.Str("mode") })
	if err != nil {
		return bot.Reply{}, err
	}
	if on {
		return bot.Reply{Text: req.T("digest.quiet_on"), Tone: bot.Success}, nil
	}
	return bot.Reply{Text: req.T("digest.quiet_off"), Tone: bot.Success}, nil
}

func (env *Env) digestChannel(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	off, _ := req.Bool("off")
	ch, err := digestChannelOf(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	if off {
		ch = ""
	} else if ch == "" {
		return bot.Reply{}, bot.Invalid("channel", bot.M("digest.no_channel"), `/digest channel channel:C0123456`)
	}
	err = env.updateDigest(ctx, req, "digest.channel", "", func(ds *storage.DigestSettings) string { ds.Channel = ch; return ch })
	if err != nil {
		return bot.Reply{}, err
	}
	if ch == "" {
		return bot.Reply{Text: req.T("digest.channel_off"), Tone: bot.Success}, nil
	}
	return bot.Reply{Text: req.T("digest.channel_set", "Channel", channelMention(req, ch)), Tone: bot.Success}, nil
}

// digestChannelOf is the channel /digest channel names: the one it is run
// in by default, else the one typed, which the platform must confirm is
// a channel of this workspace (a lead of one workspace must not have the
// bot post there into another's).
func digestChannelOf(ctx context.Context, req *bot.Request) (string, error) {
	typed := strings.TrimSpace(req.Str("channel"))
	if typed == "" {
		return req.Channel, nil
	}
	if req.Directory == nil { // the console: one workspace
		return strings.TrimPrefix(typed, "#"), nil
	}
	id, ok, err := req.Directory.Channel(ctx, req.Group, typed)
	if err != nil {
		return "", fmt.Errorf("check the digest channel: %w", err)
	}
	if !ok {
		return "", bot.Invalid("channel", bot.M("digest.foreign_channel", "Channel", bot.Clip(typed, 40)), "/digest channel")
	}
	return id, nil
}

func (env *Env) digestSubscribe(subscribed bool) bot.Handler {
	return func(ctx context.Context, req *bot.Request) (bot.Reply, error) {
		err := env.Store.Tx(ctx, func(tx *storage.Store) error {
			if err := tx.SetDigestSubscription(ctx, req.Caller.GroupID, req.Caller.MemberID, subscribed); err != nil {
				return err
			}
			return env.audit(ctx, tx, req, "digest.subscribe", "digest", 0, "", fmt.Sprint(subscribed))
		})
		if err != nil {
			return bot.Reply{}, err
		}
		ds, err := env.Store.DigestSettingsOf(ctx, req.Caller.GroupID)
		if err != nil {
			return bot.Reply{}, err
		}
		text := req.T("digest.subscribed", "At", ds.SendAt, "Zone", req.GroupLocation().String())
		if !subscribed {
			text = req.T("digest.unsubscribed")
		}
		if ds.Channel != "" {
			text += " " + req.T("digest.channel_note", "Channel", channelMention(req, ds.Channel))
		}
		return bot.Reply{Text: text, Tone: bot.Success, Ephemeral: true}, nil
	}
}

func (env *Env) digestNow(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	d, err := env.BuildDigest(ctx, req.Caller.GroupID, req.Now, req.Locale, req.Location())
	if err != nil {
		return bot.Reply{}, err
	}
	r := d.Reply
	r.Ephemeral = true
	r.Footer = req.T("digest.preview_footer")
	return r, nil
}

// Digest is one group's daily digest.
type Digest struct {
	Reply bot.Reply
	// Empty is true when there is nothing to report beyond the standing
	// next step: a quiet group skips such days.
	Empty bool
	// Failures are the delivery failures the digest reports; the job marks
	// them reported when it sends the digest.
	Failures []int64
	// Purges are the purge reports the digest shows; the job forgets them
	// when it sends the digest, so that each purge is told once.
	Purges []int64
}

// BuildDigest writes the group's digest as of now: meetings in the next 7
// days, tasks overdue or due within 48 hours by person, answers logged
// since the last digest, where the scorecard stands, deliveries that
// failed, what the nightly purge erased, and the playbook's next step.
// Each section's title counts what it lists; a section too long for the
// message ends by counting what it left out.
//
// It is written in locale with times in loc: the reader's, or for a
// channel the group's.
func (env *Env) BuildDigest(ctx context.Context, groupID int64, now time.Time, locale string, loc *time.Location) (Digest, error) {
	t := func(id string, kv ...any) string { return bot.Translate(locale, bot.M(id, kv...)) }
	g, err := env.Store.GroupByID(ctx, groupID)
	if err != nil {
		return Digest{}, err
	}
	name := g.Jurisdiction
	if name == "" {
		name = t("digest.your_group")
	}
	var d Digest
	d.Reply.Title = t("digest.title", "Name", name, "Date", bot.At(now, loc, bot.DateDay))
	d.Reply.Text = t("digest.zone", "Zone", loc.String())
	// section adds a field whose title counts its lines (or says none).
	section := func(title string, lines []string, none string) {
		value := none
		if len(lines) > 0 {
			value = fitLines(lines, bot.MaxFieldValue, func(n int) string { return t("digest.more", "Count", n) })
		}
		d.Reply.Fields = append(d.Reply.Fields, bot.Field{Name: t(title, "Count", len(lines)), Value: value})
	}
	meetings, err := env.digestMeetings(ctx, t, groupID, now, loc)
	if err != nil {
		return Digest{}, err
	}
	section("digest.meetings", meetings, t("digest.no_meetings"))
	tasks, err := env.Store.TasksDueBefore(ctx, groupID, now.Add(48*time.Hour))
	if err != nil {
		return Digest{}, err
	}
	section("digest.tasks", taskLines(t, tasks, now, loc), t("digest.no_tasks"))
	answers, err := env.digestAnswers(ctx, t, groupID, now)
	if err != nil {
		return Digest{}, err
	}
	section("digest.answers", answers, t("digest.no_answers"))
	d.Empty = len(meetings)+len(tasks)+len(answers) == 0

	score, err := env.scorecardSummary(ctx, g, locale)
	if err != nil {
		return Digest{}, err
	}
	d.Reply.Fields = append(d.Reply.Fields, bot.Field{Name: t("digest.scorecard"), Value: score})
	failures, err := env.Store.UnreportedFailures(ctx, groupID)
	if err != nil {
		return Digest{}, err
	}
	if len(failures) > 0 {
		var lines []string
		for _, f := range failures {
			lines = append(lines, t("digest.failure", "What", f.What, "To", f.Recipient, "Reason", f.Reason))
			d.Failures = append(d.Failures, f.ID)
		}
		section("digest.failures", lines, "")
		d.Empty = false
	}
	purged, ids, err := env.digestPurges(ctx, t, groupID)
	if err != nil {
		return Digest{}, err
	}
	if purged != "" {
		d.Reply.Fields = append(d.Reply.Fields, bot.Field{Name: t("retention.digest.title"), Value: purged})
		d.Purges, d.Empty = ids, false
	}
	next, err := env.nextStepOf(ctx, g, locale, loc, now)
	if err != nil {
		return Digest{}, err
	}
	d.Reply.Fields = append(d.Reply.Fields, bot.Field{Name: t("digest.next"), Value: next})
	d.Reply = d.Reply.Fit()
	return d, nil
}

// digestMeetings lists the scheduled meetings of the next 7 days.
func (env *Env) digestMeetings(ctx context.Context, t func(string, ...any) string, groupID int64, now time.Time, loc *time.Location) ([]string, error) {
	meetings, err := env.Store.UpcomingMeetings(ctx, groupID, now, now.Add(7*24*time.Hour))
	if err != nil || len(meetings) == 0 {
		return nil, err
	}
	ids := make([]int64, len(meetings))
	for i, m := range meetings {
		ids[i] = m.ID
	}
	holders, err := env.Store.RoleHoldersOf(ctx, groupID, ids)
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(meetings))
	for i, m := range meetings {
		lines[i] = digestMeetingLine(t, m, holders, loc)
	}
	return lines, nil
}

// digestAnswers lists the answers logged since the last digest (or in
// the last day, before the first).
func (env *Env) digestAnswers(ctx context.Context, t func(string, ...any) string, groupID int64, now time.Time) ([]string, error) {
	since, err := env.Store.LastDigestAt(ctx, groupID)
	if err != nil {
		return nil, err
	}
	from := now.Add(-24 * time.Hour)
	if since != nil {
		from = *since
	}
	answers, err := env.Store.AnswersSince(ctx, groupID, from)
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(answers))
	for i, a := range answers {
		lines[i] = digestAnswerLine(t, a)
	}
	return lines, nil
}

// digestMeetingLine is one upcoming meeting: when, where to gather, the
// RSVPs and who speaks, named as /meeting show names them.
func digestMeetingLine(t func(string, ...any) string, m storage.UpcomingMeeting, holders []storage.RoleHolder, loc *time.Location) string {
	what := t("meeting.kind." + string(m.Kind))
	if m.OfficialName != "" {
		what = t("meeting.with", "Kind", what, "Official", m.OfficialName)
	}
	gather := ""
	if !m.GatherAt.IsZero() && m.GatherPlace != "" {
		gather = t("digest.gather", "Time", bot.At(m.GatherAt, loc, bot.DateClock), "Place", m.GatherPlace)
	} else if !m.GatherAt.IsZero() && !m.GatherAt.Equal(m.StartsAt) {
		gather = t("digest.gather_time", "Time", bot.At(m.GatherAt, loc, bot.DateClock))
	}
	spoke := t("digest.no_spokesperson")
	if forMeeting, groupWide := spokespeople(holders, m.Number); len(forMeeting)+len(groupWide) > 0 {
		spoke = t("digest.spokesperson", "Name", spokesperson(t, holders, &m.Meeting))
	}
	return t("digest.meeting", "Number", m.Number, "What", what, "When", bot.At(m.StartsAt, loc, bot.DateList),
		"Place", m.Place, "Gather", gather, "Yes", m.Yes, "Maybe", m.Maybe, "No", m.No, "Spokesperson", spoke)
}

// taskLines lists the tasks one per line, by person (the store orders
// them by assignee; unassigned first).
func taskLines(t func(string, ...any) string, tasks []storage.DueTask, now time.Time, loc *time.Location) []string {
	lines := make([]string, 0, len(tasks))
	for _, task := range tasks {
		who := task.AssigneeName
		if who == "" {
			who = t("digest.unassigned")
		}
		when := bot.At(*task.DueAt, loc, bot.DateList)
		state := t("digest.task_due", "When", when)
		if task.DueAt.Before(now) {
			state = t("digest.task_overdue", "When", when)
		}
		lines = append(lines, who+": "+t("digest.task", "Number", task.Number, "Title", task.Title, "State", state))
	}
	return lines
}

func digestAnswerLine(t func(string, ...any) string, a storage.LoggedAnswer) string {
	rule := a.Rule
	for _, r := range Rules {
		if r.Number == a.Rule {
			rule = t("digest.rule", "Number", r.Number, "Name", t("rule."+r.Number+".name"))
		}
	}
	line := t("digest.answer", "Official", a.OfficialName, "Rule", rule, "InPlace", bot.Word(a.InPlace))
	if a.WouldSupport != "" {
		line += t("digest.would_support", "Answer", bot.Word(a.WouldSupport))
	}
	return line
}
