// Package ical writes iCalendar files (RFC 5545): a group's meetings as
// the feed calendar apps subscribe to, or one meeting as a file to import.
// Every event is written in the group's time zone, whose VTIMEZONE comes
// from Go's own zone data for the span of the events, so that Google
// Calendar, Apple Calendar and Thunderbird place it alike. It knows
// nothing of meetings: callers write each event's words.
package ical

import (
	"fmt"
	"io"
	"time"

	ics "github.com/arran4/golang-ical"
)

// ProductID names fcbot as the writer of its calendars (PRODID).
const ProductID = "-//fcbot//fcbot meetings//EN"

// Calendar is one iCalendar object: its events, all in one zone.
type Calendar struct {
	// Name is what calendar apps call a subscribed calendar
	// (X-WR-CALNAME); "" for a file of one event.
	Name string
	// Zone is the zone every event's times are written in.
	Zone *time.Location
	// Refresh, when set, asks apps to fetch the calendar again that often
	// (REFRESH-INTERVAL and X-PUBLISHED-TTL).
	Refresh time.Duration
	Events  []Event
}

// Event is one VEVENT.
type Event struct {
	// UID stays the same for the life of the event, so that a later copy
	// replaces the earlier one in calendars.
	UID        string
	Start, End time.Time
	Summary    string
	// Description and Location are plain text; either may be "".
	Description string
	Location    string
	// Sequence counts the event's revisions that calendars must act on
	// (a move, a cancellation): the copy with the highest one wins.
	Sequence  int64
	Cancelled bool
	// Created and Modified are when the event was created and last
	// changed: DTSTAMP and LAST-MODIFIED are Modified, so that the same
	// events always make the same file.
	Created, Modified time.Time
}

// localLayout is a DATE-TIME in local time, which a TZID names.
const localLayout = "20060102T150405"

// Write writes the calendar to w, lines ending in CRLF and folded at 75
// octets.
func Write(w io.Writer, c Calendar) error {
	cal := ics.NewCalendarFor("fcbot")
	cal.SetProductId(ProductID)
	cal.SetCalscale("GREGORIAN")
	zone := c.Zone.String()
	if c.Name != "" {
		cal.SetXWRCalName(c.Name)
		cal.SetXWRTimezone(zone)
	}
	if c.Refresh > 0 {
		every := fmt.Sprintf("PT%dM", int(c.Refresh.Minutes()))
		cal.SetRefreshInterval(every) // the library's name for it carries VALUE=DURATION
		cal.SetXPublishedTTL(every)
	}
	if len(c.Events) > 0 {
		from, to := c.Events[0].Start, c.Events[0].End
		for _, e := range c.Events {
			from, to = minTime(from, e.Start), maxTime(to, e.End)
		}
		cal.AddVTimezone(timezone(c.Zone, from, to))
	}
	for _, e := range c.Events {
		cal.AddVEvent(event(e, c.Zone))
	}
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("ical: write: %w", err)
	}
	return nil
}

// event is e as a VEVENT whose times are local to zone.
func event(e Event, zone *time.Location) *ics.VEvent {
	v := ics.NewEvent(e.UID)
	v.SetDtStampTime(e.Modified)
	v.SetCreatedTime(e.Created)
	v.SetLastModifiedAt(e.Modified)
	v.SetProperty(ics.ComponentPropertyDtStart, e.Start.In(zone).Format(localLayout), ics.WithTZID(zone.String()))
	v.SetProperty(ics.ComponentPropertyDtEnd, e.End.In(zone).Format(localLayout), ics.WithTZID(zone.String()))
	v.SetSequence(int(e.Sequence))
	v.SetSummary(e.Summary)
	if e.Description != "" {
		v.SetDescription(e.Description)
	}
	if e.Location != "" {
		v.SetLocation(e.Location)
	}
	if e.Cancelled {
		v.SetStatus(ics.ObjectStatusCancelled)
		v.SetTimeTransparency(ics.TransparencyTransparent) // no longer keeps anyone busy
	} else {
		v.SetStatus(ics.ObjectStatusConfirmed)
	}
	return v
}

// timezone describes zone from before from until after to: one
// observance (STANDARD or DAYLIGHT) for each period of the zone in that
// span, each with its own onset, taken from Go's zone data. Apps that know
// the zone by its name use their own rules; those that do not, and the
// RFC, need these to place the events.
func timezone(zone *time.Location, from, to time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(zone.String())
	at := from
	for {
		start, end := at.In(zone).ZoneBounds()
		tz.Components = append(tz.Components, observance(zone, start))
		if end.IsZero() || end.After(to) {
			return tz
		}
		at = end
	}
}

// observance is the period of zone that begins at onset, the zero Time
// for one that always was (written as beginning in 1970). DTSTART is the
// onset in the local time that it ends, as the RFC asks.
func observance(zone *time.Location, onset time.Time) ics.Component {
	local := onset.In(zone)
	_, before := onset.Add(-time.Second).In(zone).Zone()
	start := onset.In(time.FixedZone("", before)).Format(localLayout)
	if onset.IsZero() {
		local = time.Date(1970, 1, 1, 0, 0, 0, 0, zone)
		_, before = local.Zone()
		start = local.Format(localLayout)
	}
	name, offset := local.Zone()
	base := ics.ComponentBase{}
	base.SetProperty(ics.ComponentPropertyDtStart, start)
	base.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(before))
	base.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(offset))
	base.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	if local.IsDST() {
		return &ics.Daylight{ComponentBase: base}
	}
	return &ics.Standard{ComponentBase: base}
}

// utcOffset writes an offset east of UTC in seconds as the RFC's
// UTC-OFFSET: +HHMM, or +HHMMSS when it has seconds.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	s := fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds/60%60)
	if seconds%60 != 0 {
		s += fmt.Sprintf("%02d", seconds%60)
	}
	return s
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
