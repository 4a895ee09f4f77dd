package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/card"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

// The public scorecard: GET /s/{token} is the page, GET
// /s/{token}/scorecard.png its image (to download, and the preview
// social networks show). Both draw only from card.Grid, which holds
// officials and their answers: never a member's name, an RSVP or who
// came. A token that is not published, or no longer, is answered exactly
// as any unknown path.

//go:embed templates/*.html
var templateFS embed.FS

// pages are the templates, parsed once.
var pages = template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))

// The Cache-Control of each kind of page: public ones may be kept a
// little by browsers and proxies; the dashboard never.
const (
	cacheScorecard = "public, max-age=60"
	cacheRollup    = "public, max-age=300"
	cachePrivate   = "private, no-store"
)

// symbols are the marks as /scorecard shows them in chat.
var symbols = map[card.Mark]string{
	card.Yes: "✅", card.No: "❌", card.Evasive: "⚠️", card.Unknown: "❔", card.Disputed: "⚖️",
}

// scorecardView is what scorecard.html shows, every sentence already in
// the group's language.
type scorecardView struct {
	Lang        string
	Title       string // the page's title, og:title
	Description string // og:description
	PageURL     string
	ImageURL    string // absolute, for og:image
	ImagePath   string // relative to the page, for the img and its download link
	ImageFile   string // the download's file name
	ImageAlt    string
	Download    string
	Heading     string
	Summary     string // N of 9
	Updated     string // the date of the last change
	Caption     string
	RuleHead    string
	StatusHead  string
	Officials   []officialHead
	Rows        []ruleRow
	NoOfficials string // said when the group has no officials yet
	LegendTitle string
	Legend      []markView
	About       string
	Rollup      string // the link to every published scorecard
	RollupURL   string
}

// officialHead is an official's column heading.
type officialHead struct{ Name, Role string }

// ruleRow is one rule: its status across the officials, then each
// official's cell. Number is shown before the name, unless the name says
// it.
type ruleRow struct {
	Rule, Number, Name string
	Status             markView
	Cells              []cellView
}

// markView is a mark with its symbol and its words, which a screen
// reader says instead of the symbol.
type markView struct {
	Mark   card.Mark
	Symbol string
	Text   string
}

// cellView is an official's answer on a rule: its mark, when it was given
// (in the group's zone) and at which meeting.
type cellView struct {
	markView
	When, WhenISO, Meeting string
}

// scorecard serves GET /s/{token}.
func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	g, ok := s.published(w, r, token)
	if !ok {
		return
	}
	s.render(w, r, "scorecard.html", s.scorecardView(g, token), cacheScorecard)
}

// scorecardImage serves GET /s/{token}/scorecard.png.
func (s *Server) scorecardImage(w http.ResponseWriter, r *http.Request) {
	g, ok := s.published(w, r, r.PathValue("token"))
	if !ok {
		return
	}
	img, err := imageOf(g)
	if err != nil {
		s.fail(w, r, "scorecard image", err)
		return
	}
	serve(w, r, "image/png", cacheScorecard, img)
}

// drawn keeps the images last drawn, by the content of the grid each was
// drawn from: a scorecard shared widely is drawn once per change, not
// once per view (drawing one takes tens of milliseconds). It holds at
// most drawnMax, and starts afresh when full.
var drawn = struct {
	sync.Mutex
	images map[[sha256.Size]byte][]byte
}{images: map[[sha256.Size]byte][]byte{}}

const drawnMax = 32

// imageOf returns the grid's image, drawn or as drawn before.
func imageOf(g card.Grid) ([]byte, error) {
	content, err := json.Marshal(struct {
		Grid card.Grid
		Zone string
	}{g, g.Location.String()})
	if err != nil {
		return nil, fmt.Errorf("scorecard image: %w", err)
	}
	key := sha256.Sum256(content)
	drawn.Lock()
	img, ok := drawn.images[key]
	drawn.Unlock()
	if ok {
		return img, nil
	}
	if img, err = card.PNG(g); err != nil {
		return nil, err
	}
	drawn.Lock()
	defer drawn.Unlock()
	if len(drawn.images) >= drawnMax {
		clear(drawn.images)
	}
	drawn.images[key] = img
	return img, nil
}

// published reads the grid of the scorecard published under token; an
// unknown token is answered 404 and ok is false.
func (s *Server) published(w http.ResponseWriter, r *http.Request, token string) (_ card.Grid, ok bool) {
	groupID, err := s.Env.Store.PublishedGroup(r.Context(), token)
	if errors.Is(err, storage.ErrNotFound) {
		http.NotFound(w, r)
		return card.Grid{}, false
	}
	if err != nil {
		s.fail(w, r, "published scorecard", err)
		return card.Grid{}, false
	}
	g, err := s.Env.ScorecardGrid(r.Context(), groupID)
	if err != nil {
		s.fail(w, r, "published scorecard", err)
		return card.Grid{}, false
	}
	return g, true
}

