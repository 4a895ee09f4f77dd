package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// dashboardPath is the path of the dashboard a /dashboard reply links.
var dashboardPath = regexp.MustCompile(regexp.QuoteMeta(pagesURL) + `(/d/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)`)

// TestDashboardPage: the link /dashboard gives a coordinator opens a
// private page with the meetings of the next two weeks and their RSVP
// counts, the open tasks and the digest, for 24 hours; a changed link is
// not found, and an expired one is gone.
func TestDashboardPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		token := r.springfield("g1")
		m := dashboardPath.FindStringSubmatch(r.must("g1", "bart", "/dashboard"))
		if m == nil {
			t.Fatal("no dashboard link")
		}
		path := m[1]
		res := r.get(path)
		body := res.Body.String()
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, res.Code, body)
		}
		if got := res.Header().Get("Cache-Control"); got != "private, no-store" || res.Header().Get("ETag") != "" {
			t.Errorf("Cache-Control %q, ETag %q; want private, no-store and no tag", got, res.Header().Get("ETag"))
		}
		for _, want := range []string{
			`<meta name="robots" content="noindex, nofollow">`, "<h1>Springfield: dashboard</h1>",
			"This private page works until Sat Nov 28, 9:00 AM CST.",
			`<a href="` + pagesURL + "/s/" + token + `">The public scorecard</a>`,
			"Meetings in the next 14 days", "<strong>#3</strong>", "Organizing meeting · Public Library", "1 yes, 1 maybe, 0 no",
			"Open tasks", "Call the mayor&#39;s office · due Tue Dec 1, 5:00 PM · Ximena Oyelaran", "Write to the county board",
			"Today&#39;s digest", "<h3>Daily digest for Springfield: Fri Nov 27</h3>",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the dashboard lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "<strong>#1</strong> <time") {
			t.Error("the dashboard lists a meeting that was held")
		}

		changed := path[:len(path)-1] + "A"
		if path[len(path)-1] == 'A' {
			changed = path[:len(path)-1] + "B"
		}
		if res := r.get(changed); res.Code != http.StatusNotFound {
			t.Errorf("a changed link: %d, want 404", res.Code)
		}
		if res := r.get("/d/nothing"); res.Code != http.StatusNotFound {
			t.Errorf("a made-up link: %d, want 404", res.Code)
		}
		r.clock.Advance(commands.DashboardTTL)
		res = r.get(path)
		if res.Code != http.StatusGone || strings.Contains(res.Body.String(), "Springfield") {
			t.Errorf("after 24 hours: %d %q, want 410 and no details", res.Code, res.Body.String())
		}
	})
}

// TestDashboardSpeaksItsReader: the page is in the language and time
// zone of the member the link was made for.
func TestDashboardSpeaksItsReader(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		r.springfield("g1")
		r.must("g1", "bart", "/me language:es timezone:America/Mexico_City")
		r.clock.Advance(time.Minute)
		m := dashboardPath.FindStringSubmatch(r.must("g1", "bart", "/dashboard"))
		if m == nil {
			t.Fatal("no dashboard link")
		}
		body := r.get(m[1]).Body.String()
		for _, want := range []string{`<html lang="es">`, "Tareas abiertas", "1 sí, 1 tal vez, 0 no", "CST"} {
			if !strings.Contains(body, want) {
				t.Errorf("the dashboard lacks %q:\n%s", want, body)
			}
		}
	})
}
