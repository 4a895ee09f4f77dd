package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

const (
	// gatherBefore is how early the guide says to gather: "20 minutes
	// before your meeting time at a location near the office".
	gatherBefore = 20 * time.Minute
	// withinTwoWeeks is how soon the guide wants the law-enforcement
	// meeting, and how long after it the follow-up organizing meeting.
	withinTwoWeeks = 14 * 24 * time.Hour
	// followUpHour is the local hour suggested for the follow-up meeting.
	followUpHour = 18
	// clashWindow is how close two meetings may start before the bot
	// warns that they clash.
	clashWindow = 2 * time.Hour

	meetingsPerPage = 10

	meetingScheduleExample   = `/meeting schedule when:"next tuesday 12:30" where:"Public Library"`
	meetingRecordExample     = `/meeting record when:"nov 20 7pm" where:"Public Library" kind:organizing`
	meetingListExample       = `/meeting list which:past`
	meetingShowExample       = `/meeting show 3`
	meetingRSVPExample       = `/meeting rsvp 3 yes`
	meetingAttendanceExample = `/meeting attendance 3 @alex @sam`
	meetingRescheduleExample = `/meeting reschedule 3 when:"next wednesday 12:30"`
	meetingCancelExample     = `/meeting cancel 3`
	meetingHeldExample       = `/meeting held 3`
)

// meetingIDOption is the required first option naming a meeting.
func meetingIDOption() bot.Option {
	return bot.Option{Name: "id", Kind: bot.Integer, Required: true, Min: 1, Max: maxNumber, Autocomplete: "meeting"}
}

// Anyone may schedule a meeting and answer an invitation. Rescheduling,
// cancelling and marking held belong to the member who scheduled the
// meeting and to coordinators and leads; attendance to coordinators,
// leads and the attendance-keeper (group-wide or for that meeting).
func (env *Env) meetingCommand() *bot.Command {
	return &bot.Command{
		Name: "meeting",
		Subcommands: []*bot.Command{
			{
				Name:    "schedule",
				Example: meetingScheduleExample,
				Options: []bot.Option{
					{Name: "when", Kind: bot.Time, Required: true, MaxLength: 100},
					{Name: "where", Kind: bot.Text, Required: true, MaxLength: 200, NoContact: true},
					{Name: "official", Kind: bot.Text, MaxLength: 100, Autocomplete: "official"},
					{Name: "kind", Kind: bot.Choice, Choices: bot.Choices(storage.MeetingKinds...)},
					{Name: "gather", Kind: bot.Text, MaxLength: 200, NoContact: true},
					{Name: "gather-at", Kind: bot.Time, MaxLength: 100},
					{Name: "capacity", Kind: bot.Integer, Min: 1, Max: 100000},
				},
				Handler: env.meetingSchedule,
			},
			{
				Name:    "record",
				Example: meetingRecordExample,
				Options: []bot.Option{
					{Name: "when", Kind: bot.Time, Required: true, MaxLength: 100},
					{Name: "where", Kind: bot.Text, Required: true, MaxLength: 200, NoContact: true},
					{Name: "kind", Kind: bot.Choice, Choices: bot.Choices(storage.MeetingKinds...)},
					{Name: "official", Kind: bot.Text, MaxLength: 100, Autocomplete: "official"},
				},
				Handler: env.meetingRecord,
			},
			{
				Name:    "list",
				Example: meetingListExample,
				Options: []bot.Option{
					{Name: "which", Kind: bot.Choice, Choices: bot.Choices(storage.MeetingsUpcoming, storage.MeetingsPast, storage.MeetingsCancelled, storage.MeetingsAll), Positional: true},
					pageOption(),
				},
				ReadOnly: true,
				Handler:  env.meetingList,
			},
			{
				Name:    "show",
				Example: meetingShowExample,
				Options: []bot.Option{
					meetingIDOption(),
					{Name: "ics", Kind: bot.Boolean},
				},
				ReadOnly: true,
				Handler:  env.meetingShow,
			},
			{
				Name:    "rsvp",
				Example: meetingRSVPExample,
				Options: []bot.Option{
					meetingIDOption(),
					{Name: "answer", Kind: bot.Choice, Required: true, Choices: bot.Choices("yes", "no", "maybe")},
				},
				// The most frequent change: the replay guard commits with it.
				OneCommit: true,
				Handler:   env.meetingRSVP,
			},
			{
				Name:    "attendance",
				Example: meetingAttendanceExample,
				Options: []bot.Option{
					meetingIDOption(),
					{Name: "users", Kind: bot.Users, Required: true},
				},
				Handler: env.meetingAttendance,
			},
			{
				Name:    "reschedule",
				Example: meetingRescheduleExample,
				Options: []bot.Option{
					meetingIDOption(),
					{Name: "when", Kind: bot.Time, Required: true, MaxLength: 100},
				},
				Handler: env.meetingReschedule,
			},
			{
				Name:    "cancel",
				Example: meetingCancelExample,
				Options: []bot.Option{meetingIDOption()},
				Handler: env.meetingCancel,
			},
			{
				Name:    "held",
				Example: meetingHeldExample,
				Options: []bot.Option{meetingIDOption()},
				Handler: env.meetingHeld,
			},
		},
	}
}

