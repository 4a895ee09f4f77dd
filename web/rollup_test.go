package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// shelbyville sets up a second city whose names are found nowhere else,
// with an official's answer, and does not publish it.
func (r *pageRig) shelbyville(group string) {
	r.t.Helper()
	r.must(group, "zelda", `/setup jurisdiction:"Shelbyville" kind:city timezone:America/New_York`)
	r.must(group, "zelda", `/official add name:"Secret Sheriff" office:sheriff`)
	r.must(group, "zelda", `/response log official:"Secret Sheriff" rule:1 in-place:yes`)
}

// TestRollupListsPublishedOnly: the roll-up page and its JSON list the
// published scorecards, with their counts and links, and nothing of a
// group that never published or took its scorecard down.
func TestRollupListsPublishedOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		token := r.springfield("g1")
		r.shelbyville("g2")
		r.must("g3", "zelda", `/setup jurisdiction:"Capital City" kind:county timezone:America/Chicago`)
		capital := r.publish("g3")
		secret := []string{"Shelbyville", "Secret Sheriff"}

		page := r.get("/")
		if page.Code != http.StatusOK || page.Header().Get("Cache-Control") != "public, max-age=300" {
			t.Fatalf("GET /: %d, Cache-Control %q", page.Code, page.Header().Get("Cache-Control"))
		}
		body := page.Body.String()
		for _, want := range []string{
			`<a href="` + pagesURL + "/s/" + capital + `">Capital City</a></th><td>county</td><td>0 of 9 rules in place</td><td>no answer yet</td>`,
			`<a href="` + pagesURL + "/s/" + token + `">Springfield</a></th><td>city</td><td>2 of 9 rules in place, 2 disputed</td><td><time datetime="2026-11-27">Nov 27, 2026</time></td>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the roll-up lacks %s:\n%s", want, body)
			}
		}
		if strings.Index(body, "Capital City") > strings.Index(body, "Springfield") {
			t.Error("the roll-up is not in the order of the jurisdictions")
		}
		if es := r.get("/", "Accept-Language: fr-CA, es;q=0.8").Body.String(); !strings.Contains(es, `<html lang="es">`) || !strings.Contains(es, "reglas vigentes") {
			t.Errorf("a Spanish reader's roll-up is not in Spanish:\n%s", es)
		}

		res := r.get("/api/scorecards.json")
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/json" || res.Header().Get("Cache-Control") != "public, max-age=300" {
			t.Fatalf("GET /api/scorecards.json: %d %s %s", res.Code, res.Header().Get("Content-Type"), res.Header().Get("Cache-Control"))
		}
		var doc struct {
			GeneratedAt string  `json:"generated_at"`
			Page        int     `json:"page"`
			Next        *string `json:"next"`
			Scorecards  []struct {
				Jurisdiction string `json:"jurisdiction"`
				Kind         string `json:"kind"`
				Language     string `json:"language"`
				InPlace      int    `json:"in_place"`
				Of           int    `json:"of"`
				Rules        []struct {
					Number, Name, Status string
				} `json:"rules"`
				UpdatedAt *string `json:"updated_at"`
				URL       string  `json:"url"`
				ImageURL  string  `json:"image_url"`
			} `json:"scorecards"`
		}
		dec := json.NewDecoder(strings.NewReader(res.Body.String()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("the JSON does not have the documented fields: %v\n%s", err, res.Body.String())
		}
		if doc.GeneratedAt != "2026-11-27T15:00:00Z" || doc.Page != 1 || doc.Next != nil || len(doc.Scorecards) != 2 {
			t.Fatalf("got generated_at %s, page %d, next %v, %d scorecards", doc.GeneratedAt, doc.Page, doc.Next, len(doc.Scorecards))
		}
		cc, sp := doc.Scorecards[0], doc.Scorecards[1]
		if cc.Jurisdiction != "Capital City" || cc.Kind != "county" || cc.InPlace != 0 || cc.UpdatedAt != nil || cc.URL != pagesURL+"/s/"+capital {
			t.Errorf("Capital City: %+v", cc)
		}
		grid, err := r.env.ScorecardGrid(context.Background(), r.groupID("g1"))
		if err != nil {
			t.Fatal(err)
		}
		var statuses, want []string
		for i, rule := range sp.Rules {
			statuses = append(statuses, rule.Number+" "+rule.Name+" "+rule.Status)
			want = append(want, grid.Rules[i].Number+" "+grid.Rules[i].Name+" "+string(grid.Rules[i].Status))
		}
		if sp.Jurisdiction != "Springfield" || sp.Language != "en" || sp.InPlace != grid.InPlace || sp.Of != 9 || !slices.Equal(statuses, want) ||
			sp.UpdatedAt == nil || *sp.UpdatedAt != grid.Updated.UTC().Format("2006-01-02T15:04:05Z") ||
			sp.URL != pagesURL+"/s/"+token || sp.ImageURL != pagesURL+"/s/"+token+"/scorecard.png" {
			t.Errorf("Springfield: %+v\nwant the grid's %v, %d in place, updated %v", sp, want, grid.InPlace, grid.Updated)
		}
		for _, text := range []string{body, res.Body.String()} {
			for _, word := range append(secret, "Zelda", "Quiroga", "Ximena") {
				if strings.Contains(text, word) {
					t.Errorf("the roll-up shows %q", word)
				}
			}
		}

		r.must("g3", "zelda", "/scorecard publish off")
		if body := r.get("/api/scorecards.json").Body.String(); strings.Contains(body, "Capital City") || !strings.Contains(body, "Springfield") {
			t.Errorf("after Capital City took its scorecard down:\n%s", body)
		}
		if body := r.get("/").Body.String(); strings.Contains(body, "Capital City") {
			t.Error("the roll-up page still lists a scorecard taken down")
		}
	})
}

// TestRollupRevalidates: an unchanged list is answered 304 to whoever
// holds its ETag, though the time it was made moved on; a change gives a
// new one.
func TestRollupRevalidates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		r.springfield("g1")
		for _, path := range []string{"/", "/api/scorecards.json"} {
			first := r.get(path)
			etag := first.Header().Get("ETag")
			r.clock.Advance(10 * time.Minute)
			if again := r.get(path, "If-None-Match: "+etag); etag == "" || again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("%s with If-None-Match %s: got %d, %d bytes; want 304 and nothing", path, etag, again.Code, again.Body.Len())
			}
			r.must("g1", "bart", `/response log official:"Mei Lin Hart" rule:9 in-place:yes`)
			if changed := r.get(path, "If-None-Match: "+etag); changed.Code != http.StatusOK || changed.Header().Get("ETag") == etag {
				t.Errorf("%s after a change: got %d with ETag %s, want 200 and a new tag", path, changed.Code, changed.Header().Get("ETag"))
			}
		}
	})
}

// TestRollupPages: the list is read a page at a time, in the same number
// of statements whatever the number of groups, and a bad page is refused
// with the reason.
func TestRollupPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newPageRig(t, s, pagesURL)
		r.springfield("g1")
		count := func(path string) int64 {
			before := s.Statements()
			if res := r.get(path); res.Code != http.StatusOK {
				t.Fatalf("%s: %d", path, res.Code)
			}
			return s.Statements() - before
		}
		one := count("/api/scorecards.json")
		for _, g := range []string{"g2", "g3", "g4", "g5"} {
			r.must(g, "zelda", `/setup jurisdiction:"Town `+g+`" kind:city timezone:America/Chicago`)
			r.must(g, "zelda", `/official add name:"Sheriff `+g+`" office:sheriff`)
			r.must(g, "zelda", `/response log official:"Sheriff `+g+`" rule:2 in-place:no`)
			r.publish(g)
		}
		if five := count("/api/scorecards.json"); five != one {
			t.Errorf("the JSON of 1 group took %d statements, of 5 groups %d", one, five)
		}
		if page := count("/"); page != one {
			t.Errorf("the page took %d statements, the JSON %d", page, one)
		}
		if body := r.get("/api/scorecards.json?page=2").Body.String(); !strings.Contains(body, `"scorecards": []`) || !strings.Contains(body, `"next": null`) {
			t.Errorf("page 2 of 5 scorecards:\n%s", body)
		}
		for _, bad := range []string{"0", "-1", "x", "1000001"} {
			if res := r.get("/api/scorecards.json?page=" + bad); res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "?page=2") {
				t.Errorf("?page=%s: got %d %q, want 400 with an example", bad, res.Code, res.Body.String())
			}
		}
	})
}
