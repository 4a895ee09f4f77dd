package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CalendarFeed is a group's calendar subscription (/calendar): the token
// in its address, /calendar/TOKEN.ics.
//
// The token is stored as it is, not hashed: every member who asks is shown
// the same link, so fcbot must be able to write it again, and a hash would
// make each /calendar replace everyone's link. What it opens is read-only
// and names no one (meetings' times, places and officials, which the
// database holds anyway); the link is replaced with /calendar rotate.
type CalendarFeed struct {
	GroupID   int64     `gorm:"primaryKey;autoIncrement:false"`
	Token     string    `gorm:"size:64;not null;unique"`
	CreatedAt time.Time `gorm:"not null"`
}

// CalendarToken returns the token of the group's calendar feed, making one
// on first use: one statement once it exists. Two members asking at once
// both get the one that was stored first.
func (s *Store) CalendarToken(ctx context.Context, groupID int64) (_ string, err error) {
	defer wrap(&err, "storage.CalendarToken(%d)", groupID)
	var f CalendarFeed
	err = s.with(ctx).Where("group_id = ?", groupID).Take(&f).Error
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return f.Token, err
	}
	fresh := CalendarFeed{GroupID: groupID, Token: NewToken(), CreatedAt: s.Now()}
	if err := s.with(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
		return "", err
	}
	err = s.with(ctx).Where("group_id = ?", groupID).Take(&f).Error
	return f.Token, err
}

// RotateCalendarToken gives the group's calendar feed a new token and
// returns it: the old address finds nothing from then on. Call it inside
// Tx, with the audit entry.
func (s *Store) RotateCalendarToken(ctx context.Context, groupID int64) (_ string, err error) {
	defer wrap(&err, "storage.RotateCalendarToken(%d)", groupID)
	f := CalendarFeed{GroupID: groupID, Token: NewToken(), CreatedAt: s.Now()}
	err = s.with(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "group_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"token", "created_at"}),
	}).Create(&f).Error
	return f.Token, err
}

// GroupByCalendarToken returns the group whose calendar feed has the
// token, on its unique index: the one read that crosses groups, since the
// address is all a calendar app brings. ErrNotFound for any other token,
// a replaced one included.
func (s *Store) GroupByCalendarToken(ctx context.Context, token string) (_ *Group, err error) {
	defer wrap(&err, "storage.GroupByCalendarToken(…)")
	if !wellFormedToken(token) { // no need to ask the database
		return nil, ErrNotFound
	}
	var g Group
	err = s.with(ctx).Where("id = (SELECT c.group_id FROM calendar_feeds c WHERE c.token = ?)", token).Take(&g).Error
	return &g, err
}

// CalendarMeeting is a meeting as its calendar event shows it: no RSVPs
// and no people, only the official it is with.
type CalendarMeeting struct {
	Meeting
	OfficialName   string
	OfficialOffice Office
}

// CalendarMeetings lists the group's meetings, cancelled ones included
// (so that calendars drop them), that start at since or later: the
// latest limit of them, soonest first, in one statement on the index of
// the group's meetings by start.
func (s *Store) CalendarMeetings(ctx context.Context, groupID int64, since time.Time, limit int) (_ []CalendarMeeting, err error) {
	defer wrap(&err, "storage.CalendarMeetings(%d, %d)", groupID, limit)
	official := func(column string) string { return named("officials", column, "mt.official_id", "mt.group_id") }
	var out []CalendarMeeting
	err = s.with(ctx).Raw(`SELECT mt.*, COALESCE(`+official("name")+`, '') AS official_name, COALESCE(`+official("office")+`, '') AS official_office
		FROM (SELECT * FROM meetings WHERE group_id = ? AND starts_at >= ? ORDER BY starts_at DESC, number DESC LIMIT ?) mt
		ORDER BY mt.starts_at, mt.number`, groupID, since.UTC(), limit).Scan(&out).Error
	return out, err
}
