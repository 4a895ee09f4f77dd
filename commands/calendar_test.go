package commands_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

var calendarLink = regexp.MustCompile(`https://fcbot\.example\.org/calendar/[A-Za-z0-9_-]{43}\.ics`)

// link runs a line that hands out the calendar link and returns the link.
func (b *testBot) link(line string, wants ...string) string {
	b.t.Helper()
	out := b.expect(line, append(wants, "Apple Calendar: File → New Calendar Subscription", "private to the group")...)
	link := calendarLink.FindString(out)
	if link == "" {
		b.t.Fatalf("%s: no calendar link in\n%s", line, out)
	}
	return link
}

// TestCalendarCommand: every member gets the group's one private link
// with how to subscribe; only a lead replaces it, and the audit log says
// so without the link; an instance that serves no pages says why.
func TestCalendarCommand(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfieldSetup, "first lead")
		b.refuse("/calendar", "serves no web pages", "PUBLIC_URL")
		b.env.PublicURL = "https://fcbot.example.org"

		b.do("as bob")
		res := b.asUser("bob", false, "/calendar")
		if !res.Reply.Ephemeral || !strings.Contains(res.Reply.Title, "Calendar feed: Springfield") {
			t.Errorf("/calendar: %q, ephemeral %v; want the group's feed, to the caller only", res.Reply.Title, res.Reply.Ephemeral)
		}
		link := b.link("/calendar")
		if again := b.link("/calendar link"); again != link {
			t.Errorf("/calendar link %s, /calendar %s: want the same", again, link)
		}
		b.refuse("/calendar rotate", "lead")
		if again := b.link("/calendar"); again != link {
			t.Errorf("after a member's refused rotation: %s, want the link unchanged", again)
		}

		b.do("as you")
		if mine := b.link("/calendar"); mine != link {
			t.Errorf("the lead's link %s, the member's %s: want one per group", mine, link)
		}
		rotated := b.link("/calendar rotate", "The old link no longer works")
		if rotated == link {
			t.Errorf("/calendar rotate handed out the old link %s", link)
		}
		if again := b.link("/calendar"); again != rotated {
			t.Errorf("the lead's /calendar after rotating: %s, want %s", again, rotated)
		}
		b.do("as bob")
		if got := b.link("/calendar"); got != rotated {
			t.Errorf("after the rotation bob gets %s, want %s", got, rotated)
		}
		b.do("as you")
		audit := b.expect("/audit", "calendar.rotate", "link replaced")
		token := strings.TrimSuffix(rotated[strings.LastIndex(rotated, "/")+1:], ".ics")
		if strings.Contains(audit, token) || strings.Contains(audit, "/calendar/") {
			t.Errorf("the audit log holds the link:\n%s", audit)
		}
	})
}

// TestMeetingShowCalendarFile: /meeting show points to the calendar file
// while the meeting is ahead, and ics:yes sends it by direct message, a
// file apps read: the meeting's event as the feed has it, moved or
// cancelled, naming no one.
func TestMeetingShowCalendarFile(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfieldSetup, "first lead")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Official added")
		b.expect(`/meeting schedule when:"next tuesday 12:30" where:"Sheriff's Office" official:"Jane Roe"`, "Meeting 1")
		b.expect(`/meeting record when:"nov 20 7pm" where:"Library" kind:organizing`, "Meeting 2")
		b.do("as bob")
		b.expect("/meeting rsvp 1 yes", "yes")
		b.expect("/meeting show 1", "`/meeting show 1 ics:yes` sends it as a calendar file; `/calendar` subscribes you")
		if out := b.do("/meeting show 2"); strings.Contains(out, "ics:yes") {
			t.Errorf("a past meeting's /meeting show offers its calendar file:\n%s", out)
		}

		file := func(line string) *ics.VEvent {
			t.Helper()
			before := len(savedFile.FindAllStringSubmatch(b.sent.String(), -1))
			b.expect(line, "is on its way as a calendar file by direct message")
			saved := savedFile.FindAllStringSubmatch(b.sent.String(), -1)
			if len(saved) != before+1 || !strings.Contains(b.sent.String(), "[message to @bob]\nMeeting 1 for your calendar") {
				t.Fatalf("%s: want one file by direct message to bob, got:\n%s", line, b.sent.String())
			}
			data, err := os.ReadFile(saved[len(saved)-1][1])
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "bob") {
				t.Errorf("the calendar file names a member:\n%s", data)
			}
			cal, err := ics.ParseCalendar(strings.NewReader(string(data)))
			if err != nil || len(cal.Events()) != 1 || len(cal.Timezones()) != 1 {
				t.Fatalf("the calendar file (%v): want one event and its zone:\n%s", err, data)
			}
			return cal.Events()[0]
		}
		e := file("/meeting show 1 ics:yes")
		chicago, _ := time.LoadLocation("America/Chicago")
		start, err := e.GetStartAt()
		if err != nil || !start.Equal(time.Date(2026, 12, 1, 12, 30, 0, 0, chicago)) {
			t.Errorf("DTSTART %v (%v), want Tue Dec 1 12:30 in Chicago", start, err)
		}
		uid := e.Id()
		if !strings.HasPrefix(uid, "meeting-") || !strings.HasSuffix(uid, "-1@fcbot") {
			t.Errorf("UID %q, want meeting-<group>-1@fcbot", uid)
		}
		for name, want := range map[string]string{"SUMMARY": "Law-enforcement meeting with Jane Roe", "LOCATION": "Sheriff's Office", "STATUS": "CONFIRMED", "SEQUENCE": "0"} {
			if got := e.GetProperty(ics.ComponentProperty(name)).Value; got != want {
				t.Errorf("%s %q, want %q", name, got, want)
			}
		}

		b.do("as you")
		b.expect("/meeting cancel 1", "cancelled")
		b.do("as bob")
		e = file("/meeting show 1 ics:yes")
		if e.Id() != uid || e.GetProperty(ics.ComponentPropertyStatus).Value != "CANCELLED" || e.GetProperty(ics.ComponentPropertySequence).Value != "1" {
			t.Errorf("the cancelled meeting's file: UID %s STATUS %s SEQUENCE %s; want %s, CANCELLED, 1", e.Id(),
				e.GetProperty(ics.ComponentPropertyStatus).Value, e.GetProperty(ics.ComponentPropertySequence).Value, uid)
		}
		b.refuse("/meeting show 9 ics:yes", "no meeting 9")
	})
}
