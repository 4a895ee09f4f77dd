package commands_test

import (
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot/console"
)

// TestRenderedStandingFollowsEveryChange plays two replicas on one
// database: one keeps asking for the scorecard and the target list, which
// it renders once per version of the standing, while the other changes
// the standing in every way there is. Each change must show at the first
// replica at once, and an unchanged standing must be served without
// rendering (fewer statements than the first time).
func TestRenderedStandingFollowsEveryChange(t *testing.T) {
	eachBot(t, func(t *testing.T, reader *testBot) {
		writer := newTestBot(t, reader.store)
		writer.do(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
		writer.expect(`/official add name:"Sheriff Roe" office:sheriff`, "Sheriff Roe")

		count := func(line string) (string, int64) {
			before := reader.store.Statements()
			out := reader.do(line)
			return out, reader.store.Statements() - before
		}
		first, rendered := count("/scorecard")
		again, served := count("/scorecard")
		if again != first || served >= rendered {
			t.Errorf("the same scorecard again: %d statements (first: %d), same text %v; want it served without rendering", served, rendered, again == first)
		}

		steps := []struct {
			write, line, want string
		}{
			{`/response log official:"Sheriff Roe" rule:1 in-place:yes`, "/scorecard", "✅ Sheriff Roe: says in place"},
			{`/official edit name:"Sheriff Roe" new-name:"Sheriff Doe"`, "/scorecard", "Sheriff Doe"},
			{`/response log official:"Sheriff Doe" rule:2 in-place:no would-support:yes`, "/target list", "Sheriff Doe"},
			{`/official add name:"Mayor Poe" office:mayor`, "/target list", "Mayor Poe"},
			{`/response log official:"Mayor Poe" rule:1 in-place:no`, "/scorecard", "disputed"},
			{`/response settle rule:1 in-place:yes note:"The ordinance passed"`, "/scorecard", "Ruled in place by the group"},
			{`/official remove name:"Mayor Poe"`, "/target list", "!Mayor Poe"},
		}
		for _, s := range steps {
			before := reader.do(s.line)
			if out := writer.do(s.write); strings.HasPrefix(out, "✗") {
				t.Fatalf("%s: %s", s.write, out)
			}
			after := reader.do(s.line)
			want, absent := strings.CutPrefix(s.want, "!")
			if strings.Contains(after, want) == absent || after == before {
				t.Errorf("after %s, %s at the other replica:\n%s\nwant it changed and %s %q", s.write, s.line, after,
					map[bool]string{true: "without", false: "with"}[absent], want)
			}
		}
	})
}

// TestStandingVersionCountsEachChange checks the version the renders are
// kept by: every kind of change to the standing bumps it, and reads and
// changes elsewhere do not.
func TestStandingVersionCountsEachChange(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.do(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`)
		version := func() int64 {
			t.Helper()
			g, err := b.store.GroupByPlatform(t.Context(), console.Platform, console.Group)
			if err != nil {
				t.Fatal(err)
			}
			v, err := b.store.StandingVersion(t.Context(), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		for _, s := range []struct {
			line  string
			bumps bool
		}{
			{`/official add name:"Sheriff Roe" office:sheriff`, true},
			{`/scorecard`, false},
			{`/meeting schedule kind:organizing when:"tomorrow 7pm" where:"Library"`, false},
			{`/response bulk official:"Sheriff Roe" in-place:yyynneeen`, true},
			{`/official edit name:"Sheriff Roe" office:police-chief`, true},
			{`/response settle rule:2 in-place:yes`, true},
			{`/official remove name:"Sheriff Roe"`, true},
			{`/official remove name:"Nobody"`, false},
		} {
			v := version()
			b.do(s.line)
			if got := version(); (got > v) != s.bumps {
				t.Errorf("%s: version %d → %d, want a change: %v", s.line, v, got, s.bumps)
			}
		}
	})
}
