package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
)

// The roll-up of an instance: GET / lists the jurisdictions whose groups
// published their scorecard, with how many rules each has in place, and
// GET /api/scorecards.json serves the same as JSON, so that a state
// coalition can map many cities. Both read the published groups only (a
// group that never published, or took its scorecard down, is not there),
// a page of rollupPer at a time, in a fixed number of statements.

// rollupPer is how many scorecards a page of the roll-up lists.
const rollupPer = 100

// maxPage bounds ?page=, so that no offset overflows.
const maxPage = 100000

// The JSON of /api/scorecards.json. Its field names are a public
// interface, documented in the README: add fields, never rename them.
type (
	rollupJSON struct {
		// GeneratedAt is when the response was made; the ETag leaves it
		// out, so that an unchanged list is not sent again.
		GeneratedAt time.Time `json:"generated_at"`
		Page        int       `json:"page"`
		// Next is the address of the next page, null on the last.
		Next       *string         `json:"next"`
		Scorecards []scorecardJSON `json:"scorecards"`
	}
	scorecardJSON struct {
		Jurisdiction string     `json:"jurisdiction"`
		Kind         string     `json:"kind"`     // city, county or state
		Language     string     `json:"language"` // the group's, in which rules are named
		InPlace      int        `json:"in_place"`
		Of           int        `json:"of"`
		Rules        []ruleJSON `json:"rules"`
		UpdatedAt    *time.Time `json:"updated_at"` // null before the first answer
		URL          string     `json:"url"`
		ImageURL     string     `json:"image_url"`
	}
	ruleJSON struct {
		Number string `json:"number"`
		Name   string `json:"name"`
		Status string `json:"status"` // yes, no, evasive, unknown or disputed
	}
)

// rollupView is what rollup.html shows, in the reader's language.
type rollupView struct {
	Lang, Title, Intro, Caption string
	Heads                       []string
	Rows                        []rollupRow
	None                        string
	Prev, PrevText              string
	Next, NextText              string
	JSONURL, JSONText           string
}

// rollupRow is one published jurisdiction.
type rollupRow struct {
	Jurisdiction, URL, Kind, InPlace, Updated, UpdatedISO string
}

// rollup serves GET /.
func (s *Server) rollup(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(w, r)
	if !ok {
		return
	}
	cards, more, err := s.Env.PublishedScorecards(r.Context(), page, rollupPer)
	if err != nil {
		s.fail(w, r, "roll-up", err)
		return
	}
	lang := readerLanguage(r.Header.Get("Accept-Language"))
	t := translator(lang)
	v := rollupView{
		Lang: lang, Title: t("web.rollup.title"), Intro: t("web.rollup.intro"), Caption: t("web.rollup.caption"),
		Heads:   []string{t("web.rollup.jurisdiction"), t("web.rollup.kind"), t("web.rollup.in_place"), t("web.rollup.updated")},
		JSONURL: s.Env.PublicURL + "/api/scorecards.json", JSONText: t("web.rollup.json"),
	}
	if len(cards) == 0 {
		v.None = t("web.rollup.none")
	}
	for _, c := range cards {
		row := rollupRow{
			Jurisdiction: c.Jurisdiction, URL: s.Env.PublicURL + commands.ScorecardPath(c.Token),
			InPlace: summaryOf(t, c.Rules[:c.Core], c.InPlace, c.Core), Updated: t("web.rollup.never"),
		}
		if c.Kind != "" {
			row.Kind = bot.Word(c.Kind).Localize(lang)
		}
		if !c.Updated.IsZero() {
			row.Updated, row.UpdatedISO = dateOf(t, c.Updated, c.Location), c.Updated.In(c.Location).Format(time.DateOnly)
		}
		v.Rows = append(v.Rows, row)
	}
	if page > 1 {
		v.Prev, v.PrevText = s.Env.PublicURL+"/?page="+strconv.Itoa(page-1), t("web.rollup.prev")
	}
	if more {
		v.Next, v.NextText = s.Env.PublicURL+"/?page="+strconv.Itoa(page+1), t("web.rollup.next")
	}
	w.Header().Set("Vary", "Accept-Language")
	s.render(w, r, "rollup.html", v, cacheRollup)
}

// rollupAPI serves GET /api/scorecards.json.
func (s *Server) rollupAPI(w http.ResponseWriter, r *http.Request) {
	page, ok := pageParam(w, r)
	if !ok {
		return
	}
	cards, more, err := s.Env.PublishedScorecards(r.Context(), page, rollupPer)
	if err != nil {
		s.fail(w, r, "roll-up json", err)
		return
	}
	out := rollupJSON{Page: page, Scorecards: make([]scorecardJSON, 0, len(cards))}
	if more {
		next := s.Env.PublicURL + "/api/scorecards.json?page=" + strconv.Itoa(page+1)
		out.Next = &next
	}
	for _, c := range cards {
		page := s.Env.PublicURL + commands.ScorecardPath(c.Token)
		sc := scorecardJSON{
			Jurisdiction: c.Jurisdiction, Kind: c.Kind, Language: c.Language, InPlace: c.InPlace, Of: c.Core,
			Rules: make([]ruleJSON, len(c.Rules)), URL: page, ImageURL: page + "/scorecard.png",
		}
		for i, r := range c.Rules {
			sc.Rules[i] = ruleJSON{Number: r.Number, Name: r.Name, Status: string(r.Status)}
		}
		if !c.Updated.IsZero() {
			at := c.Updated.UTC()
			sc.UpdatedAt = &at
		}
		out.Scorecards = append(out.Scorecards, sc)
	}
	// The tag is of the content without the time of the response: the
	// same list gets the same tag, and a weak one, since the bytes differ.
	content, err := json.Marshal(struct {
		Page       int
		Next       *string
		Scorecards []scorecardJSON
	}{out.Page, out.Next, out.Scorecards})
	if err != nil {
		s.fail(w, r, "roll-up json", err)
		return
	}
	sum := sha256.Sum256(content)
	out.GeneratedAt = s.Env.Clock.Now().UTC().Truncate(time.Second)
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		s.fail(w, r, "roll-up json", err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	serveTagged(w, r, "application/json", cacheRollup, `W/"`+base64.RawURLEncoding.EncodeToString(sum[:18])+`"`, append(body, '\n'))
}

// pageParam reads ?page= (1 when absent); a page that is not a whole
// number from 1 is answered 400 with the reason, and ok is false.
func pageParam(w http.ResponseWriter, r *http.Request) (page int, ok bool) {
	raw := r.URL.Query().Get("page")
	if raw == "" {
		return 1, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxPage {
		http.Error(w, "page must be a whole number from 1 to "+strconv.Itoa(maxPage)+", e.g. ?page=2", http.StatusBadRequest)
		return 0, false
	}
	return n, true
}

// readerLanguage is the first language of an Accept-Language header that
// the catalog has, else English.
func readerLanguage(header string) string {
	langs := bot.Languages()
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if slices.Contains(langs, base) {
			return base
		}
	}
	return "en"
}
