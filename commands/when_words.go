package commands

import "time"

// words is one language's vocabulary for the times people type. The
// grammar (when_phrase.go) is the same for every language: a language is
// its words, listed in languages. A request does not say which language
// its text is in, so every phrase may use the words of any of them; a
// phrase of several words ("pasado mañana", "in the morning") is read
// before the words it is made of.
type words struct {
	days     map[string]int // a day relative to today: "tomorrow" 1
	weekdays map[string]time.Weekday
	months   map[string]time.Month
	// monthsAfterDay are month words read only right after a day number,
	// "31 ago" (agosto): alone, "ago" is English.
	monthsAfterDay map[string]time.Month
	// Which week a weekday is in, written before it ("next friday", "el
	// próximo martes") or after it ("el martes que viene", "el viernes
	// pasado").
	weekBefore, weekAfter map[string]week
	// Amounts of time: "in 2 weeks", "dentro de 3 días" (forward), "hace 3
	// días" (back), written before the amount; "2 weeks ago", "3 days from
	// now", after its unit.
	forward, back []string
	after         map[string]int // the sign: "ago" -1
	numbers       map[string]int // amounts written as words: "a" week, "dos" días
	units         map[string]unit
	noon          []string
	midnight      []string
	// periods are parts of the day. Next to an hour without am or pm they
	// say which it is ("7 in the evening", "a las 3 de la tarde"); with a
	// time of day they must agree with it; alone they are no time of day.
	periods map[string]period
	// todayPeriods are a part of today: "tonight", "esta tarde".
	todayPeriods map[string]period
	of           []string // between a day, its month and its year: "3rd of march", "3 de diciembre de 2026"
	fillers      []string // words that change nothing: "at", "on", "el", "a las"
	zones        map[string]*time.Location
	regions      map[string]string // zones by the region's name in the time zone database
}

// week says which occurrence of a weekday a phrase means.
type week int

const (
	anyWeek  week = iota // a bare weekday: the next one for the future, the last one for the past
	thisWeek             // today if it is that day, else the nearest in the direction asked
	nextWeek             // the first after today
	lastWeek             // the last before today
)

// unit is a unit of "in 2 weeks" or "3 hours ago".
type unit int

const (
	minutes unit = iota
	hours
	days
	weeks
)

// period is a part of the day: the hours from lo to hi, both included.
type period struct{ lo, hi int }

var (
	morning   = period{1, 11}
	afternoon = period{12, 20}
	evening   = period{16, 23}
	night     = period{18, 23}
)

// languages are the languages whose times fcbot reads.
var languages = []words{english, spanish}

