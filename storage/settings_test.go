package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestSettingsRoundTrip: a member's own settings and the group's language
// are stored, read back with the caller in its one statement, and leave
// other members alone; new members get reminders.
func TestSettingsRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		c, err := s.EnsureCaller(ctx, "slack", "T1", "U1", "Ana", "es-419")
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.EnsureCaller(ctx, "slack", "T1", "U2", "Ben", "")
		if err != nil {
			t.Fatal(err)
		}
		if c.Language != "" || c.MemberZone != "" || !c.Reminders || c.GroupLanguage != "en" {
			t.Errorf("a new member: language %q, zone %q, reminders %v, group language %q; want none, none, on, en",
				c.Language, c.MemberZone, c.Reminders, c.GroupLanguage)
		}
		lang, zone, off := "en", "America/Mexico_City", false
		if err := s.ChangeSettings(ctx, c.GroupID, c.MemberID, storage.SettingsChange{Language: &lang, TimeZone: &zone, Reminders: &off}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetGroupLanguage(ctx, c.GroupID, "es"); err != nil {
			t.Fatal(err)
		}
		before := s.Statements()
		c, err = s.EnsureCaller(ctx, "slack", "T1", "U1", "Ana", "es-419")
		if err != nil {
			t.Fatal(err)
		}
		if n := s.Statements() - before; n != 1 {
			t.Errorf("reading a caller with settings took %d statements, want 1", n)
		}
		if c.Language != "en" || c.Locale != "es-419" || c.MemberZone != zone || c.Reminders || c.GroupLanguage != "es" {
			t.Errorf("caller %+v; want language en, locale es-419, zone %s, reminders off, group language es", c, zone)
		}
		// Only what is named changes.
		on := true
		if err := s.ChangeSettings(ctx, c.GroupID, c.MemberID, storage.SettingsChange{Reminders: &on}); err != nil {
			t.Fatal(err)
		}
		st, err := s.MemberSettings(ctx, c.GroupID, c.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Language != "en" || st.TimeZone != zone || !st.Reminders {
			t.Errorf("after turning reminders on: %+v, want the rest kept", st)
		}
		ben, err := s.MemberSettings(ctx, other.GroupID, other.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if ben.Language != "" || ben.TimeZone != "" || !ben.Reminders {
			t.Errorf("another member's settings changed: %+v", ben)
		}
		if err := s.ChangeSettings(ctx, c.GroupID+1000, c.MemberID, storage.SettingsChange{Reminders: &on}); err == nil {
			t.Errorf("changing a member through another group's id succeeded")
		}
	})
}

// TestSettingsDigest: /me's digest line says what DigestRecipients does:
// coordinators receive it unless they unsubscribed, leads only when they
// subscribed, members never.
func TestSettingsDigest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		g, err := s.EnsureGroup(ctx, "slack", "T1")
		if err != nil {
			t.Fatal(err)
		}
		member := func(id string, roles ...storage.Role) int64 {
			t.Helper()
			m, err := s.EnsureMember(ctx, g.ID, id, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range roles {
				if err := s.AssignRole(ctx, &storage.RoleAssignment{GroupID: g.ID, MemberID: m.ID, Role: r}); err != nil {
					t.Fatal(err)
				}
			}
			return m.ID
		}
		people := map[string]int64{
			"coord": member("coord", storage.RoleCoordinator), "lead": member("lead", storage.RoleLead),
			"coord-off": member("coord-off", storage.RoleCoordinator), "lead-on": member("lead-on", storage.RoleLead),
			"member-on": member("member-on"),
		}
		for who, sub := range map[string]bool{"coord-off": false, "lead-on": true, "member-on": true} {
			if err := s.SetDigestSubscription(ctx, g.ID, people[who], sub); err != nil {
				t.Fatal(err)
			}
		}
		recipients, err := s.DigestRecipients(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		receives := map[string]bool{}
		for _, m := range recipients {
			receives[m.DisplayName] = true
		}
		for who, id := range people {
			st, err := s.MemberSettings(ctx, g.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if st.Digest() != receives[who] {
				t.Errorf("%s: settings say digest %v, DigestRecipients %v", who, st.Digest(), receives[who])
			}
		}
		if !receives["coord"] || !receives["lead-on"] || receives["lead"] || receives["coord-off"] || receives["member-on"] {
			t.Errorf("recipients %v, want coord and lead-on", receives)
		}
	})
}

// TestZoneOr: a member's own zone over the group's; none set is the group's.
func TestZoneOr(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	if got := storage.ZoneOr("", chicago); got != chicago {
		t.Errorf("ZoneOr(\"\", Chicago) = %v, want Chicago", got)
	}
	if got := storage.ZoneOr("America/Mexico_City", chicago).String(); got != "America/Mexico_City" {
		t.Errorf("ZoneOr(Mexico_City, Chicago) = %s, want America/Mexico_City", got)
	}
}
