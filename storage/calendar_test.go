package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestCalendarToken: a group's feed token is made once, however many ask
// at once, is found by its token only, and a rotation replaces it so that
// the old one finds nothing.
func TestCalendarToken(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, b := newCampaignFixture(t, s, "A"), newCampaignFixture(t, s, "B")
		tokens := make([]string, 4)
		var wg sync.WaitGroup
		for i := range tokens {
			wg.Go(func() {
				tok, err := s.CalendarToken(ctx, a.group.ID)
				if err != nil {
					t.Error(err)
				}
				tokens[i] = tok
			})
		}
		wg.Wait()
		for _, tok := range tokens[1:] {
			if tok != tokens[0] || len(tok) != 43 {
				t.Fatalf("concurrent CalendarToken: got %q, want one 43-character token", tokens)
			}
		}
		other, err := s.CalendarToken(ctx, b.group.ID)
		if err != nil || other == tokens[0] {
			t.Fatalf("group B's token: %q (%v), want its own", other, err)
		}
		g, err := s.GroupByCalendarToken(ctx, tokens[0])
		if err != nil || g.ID != a.group.ID {
			t.Fatalf("GroupByCalendarToken: %+v (%v), want group A", g, err)
		}
		rotated, err := s.RotateCalendarToken(ctx, a.group.ID)
		if err != nil || rotated == tokens[0] {
			t.Fatalf("RotateCalendarToken: %q (%v), want a new token", rotated, err)
		}
		if again, _ := s.CalendarToken(ctx, a.group.ID); again != rotated {
			t.Errorf("CalendarToken after rotating: %q, want %q", again, rotated)
		}
		for _, tok := range []string{tokens[0], "", "x", rotated[:42] + "!", rotated + "A"} {
			if _, err := s.GroupByCalendarToken(ctx, tok); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("GroupByCalendarToken(%q): %v, want ErrNotFound", tok, err)
			}
		}
		if g, err := s.GroupByCalendarToken(ctx, rotated); err != nil || g.ID != a.group.ID {
			t.Errorf("GroupByCalendarToken(rotated): %+v (%v), want group A", g, err)
		}
	})
}

// TestCalendarMeetingsAndSequence: the feed's meetings are the group's
// own from the given start on, cancelled ones included, capped to the
// latest; moving or cancelling a meeting counts in its Sequence, marking
// it held does not.
func TestCalendarMeetingsAndSequence(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, b := newCampaignFixture(t, s, "A"), newCampaignFixture(t, s, "B")
		base := a.meeting.StartsAt
		var made []*storage.Meeting
		err := s.Tx(ctx, func(tx *storage.Store) error {
			for i := range 3 {
				start := base.Add(time.Duration(i+1) * 24 * time.Hour)
				m := &storage.Meeting{GroupID: a.group.ID, Kind: "rally", StartsAt: start, GatherAt: start, Place: fmt.Sprintf("Square %d", i)}
				if err := tx.CreateMeeting(ctx, m); err != nil {
					return err
				}
				made = append(made, m)
			}
			if err := tx.RescheduleMeeting(ctx, made[0], made[0].StartsAt.Add(time.Hour), made[0].GatherAt.Add(time.Hour)); err != nil {
				return err
			}
			if err := tx.SetMeetingStatus(ctx, made[0], storage.MeetingCancelled); err != nil {
				return err
			}
			return tx.SetMeetingStatus(ctx, made[1], storage.MeetingHeld)
		})
		if err != nil {
			t.Fatal(err)
		}
		if made[0].Sequence != 2 || made[1].Sequence != 0 {
			t.Errorf("in memory: sequences %d and %d, want 2 (moved, cancelled) and 0 (held)", made[0].Sequence, made[1].Sequence)
		}
		got, err := s.CalendarMeetings(ctx, a.group.ID, base, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			number   int64
			status   storage.MeetingStatus
			sequence int64
			official string
		}{{1, storage.MeetingScheduled, 0, "Jane Roe"}, {2, storage.MeetingCancelled, 2, ""}, {3, storage.MeetingHeld, 0, ""}, {4, storage.MeetingScheduled, 0, ""}}
		if len(got) != len(want) {
			t.Fatalf("CalendarMeetings: %d meetings, want %d", len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.GroupID != a.group.ID || g.Number != w.number || g.Status != w.status || g.Sequence != w.sequence || g.OfficialName != w.official {
				t.Errorf("meeting %d: got #%d %s sequence %d official %q, want #%d %s sequence %d official %q",
					i, g.Number, g.Status, g.Sequence, g.OfficialName, w.number, w.status, w.sequence, w.official)
			}
		}
		if got[0].OfficialOffice != "sheriff" {
			t.Errorf("official's office: %q, want sheriff", got[0].OfficialOffice)
		}
		latest, err := s.CalendarMeetings(ctx, a.group.ID, base.Add(time.Minute), 2)
		if err != nil || len(latest) != 2 || latest[0].Number != 3 || latest[1].Number != 4 {
			t.Errorf("CalendarMeetings after the first, at most 2: %+v (%v), want meetings 3 and 4, soonest first", latest, err)
		}
		others, err := s.CalendarMeetings(ctx, b.group.ID, base, 10)
		if err != nil || len(others) != 1 || others[0].ID != b.meeting.ID {
			t.Errorf("group B's calendar: %+v (%v), want its one meeting", others, err)
		}
	})
}
