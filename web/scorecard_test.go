package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/card"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
	"github.com/fcbot/fcbot/web"
)

// pagesURL is PUBLIC_URL in the tests that do not serve over a socket.
const pagesURL = "https://pages.example.org"

// members are the people of the test groups, with names found nowhere
// else, so that a page names a member exactly when it holds one: by
// platform id.
var members = map[string]string{
	"zelda": "Zelda Quiroga",       // the lead
	"bart":  "Bartholomew Nkemelu", // a coordinator
	"xim":   "Ximena Oyelaran",     // members who answer and come
	"ivo":   "Ivo Thrandersen",
}

// pageRig runs commands in several workspaces through the real router
// and serves the web pages of the same Env.
type pageRig struct {
	t      *testing.T
	store  *storage.Store
	env    *commands.Env
	clock  *bot.ManualClock
	router *bot.Router
	mux    *http.ServeMux
	sent   int
}

func newPageRig(t *testing.T, s *storage.Store, publicURL string) *pageRig {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := bot.NewManualClock(time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)) // Friday, 9:00 in Chicago
	s.SetClock(clock.Now)
	env := &commands.Env{Store: s, Clock: clock, Log: log, PublicURL: publicURL}
	mux := http.NewServeMux()
	(&web.Server{Env: env, Log: log}).Routes(mux)
	return &pageRig{t: t, store: s, env: env, clock: clock, router: commands.Router(env), mux: mux}
}

// must runs a line as user (a key of members) in workspace group and
// fails on a refusal; it returns the reply's text.
func (r *pageRig) must(group, user, line string) string {
	r.t.Helper()
	r.sent++
	req := &bot.Request{Platform: "console", Group: group, User: bot.User{ID: user, Name: members[user]}, Channel: "c", Locale: "en", ID: fmt.Sprint("p", r.sent)}
	mention := func(w string) (bot.User, bool) {
		n := strings.TrimPrefix(w, "@")
		return bot.User{ID: n, Name: members[n]}, members[n] != ""
	}
	res := r.router.Run(context.Background(), req, line, mention, nil)
	if res.Err != nil || res.Reply.Tone == bot.Failure {
		r.t.Fatalf("%s: %v %s", line, res.Err, res.Reply.PlainText())
	}
	return res.Reply.PlainText()
}

// get asks the pages for path, with header lines "Name: value".
func (r *pageRig) get(path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, h := range header {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	r.mux.ServeHTTP(rec, req)
	return rec
}

// groupID is the id of workspace group.
func (r *pageRig) groupID(group string) int64 {
	r.t.Helper()
	g, err := r.store.GroupByPlatform(context.Background(), "console", group)
	if err != nil {
		r.t.Fatal(err)
	}
	return g.ID
}

// springfield sets up a city campaign as a group would run it: officials
// of the city and the county, meetings held with two of them where they
// answered (disagreeing on rule 1), an answer by telephone, a meeting to
// come that members answered, attendance and tasks. It returns the
// token of the scorecard it publishes.
func (r *pageRig) springfield(group string) string {
	r.t.Helper()
	for _, l := range []struct{ user, line string }{
		{"zelda", `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`},
		{"bart", "/rules"},
		{"xim", "/rules"},
		{"ivo", "/rules"},
		{"zelda", "/role assign user:@bart role:coordinator"},
		{"zelda", `/official add name:"Dana Whitcombe" office:sheriff jurisdiction:"Sangamon County"`},
		{"zelda", `/official add name:"Rafael Ortiz" office:mayor`},
		{"zelda", `/official add name:"Mei Lin Hart" office:police-chief`},
		{"zelda", `/official add name:"Pat Okafor" office:county-executive jurisdiction:"Sangamon County"`},
		{"zelda", `/meeting record when:"nov 18 10am" where:"Sheriff's Office" official:"Dana Whitcombe"`},
		{"zelda", `/meeting record when:"nov 24 2pm" where:"City Hall" official:"Rafael Ortiz"`},
		{"zelda", `/meeting schedule when:"dec 3 6pm" where:"Public Library" kind:organizing`},
		{"zelda", "/meeting attendance 1 @xim @ivo"},
		{"xim", "/meeting rsvp 3 yes"},
		{"ivo", "/meeting rsvp 3 maybe"},
		{"bart", `/response bulk official:"Dana Whitcombe" in-place:ynnyeunnn would-support:-yn-euyne meeting:1`},
		{"bart", `/response bulk official:"Rafael Ortiz" in-place:nnn-nyy-- would-support:yyn-y---- meeting:2`},
		{"bart", `/response log official:"Pat Okafor" rule:4 in-place:yes source:call`},
		{"zelda", `/task add title:"Call the mayor's office" due:"dec 1 5pm" user:@xim`},
		{"zelda", `/task add title:"Write to the county board"`},
	} {
		r.must(group, l.user, l.line)
	}
	return r.publish(group)
}

// publish runs /scorecard publish on in group and returns the token.
func (r *pageRig) publish(group string) string {
	r.t.Helper()
	out := r.must(group, "zelda", "/scorecard publish on")
	m := regexp.MustCompile(`/s/([A-Za-z0-9_-]{43})`).FindStringSubmatch(out)
	if m == nil {
		r.t.Fatalf("no public link in:\n%s", out)
	}
	return m[1]
}

// TestScorecardPage: the public page is the group's grid, in its
// language, with its image's address for previews, cached briefly and
// revalidated by its ETag; it names no member.
func TestScorecardPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		token := r.springfield("g1")
		res := r.get("/s/" + token)
		body := res.Body.String()
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("got %d %s:\n%s", res.Code, res.Header().Get("Content-Type"), body)
		}
		if got := res.Header().Get("Cache-Control"); got != "public, max-age=60" {
			t.Errorf("Cache-Control %q", got)
		}
		for _, want := range []string{
			`<html lang="en">`, "<h1>Springfield</h1>", "2 of 9 rules in place, 2 disputed",
			`<meta property="og:image" content="` + pagesURL + "/s/" + token + `/scorecard.png">`,
			`<th scope="col">Dana Whitcombe<span class="role">Sheriff · Sangamon County</span></th>`,
			`<span class="word">disputed</span>`, `<time datetime="2026-11-18">Nov 18, 2026</time> · meeting 1`,
			"Last change: Nov 27, 2026", `alt="The scorecard of Springfield as an image: 2 of 9 rules in place, 2 disputed."`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		checkCells(t, r, body, "g1")
		for _, name := range members {
			if strings.Contains(body, name) || strings.Contains(body, strings.Fields(name)[1]) {
				t.Errorf("the public page names the member %s", name)
			}
		}
		etag := res.Header().Get("ETag")
		if again := r.get("/s/"+token, "If-None-Match: "+etag); etag == "" || again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("with If-None-Match %s: got %d, %d bytes; want 304 and nothing", etag, again.Code, again.Body.Len())
		}
		r.must("g1", "bart", `/response log official:"Mei Lin Hart" rule:9 in-place:yes`)
		if changed := r.get("/s/"+token, "If-None-Match: "+etag); changed.Code != http.StatusOK || changed.Header().Get("ETag") == etag {
			t.Errorf("after an answer: got %d with ETag %s, want 200 and a new one", changed.Code, changed.Header().Get("ETag"))
		}

		r.must("g1", "zelda", `/setup language:es`)
		if es := r.get("/s/" + token).Body.String(); !strings.Contains(es, `<html lang="es">`) || !strings.Contains(es, "en disputa") {
			t.Errorf("the page of a Spanish-speaking group is not in Spanish:\n%s", es)
		}
	})
}

