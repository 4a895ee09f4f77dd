package commands

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/fcbot/fcbot/bot"
)

// Errors of ParseTime and ParsePastTime; timeError turns them into
// bot.Invalid with an example. errNoSuchDay and errNoSuchTime come wrapped
// in a *NoSuchDayError or *NoSuchTimeError that says which day or hour.
var (
	errUnreadableTime = errors.New("unreadable time")
	errNoTimeOfDay    = errors.New("date without a time of day")
	errNoSuchDay      = errors.New("no such day")
	errNoSuchTime     = errors.New("no such time of day")
)

// NoSuchDayError reports a date whose day does not exist in its month
// ("feb 31", "2/29/2027"), which the parsers would otherwise move to the
// next month. errors.Is(err, errNoSuchDay) holds for it.
type NoSuchDayError struct {
	// Year is the year typed, or for a date without one the year the parse
	// would pick; it decides whether February has a 29th.
	Year  int
	Month time.Month
	Day   int
	// Suggestion is the input with the day changed to the month's last.
	Suggestion string
}

func (e *NoSuchDayError) Error() string {
	return fmt.Sprintf("no such day: %s %d in %d", strings.ToLower(e.Month.String()), e.Day, e.Year)
}

func (e *NoSuchDayError) Unwrap() error { return errNoSuchDay }

// NoSuchTimeError reports a time of day whose hour or minute does not
// exist ("25:00", "7:75pm", "13pm", "0am"). errors.Is(err, errNoSuchTime)
// holds for it.
type NoSuchTimeError struct {
	Clock    string // as typed: "25:00", "13pm"
	Hour     int
	Minute   int
	Meridiem string // "am", "pm", or "" on a 24-hour clock
}

func (e *NoSuchTimeError) Error() string {
	return fmt.Sprintf("no such time of day: %s", e.Clock)
}

func (e *NoSuchTimeError) Unwrap() error { return errNoSuchTime }

// direction says which of two readings of a date without a year or of a
// weekday to prefer.
type direction int

const (
	future direction = iota
	past
)

// timeLayouts are read first, exactly: ISO and US numeric forms with a
// time of day.
var timeLayouts = []struct {
	layout string
	year   bool // the layout carries a year
}{
	{"2006-01-02 15:04", true}, {"2006-01-02T15:04", true}, {"2006-01-02T15:04:05", true},
	{"2006-01-02 3pm", true}, {"2006-01-02 3:04pm", true},
	{"1/2/2006 15:04", true}, {"1/2/2006 3pm", true}, {"1/2/2006 3:04pm", true},
	{"1/2 15:04", false}, {"1/2 3pm", false}, {"1/2 3:04pm", false},
}

var spaces = regexp.MustCompile(`\s+`)

// ParseTime reads a time typed in loc relative to now, preferring the
// future: RFC 3339 and the numeric forms of timeLayouts exactly, then
// phrases in English or Spanish with the grammar of when_phrase.go
// ("tomorrow 3pm", "next tuesday 12:30", "dec 3 noon", "mañana a las 3pm",
// "3 de diciembre 12:00"). A bare weekday and clock ("tues 7:30pm") is the
// next such day after today, a bare clock the next such time, and a date
// without a year is in the year that puts it nearest to now (pickYear).
//
// It refuses rather than guesses: a day its month lacks ("feb 31") with a
// *NoSuchDayError, an hour or minute that does not exist ("25:00", "13pm")
// with a *NoSuchTimeError, a day without a time of day with
// errNoTimeOfDay, and text with a word it does not understand, or that
// contradicts itself ("monday dec 4", a Friday), with errUnreadableTime.
func ParseTime(text string, now time.Time, loc *time.Location) (time.Time, error) {
	return parseTime(text, now, loc, future)
}

// ParsePastTime reads a time like ParseTime but prefers the past, for
// recording what already happened: "friday 7pm" is the most recent Friday
// 7pm at or before now (today's if that time has come, else last week's),
// "3pm" the most recent 3pm; a date without a year is the nearest, as for
// ParseTime. Phrases that name their direction ("tomorrow 3pm", "next
// tuesday 12:30") are read as written: ParsePastTime does not refuse a
// future time, its caller does, with its own message.
func ParsePastTime(text string, now time.Time, loc *time.Location) (time.Time, error) {
	return parseTime(text, now, loc, past)
}

