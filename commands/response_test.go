package commands_test

import (
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot/console"
)

// springfield (the usual /setup line) is declared in role_test.go.

func TestResponseLog(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.plantOfficial("Sheriff Roe", "sheriff", "")
		b.plantOfficial("Mayor Poe", "mayor", "")
		plantMeetingIn(t, b.store, console.Group, start.Add(72*3600e9))
		plantMeetingIn(t, b.store, "elsewhere", start.Add(72*3600e9))
		plantMeetingIn(t, b.store, "elsewhere", start.Add(96*3600e9)) // meeting 2 exists only elsewhere

		b.expect(`/response log official:"sheriff roe" rule:3 in-place:no would-support:evasive meeting:1 note:"changed the subject"`,
			"Logged: Sheriff Roe on rule 3 (Defined Access/Interview Rule)", "In place: ❌ no", "Would support: ⚠️ EVASIVE",
			"Evasive: Sheriff Roe dodged the question", "ask again until you get a clear yes or no")
		out := b.expect(`/response log "Sheriff Roe" 3 no would-support:yes source:call`,
			"Would support: ✅ yes", "Replaces the earlier answer (rule 3: in place no, would support evasive)")
		if strings.Contains(out, "Evasive") {
			t.Errorf("a clear answer is called evasive:\n%s", out)
		}
		b.expect(`/response log official:"Mayor Poe" rule:1373 in-place:yes source:public-record`, "Mayor Poe on rule 1373 (1373 Rule)", "In place: ✅ yes")

		refusals := []struct{ line, want string }{
			{`/response log official:"Sheriff Roe" rule:0 in-place:no`, "There is no rule 0; the rules are 1 to 9, and 1373."},
			{`/response log official:"Sheriff Roe" rule:10 in-place:no`, "There is no rule 10"},
			{`/response log official:"Sheriff Roe" rule:three in-place:no`, "There is no rule three"},
			{`/response log official:"Sheriff Roe" rule:2 in-place:yes would-support:no`, "`would-support` makes no sense when rule 2 is already in place"},
			{`/response log official:"Sherif Roe" rule:2 in-place:no`, "There is no official named `Sherif Roe`"},
			{`/response log official:"Sheriff Roe" rule:2 in-place:maybe`, "`in-place` must be one of yes, no, evasive, unknown"},
			{`/response log official:"Sheriff Roe" rule:2 in-place:no meeting:2`, "There is no meeting 2 in this group"},
			{`/response log official:"Sheriff Roe" rule:2 in-place:no meeting:1 source:letter`, "`source:letter` contradicts meeting:1"},
			{`/response log official:"Sheriff Roe" rule:2 in-place:no source:meeting`, "`source:meeting` needs the meeting's number"},
			{`/response log official:"Sheriff Roe" rule:2 in-place:no note:` + strings.Repeat("x", 501), "the limit is 500"},
		}
		for _, r := range refusals {
			b.refuse(r.line, r.want, "Example: `/response log")
		}
		b.refuse(`/response log official:"Sherif Roe" rule:2 in-place:no`, "Did you mean: Sheriff Roe?")

		// Nothing the refusals typed was recorded: two answers from the
		// sheriff, newest first, and three audit entries for answers.
		out = b.expect(`/response history official:"Sheriff Roe"`, "Answers from Sheriff Roe")
		if got := strings.Count(out, "\n- "); got != 2 {
			t.Errorf("history lists %d answers, want 2:\n%s", got, out)
		}
		if strings.Index(out, "✅ yes · by you · call") > strings.Index(out, "EVASIVE · by you · meeting 1 · “changed the subject”") {
			t.Errorf("history is not newest first, or lacks source, meeting or note:\n%s", out)
		}
		b.expect(`/response history official:"Sheriff Roe" rule:5`, "on rule 5 (Don't Ask Rule)", "No answers logged yet")
		b.refuse(`/response history official:"Sheriff Roe" rule:12`, "There is no rule 12")
		out = b.expect("/audit")
		if got := strings.Count(out, "response.log"); got != 3 {
			t.Errorf("/audit shows %d answer changes, want 3:\n%s", got, out)
		}
		b.expect("/audit", "response.log official 1 · rule 3: in place no, would support evasive → rule 3: in place no, would support yes")

		b.do("as bob") // any member logs answers
		b.expect(`/response log official:"Mayor Poe" rule:1 in-place:unknown`, "Logged: Mayor Poe on rule 1")
	})
}

