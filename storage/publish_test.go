package storage_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestPublishScorecard: publishing keeps the first token until the
// scorecard is taken down, which deletes it; tokens name their group only.
func TestPublishScorecard(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
		g, _, _ := seedCampaign(t, s, "a", "Sheriff Roe")
		other, _, _ := seedCampaign(t, s, "b", "Sheriff Roe")
		publish := func(group int64, token string, wantToken string, wantCreated bool) {
			t.Helper()
			got, created, err := s.PublishScorecard(ctx, group, token, now)
			if err != nil || got != wantToken || created != wantCreated {
				t.Fatalf("publish %d with %s: got %s, %v, %v; want %s, %v", group, token, got, created, err, wantToken, wantCreated)
			}
		}
		publish(g, tok("tok-a1"), tok("tok-a1"), true)
		publish(g, tok("tok-a2"), tok("tok-a1"), false)
		publish(other, tok("tok-b1"), tok("tok-b1"), true)
		if id, err := s.PublishedGroup(ctx, tok("tok-a1")); err != nil || id != g {
			t.Errorf("tok-a1 names group %d (%v), want %d", id, err, g)
		}
		if _, err := s.PublishedGroup(ctx, tok("tok-a2")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the token not kept opens: %v", err)
		}
		if removed, err := s.UnpublishScorecard(ctx, g); err != nil || !removed {
			t.Fatalf("unpublish: %v, %v", removed, err)
		}
		if removed, err := s.UnpublishScorecard(ctx, g); err != nil || removed {
			t.Errorf("unpublish twice: %v, %v; want false", removed, err)
		}
		if _, err := s.PublishedToken(ctx, g); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("after unpublish, the token: %v", err)
		}
		if id, err := s.PublishedGroup(ctx, tok("tok-b1")); err != nil || id != other {
			t.Errorf("the other group's token after unpublishing the first: %d, %v", id, err)
		}
		publish(g, tok("tok-a3"), tok("tok-a3"), true)
	})
}

// TestPublishedStandings: the roll-up's bulk read holds the published
// groups only, each with the answers of its current officials and its
// rulings, in two statements whatever the number of groups.
func TestPublishedStandings(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
		answer := func(group, official int64, rule string, inPlace storage.Mark) {
			t.Helper()
			if err := s.AddAnswers(ctx, []storage.Answer{{GroupID: group, OfficialID: official, Rule: rule, InPlace: inPlace, CreatedAt: now}}); err != nil {
				t.Fatal(err)
			}
		}
		g, roe, _ := seedCampaign(t, s, "a", "Sheriff Roe")
		poe := seedOfficial(t, s, g, "Mayor Poe")
		gone := seedOfficial(t, s, g, "Chief Gone")
		answer(g, roe, "1", storage.MarkYes)
		answer(g, poe, "1", storage.MarkNo)
		answer(g, gone, "2", storage.MarkYes)
		if err := s.RemoveOfficial(ctx, g, gone); err != nil {
			t.Fatal(err)
		}
		if err := s.AddSettlement(ctx, &storage.Settlement{GroupID: g, Rule: "3", InPlace: storage.MarkNo, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		hidden, theirs, _ := seedCampaign(t, s, "hidden", "Sheriff Hidden")
		answer(hidden, theirs, "1", storage.MarkYes)
		if _, _, err := s.PublishScorecard(ctx, g, tok("tok-a"), now); err != nil {
			t.Fatal(err)
		}

		before := s.Statements()
		read, more, err := s.PublishedStandings(ctx, 1, 10)
		one := s.Statements() - before
		if err != nil || more || len(read) != 1 {
			t.Fatalf("got %d standings (more %v, %v), want the published one", len(read), more, err)
		}
		p := read[0]
		if p.Group.ID != g || p.Token != tok("tok-a") {
			t.Errorf("got group %d, token %s; want %d, tok-a", p.Group.ID, p.Token, g)
		}
		got := describeStanding(p.Standing)
		want := fmt.Sprintf("official %d rule 1 yes; official %d rule 1 no; ruling 3 no", roe, poe)
		if got != want {
			t.Errorf("standing: got %q, want %q", got, want)
		}

		for i := range 4 {
			group, official, _ := seedCampaign(t, s, fmt.Sprint("more", i), "Sheriff")
			answer(group, official, "4", storage.MarkNo)
			if _, _, err := s.PublishScorecard(ctx, group, fmt.Sprint(tok("tok-more"), i), now); err != nil {
				t.Fatal(err)
			}
		}
		before = s.Statements()
		read, more, err = s.PublishedStandings(ctx, 1, 10)
		if five := s.Statements() - before; err != nil || len(read) != 5 || five != one {
			t.Errorf("5 groups: %d standings (%v) in %d statements; 1 group took %d", len(read), err, five, one)
		}
		if more {
			t.Error("5 groups in a page of 10: more")
		}
		for _, page := range []int{1, 2, 3} {
			read, more, err := s.PublishedStandings(ctx, page, 2)
			if err != nil || len(read) != min(2, 5-2*(page-1)) || more != (page < 3) {
				t.Errorf("page %d of 2: %d standings, more %v (%v)", page, len(read), more, err)
			}
		}
	})
}

// describeStanding writes a standing's answers and rulings in a fixed
// order: by official id, then by rule.
func describeStanding(st storage.Standing) string {
	officials := slices.Clone(st.Officials)
	slices.SortFunc(officials, func(a, b storage.Official) int { return cmp.Compare(a.ID, b.ID) })
	var parts []string
	for _, o := range officials {
		for _, rule := range []string{"1", "2", "3", "4"} {
			if a, ok := st.Answers[o.ID][rule]; ok {
				parts = append(parts, fmt.Sprintf("official %d rule %s %s", o.ID, rule, a.InPlace))
			}
		}
	}
	for _, rule := range []string{"1", "2", "3", "4"} {
		if r, ok := st.Rulings[rule]; ok {
			parts = append(parts, fmt.Sprintf("ruling %s %s", rule, r.InPlace))
		}
	}
	return strings.Join(parts, "; ")
}

// TestEnsureSecret: the first secret stored under a name is the one every
// later call gets; reading one that was never made is not found.
func TestEnsureSecret(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if _, err := s.Secret(ctx, "k"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a secret never made: %v", err)
		}
		for _, candidate := range []string{"first", "second"} {
			if got, err := s.EnsureSecret(ctx, "k", candidate); err != nil || got != "first" {
				t.Errorf("EnsureSecret(%s): got %q, %v; want first", candidate, got, err)
			}
		}
		if got, err := s.Secret(ctx, "k"); err != nil || got != "first" {
			t.Errorf("Secret: %q, %v", got, err)
		}
		if _, err := s.Secret(ctx, "other"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another name: %v", err)
		}
	})
}

// tok makes a well-formed token (43 characters of base64url) that reads
// as name.
func tok(name string) string { return name + strings.Repeat("x", 43-len(name)) }
