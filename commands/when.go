package commands

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"time"

	dateparser "github.com/markusmobius/go-dateparser"
	"github.com/olebedev/when"
	"github.com/olebedev/when/rules/en"

	"github.com/fcbot/fcbot/bot"
)

// Errors of ParseTime; handlers turn them into bot.Invalid with an example.
var (
	errUnreadableTime = errors.New("unreadable time")
	errNoTimeOfDay    = errors.New("date without a time of day")
)

// timeLayouts are read first, exactly: ISO and US numeric forms, which the
// phrase parsers misread (`when` takes "12/3" as 12 March).
var timeLayouts = []struct {
	layout string
	year   bool // the layout carries a year
}{
	{"2006-01-02 15:04", true}, {"2006-01-02T15:04", true}, {"2006-01-02T15:04:05", true},
	{"2006-01-02 3pm", true}, {"2006-01-02 3:04pm", true},
	{"1/2/2006 15:04", true}, {"1/2/2006 3pm", true}, {"1/2/2006 3:04pm", true},
	{"1/2 15:04", false}, {"1/2 3pm", false}, {"1/2 3:04pm", false},
}

var (
	spaces = regexp.MustCompile(`\s+`)
	// timeOfDay finds a time of day in a phrase: `when` fills a missing
	// one from the current time, which must not pass for the user's choice.
	timeOfDay = regexp.MustCompile(`\d\s*(am|pm|a\.m\.|p\.m\.)|\d:\d\d|\bnoon\b|\bmidnight\b|\bin \d+ (minutes?|hours?)\b`)
)

// whenParser holds `when` with English rules only: its common rules read
// slashed dates day-first.
var whenParser = sync.OnceValue(func() *when.Parser {
	w := when.New(nil)
	w.Add(en.All...)
	return w
})

// ParseTime reads a time typed in loc relative to now: ISO and numeric
// forms exactly; then phrases ("tomorrow 3pm", "next tuesday 12:30") with
// `when`, accepted only when it read the whole text; then go-dateparser
// (loaded on first need: it is heavy) for the rest ("tues 7:30pm",
// "dec 3 noon", Spanish). A date without a time of day is refused rather
// than guessed, and so is text none of them reads.
func ParseTime(text string, now time.Time, loc *time.Location) (time.Time, error) {
	text = strings.TrimSpace(spaces.ReplaceAllString(text, " "))
	if text == "" {
		return time.Time{}, errUnreadableTime
	}
	now = now.In(loc)
	lower := strings.ToLower(text)
	if t, err := time.Parse(time.RFC3339, text); err == nil {
		return t, nil
	}
	for _, l := range timeLayouts {
		t, err := time.ParseInLocation(l.layout, lower, loc)
		if err != nil {
			continue
		}
		if !l.year {
			t = time.Date(now.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, loc)
			if t.Before(now) {
				t = t.AddDate(1, 0, 0)
			}
		}
		return t, nil
	}
	if timeOfDay.MatchString(lower) { // else go-dateparser tells a bare date from nonsense
		if r, err := whenParser().Parse(lower, now); err == nil && r != nil && covers(r.Text, lower) {
			return r.Time.In(loc).Truncate(time.Minute), nil
		}
	}
	d, err := dateparser.Parse(&dateparser.Configuration{
		Languages:           []string{"en", "es"},
		CurrentTime:         now,
		DefaultTimezone:     loc,
		PreferredDateSource: dateparser.Future,
		ReturnTimeAsPeriod:  true,
	}, text)
	if err != nil || d.IsZero() {
		return time.Time{}, errUnreadableTime
	}
	if !d.Period.IsTime() {
		return time.Time{}, errNoTimeOfDay
	}
	return d.Time.In(loc).Truncate(time.Minute), nil
}

// covers reports whether the matched text is the whole input, give or take
// filler words, so that a phrase `when` only partly understood is not
// silently taken for its fragment.
func covers(matched, input string) bool {
	rest := strings.Replace(input, strings.ToLower(strings.TrimSpace(matched)), "", 1)
	for _, filler := range []string{"at", "on", ","} {
		rest = strings.ReplaceAll(" "+rest+" ", " "+filler+" ", " ")
	}
	return strings.TrimSpace(rest) == ""
}

// timeError is the user's error for a time option that ParseTime refused,
// with a working example.
func timeError(field, text string, err error, example string) error {
	if errors.Is(err, errNoTimeOfDay) {
		return bot.Invalid(field, bot.M("meeting.no_time_of_day", "Field", field, "Text", bot.Clip(text, 40)), example)
	}
	return bot.Invalid(field, bot.M("meeting.bad_time", "Field", field, "Text", bot.Clip(text, 40)), example)
}

// FormatTime shows a time as the bot always echoes it: weekday, date, time
// and zone, in the group's zone.
func FormatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon Jan 2, 2006, 3:04 PM MST")
}