// parseTime is ParseTime and ParsePastTime: the layers are the same, and
// dir only picks among readings (the year of a date without one, the day
// of a bare weekday or clock).
func parseTime(text string, now time.Time, loc *time.Location, dir direction) (time.Time, error) {
	text = strings.TrimSpace(spaces.ReplaceAllString(text, " "))
	if text == "" {
		return time.Time{}, errUnreadableTime
	}
	now = now.In(loc)
	lower := strings.ToLower(text)
	toks := tokens(lower)
	if err := scan(toks, now, dir); err != nil {
		return time.Time{}, err
	}
	if t, err := time.Parse(time.RFC3339, text); err == nil {
		return t, nil
	}
	for _, l := range timeLayouts {
		t, err := time.ParseInLocation(l.layout, lower, loc)
		if err != nil {
			continue
		}
		if !l.year {
			// Build the date in the picked year rather than moving a
			// year-0 date: "2/29" must not become March 1.
			t = time.Date(pickYear(now, t.Month(), t.Day(), dir), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, loc)
		}
		return t, nil
	}
	p, ok := readPhrase(toks)
	if !ok {
		return time.Time{}, errUnreadableTime
	}
	return p.resolve(now, loc, dir)
}

// tokens splits lower-cased text into words at spaces and commas, without
// the punctuation that may end them ("feb.", "3pm!"), keeping "p.m.".
func tokens(lower string) []string {
	toks := strings.FieldsFunc(lower, func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
	for i, tok := range toks {
		if !strings.HasSuffix(tok, ".m.") {
			toks[i] = strings.TrimRight(tok, ".;!?")
		}
	}
	return toks
}

// pickYear is the year of a date typed without one. The preferred side of
// now wins when the date falls within half a year of now there ("dec 3"
// typed in November is this December's; "jan 5" next January's); else the
// nearest year does, whichever side of now that is, so that "nov 20 7pm"
// typed on Nov 27 is last week's, which a caller scheduling a meeting
// refuses as passed, instead of a meeting silently set a year away. A
// wrong date is worse than a refusal.
func pickYear(now time.Time, m time.Month, day int, dir direction) int {
	y := now.Year()
	gap := func(year int) time.Duration {
		d := time.Date(year, m, min(day, 28), now.Hour(), now.Minute(), 0, 0, now.Location()).Sub(now)
		if d < 0 {
			return -d
		}
		return d
	}
	pref := y
	before := m < now.Month() || m == now.Month() && day < now.Day()
	after := m > now.Month() || m == now.Month() && day > now.Day()
	switch {
	case dir == future && before:
		pref = y + 1
	case dir == past && after:
		pref = y - 1
	}
	const halfYear = 183 * 24 * time.Hour
	if gap(pref) <= halfYear {
		return pref
	}
	best := y
	for _, c := range []int{y - 1, y + 1} {
		if gap(c) < gap(best) {
			best = c
		}
	}
	return best
}

// The pre-check. ParseTime first reads the dates and clocks the text
// plainly names (a month name next to a day number, m/d and ISO dates,
// h:mm and h with am/pm) and refuses the impossible ones ("feb 31",
// "25:00") with the reason and the input as it could be, where the
// grammar alone would only say it cannot read them. It recognizes only
// tokens whose meaning is plain, so that it never refuses a phrase that
// reads right.

var (
	clockRE    = regexp.MustCompile(`^(\d{1,2})(?::(\d\d))?\s?(am|pm|a\.m\.|p\.m\.)?$`)
	meridiemRE = regexp.MustCompile(`^(am|pm|a\.m\.|p\.m\.)$`)
	dayRE      = regexp.MustCompile(`^(\d{1,2})(st|nd|rd|th|º|°|ro)?$`)
	yearRE     = regexp.MustCompile(`^\d{4}$`)
	slashRE    = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$`)
	isoRE      = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:t(.+))?$`)
)

type namedDate struct {
	year  int // 0: not typed
	month time.Month
	day   int
}

type clockTime struct{ hour, minute int }

// scan checks the dates and clocks the tokens name, refusing any that
// does not exist.
func scan(toks []string, now time.Time, dir direction) error {
	sc := &scanner{toks: toks, used: make([]bool, len(toks)), now: now, dir: dir}
	for i := range sc.toks {
		for _, read := range []func(int) (bool, error){sc.clock, sc.slashDate, sc.isoDate, sc.monthDate} {
			ok, err := read(i)
			if err != nil {
				return err
			}
			if ok {
				break
			}
		}
	}
	return nil
}

// scanner is scan's state: the text's tokens and which of them were read
// as a day or year.
type scanner struct {
	toks []string
	used []bool
	now  time.Time
	dir  direction
}