// parseWhen reads a time option and refuses unreadable and past times,
// showing a working example.
func parseWhen(req *bot.Request, field, example string) (time.Time, error) {
	t, err := ParseTime(req.Str(field), req.Now, req.GroupLocation())
	if err != nil {
		return time.Time{}, timeError(field, req.Str(field), err, example)
	}
	if !t.After(req.Now) {
		return time.Time{}, bot.Invalid(field, bot.M("meeting.past", "Field", field, "When", FormatTime(t, req.Location())), example)
	}
	return t, nil
}

// clockOnly matches a bare time of day ("12:10pm", "noon", "17:40"), which
// in gather-at means that time on the meeting's day.
var clockOnly = regexp.MustCompile(`^(\d{1,2})(?::(\d\d))?\s*(am|pm|a\.m\.|p\.m\.)?$`)

// parseGatherAt reads gather-at: a bare time of day is on the meeting's
// day; anything else is read like when.
func parseGatherAt(req *bot.Request, start time.Time) (time.Time, error) {
	text := strings.ToLower(strings.TrimSpace(req.Str("gather-at")))
	loc := req.GroupLocation()
	day := start.In(loc)
	if text == "noon" {
		text = "12pm"
	}
	if m := clockOnly.FindStringSubmatch(text); m != nil {
		h, _ := strconv.Atoi(m[1])
		mins, _ := strconv.Atoi(m[2]) // "" reads as 0
		pm, suffix := strings.HasPrefix(m[3], "p"), m[3] != ""
		if mins > 59 || (suffix && (h < 1 || h > 12)) || (!suffix && h > 23) {
			return time.Time{}, timeError("gather-at", req.Str("gather-at"), errUnreadableTime, meetingScheduleExample+" gather-at:12:10pm")
		}
		switch {
		case suffix && pm && h < 12:
			h += 12
		case suffix && !pm && h == 12:
			h = 0
		}
		return time.Date(day.Year(), day.Month(), day.Day(), h, mins, 0, 0, loc), nil
	}
	t, err := ParseTime(req.Str("gather-at"), req.Now, loc)
	if err != nil {
		return time.Time{}, timeError("gather-at", req.Str("gather-at"), err, meetingScheduleExample+" gather-at:12:10pm")
	}
	return t, nil
}

// meetingBasics reads what scheduling and recording a meeting share: the
// place, the official, and the kind (law-enforcement when an official is
// given, organizing otherwise; a law-enforcement meeting needs one).
func (env *Env) meetingBasics(ctx context.Context, req *bot.Request, example string) (*storage.Meeting, *storage.Official, error) {
	m := &storage.Meeting{
		GroupID:   req.Caller.GroupID,
		Place:     req.Str("where"),
		Kind:      storage.MeetingKind(req.Str("kind")),
		CreatedBy: &req.Caller.MemberID,
	}
	var official *storage.Official
	if req.Has("official") {
		var err error
		if official, err = env.official(ctx, req, req.Str("official")); err != nil {
			return nil, nil, withExample(err, example)
		}
		m.OfficialID = &official.ID
	}
	switch {
	case m.Kind == "" && official != nil:
		m.Kind = storage.KindLawEnforcement
	case m.Kind == "":
		m.Kind = storage.KindOrganizing
	case m.Kind == storage.KindLawEnforcement && official == nil:
		return nil, nil, bot.Invalid("official", bot.M("meeting.needs_official"), `/`+req.Command.Path()+` when:"next tuesday 12:30" where:"Sheriff's Office" official:"Jane Roe"`)
	}
	return m, official, nil
}

