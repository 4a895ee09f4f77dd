package commands

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// The phrase grammar: the times people type in words ("tomorrow 3pm",
// "next tuesday 12:30", "dec 3 noon", "mañana a las 3pm", "el viernes
// pasado a las 7pm"). The text is read word by word against the words of
// every language (when_words.go), and every word must be understood: a
// phrase with a word the grammar does not know is refused, never read for
// the part it knows. It has at most one day (a date, a day relative to
// today, a weekday, or an amount of days or weeks from today), one time of
// day and one zone, in any order.

// wordKind is what a word of a language means to the grammar.
type wordKind int

const (
	kindDay           wordKind = iota // n days from today
	kindWeekday                       // weekday n
	kindMonth                         // month n
	kindMonthAfterDay                 // month n, right after a day number
	kindWeekBefore                    // week n, before a weekday
	kindWeekAfter                     // week n, after a weekday
	kindForward                       // before an amount: from now on
	kindBack                          // before an amount: back from now
	kindAfter                         // after an amount's unit: sign n
	kindNumber                        // the amount n
	kindUnit                          // unit n
	kindNoon
	kindMidnight
	kindPeriod      // a part of the day
	kindTodayPeriod // a part of today
	kindOf
	kindFiller
	kindZone
)

// meaning is one meaning of a word or phrase; a few have several
// ("ago": English's sign, Spanish's August).
type meaning struct {
	kind   wordKind
	n      int
	period period
	zone   *time.Location
	region string
}

// lexicon maps every language's words and phrases to their meanings,
// built on first use.
var lexicon = sync.OnceValue(func() map[string][]meaning {
	lex := map[string][]meaning{}
	add := func(w string, m meaning) { lex[w] = append(lex[w], m) }
	addAll := func(ws []string, kind wordKind) {
		for _, w := range ws {
			add(w, meaning{kind: kind})
		}
	}
	for _, l := range languages {
		for w, n := range l.days {
			add(w, meaning{kind: kindDay, n: n})
		}
		for w, d := range l.weekdays {
			add(w, meaning{kind: kindWeekday, n: int(d)})
		}
		for w, m := range l.months {
			add(w, meaning{kind: kindMonth, n: int(m)})
		}
		for w, m := range l.monthsAfterDay {
			add(w, meaning{kind: kindMonthAfterDay, n: int(m)})
		}
		for w, k := range l.weekBefore {
			add(w, meaning{kind: kindWeekBefore, n: int(k)})
		}
		for w, k := range l.weekAfter {
			add(w, meaning{kind: kindWeekAfter, n: int(k)})
		}
		for w, sign := range l.after {
			add(w, meaning{kind: kindAfter, n: sign})
		}
		for w, n := range l.numbers {
			add(w, meaning{kind: kindNumber, n: n})
		}
		for w, u := range l.units {
			add(w, meaning{kind: kindUnit, n: int(u)})
		}
		for w, p := range l.periods {
			add(w, meaning{kind: kindPeriod, period: p})
		}
		for w, p := range l.todayPeriods {
			add(w, meaning{kind: kindTodayPeriod, period: p})
		}
		for w, z := range l.zones {
			add(w, meaning{kind: kindZone, zone: z})
		}
		for w, name := range l.regions {
			add(w, meaning{kind: kindZone, region: name})
		}
		addAll(l.forward, kindForward)
		addAll(l.back, kindBack)
		addAll(l.noon, kindNoon)
		addAll(l.midnight, kindMidnight)
		addAll(l.of, kindOf)
		addAll(l.fillers, kindFiller)
	}
	return lex
})

// longestPhrase is the most words a phrase of the lexicon has ("the day
// after tomorrow").
const longestPhrase = 4

// lexeme is a word or phrase of the text with its meanings (none for a
// number or a clock).
type lexeme struct {
	text  string
	means []meaning
}

// word is a single word with its meanings.
func word(w string) lexeme { return lexeme{text: w, means: lexicon()[w]} }

// is returns the lexeme's meaning of that kind.
func (l lexeme) is(kind wordKind) (meaning, bool) {
	for _, m := range l.means {
		if m.kind == kind {
			return m, true
		}
	}
	return meaning{}, false
}

// lexemes splits the tokens into the lexicon's longest phrases.
func lexemes(toks []string) []lexeme {
	lex := lexicon()
	var out []lexeme
	for i := 0; i < len(toks); {
		n := 1
		l := lexeme{text: toks[i]}
		for k := min(longestPhrase, len(toks)-i); k >= 1; k-- {
			text := strings.Join(toks[i:i+k], " ")
			if m, ok := lex[text]; ok {
				l, n = lexeme{text: text, means: m}, k
				break
			}
		}
		out = append(out, l)
		i += n
	}
	return out
}