// clock reads token i as a time of day: "25:00", "7:75pm", "13pm", "0am",
// "7 pm" (with the next token).
func (sc *scanner) clock(i int) (bool, error) {
	tok, text := sc.toks[i], sc.toks[i]
	if i+1 < len(sc.toks) && meridiemRE.MatchString(sc.toks[i+1]) && !strings.Contains(tok, "m") {
		text = tok + " " + sc.toks[i+1]
	}
	if m := isoRE.FindStringSubmatch(tok); m != nil && m[4] != "" {
		// "2026-12-03t25:00": its date is isoDate's to check.
		_, _, err := readClock(m[4])
		return false, err
	}
	_, ok, err := readClock(text)
	return ok, err
}

// slashDate reads token i as a month-first numeric date: "2/30",
// "2/29/2027".
func (sc *scanner) slashDate(i int) (bool, error) {
	tok := sc.toks[i]
	m := slashRE.FindStringSubmatch(tok)
	if m == nil {
		return false, nil
	}
	mo, _ := strconv.Atoi(m[1])
	day, _ := strconv.Atoi(m[2])
	if mo < 1 || mo > 12 { // not month-first: not ours to judge
		return true, nil
	}
	d := namedDate{month: time.Month(mo), day: day}
	if m[3] != "" {
		d.year, _ = strconv.Atoi(m[3])
		if d.year < 100 {
			d.year += 2000
		}
	}
	return true, sc.date(d, func(last int) string {
		return replaceToken(sc.toks, i, strings.Replace(tok, "/"+m[2], "/"+strconv.Itoa(last), 1))
	})
}

// isoDate reads token i as an ISO date: "2027-02-29", with or without a
// time after a T.
func (sc *scanner) isoDate(i int) (bool, error) {
	tok := sc.toks[i]
	m := isoRE.FindStringSubmatch(tok)
	if m == nil {
		return false, nil
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	if mo < 1 || mo > 12 {
		return true, nil
	}
	return true, sc.date(namedDate{year: y, month: time.Month(mo), day: day}, func(last int) string {
		return replaceToken(sc.toks, i, fmt.Sprintf("%s-%s-%02d", m[1], m[2], last)+strings.TrimPrefix(tok, m[1]+"-"+m[2]+"-"+m[3]))
	})
}

// monthDate reads token i as a month name with its day, and year if
// typed: "feb 31", "february 31st, 2027", "31 de febrero de 2027", "31st
// of march".
func (sc *scanner) monthDate(i int) (bool, error) {
	toks := sc.toks
	m, ok := word(toks[i]).is(kindMonth)
	afterDayOnly := !ok // "31 ago", never "ago 31": "3 days ago" is no date
	if afterDayOnly {
		m, ok = word(toks[i]).is(kindMonthAfterDay)
	}
	if !ok {
		return false, nil
	}
	of := func(j int) bool { return hasKind(word(toks[j]), kindOf) }
	dayAt := -1
	switch {
	case !afterDayOnly && i+1 < len(toks) && !sc.used[i+1] && dayRE.MatchString(toks[i+1]) &&
		!(i+2 < len(toks) && meridiemRE.MatchString(toks[i+2])):
		dayAt = i + 1 // "feb 31"; "dec 3 pm" names an hour
	case i >= 1 && !sc.used[i-1] && dayRE.MatchString(toks[i-1]):
		dayAt = i - 1 // "31 feb"
	case i >= 2 && !sc.used[i-2] && of(i-1) && dayRE.MatchString(toks[i-2]):
		dayAt = i - 2 // "31 de febrero", "31st of march"
	}
	if dayAt < 0 {
		return true, nil
	}
	sc.used[dayAt] = true
	dm := dayRE.FindStringSubmatch(toks[dayAt])
	day, _ := strconv.Atoi(dm[1])
	d := namedDate{month: time.Month(m.n), day: day}
	yearAt := max(i, dayAt) + 1
	if yearAt+1 < len(toks) && of(yearAt) && yearRE.MatchString(toks[yearAt+1]) {
		yearAt++
	}
	if yearAt < len(toks) && yearRE.MatchString(toks[yearAt]) {
		d.year, _ = strconv.Atoi(toks[yearAt])
		sc.used[yearAt] = true
	}
	return true, sc.date(d, func(last int) string {
		suffix := dm[2]
		if suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th" {
			suffix = ordinal(last)
		}
		return replaceToken(toks, dayAt, strconv.Itoa(last)+suffix)
	})
}

// date checks a named date.
func (sc *scanner) date(d namedDate, suggest func(last int) string) error {
	return d.check(sc.now, sc.dir, suggest)
}

