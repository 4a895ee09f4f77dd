package commands_test

import (
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
)

// springfield (the usual /setup line) is declared in role_test.go.

func TestResponseLog(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.plantOfficial("Sheriff Roe", "sheriff", "")
		b.plantOfficial("Mayor Poe", "mayor", "")
		b.expect(`/meeting record official:"Sheriff Roe" when:"yesterday noon" where:"County Building"`, "Meeting 1 recorded as held")
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

		// Logging belongs to the spokesperson, reporter and note-taker
		// (group-wide or for that meeting), coordinators and leads.
		b.do("as bob")
		b.refuse(`/response log official:"Sheriff Roe" rule:1 in-place:no note:troll`,
			"Logging answers is for the spokesperson, reporter or note-taker, a coordinator or a lead", "Example: `/role list`")
		b.do("as you")
		b.expect("/role assign user:@bob role:note-taker meeting:1", "bob is now note-taker for meeting 1")
		b.do("as bob")
		b.refuse(`/response log official:"Mayor Poe" rule:1 in-place:unknown`, "spokesperson, reporter or note-taker (now bob)")
		b.expect(`/response log official:"Sheriff Roe" rule:1 in-place:unknown meeting:1`, "Logged: Sheriff Roe on rule 1")
		b.do("as you")
		b.expect("/role assign user:@bob role:reporter", "bob is now reporter")
		b.do("as bob")
		b.expect(`/response log official:"Mayor Poe" rule:1 in-place:unknown`, "Logged: Mayor Poe on rule 1")
	})
}

// TestAnswersBelongToTheirMeeting: an answer can only be logged under a
// meeting held with that very official.
func TestAnswersBelongToTheirMeeting(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.expect(`/official add name:"Jane Roe" office:sheriff jurisdiction:"Sangamon County"`, "Jane Roe")
		b.expect(`/official add name:"Joe Quimby" office:mayor`, "Joe Quimby")
		b.expect(`/meeting record official:"Jane Roe" when:"yesterday noon" where:"County Building"`, "Meeting 1 recorded")
		b.expect(`/meeting record kind:organizing when:"yesterday 7pm" where:"Library"`, "Meeting 2 recorded")
		b.expect(`/meeting schedule official:"Joe Quimby" when:"tomorrow noon" where:"City Hall"`, "Meeting 3 scheduled")
		b.expect(`/meeting schedule official:"Joe Quimby" when:"tomorrow 3pm" where:"City Hall"`, "Meeting 4 scheduled")
		b.expect("/meeting cancel 4", "cancelled")
		for _, c := range []struct{ line, want string }{
			{`/response log official:"Joe Quimby" rule:4 in-place:no meeting:1`, "Meeting 1 was with Jane Roe, not Joe Quimby: Joe Quimby's answers cannot be logged under it"},
			{`/response log official:"Joe Quimby" rule:4 in-place:no meeting:2`, "Meeting 2 (Organizing meeting) had no official"},
			{`/response log official:"Joe Quimby" rule:4 in-place:no meeting:3`, "Meeting 3 has not taken place yet (Sat Nov 28, 2026, 12:00 PM CST)"},
			{`/response log official:"Joe Quimby" rule:4 in-place:no meeting:4`, "Meeting 4 was cancelled: no answers were given there"},
			{`/response bulk official:"Joe Quimby" in-place:nnnnnnnnn meeting:1`, "Meeting 1 was with Jane Roe"},
		} {
			b.refuse(c.line, c.want, "Example: `/response log official:\"Joe Quimby\"")
		}
		b.refuse(`/response log official:"Jane Roe" rule:4 in-place:no meeting:2`, "Example: `/response log official:\"Jane Roe\" rule:1 in-place:no meeting:1`")
		b.expect(`/response log official:"Jane Roe" rule:4 in-place:no would-support:yes meeting:1`, "Logged: Jane Roe on rule 4")
		if out := b.do(`/response history official:"Joe Quimby"`); !strings.Contains(out, "No answers logged yet") {
			t.Errorf("refused answers were logged:\n%s", out)
		}
		// The report shows only the meeting's official's answers.
		out := b.expect("/report meeting:1", "Springfield residents met Jane Roe (Sheriff).", "#4 Clear Identification Rule: in place NO; would support YES")
		if strings.Contains(out, "Quimby") {
			t.Errorf("meeting 1's report shows the mayor:\n%s", out)
		}
	})
}