func TestResponseBulkAndSheet(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.plantOfficial("Mayor Poe", "mayor", "")

		reply, err := b.raw("you", `/response sheet official:"mayor poe"`)
		if err != nil {
			t.Fatal(err)
		}
		f := reply.Form
		if f == nil || f.Command != "response bulk" || f.Fixed["official"] != "Mayor Poe" || len(f.Fields) != 3 ||
			f.Fields[0].Option != "in-place" || !f.Fields[0].Required || f.Fields[1].Option != "would-support" || f.Fields[2].Option != "note" || !f.Fields[2].Long {
			t.Fatalf("sheet form = %+v, want response bulk for Mayor Poe with in-place, would-support and note", f)
		}
		if len([]rune(f.Title)) > 45 {
			t.Errorf("form title %q is longer than Discord's 45 characters", f.Title)
		}
		if err := reply.Check(); err != nil {
			t.Errorf("sheet reply: %v", err)
		}
		b.expect(`/response sheet official:"Mayor Poe"`, `/response bulk official:"Mayor Poe" in-place:ynnyeunnn would-support:-yn-euyne`, "#1373 1373 Rule")

		// What the form submits, and what a console user types.
		b.expect(`/response bulk official:"Mayor Poe" in-place:"y n n y e u n n n" would-support:"- y n - e u y n e" note:"at city hall"`,
			"Logged 9 answers from Mayor Poe", "#2 No Facilitation Rule: In place: ❌ no · Would support: ✅ yes",
			"#5 Don't Ask Rule: In place: ⚠️ EVASIVE · Would support: ⚠️ EVASIVE", "Evasive on #5 #9")
		b.expect(`/response bulk official:"Mayor Poe" in-place:Y,N,N,Y,N,N,N,N,N,Y`, "Logged 10 answers", "#1373 1373 Rule: In place: ✅ yes")
		b.expect("/audit", "response.bulk official 1 · in place ynnyeunnnu; support -yn-euyne- → in place ynnynnnnny; support ----------")

		refusals := []struct{ line, want string }{
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunn`, "`in-place` has 8 marks; it needs 9"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnnnn`, "`in-place` has 11 marks"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnx`, "`in-place` mark 9 (rule 9) is `x`"},
			{`/response bulk official:"Mayor Poe" in-place:ynn-eunnn`, "`in-place` mark 4 (rule 4) is `-`"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnn would-support:-yn-euyn`, "`would-support` has 8 marks"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnn would-support:-yn-euynq`, "`would-support` mark 9 (rule 9) is `q`; use y (yes), n (no), e (evasive) or u (unknown), or - where the rule is in place"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnn would-support:-yn-euynnn`, "`would-support` has 10 marks but `in-place` has 9"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnn would-support:yyn-euyne`, "`would-support` mark 1 (rule 1) must be - because in-place says rule 1 is in place"},
			{`/response bulk official:"Mayor Pole" in-place:ynnyeunnn`, "There is no official named `Mayor Pole`"},
		}
		for _, r := range refusals {
			b.refuse(r.line, r.want)
		}
		out := b.expect(`/response history official:"Mayor Poe"`)
		if got := strings.Count(out, "\n- "); got != 15 {
			t.Errorf("history lists %d answers after refusals, want 19 shown as 15 on page 1:\n%s", got, out)
		}
		b.expect(`/response history official:"Mayor Poe"`, "Page 1 of 2. … and 4 more: add page:2")
		b.expect(`/response history official:"Mayor Poe" page:2`, "Page 2 of 2.", "at city hall")
	})
}
