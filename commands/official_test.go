package commands_test

import (
	"strings"
	"testing"
)

func TestOfficials(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.expect("/official list", "Officials (0)", "No officials yet", "/official add")
		b.expect("/official help", "add, edit, remove (coordinators and leads)")
		b.expect("/official add help", "PUBLIC office phone, email or web page only", "Needs the coordinator role")

		b.do("as bob")
		b.refuse(`/official add name:"Jane Roe" office:sheriff`, "Only a coordinator (or higher)")
		b.do("as you")
		b.expect(`/role assign user:@bob role:coordinator`, "bob is now coordinator")
		b.do("as bob")

		b.expect(`/official add name:"Jane Roe" office:sheriff jurisdiction:"Sangamon County" contact:"https://sheriff.example.gov"`,
			"Official added: Jane Roe", "Jane Roe (Sheriff, Sangamon County) is on the list", "Public contact: https://sheriff.example.gov",
			`official:"Jane Roe"`)
		b.expect(`/official add name:"Sam Poe" office:mayor`, "Sam Poe (Mayor, Springfield)", "Public contact: none recorded")
		b.refuse(`/official add name:"JANE ROE" office:mayor`, "already an official named `JANE ROE`")
		b.refuse(`/official add name:"Al" office:king`, "`office` must be one of sheriff, police-chief")
		b.refuse(`/official add name:"Al" office:mayor contact:none`, "`none` only clears")
		b.refuse(`/official add name:"`+strings.Repeat("x", 101)+`" office:mayor`, "`name` is 101 characters long; the limit is 100")

		b.expect("/official list", "Officials (2)", "Jane Roe: Sheriff, Sangamon County · https://sheriff.example.gov", "Sam Poe: Mayor, Springfield")
		b.expect(`/official show name:"jane roe"`, "Jane Roe", "Office: Sheriff", "No meetings with Jane Roe yet")
		b.refuse(`/official show name:"Jane Ro"`, "There is no official named `Jane Ro`", "Did you mean: Jane Roe?")

		b.refuse(`/official edit name:"Jane Roe"`, "Say what to change")
		b.refuse(`/official edit name:"Jane Roe" office:sheriff`, "already says; nothing was changed")
		b.refuse(`/official edit name:"Jane Roe" new-name:"sam poe"`, "already an official named `sam poe`")
		b.expect(`/official edit name:"Jane Roe" new-name:"Jane Doe" office:police-chief jurisdiction:none contact:none`,
			"Official updated: Jane Doe", "Office: Police chief", "Jurisdiction: Springfield", "Public contact: none recorded")
		b.refuse(`/official show name:"Jane Roe"`, "Did you mean: Jane Doe")

		b.expect(`/meeting schedule when:"tomorrow 12:30pm" where:"Police HQ" official:"Jane Doe"`, "Meeting 1 scheduled")
		b.expect(`/official show name:"Jane Doe"`, "Meetings (latest first):", "#1 · Sat Nov 28, 2026, 12:30 PM CST · Law-enforcement meeting with Jane Doe")

		b.expect(`/official remove name:"jane doe"`, "Jane Doe is off the list", "answers and meetings stay")
		b.refuse(`/official remove name:"Jane Doe"`, "There is no official named `Jane Doe`")
		b.expect("/official list", "Officials (1)")
		b.expect("/meeting show 1", "with Jane Doe", "Official: Jane Doe (Police chief)")
		// The name is free again once its holder is removed.
		b.expect(`/official add name:"Jane Doe" office:mayor`, "Official added: Jane Doe")

		got := strings.Join(auditActions(t, b), "\n")
		for _, want := range []string{
			`official.add  -> Jane Roe; office sheriff; jurisdiction "Sangamon County"; contact "https://sheriff.example.gov"`,
			`official.edit Jane Roe; office sheriff; jurisdiction "Sangamon County"; contact "https://sheriff.example.gov" -> Jane Doe; office police-chief; jurisdiction ""; contact ""`,
			`official.remove Jane Doe; office police-chief`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("audit log:\n%s\nwant an entry %q", got, want)
			}
		}
		if n := strings.Count(got, "official.add"); n != 3 {
			t.Errorf("audit log has %d official.add entries, want 3 (refusals change nothing):\n%s", n, got)
		}
	})
}
