package commands_test

import (
	"strings"
	"testing"
)

func TestGuideRoleScripts(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(`/setup jurisdiction:"Cook County" kind:county timezone:America/Chicago`, "Cook County is set up")
		b.expect("/guide role:scheduler",
			"scheduler: your part in Cook County",
			"top law-enforcement officer for Cook County", "sheriff or the police chief", "precinct", // who to ask for
			"if under 10, give the number", "conference room", // how many people to name
			"If they ask the topic", "model state and local law enforcement policies", // the topic
			"highest-level staffer", // settle for the highest-level staffer
			"Take the soonest slot", // the soonest slot
			"/meeting schedule")
		b.expect("/guide role:spokesperson",
			"spokesperson: your part in Cook County",
			"20 minutes early", "near the office", // gather early nearby
			"introductions",                                       // introductions
			"nine model rules for Cook County", "is it in place?", // present the rules
			"clear yes or no", "would support it", // yes or no, and support
			"polite and cordial, but persistent", "name evasion out loud", // persistent, call out evasion
			"Do not argue the legal details",               // no legal arguments
			"Thank them", "their answers will be reported", // thanks and reporting
			"/response sheet")
		b.expect("/guide role:reporter", "report-back for Cook County", "/report meeting:ID", "evasive")
		b.expect("/guide role:inviter", "invite everyone", "/meeting show ID")
		b.expect("/guide role:event-poster", "events map")
		b.expect("/guide role:attendance-keeper", "sign-in sheet", "/meeting attendance")
		b.expect("/guide role:note-taker", "evasive")
		b.expect("/guide tactics", "Big groups can run several through working groups; small ones may pick one",
			"town-hall:", "letter-to-editor:", "window-signs:")
		b.refuse("/guide role:mayor", "`role` must be one of")
	})
}

// TestGuideRepliesFitEveryPlatform checks the guide's longest replies
// against the limits every adapter can render.
func TestGuideRepliesFitEveryPlatform(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(`/setup jurisdiction:"`+strings.Repeat("Long Name ", 10)+`" kind:county timezone:America/Chicago`, "is set up")
		for _, line := range []string{"/guide", "/guide tactics", "/guide role:scheduler", "/guide role:spokesperson", "/guide role:reporter",
			"/guide role:inviter", "/guide role:event-poster", "/guide role:attendance-keeper", "/guide role:note-taker"} {
			r, err := b.raw("you", line)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			if err := r.Check(); err != nil {
				t.Errorf("%s breaks a limit: %v", line, err)
			}
		}
	})
}

// TestGuideOfficeCalled: with no meeting granted, answers logged from a call
// complete the asking stage, as the guide allows.
func TestGuideOfficeCalled(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "set up")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Jane Roe")
		b.expect(`/response bulk official:"Jane Roe" in-place:nnnnnnnnn would-support:yyyyyyyyy source:call`, "Logged 9 answers")
		out := b.do("/guide")
		if got := stageMarks(t, out); got != "n-d----" || !strings.Contains(out, "Hold your first organizing meeting") {
			t.Errorf("stages = %s, want n-d---- (asked by phone, nothing else yet):\n%s", got, out)
		}
	})
}