// scorecardView lays the grid out as the page shows it.
func (s *Server) scorecardView(g card.Grid, token string) scorecardView {
	t := translator(g.Language)
	page := s.Env.PublicURL + commands.ScorecardPath(token)
	summary := summaryOf(t, g.Rules[:g.Core], g.InPlace, g.Core)
	v := scorecardView{
		Lang: g.Language, Title: t("web.scorecard.title", "Name", g.Jurisdiction),
		PageURL: page, ImageURL: page + "/scorecard.png", ImagePath: token + "/scorecard.png", ImageFile: "scorecard-" + slug(g.Jurisdiction) + ".png",
		ImageAlt: t("web.scorecard.image_alt", "Name", g.Jurisdiction, "Summary", summary),
		Download: t("web.scorecard.download"),
		Heading:  g.Jurisdiction, Summary: summary,
		Caption:  t("web.scorecard.caption"),
		RuleHead: t("web.scorecard.rule"), StatusHead: t("web.scorecard.status"),
		LegendTitle: t("web.legend.title"),
		About:       t("web.scorecard.about", "Name", g.Jurisdiction),
		Rollup:      t("web.scorecard.rollup"), RollupURL: s.Env.PublicURL + "/",
	}
	v.Updated = t("web.scorecard.never")
	if !g.Updated.IsZero() {
		v.Updated = t("web.scorecard.updated", "Date", dateOf(t, g.Updated, g.Location))
	}
	v.Description = t("web.scorecard.description", "Summary", summary, "Updated", v.Updated, "Count", len(g.Officials))
	if len(g.Officials) == 0 {
		v.NoOfficials = t("web.scorecard.no_officials")
	}
	for _, o := range g.Officials {
		role := bot.Translate(g.Language, bot.M("office."+o.Office))
		if o.Jurisdiction != "" {
			role += " · " + o.Jurisdiction
		}
		v.Officials = append(v.Officials, officialHead{Name: o.Name, Role: role})
	}
	for i, r := range g.Rules {
		row := ruleRow{Rule: r.Number, Number: r.Number, Name: r.Name, Status: markView{Mark: r.Status, Symbol: symbols[r.Status], Text: t("web.status." + string(r.Status))}}
		if strings.Contains(r.Name, r.Number) { // "1373 Rule" says its number
			row.Number = ""
		}
		for _, o := range g.Officials {
			row.Cells = append(row.Cells, cellOf(t, o.Cells[i], g.Location))
		}
		v.Rows = append(v.Rows, row)
	}
	for _, m := range []card.Mark{card.Yes, card.No, card.Evasive, card.Unknown, card.Disputed} {
		v.Legend = append(v.Legend, markView{Mark: m, Symbol: symbols[m], Text: t("web.legend." + string(m))})
	}
	return v
}

// cellOf is one official's answer on one rule as the page shows it: the
// mark, said in words that tell which answer made it, and when.
func cellOf(t func(string, ...any) string, c card.Cell, loc *time.Location) cellView {
	m := c.Mark()
	v := cellView{markView: markView{Mark: m, Symbol: symbols[m]}}
	switch {
	case !c.Asked:
		v.Text = t("web.cell.not_asked")
		return v
	case c.InPlace == card.Yes:
		v.Text = t("web.cell.in_place")
	case m == card.Evasive:
		v.Text = t("web.cell.evasive")
	case m == card.Yes:
		v.Text = t("web.cell.would_support")
	case m == card.No:
		v.Text = t("web.cell.would_not_support")
	default:
		v.Text = t("web.cell.unclear")
	}
	v.When, v.WhenISO = dateOf(t, c.At, loc), c.At.In(loc).Format(time.DateOnly)
	if c.Meeting > 0 {
		v.Meeting = t("web.cell.meeting", "Number", c.Meeting)
	}
	return v
}

// summaryOf is "3 of 9 rules in place", with the disputed ones counted
// when there are any.
func summaryOf(t func(string, ...any) string, core []card.Rule, inPlace, of int) string {
	disputed := 0
	for _, r := range core {
		if r.Status == card.Disputed {
			disputed++
		}
	}
	if disputed > 0 {
		return t("web.summary.disputed", "Count", inPlace, "Total", of, "Disputed", disputed)
	}
	return t("web.summary", "Count", inPlace, "Total", of)
}

// dateOf is a day with its year, in loc: "Dec 3, 2026"; "3 dic de 2026".
func dateOf(t func(string, ...any) string, at time.Time, loc *time.Location) string {
	return t("web.date", "Day", bot.At(at, loc, bot.DateShort), "Year", at.In(loc).Year())
}

// translator returns the catalog's sentences in lang.
func translator(lang string) func(id string, kv ...any) string {
	return func(id string, kv ...any) string { return bot.Translate(lang, bot.M(id, kv...)) }
}

// slug is a name as a file name's part: lower-case letters and digits,
// dashes between words.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "scorecard"
	}
	return b.String()
}

// render executes a page's template and serves it.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, view any, cacheControl string) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, view); err != nil {
		s.fail(w, r, name, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	serve(w, r, "text/html; charset=utf-8", cacheControl, buf.Bytes())
}

// serve writes body with its type and caching, and an ETag of its
// content: a request that already holds it (If-None-Match) gets 304 Not
// Modified and no body. Every page goes without a referrer, so that its
// link's token travels to no other site.
func serve(w http.ResponseWriter, r *http.Request, contentType, cacheControl string, body []byte) {
	sum := sha256.Sum256(body)
	serveTagged(w, r, contentType, cacheControl, `"`+base64.RawURLEncoding.EncodeToString(sum[:18])+`"`, body)
}

// serveTagged is serve with the ETag given.
func serveTagged(w http.ResponseWriter, r *http.Request, contentType, cacheControl, etag string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if cacheControl != cachePrivate {
		h.Set("ETag", etag)
		if matches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	_, _ = w.Write(body)
}

// matches reports whether an If-None-Match header names etag, by the
// weak comparison RFC 9110 asks for there.
func matches(header, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}

// fail logs an unexpected error, naming the page but not its path (it
// holds a token), and answers 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.Log.ErrorContext(r.Context(), "web page failed", "page", what, "err", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}
