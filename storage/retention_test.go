package storage_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// purgeNow is when the purges of these tests run.
var purgeNow = time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)

// keptText are the audit actions whose text the tests' purges keep.
var keptText = []string{"setup"}

// retentionGroup is a group with a meeting 400 days old and one 300 days
// old (with the default retention of 365 days, the first is purged and
// the second kept), each with RSVPs of every kind, attendance, a role for
// it and its creator, and audit entries made at the meetings' times.
type retentionGroup struct {
	group        *storage.Group
	members      []*storage.Member
	old, recent  *storage.Meeting
	oldAudit     int // audit entries made 400 days ago
	recentAudit  int // and 300 days ago
	keptOldAudit int // of the old ones, those whose text is kept
}

// newRetentionGroup makes the group; extra adds that many more members
// who answer and come to both meetings, for tests that compare sizes.
func newRetentionGroup(t *testing.T, s *storage.Store, platformID string, extra int) *retentionGroup {
	t.Helper()
	ctx := context.Background()
	defer s.SetClock(func() time.Time { return purgeNow })
	g, err := s.EnsureGroup(ctx, "console", platformID)
	if err != nil {
		t.Fatal(err)
	}
	rg := &retentionGroup{group: g}
	for i := range 3 + extra {
		m, err := s.EnsureMember(ctx, g.ID, fmt.Sprintf("u%d", i), fmt.Sprintf("Member %d of %s", i, platformID))
		if err != nil {
			t.Fatal(err)
		}
		rg.members = append(rg.members, m)
	}
	answers := []string{"yes", "maybe", "no"}
	meeting := func(daysAgo int) *storage.Meeting {
		at := purgeNow.AddDate(0, 0, -daysAgo)
		s.SetClock(func() time.Time { return at.Add(-48 * time.Hour) })
		m := &storage.Meeting{GroupID: g.ID, Kind: storage.KindLawEnforcement, StartsAt: at, GatherAt: at, Place: "County Building", CreatedBy: &rg.members[0].ID}
		err := s.Tx(ctx, func(tx *storage.Store) error {
			if err := tx.CreateMeeting(ctx, m); err != nil {
				return err
			}
			ids := make([]int64, len(rg.members))
			for i, mem := range rg.members {
				if _, err := tx.SetRSVP(ctx, m, mem.ID, answers[min(i, 2)]); err != nil {
					return err
				}
				ids[i] = mem.ID
			}
			if _, err := tx.RecordAttendance(ctx, g.ID, m.ID, ids, rg.members[0].ID); err != nil {
				return err
			}
			if err := tx.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: rg.members[1].ID, Role: storage.RoleSpokesperson, MeetingID: &m.ID}); err != nil {
				return err
			}
			if err := tx.FileReport(ctx, m, rg.members[2].ID); err != nil {
				return err
			}
			// Entries that name members, and one whose text names nobody.
			for _, e := range []storage.AuditEntry{
				{Action: "meeting.attendance", Entity: "meeting", EntityNumber: m.Number, After: rg.members[1].DisplayName},
				{Action: "meeting.rsvp", Entity: "meeting", EntityNumber: m.Number, After: rg.members[2].DisplayName + ": no"},
				{Action: "setup", Entity: "group", Before: "UTC", After: "America/Chicago"},
			} {
				e.GroupID, e.MemberID = g.ID, &rg.members[0].ID
				if err := tx.Audit(ctx, &e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	rg.old, rg.recent = meeting(400), meeting(300)
	rg.oldAudit, rg.recentAudit, rg.keptOldAudit = 3, 3, 1
	return rg
}

// counts is what the group's pages show of each meeting, by number:
// RSVPs from the list, the single-meeting reads, and attendance.
func counts(t *testing.T, s *storage.Store, groupID int64) map[int64]string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.Meetings(ctx, groupID, storage.MeetingsAll, purgeNow)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rows {
		rsvps, err := s.RSVPCounts(ctx, groupID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		came, err := s.AttendanceCount(ctx, groupID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[r.Number] = fmt.Sprintf("list %d/%d/%d, counts %d/%d/%d, came %d", r.Yes, r.Maybe, r.No, rsvps["yes"], rsvps["maybe"], rsvps["no"], came)
	}
	return out
}

// links counts the rows that tie people to a meeting.
func links(t *testing.T, s *storage.Store, m *storage.Meeting) string {
	t.Helper()
	var rsvps, came, roles, creator, filer int64
	err := storage.GormForTest(s).Raw(`SELECT
		(SELECT COUNT(*) FROM rsvps WHERE meeting_id = ?),
		(SELECT COUNT(*) FROM attendance WHERE meeting_id = ?),
		(SELECT COUNT(*) FROM role_assignments WHERE meeting_id = ?),
		(SELECT COUNT(*) FROM meetings WHERE id = ? AND created_by IS NOT NULL),
		(SELECT COUNT(*) FROM meetings WHERE id = ? AND report_filed_by IS NOT NULL)`,
		m.ID, m.ID, m.ID, m.ID, m.ID).Row().Scan(&rsvps, &came, &roles, &creator, &filer)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d rsvps, %d came, %d roles, %d creator, %d filer", rsvps, came, roles, creator, filer)
}

// auditOf lists the group's audit entries as "who: action before→after",
// oldest first, who being the member's id or "-".
func auditOf(t *testing.T, s *storage.Store, groupID int64) []string {
	t.Helper()
	var rows []storage.AuditEntry
	if err := storage.GormForTest(s).Where("group_id = ?", groupID).Order("created_at, id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		who := "-"
		if r.MemberID != nil {
			who = fmt.Sprint(*r.MemberID)
		}
		out[i] = fmt.Sprintf("%s: %s %s→%s", who, r.Action, r.Before, r.After)
	}
	return out
}

func runRetention(t *testing.T, s *storage.Store, groupID int64, date string) (storage.PurgeReport, bool) {
	t.Helper()
	var r storage.PurgeReport
	var ran bool
	err := s.Tx(context.Background(), func(tx *storage.Store) error {
		var err error
		r, ran, err = tx.RunRetention(context.Background(), groupID, date, purgeNow, keptText)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, ran
}

// TestRetentionErasesOldLinksAndKeepsCounts: the purge erases every link
// between people and the meeting older than the retention and keeps its
// numbers; the newer meeting keeps its links; old audit entries lose
// their author and the text that names people; another group is not
// touched; a second run the same night does nothing.
func TestRetentionErasesOldLinksAndKeepsCounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := newRetentionGroup(t, s, "A", 0)
		b := newRetentionGroup(t, s, "B", 0)
		before, bBefore := counts(t, s, a.group.ID), counts(t, s, b.group.ID)
		recentLinks, bLinks := links(t, s, a.recent), links(t, s, b.old)
		bAudit := auditOf(t, s, b.group.ID)
		if want := "3 rsvps, 3 came, 1 roles, 1 creator, 1 filer"; links(t, s, a.old) != want {
			t.Fatalf("before the purge the old meeting has %s, want %s", links(t, s, a.old), want)
		}

		r, ran := runRetention(t, s, a.group.ID, "2027-06-01")
		if !ran || r.Days != 365 || r.Meetings != 1 || r.AuditEntries != int64(a.oldAudit) {
			t.Errorf("purge = %+v (ran %v), want 365 days, 1 meeting, %d audit entries", r, ran, a.oldAudit)
		}
		if got, want := links(t, s, a.old), "0 rsvps, 0 came, 0 roles, 0 creator, 0 filer"; got != want {
			t.Errorf("the 400-day-old meeting keeps %s, want %s", got, want)
		}
		if got := links(t, s, a.recent); got != recentLinks {
			t.Errorf("the 300-day-old meeting has %s after the purge, want %s", got, recentLinks)
		}
		if got := counts(t, s, a.group.ID); !maps.Equal(got, before) {
			t.Errorf("counts after the purge:\n%v\nwant as before:\n%v", got, before)
		}
		old, err := s.MeetingByNumber(ctx, a.group.ID, a.old.Number)
		if err != nil {
			t.Fatal(err)
		}
		if old.UnlinkedYes != 1 || old.UnlinkedMaybe != 1 || old.UnlinkedNo != 1 || old.UnlinkedCame != 3 || old.UnlinkedRoles != 1 || old.ReportFiledAt == nil {
			t.Errorf("old meeting = %+v, want 1 yes, 1 maybe, 1 no, 3 came and 1 role unlinked, and its report still filed", old)
		}
		lead := fmt.Sprint(a.members[0].ID)
		names := func(i int) string { return a.members[i].DisplayName }
		wantAudit := []string{
			"-: meeting.attendance →", "-: meeting.rsvp →", "-: setup UTC→America/Chicago",
			lead + ": meeting.attendance →" + names(1), lead + ": meeting.rsvp →" + names(2) + ": no", lead + ": setup UTC→America/Chicago",
		}
		if got := auditOf(t, s, a.group.ID); !slices.Equal(got, wantAudit) {
			t.Errorf("audit after the purge:\n%q\nwant:\n%q", got, wantAudit)
		}
		if got := counts(t, s, b.group.ID); !maps.Equal(got, bBefore) || links(t, s, b.old) != bLinks || !slices.Equal(auditOf(t, s, b.group.ID), bAudit) {
			t.Errorf("group B changed by group A's purge")
		}
		reports, err := s.UnreportedPurges(ctx, a.group.ID)
		if err != nil || len(reports) != 1 || reports[0].Meetings != 1 {
			t.Errorf("UnreportedPurges(A) = %+v, %v; want the one purge", reports, err)
		}
		if reports, _ := s.UnreportedPurges(ctx, b.group.ID); len(reports) != 0 {
			t.Errorf("UnreportedPurges(B) = %+v, want none", reports)
		}

		if _, ran := runRetention(t, s, a.group.ID, "2027-06-01"); ran {
			t.Error("the purge ran twice the same night")
		}
		if err := s.ForgetPurgeReports(ctx, a.group.ID, []int64{reports[0].ID}); err != nil {
			t.Fatal(err)
		}
		// The next night finds nothing more to erase, and reports nothing.
		if r, ran := runRetention(t, s, a.group.ID, "2027-06-02"); !ran || r.Meetings+r.AuditEntries != 0 {
			t.Errorf("next night's purge = %+v (ran %v), want it to run and erase nothing", r, ran)
		}
		if reports, _ := s.UnreportedPurges(ctx, a.group.ID); len(reports) != 0 {
			t.Errorf("after a purge that erased nothing, reports %+v, want none", reports)
		}
	})
}

// TestRetentionHonoursTheGroupsSetting: with a retention of 30 days, the
// 300-day-old meeting is purged too.
func TestRetentionHonoursTheGroupsSetting(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		a := newRetentionGroup(t, s, "A", 0)
		if err := s.SetRetention(context.Background(), a.group.ID, 30); err != nil {
			t.Fatal(err)
		}
		r, _ := runRetention(t, s, a.group.ID, "2027-06-01")
		if r.Days != 30 || r.Meetings != 2 || r.AuditEntries != int64(a.oldAudit+a.recentAudit) {
			t.Errorf("purge = %+v, want 30 days, 2 meetings, %d audit entries", r, a.oldAudit+a.recentAudit)
		}
	})
}

// TestUnlinkOneMember: UnlinkPeople by member erases that member's links
// only, on every meeting, and keeps the counts.
func TestUnlinkOneMember(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := newRetentionGroup(t, s, "A", 0)
		before := counts(t, s, a.group.ID)
		var got storage.Unlinked
		err := s.Tx(ctx, func(tx *storage.Store) error {
			var err error
			got, err = tx.UnlinkPeople(ctx, a.group.ID, storage.PeopleLinks{MemberID: a.members[1].ID})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := (storage.Unlinked{Meetings: 2, RSVPs: 2, Attendance: 2, Roles: 2}); got != want {
			t.Errorf("UnlinkPeople(member 1) = %+v, want %+v", got, want)
		}
		for _, m := range []*storage.Meeting{a.old, a.recent} {
			// Member 0 created it and member 2 filed its report: both stay.
			if got, want := links(t, s, m), "2 rsvps, 2 came, 0 roles, 1 creator, 1 filer"; got != want {
				t.Errorf("meeting %d keeps %s, want %s", m.Number, got, want)
			}
		}
		if got := counts(t, s, a.group.ID); !maps.Equal(got, before) {
			t.Errorf("counts after unlinking a member:\n%v\nwant as before:\n%v", got, before)
		}
		err = s.Tx(ctx, func(tx *storage.Store) error {
			got, err = tx.UnlinkPeople(ctx, a.group.ID, storage.PeopleLinks{MemberID: a.members[0].ID, StartedBefore: purgeNow.AddDate(0, 0, -365)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := (storage.Unlinked{Meetings: 1, RSVPs: 1, Attendance: 1}); got != want {
			t.Errorf("UnlinkPeople(member 0, old meetings) = %+v, want %+v", got, want)
		}
		if got, want := links(t, s, a.old), "1 rsvps, 1 came, 0 roles, 0 creator, 1 filer"; got != want {
			t.Errorf("old meeting keeps %s, want %s", got, want)
		}
		if got := counts(t, s, a.group.ID); !maps.Equal(got, before) {
			t.Errorf("counts after unlinking a member from old meetings:\n%v\nwant as before:\n%v", got, before)
		}
		err = s.Tx(ctx, func(tx *storage.Store) error {
			_, err := tx.UnlinkPeople(ctx, a.group.ID, storage.PeopleLinks{})
			return err
		})
		if err == nil {
			t.Error("UnlinkPeople with nothing chosen erased everything")
		}
	})
}

// TestRetentionCostIsFlat: a group's purge runs the same statements for
// a group of 3 members as for one of 60, and the due query the same for
// one group as for many.
func TestRetentionCostIsFlat(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		small := newRetentionGroup(t, s, "small", 0)
		large := newRetentionGroup(t, s, "large", 57)
		cost := func(g *retentionGroup) int64 {
			before := s.Statements()
			runRetention(t, s, g.group.ID, "2027-06-01")
			return s.Statements() - before
		}
		if a, b := cost(small), cost(large); a != b || a > 8 {
			t.Errorf("the purge ran %d statements for 3 members, %d for 60; want the same, at most 8", a, b)
		}
	})
}

// TestDueRetention: groups are due once per local date, in their zone.
func TestDueRetention(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var ids []int64
		for i, zone := range []string{"America/Chicago", "America/Chicago", "Pacific/Honolulu"} {
			g, err := s.EnsureGroup(ctx, "console", fmt.Sprint("G", i))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetJurisdiction(ctx, g.ID, "Springfield", "city", zone); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, g.ID)
		}
		// Chicago's night has come, Honolulu's not.
		due := func(zone string) (string, bool) { return "2027-06-01", zone == "America/Chicago" }
		got, err := s.DueRetention(ctx, due)
		if want := []storage.DueGroup{{GroupID: ids[0], LocalDate: "2027-06-01"}, {GroupID: ids[1], LocalDate: "2027-06-01"}}; err != nil || !slices.Equal(got, want) {
			t.Errorf("DueRetention = %v, %v; want %v", got, err, want)
		}
		runRetention(t, s, ids[0], "2027-06-01")
		got, err = s.DueRetention(ctx, due)
		if want := []storage.DueGroup{{GroupID: ids[1], LocalDate: "2027-06-01"}}; err != nil || !slices.Equal(got, want) {
			t.Errorf("after the first group's purge, DueRetention = %v, %v; want %v", got, err, want)
		}
	})
}

// TestForgetDeliveryFailures deletes failed deliveries by age, in every
// group, reported or not.
func TestForgetDeliveryFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		g, err := s.EnsureGroup(ctx, "console", "G")
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{purgeNow.AddDate(0, 0, -8), purgeNow.AddDate(0, 0, -6)} {
			s.SetClock(func() time.Time { return at })
			if err := s.RecordDeliveryFailure(ctx, &storage.DeliveryFailure{GroupID: g.ID, What: "digest", Recipient: "Alex"}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.ForgetDeliveryFailures(ctx, purgeNow.AddDate(0, 0, -7))
		if err != nil || n != 1 {
			t.Errorf("ForgetDeliveryFailures = %d, %v; want the 8-day-old one", n, err)
		}
		if left, _ := s.UnreportedFailures(ctx, g.ID); len(left) != 1 {
			t.Errorf("%d failures left, want the 6-day-old one", len(left))
		}
	})
}