// cell reads a table cell's mark as the page writes it.
var cellMark = regexp.MustCompile(`<td class="mark (status|cell) m-[a-z]+" data-mark="([a-z]+)">`)

// checkCells compares every mark of the page's table, row by row, with
// the group's grid read from the database.
func checkCells(t *testing.T, r *pageRig, body, group string) {
	t.Helper()
	g, err := r.env.ScorecardGrid(context.Background(), r.groupID(group))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, rule := range g.Rules {
		want = append(want, "status="+string(rule.Status))
		for _, o := range g.Officials {
			want = append(want, "cell="+string(o.Cells[i].Mark()))
		}
	}
	var got []string
	for _, m := range cellMark.FindAllStringSubmatch(body, -1) {
		got = append(got, m[1]+"="+m[2])
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the page's marks:\n%v\nthe database's grid:\n%v", got, want)
	}
}

// TestScorecardImage: the page's image is the grid drawn as a PNG of the
// size previews show, drawn again when the grid changes.
func TestScorecardImage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		token := r.springfield("g1")
		res := r.get("/s/" + token + "/scorecard.png")
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("got %d %s", res.Code, res.Header().Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(res.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != card.Width || b.Dy() != card.Height {
			t.Errorf("the image is %v, want %dx%d", b, card.Width, card.Height)
		}
		// Images are kept as drawn until the grid changes.
		if again := r.get("/s/" + token + "/scorecard.png"); !bytes.Equal(again.Body.Bytes(), res.Body.Bytes()) {
			t.Error("the same grid drew another image")
		}
		r.must("g1", "bart", `/response log official:"Mei Lin Hart" rule:9 in-place:yes`)
		if changed := r.get("/s/" + token + "/scorecard.png"); bytes.Equal(changed.Body.Bytes(), res.Body.Bytes()) {
			t.Error("after an answer, the image is the same")
		}
	})
}

// TestUnpublishedScorecardIsNotFound: a token never published, one taken
// down, and one of the wrong shape are answered exactly as any unknown
// path, page and image alike.
func TestUnpublishedScorecardIsNotFound(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		token := r.springfield("g1")
		unknown := r.get("/no/such/page")
		if unknown.Code != http.StatusNotFound {
			t.Fatalf("an unknown path: %d", unknown.Code)
		}
		check := func(path string) {
			t.Helper()
			res := r.get(path)
			if res.Code != unknown.Code || res.Body.String() != unknown.Body.String() || res.Header().Get("Content-Type") != unknown.Header().Get("Content-Type") {
				t.Errorf("%s: got %d %q, want the unknown path's %d %q", path, res.Code, res.Body.String(), unknown.Code, unknown.Body.String())
			}
		}
		if res := r.get("/s/" + token); res.Code != http.StatusOK {
			t.Fatalf("the published page: %d", res.Code)
		}
		check("/s/" + strings.Repeat("A", 43))
		check("/s/" + strings.Repeat("A", 43) + "/scorecard.png")
		check("/s/short")
		check("/s/" + token + "x")
		r.must("g1", "zelda", "/scorecard publish off")
		check("/s/" + token)
		check("/s/" + token + "/scorecard.png")
		if fresh := r.publish("g1"); fresh == token {
			t.Error("publishing again reused the old token")
		}
		check("/s/" + token)
	})
}