func TestResponseBulkAndSheet(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.plantOfficial("Mayor Poe", "mayor", "")

		// The sheet: a choice per rule, filling both questions at once and
		// "not asked" at first, and a note; no meeting was held with them.
		reply, err := b.raw("you", `/response sheet official:"mayor poe"`)
		if err != nil {
			t.Fatal(err)
		}
		f := reply.Form
		if f == nil || f.Command != "response bulk" || f.Fixed["official"] != "Mayor Poe" || len(f.Fields) != 11 {
			t.Fatalf("sheet form = %+v, want response bulk for Mayor Poe with 10 rules and a note", f)
		}
		for i, r := range commands.Rules {
			ff := f.Fields[i]
			if ff.Option != "in-place would-support" || ff.Default != "- -" || len(ff.Choices) != 10 || !strings.HasPrefix(ff.Label, "#"+r.Number+" ") {
				t.Errorf("field %d = %+v, want rule %s's choice, not asked by default", i, ff, r.Number)
			}
		}
		if note := f.Fields[10]; note.Option != "note" || !note.Long || len(note.Choices) > 0 {
			t.Errorf("last field = %+v, want the note", note)
		}
		if len([]rune(f.Title)) > 45 {
			t.Errorf("form title %q is longer than Discord's 45 characters", f.Title)
		}
		if err := reply.Check(); err != nil {
			t.Errorf("sheet reply: %v", err)
		}
		b.expect(`/response sheet official:"Mayor Poe"`, `/response bulk official:"Mayor Poe" in-place:ynnyeu-nn would-support:-yn-eu-yn`, "#1373 1373 Rule")

		// With meetings held, the sheet offers them, the latest first and
		// picked; "no meeting" fills nothing.
		b.expect(`/meeting record official:"Mayor Poe" when:"3 days ago 6pm" where:"City Hall"`, "Meeting 1 recorded")
		b.expect(`/meeting record official:"Mayor Poe" when:"yesterday 6pm" where:"City Hall"`, "Meeting 2 recorded")
		reply, err = b.raw("you", `/response sheet official:"Mayor Poe"`)
		if err != nil {
			t.Fatal(err)
		}
		m := reply.Form.Fields[10]
		if m.Option != "meeting" || m.Default != "2" || len(m.Choices) != 3 || m.Choices[0].Value != "2" || m.Choices[1].Value != "1" || m.Choices[2].Value != "" {
			t.Errorf("meeting field = %+v, want meetings 2 (picked), 1, then none", m)
		}
		args := bot.FormArgs(reply.Form.Fixed, []bot.FormAnswer{
			{Option: "in-place would-support", Value: "y -"}, {Option: "in-place would-support", Value: "n y"},
			{Option: "in-place would-support", Value: "- -"}, {Option: "meeting", Value: "2"},
		})
		if args["in-place"] != "y n -" || args["would-support"] != "- y -" || args["meeting"] != "2" {
			t.Errorf("a submitted sheet reads as %v", args)
		}

		// What the form submits, and what a console user types.
		b.expect(`/response bulk official:"Mayor Poe" in-place:"y n n y e u n n n" would-support:"- y n - e u y n e" note:"at city hall"`,
			"Logged 9 answers from Mayor Poe", "#2 No Facilitation Rule: In place: ❌ no · Would support: ✅ yes",
			"#5 Don't Ask Rule: In place: ⚠️ EVASIVE · Would support: ⚠️ EVASIVE", "Evasive on #5 #9")
		b.expect(`/response bulk official:"Mayor Poe" in-place:Y,N,N,Y,N,N,N,N,N,Y`, "Logged 10 answers", "#1373 1373 Rule: In place: ✅ yes")
		b.expect("/audit", "response.bulk official 1 · in place ynnyeunnn-; support -yn-euyne- → in place ynnynnnnny; support ----------")

		refusals := []struct{ line, want string }{
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunn`, "`in-place` has 8 marks; it needs 9"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnnnn`, "`in-place` has 11 marks"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnx`, "`in-place` mark 9 (rule 9) is `x`"},
			{`/response bulk official:"Mayor Poe" in-place:---------`, "Every rule is marked - (not asked): there is nothing to log"},
			{`/response bulk official:"Mayor Poe" in-place:ynn-eunnn would-support:---y-----`, "`would-support` mark 4 (rule 4) must be - because in-place says rule 4 was not asked"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnn would-support:-yn-euyn`, "`would-support` has 8 marks"},
			{`/response bulk official:"Mayor Poe" in-place:ynnyeunnn would-support:-yn-euynq`, "`would-support` mark 9 (rule 9) is `q`; use y (yes), n (no), e (evasive), u (unknown) or - (not asked)"},
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