// phrase is what a text names: each part at most once.
type phrase struct {
	days     *int       // days from today
	date     *namedDate // a calendar date, year 0 when not typed
	weekday  *time.Weekday
	week     week
	clock    *clockTime
	bareHour bool // clock is an hour without am or pm, for period to settle
	midnight bool
	period   *period
	shift    *time.Duration // an amount of hours or minutes from now
	zone     *time.Location
}

// grammar reads lexemes into a phrase; a part named twice spoils it.
type grammar struct {
	lx      []lexeme
	i       int
	p       phrase
	spoiled bool
}

// readPhrase reads the tokens as a phrase; ok is false when a word is not
// understood or a part is named twice.
func readPhrase(toks []string) (phrase, bool) {
	g := &grammar{lx: lexemes(toks)}
	readers := []func() bool{g.amount, g.date, g.clock, g.weekday, g.day, g.period, g.zone, g.filler}
	for g.i < len(g.lx) && !g.spoiled {
		read := false
		for _, r := range readers {
			if read = r(); read {
				break
			}
		}
		if !read {
			return phrase{}, false
		}
	}
	return g.p, !g.spoiled
}

// at returns the lexeme k places ahead, or an empty one past the end.
func (g *grammar) at(k int) lexeme {
	if g.i+k < len(g.lx) {
		return g.lx[g.i+k]
	}
	return lexeme{}
}

// set fills a part of the phrase, spoiling it when the part is already
// named.
func set[T any](g *grammar, part **T, v T) {
	if *part != nil {
		g.spoiled = true
		return
	}
	*part = &v
}

// setDay names the day, which a date, a relative day and an amount of
// days share.
func (g *grammar) setDay(days *int, date *namedDate) {
	if g.p.days != nil || g.p.date != nil {
		g.spoiled = true
		return
	}
	g.p.days, g.p.date = days, date
}

// amount reads "in 2 weeks", "3 days ago", "hace 3 días", "dentro de una
// semana", "2 hours from now".
func (g *grammar) amount() bool {
	sign, k := 0, 0
	if _, ok := g.at(0).is(kindForward); ok {
		sign, k = 1, 1
	} else if _, ok := g.at(0).is(kindBack); ok {
		sign, k = -1, 1
	}
	n, ok := amountOf(g.at(k))
	u, isUnit := g.at(k + 1).is(kindUnit)
	if !ok || !isUnit {
		return false
	}
	k += 2
	if a, ok := g.at(k).is(kindAfter); ok {
		if sign != 0 {
			g.spoiled = true // "in 3 days ago"
		}
		sign = a.n
		k++
	}
	if sign == 0 {
		return false
	}
	g.i += k
	switch unit(u.n) {
	case minutes:
		set(g, &g.p.shift, time.Duration(sign*n)*time.Minute)
	case hours:
		set(g, &g.p.shift, time.Duration(sign*n)*time.Hour)
	case days:
		d := sign * n
		g.setDay(&d, nil)
	case weeks:
		d := sign * n * 7
		g.setDay(&d, nil)
	}
	return true
}

// amountOf reads an amount in digits or words, up to a few years' worth.
func amountOf(l lexeme) (int, bool) {
	if m, ok := l.is(kindNumber); ok {
		return m.n, true
	}
	n, err := strconv.Atoi(l.text)
	return n, err == nil && n >= 0 && n <= 1000
}

// date reads "2026-12-03", "12/3", "12/3/2026", "dec 3", "december 3rd,
// 2026", "3 dec", "31st of march", "3 de diciembre de 2026", "31 ago".
func (g *grammar) date() bool {
	tok := g.at(0).text
	if m := isoRE.FindStringSubmatch(tok); m != nil && m[4] == "" {
		y, _ := strconv.Atoi(m[1])
		return g.dateParts(1, y, m[2], m[3])
	}
	if m := slashRE.FindStringSubmatch(tok); m != nil {
		y, _ := strconv.Atoi(m[3])
		if m[3] != "" && y < 100 {
			y += 2000
		}
		return g.dateParts(1, y, m[1], m[2])
	}
	if mo, ok := g.at(0).is(kindMonth); ok { // "dec 3", "december 3rd, 2026"
		day, ok := g.dayAt(1)
		if !ok {
			return false
		}
		return g.monthDay(2, time.Month(mo.n), day)
	}
	day, ok := g.dayAt(0) // "3 dec", "31st of march", "3 de diciembre"
	if !ok {
		return false
	}
	k := 1
	if _, of := g.at(k).is(kindOf); of {
		k++
	}
	mo, ok := g.at(k).is(kindMonth)
	if !ok {
		mo, ok = g.at(k).is(kindMonthAfterDay)
	}
	if !ok {
		return false
	}
	return g.monthDay(k+1, time.Month(mo.n), day)
}

