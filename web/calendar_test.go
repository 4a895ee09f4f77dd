package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/jobs"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
	"github.com/fcbot/fcbot/web"
)

const publicURL = "https://fcbot.example.org"

// calendarRig runs commands in several workspaces through the real router
// and serves the web pages of the same Env.
type calendarRig struct {
	t      *testing.T
	clock  *bot.ManualClock
	router *bot.Router
	mux    *http.ServeMux
	sent   int
}

func newCalendarRig(t *testing.T, s *storage.Store) *calendarRig {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := bot.NewManualClock(time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)) // Friday, 9:00 in Chicago
	s.SetClock(clock.Now)
	env := &commands.Env{Store: s, Clock: clock, Log: log, PublicURL: publicURL}
	// The job queue, not started, is the outbox of the notices a move
	// or a cancellation queues for who said yes.
	if err := jobs.Migrate(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{Store: s, Env: env, Clock: clock, Log: log, NoTick: true})
	if err != nil {
		t.Fatal(err)
	}
	env.Outbox = q
	mux := http.NewServeMux()
	(&web.Server{Env: env, Log: log}).Routes(mux)
	return &calendarRig{t: t, clock: clock, router: commands.Router(env), mux: mux}
}

// run runs a line as user in workspace group and returns the reply.
func (r *calendarRig) run(group, user, line string) bot.Result {
	r.sent++
	req := &bot.Request{Platform: "console", Group: group, User: bot.User{ID: user, Name: user}, Channel: "c", Locale: "en", ID: fmt.Sprint("d", r.sent)}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: n, Name: n}, n != ""
	}
	return r.router.Run(context.Background(), req, line, mention, nil)
}

// must runs a line and fails on a refusal.
func (r *calendarRig) must(group, user, line string) string {
	r.t.Helper()
	res := r.run(group, user, line)
	if res.Err != nil || res.Reply.Tone == bot.Failure {
		r.t.Fatalf("%s: %v %s", line, res.Err, res.Reply.PlainText())
	}
	return res.Reply.PlainText()
}

var feedLink = regexp.MustCompile(regexp.QuoteMeta(publicURL) + `(/calendar/[A-Za-z0-9_-]{43}\.ics)`)

// link runs /calendar (or /calendar rotate) and returns the path of the
// feed it hands out.
func (r *calendarRig) link(group, user, line string) string {
	r.t.Helper()
	out := r.must(group, user, line)
	m := feedLink.FindStringSubmatch(out)
	if m == nil {
		r.t.Fatalf("%s: no feed link in\n%s", line, out)
	}
	return m[1]
}

func (r *calendarRig) get(path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	r.mux.ServeHTTP(rec, req)
	return rec
}

// feed fetches a feed, checks how it is served, and parses it.
func (r *calendarRig) feed(path string) (*ics.Calendar, string, *httptest.ResponseRecorder) {
	r.t.Helper()
	rec := r.get(path)
	if rec.Code != http.StatusOK {
		r.t.Fatalf("GET %s: %d, want 200", path, rec.Code)
	}
	for name, want := range map[string]string{
		"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, max-age=300",
		"Content-Disposition": `inline; filename="meetings.ics"`,
	} {
		if got := rec.Header().Get(name); got != want {
			r.t.Errorf("GET %s: %s %q, want %q", path, name, got, want)
		}
	}
	if rec.Header().Get("ETag") == "" {
		r.t.Errorf("GET %s: no ETag", path)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(rec.Body.String()))
	if err != nil {
		r.t.Fatalf("parse the feed: %v\n%s", err, rec.Body.String())
	}
	return cal, rec.Body.String(), rec
}

func prop(e *ics.VEvent, name string) string {
	if p := e.GetProperty(ics.ComponentProperty(name)); p != nil {
		return p.Value
	}
	return ""
}

