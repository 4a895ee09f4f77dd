package storage

import "time"

// The row types. Their shapes mirror migrations/; a test proves that GORM
// would change nothing in a migrated database. Times are stored in UTC.
// Every type but Group carries GroupID, and every query filters by it.

// Group is a Discord server or Slack workspace (or the console) and the one
// jurisdiction it campaigns in.
type Group struct {
	ID           int64
	Platform     string `gorm:"size:16;not null"`
	PlatformID   string `gorm:"size:64;not null"`
	Jurisdiction string `gorm:"size:100;not null;default:''"`
	Kind         string `gorm:"size:16;not null;default:''"` // city, county or state
	TimeZone     string `gorm:"size:64;not null;default:'UTC'"`
	// ReportForm is the address of the report-back form the group uses;
	// "" means the guide's own.
	ReportForm string `gorm:"size:300;not null;default:''"`
	// Language is the group's language (/setup language): channel posts
	// are written in it, and members who chose none and whose platform
	// names none read it.
	Language string `gorm:"size:8;not null;default:'en'"`
	// RetentionDays is how long links between people and meetings, and
	// who made each audit entry, are kept (/setup retention); PurgedOn is
	// the local date (YYYY-MM-DD) of the last nightly purge, "" before the
	// first (see RunRetention).
	RetentionDays int       `gorm:"not null;default:365"`
	PurgedOn      string    `gorm:"size:10;not null;default:''"`
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// Member is a person in a group: a platform id and a display name, and
// the settings they chose for themselves (/me), nothing else. A forgotten
// member keeps their row (so history stays whole) with the platform id
// cleared.
type Member struct {
	ID             int64
	GroupID        int64   `gorm:"not null"`
	PlatformUserID *string `gorm:"size:64"`
	DisplayName    string  `gorm:"size:100;not null"`
	// Locale is the one their platform reports (Discord's locale, Slack's
	// users.info); Language the one they chose, "" until they do.
	Locale   string `gorm:"size:16;not null;default:''"`
	Language string `gorm:"size:8;not null;default:''"`
	// TimeZone is their own zone, "" for the group's.
	TimeZone string `gorm:"size:64;not null;default:''"`
	// Reminders is whether they receive meeting and task reminders.
	Reminders bool      `gorm:"not null;default:true"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// RoleAssignment gives a member a campaign or permission role, for the
// whole group (MeetingID nil) or for one meeting.
type RoleAssignment struct {
	ID         int64
	GroupID    int64 `gorm:"not null"`
	MemberID   int64 `gorm:"not null"`
	Role       Role  `gorm:"size:32;not null"`
	MeetingID  *int64
	AssignedBy *int64
	CreatedAt  time.Time `gorm:"not null"`
}

// Official is a public figure the group asks to adopt the rules.
type Official struct {
	ID      int64
	GroupID int64  `gorm:"not null"`
	Number  int64  `gorm:"not null"`
	Name    string `gorm:"size:100;not null"`
	Office  Office `gorm:"size:32;not null"`
	// Jurisdiction is empty for the group's own jurisdiction, else the one
	// the official serves (a city group's county sheriff).
	Jurisdiction string `gorm:"size:100;not null;default:''"`
	Contact      string `gorm:"size:200;not null;default:''"`
	RemovedAt    *time.Time
	CreatedAt    time.Time `gorm:"not null"`
	UpdatedAt    time.Time `gorm:"not null"`
}

// Meeting is a gathering: with an official, or the group's own.
type Meeting struct {
	ID          int64
	GroupID     int64       `gorm:"not null"`
	Number      int64       `gorm:"not null"`
	Kind        MeetingKind `gorm:"size:32;not null"`
	OfficialID  *int64
	StartsAt    time.Time     `gorm:"not null"`
	GatherAt    time.Time     `gorm:"not null"`
	Place       string        `gorm:"size:200;not null"`
	GatherPlace string        `gorm:"size:200;not null;default:''"`
	Capacity    int           `gorm:"not null;default:0"`
	Status      MeetingStatus `gorm:"size:16;not null;default:'scheduled'"`
	CreatedBy   *int64
	// ReportFiledAt and ReportFiledBy record who filed the meeting's
	// report-back, and when; nil until someone does.
	ReportFiledAt *time.Time
	ReportFiledBy *int64
	// UnlinkedYes, UnlinkedMaybe, UnlinkedNo, UnlinkedCame and
	// UnlinkedRoles count the RSVPs, attendance records and roles for this
	// meeting whose link to a person was erased (by the group's retention
	// or a member forgotten: see UnlinkPeople). The meeting's counts are
	// these plus its rows.
	UnlinkedYes   int64 `gorm:"not null;default:0"`
	UnlinkedMaybe int64 `gorm:"not null;default:0"`
	UnlinkedNo    int64 `gorm:"not null;default:0"`
	UnlinkedCame  int64 `gorm:"not null;default:0"`
	UnlinkedRoles int64 `gorm:"not null;default:0"`
	// Sequence counts the times the meeting was moved or cancelled: its
	// calendar event's SEQUENCE (see RescheduleMeeting, SetMeetingStatus).
	Sequence  int64     `gorm:"not null;default:0"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// TookPlace reports whether the meeting happened as of now: marked held,
// or still scheduled and already started (groups often forget to mark
// one held). Cancelled meetings never took place.
func (m *Meeting) TookPlace(now time.Time) bool {
	return m.Status == MeetingHeld || (m.Status == MeetingScheduled && !m.StartsAt.After(now))
}

// RSVP is a member's answer to a meeting invitation.
type RSVP struct {
	ID        int64
	GroupID   int64     `gorm:"not null"`
	MeetingID int64     `gorm:"not null"`
	MemberID  int64     `gorm:"not null"`
	Answer    string    `gorm:"size:8;not null"` // yes, no or maybe
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// TableName keeps GORM from naming the table "rsv_ps".
func (RSVP) TableName() string { return "rsvps" }

// Attendance records that a member came to a meeting.
type Attendance struct {
	ID         int64
	GroupID    int64 `gorm:"not null"`
	MeetingID  int64 `gorm:"not null"`
	MemberID   int64 `gorm:"not null"`
	RecordedBy *int64
	CreatedAt  time.Time `gorm:"not null"`
}

// TableName names the attendance table in the singular, as the schema does.
func (Attendance) TableName() string { return "attendance" }

// Answer is one official's stated position on one rule, as logged by a
// member. History is kept: the latest answer per official and rule counts.
type Answer struct {
	ID           int64
	GroupID      int64  `gorm:"not null"`
	OfficialID   int64  `gorm:"not null"`
	Rule         string `gorm:"size:8;not null"` // "1".."9" or "1373"
	InPlace      Mark   `gorm:"size:8;not null"`
	WouldSupport Mark   `gorm:"size:8;not null;default:''"` // "" when not asked
	Source       string `gorm:"size:16;not null;default:''"`
	MeetingID    *int64
	Note         string `gorm:"size:500;not null;default:''"`
	LoggedBy     *int64
	CreatedAt    time.Time `gorm:"not null"`
}

// Settlement is a coordinator's ruling on whether a rule is in place when
// the group's officials disagree. History is kept: the latest counts
// until an official answers otherwise after it.
type Settlement struct {
	ID        int64
	GroupID   int64  `gorm:"not null"`
	Rule      string `gorm:"size:8;not null"`
	InPlace   Mark   `gorm:"size:8;not null"` // yes or no
	Note      string `gorm:"size:500;not null;default:''"`
	SettledBy *int64
	CreatedAt time.Time `gorm:"not null"`
}

// TableName names the settlements table.
func (Settlement) TableName() string { return "rule_settlements" }

// LatestAnswer is the answer that counts for one official and rule: the
// latest logged, by time then id. AddAnswers keeps it in the transaction
// that logs answers, copying what the standing needs, so that reading the
// standing never reads the history behind it.
type LatestAnswer struct {
	GroupID      int64  `gorm:"primaryKey;autoIncrement:false"`
	OfficialID   int64  `gorm:"primaryKey;autoIncrement:false"`
	Rule         string `gorm:"primaryKey;size:8"`
	AnswerID     int64  `gorm:"not null"`
	InPlace      Mark   `gorm:"size:8;not null"`
	WouldSupport Mark   `gorm:"size:8;not null;default:''"`
	MeetingID    *int64
	CreatedAt    time.Time `gorm:"not null"`
}

// LatestSettlement is the ruling that counts for one rule, kept by
// AddSettlement as LatestAnswer is by AddAnswers.
type LatestSettlement struct {
	GroupID      int64     `gorm:"primaryKey;autoIncrement:false"`
	Rule         string    `gorm:"primaryKey;size:8"`
	SettlementID int64     `gorm:"not null"`
	InPlace      Mark      `gorm:"size:8;not null"`
	CreatedAt    time.Time `gorm:"not null"`
}

// Task is a piece of campaign work, optionally assigned, due and tied to a
// meeting or tactic.
type Task struct {
	ID         int64
	GroupID    int64  `gorm:"not null"`
	Number     int64  `gorm:"not null"`
	Title      string `gorm:"size:200;not null"`
	AssigneeID *int64
	DueAt      *time.Time
	MeetingID  *int64
	Tactic     string `gorm:"size:32;not null;default:''"`
	Status     string `gorm:"size:16;not null;default:'open'"` // open or done
	CreatedBy  *int64
	DoneAt     *time.Time
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
}

// AuditEntry records one change: who, what, when, before and after.
type AuditEntry struct {
	ID           int64
	GroupID      int64 `gorm:"not null"`
	MemberID     *int64
	Action       string    `gorm:"size:64;not null"`
	Entity       string    `gorm:"size:32;not null"`
	EntityNumber int64     `gorm:"not null;default:0"`
	Before       string    `gorm:"not null;default:''"`
	After        string    `gorm:"not null;default:''"`
	CreatedAt    time.Time `gorm:"not null"`
}

// TableName names the audit table.
func (AuditEntry) TableName() string { return "audit_log" }

// ProcessedInteraction is the replay guard: one row per delivery id.
type ProcessedInteraction struct {
	ID         int64
	GroupID    int64     `gorm:"not null"`
	Platform   string    `gorm:"size:16;not null"`
	DeliveryID string    `gorm:"size:200;not null"`
	CreatedAt  time.Time `gorm:"not null"`
}

// GroupCounter is the last number given to a group's officials, meetings
// or tasks (Entity is the table's name); see NextNumber.
type GroupCounter struct {
	GroupID int64  `gorm:"primaryKey;autoIncrement:false"`
	Entity  string `gorm:"primaryKey;size:16"`
	Last    int64  `gorm:"not null"`
}

// Models lists every mapped type, for the schema test.
func Models() []any {
	return []any{&Group{}, &Member{}, &RoleAssignment{}, &Official{}, &Meeting{}, &RSVP{}, &Attendance{}, &Answer{}, &Task{}, &AuditEntry{}, &ProcessedInteraction{},
		&DigestSettings{}, &DigestSubscription{}, &DigestSent{}, &DeliveryFailure{}, &Settlement{}, &GroupCounter{},
		&LatestAnswer{}, &LatestSettlement{}, &PurgeReport{}, &CalendarFeed{}}
}
