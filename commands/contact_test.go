package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
)

// TestFreeTextRefusesContactDetails types a phone number or an email
// address into every free-text field fcbot keeps: each is refused in one
// line with the reason and an example, and nothing is stored. Times,
// dates, rule numbers, places and links pass, and an official's public
// contact keeps its phone number and address.
func TestFreeTextRefusesContactDetails(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.expect(`/official add name:"Jane Roe" office:sheriff contact:"(217) 555-0100, sheriff@sangamon.example.gov"`,
			"Official added", "(217) 555-0100, sheriff@sangamon.example.gov")
		b.expect(`/meeting schedule when:"dec 3 7pm" where:"Public Library, room 2" gather:"Cafe Rosa at 6:30"`, "Meeting 1 scheduled")
		b.expect(`/task add title:"Ask about rule 1373 before 2026-12-03 12:30 (meeting 1)"`, "Task 1 added")
		b.expect(`/response log official:"Jane Roe" rule:3 in-place:no note:"form at https://forms.gle/AbC123xyz, policy 2019-4"`, "Jane Roe")

		before := rowCounts(t, b)
		for _, line := range []string{
			`/task add title:"Call Maria at (217) 555-0100"`,
			`/task add title:"Llamar a Lupe al 55 1234 5678"`,
			`/task add title:"Email maria.lopez@gmail.com the flyer"`,
			`/meeting schedule when:"dec 4 7pm" where:"Maria's, call 217.555.0100"`,
			`/meeting schedule when:"dec 4 7pm" where:"Library" gather:"text +52 1 55 1234 5678"`,
			`/meeting record when:"nov 20 7pm" where:"ask lupe@correo.example.mx"`,
			`/response log official:"Jane Roe" rule:4 in-place:no note:"his aide: 217-555-0199"`,
			`/response bulk official:"Jane Roe" in-place:"y n n y e - n n y" note:"aide jo@gmail.com"`,
			`/response settle rule:3 in-place:no note:"per Maria +1 217 555 0100"`,
			`/official add name:"Joe Quimby 217-555-0100" office:mayor`,
			`/official edit name:"Jane Roe" new-name:"jane@roe.example.com"`,
		} {
			out := b.refuse(line, "fcbot does not store personal contact details", "/official add contact:", "Example: `/")
			if strings.Contains(out, "555") || strings.Contains(out, "@gmail") {
				t.Errorf("%s: the refusal repeats the contact details: %s", line, out)
			}
		}
		if after := rowCounts(t, b); after != before {
			t.Errorf("the refusals changed the database: rows before %s, after %s", before, after)
		}

		es := b.asLocale("lupe", "es-MX", `/task add title:"Llamar a Lupe al 55 1234 5678"`)
		if !strings.HasPrefix(es, "✗ fcbot no guarda datos de contacto personales") || !strings.Contains(es, "Ejemplo: `/task add") || strings.Contains(es, "\n") {
			t.Errorf("in Spanish, got:\n%s\nwant a one-line refusal in Spanish with an example", es)
		}
	})
}

// rowCounts counts the rows of every table that free text is kept in, and
// of the audit log.
func rowCounts(t *testing.T, b *testBot) string {
	t.Helper()
	var out []string
	for _, table := range []string{"tasks", "meetings", "answers", "rule_settlements", "officials", "audit_log"} {
		var n int
		if err := b.store.SQL().QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out = append(out, fmt.Sprintf("%s %d", table, n))
	}
	return strings.Join(out, ", ")
}

// contactAllowed are the text options that do not refuse contact details,
// and why: a new text option must be marked NoContact or be listed here.
var contactAllowed = map[string]string{
	"official add contact":        "an official's public office contact is the place for it",
	"official edit contact":       "an official's public office contact is the place for it",
	"official add jurisdiction":   "a city or county, checked against the group's",
	"official edit jurisdiction":  "a city or county, checked against the group's",
	"official edit name":          "names an existing official",
	"official remove name":        "names an existing official",
	"official show name":          "names an existing official",
	"meeting schedule official":   "names an existing official",
	"meeting record official":     "names an existing official",
	"response log official":       "names an existing official",
	"response bulk official":      "names an existing official",
	"response sheet official":     "names an existing official",
	"response history official":   "names an existing official",
	"target show official":        "names an existing official",
	"response log rule":           "a rule number",
	"response settle rule":        "a rule number",
	"response history rule":       "a rule number",
	"response bulk in-place":      "one mark per rule",
	"response bulk would-support": "one mark per rule",
	"setup jurisdiction":          "the group's city, county or state",
	"setup timezone":              "a time zone name",
	"setup report-form":           "the link to the public report form",
	"me timezone":                 "a time zone name",
	"digest time at":              "a time of day",
	"digest channel channel":      "a channel",
	"help command":                "a command's name",
	"scorecard show jurisdiction": "filters the scorecard",
	"target list jurisdiction":    "filters the target list",
}

// TestEveryTextOptionDecidesOnContactDetails fails for a text option that
// neither refuses contact details nor says why it keeps them, so that a
// new free-text field cannot forget the check.
func TestEveryTextOptionDecidesOnContactDetails(t *testing.T) {
	tree := bot.NewTree(commands.All(&commands.Env{})...)
	seen := map[string]bool{}
	tree.Leaves(func(c *bot.Command) {
		for _, o := range c.Options {
			if o.Kind != bot.Text {
				continue
			}
			key := c.Path() + " " + o.Name
			seen[key] = true
			_, allowed := contactAllowed[key]
			switch {
			case o.NoContact && allowed:
				t.Errorf("/%s %s: refuses contact details and is listed in contactAllowed", c.Path(), o.Name)
			case !o.NoContact && !allowed:
				t.Errorf("/%s %s: free text that neither refuses contact details (NoContact) nor is listed in contactAllowed with a reason", c.Path(), o.Name)
			}
		}
	})
	for key := range contactAllowed {
		if !seen[key] {
			t.Errorf("contactAllowed lists %q, which is not a text option", key)
		}
	}
}
