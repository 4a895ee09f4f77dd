package commands

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
)

// timeCase is an input and what a parse should make of it: a time,
// formatted in Chicago, or an error.
type timeCase struct {
	in   string
	want string // "Mon 2006-01-02 15:04" in Chicago, or "" for an error
	err  error
}

// refNow is the tests' reference time: Friday 2026-11-27 09:00 in Chicago.
func refNow(t testing.TB) (time.Time, *time.Location) {
	t.Helper()
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 11, 27, 9, 0, 0, 0, chicago), chicago
}

func runTimeCases(t *testing.T, name string, parse func(string, time.Time, *time.Location) (time.Time, error), tests []timeCase) {
	now, chicago := refNow(t)
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parse(tt.in, now, chicago)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("%s(%q) = %v, %v; want error %v", name, tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s(%q): %v", name, tt.in, err)
			}
			if s := got.In(chicago).Format("Mon 2006-01-02 15:04"); s != tt.want {
				t.Errorf("%s(%q) = %s, want %s", name, tt.in, s, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	runTimeCases(t, "ParseTime", ParseTime, []timeCase{
		{"tomorrow 3pm", "Sat 2026-11-28 15:00", nil},
		{"next tuesday 12:30", "Tue 2026-12-01 12:30", nil},
		{"dec 3 noon", "Thu 2026-12-03 12:00", nil},
		{"2026-12-03 12:00", "Thu 2026-12-03 12:00", nil},
		{"12/3 14:00", "Thu 2026-12-03 14:00", nil},
		{"12/3/2026 2pm", "Thu 2026-12-03 14:00", nil},
		{"tues 7:30pm", "Tue 2026-12-01 19:30", nil},
		{"friday 6pm", "Fri 2026-12-04 18:00", nil},
		{"Tomorrow at noon", "Sat 2026-11-28 12:00", nil},
		{"2026-12-03T18:00:00Z", "Thu 2026-12-03 12:00", nil},
		{"1/5 9am", "Tue 2027-01-05 09:00", nil},
		{"dec 3", "", errNoTimeOfDay},
		{"someday soonish maybe", "", errUnreadableTime},
		{"", "", errUnreadableTime},

		// Valid dates and clocks next to the impossible ones: the
		// pre-check must let them through.
		{"2028-02-29 10:00", "Tue 2028-02-29 10:00", nil},
		{"feb 29 2028 noon", "Tue 2028-02-29 12:00", nil},
		{"29 de febrero de 2028 12:00", "Tue 2028-02-29 12:00", nil},
		{"2/29/2028 9am", "Tue 2028-02-29 09:00", nil},
		{"2/28/2027 9am", "Sun 2027-02-28 09:00", nil},
		{"feb 28 noon", "Sun 2027-02-28 12:00", nil},
		{"feb. 28 10am", "Sun 2027-02-28 10:00", nil},
		{"apr 30 10am", "Fri 2027-04-30 10:00", nil},
		{"may 31 3pm", "Mon 2027-05-31 15:00", nil},
		{"3 may 2pm", "Mon 2027-05-03 14:00", nil},
		{"31 de agosto 20:00", "Mon 2026-08-31 20:00", nil}, // over half a year ahead: the nearest, which the caller refuses
		{"31 ago 20:00", "Mon 2026-08-31 20:00", nil},       // "ago" after a day is agosto, read like "31 de agosto"
		{"sept 30 noon", "Wed 2026-09-30 12:00", nil},
		{"31st of march 3pm", "Wed 2027-03-31 15:00", nil},
		{"1 de marzo 10:00", "Mon 2027-03-01 10:00", nil},
		{"3 de diciembre 12:00", "Thu 2026-12-03 12:00", nil},
		{"dec 31 11:59pm", "Thu 2026-12-31 23:59", nil},
		{"31 dec 10am", "Thu 2026-12-31 10:00", nil},
		{"12/31 11pm", "Thu 2026-12-31 23:00", nil},
		{"jan 31 9am", "Sun 2027-01-31 09:00", nil},
		{"jan 31, 2027 9am", "Sun 2027-01-31 09:00", nil},
		{"december 3, 2026 at 7pm", "Thu 2026-12-03 19:00", nil},
		{"december 3rd at 7pm", "Thu 2026-12-03 19:00", nil},
		{"7pm dec 3", "Thu 2026-12-03 19:00", nil},
		{"dec 4 at 3pm", "Fri 2026-12-04 15:00", nil},
		{"friday dec 4 7pm", "Fri 2026-12-04 19:00", nil},
		{"2027-01-15 9:30am", "Fri 2027-01-15 09:30", nil},
		{"1/15/2027 15:00", "Fri 2027-01-15 15:00", nil},
		{"tomorrow 00:30", "Sat 2026-11-28 00:30", nil},
		{"tomorrow 23:59", "Sat 2026-11-28 23:59", nil},
		{"tomorrow 12am", "Sat 2026-11-28 00:00", nil}, // `when` alone reads noon
		{"tomorrow 12:00am", "Sat 2026-11-28 00:00", nil},
		{"tomorrow 12:30pm", "Sat 2026-11-28 12:30", nil},
		{"tomorrow 7 pm", "Sat 2026-11-28 19:00", nil},
		{"tomorrow 7 p.m.", "Sat 2026-11-28 19:00", nil},
		{"noon tomorrow", "Sat 2026-11-28 12:00", nil},
		{"mañana a las 3pm", "Sat 2026-11-28 15:00", nil},
		{"in 3 hours", "Fri 2026-11-27 12:00", nil},
		{"in 2 weeks 3pm", "Fri 2026-12-11 15:00", nil},
		{"monday 9:00 am", "Mon 2026-11-30 09:00", nil},
		{"sat 10am", "Sat 2026-11-28 10:00", nil},
		{"thurs 6:30pm", "Thu 2026-12-03 18:30", nil},
		{"friday 8am", "Fri 2026-12-04 08:00", nil},
		{"friday noon", "Fri 2026-12-04 12:00", nil},
		{"7pm on friday", "Fri 2026-12-04 19:00", nil},
		{"martes 12:30", "Tue 2026-12-01 12:30", nil},
		{"el viernes a las 7pm", "Fri 2026-12-04 19:00", nil},
		{"sábado 10:00", "Sat 2026-11-28 10:00", nil},
		{"tomorrow 3pm est", "Sat 2026-11-28 14:00", nil},
		// A date without a year is next year's once its day has passed, if
		// that is within half a year; else the nearest (last week's, for
		// the caller to refuse as passed, rather than a year away). Today's
		// date stays today.
		{"nov 20 7pm", "Fri 2026-11-20 19:00", nil},
		{"11/20 7pm", "Fri 2026-11-20 19:00", nil},
		{"nov 27 8am", "Fri 2026-11-27 08:00", nil},
		{"11/27 8am", "Fri 2026-11-27 08:00", nil},
		{"last friday 7pm", "Fri 2026-11-20 19:00", nil}, // read as written; the caller refuses it
		{"next tuesday", "", errNoTimeOfDay},
		{"in 2 weeks", "", errNoTimeOfDay},
		{"monday dec 4 7pm", "", errUnreadableTime}, // Dec 4 is a Friday

		// Spanish.
		{"el próximo martes a las 12:30", "Tue 2026-12-01 12:30", nil},
		{"el martes que viene a las 12:30", "Tue 2026-12-01 12:30", nil},
		{"el martes próximo 12:30", "Tue 2026-12-01 12:30", nil},
		{"pasado mañana a las 3pm", "Sun 2026-11-29 15:00", nil},
		{"manana 3pm", "Sat 2026-11-28 15:00", nil},
		{"mañana a las 3 de la tarde", "Sat 2026-11-28 15:00", nil},
		{"mañana por la mañana a las 10", "Sat 2026-11-28 10:00", nil},
		{"hoy a las 7 de la noche", "Fri 2026-11-27 19:00", nil},
		{"esta tarde a las 5", "Fri 2026-11-27 17:00", nil},
		{"a mediodía", "Fri 2026-11-27 12:00", nil},
		{"el 3 de diciembre a las 12:00", "Thu 2026-12-03 12:00", nil},
		{"3 de diciembre de 2026 a las 7pm", "Thu 2026-12-03 19:00", nil},
		{"martes 1 de diciembre a las 12:30", "Tue 2026-12-01 12:30", nil},
		{"1º de diciembre 12:30", "Tue 2026-12-01 12:30", nil},
		{"dentro de 2 semanas a las 15:00", "Fri 2026-12-11 15:00", nil},
		{"en 3 horas", "Fri 2026-11-27 12:00", nil},
		{"mañana a las 3", "", errUnreadableTime}, // 3 in the morning or the afternoon?
		{"mañana por la mañana", "", errNoTimeOfDay},
		{"esta noche", "", errNoTimeOfDay},
		{"martes 3 de diciembre 12:00", "", errUnreadableTime}, // Dec 3 is a Thursday
		{"el sábado pasado mañana 10:00", "", errUnreadableTime},

		// English beyond the cases above.
		{"this friday 7pm", "Fri 2026-11-27 19:00", nil},
		{"next friday 7pm", "Fri 2026-12-04 19:00", nil},
		{"noon on friday", "Fri 2026-12-04 12:00", nil},
		{"3pm", "Fri 2026-11-27 15:00", nil},
		{"8am", "Sat 2026-11-28 08:00", nil}, // passed today: tomorrow's
		{"at 9am", "Sat 2026-11-28 09:00", nil},
		{"midnight", "Sat 2026-11-28 00:00", nil},
		{"tonight 7pm", "Fri 2026-11-27 19:00", nil},
		{"tonight at 8", "Fri 2026-11-27 20:00", nil},
		{"tomorrow at 7 in the evening", "Sat 2026-11-28 19:00", nil},
		{"day after tomorrow 10am", "Sun 2026-11-29 10:00", nil},
		{"in a week at 3pm", "Fri 2026-12-04 15:00", nil},
		{"in 90 minutes", "Fri 2026-11-27 10:30", nil},
		{"2026-12-03 at noon", "Thu 2026-12-03 12:00", nil},
		{"12/3 at 2pm", "Thu 2026-12-03 14:00", nil},
		{"dec 3, 2026, 7pm", "Thu 2026-12-03 19:00", nil},
		{"3rd of december 7pm", "Thu 2026-12-03 19:00", nil},
		{"friday 3pm pst", "Fri 2026-12-04 17:00", nil},
		{"tomorrow 3pm pacific", "Sat 2026-11-28 17:00", nil},
		{"tomorrow morning", "", errNoTimeOfDay},
		{"tomorrow morning 7pm", "", errUnreadableTime},
		{"tomorrow at 7", "", errUnreadableTime},
		{"friday midnight", "", errUnreadableTime}, // which end of Friday?
		{"dec 3 pm", "", errUnreadableTime},
		{"tomorrow dec 3 3pm", "", errUnreadableTime},
		{"in 3 months 3pm", "", errUnreadableTime},
		{"in 2 hours 3pm", "", errUnreadableTime},
		{"tomorrow 3pm or so", "", errUnreadableTime},
		{"next week 3pm", "", errUnreadableTime},
		{"25/12 10am", "", errUnreadableTime}, // day-first: not guessed at
		{"february 3pm", "", errUnreadableTime},
	})
}

// TestParseTimeCalendarEdges: days counted on the calendar, not in 24-hour
// steps, across the changes of daylight saving time; and a date in a
// month shorter than the current one.
func TestParseTimeCalendarEdges(t *testing.T) {
	_, chicago := refNow(t)
	tests := []struct {
		now  time.Time
		in   string
		want string
	}{
		// 00:30 on the day clocks fall back: 24 hours later is still Sunday.
		{time.Date(2026, 11, 1, 0, 30, 0, 0, chicago), "tomorrow 3pm", "Mon 2026-11-02 15:00"},
		{time.Date(2026, 11, 1, 0, 30, 0, 0, chicago), "in 2 weeks 3pm", "Sun 2026-11-15 15:00"},
		{time.Date(2026, 11, 1, 0, 30, 0, 0, chicago), "next monday 3pm", "Mon 2026-11-02 15:00"},
		// 23:30 the night before clocks spring forward: 24 hours later is Monday.
		{time.Date(2026, 3, 7, 23, 30, 0, 0, chicago), "tomorrow 3pm", "Sun 2026-03-08 15:00"},
		{time.Date(2026, 3, 7, 23, 30, 0, 0, chicago), "mañana a las 3pm", "Sun 2026-03-08 15:00"},
		// On the 31st, a day of a 30-day month or February.
		{time.Date(2026, 12, 31, 9, 0, 0, 0, chicago), "apr 5 3pm", "Mon 2027-04-05 15:00"},
		{time.Date(2026, 12, 31, 9, 0, 0, 0, chicago), "3 de febrero 10:00", "Wed 2027-02-03 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.now.Format("Jan 2 15:04")+"/"+tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in, tt.now, chicago)
			if err != nil {
				t.Fatalf("ParseTime(%q) at %v: %v", tt.in, tt.now, err)
			}
			if s := got.In(chicago).Format("Mon 2006-01-02 15:04"); s != tt.want {
				t.Errorf("ParseTime(%q) at %v = %s, want %s", tt.in, tt.now, s, tt.want)
			}
		})
	}
}

func TestParsePastTime(t *testing.T) {
	runTimeCases(t, "ParsePastTime", ParsePastTime, []timeCase{
		{"yesterday 7pm", "Thu 2026-11-26 19:00", nil},
		{"yesterday noon", "Thu 2026-11-26 12:00", nil},
		{"last friday 7pm", "Fri 2026-11-20 19:00", nil},
		{"last tuesday 12:30", "Tue 2026-11-24 12:30", nil},
		// A bare weekday is the most recent such time at or before now
		// (Friday 9:00): today's if it has come, else last week's.
		{"friday 7pm", "Fri 2026-11-20 19:00", nil},
		{"friday 10am", "Fri 2026-11-20 10:00", nil},
		{"friday 9am", "Fri 2026-11-27 09:00", nil},
		{"friday 8am", "Fri 2026-11-27 08:00", nil},
		{"fri at 7pm", "Fri 2026-11-20 19:00", nil},
		{"7pm on friday", "Fri 2026-11-20 19:00", nil},
		{"friday noon", "Fri 2026-11-20 12:00", nil},
		{"thursday 6:30pm", "Thu 2026-11-26 18:30", nil},
		{"thurs 6:30pm", "Thu 2026-11-26 18:30", nil},
		{"tues 7:30pm", "Tue 2026-11-24 19:30", nil},
		{"saturday 10am", "Sat 2026-11-21 10:00", nil},
		{"monday 9:00 am", "Mon 2026-11-23 09:00", nil},
		{"martes 12:30", "Tue 2026-11-24 12:30", nil},
		{"viernes 7pm", "Fri 2026-11-20 19:00", nil},
		{"el viernes a las 7pm", "Fri 2026-11-20 19:00", nil},
		// A date without a year: this year's if its day has come, else
		// last year's if that is within half a year, else the nearest (for
		// the caller to refuse as still to come).
		{"nov 20 7pm", "Fri 2026-11-20 19:00", nil},
		{"11/20 7pm", "Fri 2026-11-20 19:00", nil},
		{"20 de noviembre 19:00", "Fri 2026-11-20 19:00", nil},
		{"dec 3 7pm", "Thu 2026-12-03 19:00", nil},
		{"12/3 7pm", "Thu 2026-12-03 19:00", nil},
		{"december 3rd at 7pm", "Thu 2026-12-03 19:00", nil},
		{"3 de diciembre 12:00", "Thu 2026-12-03 12:00", nil},
		{"jan 31 9am", "Sun 2027-01-31 09:00", nil},
		{"nov 27 8am", "Fri 2026-11-27 08:00", nil},
		{"nov 27 10am", "Fri 2026-11-27 10:00", nil}, // later today, not 2025: the caller refuses it
		// Typed years are as typed, past or not.
		{"2026-11-20 19:00", "Fri 2026-11-20 19:00", nil},
		{"2026-12-20 19:00", "Sun 2026-12-20 19:00", nil},
		{"11/20/2025 7pm", "Thu 2025-11-20 19:00", nil},
		{"2028-02-29 10:00", "Tue 2028-02-29 10:00", nil},
		{"feb 29 2024 noon", "Thu 2024-02-29 12:00", nil},
		// Relative phrases.
		{"3 days ago 6pm", "Tue 2026-11-24 18:00", nil},
		{"3 days ago at 6pm", "Tue 2026-11-24 18:00", nil},
		{"2 weeks ago 6pm", "Fri 2026-11-13 18:00", nil},
		{"2 hours ago", "Fri 2026-11-27 07:00", nil},
		{"today 8am", "Fri 2026-11-27 08:00", nil},
		{"3pm", "Thu 2026-11-26 15:00", nil},
		{"ayer a las 7pm", "Thu 2026-11-26 19:00", nil},
		{"ayer 19:00", "Thu 2026-11-26 19:00", nil},
		{"hace 3 días 18:00", "Tue 2026-11-24 18:00", nil},
		// Future phrases are read as written: the caller refuses them.
		{"tomorrow 3pm", "Sat 2026-11-28 15:00", nil},
		{"next tuesday 12:30", "Tue 2026-12-01 12:30", nil},
		{"this friday 7pm", "Fri 2026-11-27 19:00", nil},
		// No time of day, or nothing readable.
		{"yesterday", "", errNoTimeOfDay},
		{"nov 20", "", errNoTimeOfDay},
		{"last friday", "", errNoTimeOfDay},
		{"3 days ago", "", errNoTimeOfDay},
		{"someday soonish maybe", "", errUnreadableTime},
		{"el viernes pasado a las 7pm", "Fri 2026-11-20 19:00", nil},
		{"anteayer a las 6pm", "Wed 2026-11-25 18:00", nil},
		{"hace 2 horas", "Fri 2026-11-27 07:00", nil},
		{"this tuesday 7pm", "Tue 2026-11-24 19:00", nil},
		{"8am", "Fri 2026-11-27 08:00", nil},
		{"10am", "Thu 2026-11-26 10:00", nil},
		{"el viernes pasado", "", errNoTimeOfDay},
		{"monday dec 4 7pm", "", errUnreadableTime},
		{"", "", errUnreadableTime},
	})
}

func TestParseTimeImpossibleDates(t *testing.T) {
	now, chicago := refNow(t)
	tests := []struct {
		in         string
		future     int // the year judged against by ParseTime
		past       int // by ParsePastTime
		month      time.Month
		day        int
		suggestion string
	}{
		{"feb 31 noon", 2027, 2027, time.February, 31, "feb 28 noon"},
		{"february 31st 3pm", 2027, 2027, time.February, 31, "february 28th 3pm"},
		{"april 31st 3pm", 2027, 2027, time.April, 31, "april 30th 3pm"},
		{"november 31st of 2026 3pm", 2026, 2026, time.November, 31, "november 30th of 2026 3pm"},
		{"apr 31 10am", 2027, 2027, time.April, 31, "apr 30 10am"},
		{"2/30 10am", 2027, 2027, time.February, 30, "2/28 10am"},
		{"2/29/2027 9am", 2027, 2027, time.February, 29, "2/28/2027 9am"},
		{"2027-02-29 10:00", 2027, 2027, time.February, 29, "2027-02-28 10:00"},
		{"2026-02-30T10:00:00Z", 2026, 2026, time.February, 30, "2026-02-28t10:00:00z"},
		{"dec 32 noon", 2026, 2026, time.December, 32, "dec 31 noon"},
		{"12/32 10am", 2026, 2026, time.December, 32, "12/31 10am"},
		{"dec 0 noon", 2026, 2026, time.December, 0, "dec 31 noon"},
		{"31 de febrero 12:00", 2027, 2027, time.February, 31, "28 de febrero 12:00"},
		{"31 de abril de 2027 12:00", 2027, 2027, time.April, 31, "30 de abril de 2027 12:00"},
		{"june 31, 2027 3pm", 2027, 2027, time.June, 31, "june 30 2027 3pm"},
		{"31 sept 9am", 2026, 2026, time.September, 31, "30 sept 9am"},
		// Feb 29 without a year is judged against the year the parse
		// picks, 2027 (the nearest, either way), not a leap year: it is
		// refused rather than read as 2028 or 2024.
		{"feb 29 noon", 2027, 2027, time.February, 29, "feb 28 noon"},
		{"29 de febrero 10:00", 2027, 2027, time.February, 29, "28 de febrero 10:00"},
		{"2/29 9am", 2027, 2027, time.February, 29, "2/28 9am"},
		{"feb 29", 2027, 2027, time.February, 29, "feb 28"}, // before errNoTimeOfDay
	}
	for _, tt := range tests {
		for _, p := range []struct {
			name  string
			parse func(string, time.Time, *time.Location) (time.Time, error)
			year  int
		}{{"ParseTime", ParseTime, tt.future}, {"ParsePastTime", ParsePastTime, tt.past}} {
			t.Run(p.name+"/"+tt.in, func(t *testing.T) {
				got, err := p.parse(tt.in, now, chicago)
				if !errors.Is(err, errNoSuchDay) {
					t.Fatalf("%s(%q) = %v, %v; want errNoSuchDay", p.name, tt.in, got, err)
				}
				var e *NoSuchDayError
				if !errors.As(err, &e) {
					t.Fatalf("%s(%q): %T is not a *NoSuchDayError", p.name, tt.in, err)
				}
				want := NoSuchDayError{Year: p.year, Month: tt.month, Day: tt.day, Suggestion: tt.suggestion}
				if *e != want {
					t.Errorf("%s(%q) = %+v, want %+v", p.name, tt.in, *e, want)
				}
			})
		}
	}
	// Feb 29 without a year is read when the year picked is a leap year.
	leapNow := time.Date(2027, 12, 1, 9, 0, 0, 0, chicago)
	for _, p := range []struct {
		name  string
		parse func(string, time.Time, *time.Location) (time.Time, error)
		now   time.Time
		want  string
	}{
		{"ParseTime", ParseTime, leapNow, "Tue 2028-02-29 12:00"},
		{"ParsePastTime", ParsePastTime, time.Date(2028, 6, 1, 9, 0, 0, 0, chicago), "Tue 2028-02-29 12:00"},
	} {
		for _, in := range []string{"feb 29 noon", "2/29 12pm"} {
			got, err := p.parse(in, p.now, chicago)
			if err != nil {
				t.Errorf("%s(%q) at %v: %v", p.name, in, p.now, err)
			} else if s := got.In(chicago).Format("Mon 2006-01-02 15:04"); s != p.want {
				t.Errorf("%s(%q) at %v = %s, want %s", p.name, in, p.now, s, p.want)
			}
		}
	}
}

func TestParseTimeImpossibleClocks(t *testing.T) {
	now, chicago := refNow(t)
	tests := []struct {
		in   string
		want NoSuchTimeError
	}{
		{"tomorrow 25:00", NoSuchTimeError{Clock: "25:00", Hour: 25}},
		{"tomorrow 24:30", NoSuchTimeError{Clock: "24:30", Hour: 24, Minute: 30}},
		{"tomorrow 24:00", NoSuchTimeError{Clock: "24:00", Hour: 24}},
		{"friday 7:75pm", NoSuchTimeError{Clock: "7:75pm", Hour: 7, Minute: 75, Meridiem: "pm"}},
		{"tomorrow 12:60", NoSuchTimeError{Clock: "12:60", Hour: 12, Minute: 60}},
		{"13pm", NoSuchTimeError{Clock: "13pm", Hour: 13, Meridiem: "pm"}},
		{"tomorrow 13 pm", NoSuchTimeError{Clock: "13 pm", Hour: 13, Meridiem: "pm"}},
		{"0am", NoSuchTimeError{Clock: "0am", Hour: 0, Meridiem: "am"}},
		{"monday 13:00pm", NoSuchTimeError{Clock: "13:00pm", Hour: 13, Meridiem: "pm"}},
		{"dec 3 25:00", NoSuchTimeError{Clock: "25:00", Hour: 25}},
		{"2026-12-03T25:00", NoSuchTimeError{Clock: "25:00", Hour: 25}},
		{"ayer a las 25:00", NoSuchTimeError{Clock: "25:00", Hour: 25}},
	}
	for _, tt := range tests {
		for _, p := range []struct {
			name  string
			parse func(string, time.Time, *time.Location) (time.Time, error)
		}{{"ParseTime", ParseTime}, {"ParsePastTime", ParsePastTime}} {
			t.Run(p.name+"/"+tt.in, func(t *testing.T) {
				got, err := p.parse(tt.in, now, chicago)
				if !errors.Is(err, errNoSuchTime) {
					t.Fatalf("%s(%q) = %v, %v; want errNoSuchTime", p.name, tt.in, got, err)
				}
				var e *NoSuchTimeError
				if !errors.As(err, &e) {
					t.Fatalf("%s(%q): %T is not a *NoSuchTimeError", p.name, tt.in, err)
				}
				if *e != tt.want {
					t.Errorf("%s(%q) = %+v, want %+v", p.name, tt.in, *e, tt.want)
				}
			})
		}
	}
}

func TestTimeError(t *testing.T) {
	now, chicago := refNow(t)
	const example = `/meeting schedule when:"next tuesday 12:30" where:"Public Library"`
	tests := []struct {
		in   string
		past bool
		want string // the whole reply, example included
	}{
		{"feb 31 noon", false, "There is no February 31: February has 28 days in 2027. Try a day like feb 28 noon."},
		{"apr 31 10am", false, "There is no April 31: April has 30 days. Try a day like apr 30 10am."},
		{"dec 32 noon", true, "There is no December 32: December has 31 days. Try a day like dec 31 noon."},
		{"31 de febrero 12:00", true, "There is no February 31: February has 28 days in 2027. Try a day like 28 de febrero 12:00."},
		{"2/29/2027 9am", false, "There is no February 29 in 2027: it is not a leap year, so February has 28 days. Try a day like 2/28/2027 9am."},
		{"feb 29 noon", true, "There is no February 29 in 2027: it is not a leap year, so February has 28 days. Try a day like feb 28 noon."},
		{"tomorrow 25:00", false, "There is no hour 25 in `tomorrow 25:00`: hours go from 0 to 23 (or 1 to 12 with am/pm)."},
		{"tomorrow 24:30", true, "There is no hour 24 in `tomorrow 24:30`: hours go from 0 to 23 (or 1 to 12 with am/pm)."},
		{"friday 7:75pm", false, "There is no minute 75 in `friday 7:75pm`: minutes go from 00 to 59."},
		{"13pm", false, "There is no 13pm in `13pm`: with am or pm, hours go from 1 to 12; write 13:00 or 1pm."},
		{"monday 13:30pm", true, "There is no 13:30pm in `monday 13:30pm`: with am or pm, hours go from 1 to 12; write 13:30 or 1:30pm."},
		{"0am", false, "There is no 0am in `0am`: with am or pm, hours go from 1 to 12; write 12am for midnight or 12pm for noon."},
		{"tomorrow 25pm", false, "There is no hour 25 in `tomorrow 25pm`: hours go from 0 to 23 (or 1 to 12 with am/pm)."},
		// The existing errors keep their messages.
		{"dec 3", false, "`dec 3` gives a day but no time for `when`; add one, like 12:30 or 3pm."},
		{"someday", true, "I can't read `someday` as a time for `when`; try a day and a time like tomorrow 3pm, next tuesday 12:30 or 2026-12-03 12:00."},
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			parse := ParseTime
			if tt.past {
				parse = ParsePastTime
			}
			_, perr := parse(tt.in, now, chicago)
			if perr == nil {
				t.Fatalf("parse(%q) succeeded; want an error", tt.in)
			}
			err := timeError("when", tt.in, perr, example)
			var e *bot.Error
			if !errors.As(err, &e) || e.Kind != bot.KindInvalid || e.Field != "when" || e.Example != example {
				t.Fatalf("timeError(%q) = %#v; want bot.Invalid on when with the example", tt.in, err)
			}
			reply := bot.Describe(context.Background(), log, &bot.Request{Locale: "en"}, err)
			want := tt.want + " Example: `" + example + "`"
			if reply.Text != want {
				t.Errorf("reply to %q:\ngot  %s\nwant %s", tt.in, reply.Text, want)
			}
			if strings.Contains(reply.Text, "\n") {
				t.Errorf("reply to %q is more than one line: %q", tt.in, reply.Text)
			}
		})
	}
}

func BenchmarkParseTimePhrase(b *testing.B) {
	now, chicago := refNow(b)
	for b.Loop() {
		if _, err := ParseTime("next tuesday 12:30", now, chicago); err != nil {
			b.Fatal(err)
		}
	}
}