func (env *Env) meetingSchedule(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	loc := req.Location()
	start, err := parseWhen(req, "when", meetingScheduleExample)
	if err != nil {
		return bot.Reply{}, err
	}
	m, official, err := env.meetingBasics(ctx, req, meetingScheduleExample)
	if err != nil {
		return bot.Reply{}, err
	}
	m.StartsAt, m.GatherAt = start.UTC(), start.Add(-gatherBefore).UTC()
	if req.Has("gather-at") {
		g, err := parseGatherAt(req, start)
		if err != nil {
			return bot.Reply{}, err
		}
		if g.After(start) {
			return bot.Reply{}, bot.Invalid("gather-at", bot.M("meeting.gather_after_start", "Gather", FormatTime(g, loc), "When", FormatTime(start, loc)), meetingScheduleExample+" gather-at:12:10pm")
		}
		if !g.After(req.Now) {
			return bot.Reply{}, bot.Invalid("gather-at", bot.M("meeting.past", "Field", "gather-at", "When", FormatTime(g, loc)), meetingScheduleExample+" gather-at:12:10pm")
		}
		m.GatherAt = g.UTC()
	}
	m.GatherPlace = req.Str("gather")
	if m.GatherPlace == "" {
		m.GatherPlace = bot.Clip(req.T("meeting.gather_near", "Place", m.Place), 200)
	}
	if c, ok := req.Int("capacity"); ok {
		m.Capacity = int(c)
	}
	followUpPlace := ""
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.CreateMeeting(ctx, m); err != nil {
			return err
		}
		if m.Kind == storage.KindLawEnforcement {
			p, err := tx.LatestMeetingPlace(ctx, req.Caller.GroupID, storage.KindOrganizing)
			if err != nil {
				return err
			}
			followUpPlace = p
		}
		return env.audit(ctx, tx, req, "meeting.schedule", "meeting", m.Number, "", describeMeeting(m, official, loc))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{
		Title:   req.T("meeting.scheduled.title", "Number", m.Number, "Kind", kindLabel(req, m.Kind), "Official", officialName(official)),
		Fields:  meetingFields(req, m, official),
		Buttons: rsvpButtons(req, m),
		Tone:    bot.Success,
	}
	notes, err := env.clashes(ctx, req, m)
	if err != nil {
		return bot.Reply{}, err
	}
	if m.Kind == storage.KindLawEnforcement {
		if days := start.Sub(req.Now); days > withinTwoWeeks {
			notes = append(notes, req.T("meeting.warn_far", "Days", int(days.Hours()/24)))
		}
	}
	if len(notes) > 0 {
		reply.Tone = bot.Warning
	}
	if m.Kind == storage.KindLawEnforcement {
		cmd := followUpCommand(req, m, followUpPlace)
		notes = append(notes, req.T("meeting.follow_up", "Command", "/"+cmd))
		reply.Buttons = append(reply.Buttons, bot.Button{Label: req.T("meeting.follow_up.button"), Action: cmd})
	}
	if !m.GatherAt.After(req.Now) {
		notes = append(notes, req.T("meeting.gather_now"))
	}
	notes = append(notes, req.T("meeting.scheduled.next", "Number", m.Number))
	reply.Text = strings.Join(notes, "\n")
	return reply, nil
}

// meetingRecord saves a meeting that already took place, as held: the
// group's first organizing meeting often came before the bot did.
func (env *Env) meetingRecord(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	loc := req.Location()
	start, err := ParsePastTime(req.Str("when"), req.Now, req.GroupLocation())
	if err != nil {
		return bot.Reply{}, timeError("when", req.Str("when"), err, meetingRecordExample)
	}
	if start.After(req.Now) {
		return bot.Reply{}, bot.Invalid("when", bot.M("meeting.record.future", "When", FormatTime(start, loc), "Example", meetingScheduleExample), meetingRecordExample)
	}
	m, official, err := env.meetingBasics(ctx, req, meetingRecordExample)
	if err != nil {
		return bot.Reply{}, err
	}
	m.StartsAt, m.GatherAt, m.Status = start.UTC(), start.Add(-gatherBefore).UTC(), storage.MeetingHeld
	m.GatherPlace = bot.Clip(req.T("meeting.gather_near", "Place", m.Place), 200)
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.CreateMeeting(ctx, m); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "meeting.record", "meeting", m.Number, "", describeMeeting(m, official, loc))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	clash, err := env.clashes(ctx, req, m)
	if err != nil {
		return bot.Reply{}, err
	}
	notes := append(clash, req.T("meeting.held.attendance", "Number", m.Number))
	if official != nil {
		notes = append(notes, req.T("meeting.held.answers", "Number", m.Number, "Official", strings.ReplaceAll(official.Name, `"`, "'")))
	}
	reply := bot.Reply{
		Title:  req.T("meeting.recorded.title", "Number", m.Number, "Kind", kindLabel(req, m.Kind), "Official", officialName(official)),
		Fields: meetingFields(req, m, official)[:2],
		Text:   strings.Join(notes, "\n"),
		Tone:   bot.Success,
	}
	if len(clash) > 0 {
		reply.Tone = bot.Warning
	}
	return reply, nil
}

// clashes warns about the group's other meetings (not cancelled) that
// start within clashWindow of m, or that meet m's official the same local
// day: each is named, and nothing is refused for it.
func (env *Env) clashes(ctx context.Context, req *bot.Request, m *storage.Meeting) ([]string, error) {
	loc, group := req.Location(), req.GroupLocation() // the official's day is the group's
	d := m.StartsAt.In(group)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, group)
	rows, err := env.Store.MeetingsNear(ctx, req.Caller.GroupID, m.ID, m.StartsAt, clashWindow, m.OfficialID, day, day.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range rows {
		r := &rows[i]
		id := "meeting.clash.near"
		if gap := r.StartsAt.Sub(m.StartsAt); gap >= clashWindow || gap <= -clashWindow {
			id = "meeting.clash.official"
		}
		out = append(out, req.T(id, "Number", r.Number, "What", meetingWhat(req, r), "When", FormatTime(r.StartsAt, loc), "Official", r.OfficialName))
	}
	return out, nil
}

