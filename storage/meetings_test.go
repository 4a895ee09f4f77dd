package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// hookLog records the hook calls a transaction makes.
type hookLog struct{ meetings []string }

func (h *hookLog) MeetingChanged(_ context.Context, tx *storage.Store, m *storage.Meeting) error {
	if _, ok := tx.SQLTx(); !ok {
		return errors.New("meeting hook called outside a transaction")
	}
	h.meetings = append(h.meetings, string(m.Status)+" "+m.StartsAt.Format(time.RFC3339))
	return nil
}

func (h *hookLog) TaskChanged(context.Context, *storage.Store, *storage.Task) error { return nil }

// campaignFixture is one group with an official, a meeting, an RSVP, an
// attendance record and a meeting role.
type campaignFixture struct {
	group    *storage.Group
	member   *storage.Member
	official *storage.Official
	meeting  *storage.Meeting
}

func newCampaignFixture(t *testing.T, s *storage.Store, platformID string) campaignFixture {
	t.Helper()
	ctx := context.Background()
	g, err := s.EnsureGroup(ctx, "console", platformID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.EnsureMember(ctx, g.ID, "alex", "Alex")
	if err != nil {
		t.Fatal(err)
	}
	f := campaignFixture{group: g, member: m}
	start := time.Date(2026, 12, 1, 18, 30, 0, 0, time.UTC)
	err = s.Tx(ctx, func(tx *storage.Store) error {
		f.official = &storage.Official{GroupID: g.ID, Name: "Jane Roe", Office: "sheriff"}
		if err := tx.CreateOfficial(ctx, f.official); err != nil {
			return err
		}
		f.meeting = &storage.Meeting{GroupID: g.ID, Kind: "organizing", OfficialID: &f.official.ID, StartsAt: start, GatherAt: start.Add(-20 * time.Minute), Place: "Library " + platformID}
		if err := tx.CreateMeeting(ctx, f.meeting); err != nil {
			return err
		}
		if _, err := tx.SetRSVP(ctx, f.meeting, m.ID, "yes"); err != nil {
			return err
		}
		if _, err := tx.RecordAttendance(ctx, g.ID, f.meeting.ID, []int64{m.ID}, m.ID); err != nil {
			return err
		}
		return tx.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: m.ID, Role: "attendance-keeper", MeetingID: &f.meeting.ID})
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return f
}

// TestCampaignStorageFiltersByGroup calls every storage method this change
// adds with another group's id and proves it neither sees nor changes the
// first group's rows.
func TestCampaignStorageFiltersByGroup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := newCampaignFixture(t, s, "A")
		b := newCampaignFixture(t, s, "B")
		if a.meeting.Number != 1 || b.meeting.Number != 1 || b.official.Number != 1 {
			t.Fatalf("numbers are not per group: meetings %d and %d, official %d", a.meeting.Number, b.meeting.Number, b.official.Number)
		}
		bid := b.group.ID
		notFound := func(name string, err error) {
			t.Helper()
			if !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s with group B's id on group A's row: got %v, want ErrNotFound", name, err)
			}
		}
		_, err := s.OfficialByID(ctx, bid, a.official.ID)
		notFound("OfficialByID", err)
		notFound("UpdateOfficial", s.UpdateOfficial(ctx, &storage.Official{ID: a.official.ID, GroupID: bid, Name: "Hijacked", Office: "mayor"}))
		notFound("RemoveOfficial", s.RemoveOfficial(ctx, bid, a.official.ID))
		err = s.Tx(ctx, func(tx *storage.Store) error {
			return tx.RescheduleMeeting(ctx, &storage.Meeting{ID: a.meeting.ID, GroupID: bid}, time.Now(), time.Now())
		})
		notFound("RescheduleMeeting", err)
		err = s.Tx(ctx, func(tx *storage.Store) error {
			return tx.SetMeetingStatus(ctx, &storage.Meeting{ID: a.meeting.ID, GroupID: bid}, storage.MeetingCancelled)
		})
		notFound("SetMeetingStatus", err)
		_, err = s.RecordAttendance(ctx, bid, a.meeting.ID, []int64{b.member.ID}, b.member.ID)
		notFound("RecordAttendance (meeting)", err)
		_, err = s.RecordAttendance(ctx, a.group.ID, a.meeting.ID, []int64{b.member.ID}, a.member.ID)
		notFound("RecordAttendance (member)", err)

		officials, err := s.Officials(ctx, bid)
		if err != nil || len(officials) != 1 || officials[0].ID != b.official.ID {
			t.Errorf("Officials(B) = %v, %v; want only B's official", officials, err)
		}
		for _, which := range []string{storage.MeetingsAll, storage.MeetingsUpcoming} {
			rows, err := s.Meetings(ctx, bid, which, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
			if err != nil || len(rows) != 1 || rows[0].ID != b.meeting.ID || rows[0].Yes != 1 {
				t.Errorf("Meetings(B, %s) = %+v, %v; want only B's meeting with 1 yes", which, rows, err)
			}
		}
		if rows, err := s.MeetingsWithOfficial(ctx, bid, a.official.ID, 5); err != nil || len(rows) != 0 {
			t.Errorf("MeetingsWithOfficial(B, A's official) = %v, %v; want none", rows, err)
		}
		if p, err := s.LatestMeetingPlace(ctx, bid, "organizing"); err != nil || p != "Library B" {
			t.Errorf("LatestMeetingPlace(B) = %q, %v; want Library B", p, err)
		}
		if c, err := s.RSVPCounts(ctx, bid, a.meeting.ID); err != nil || len(c) != 0 {
			t.Errorf("RSVPCounts(B, A's meeting) = %v, %v; want none", c, err)
		}
		if n, err := s.AttendanceCount(ctx, bid, a.meeting.ID); err != nil || n != 0 {
			t.Errorf("AttendanceCount(B, A's meeting) = %d, %v; want 0", n, err)
		}
		if ok, err := s.HoldsRole(ctx, bid, a.member.ID, a.meeting.ID, "attendance-keeper"); err != nil || ok {
			t.Errorf("HoldsRole(B, A's member) = %v, %v; want false", ok, err)
		}
		if ok, err := s.HoldsRole(ctx, a.group.ID, a.member.ID, a.meeting.ID, "attendance-keeper"); err != nil || !ok {
			t.Errorf("HoldsRole(A, A's keeper) = %v, %v; want true", ok, err)
		}

		// Group A's rows are as they were.
		o, err := s.OfficialByID(ctx, a.group.ID, a.official.ID)
		if err != nil || o.Name != "Jane Roe" || o.RemovedAt != nil {
			t.Errorf("A's official after B's attempts: %+v, %v", o, err)
		}
		m, err := s.MeetingByNumber(ctx, a.group.ID, 1)
		if err != nil || m.Status != storage.MeetingScheduled || !m.StartsAt.Equal(a.meeting.StartsAt) {
			t.Errorf("A's meeting after B's attempts: %+v, %v", m, err)
		}
		if n, err := s.AttendanceCount(ctx, a.group.ID, a.meeting.ID); err != nil || n != 1 {
			t.Errorf("A's attendance after B's attempts: %d, %v; want 1", n, err)
		}
	})
}

