package bot

import "regexp"

// The free text fcbot keeps (a task's title, a meeting's place, a note on
// an answer) is read by the whole group, exported and backed up: it is no
// place for a private person's phone number or email address. Options
// marked NoContact refuse text that looks like one when they are bound, so
// no handler can forget to; an official's public office contact has its
// own option, which is not marked.
//
// The phone numbers are those people in the campaign's cities type: US
// and Canadian (217-555-0100, (217) 555-0100, 217.555.0100, 1 800 555
// 0100), Mexican and Latin American (55 1234 5678, 11 91234-5678) and any
// number written with a + and 8 to 15 digits (+52 55 1234 5678). Times,
// dates, years, rule and meeting numbers, and links (a Zoom link's digits
// included) are not phone numbers.

var (
	// emailRE is an address with a dotted domain: jane.doe@mail.example.
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+\p{L}{2,}`)
	// phoneRE is a phone number standing alone (no letter, digit or
	// underscore either side): 3-3-4 digits (with a 1 first in the US),
	// 2-4-4, 2-5-4 when grouped (eleven digits in a row are more often a
	// Zoom id), or + and 8 to 15 digits.
	phoneRE = regexp.MustCompile(func() string {
		const dash = `[ .\-\x{00A0}\x{2010}-\x{2015}]` // a space, dot or dash between groups
		national := `(?:1` + dash + `?)?\(?\d{3}\)?` + dash + `?\d{3}` + dash + `?\d{4}` +
			`|\(?\d{2}\)?` + dash + `?\d{4}` + dash + `?\d{4}` +
			`|\(?\d{2}\)?` + dash + `\d{5}` + dash + `\d{4}`
		international := `\+\(?\d(?:[\s()]{0,2}` + dash + `?\d){7,14}`
		return `(?:^|[^\p{L}\p{N}_])(?:` + national + `|` + international + `)(?:$|[^\p{L}\p{N}_])`
	}())
	// linkRE is a web link, whose digits are ids, not phone numbers.
	linkRE = regexp.MustCompile(`(?i)https?://\S+`)
)

// LooksLikeContact reports whether s holds something that looks like a
// phone number or an email address.
func LooksLikeContact(s string) bool {
	return emailRE.MatchString(s) || phoneRE.MatchString(linkRE.ReplaceAllString(s, " "))
}
