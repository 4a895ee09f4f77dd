package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// MeetingKinds are the kinds of meeting a group holds.
var MeetingKinds = []string{"law-enforcement", "organizing", "town-hall", "rally", "testimony", "other"}

const (
	kindLawEnforcement = "law-enforcement"
	kindOrganizing     = "organizing"

	// gatherBefore is how early the guide says to gather: "20 minutes
	// before your meeting time at a location near the office".
	gatherBefore = 20 * time.Minute
	// withinTwoWeeks is how soon the guide wants the law-enforcement
	// meeting, and how long after it the follow-up organizing meeting.
	withinTwoWeeks = 14 * 24 * time.Hour
	// followUpHour is the local hour suggested for the follow-up meeting.
	followUpHour = 18

	meetingsPerPage = 10

	meetingScheduleExample   = `/meeting schedule when:"next tuesday 12:30" where:"Public Library"`
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
	return bot.Option{Name: "id", Description: "The meeting's number, e.g. 3 (see /meeting list)", Kind: bot.Integer, Required: true, Min: 1, Max: maxNumber, Autocomplete: "meeting"}
}

// Anyone may schedule a meeting and answer an invitation. Rescheduling,
// cancelling and marking held belong to the member who scheduled the
// meeting and to coordinators and leads; attendance to coordinators,
// leads and the attendance-keeper (group-wide or for that meeting).
func (env *Env) meetingCommand() *bot.Command {
	whenDesc := "When it starts, in the group's time zone: tomorrow 3pm, next tuesday 12:30, dec 3 noon, 2026-12-03 12:00"
	return &bot.Command{
		Name:        "meeting",
		Description: "Meetings with officials and the group's own: schedule, list, show, RSVP, attendance, reschedule, cancel, held",
		Subcommands: []*bot.Command{
			{
				Name:        "schedule",
				Description: "Schedule a meeting; the group gathers 20 minutes early nearby (anyone)",
				Example:     meetingScheduleExample,
				Options: []bot.Option{
					{Name: "when", Description: whenDesc, Kind: bot.Time, Required: true, MaxLength: 100},
					{Name: "where", Description: "Where it takes place, e.g. Sheriff's Office, 100 Main St", Kind: bot.Text, Required: true, MaxLength: 200},
					{Name: "official", Description: "The official you meet (needed for a law-enforcement meeting)", Kind: bot.Text, MaxLength: 100, Autocomplete: "official"},
					{Name: "kind", Description: "The kind of meeting: law-enforcement when an official is given, organizing otherwise", Kind: bot.Choice, Choices: bot.Choices(MeetingKinds...)},
					{Name: "gather", Description: "Where to gather first; defaults to near the meeting place", Kind: bot.Text, MaxLength: 200},
					{Name: "gather-at", Description: "When to gather; defaults to 20 minutes before, e.g. 12:10pm", Kind: bot.Time, MaxLength: 100},
					{Name: "capacity", Description: "How many people the room holds", Kind: bot.Integer, Min: 1, Max: 100000},
				},
				Handler: env.meetingSchedule,
			},
			{
				Name:        "list",
				Description: "List the upcoming meetings (which:past for earlier ones, which:all for every one)",
				Example:     meetingListExample,
				Options: []bot.Option{
					{Name: "which", Description: "Which meetings: upcoming (the default), past or all", Kind: bot.Choice, Choices: bot.Choices(storage.MeetingsUpcoming, storage.MeetingsPast, storage.MeetingsAll), Positional: true},
					pageOption(),
				},
				Handler: env.meetingList,
			},
			{
				Name:        "show",
				Description: "Show a meeting: when and where to gather, who is coming, the spokesperson",
				Example:     meetingShowExample,
				Options:     []bot.Option{meetingIDOption()},
				Handler:     env.meetingShow,
			},
			{
				Name:        "rsvp",
				Description: "Say whether you are coming; answering again changes your answer",
				Example:     meetingRSVPExample,
				Options: []bot.Option{
					meetingIDOption(),
					{Name: "answer", Description: "yes, no or maybe", Kind: bot.Choice, Required: true, Choices: bot.Choices("yes", "no", "maybe")},
				},
				Handler: env.meetingRSVP,
			},
			{
				Name:        "attendance",
				Description: "Record who came (coordinators, leads and the attendance-keeper)",
				Example:     meetingAttendanceExample,
				Options: []bot.Option{
					meetingIDOption(),
					{Name: "users", Description: "Everyone who came, e.g. @alex @sam", Kind: bot.Users, Required: true},
				},
				Handler: env.meetingAttendance,
			},
			{
				Name:        "reschedule",
				Description: "Move a meeting; the gather time moves with it (its scheduler, coordinators and leads)",
				Example:     meetingRescheduleExample,
				Options: []bot.Option{
					meetingIDOption(),
					{Name: "when", Description: whenDesc, Kind: bot.Time, Required: true, MaxLength: 100},
				},
				Handler: env.meetingReschedule,
			},
			{
				Name:        "cancel",
				Description: "Cancel a meeting (its scheduler, coordinators and leads)",
				Example:     meetingCancelExample,
				Options:     []bot.Option{meetingIDOption()},
				Handler:     env.meetingCancel,
			},
			{
				Name:        "held",
				Description: "Mark a meeting held, once it has started (its scheduler, coordinators and leads)",
				Example:     meetingHeldExample,
				Options:     []bot.Option{meetingIDOption()},
				Handler:     env.meetingHeld,
			},
		},
	}
}

