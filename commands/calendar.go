package commands

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/ical"
	"github.com/fcbot/fcbot/storage"
)

// /calendar hands members the private address of their group's calendar
// feed, which calendar apps subscribe to (served by web/calendar.go), and
// /calendar rotate lets a lead replace it when it leaked. Every meeting
// is an event whose UID stays the same for its life; a move or a
// cancellation raises its SEQUENCE, so that apps replace their copy. The
// feed names no member: times, places, kinds and officials only.

const (
	calendarExample       = "/calendar"
	calendarRotateExample = "/calendar rotate"
	// calendarPathPrefix is where feeds are served: the address is
	// calendarPathPrefix + token + ".ics".
	calendarPathPrefix = "/calendar/"
	// calendarPast is how far back the feed reaches: last months'
	// meetings stay in calendars, older ones leave them.
	calendarPast = 90 * 24 * time.Hour
	// calendarMaxEvents bounds the feed, whatever a group schedules; the
	// latest meetings are kept.
	calendarMaxEvents = 500
	// calendarRefresh is how often the feed asks apps to fetch it again
	// (Google keeps its own pace).
	calendarRefresh = time.Hour
	// meetingLength is a meeting's event's length: meetings have a start
	// and no end.
	meetingLength = time.Hour
)

func (env *Env) calendarCommand() *bot.Command {
	return &bot.Command{
		Name:    "calendar",
		Default: "link",
		Subcommands: []*bot.Command{
			{
				Name:    "link",
				Example: calendarExample,
				// Making the group's token on first use is a write, but
				// running it twice is harmless: both get the same link.
				ReadOnly: true,
				Handler:  env.calendarLink,
			},
			{
				Name:    "rotate",
				Example: calendarRotateExample,
				Level:   bot.Lead,
				Handler: env.calendarRotate,
			},
		},
	}
}

// calendarAddress returns the feed's address for token, or the refusal
// when this instance serves no pages.
func (env *Env) calendarAddress(token string) (string, error) {
	return env.link(calendarPathPrefix + token + ".ics")
}

// calendarLink is /calendar: the group's feed address, to the caller
// only, with how to subscribe in the common apps.
func (env *Env) calendarLink(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	if _, err := env.calendarAddress(""); err != nil { // before making a token nobody can use
		return bot.Reply{}, err
	}
	token, err := env.Store.CalendarToken(ctx, req.Caller.GroupID)
	if err != nil {
		return bot.Reply{}, err
	}
	link, err := env.calendarAddress(token)
	if err != nil {
		return bot.Reply{}, err
	}
	name := req.Caller.GroupName
	if name == "" {
		name = req.T("calendar.your_group")
	}
	return bot.Reply{
		Title:     req.T("calendar.title", "Name", name),
		Text:      req.T("calendar.link", "Link", link),
		Items:     calendarHowTo(req),
		Footer:    req.T("calendar.private"),
		Ephemeral: true,
	}, nil
}

// calendarHowTo says where each common app subscribes to an address.
func calendarHowTo(req *bot.Request) []string {
	return []string{req.T("calendar.google"), req.T("calendar.apple"), req.T("calendar.thunderbird")}
}

// calendarRotate is /calendar rotate: a lead replaces the feed's token,
// so that the old address finds nothing, and sees the new one.
func (env *Env) calendarRotate(ctx context.Context, req *bot.Request) (bot.Reply, error) {
	if _, err := env.calendarAddress(""); err != nil {
		return bot.Reply{}, err
	}
	var token string
	err := env.Store.Tx(ctx, func(tx *storage.Store) error {
		var err error
		if token, err = tx.RotateCalendarToken(ctx, req.Caller.GroupID); err != nil {
			return err
		}
		// The audit log is read by coordinators: it says what happened,
		// never the link.
		return env.audit(ctx, tx, req, "calendar.rotate", "calendar", 0, "", "link replaced")
	})
	if err != nil {
		return bot.Reply{}, err
	}
	link, err := env.calendarAddress(token)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.Reply{
		Title:     req.T("calendar.rotated.title"),
		Text:      req.T("calendar.rotated", "Link", link),
		Items:     calendarHowTo(req),
		Footer:    req.T("calendar.private"),
		Tone:      bot.Success,
		Ephemeral: true,
	}, nil
}

