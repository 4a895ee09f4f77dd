package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot/console"
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
		b.expect("/guide role:event-poster", "map.peoplepower.org")
		b.expect("/guide role:spokesperson", "info@peoplepower.org")
		b.expect("/guide role:reporter", "https://docs.google.com/a/bernalalto.com/forms/d/e/1FAIpQLSfj3sSBR2LMtsouzU0EejtaiGovxSGeernpiGTakTY_IF1xew/viewform")
		b.expect("/setup report-form:https://forms.example.org/cook-report", "Report-backs are filed on https://forms.example.org/cook-report")
		b.expect("/guide role:reporter", "on the report form: https://forms.example.org/cook-report")
		b.refuse("/setup report-form:http://forms.example.org/x", "is not an https address", "Example: `/setup report-form:https://")
		b.refuse("/setup report-form:forms", "is not an https address")
		b.expect("/setup report-form:none", "Report-backs are filed on https://docs.google.com/")
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
// complete the asking stage, as the guide allows; the stages before it
// count as done, and the next step is the one after it.
func TestGuideOfficeCalled(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(`/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`, "set up")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Jane Roe")
		b.expect(`/response bulk official:"Jane Roe" in-place:nnnnnnnnn would-support:yyyyyyyyy source:call`, "Logged 9 answers")
		out := b.do("/guide")
		if got := stageMarks(t, out); got != "dddn---" || !strings.Contains(out, "Once you meet an official, file the meeting's report-back") {
			t.Errorf("stages = %s, want dddn--- (asked by phone: the stages before count as done):\n%s", got, out)
		}
	})
}

// TestGuideBeforeSetup: the guide and the digest's next step say to run
// /setup first.
func TestGuideBeforeSetup(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		out := b.expect("/guide", "Your group is not set up yet", "Start with /setup", "`/setup jurisdiction:\"Springfield\" kind:city timezone:America/Chicago`")
		if strings.Contains(out, "your campaign") || strings.Contains(out, "[County/City/State]") {
			t.Errorf("/guide before /setup speaks of a campaign:\n%s", out)
		}
		next, err := b.env.NextStep(context.Background(), plantGroup(t, b.store, console.Group), "en", b.clock.Now())
		if err != nil || !strings.HasPrefix(next, "Start with /setup") {
			t.Errorf("NextStep before /setup = %q, %v", next, err)
		}
		b.refuse("/setup jurisdiction:Springfield", "The first /setup needs `kind`")
		b.refuse("/setup report-form:https://forms.example.org/r", "The first /setup needs `jurisdiction`")
		b.expect("/setup Springfield city America/Chicago", "Springfield is set up", "first lead")
		b.expect("/setup timezone:America/Denver", "Springfield is set up", "America/Denver")
		b.refuse("/setup", "Springfield is already set up; say what to change")
		b.do("as bob")
		b.refuse("/setup jurisdiction:Shelbyville", "only its leads (you) can change it")
	})
}
