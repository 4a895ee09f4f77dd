package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/storage"
)

// TestEachReaderHasTheirOwnLanguageAndZone: in one Chicago group, maria
// reads Spanish in America/Mexico_City (/me), carol English in the group's
// zone; both are coordinators and say yes to a meeting. Each gets the
// digest and both reminders in their own language, with the times in
// their own zone; dave, who said yes too but turned reminders off, gets
// none. In June Chicago is an hour ahead of Mexico City: a noon meeting
// is 11:00 for maria.
func TestEachReaderHasTheirOwnLanguageAndZone(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at("06-01 09:00"))
		w.do("/role assign user:@maria role:coordinator", "maria")
		w.do(`/meeting schedule when:"2026-06-04 12:00" where:"County Building" gather:"Library steps"`, "Meeting 1")
		w.do("as maria")
		w.do("/me language:es timezone:America/Mexico_City", "Guardado: tu configuración", "America/Mexico_City")
		w.do("/meeting rsvp 1 yes")
		w.do("as carol")
		w.do("/meeting rsvp 1 yes")
		w.do("as dave")
		w.do("/me reminders:off", "Reminders: off")
		w.do("/meeting rsvp 1 yes")

		// The digest, at 08:00 in the group's zone: a direct message to
		// each coordinator.
		w.clock.Set(at("06-02 08:00"))
		if err := w.q.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		drain(t, w.q, w.clock)
		digests := w.sender.all()[w.seen:]
		w.seen += len(digests)
		titles := map[string]string{"carol": "Daily digest for Springfield: ", "maria": "Resumen diario de Springfield: "}
		if len(digests) != 2 {
			t.Errorf("%d digests sent, want carol's and maria's", len(digests))
		}
		for _, m := range digests {
			if prefix, ok := titles[m.who()]; !ok || !strings.HasPrefix(m.title(), prefix) {
				t.Errorf("digest to %s titled %q, want one to carol or maria in their language", m.who(), m.title())
			}
			delete(titles, m.who())
		}
		day := w.step(at("06-03 12:00"), "carol: Tomorrow: meeting 1", "maria: Mañana: reunión 1")
		hour := w.step(at("06-04 10:40"), "carol: In an hour: gather for meeting 1", "maria: En una hora: encuentro para la reunión 1")
		w.step(at("06-06 12:00")) // dave never hears

		for _, msgs := range [][]sent{digests, day, hour} {
			for _, m := range msgs {
				checkReader(t, m)
			}
		}
		for _, m := range digests {
			zone := map[string]string{"carol": "Times are in America/Chicago.", "maria": "Las horas están en America/Mexico_City."}[m.who()]
			if !strings.Contains(m.Text, zone) {
				t.Errorf("%s's digest does not say %q:\n%s", m.who(), zone, m.Text)
			}
		}
	})
}

// checkReader fails unless a message to carol shows the noon meeting at
// Chicago's times (12:00, gather 11:40) and one to maria at Mexico
// City's (11:00, gather 10:40), never the other's.
func checkReader(t *testing.T, m sent) {
	t.Helper()
	want, not := []string{"12:00", "11:40"}, []string{"11:00", "10:40"}
	if m.who() == "maria" {
		want, not = not, want
	}
	for _, s := range want {
		if !strings.Contains(m.Text, s) {
			t.Errorf("%s: %q does not show %s:\n%s", m.who(), m.title(), s, m.Text)
		}
	}
	for _, s := range not {
		if strings.Contains(m.Text, s) {
			t.Errorf("%s: %q shows %s, another zone's time:\n%s", m.who(), m.title(), s, m.Text)
		}
	}
}

// TestRemindersOffStopsTaskReminders: an assignee with reminders off
// hears nothing when their task falls due; one with them on does.
func TestRemindersOffStopsTaskReminders(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, s *storage.Store) {
		w := newWorld(t, s, at("01 09:00"))
		w.do("as bob")
		w.do("/me reminders:off", "Reminders: off")
		w.do("as you")
		w.do(`/task add title:"Book a room" user:@bob due:"2026-12-03 12:00"`, "Task 1")
		w.do(`/task add title:"Call the mayor" user:@alice due:"2026-12-03 12:00"`, "Task 2")
		w.step(at("02 12:00"), "alice: Due tomorrow: task 2")
		w.step(at("03 12:00"), "alice: Overdue: task 2")
		w.step(at("05 12:00"))
	})
}