var english = words{
	days: map[string]int{
		"today": 0, "tomorrow": 1, "tmr": 1, "tmrw": 1, "yesterday": -1,
		"day after tomorrow": 2, "the day after tomorrow": 2,
		"day before yesterday": -2, "the day before yesterday": -2,
	},
	weekdays: map[string]time.Weekday{
		"sunday": time.Sunday, "sun": time.Sunday,
		"monday": time.Monday, "mon": time.Monday,
		"tuesday": time.Tuesday, "tues": time.Tuesday, "tue": time.Tuesday,
		"wednesday": time.Wednesday, "wed": time.Wednesday,
		"thursday": time.Thursday, "thurs": time.Thursday, "thur": time.Thursday, "thu": time.Thursday,
		"friday": time.Friday, "fri": time.Friday,
		"saturday": time.Saturday, "sat": time.Saturday,
	},
	months: map[string]time.Month{
		"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
		"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
		"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
		"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	},
	weekBefore: map[string]week{"this": thisWeek, "next": nextWeek, "coming": nextWeek, "this coming": nextWeek, "last": lastWeek, "past": lastWeek},
	forward:    []string{"in"},
	after:      map[string]int{"ago": -1, "from now": 1},
	numbers: map[string]int{
		"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
		"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	},
	units: map[string]unit{
		"minute": minutes, "minutes": minutes, "min": minutes, "mins": minutes,
		"hour": hours, "hours": hours, "hr": hours, "hrs": hours,
		"day": days, "days": days, "week": weeks, "weeks": weeks,
	},
	noon:     []string{"noon", "midday"},
	midnight: []string{"midnight"},
	periods: map[string]period{
		"morning": morning, "in the morning": morning, "afternoon": afternoon, "in the afternoon": afternoon,
		"evening": evening, "in the evening": evening, "night": night, "at night": night,
	},
	todayPeriods: map[string]period{"this morning": morning, "this afternoon": afternoon, "this evening": evening, "tonight": evening},
	of:           []string{"of"},
	fillers:      []string{"at", "on", "the", "@"},
	// Zones as written: "3pm est" is UTC-5 even in summer, as the
	// abbreviation says; the names without a season follow the region's
	// clock.
	zones: map[string]*time.Location{
		"utc": time.UTC, "gmt": time.UTC,
		"est": time.FixedZone("EST", -5*3600), "edt": time.FixedZone("EDT", -4*3600),
		"cst": time.FixedZone("CST", -6*3600), "cdt": time.FixedZone("CDT", -5*3600),
		"mst": time.FixedZone("MST", -7*3600), "mdt": time.FixedZone("MDT", -6*3600),
		"pst": time.FixedZone("PST", -8*3600), "pdt": time.FixedZone("PDT", -7*3600),
		"akst": time.FixedZone("AKST", -9*3600), "akdt": time.FixedZone("AKDT", -8*3600),
		"hst": time.FixedZone("HST", -10*3600),
	},
	regions: map[string]string{
		"et": "America/New_York", "eastern": "America/New_York",
		"ct": "America/Chicago", "central": "America/Chicago",
		"mt": "America/Denver", "mountain": "America/Denver",
		"pt": "America/Los_Angeles", "pacific": "America/Los_Angeles",
	},
}

var spanish = words{
	days: map[string]int{
		"hoy": 0, "mañana": 1, "manana": 1, "pasado mañana": 2, "pasado manana": 2,
		"ayer": -1, "anteayer": -2, "antier": -2, "antes de ayer": -2,
	},
	weekdays: map[string]time.Weekday{
		"domingo": time.Sunday, "lunes": time.Monday, "martes": time.Tuesday,
		"miércoles": time.Wednesday, "miercoles": time.Wednesday, "jueves": time.Thursday,
		"viernes": time.Friday, "sábado": time.Saturday, "sabado": time.Saturday,
	},
	months: map[string]time.Month{
		"enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3,
		"abril": 4, "abr": 4, "mayo": 5, "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7,
		"agosto": 8, "septiembre": 9, "setiembre": 9, "sep": 9, "sept": 9, "set": 9,
		"octubre": 10, "oct": 10, "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
	},
	monthsAfterDay: map[string]time.Month{"ago": 8},
	weekBefore:     map[string]week{"este": thisWeek, "próximo": nextWeek, "proximo": nextWeek},
	weekAfter:      map[string]week{"que viene": nextWeek, "próximo": nextWeek, "proximo": nextWeek, "pasado": lastWeek},
	forward:        []string{"en", "dentro de"},
	back:           []string{"hace"},
	numbers: map[string]int{
		"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
		"siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
	},
	units: map[string]unit{
		"minuto": minutes, "minutos": minutes, "hora": hours, "horas": hours,
		"día": days, "días": days, "dia": days, "dias": days, "semana": weeks, "semanas": weeks,
	},
	noon:     []string{"mediodía", "mediodia"},
	midnight: []string{"medianoche"},
	periods: map[string]period{
		"de la mañana": morning, "por la mañana": morning, "en la mañana": morning,
		"de la manana": morning, "por la manana": morning, "en la manana": morning,
		"de la tarde": afternoon, "por la tarde": afternoon, "en la tarde": afternoon,
		"de la noche": night, "por la noche": night, "en la noche": night,
	},
	todayPeriods: map[string]period{"esta mañana": morning, "esta manana": morning, "esta tarde": afternoon, "esta noche": night},
	of:           []string{"de"},
	fillers:      []string{"el", "a las", "a la", "a"},
}
