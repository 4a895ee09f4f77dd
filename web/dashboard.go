package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// The coordinators' dashboard: GET /d/{link}, where link is the signed
// part of the address /dashboard gave a coordinator. It shows the
// group's meetings of the next two weeks with their RSVP counts, its open
// tasks and its digest, in the language and zone of the member it was
// made for. It is private: never cached, never indexed, and its link
// stops working after 24 hours (410 Gone) or when it was not signed by
// this instance (404, as any unknown path).

// dashboardDays is how far ahead the dashboard lists meetings.
const dashboardDays = 14

// dashboardTasks bounds the open tasks listed; the rest are counted.
const dashboardTasks = 50

// dashboardView is what dashboard.html shows.
type dashboardView struct {
	Lang, Title, Expires       string
	Public, PublicURL          string // the public scorecard, when published
	MeetingsTitle, NoMeetings  string
	Meetings                   []dashboardMeeting
	TasksTitle, NoTasks, More  string
	Tasks                      []dashboardTask
	DigestTitle, DigestHeading string
	DigestText                 string
	Digest                     []bot.Field
}

// dashboardMeeting is an upcoming meeting with its RSVP counts.
type dashboardMeeting struct {
	Number, When, WhenISO, What, Place, RSVPs string
}

// dashboardTask is an open task.
type dashboardTask struct {
	Number, Title, Due, Assignee string
}

// dashboard serves GET /d/{link}.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	access, err := s.Env.OpenDashboard(ctx, r.PathValue("link"))
	switch {
	case errors.Is(err, commands.ErrLinkExpired):
		w.Header().Set("Cache-Control", cachePrivate)
		http.Error(w, http.StatusText(http.StatusGone), http.StatusGone)
		return
	case errors.Is(err, commands.ErrLinkInvalid):
		http.NotFound(w, r)
		return
	case err != nil:
		s.fail(w, r, "dashboard", err)
		return
	}
	v, err := s.dashboardView(r, access)
	if err != nil {
		s.fail(w, r, "dashboard", err)
		return
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	s.render(w, r, "dashboard.html", v, cachePrivate)
}

// dashboardView reads what the dashboard shows, for the member the link
// was made for.
func (s *Server) dashboardView(r *http.Request, a commands.DashboardAccess) (dashboardView, error) {
	ctx, st := r.Context(), s.Env.Store
	g, err := st.GroupByID(ctx, a.GroupID)
	if err != nil {
		return dashboardView{}, err
	}
	m, err := st.MemberByID(ctx, a.GroupID, a.MemberID)
	if err != nil {
		return dashboardView{}, err
	}
	lang, loc, now := commands.Language(m.Language, m.Locale, g.Language), storage.ZoneOr(m.TimeZone, g.Location()), s.Env.Clock.Now()
	t := translator(lang)
	name := g.Jurisdiction
	if name == "" {
		name = t("web.dashboard.your_group")
	}
	v := dashboardView{
		Lang: lang, Title: t("web.dashboard.title", "Name", name),
		Expires:       t("web.dashboard.expires", "When", bot.At(a.Expires, loc, bot.DateZone)),
		MeetingsTitle: t("web.dashboard.meetings", "Days", dashboardDays), NoMeetings: t("web.dashboard.no_meetings"),
		TasksTitle: t("web.dashboard.tasks"), NoTasks: t("web.dashboard.no_tasks"),
		DigestTitle: t("web.dashboard.digest"),
	}
	if token, err := st.PublishedToken(ctx, g.ID); err == nil {
		v.Public, v.PublicURL = t("web.dashboard.public"), s.Env.PublicURL+commands.ScorecardPath(token)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return dashboardView{}, err
	}
	meetings, err := st.UpcomingMeetings(ctx, g.ID, now, now.Add(dashboardDays*24*time.Hour))
	if err != nil {
		return dashboardView{}, err
	}
	for _, mt := range meetings {
		what := bot.Translate(lang, bot.M("meeting.kind."+string(mt.Kind)))
		if mt.OfficialName != "" {
			what = t("web.dashboard.with", "What", what, "Official", mt.OfficialName)
		}
		v.Meetings = append(v.Meetings, dashboardMeeting{
			Number: strconv.FormatInt(mt.Number, 10), What: what, Place: mt.Place,
			When: bot.At(mt.StartsAt, loc, bot.DateZone).Localize(lang), WhenISO: mt.StartsAt.UTC().Format(time.RFC3339),
			RSVPs: t("web.dashboard.rsvps", "Yes", mt.Yes, "Maybe", mt.Maybe, "No", mt.No),
		})
	}
	page := &storage.Page{Number: 1, Per: dashboardTasks}
	tasks, total, err := st.Tasks(ctx, storage.TaskFilter{GroupID: g.ID, Status: storage.TaskOpen, Page: page})
	if err != nil {
		return dashboardView{}, err
	}
	for _, tk := range tasks {
		row := dashboardTask{Number: strconv.FormatInt(tk.Number, 10), Title: tk.Title, Assignee: tk.AssigneeName}
		if tk.DueAt != nil {
			row.Due = t("web.dashboard.due", "When", bot.At(*tk.DueAt, loc, bot.DateTime))
		}
		v.Tasks = append(v.Tasks, row)
	}
	if more := int(total) - len(tasks); more > 0 {
		v.More = t("web.dashboard.more_tasks", "Count", more)
	}
	d, err := s.Env.BuildDigest(ctx, g.ID, now, lang, loc)
	if err != nil {
		return dashboardView{}, err
	}
	v.DigestHeading, v.DigestText, v.Digest = d.Reply.Title, d.Reply.Text, d.Reply.Fields
	return v, nil
}