// CalendarFeed returns the iCalendar file of the group whose feed has the
// token, in the group's language and time zone: its meetings from 90 days
// ago on, cancelled ones included, at most the latest 500, in two
// statements. An unknown or replaced token is storage.ErrNotFound.
func (env *Env) CalendarFeed(ctx context.Context, token string) ([]byte, error) {
	g, err := env.Store.GroupByCalendarToken(ctx, token)
	if err != nil {
		return nil, err
	}
	meetings, err := env.Store.CalendarMeetings(ctx, g.ID, env.Clock.Now().Add(-calendarPast), calendarMaxEvents)
	if err != nil {
		return nil, err
	}
	t := func(id string, kv ...any) string { return bot.Translate(g.Language, bot.M(id, kv...)) }
	loc := g.Location()
	name := g.Jurisdiction
	if name == "" {
		name = "fcbot"
	}
	cal := ical.Calendar{Name: t("calendar.name", "Name", name), Zone: loc, Refresh: calendarRefresh}
	for _, m := range meetings {
		cal.Events = append(cal.Events, meetingEvent(t, loc, &m))
	}
	var b bytes.Buffer
	if err := ical.Write(&b, cal); err != nil {
		return nil, fmt.Errorf("calendar feed of group %d: %w", g.ID, err)
	}
	return b.Bytes(), nil
}

// meetingUID names a meeting's event for its whole life: moved or
// cancelled, it stays the same event in every calendar.
func meetingUID(m *storage.Meeting) string {
	return fmt.Sprintf("meeting-%d-%d@fcbot", m.GroupID, m.Number)
}

// meetingEvent is a meeting as an event, its words written by t with
// times in loc: what, with whom, where and when to gather; never who
// answered or came.
func meetingEvent(t func(string, ...any) string, loc *time.Location, m *storage.CalendarMeeting) ical.Event {
	what := t("meeting.kind." + string(m.Kind))
	if m.OfficialName != "" {
		what = t("meeting.with", "Kind", what, "Official", m.OfficialName)
	}
	if m.Status == storage.MeetingCancelled {
		what = t("calendar.event.cancelled", "What", what)
	}
	lines := []string{t("calendar.event.gather", "When", FormatTime(m.GatherAt, loc), "Place", m.GatherPlace)}
	if m.OfficialName != "" {
		lines = append(lines, t("calendar.event.official", "Name", m.OfficialName, "Office", t("office."+string(m.OfficialOffice))))
	}
	lines = append(lines, t("calendar.event.more", "Number", m.Number))
	return ical.Event{
		UID:   meetingUID(&m.Meeting),
		Start: m.StartsAt, End: m.StartsAt.Add(meetingLength),
		Summary:     what,
		Description: strings.Join(lines, "\n"),
		Location:    m.Place,
		Sequence:    m.Sequence,
		Cancelled:   m.Status == storage.MeetingCancelled,
		Created:     m.CreatedAt, Modified: m.UpdatedAt,
	}
}

// meetingFile is /meeting show N ics:yes: the meeting as a calendar file,
// sent to the caller by direct message, written in their language; its
// times are in the group's zone, which apps show in their own.
func meetingFile(req *bot.Request, m *storage.Meeting, official *storage.Official) (bot.Reply, error) {
	cm := storage.CalendarMeeting{Meeting: *m}
	if official != nil {
		cm.OfficialName, cm.OfficialOffice = official.Name, official.Office
	}
	ev := meetingEvent(req.T, req.Location(), &cm)
	var b bytes.Buffer
	if err := ical.Write(&b, ical.Calendar{Zone: req.GroupLocation(), Events: []ical.Event{ev}}); err != nil {
		return bot.Reply{}, fmt.Errorf("calendar file of meeting %d: %w", m.Number, err)
	}
	dm := bot.Reply{
		Title: req.T("calendar.file.title", "Number", m.Number),
		Text:  req.T("calendar.file.text", "What", ev.Summary, "When", inZones(req, m.StartsAt)),
		Files: []bot.File{{Name: fmt.Sprintf("meeting-%d.ics", m.Number), ContentType: "text/calendar; charset=utf-8", Data: b.Bytes()}},
	}
	return bot.Reply{
		Text:      req.T("calendar.file.sent", "Number", m.Number),
		Tone:      bot.Success,
		Ephemeral: true,
		DMs:       []bot.DirectMessage{{To: req.User, Reply: dm}},
	}, nil
}
