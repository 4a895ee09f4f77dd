package bot

import (
	"context"
	"time"
)

// User is a person as a platform knows them: an opaque id and a display
// name. Nothing else about a person is ever carried or stored.
type User struct {
	ID   string
	Name string
}

// Value is the typed value of one option.
type Value struct {
	Kind  OptionKind
	Text  string // Text, Time and Choice values
	Int   int64
	Bool  bool
	User  User   // UserKind values
	Users []User // Users values
}

// Caller is who runs a request, as the group knows them. It is filled in by
// the router's Resolver before permissions are checked.
type Caller struct {
	GroupID  int64 // the group's row, never shown to users
	MemberID int64 // the member's row, never shown to users
	Level    Level
	// TimeZone is the zone times are shown to the caller in: their own,
	// else the group's.
	TimeZone *time.Location
	// GroupZone is the group's zone, in which the times people type are
	// read; nil means TimeZone.
	GroupZone *time.Location
	// GroupLocale is the group's language, in which channel posts are
	// written.
	GroupLocale string
	// FollowsGroup is true when the caller reads the group's language:
	// they chose none, and their platform named none the catalog has.
	FollowsGroup bool
	// GroupName is the group's jurisdiction name, or "" before /setup.
	GroupName string
	// GroupKind is the jurisdiction's kind: city, county or state.
	GroupKind string
}

// Request is one command invocation, decoded by an adapter.
type Request struct {
	// ID identifies the delivery (interaction id, trigger id) so that a
	// replayed delivery has one effect; empty when the platform has none.
	ID       string
	Platform string // "discord", "slack" or "console"
	// Group is the platform's workspace: a Discord guild id, a Slack team id.
	Group   string
	User    User
	Channel string
	// Locale is the user's locale as the platform reports it ("" when it
	// does not) until the caller is resolved; from then on it is the
	// language the caller reads, which the Resolver sets.
	Locale string
	// Admin is true when the platform says the user administers the
	// workspace (Discord Administrator or Manage Server; Slack admin or
	// owner). Such users count as leads.
	Admin   bool
	Command *Command
	Options map[string]Value
	// Directory asks the platform who and what belongs to the workspace;
	// nil on the console, whose one workspace holds everyone.
	Directory Directory

	Caller Caller
	// Now is the request's time, from the router's Clock.
	Now time.Time
}

// Directory answers, from the platform, who and what belongs to a
// workspace: the check that keeps a lead of one workspace from having the
// bot message people, or post, in another.
type Directory interface {
	// Member returns the user as the workspace knows them (with their
	// display name), or ok false when they are not one of its members.
	Member(ctx context.Context, group, userID string) (u User, ok bool, err error)
	// Channel returns the platform's id for a channel the user typed (an
	// id, or a mention in the platform's syntax), or ok false when it is
	// not a channel of the workspace that the bot can post in.
	Channel(ctx context.Context, group, typed string) (id string, ok bool, err error)
}

// Has reports whether the option was given.
func (r *Request) Has(name string) bool {
	_, ok := r.Options[name]
	return ok
}

// Str returns a text, time or choice option, or "" when absent.
func (r *Request) Str(name string) string { return r.Options[name].Text }

// Int returns an integer option and whether it was given.
func (r *Request) Int(name string) (int64, bool) {
	v, ok := r.Options[name]
	return v.Int, ok
}

// Bool returns a boolean option and whether it was given.
func (r *Request) Bool(name string) (bool, bool) {
	v, ok := r.Options[name]
	return v.Bool, ok
}

// UserOpt returns a user option and whether it was given.
func (r *Request) UserOpt(name string) (User, bool) {
	v, ok := r.Options[name]
	return v.User, ok
}

// UsersOpt returns the users of a Users option.
func (r *Request) UsersOpt(name string) []User { return r.Options[name].Users }

// T looks up a message in the request's locale; kv are name/value pairs
// for the message template.
func (r *Request) T(id string, kv ...any) string { return Translate(r.Locale, M(id, kv...)) }

// Location returns the zone times are shown to the caller in: their own,
// else the group's; UTC before /setup.
func (r *Request) Location() *time.Location {
	if r.Caller.TimeZone == nil {
		return time.UTC
	}
	return r.Caller.TimeZone
}

// GroupLocation returns the group's time zone, in which the times people
// type are read; UTC before /setup.
func (r *Request) GroupLocation() *time.Location {
	if r.Caller.GroupZone == nil {
		return r.Location()
	}
	return r.Caller.GroupZone
}

// Handler runs one command.
type Handler func(ctx context.Context, req *Request) (Reply, error)
