package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/console"
)

// fieldOf returns the lines of the console rendering from the line that
// starts with heading up to the next rule's heading.
func fieldOf(out, heading string) string {
	i := strings.Index(out, heading)
	if i < 0 {
		return ""
	}
	rest := out[i:]
	if j := strings.Index(rest[1:], "\n#"); j >= 0 {
		return rest[:j+1]
	}
	return rest
}

func TestScorecard(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.expect("/scorecard", "Scorecard: Springfield", "No officials yet: add your sheriff or police chief")
		b.plantOfficial("Sheriff Roe", "sheriff", "")
		b.plantOfficial("Mayor Poe", "mayor", "Springfield") // typed out: still the group's own
		b.plantOfficial("Chief Doe", "police-chief", "Cook County")
		b.expect("/scorecard", "0 of 9 in place; no official asked yet")

		b.expect(`/response bulk official:"Sheriff Roe" in-place:yyynneeen would-support:---yyenue`, "Logged 9 answers")
		summary := "3 of 9 in place; Sheriff Roe supports 2 more, evasive on 4"
		// The officials of the county around the city are the group's too.
		out := b.expect("/scorecard", "Scorecard: Springfield", summary, "✅ yes · ❌ no · ⚠️ EVASIVE · ❔ unknown or not asked · ⚖️ DISPUTED",
			"Counts the officials of Cook County too", "`/scorecard Cook County` shows only them")
		cells := []struct{ rule, status, roe string }{
			{"#1 Judicial Warrant Rule", "✅ in place", "✅ Sheriff Roe: says in place"},
			{"#4 Clear Identification Rule", "❌ not in place", "✅ Sheriff Roe: will support"},
			{"#6 Privacy Protection Rule", "⚠️ EVASIVE (no clear answer)", "⚠️ Sheriff Roe: EVASIVE on in place; support EVASIVE"},
			{"#7 Discriminatory Surveillance Prohibition Rule", "⚠️ EVASIVE", "⚠️ Sheriff Roe: EVASIVE on in place; support no"},
			{"#8 Redress Rule", "⚠️ EVASIVE", "⚠️ Sheriff Roe: EVASIVE on in place; support unknown"},
			{"#9 Fair and Impartial Policing Rule", "❌ not in place", "⚠️ Sheriff Roe: EVASIVE on support"},
		}
		for _, c := range cells {
			f := fieldOf(out, c.rule)
			if !strings.Contains(f, c.status) || !strings.Contains(f, c.roe) || !strings.Contains(f, "❔ not asked (2): Chief Doe, Mayor Poe") {
				t.Errorf("scorecard row %s:\n%s\nwant %q, %q and Chief Doe and Mayor Poe not asked", c.rule, f, c.status, c.roe)
			}
		}
		if f := fieldOf(out, "#1373 1373 Rule"); !strings.Contains(f, "❔ unknown") || !strings.Contains(f, "not asked (3): Chief Doe, Mayor Poe, Sheriff Roe") {
			t.Errorf("scorecard row #1373:\n%s\nwant unknown, nobody asked", f)
		}
		got, err := b.env.ScorecardSummary(context.Background(), plantGroup(t, b.store, console.Group), "en")
		if err != nil || got != summary {
			t.Errorf("ScorecardSummary = %q, %v; want %q", got, err, summary)
		}

		// A clear answer beats an evasion, an evasion never undoes a clear
		// answer, and officials who disagree make a rule disputed, whoever
		// spoke last.
		b.clock.Advance(24 * time.Hour)
		b.expect(`/response log official:"Mayor Poe" rule:6 in-place:no would-support:yes`, "Logged")
		b.expect(`/response log official:"Mayor Poe" rule:1 in-place:evasive`, "Evasive")
		b.expect(`/response log official:"Mayor Poe" rule:2 in-place:no would-support:no`, "Logged")
		out = b.expect("/scorecard", "2 of 9 in place, 1 disputed; Sheriff Roe supports 2 more, evasive on 4; Mayor Poe supports 1 more, evasive on 1")
		for _, c := range []struct{ rule, status string }{
			{"#1 Judicial Warrant Rule", "✅ in place"},
			{"#2 No Facilitation Rule", "⚖️ DISPUTED"},
			{"#6 Privacy Protection Rule", "❌ not in place"},
		} {
			if f := fieldOf(out, c.rule); !strings.Contains(f, c.status) {
				t.Errorf("after Mayor Poe's answers, %s:\n%s\nwant %q", c.rule, f, c.status)
			}
		}
		if f := fieldOf(out, "#2 No Facilitation Rule"); !strings.Contains(f, "⚖️ in place: Sheriff Roe (Nov 27); not in place: Mayor Poe (Nov 28)") ||
			!strings.Contains(f, "`/response settle rule:2 in-place:yes`") {
			t.Errorf("the dispute on rule 2 does not say who said what, when, and how to settle it:\n%s", f)
		}

		// A coordinator settles it; a later answer that disagrees reopens it.
		b.do("as bob")
		b.refuse("/response settle rule:2 in-place:no", "Only a coordinator (or higher) can do that")
		b.do("as you")
		b.expect(`/response settle rule:2 in-place:no note:"the 2019 jail policy allows it"`, "Rule 2 (No Facilitation Rule): ❌ not in place",
			"Officials had said: in place: Sheriff Roe (Nov 27); not in place: Mayor Poe (Nov 28).", "“the 2019 jail policy allows it”")
		out = b.expect("/scorecard", "2 of 9 in place; Sheriff Roe")
		if f := fieldOf(out, "#2 No Facilitation Rule"); !strings.Contains(f, "❌ not in place") || !strings.Contains(f, "⚖️ Ruled not in place by the group (Nov 28)") {
			t.Errorf("rule 2 after the ruling:\n%s\nwant not in place, ruled", f)
		}
		b.refuse("/response settle rule:12 in-place:yes", "There is no rule 12")
		b.clock.Advance(time.Hour)
		b.expect(`/response log official:"Sheriff Roe" rule:2 in-place:yes`, "Logged")
		b.expect("/scorecard", "2 of 9 in place, 1 disputed")
		if actions := strings.Join(auditActions(t, b), "\n"); !strings.Contains(actions, "response.settle rule 2: disputed -> rule 2: no") {
			t.Errorf("the ruling is not in the audit log:\n%s", actions)
		}

		// Only one jurisdiction's officials, matched without regard to case.
		out = b.expect("/scorecard cook county", "Scorecard: Springfield · officials of Cook County", "❔ not asked (1): Chief Doe", "Only the officials of Cook County are shown")
		if strings.Contains(out, "Sheriff Roe: says") || strings.Contains(out, "not asked (2)") {
			t.Errorf("Cook County's officials show Springfield's sheriff:\n%s", out)
		}
		b.expect("/scorecard springfield", "Scorecard: Springfield", "Sheriff Roe")
		b.refuse("/scorecard Cook Countee", "No official serves `Cook Countee`", "Did you mean: Cook County?", "Example: `/scorecard")

		// The county's chief counts: once every official says every rule is
		// in place (and the group rules rule 2 again), all nine are.
		for _, name := range []string{"Chief Doe", "Sheriff Roe", "Mayor Poe"} {
			b.expect(`/response bulk official:"`+name+`" in-place:yyyyyyyyy`, "Logged 9 answers")
		}
		b.expect("/scorecard", "8 of 9 in place, 1 disputed")
		b.expect("/response settle rule:2 in-place:yes", "✅ in place")
		b.expect("/scorecard", "All 9 rules in place", "All nine rules are in place", "help nearby communities")
	})
}