// parseWhen reads a time option and refuses unreadable and past times,
// showing a working example.
func parseWhen(req *bot.Request, field, example string) (time.Time, error) {
	t, err := ParseTime(req.Str(field), req.Now, req.Location())
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
	loc := req.Location()
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

func (env *Env) meetingSchedule(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	loc := req.Location()
	start, err := parseWhen(req, "when", meetingScheduleExample)
	if err != nil {
		return bot.Reply{}, err
	}
	m := &storage.Meeting{
		GroupID:   req.Caller.GroupID,
		StartsAt:  start.UTC(),
		GatherAt:  start.Add(-gatherBefore).UTC(),
		Place:     req.Str("where"),
		Kind:      req.Str("kind"),
		CreatedBy: &req.Caller.MemberID,
	}
	var official *storage.Official
	if req.Has("official") {
		if official, err = env.official(ctx, req, req.Str("official")); err != nil {
			return bot.Reply{}, err
		}
		m.OfficialID = &official.ID
	}
	switch {
	case m.Kind == "" && official != nil:
		m.Kind = kindLawEnforcement
	case m.Kind == "":
		m.Kind = kindOrganizing
	case m.Kind == kindLawEnforcement && official == nil:
		return bot.Reply{}, bot.Invalid("official", bot.M("meeting.needs_official"), `/meeting schedule when:"next tuesday 12:30" where:"Sheriff's Office" official:"Jane Roe"`)
	}
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
		if m.Kind == kindLawEnforcement {
			p, err := tx.LatestMeetingPlace(ctx, req.Caller.GroupID, kindOrganizing)
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
	var notes []string
	if m.Kind == kindLawEnforcement {
		if days := start.Sub(req.Now); days > withinTwoWeeks {
			reply.Tone = bot.Warning
			notes = append(notes, req.T("meeting.warn_far", "Days", int(days.Hours()/24)))
		}
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
		{Name: req.T("meeting.field.when"), Value: FormatTime(m.StartsAt, loc)},
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

func kindLabel(req *bot.Request, kind string) string { return req.T("meeting.kind." + kind) }

func officialName(o *storage.Official) string {
	if o == nil {
		return ""
	}
	return o.Name
}

// describeMeeting is the meeting as the audit log records it.
func describeMeeting(m *storage.Meeting, o *storage.Official, loc *time.Location) string {
	s := fmt.Sprintf("%s at %s, %s; gather %s at %s", m.Kind, FormatTime(m.StartsAt, loc), m.Place, FormatTime(m.GatherAt, loc), m.GatherPlace)
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
	parts := []string{fmt.Sprintf("#%d", r.Number), FormatTime(r.StartsAt, req.Location())}
	what := kindLabel(req, r.Kind)
	if r.OfficialName != "" {
		what = req.T("meeting.with", "Kind", what, "Official", r.OfficialName)
	}
	parts = append(parts, what, r.Place, req.T("meeting.counts", "Yes", r.Yes, "Maybe", r.Maybe, "No", r.No))
	if r.Status != storage.MeetingScheduled {
		parts = append(parts, strings.ToUpper(req.T("meeting.status."+r.Status)))
	}
	return bot.Clip(strings.Join(parts, " · "), bot.MaxItem)
}

func (env *Env) meetingList(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	which := req.Str("which")
	if which == "" {
		which = storage.MeetingsUpcoming
	}
	rows, err := env.Store.Meetings(ctx, req.Caller.GroupID, which, req.Now)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{Title: req.T("meeting.list.title."+which, "Count", len(rows))}
	if len(rows) == 0 {
		reply.Text = req.T("meeting.list.empty."+which, "Example", meetingScheduleExample)
		return reply, nil
	}
	items := make([]string, len(rows))
	for i := range rows {
		items[i] = meetingLine(req, &rows[i])
	}
	reply.Items, reply.Footer = pagedItems(req, items, meetingsPerPage)
	if reply.Footer == "" {
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
	counts, err := env.Store.RSVPCounts(ctx, req.Caller.GroupID, m.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	holders, err := env.Store.RoleHolders(ctx, req.Caller.GroupID, &m.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	came, err := env.Store.AttendanceCount(ctx, req.Caller.GroupID, m.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	reply := bot.Reply{
		Title:   req.T("meeting.show.title", "Number", m.Number, "Kind", kindLabel(req, m.Kind), "Official", officialName(official)),
		Fields:  meetingFields(req, m, official),
		Buttons: rsvpButtons(req, m),
	}
	rsvps := req.T("meeting.counts", "Yes", counts["yes"], "Maybe", counts["maybe"], "No", counts["no"])
	if m.Capacity > 0 && counts["yes"] > int64(m.Capacity) {
		rsvps += " " + req.T("meeting.over_capacity_short", "Capacity", m.Capacity)
	}
	reply.Fields = append(reply.Fields,
		bot.Field{Name: req.T("meeting.field.status"), Value: req.T("meeting.status." + m.Status), Inline: true},
		bot.Field{Name: req.T("meeting.field.rsvps"), Value: rsvps, Inline: true},
		bot.Field{Name: req.T("meeting.field.spokesperson"), Value: spokesperson(req, holders, m)},
	)
	if came > 0 || m.Status == storage.MeetingHeld {
		reply.Fields = append(reply.Fields, bot.Field{Name: req.T("meeting.field.attendance"), Value: strconv.FormatInt(came, 10), Inline: true})
	}
	return reply, nil
}

// spokesperson names who speaks at the meeting: the one assigned for it,
// else the group's spokesperson, else how to assign one.
func spokesperson(req *bot.Request, holders []storage.RoleHolder, m *storage.Meeting) string {
	var forMeeting, groupWide []string
	for _, h := range holders {
		if h.Role != "spokesperson" {
			continue
		}
		if h.MeetingNumber != nil {
			forMeeting = append(forMeeting, h.DisplayName)
		} else {
			groupWide = append(groupWide, h.DisplayName)
		}
	}
	switch {
	case len(forMeeting) > 0:
		return bot.Clip(strings.Join(forMeeting, ", "), 300)
	case len(groupWide) > 0:
		return bot.Clip(req.T("meeting.spokesperson.group", "Names", strings.Join(groupWide, ", ")), 300)
	}
	return req.T("meeting.spokesperson.none", "Number", m.Number)
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
	var prev string
	var counts map[string]int64
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		var err error
		if prev, err = tx.SetRSVP(ctx, m, req.Caller.MemberID, answer); err != nil {
			return err
		}
		if counts, err = tx.RSVPCounts(ctx, req.Caller.GroupID, m.ID); err != nil {
			return err
		}
		if prev == answer {
			return nil
		}
		return env.audit(ctx, tx, req, "meeting.rsvp", "meeting", m.Number, rsvpAudit(req, prev), rsvpAudit(req, answer))
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
		req.T(msg, "Number", m.Number, "When", FormatTime(m.StartsAt, loc), "Gather", FormatTime(m.GatherAt, loc), "Place", m.GatherPlace, "Previous", prev),
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

func rsvpAudit(req *bot.Request, answer string) string {
	if answer == "" {
		return ""
	}
	return req.User.Name + ": " + answer
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
		keeper, err := env.Store.HoldsRole(ctx, req.Caller.GroupID, req.Caller.MemberID, "attendance-keeper", m.ID)
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
		Text: req.T("meeting.attendance.done", "Number", m.Number, "Names", bot.Clip(strings.Join(names, ", "), 1200),
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
		return nil, bot.Conflict(bot.M("meeting.closed", "Number", m.Number, "Status", req.T("meeting.status."+m.Status)))
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
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.RescheduleMeeting(ctx, m, start, gather); err != nil {
			return changedMeanwhile(err, m)
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
	notes := []string{req.T("meeting.rescheduled", "Was", FormatTime(oldStart, loc))}
	if m.Kind == kindLawEnforcement && start.Sub(req.Now) > withinTwoWeeks {
		reply.Tone = bot.Warning
		notes = append(notes, req.T("meeting.warn_far", "Days", int(start.Sub(req.Now).Hours()/24)))
	}
	reply.Text = strings.Join(notes, "\n")
	return reply, nil
}

func (env *Env) meetingCancel(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	m, err := env.changeable(ctx, req)
	if err != nil {
		return bot.Reply{}, err
	}
	loc := req.Location()
	var counts map[string]int64
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.SetMeetingStatus(ctx, m, storage.MeetingCancelled); err != nil {
			return changedMeanwhile(err, m)
		}
		var err error
		if counts, err = tx.RSVPCounts(ctx, req.Caller.GroupID, m.ID); err != nil {
			return err
		}
		return env.audit(ctx, tx, req, "meeting.cancel", "meeting", m.Number, storage.MeetingScheduled, storage.MeetingCancelled)
	})
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{
		Text: req.T("meeting.cancelled", "Number", m.Number, "When", FormatTime(m.StartsAt, loc), "Yes", counts["yes"]+counts["maybe"]),
		Tone: bot.Success,
	}, nil
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
	err = env.Store.Tx(ctx, func(tx *storage.Store) error {
		if err := tx.SetMeetingStatus(ctx, m, storage.MeetingHeld); err != nil {
			return changedMeanwhile(err, m)
		}
		return env.audit(ctx, tx, req, "meeting.held", "meeting", m.Number, storage.MeetingScheduled, storage.MeetingHeld)
	})
	if err != nil {
		return bot.Reply{}, err
	}
	lines := []string{
		req.T("meeting.held.done", "Number", m.Number, "When", FormatTime(m.StartsAt, loc)),
		req.T("meeting.held.attendance", "Number", m.Number),
	}
	if official != nil {
		lines = append(lines, req.T("meeting.held.answers", "Number", m.Number, "Official", strings.ReplaceAll(official.Name, `"`, "'")))
	}
	lines = append(lines, req.T("meeting.held.report"))
	return bot.Reply{Text: strings.Join(lines, "\n"), Tone: bot.Success}, nil
}