// dateParts names a numeric date read from k lexemes; a month past 12 is
// not month-first, which the grammar does not guess at.
func (g *grammar) dateParts(k, year int, month, day string) bool {
	mo, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	if mo < 1 || mo > 12 {
		return false
	}
	g.i += k
	g.setDay(nil, &namedDate{year: year, month: time.Month(mo), day: d})
	return true
}

// dayAt reads lexeme k as a day of the month, "3", "3rd", "1º": not when
// an am, pm or part of the day follows, which makes it an hour ("dec 3
// pm").
func (g *grammar) dayAt(k int) (int, bool) {
	m := dayRE.FindStringSubmatch(g.at(k).text)
	if m == nil || meridiemRE.MatchString(g.at(k+1).text) {
		return 0, false
	}
	if _, ok := g.at(k + 1).is(kindPeriod); ok {
		return 0, false
	}
	d, _ := strconv.Atoi(m[1])
	return d, true
}

// monthDay names a month and day read from k lexemes, with the year that
// may follow ("dec 3 2026", "3 de diciembre de 2026").
func (g *grammar) monthDay(k int, mo time.Month, day int) bool {
	year := 0
	y := k
	if _, of := g.at(y).is(kindOf); of {
		y++
	}
	if yearRE.MatchString(g.at(y).text) {
		year, _ = strconv.Atoi(g.at(y).text)
		k = y + 1
	}
	g.i += k
	g.setDay(nil, &namedDate{year: year, month: mo, day: day})
	return true
}

// clock reads a time of day: "3pm", "7 p.m.", "12:30", "noon",
// "mediodía", "midnight", and an hour with its part of the day: "7 in the
// evening", "3 de la tarde".
func (g *grammar) clock() bool {
	l := g.at(0)
	switch {
	case hasKind(l, kindNoon):
		g.i++
		set(g, &g.p.clock, clockTime{12, 0})
		return true
	case hasKind(l, kindMidnight):
		g.i++
		g.p.midnight = true
		set(g, &g.p.clock, clockTime{0, 0})
		return true
	}
	text, k := l.text, 1
	next := g.at(1).text
	if meridiemRE.MatchString(next) && !strings.Contains(text, "m") {
		text, k = text+" "+next, 2
	}
	c, ok, err := readClock(text)
	if err == nil && ok {
		g.i += k
		set(g, &g.p.clock, c)
		return true
	}
	h, err := strconv.Atoi(text)
	if err != nil || h < 1 || h > 12 {
		return false
	}
	// An hour alone, "at 7": only a part of the day can say which 7.
	g.i++
	g.p.bareHour = true
	set(g, &g.p.clock, clockTime{h, 0})
	return true
}

func hasKind(l lexeme, kind wordKind) bool {
	_, ok := l.is(kind)
	return ok
}

// weekday reads "friday", "next tuesday", "el próximo martes", "el
// viernes pasado", "el martes que viene".
func (g *grammar) weekday() bool {
	k := 0
	w := anyWeek
	if b, ok := g.at(0).is(kindWeekBefore); ok {
		w, k = week(b.n), 1
	}
	d, ok := g.at(k).is(kindWeekday)
	if !ok {
		return false
	}
	k++
	if a, ok := g.at(k).is(kindWeekAfter); ok {
		if w != anyWeek && w != week(a.n) {
			g.spoiled = true
		}
		w = week(a.n)
		k++
	}
	g.i += k
	g.p.week = w
	set(g, &g.p.weekday, time.Weekday(d.n))
	return true
}

// day reads "today", "tomorrow", "pasado mañana".
func (g *grammar) day() bool {
	m, ok := g.at(0).is(kindDay)
	if !ok {
		return false
	}
	g.i++
	n := m.n
	g.setDay(&n, nil)
	return true
}

// period reads a part of the day, "in the evening", "de la tarde", or of
// today, "tonight", "esta tarde".
func (g *grammar) period() bool {
	l := g.at(0)
	if m, ok := l.is(kindTodayPeriod); ok {
		g.i++
		today := 0
		g.setDay(&today, nil)
		set(g, &g.p.period, m.period)
		return true
	}
	m, ok := l.is(kindPeriod)
	if !ok {
		return false
	}
	g.i++
	set(g, &g.p.period, m.period)
	return true
}

// zone reads a time zone: "est", "pacific", "utc".
func (g *grammar) zone() bool {
	m, ok := g.at(0).is(kindZone)
	if !ok {
		return false
	}
	g.i++
	z := m.zone
	if z == nil {
		var err error
		if z, err = time.LoadLocation(m.region); err != nil {
			g.spoiled = true // a zone it cannot load is not guessed at
			return true
		}
	}
	if g.p.zone != nil {
		g.spoiled = true
	}
	g.p.zone = z
	return true
}