// eventNumbered returns the feed's event with the UID, failing unless it
// is there exactly once.
func eventNumbered(t *testing.T, cal *ics.Calendar, uid string) *ics.VEvent {
	t.Helper()
	var found []*ics.VEvent
	for _, e := range cal.Events() {
		if e.Id() == uid {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d events with UID %s, want 1", len(found), uid)
	}
	return found[0]
}

// TestCalendarFeed walks the case: a member subscribes to the
// group's feed; the meeting is moved, then cancelled, and the feed says
// so with the same UID, a higher SEQUENCE and STATUS:CANCELLED; another
// group's meetings never appear; a wrong or replaced token gets the 404
// of any unknown path.
func TestCalendarFeed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newCalendarRig(t, s)
		chicago, _ := time.LoadLocation("America/Chicago")
		r.must("A", "zelda", `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
		r.must("A", "zelda", `/official add name:"Jane Roe" office:sheriff`)
		r.must("A", "zelda", `/meeting schedule when:"next tuesday 12:30" where:"Sheriff's Office, 100 Main St" official:"Jane Roe"`)
		r.must("A", "quentin", "/meeting rsvp 1 yes")
		r.must("B", "otto", `/setup jurisdiction:"Shelbyville" kind:city timezone:Europe/Madrid`)
		r.must("B", "otto", `/meeting schedule when:"next tuesday 18:00" where:"Shelbyville Hall" kind:organizing`)

		feedA := r.link("A", "quentin", "/calendar") // a member
		if again := r.link("A", "zelda", "/calendar link"); again != feedA {
			t.Fatalf("the lead's /calendar link %s, the member's %s: want one link per group", again, feedA)
		}
		feedB := r.link("B", "otto", "/calendar")
		groupA, err := s.GroupByCalendarToken(context.Background(), strings.TrimSuffix(strings.TrimPrefix(feedA, "/calendar/"), ".ics"))
		if err != nil {
			t.Fatal(err)
		}
		uid := fmt.Sprintf("meeting-%d-1@fcbot", groupA.ID)

		before := s.Statements()
		cal, body, first := r.feed(feedA)
		if n := s.Statements() - before; n != 2 {
			t.Errorf("GET the feed sent %d statements, want 2 (the group by its token, its meetings)", n)
		}
		for _, leak := range []string{"zelda", "quentin", "otto", "Shelbyville"} {
			if strings.Contains(body, leak) {
				t.Errorf("group A's feed holds %q:\n%s", leak, body)
			}
		}
		e := eventNumbered(t, cal, uid)
		start, err := e.GetStartAt()
		if want := time.Date(2026, 12, 1, 12, 30, 0, 0, chicago); err != nil || !start.Equal(want) {
			t.Errorf("DTSTART %v (%v), want %v", start, err, want)
		}
		if tzid := e.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]; len(tzid) != 1 || tzid[0] != "America/Chicago" {
			t.Errorf("DTSTART's TZID %q, want America/Chicago", tzid)
		}
		if tzs := cal.Timezones(); len(tzs) != 1 || tzs[0].GetProperty(ics.ComponentPropertyTzid).Value != "America/Chicago" {
			t.Errorf("VTIMEZONEs: %d, want America/Chicago's", len(tzs))
		}
		wants := map[string]string{"SEQUENCE": "0", "STATUS": "CONFIRMED", "SUMMARY": "Law-enforcement meeting with Jane Roe", "LOCATION": "Sheriff's Office, 100 Main St"}
		for name, want := range wants {
			if got := prop(e, name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}
		if d := prop(e, "DESCRIPTION"); !strings.Contains(d, "Gather: Tue Dec 1, 2026, 12:10 PM CST, near Sheriff's Office, 100 Main St") || !strings.Contains(d, "Official: Jane Roe (Sheriff)") {
			t.Errorf("DESCRIPTION %q, want the gather time and place and the official", d)
		}
		if rec := r.get(feedA, "If-None-Match", first.Header().Get("ETag")); rec.Code != http.StatusNotModified {
			t.Errorf("GET with the feed's ETag: %d, want 304", rec.Code)
		}

		r.must("A", "zelda", `/meeting reschedule 1 when:"next wednesday 12:30"`)
		cal, _, moved := r.feed(feedA)
		e = eventNumbered(t, cal, uid)
		start, _ = e.GetStartAt()
		if prop(e, "SEQUENCE") != "1" || prop(e, "STATUS") != "CONFIRMED" || !start.Equal(time.Date(2026, 12, 2, 12, 30, 0, 0, chicago)) {
			t.Errorf("after the move: SEQUENCE %s, STATUS %s, DTSTART %v; want 1, CONFIRMED, Wed Dec 2 12:30", prop(e, "SEQUENCE"), prop(e, "STATUS"), start)
		}
		if moved.Header().Get("ETag") == first.Header().Get("ETag") {
			t.Errorf("the ETag did not change with the feed")
		}

		r.must("A", "zelda", "/meeting cancel 1")
		cal, _, _ = r.feed(feedA)
		e = eventNumbered(t, cal, uid)
		if prop(e, "SEQUENCE") != "2" || prop(e, "STATUS") != "CANCELLED" {
			t.Errorf("after cancelling: SEQUENCE %s, STATUS %s; want 2, CANCELLED", prop(e, "SEQUENCE"), prop(e, "STATUS"))
		}

		calB, bodyB, _ := r.feed(feedB)
		if len(calB.Events()) != 1 || !strings.Contains(bodyB, "Shelbyville Hall") || strings.Contains(bodyB, "Sheriff") || !strings.Contains(bodyB, "TZID=Europe/Madrid") {
			t.Errorf("group B's feed: want its one meeting, in its zone, and none of A's:\n%s", bodyB)
		}

		// Unknown paths: what every wrong address must look like.
		unknown := r.get("/no/such/page")
		same := func(what, path string) {
			t.Helper()
			rec := r.get(path)
			if rec.Code != http.StatusNotFound || rec.Body.String() != unknown.Body.String() || fmt.Sprint(rec.Header()) != fmt.Sprint(unknown.Header()) {
				t.Errorf("%s: %d %v %q, want the unknown path's %d %v %q", what, rec.Code, rec.Header(), rec.Body, unknown.Code, unknown.Header(), unknown.Body)
			}
		}
		if unknown.Code != http.StatusNotFound {
			t.Fatalf("an unknown path: %d", unknown.Code)
		}
		same("a wrong token", "/calendar/"+strings.Repeat("A", 43)+".ics")
		same("a token without .ics", strings.TrimSuffix(feedA, ".ics"))
		same("another suffix", strings.TrimSuffix(feedA, ".ics")+".txt")
		same("a short token", "/calendar/abc.ics")
		same("no token", "/calendar/.ics")

		if res := r.run("A", "quentin", "/calendar rotate"); res.Err == nil || !strings.Contains(res.Reply.PlainText(), "lead") {
			t.Errorf("a member's /calendar rotate: %v %q, want a refusal for leads only", res.Err, res.Reply.PlainText())
		}
		r.feed(feedA) // still served
		rotated := r.link("A", "zelda", "/calendar rotate")
		if rotated == feedA {
			t.Fatalf("/calendar rotate handed out the same link")
		}
		same("the replaced token", feedA)
		r.feed(rotated)
		if again := r.link("A", "quentin", "/calendar"); again != rotated {
			t.Errorf("/calendar after the rotation: %s, want the new link %s", again, rotated)
		}
		r.feed(feedB) // another group's link is untouched

		// Meetings leave the feed 90 days after they start.
		r.clock.Advance(100 * 24 * time.Hour)
		if cal, _, _ := r.feed(rotated); len(cal.Events()) != 0 {
			t.Errorf("100 days later the feed holds %d events, want none", len(cal.Events()))
		}
	})
}