func TestTargets(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.expect("/target list", "No officials yet")
		b.plantOfficial("Mayor Poe", "mayor", "")
		b.plantOfficial("Council Lee", "council-member", "")
		b.plantOfficial("Precinct Kay", "precinct-commander", "")
		b.plantOfficial("Chief Doe", "police-chief", "")
		b.plantOfficial("Sheriff Roe", "sheriff", "Cook County")
		b.expect(`/response bulk official:"Mayor Poe" in-place:nnnnnnnnn would-support:yyyyyyyyy`, "Logged")
		b.expect(`/response bulk official:"Council Lee" in-place:nnnnnnnnn would-support:eeeeeeeee`, "Logged")
		b.expect(`/response bulk official:"Chief Doe" in-place:nnnnnnnnn would-support:yyyyyynnn`, "Logged")

		out := b.expect("/target list",
			"1. Sheriff Roe (sheriff, Cook County) — not asked yet (9 open) · try: in-person, calls-letters",
			"2. Council Lee (council-member) — 9 open: #1 #2 #3 #4 #5 #6 #7 #8 #9; ⚠️ EVASIVE on #1 #2 #3 #4 #5 #6 #7 #8 #9 · try: calls-letters, town-hall, letter-to-editor",
			"3. Precinct Kay (precinct-commander) — not asked yet (9 open)",
			"4. Chief Doe (police-chief) — 3 open: #7 #8 #9 · try: rally, petition, letter-to-editor",
			"Committed to everything still open: Mayor Poe.")
		if strings.Contains(out, "5.") {
			t.Errorf("a committed official is ranked:\n%s", out)
		}
		b.expect("/target list Cook County", "1. Sheriff Roe")
		b.refuse("/target list Cook Countee", "No official serves `Cook Countee`", "Did you mean: Cook County?")

		b.expect(`/target show "council lee"`, "Target: Council Lee (council-member)", "9 rules still to win with Council Lee; evasive on 9",
			"⚠️ Evasive answers", "#3 Defined Access/Interview Rule: ❌ not in place · ⚠️ EVASIVE on support",
			`/task add title:"Call and write Council Lee's office about rules 1, 2, 3, 4, 5, 6, 7, 8, 9" tactic:calls-letters`,
			`[Log answers: /response sheet official:"Council Lee"]`)
		b.expect(`/task add title:"Call and write Council Lee's office about rules 1, 2, 3, 4, 5, 6, 7, 8, 9" tactic:calls-letters`,
			"Task 1 added", "Tactic calls-letters: Make calls and send letters")
		b.expect(`/target show Sheriff Roe`, "Sheriff Roe has not been asked yet: 9 rules to win", "Suggested tactic: in-person: Meet the official in person")
		b.expect(`/target show Mayor Poe`, "Mayor Poe has committed to every rule not yet in place")
		b.refuse(`/target show Sherif Rowe`, "There is no official named `Sherif Rowe`", "Did you mean: Sheriff Roe?", "Example: `/target show")
		b.expect("/guide tactics", "calls-letters: Make calls", "window-signs: Post \"We Welcome Immigrants and Refugees\" signs")
	})
}