// filler skips a word that changes nothing: "at", "on", "el", "a las".
func (g *grammar) filler() bool {
	if !hasKind(g.at(0), kindFiller) {
		return false
	}
	g.i++
	return true
}

// resolve turns the phrase into a time in loc, relative to now: a date
// without a year in the year pickYear picks, a bare weekday or time of
// day on dir's side of now. It refuses with errNoTimeOfDay a day without
// a time of day, and with errUnreadableTime a phrase that names neither,
// contradicts itself ("monday dec 4", which is a Friday; "tomorrow
// morning 7pm"), or names a day its month lacks.
func (p phrase) resolve(now time.Time, loc *time.Location, dir direction) (time.Time, error) {
	if p.shift != nil {
		if p.days != nil || p.date != nil || p.weekday != nil || p.clock != nil || p.period != nil || p.zone != nil {
			return time.Time{}, errUnreadableTime
		}
		return now.Add(*p.shift).In(loc).Truncate(time.Minute), nil
	}
	if p.zone != nil {
		now = now.In(p.zone)
	} else {
		now = now.In(loc)
	}
	named := p.days != nil || p.date != nil || p.weekday != nil
	c, err := p.timeOfDay(named)
	if err != nil {
		return time.Time{}, err
	}
	if p.midnight && named {
		return time.Time{}, errUnreadableTime // "friday midnight": which end of Friday?
	}
	day, err := p.day(now, c, dir)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(day.Year(), day.Month(), day.Day(), c.hour, c.minute, 0, 0, now.Location()).In(loc), nil
}

// timeOfDay is the phrase's time of day, settled with its part of the day
// and checked against it.
func (p phrase) timeOfDay(named bool) (clockTime, error) {
	switch {
	case p.clock == nil && named:
		return clockTime{}, errNoTimeOfDay
	case p.clock == nil:
		return clockTime{}, errUnreadableTime
	case p.bareHour:
		if p.period == nil {
			return clockTime{}, errUnreadableTime
		}
		h := p.clock.hour
		for _, c := range []int{h, h + 12, h - 12} {
			if c >= p.period.lo && c <= p.period.hi {
				return clockTime{c, 0}, nil
			}
		}
		return clockTime{}, errUnreadableTime
	case p.period != nil && (p.clock.hour < p.period.lo || p.clock.hour > p.period.hi):
		return clockTime{}, errUnreadableTime
	}
	return *p.clock, nil
}

// day is the phrase's day, at c's time of day where the choice between
// two days depends on it.
func (p phrase) day(now time.Time, c clockTime, dir direction) (time.Time, error) {
	at := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), c.hour, c.minute, 0, 0, now.Location())
	}
	today := at(now)
	switch {
	case p.date != nil:
		d := *p.date
		y := d.year
		if y == 0 {
			y = pickYear(now, d.month, d.day, dir)
		}
		if d.day < 1 || d.day > daysIn(y, d.month) {
			return time.Time{}, errUnreadableTime
		}
		return p.sameWeekday(time.Date(y, d.month, d.day, 12, 0, 0, 0, now.Location()))
	case p.days != nil:
		return p.sameWeekday(today.AddDate(0, 0, *p.days))
	case p.weekday != nil:
		return weekdayFrom(today, now, *p.weekday, p.week, dir), nil
	case dir == future && !today.After(now):
		return today.AddDate(0, 0, 1), nil // "8am" typed at 9am: tomorrow's
	case dir == past && today.After(now):
		return today.AddDate(0, 0, -1), nil
	}
	return today, nil
}

// sameWeekday refuses a day that is not the weekday the phrase also names.
func (p phrase) sameWeekday(d time.Time) (time.Time, error) {
	if p.weekday != nil && d.Weekday() != *p.weekday {
		return time.Time{}, errUnreadableTime
	}
	return d, nil
}

// weekdayFrom finds the weekday wd of the week w asks for, at today's time
// of day: a bare weekday is the next one after today for the future ("friday
// 6pm" typed on a Friday is next week's; "today 6pm" says today), and for
// the past the most recent one at or before now ("friday 8am" typed at 9am
// on a Friday is this morning).
func weekdayFrom(today, now time.Time, wd time.Weekday, w week, dir direction) time.Time {
	if w == thisWeek && today.Weekday() == wd {
		return today
	}
	step := 1
	if w == lastWeek || (w == thisWeek || w == anyWeek) && dir == past {
		step = -1
	}
	first := 1
	if w == anyWeek && dir == past {
		first = 0
	}
	for i := first; ; i++ {
		d := today.AddDate(0, 0, step*i)
		if d.Weekday() == wd && (step > 0 || !d.After(now)) {
			return d
		}
	}
}
