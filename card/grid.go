// Package card is a group's scorecard as data, the one shape that the
// public page, the image and the roll-up across groups all draw: the
// rules down the side, the officials across, a mark in every cell.
package card

import "time"

// Mark is one answer, or one rule's status, as a word: yes, no, evasive,
// unknown (not asked, or nothing clear), or, for a rule, disputed (its
// officials, or an official and the group's ruling, disagree).
type Mark string

// The marks.
const (
	Yes      Mark = "yes"
	No       Mark = "no"
	Evasive  Mark = "evasive"
	Unknown  Mark = "unknown"
	Disputed Mark = "disputed"
)

// Grid is one group's scorecard at one moment. It holds officials and
// their public answers only: never a member's name, an RSVP or who came.
type Grid struct {
	// Jurisdiction is the place the group campaigns in, as the group
	// named it ("Cook County"); Language is the group's ("en", "es"),
	// in which Rules are named.
	Jurisdiction string
	Language     string
	// Location is the group's time zone, in which dates are shown.
	Location *time.Location
	// Rules are the core rules in order, then the optional 1373 rule.
	Rules []Rule
	// Officials are the group's officials in their numbered order, each
	// with one cell per rule, in the order of Rules.
	Officials []Official
	// InPlace counts the core rules in place, of Core.
	InPlace, Core int
	// Updated is when the standing last changed (the latest answer or
	// ruling that counts); zero when nothing was logged yet.
	Updated time.Time
}

// Rule is one rule and its status across the officials' answers.
type Rule struct {
	Number string // "1".."9", "1373"
	Name   string // in the group's language
	Status Mark   // yes, no, evasive, unknown or disputed
}

// Official is one official's row of answers.
type Official struct {
	Name         string
	Office       string // as typed: sheriff, mayor, council, police-chief, county-executive
	Jurisdiction string // "" for the group's own
	Cells        []Cell
}

// Cell is an official's answer on one rule: is it in place, and, when it
// is not, would they support it. Asked is false when nobody logged one.
type Cell struct {
	Asked        bool
	InPlace      Mark // yes, no, evasive (unknown when not asked)
	WouldSupport Mark // yes, no, evasive, or unknown when not asked
	// At is when the answer was given: the meeting's start when it was
	// given at one (Meeting > 0, the meeting's number in the group), else
	// when it was logged.
	At      time.Time
	Meeting int64
}

// Mark is the one mark the grid shows for the cell: in place (yes);
// else, where the official dodged either question, evasive; else their
// answer on supporting it (yes, no) or unknown.
func (c Cell) Mark() Mark {
	switch {
	case !c.Asked:
		return Unknown
	case c.InPlace == Yes:
		return Yes
	case c.InPlace == Evasive || c.WouldSupport == Evasive:
		return Evasive
	case c.WouldSupport == Yes:
		return Yes
	case c.WouldSupport == No:
		return No
	}
	return Unknown
}
