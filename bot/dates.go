package bot

import (
	"strings"
	"sync"
	"time"
)

// DateStyle names how much of a moment a message shows. Each language
// writes each style its own way: the layouts and the day and month names
// are the catalog's (locales/dates.*.toml), since golang.org/x/text does
// not format dates.
type DateStyle string

// The date styles, as English writes them.
const (
	DateFull  DateStyle = "full"  // Mon Jan 2, 2006, 3:04 PM MST
	DateZone  DateStyle = "zone"  // Mon Jan 2, 3:04 PM MST
	DateTime  DateStyle = "time"  // Mon Jan 2, 3:04 PM
	DateList  DateStyle = "list"  // Mon Jan 2 3:04 PM
	DateDay   DateStyle = "day"   // Mon Jan 2
	DateShort DateStyle = "short" // Jan 2
	DateClock DateStyle = "clock" // 3:04 PM
	DateLog   DateStyle = "log"   // Jan 2 3:04 PM
)

// Localized is a value a message shows in its reader's language:
// Translate renders it in the message's locale before the template runs,
// so a message built before the reader is known (an error, a notice
// queued for someone else) still reads right.
type Localized interface {
	Localize(locale string) string
}

// Moment is a time as messages show it: in a zone, in a style, in the
// reader's language ("Tue Dec 8, 12:00 PM"; "mar 8 dic, 12:00").
type Moment struct {
	T     time.Time
	Zone  *time.Location
	Style DateStyle
}

// At returns t in zone loc, shown in style.
func At(t time.Time, loc *time.Location, style DateStyle) Moment {
	return Moment{T: t, Zone: loc, Style: style}
}

// Localize writes the moment in locale.
func (m Moment) Localize(locale string) string {
	t := m.T
	if m.Zone != nil {
		t = t.In(m.Zone)
	}
	return FormatDate(locale, t, m.Style)
}

// FormatDate writes t, in its own zone, in style and in locale's words.
func FormatDate(locale string, t time.Time, style DateStyle) string {
	names := dateNamesFor(locale)
	var b strings.Builder
	for _, part := range names.layout(locale, style) {
		switch part {
		case "Monday":
			b.WriteString(names.weekdays[t.Weekday()])
		case "Mon":
			b.WriteString(names.weekdaysShort[t.Weekday()])
		case "January":
			b.WriteString(names.months[t.Month()-1])
		case "Jan":
			b.WriteString(names.monthsShort[t.Month()-1])
		default:
			b.WriteString(t.Format(part))
		}
	}
	return b.String()
}

// Month is a month's full name in the reader's language.
type Month time.Month

// Localize writes the month's name in locale.
func (m Month) Localize(locale string) string {
	return dateNamesFor(locale).months[time.Month(m)-1]
}

// dateNames are one locale's names and layouts, read from the catalog
// once.
type dateNames struct {
	weekdays, weekdaysShort [7]string
	months, monthsShort     [12]string
	layouts                 sync.Map // DateStyle → []string
}

var dateNameCache sync.Map // locale → *dateNames

func dateNamesFor(locale string) *dateNames {
	if n, ok := dateNameCache.Load(locale); ok {
		return n.(*dateNames)
	}
	n := &dateNames{}
	fill := func(dst []string, id string, english func(i int) string) {
		got := strings.Fields(Translate(locale, M(id)))
		for i := range dst {
			if i < len(got) {
				dst[i] = got[i]
			} else { // a short list in the catalog: Go's name rather than none
				dst[i] = english(i)
			}
		}
	}
	fill(n.weekdays[:], "date.weekdays", func(i int) string { return time.Weekday(i).String() })
	fill(n.weekdaysShort[:], "date.weekdays.short", func(i int) string { return time.Weekday(i).String()[:3] })
	fill(n.months[:], "date.months", func(i int) string { return time.Month(i + 1).String() })
	fill(n.monthsShort[:], "date.months.short", func(i int) string { return time.Month(i + 1).String()[:3] })
	actual, _ := dateNameCache.LoadOrStore(locale, n)
	return actual.(*dateNames)
}

// layout returns the catalog's layout for style, cut into the names to
// write (Mon, Monday, Jan, January) and the runs between them, which Go
// formats.
func (n *dateNames) layout(locale string, style DateStyle) []string {
	if parts, ok := n.layouts.Load(style); ok {
		return parts.([]string)
	}
	parts := splitLayout(Translate(locale, M("date.layout."+string(style))))
	n.layouts.Store(style, parts)
	return parts
}

// splitLayout cuts a Go layout at its weekday and month names.
func splitLayout(layout string) []string {
	var parts []string
	run := 0
	for i := 0; i < len(layout); {
		name := ""
		for _, tok := range []string{"Monday", "Mon", "January", "Jan"} {
			if strings.HasPrefix(layout[i:], tok) {
				name = tok
				break
			}
		}
		if name == "" {
			i++
			continue
		}
		if run < i {
			parts = append(parts, layout[run:i])
		}
		parts = append(parts, name)
		i += len(name)
		run = i
	}
	if run < len(layout) {
		parts = append(parts, layout[run:])
	}
	return parts
}
