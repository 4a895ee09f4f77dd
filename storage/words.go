package storage

import "slices"

// The campaign's words that the database stores, each a type with its
// list and a parser: the one place their spellings live. Commands
// validate what users type against these lists; queries compare with
// these constants, never with literals.

// MeetingKind is what a meeting is for.
type MeetingKind string

// The meeting kinds.
const (
	KindLawEnforcement MeetingKind = "law-enforcement"
	KindOrganizing     MeetingKind = "organizing"
	KindTownHall       MeetingKind = "town-hall"
	KindRally          MeetingKind = "rally"
	KindTestimony      MeetingKind = "testimony"
	KindOther          MeetingKind = "other"
)

// MeetingKinds lists the meeting kinds, in the order choices show them.
var MeetingKinds = []MeetingKind{KindLawEnforcement, KindOrganizing, KindTownHall, KindRally, KindTestimony, KindOther}

// ParseMeetingKind reads a meeting kind; ok is false for anything else.
func ParseMeetingKind(s string) (MeetingKind, bool) { return parse(MeetingKinds, s) }

// MeetingStatus is where a meeting stands.
type MeetingStatus string

// The meeting statuses.
const (
	MeetingScheduled MeetingStatus = "scheduled"
	MeetingCancelled MeetingStatus = "cancelled"
	MeetingHeld      MeetingStatus = "held"
)

// MeetingStatuses lists the meeting statuses.
var MeetingStatuses = []MeetingStatus{MeetingScheduled, MeetingCancelled, MeetingHeld}

// Mark is an answer to "is it in place?" or "would you support it?".
// WouldSupport is "" when not asked (the rule is in place).
type Mark string

// The marks.
const (
	MarkYes     Mark = "yes"
	MarkNo      Mark = "no"
	MarkEvasive Mark = "evasive"
	MarkUnknown Mark = "unknown"
)

// Marks lists the marks an answer can carry.
var Marks = []Mark{MarkYes, MarkNo, MarkEvasive, MarkUnknown}

// ParseMark reads a mark; ok is false for anything else.
func ParseMark(s string) (Mark, bool) { return parse(Marks, s) }

// Role is what a member does in the group: a campaign role from the guide,
// or a permission role (lead, coordinator).
type Role string

// The roles: the guide's campaign roles, then the permission roles.
const (
	RoleSpokesperson     Role = "spokesperson"
	RoleScheduler        Role = "scheduler"
	RoleInviter          Role = "inviter"
	RoleEventPoster      Role = "event-poster"
	RoleAttendanceKeeper Role = "attendance-keeper"
	RoleReporter         Role = "reporter"
	RoleNoteTaker        Role = "note-taker"
	RoleLead             Role = "lead"
	RoleCoordinator      Role = "coordinator"
)

// Roles lists every role, campaign roles first.
var Roles = []Role{RoleSpokesperson, RoleScheduler, RoleInviter, RoleEventPoster, RoleAttendanceKeeper, RoleReporter, RoleNoteTaker, RoleLead, RoleCoordinator}

// ParseRole reads a role; ok is false for anything else.
func ParseRole(s string) (Role, bool) { return parse(Roles, s) }

// Permission reports whether the role grants permissions (lead,
// coordinator) rather than a part in the campaign.
func (r Role) Permission() bool { return r == RoleLead || r == RoleCoordinator }

// Office is an official's office.
type Office string

// The offices, the pressure points the guide names first: the chief
// law-enforcement officers, then the elected officials to press.
const (
	OfficeSheriff           Office = "sheriff"
	OfficePoliceChief       Office = "police-chief"
	OfficePrecinctCommander Office = "precinct-commander"
	OfficeMayor             Office = "mayor"
	OfficeCouncilMember     Office = "council-member"
	OfficeCountyExecutive   Office = "county-executive"
	OfficeOther             Office = "other"
)

// Offices lists the offices in the guide's order of pressure.
var Offices = []Office{OfficeSheriff, OfficePoliceChief, OfficePrecinctCommander, OfficeMayor, OfficeCouncilMember, OfficeCountyExecutive, OfficeOther}

// ParseOffice reads an office; ok is false for anything else.
func ParseOffice(s string) (Office, bool) { return parse(Offices, s) }

// LawEnforcement reports whether the office is a law-enforcement one: the
// guide's first meeting is with one of them.
func (o Office) LawEnforcement() bool {
	return o == OfficeSheriff || o == OfficePoliceChief || o == OfficePrecinctCommander
}

// Rank is the office's place in Offices, the guide's order of pressure;
// an unknown office comes last.
func (o Office) Rank() int {
	if i := slices.Index(Offices, o); i >= 0 {
		return i
	}
	return len(Offices)
}

// parse finds s in list.
func parse[T ~string](list []T, s string) (T, bool) {
	for _, v := range list {
		if string(v) == s {
			return v, true
		}
	}
	return "", false
}
