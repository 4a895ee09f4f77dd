package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/commands"
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
		out := b.expect("/scorecard", "Scorecard: Springfield", summary, "✅ yes · ❌ no · ⚠️ EVASIVE · ❔ unknown or not asked",
			"Officials of other jurisdictions: Cook County")
		if strings.Contains(out, "Chief Doe") {
			t.Errorf("the group's scorecard shows another jurisdiction's official:\n%s", out)
		}
		cells := []struct{ rule, status, roe string }{
			{"#1 Judicial Warrant Rule", "✅ in place", "✅ Sheriff Roe: says in place"},
			{"#4 Clear Identification Rule", "❌ not in place", "✅ Sheriff Roe: will support"},
			{"#6 Privacy Protection Rule", "⚠️ EVASIVE (no clear answer)", "⚠️ Sheriff Roe: EVASIVE on in place; support EVASIVE"},
			{"#7 Discriminatory Surveillance Prohibition Rule", "⚠️ EVASIVE", "⚠️ Sheriff Roe: EVASIVE on in place; support no"},
			{"#8 Redress Rule", "⚠️ EVASIVE", "⚠️ Sheriff Roe: EVASIVE on in place; support unknown"},
			{"#9 Fair and Impartial Policing Rule", "❌ not in place", "⚠️ Sheriff Roe: EVASIVE on support"},
			{"#1373 1373 Rule", "❔ unknown", "❔ Sheriff Roe: not asked"},
		}
		for _, c := range cells {
			f := fieldOf(out, c.rule)
			if !strings.Contains(f, c.status) || !strings.Contains(f, c.roe) || !strings.Contains(f, "❔ Mayor Poe: not asked") {
				t.Errorf("scorecard row %s:\n%s\nwant %q, %q and Mayor Poe not asked", c.rule, f, c.status, c.roe)
			}
		}
		env := &commands.Env{Store: b.store, Clock: b.clock, Log: discardLog()}
		got, err := env.ScorecardSummary(context.Background(), plantGroup(t, b.store, console.Group), "en")
		if err != nil || got != summary {
			t.Errorf("ScorecardSummary = %q, %v; want %q", got, err, summary)
		}

		// A clear answer beats an evasion; the latest clear answer wins; an
		// evasion never undoes a clear answer.
		b.expect(`/response log official:"Mayor Poe" rule:6 in-place:no would-support:yes`, "Logged")
		b.expect(`/response log official:"Mayor Poe" rule:1 in-place:evasive`, "Evasive")
		b.expect(`/response log official:"Mayor Poe" rule:2 in-place:no would-support:no`, "Logged")
		out = b.expect("/scorecard", "2 of 9 in place; Sheriff Roe supports 2 more, evasive on 4; Mayor Poe supports 1 more, evasive on 1")
		for _, c := range []struct{ rule, status string }{
			{"#1 Judicial Warrant Rule", "✅ in place"},
			{"#2 No Facilitation Rule", "❌ not in place"},
			{"#6 Privacy Protection Rule", "❌ not in place"},
		} {
			if f := fieldOf(out, c.rule); !strings.Contains(f, c.status) {
				t.Errorf("after Mayor Poe's answers, %s:\n%s\nwant %q", c.rule, f, c.status)
			}
		}

		// Another jurisdiction, matched without regard to case.
		out = b.expect("/scorecard cook county", "Scorecard: Cook County", "❔ Chief Doe: not asked")
		if strings.Contains(out, "Sheriff Roe") {
			t.Errorf("Cook County's scorecard shows Springfield's sheriff:\n%s", out)
		}
		b.expect("/scorecard springfield", "Scorecard: Springfield", "Sheriff Roe")
		b.refuse("/scorecard Cook Countee", "No official serves `Cook Countee`", "Did you mean: Cook County?", "Example: `/scorecard")

		// Every rule in place: say so, and point to nearby communities.
		b.expect(`/response bulk official:"Chief Doe" in-place:yyyyyyyyy`, "Logged 9 answers")
		b.expect(`/scorecard jurisdiction:"Cook County"`, "All 9 rules in place", "All nine rules are in place", "help nearby communities")
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