// TestMeetingHooksRunInTransaction proves the reminder hooks see every
// meeting change inside its transaction, and that a rolled-back
// change leaves no meeting behind.
func TestMeetingHooksRunInTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		h := &hookLog{}
		s.SetHooks(h)
		f := newCampaignFixture(t, s, "A")
		later := f.meeting.StartsAt.Add(24 * time.Hour)
		err := s.Tx(ctx, func(tx *storage.Store) error {
			if err := tx.RescheduleMeeting(ctx, f.meeting, later, later.Add(-20*time.Minute)); err != nil {
				return err
			}
			if prev, err := tx.SetRSVP(ctx, f.meeting, f.member.ID, "no"); err != nil || prev != "yes" {
				t.Errorf("SetRSVP over a yes: previous %q, %v; want yes", prev, err)
			}
			return tx.SetMeetingStatus(ctx, f.meeting, storage.MeetingCancelled)
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"scheduled 2026-12-01T18:30:00Z", "scheduled 2026-12-02T18:30:00Z", "cancelled 2026-12-02T18:30:00Z"}
		if len(h.meetings) != len(want) {
			t.Fatalf("meeting hooks: got %v, want %v", h.meetings, want)
		}
		for i := range want {
			if h.meetings[i] != want[i] {
				t.Errorf("meeting hook %d: got %q, want %q", i, h.meetings[i], want[i])
			}
		}
		if c, _ := s.RSVPCounts(ctx, f.group.ID, f.meeting.ID); c["no"] != 1 || c["yes"] != 0 {
			t.Errorf("one RSVP per member: counts %v, want only 1 no", c)
		}

		boom := errors.New("boom")
		err = s.Tx(ctx, func(tx *storage.Store) error {
			m := &storage.Meeting{GroupID: f.group.ID, Kind: "rally", StartsAt: later, GatherAt: later, Place: "Plaza"}
			if err := tx.CreateMeeting(ctx, m); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rolled-back Tx: got %v, want boom", err)
		}
		if _, err := s.MeetingByNumber(ctx, f.group.ID, 2); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("meeting of a rolled-back transaction: got %v, want ErrNotFound", err)
		}
	})
}