// meetingWhat names a meeting's kind and official: "Law-enforcement
// meeting with Jane Roe".
func meetingWhat(req *bot.Request, r *storage.MeetingRow) string {
	what := kindLabel(req, r.Kind)
	if r.OfficialName != "" {
		what = req.T("meeting.with", "Kind", what, "Official", r.OfficialName)
	}
	return what
}

// followUpCommand is the ready command for the organizing meeting the guide
// plans two or more weeks after the law-enforcement meeting: the first
// evening at least 14 days after it, where the group last organized.
func followUpCommand(req *bot.Request, m *storage.Meeting, place string) string {
	loc := req.Location()
	earliest := m.StartsAt.Add(withinTwoWeeks).In(loc)
	t := time.Date(earliest.Year(), earliest.Month(), earliest.Day(), followUpHour, 0, 0, 0, loc)
	if t.Before(earliest) {
		t = t.AddDate(0, 0, 1)
	}
	if place == "" {
		place = req.T("meeting.follow_up.place")
	}
	return fmt.Sprintf(`meeting schedule when:"%s" where:"%s" kind:organizing`, t.Format(readyTimeLayout), strings.ReplaceAll(place, `"`, "'"))
}

// rsvpButtons answer the invitation; none once the meeting is closed.
func rsvpButtons(req *bot.Request, m *storage.Meeting) []bot.Button {
	if m.Status != storage.MeetingScheduled || !m.StartsAt.After(req.Now) {
		return nil
	}
	act := func(a string) string { return fmt.Sprintf("meeting rsvp id:%d answer:%s", m.Number, a) }
	return []bot.Button{
		{Label: req.T("meeting.rsvp.yes"), Action: act("yes"), Style: bot.Success},
		{Label: req.T("meeting.rsvp.maybe"), Action: act("maybe")},
		{Label: req.T("meeting.rsvp.no"), Action: act("no")},
	}
}

// meetingFields are when, where and how to gather, with whom, how many fit.
func meetingFields(req *bot.Request, m *storage.Meeting, official *storage.Official) []bot.Field {
	loc := req.Location()
	fields := []bot.Field{
		{Name: req.T("meeting.field.when"), Value: inZones(req, m.StartsAt)},
		{Name: req.T("meeting.field.where"), Value: m.Place},
		{Name: req.T("meeting.field.gather"), Value: req.T("meeting.gather", "When", FormatTime(m.GatherAt, loc), "Place", m.GatherPlace)},
		{Name: req.T("meeting.field.kind"), Value: kindLabel(req, m.Kind), Inline: true},
	}
	if official != nil {
		fields = append(fields, bot.Field{Name: req.T("meeting.field.official"), Value: fmt.Sprintf("%s (%s)", official.Name, officeLabel(req, official.Office)), Inline: true})
	}
	if m.Capacity > 0 {
		fields = append(fields, bot.Field{Name: req.T("meeting.field.capacity"), Value: strconv.Itoa(m.Capacity), Inline: true})
	}
	return fields
}

func kindLabel(req *bot.Request, kind storage.MeetingKind) string {
	return req.T("meeting.kind." + string(kind))
}

// statusLabel is a meeting's status in words. A scheduled meeting that
// has started reads as past (it took place, see Meeting.TookPlace) until
// someone marks it held or cancelled.
func statusLabel(req *bot.Request, m *storage.Meeting) string {
	if m.Status == storage.MeetingScheduled && !m.StartsAt.After(req.Now) {
		return req.T("meeting.status.past", "Number", m.Number)
	}
	return req.T("meeting.status." + string(m.Status))
}

func officialName(o *storage.Official) string {
	if o == nil {
		return ""
	}
	return o.Name
}

// describeMeeting is the meeting as the audit log records it, in English
// as all of the log is.
func describeMeeting(m *storage.Meeting, o *storage.Official, loc *time.Location) string {
	s := fmt.Sprintf("%s at %s, %s; gather %s at %s", m.Kind, FormatTime(m.StartsAt, loc).Localize("en"), m.Place, FormatTime(m.GatherAt, loc).Localize("en"), m.GatherPlace)
	if o != nil {
		s += "; official " + o.Name
	}
	if m.Capacity > 0 {
		s += fmt.Sprintf("; capacity %d", m.Capacity)
	}
	return s
}

// meetingLine is one meeting in a list.
func meetingLine(req *bot.Request, r *storage.MeetingRow) string {
	parts := []string{fmt.Sprintf("#%d", r.Number), FormatTime(r.StartsAt, req.Location()).Localize(req.Locale), meetingWhat(req, r), r.Place,
		req.T("meeting.counts", "Yes", r.Yes, "Maybe", r.Maybe, "No", r.No)}
	if r.Status != storage.MeetingScheduled {
		parts = append(parts, strings.ToUpper(statusLabel(req, &r.Meeting)))
	}
	return bot.Clip(strings.Join(parts, " · "), bot.MaxItem)
}

