package ical_test

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/fcbot/fcbot/ical"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// write writes c and parses it back, failing on anything RFC 5545 asks
// of every line: CRLF endings, at most 75 octets, folded lines that start
// with a space.
func write(t *testing.T, c ical.Calendar) (string, *ics.Calendar) {
	t.Helper()
	var b bytes.Buffer
	if err := ical.Write(&b, c); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if !strings.HasSuffix(text, "END:VCALENDAR\r\n") {
		t.Fatalf("the calendar does not end with END:VCALENDAR and CRLF:\n%s", text)
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse back: %v\n%s", err, text)
	}
	return text, cal
}

// calendarProp returns the value of a calendar property, "" when absent.
func calendarProp(cal *ics.Calendar, name string) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			return p.Value
		}
	}
	return ""
}

func prop(c *ics.ComponentBase, name string) string {
	if p := c.GetProperty(ics.ComponentProperty(name)); p != nil {
		return p.Value
	}
	return ""
}

// TestWriteParsesBack: what Write writes, a parser reads back whole: the
// properties RFC 5545 requires of the calendar and of every event, each
// event's times at the same instants, in a zone the calendar describes,
// and its words, however they are punctuated.
func TestWriteParsesBack(t *testing.T) {
	chicago := zone(t, "America/Chicago")
	start := time.Date(2026, 10, 27, 12, 30, 0, 0, chicago) // before the clocks go back on November 1
	later := time.Date(2026, 11, 10, 18, 0, 0, 0, chicago)
	made := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	events := []ical.Event{
		{
			UID: "meeting-7-1@fcbot", Start: start, End: start.Add(time.Hour),
			Summary:     "Law-enforcement meeting with Jane Roe, sheriff; bring the guide",
			Description: "Gather: Tue Oct 27, 12:10 PM, near the Sheriff's Office\nSecond line: ñandú, 東京, \\ and \"quotes\" " + strings.Repeat("long text ", 20),
			Location:    "Sheriff's Office, 100 Main St.; room 2",
			Created:     made, Modified: made,
		},
		{
			UID: "meeting-7-2@fcbot", Start: later, End: later.Add(time.Hour), Summary: "Rally",
			Sequence: 2, Cancelled: true, Created: made, Modified: made.Add(48 * time.Hour),
		},
	}
	text, cal := write(t, ical.Calendar{Name: "Springfield: meetings", Zone: chicago, Refresh: time.Hour, Events: events})

	for name, want := range map[string]string{"VERSION": "2.0", "PRODID": ical.ProductID, "CALSCALE": "GREGORIAN", "X-WR-CALNAME": "Springfield: meetings", "X-WR-TIMEZONE": "America/Chicago", "X-PUBLISHED-TTL": "PT60M"} {
		if got := calendarProp(cal, name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	if !strings.Contains(text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT60M\r\n") {
		t.Errorf("no REFRESH-INTERVAL of an hour:\n%s", text)
	}
	zones := map[string]bool{}
	for _, tz := range cal.Timezones() {
		zones[prop(&tz.ComponentBase, "TZID")] = true
		if len(tz.Components) == 0 {
			t.Errorf("VTIMEZONE %s has no STANDARD or DAYLIGHT", prop(&tz.ComponentBase, "TZID"))
		}
	}
	got := cal.Events()
	if len(got) != len(events) {
		t.Fatalf("%d events parsed, want %d", len(got), len(events))
	}
	for i, e := range got {
		want := events[i]
		for _, required := range []string{"UID", "DTSTAMP", "DTSTART"} {
			if prop(&e.ComponentBase, required) == "" {
				t.Errorf("event %d lacks %s", i, required)
			}
		}
		for _, p := range []string{"DTSTART", "DTEND"} {
			tzid := e.GetProperty(ics.ComponentProperty(p)).ICalParameters["TZID"]
			if len(tzid) != 1 || !zones[tzid[0]] {
				t.Errorf("event %d: %s has TZID %q, want one a VTIMEZONE describes (%v)", i, p, tzid, zones)
			}
		}
		gotStart, err := e.GetStartAt()
		if err != nil || !gotStart.Equal(want.Start) {
			t.Errorf("event %d starts %v (%v), want %v", i, gotStart, err, want.Start)
		}
		if gotEnd, err := e.GetEndAt(); err != nil || !gotEnd.Equal(want.End) {
			t.Errorf("event %d ends %v (%v), want %v", i, gotEnd, err, want.End)
		}
		if stamp, err := e.GetDtStampTime(); err != nil || !stamp.Equal(want.Modified) {
			t.Errorf("event %d DTSTAMP %v (%v), want %v", i, stamp, err, want.Modified)
		}
		status, transp := "CONFIRMED", ""
		if want.Cancelled {
			status, transp = "CANCELLED", "TRANSPARENT"
		}
		checks := map[string]string{
			"UID": want.UID, "SUMMARY": want.Summary, "DESCRIPTION": want.Description, "LOCATION": want.Location,
			"SEQUENCE": strconv.FormatInt(want.Sequence, 10), "STATUS": status, "TRANSP": transp,
		}
		for name, w := range checks {
			if g := prop(&e.ComponentBase, name); g != w {
				t.Errorf("event %d %s: got %q, want %q", i, name, g, w)
			}
		}
	}
}

// TestTimezoneMatchesGo: the VTIMEZONE written for a span of events gives
// every instant of the span the offset Go's own zone data gives it, for
// zones north and south of the equator, with and without summer time,
// with half- and quarter-hour offsets, and for UTC.
func TestTimezoneMatchesGo(t *testing.T) {
	for _, name := range []string{"America/Chicago", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "America/Sao_Paulo", "UTC"} {
		t.Run(name, func(t *testing.T) {
			loc := zone(t, name)
			first := time.Date(2026, 1, 15, 19, 0, 0, 0, loc)
			var events []ical.Event
			for i := range 5 {
				s := first.AddDate(0, 5*i, 0)
				events = append(events, ical.Event{UID: fmt.Sprintf("e%d@test", i), Start: s, End: s.Add(time.Hour), Summary: "Meeting", Created: first, Modified: first})
			}
			_, cal := write(t, ical.Calendar{Zone: loc, Events: events})
			tzs := cal.Timezones()
			if len(tzs) != 1 || prop(&tzs[0].ComponentBase, "TZID") != name {
				t.Fatalf("got %d VTIMEZONEs, want one for %s", len(tzs), name)
			}
			offsetAt := observances(t, tzs[0])
			last := events[len(events)-1].End
			for at := first; !at.After(last); at = at.Add(time.Hour) {
				_, want := at.In(loc).Zone()
				if got, ok := offsetAt(at); !ok || got != want {
					t.Fatalf("at %v: the VTIMEZONE gives offset %d (covered: %v), Go %d", at, got, ok, want)
				}
			}
			for _, e := range cal.Events() {
				dtstart := e.GetProperty(ics.ComponentPropertyDtStart).Value
				local, err := time.Parse("20060102T150405", dtstart)
				if err != nil {
					t.Fatal(err)
				}
				start, _ := e.GetStartAt()
				off, _ := offsetAt(start)
				if !local.Add(-time.Duration(off) * time.Second).Equal(start) {
					t.Errorf("DTSTART %s read with the VTIMEZONE is not %v", dtstart, start)
				}
			}
		})
	}
}

// observances reads a VTIMEZONE as RFC 5545 defines it: each STANDARD or
// DAYLIGHT begins at its DTSTART, a local time in its TZOFFSETFROM, and
// sets TZOFFSETTO. It returns the offset at an instant, and whether an
// observance had begun by then.
func observances(t *testing.T, tz *ics.VTimezone) func(time.Time) (int, bool) {
	t.Helper()
	type onset struct {
		at     time.Time
		offset int
	}
	var onsets []onset
	for _, c := range tz.Components {
		var base *ics.ComponentBase
		switch o := c.(type) {
		case *ics.Standard:
			base = &o.ComponentBase
		case *ics.Daylight:
			base = &o.ComponentBase
		default:
			t.Fatalf("VTIMEZONE holds a %T", c)
		}
		if prop(base, "RRULE") != "" || prop(base, "RDATE") != "" {
			t.Fatalf("observance with a rule: this reader reads single onsets only")
		}
		local, err := time.Parse("20060102T150405", prop(base, "DTSTART"))
		if err != nil {
			t.Fatalf("observance DTSTART: %v", err)
		}
		from, to := parseOffset(t, prop(base, "TZOFFSETFROM")), parseOffset(t, prop(base, "TZOFFSETTO"))
		if prop(base, "TZNAME") == "" {
			t.Errorf("observance at %s has no TZNAME", prop(base, "DTSTART"))
		}
		onsets = append(onsets, onset{local.Add(-time.Duration(from) * time.Second), to})
	}
	sort.Slice(onsets, func(i, j int) bool { return onsets[i].at.Before(onsets[j].at) })
	return func(at time.Time) (int, bool) {
		i := sort.Search(len(onsets), func(i int) bool { return onsets[i].at.After(at) })
		if i == 0 {
			return 0, false
		}
		return onsets[i-1].offset, true
	}
}

// parseOffset reads a UTC-OFFSET: +HHMM or +HHMMSS.
func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("UTC offset %q", s)
	}
	n := func(i int) int {
		v, err := strconv.Atoi(s[i : i+2])
		if err != nil {
			t.Fatalf("UTC offset %q: %v", s, err)
		}
		return v
	}
	secs := n(1)*3600 + n(3)*60
	if len(s) == 7 {
		secs += n(5)
	}
	if s[0] == '-' {
		secs = -secs
	}
	return secs
}

// TestOneEventFile: a file of one event names no calendar and asks no
// refresh, and still describes its zone.
func TestOneEventFile(t *testing.T) {
	loc := zone(t, "America/Chicago")
	s := time.Date(2026, 12, 1, 12, 30, 0, 0, loc)
	text, cal := write(t, ical.Calendar{Zone: loc, Events: []ical.Event{{UID: "meeting-1-3@fcbot", Start: s, End: s.Add(time.Hour), Summary: "Town hall", Created: s, Modified: s}}})
	for _, absent := range []string{"X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "DESCRIPTION", "LOCATION"} {
		if strings.Contains(text, absent) {
			t.Errorf("a one-event file holds %s:\n%s", absent, text)
		}
	}
	if len(cal.Events()) != 1 || len(cal.Timezones()) != 1 {
		t.Errorf("got %d events and %d zones, want one of each:\n%s", len(cal.Events()), len(cal.Timezones()), text)
	}
}
