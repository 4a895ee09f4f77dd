package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestForgetMemberRewritesWholeWords: a forgotten member's name and
// platform id are replaced where they are words of a text, whatever
// their case, and nowhere else; the next one forgotten gets the next
// number; the last lead is refused; text in another group is left alone.
func TestForgetMemberRewritesWholeWords(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		g, err := s.EnsureGroup(ctx, "console", "privacy")
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.EnsureGroup(ctx, "console", "elsewhere")
		if err != nil {
			t.Fatal(err)
		}
		member := func(group int64, id, name string) *storage.Member {
			m, err := s.EnsureMember(ctx, group, id, name)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		al, bea, cy := member(g.ID, "U01", "Al"), member(g.ID, "U02", "Bea"), member(g.ID, "U03", "Cy")
		member(other.ID, "U01", "Al")
		if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: bea.ID, Role: storage.RoleLead}); err != nil {
			t.Fatal(err)
		}
		texts := map[string]string{
			"Al: scheduler":                "former member 1: scheduler",
			"Albany trip, with AL and al.": "Albany trip, with former member 1 and former member 1.",
			"Bea, Al, Cy":                  "Bea, former member 1, Cy",
			"assigned to <@U01> by Bea":    "assigned to <@former member 1> by Bea",
			"Sally and Alma":               "Sally and Alma",
		}
		ids := map[string]int64{}
		for before := range texts {
			e := &storage.AuditEntry{GroupID: g.ID, MemberID: &bea.ID, Action: "test", Entity: "member", After: before}
			if err := s.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
			ids[before] = e.ID
			if err := s.Audit(ctx, &storage.AuditEntry{GroupID: other.ID, Action: "test", Entity: "member", After: before}); err != nil {
				t.Fatal(err)
			}
		}
		task := &storage.Task{GroupID: g.ID, Title: "Call Al back", AssigneeID: &al.ID, CreatedBy: &bea.ID}
		if err := s.CreateTask(ctx, task); err != nil {
			t.Fatal(err)
		}
		forget := func(id int64) (*storage.Forgotten, error) {
			var out *storage.Forgotten
			err := s.Tx(ctx, func(tx *storage.Store) error {
				var err error
				out, err = tx.ForgetMember(ctx, g.ID, id, func(n int64) string { return fmt.Sprintf("former member %d", n) })
				return err
			})
			return out, err
		}
		out, err := forget(al.ID)
		if err != nil {
			t.Fatal(err)
		}
		if out.Name != "former member 1" || len(out.Tasks) != 1 || out.Tasks[0] != task.Number {
			t.Errorf("forgotten: %+v; want former member 1 and task %d", out, task.Number)
		}
		rows, err := s.AuditLog(ctx, g.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for before, want := range texts {
				if r.ID == ids[before] && r.After != want {
					t.Errorf("%q became %q, want %q", before, r.After, want)
				}
			}
		}
		if theirs, err := s.AuditLog(ctx, other.ID, 50); err != nil || len(theirs) != len(texts) {
			t.Fatalf("the other group's log: %d entries (%v)", len(theirs), err)
		} else {
			for _, r := range theirs {
				if _, ok := texts[r.After]; !ok {
					t.Errorf("the other group's %q was changed", r.After)
				}
			}
		}
		if got, err := s.TaskByNumber(ctx, g.ID, task.Number); err != nil || got.Title != "Call former member 1 back" || got.AssigneeID != nil {
			t.Errorf("task after: %+v (%v); want it renamed and assigned to no one", got, err)
		}
		if _, err := s.MemberByPlatformID(ctx, g.ID, "U01"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the forgotten platform id: got %v, want ErrNotFound", err)
		}
		if _, err := s.MemberByPlatformID(ctx, other.ID, "U01"); err != nil {
			t.Errorf("the same platform id in another group: %v", err)
		}
		if _, err := forget(al.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("forgotten twice: got %v, want ErrNotFound", err)
		}
		if _, err := forget(bea.ID); !errors.Is(err, storage.ErrLastLead) {
			t.Errorf("the last lead: got %v, want ErrLastLead", err)
		}
		if out, err := forget(cy.ID); err != nil || out.Name != "former member 2" {
			t.Errorf("the second forgotten: %+v (%v), want former member 2", out, err)
		}
	})
}