func (env *Env) meetingList(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	which := req.Str("which")
	if which == "" {
		which = storage.MeetingsUpcoming
	}
	page := requestedPage(req, meetingsPerPage)
	rows, err := env.Store.Meetings(ctx, req.Caller.GroupID, which, req.Now, page)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("meeting.list.title."+which, "Count", page.Total)}
	if len(rows) == 0 {
		reply.Text = req.T("meeting.list.empty."+which, "Example", meetingScheduleExample)
		return reply, nil
	}
	for i := range rows {
		reply.Items = append(reply.Items, meetingLine(req, &rows[i]))
	}
	if reply.Footer = pageFooter(req, page); reply.Footer == "" {
		reply.Footer = req.T("meeting.list.footer")
	}
	return reply, nil
}

// meetingOfficial returns the meeting's official, removed or not, or nil.
func (env *Env) meetingOfficial(ctx context.Context, m *storage.Meeting) (*storage.Official, error) {
	if m.OfficialID == nil {
		return nil, nil
	}
	return env.Store.OfficialByID(ctx, m.GroupID, *m.OfficialID)
}

func (env *Env) meetingShow(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	n, _ := req.Int("id")
	m, err := env.meeting(ctx, req, n)
	if err != nil {
		return bot.Reply{}, err
	}
	official, err := env.meetingOfficial(ctx, m)
	if err != nil {
		return bot.Reply{}, err
	}
	if ics, _ := req.Bool("ics"); ics {
		return meetingFile(req, m, official)
	}
	rsvps, err := env.Store.RSVPNames(ctx, req.Caller.GroupID, m.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	holders, err := env.Store.RoleHolders(ctx, req.Caller.GroupID, &m.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	came, err := env.Store.AttendeeNames(ctx, req.Caller.GroupID, m.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{
		Title:   req.T("meeting.show.title", "Number", m.Number, "Kind", kindLabel(req, m.Kind), "Official", officialName(official)),
		Fields:  meetingFields(req, m, official),
		Buttons: rsvpButtons(req, m),
	}
	reply.Fields = append(reply.Fields,
		bot.Field{Name: req.T("meeting.field.status"), Value: statusLabel(req, m), Inline: true},
		bot.Field{Name: req.T("meeting.field.spokesperson"), Value: spokesperson(req.T, holders, m)},
	)
	// Counts include the people whose link to the meeting was erased.
	unlinked := map[string]int64{"yes": m.UnlinkedYes, "maybe": m.UnlinkedMaybe, "no": m.UnlinkedNo}
	for _, answer := range []string{"yes", "maybe", "no"} {
		names := rsvps[answer]
		count := int64(len(names)) + unlinked[answer]
		value := req.T("meeting.names.none")
		if count > 0 {
			value = withUnnamed(req.T, names, unlinked[answer], 300)
		}
		if answer == "yes" && m.Capacity > 0 && count > int64(m.Capacity) {
			value += " " + req.T("meeting.over_capacity_short", "Capacity", m.Capacity)
		}
		reply.Fields = append(reply.Fields, bot.Field{Name: req.T("meeting.field.rsvp."+answer, "Count", count), Value: value})
	}
	if cameCount := int64(len(came)) + m.UnlinkedCame; cameCount > 0 || m.TookPlace(req.Now) {
		value := req.T("meeting.attendance.none", "Number", m.Number)
		if cameCount > 0 {
			value = withUnnamed(req.T, came, m.UnlinkedCame, 300)
		}
		reply.Fields = append(reply.Fields, bot.Field{Name: req.T("meeting.field.came", "Count", cameCount), Value: value})
	}
	if note := unlinkedNote(req, m); note != "" {
		reply.Fields = append(reply.Fields, bot.Field{Name: req.T("retention.meeting_title"), Value: note})
	}
	if m.Status == storage.MeetingScheduled && m.StartsAt.After(req.Now) {
		reply.Footer = req.T("calendar.show_hint", "Number", m.Number)
	}
	if m.ReportFiledAt != nil {
		by, err := env.memberName(ctx, req, m.ReportFiledBy)
		if err != nil {
			return bot.Reply{}, err
		}
		if by == "" { // the link to who filed it was erased
			by = req.T("audit.member")
		}
		reply.Footer = req.T("meeting.report_filed", "Name", by, "When", FormatTime(*m.ReportFiledAt, req.Location()))
	}
	return reply, nil
}

// memberName names one of the group's members by row id, "" for none.
func (env *Env) memberName(ctx context.Context, req *bot.Request, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	m, err := env.Store.MemberByID(ctx, req.Caller.GroupID, *id)
	if err != nil {
		return "", err
	}
	return m.DisplayName, nil
}

// spokesperson names who speaks at the meeting, from the group's role
// holders: the one assigned for it, else the group's spokesperson, else
// how to assign one. The meeting page and the digest both say it so.
func spokesperson(t func(string, ...any) string, holders []storage.RoleHolder, m *storage.Meeting) string {
	forMeeting, groupWide := spokespeople(holders, m.Number)
	if len(forMeeting)+len(groupWide) == 0 {
		return t("meeting.spokesperson.none", "Number", m.Number)
	}
	if len(forMeeting) > 0 {
		return fitNames(t, "", forMeeting, 300)
	}
	return t("meeting.spokesperson.group", "Names", fitNames(t, "", groupWide, 250))
}

// spokespeople splits the spokesperson role's holders into those assigned
// to meeting number n and those assigned group-wide.
func spokespeople(holders []storage.RoleHolder, n int64) (forMeeting, groupWide []string) {
	for _, h := range holders {
		switch {
		case h.Role != storage.RoleSpokesperson:
		case h.MeetingNumber == nil:
			groupWide = append(groupWide, h.DisplayName)
		case *h.MeetingNumber == n:
			forMeeting = append(forMeeting, h.DisplayName)
		}
	}
	return forMeeting, groupWide
}

func (env *Env) meetingRSVP(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	n, _ := req.Int("id")
	m, err := env.meeting(ctx, req, n)
	if err != nil {
		return bot.Reply{}, err
	}
	if err := openForRSVP(req, m); err != nil {
		return bot.Reply{}, err
	}
	answer := req.Str("answer")
	prev, counts, err := env.Store.AnswerInvitation(ctx, storage.Invitation{
		Meeting: m, MemberID: req.Caller.MemberID, Name: req.User.Name, Answer: answer,
	})
	if err != nil {
		return bot.Reply{}, err
	}
	loc := req.Location()
	msg := "meeting.rsvp.done." + answer
	if prev != "" && prev != answer {
		msg = "meeting.rsvp.changed." + answer
	}
	lines := []string{
		req.T(msg, "Number", m.Number, "When", FormatTime(m.StartsAt, loc), "Gather", FormatTime(m.GatherAt, loc), "Place", m.GatherPlace, "Previous", bot.Word(prev)),
		req.T("meeting.counts", "Yes", counts["yes"], "Maybe", counts["maybe"], "No", counts["no"]),
	}
	reply := bot.Reply{Tone: bot.Success, Ephemeral: true}
	if answer == "yes" && m.Capacity > 0 && counts["yes"] > int64(m.Capacity) {
		reply.Tone = bot.Warning
		lines = append(lines, req.T("meeting.over_capacity", "Yes", counts["yes"], "Capacity", m.Capacity))
	}
	reply.Text = strings.Join(lines, "\n")
	return reply, nil
}

// openForRSVP refuses answers to cancelled, held or started meetings.
func openForRSVP(req *bot.Request, m *storage.Meeting) error {
	switch {
	case m.Status == storage.MeetingCancelled:
		return bot.Conflict(bot.M("meeting.rsvp.cancelled", "Number", m.Number))
	case m.Status == storage.MeetingHeld || !m.StartsAt.After(req.Now):
		return bot.Conflict(bot.M("meeting.rsvp.past", "Number", m.Number, "When", FormatTime(m.StartsAt, req.Location())))
	}
	return nil
}

func (env *Env) meetingAttendance(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	n, _ := req.Int("id")
	m, err := env.meeting(ctx, req, n)
	if err != nil {
		return bot.Reply{}, err
	}
	if req.Caller.Level < bot.Coordinator {
		keeper, err := env.Store.HoldsRole(ctx, req.Caller.GroupID, req.Caller.MemberID, m.ID, storage.RoleAttendanceKeeper)
		if err != nil {
			return bot.Reply{}, err
		}
		if !keeper {
			return bot.Reply{}, &bot.Error{Kind: bot.KindForbidden, Msg: bot.M("meeting.attendance.forbidden", "Number", m.Number), Need: bot.Coordinator}
		}
	}
	switch {
	case m.Status == storage.MeetingCancelled:
		return bot.Reply{}, bot.Conflict(bot.M("meeting.attendance.cancelled", "Number", m.Number))
	case m.GatherAt.After(req.Now):
		return bot.Reply{}, bot.Conflict(bot.M("meeting.attendance.early", "Number", m.Number, "When", FormatTime(m.GatherAt, req.Location())))
	}
	users := req.UsersOpt("users")
	var added, total int64
	names := make([]string, 0, len(users))
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		ids := make([]int64, 0, len(users))
		for _, u := range users {
			mem, err := tx.EnsureMember(ctx, req.Caller.GroupID, u.ID, u.Name)
			if err != nil {
				return err
			}
			if slices.Contains(ids, mem.ID) {
				continue // named twice: counted once
			}
			ids = append(ids, mem.ID)
			// The member's name, not the mention's: Discord does not name
			// mentions typed into a text option.
			names = append(names, mem.DisplayName)
		}
		var err error
		if added, err = tx.RecordAttendance(ctx, req.Caller.GroupID, m.ID, ids, req.Caller.MemberID); err != nil {
			return err
		}
		if total, err = tx.AttendanceCount(ctx, req.Caller.GroupID, m.ID); err != nil {
			return err
		}
		if added == 0 {
			return nil
		}
		return env.audit(ctx, tx, req, "meeting.attendance", "meeting", m.Number, "", bot.Clip(strings.Join(names, ", "), 2000))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{
		Text: req.T("meeting.attendance.done", "Number", m.Number, "Names", fitNames(req.T, "", names, 1200),
			"Added", added, "Already", int64(len(names))-added, "Total", total),
		Tone: bot.Success,
	}, nil
}

// mayChange lets the member who scheduled a meeting, and coordinators and
// leads, reschedule, cancel or mark it held.
func mayChange(req *bot.Request, m *storage.Meeting) error {
	if req.Caller.Level >= bot.Coordinator || (m.CreatedBy != nil && *m.CreatedBy == req.Caller.MemberID) {
		return nil
	}
	return &bot.Error{Kind: bot.KindForbidden, Msg: bot.M("meeting.change.forbidden", "Number", m.Number), Need: bot.Coordinator}
}

// changeable finds a meeting the caller may change and that is still
// scheduled.
func (env *Env) changeable(ctx context.Context, req *bot.Request) (*storage.Meeting, error) {
	n, _ := req.Int("id")
	m, err := env.meeting(ctx, req, n)
	if err != nil {
		return nil, err
	}
	if err := mayChange(req, m); err != nil {
		return nil, err
	}
	if m.Status != storage.MeetingScheduled {
		return nil, bot.Conflict(bot.M("meeting.closed", "Number", m.Number, "Status", statusLabel(req, m)))
	}
	return m, nil
}

// changedMeanwhile is the error for a meeting that someone else closed
// between reading and writing it.
func changedMeanwhile(err error, m *storage.Meeting) error {
	if errors.Is(err, storage.ErrNotFound) {
		return bot.Conflict(bot.M("meeting.changed_meanwhile", "Number", m.Number))
	}
	return err
}

func (env *Env) meetingReschedule(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	m, err := env.changeable(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	loc := req.Location()
	example := fmt.Sprintf(`/meeting reschedule %d when:"next wednesday 12:30"`, m.Number)
	start, err := parseWhen(req, "when", example)
	if err != nil {
		return bot.Reply{}, err
	}
	if start.Equal(m.StartsAt) {
		return bot.Reply{}, bot.Invalid("when", bot.M("meeting.same_time", "Number", m.Number, "When", FormatTime(start, loc)), example)
	}
	official, err := env.meetingOfficial(ctx, m)
	if err != nil {
		return bot.Reply{}, err
	}
	before := describeMeeting(m, official, loc)
	oldStart := m.StartsAt
	gather := start.Add(-m.StartsAt.Sub(m.GatherAt))
	var told []string
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.RescheduleMeeting(ctx, m, start, gather); err != nil {
			return changedMeanwhile(err, m)
		}
		var err error
		told, err = env.tellConcerned(ctx, tx, req, m, func(t func(string, ...any) string, loc *time.Location, c storage.Concerned) bot.Reply {
			return bot.Reply{
				Title: t("meeting.notice.moved.title", "Number", m.Number),
				Text: t("meeting.notice.moved", "What", noticeWhat(t, m, official), "Was", FormatTime(oldStart, loc), "When", FormatTime(m.StartsAt, loc),
					"Place", m.Place, "Gather", bot.At(m.GatherAt, loc, bot.DateClock), "GatherPlace", m.GatherPlace, "By", req.User.Name) +
					" " + noticeWhy(t, c) + " " + t("meeting.notice.moved.rsvp", "Number", m.Number),
				Tone: bot.Warning,
			}
		})
		if err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "meeting.reschedule", "meeting", m.Number, before, describeMeeting(m, official, loc))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{
		Title:   req.T("meeting.rescheduled.title", "Number", m.Number),
		Fields:  meetingFields(req, m, official),
		Buttons: rsvpButtons(req, m),
		Tone:    bot.Success,
	}
	notes, err := env.clashes(ctx, req, m)
	if err != nil {
		return bot.Reply{}, err
	}
	if m.Kind == storage.KindLawEnforcement && start.Sub(req.Now) > withinTwoWeeks {
		notes = append(notes, req.T("meeting.warn_far", "Days", int(start.Sub(req.Now).Hours()/24)))
	}
	if len(notes) > 0 {
		reply.Tone = bot.Warning
	}
	notes = append([]string{req.T("meeting.rescheduled", "Was", FormatTime(oldStart, loc)), toldLine(req, told)}, notes...)
	reply.Text = strings.Join(notes, "\n")
	return reply, nil
}

func (env *Env) meetingCancel(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	m, err := env.changeable(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	official, err := env.meetingOfficial(ctx, m)
	if err != nil {
		return bot.Reply{}, err
	}
	loc := req.Location()
	var told []string
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.SetMeetingStatus(ctx, m, storage.MeetingCancelled); err != nil {
			return changedMeanwhile(err, m)
		}
		var err error
		told, err = env.tellConcerned(ctx, tx, req, m, func(t func(string, ...any) string, loc *time.Location, c storage.Concerned) bot.Reply {
			return bot.Reply{
				Title: t("meeting.notice.cancelled.title", "Number", m.Number),
				Text: t("meeting.notice.cancelled", "What", noticeWhat(t, m, official), "When", FormatTime(m.StartsAt, loc), "Place", m.Place, "By", req.User.Name) +
					" " + noticeWhy(t, c),
				Tone: bot.Warning,
			}
		})
		if err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "meeting.cancel", "meeting", m.Number, string(storage.MeetingScheduled), string(storage.MeetingCancelled))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{
		Text: req.T("meeting.cancelled", "Number", m.Number, "When", FormatTime(m.StartsAt, loc)) + "\n" + toldLine(req, told),
		Tone: bot.Success,
	}, nil
}

// tellConcerned queues, inside tx, the direct message a change to m sends
// to everyone who said yes or maybe and everyone who holds a role for the
// meeting, except the caller, who sees the change in the reply; write
// words each in its reader's language, with times in their zone. It
// returns the readers' names.
func (env *Env) tellConcerned(ctx context.Context, tx *storage.Store, req *bot.Request, m *storage.Meeting,
	write func(t func(string, ...any) string, loc *time.Location, c storage.Concerned) bot.Reply) ([]string, error) {
	concerned, err := tx.ConcernedMembers(ctx, req.Caller.GroupID, m.ID)
	if err != nil {
		return nil, err
	}
	var notices []Notice
	var names []string
	for _, c := range concerned {
		if c.MemberID == req.Caller.MemberID {
			continue
		}
		locale := Language(c.Language, c.Locale, req.Caller.GroupLocale)
		t := func(id string, kv ...any) string { return bot.Translate(locale, bot.M(id, kv...)) }
		notices = append(notices, Notice{
			GroupID: req.Caller.GroupID, MemberID: c.MemberID, Name: c.Name,
			What:  fmt.Sprintf("notice for meeting %d", m.Number),
			Reply: write(t, storage.ZoneOr(c.TimeZone, req.GroupLocation()), c),
		})
		names = append(names, c.Name)
	}
	return names, env.notify(ctx, tx, notices)
}

// noticeWhat names the meeting in a notice: "Law-enforcement meeting with
// Jane Roe".
func noticeWhat(t func(string, ...any) string, m *storage.Meeting, o *storage.Official) string {
	what := t("meeting.kind." + string(m.Kind))
	if o != nil {
		what = t("meeting.with", "Kind", what, "Official", o.Name)
	}
	return what
}

// noticeWhy tells a notice's reader why they are told: their answer, and
// the roles they hold for the meeting.
func noticeWhy(t func(string, ...any) string, c storage.Concerned) string {
	var why []string
	if c.Answer != "" {
		why = append(why, t("meeting.notice.answered", "Answer", bot.Word(c.Answer)))
	}
	if len(c.Roles) > 0 {
		why = append(why, t("meeting.notice.roles", "Roles", strings.Join(roleNames(t, c.Roles), ", ")))
	}
	return strings.Join(why, " ")
}

// roleNames are roles as words.
func roleNames(t func(string, ...any) string, roles []storage.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = t("role.name." + string(r))
	}
	return out
}

// toldLine tells the caller who was told of a change, by name.
func toldLine(req *bot.Request, names []string) string {
	if len(names) == 0 {
		return req.T("meeting.notified.none")
	}
	return req.T("meeting.notified", "Count", len(names), "Names", fitNames(req.T, "", names, 600))
}

func (env *Env) meetingHeld(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	m, err := env.changeable(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	loc := req.Location()
	if m.StartsAt.After(req.Now) {
		return bot.Reply{}, bot.Conflict(bot.M("meeting.held.early", "Number", m.Number, "When", FormatTime(m.StartsAt, loc)))
	}
	official, err := env.meetingOfficial(ctx, m)
	if err != nil {
		return bot.Reply{}, err
	}
	// Read before the change, so that a failure here changes nothing.
	came, err := env.Store.AttendanceCount(ctx, m.GroupID, m.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.SetMeetingStatus(ctx, m, storage.MeetingHeld); err != nil {
			return changedMeanwhile(err, m)
		}
		return env.audit(ctx, tx, req, "meeting.held", "meeting", m.Number, string(storage.MeetingScheduled), string(storage.MeetingHeld))
	})
	if err != nil {
		return bot.Reply{}, err
	}
	attendance := req.T("meeting.held.attendance", "Number", m.Number)
	if came > 0 { // recorded as it happened: say so rather than ask again
		attendance = req.T("meeting.held.attended", "Number", m.Number, "Count", came)
	}
	lines := []string{req.T("meeting.held.done", "Number", m.Number, "When", FormatTime(m.StartsAt, loc)), attendance}
	if official != nil {
		lines = append(lines, req.T("meeting.held.answers", "Number", m.Number, "Official", strings.ReplaceAll(official.Name, `"`, "'")))
	}
	lines = append(lines, req.T("meeting.held.report", "Number", m.Number))
	return bot.Reply{Text: strings.Join(lines, "\n"), Tone: bot.Success}, nil
}