// TestAnswerInvitation proves an RSVP, its audit entry and its replay
// guard are one change, and that the counts it returns are those the
// meeting has afterwards, on both databases (PostgreSQL's is one
// statement).
func TestAnswerInvitation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		f := newCampaignFixture(t, s, "A") // Alex answered yes
		bea, err := s.EnsureMember(ctx, f.group.ID, "bea", "Bea")
		if err != nil {
			t.Fatal(err)
		}
		answer := func(ctx context.Context, a string) (string, map[string]int64, error) {
			return s.AnswerInvitation(ctx, storage.Invitation{Meeting: f.meeting, MemberID: bea.ID, Name: "Bea", Answer: a})
		}
		audits := func() []string {
			rows, err := s.AuditLog(ctx, f.group.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				if r.Action == "meeting.rsvp" {
					out = append(out, r.Before+" → "+r.After)
				}
			}
			return out
		}
		steps := []struct {
			answer, prev   string
			yes, maybe, no int64
			audits         int
		}{
			{"maybe", "", 1, 1, 0, 1},
			{"maybe", "maybe", 1, 1, 0, 1}, // the same answer changes nothing
			{"no", "maybe", 1, 0, 1, 2},
			{"yes", "no", 2, 0, 0, 3},
		}
		for _, st := range steps {
			prev, counts, err := answer(ctx, st.answer)
			if err != nil {
				t.Fatalf("answer %s: %v", st.answer, err)
			}
			stored, err := s.RSVPCounts(ctx, f.group.ID, f.meeting.ID)
			if err != nil {
				t.Fatal(err)
			}
			if prev != st.prev || counts["yes"] != st.yes || counts["maybe"] != st.maybe || counts["no"] != st.no || len(counts) != len(stored) {
				t.Errorf("answer %s: previous %q, counts %v; want %q, yes %d maybe %d no %d", st.answer, prev, counts, st.prev, st.yes, st.maybe, st.no)
			}
			for a, n := range stored {
				if counts[a] != n {
					t.Errorf("answer %s: returned %v, the meeting has %v", st.answer, counts, stored)
				}
			}
			if got := audits(); len(got) != st.audits {
				t.Errorf("answer %s: audit entries %q, want %d", st.answer, got, st.audits)
			}
		}
		if got := audits(); got[0] != "Bea: no → Bea: yes" || got[len(got)-1] != " → Bea: maybe" {
			t.Errorf("audit entries, newest first: %q", got)
		}

		// A delivery is recorded with the answer; its replay changes nothing.
		first := storage.WithDelivery(ctx, f.group.ID, "slack", "d-1")
		if _, _, err := answer(first, "no"); err != nil || !storage.DeliveryRecorded(first) {
			t.Fatalf("answer with a delivery: %v, recorded %v", err, storage.DeliveryRecorded(first))
		}
		replay := storage.WithDelivery(ctx, f.group.ID, "slack", "d-1")
		if _, _, err := answer(replay, "maybe"); !errors.Is(err, storage.ErrReplayed) {
			t.Errorf("replayed answer: %v, want ErrReplayed", err)
		}
		if c, _ := s.RSVPCounts(ctx, f.group.ID, f.meeting.ID); c["no"] != 1 || c["maybe"] != 0 || len(audits()) != 4 {
			t.Errorf("after a replay: counts %v, %d audit entries; want the first delivery's no and 4", c, len(audits()))
		}
	})
}