// readClock reads "25:00", "7:30pm", "7 pm" or "13pm": ok says the text is
// a clock (a bare number is not), err that its hour or minute is
// impossible.
func readClock(text string) (c clockTime, ok bool, err error) {
	m := clockRE.FindStringSubmatch(text)
	if m == nil || m[2] == "" && m[3] == "" {
		return clockTime{}, false, nil
	}
	h, _ := strconv.Atoi(m[1])
	mins, _ := strconv.Atoi(m[2]) // "" reads as 0
	meridiem := strings.ReplaceAll(m[3], ".", "")
	if mins > 59 || meridiem == "" && h > 23 || meridiem != "" && (h < 1 || h > 12) {
		return clockTime{}, false, &NoSuchTimeError{Clock: text, Hour: h, Minute: mins, Meridiem: meridiem}
	}
	switch {
	case meridiem == "pm" && h < 12:
		h += 12
	case meridiem == "am" && h == 12:
		h = 0
	}
	return clockTime{h, mins}, true, nil
}

// check refuses a day its month lacks; suggest writes the input with the
// day changed to the month's last.
func (d namedDate) check(now time.Time, dir direction, suggest func(last int) string) error {
	y := d.year
	if y == 0 {
		// Feb 29 without a year is judged against the year the parse
		// picks, not the next leap year: in 2026, "feb 29" is refused
		// rather than read as 2028, which nobody typing it expects.
		y = pickYear(now, d.month, min(d.day, 28), dir)
	}
	last := daysIn(y, d.month)
	if d.day >= 1 && d.day <= last {
		return nil
	}
	return &NoSuchDayError{Year: y, Month: d.month, Day: d.day, Suggestion: suggest(last)}
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ordinal is the English suffix of a day of the month: 28th, 30th, 31st.
func ordinal(day int) string {
	switch {
	case day == 31 || day == 1 || day == 21:
		return "st"
	case day == 2 || day == 22:
		return "nd"
	case day == 3 || day == 23:
		return "rd"
	}
	return "th"
}

func replaceToken(toks []string, i int, with string) string {
	out := append([]string(nil), toks...)
	out[i] = with
	return strings.Join(out, " ")
}

// timeError is the user's error for a time option that ParseTime or
// ParsePastTime refused, with a working example.
func timeError(field, text string, err error, example string) error {
	clip := bot.Clip(text, 40)
	var day *NoSuchDayError
	var clock *NoSuchTimeError
	switch {
	case errors.As(err, &day):
		if day.Month == time.February && day.Day == 29 {
			return bot.Invalid(field, bot.M("date.no_feb_29", "Year", day.Year, "Suggestion", bot.Clip(day.Suggestion, 40)), example)
		}
		year := 0 // only February's length depends on the year
		if day.Month == time.February {
			year = day.Year
		}
		return bot.Invalid(field, bot.M("date.no_such_day", "Month", bot.Month(day.Month), "Day", day.Day,
			"Days", daysIn(day.Year, day.Month), "Year", year, "Suggestion", bot.Clip(day.Suggestion, 40)), example)
	case errors.As(err, &clock) && clock.Minute > 59:
		return bot.Invalid(field, bot.M("date.no_such_minute", "Minute", clock.Minute, "Text", clip), example)
	case errors.As(err, &clock) && clock.Meridiem != "" && clock.Hour < 24:
		hint := bot.M("date.hint.midnight_noon")
		if clock.Hour > 12 {
			hint = bot.M("date.hint.clock", "Clock24", fmt.Sprintf("%d:%02d", clock.Hour, clock.Minute),
				"Clock12", strings.TrimSuffix(fmt.Sprintf("%d:%02d", clock.Hour-12, clock.Minute), ":00")+"pm")
		}
		return bot.Invalid(field, bot.M("date.no_such_hour_ampm", "Clock", clock.Clock, "Text", clip, "Hint", hint), example)
	case errors.As(err, &clock):
		return bot.Invalid(field, bot.M("date.no_such_hour", "Hour", clock.Hour, "Text", clip), example)
	case errors.Is(err, errNoTimeOfDay):
		return bot.Invalid(field, bot.M("meeting.no_time_of_day", "Field", field, "Text", clip), example)
	}
	return bot.Invalid(field, bot.M("meeting.bad_time", "Field", field, "Text", clip), example)
}

// FormatTime shows a time as the bot always echoes it: weekday, date, time
// and zone, in zone loc, in the reader's language ("Tue Dec 8, 2026, 12:00
// PM CST"; "mar 8 dic 2026, 12:00 CST"). A message renders it in its
// reader's locale; Localize writes it in one.
func FormatTime(t time.Time, loc *time.Location) bot.Moment {
	return bot.At(t, loc, bot.DateFull)
}
