package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// TestLanguageOrder: what a member chose counts first, then their
// platform's locale, then the group's language; a locale counts by its
// language, and one the catalog lacks passes to the next.
func TestLanguageOrder(t *testing.T) {
	for _, c := range []struct{ chosen, platform, group, want string }{
		{"es", "en-US", "en", "es"},
		{"en", "es-419", "es", "en"},
		{"", "es-419", "en", "es"},
		{"", "es_MX", "en", "es"},
		{"", "en-GB", "es", "en"},
		{"", "", "es", "es"},
		{"", "fr-FR", "es", "es"},
		{"", "pt-BR", "en", "en"},
		{"", "", "", "en"},
	} {
		if got := commands.Language(c.chosen, c.platform, c.group); got != c.want {
			t.Errorf("Language(%q, %q, %q) = %q, want %q", c.chosen, c.platform, c.group, got, c.want)
		}
	}
}

// asLocale runs a line as user, whose platform reports locale ("" when it
// says nothing), in the console's workspace.
func (b *testBot) asLocale(user, locale, line string) string {
	b.t.Helper()
	req := &bot.Request{Platform: console.Platform, Group: console.Group, User: bot.User{ID: user, Name: user},
		Channel: "console", Locale: locale}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: strings.ToLower(n), Name: n}, n != ""
	}
	return console.Render(b.router.Run(context.Background(), req, line, mention, b.con).Reply)
}

// TestLanguageOrderThroughRequests: the order holds for the replies
// people get, resolved on each request from what is stored.
func TestLanguageOrderThroughRequests(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		check := func(user, locale, line string, wants ...string) {
			t.Helper()
			out := b.asLocale(user, locale, line)
			for _, w := range wants {
				if !strings.Contains(out, w) {
					t.Errorf("%s (locale %q) %s\ngot:\n%s\nwant it to contain %q", user, locale, line, out, w)
				}
			}
		}
		// A Spanish app reads Spanish in an English group, until its user
		// chooses English.
		check("ana", "es-419", "/me", "Tu configuración", "Idioma: español (el idioma de tu aplicación).")
		check("ana", "es-419", "/me language:en", "Saved: your settings", "Language: English (you chose it).")
		check("ana", "es-419", "/me", "Your settings")
		// Nothing from the platform: the group's language.
		check("ben", "", "/me", "Your settings", "Language: English (the group's).")
		// The lead follows the group, so the confirmation comes in Spanish.
		b.expect("/setup language:es", "Las publicaciones en el canal están en español")
		check("ben", "", "/me", "Tu configuración", "Idioma: español (el del grupo).")
		check("ben", "", "/rules", "Las nueve reglas")
		// A language the catalog lacks falls through to the group's.
		check("cruz", "fr-FR", "/me", "Idioma: español (el del grupo).")
		// An English app over the Spanish group; ana's choice over her app.
		check("dina", "en-US", "/me", "Language: English (your app's language).")
		check("ana", "es-419", "/me", "Language: English (you chose it).")
		// The lead follows the group's language: the confirmation comes in
		// the new one.
		b.expect("/setup language:en", "Channel posts are in English")
		check("ben", "", "/me", "Language: English (the group's).")
	})
}

// TestMeRefusalsChangeNothing: a bad zone, a digest switch for someone
// who gets no digest and an unknown language are each refused in one line
// with an example, and leave every setting as it was, also the valid
// options given with them.
func TestMeRefusalsChangeNothing(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.do("as sam")
		before := b.expect("/me", "Your settings", "America/Chicago, the group's", "Reminders: on")
		if strings.Contains(before, "digest") {
			t.Errorf("a member, who gets no digest, is shown a digest setting:\n%s", before)
		}
		b.refuse("/me timezone:Mars/Olympus", "`Mars/Olympus` is not a time zone I know", "`/me timezone:America/Chicago`")
		b.refuse("/me language:es timezone:America/Chicgo reminders:off", "`America/Chicgo` is not a time zone", "Did you mean: America/Chicago")
		b.refuse("/me language:es reminders:off digest:on", "Only coordinators and leads receive the digest")
		b.refuse("/me language:fr", "`language` must be one of")
		b.refuse("/me reminders:maybe", "`reminders` must be one of")
		if after := b.do("/me"); after != before {
			t.Errorf("after refusals /me shows:\n%s\nwant, as before:\n%s", after, before)
		}
		st := settingsOf(t, b, "sam")
		if st.Language != "" || st.TimeZone != "" || !st.Reminders || st.Subscribed != nil {
			t.Errorf("stored settings after refusals: %+v, want none changed", st)
		}
	})
}

// settingsOf reads a console member's stored settings.
func settingsOf(t *testing.T, b *testBot, user string) *storage.Settings {
	t.Helper()
	ctx := context.Background()
	g, err := b.store.EnsureGroup(ctx, console.Platform, console.Group)
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.store.EnsureMember(ctx, g.ID, user, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := b.store.MemberSettings(ctx, g.ID, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestMeSettings: /me shows what is stored and changes it; /me digest and
// /digest subscribe|unsubscribe are one setting; a member in another zone
// types times in the group's and sees them in both.
func TestMeSettings(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.con.Locale = "en" // an app that reports English, as Discord's does
		b.expect(springfield, "first lead")
		b.expect("/role assign user:@carol role:coordinator", "carol")
		b.do("as carol")
		b.expect("/me", "Language: English (your app's language).", "Time zone: America/Chicago, the group's",
			"Reminders: on", "Daily digest by direct message: on.", "/me digest:off")
		recipients := func() []string {
			t.Helper()
			g, err := b.store.EnsureGroup(context.Background(), console.Platform, console.Group)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := b.store.DigestRecipients(context.Background(), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range ms {
				names = append(names, m.DisplayName)
			}
			return names
		}
		b.expect("/me digest:off", "Saved: your settings", "Daily digest by direct message: off.")
		if got := recipients(); len(got) != 0 {
			t.Errorf("after /me digest:off the digest goes to %v, want nobody", got)
		}
		b.expect("/digest subscribe", "digest")
		b.expect("/me", "Daily digest by direct message: on.")
		if got := fmt.Sprint(recipients()); got != "[carol]" {
			t.Errorf("after /digest subscribe the digest goes to %s, want [carol]", got)
		}
		b.expect("/digest unsubscribe", "digest")
		b.expect("/me", "Daily digest by direct message: off.")

		b.expect("/me timezone:America/Los_Angeles reminders:off", "Time zone: America/Los_Angeles, your own", "Reminders: off")
		st := settingsOf(t, b, "carol")
		if st.TimeZone != "America/Los_Angeles" || st.Reminders {
			t.Errorf("stored zone %q, reminders %v; want America/Los_Angeles, off", st.TimeZone, st.Reminders)
		}
		// Typed in the group's zone (noon in Chicago), shown in hers and
		// the group's.
		b.expect(`/meeting schedule when:"2026-12-04 12:00" where:"Hall"`, "Meeting 1 scheduled", "10:00 AM PST", "12:00 PM CST", "in the group's time zone")
		b.expect(`/task add title:"Book the hall" due:"2026-12-03 17:00"`, "Task 1", "3:00 PM PST", "5:00 PM CST")
		b.expect("/me timezone:none", "Time zone: America/Chicago, the group's")
		if out := b.expect("/meeting show 1", "12:00 PM CST"); strings.Contains(out, "PST") || strings.Contains(out, "group's time zone") {
			t.Errorf("back in the group's zone, /meeting show still shows another:\n%s", out)
		}
	})
}
