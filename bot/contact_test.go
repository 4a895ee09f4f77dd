package bot_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
)

func TestLooksLikeContact(t *testing.T) {
	contact := []string{
		// US and Canada
		"+1 217 555 0100",
		"(217) 555-0100",
		"(217)555-0100",
		"217.555.0100",
		"217-555-0100",
		"217 555 0100",
		"2175550100",
		"1-800-555-0100",
		"1 (217) 555-0100",
		"+12175550100",
		"call Maria at 217-555-0100 after 5",
		"Maria: 217‑555‑0100", // non-breaking hyphens
		"tel:+12175550100",
		// Mexico and Latin America
		"55 1234 5678",
		"55-1234-5678",
		"(55) 1234 5678",
		"+52 55 1234 5678",
		"+52 1 55 1234 5678",
		"+52 (55) 1234-5678",
		"044 55 1234 5678",
		"33 3615 1234",
		"+54 9 11 1234-5678",
		"11 91234-5678",
		"+502 5555 1234",
		"whatsapp: wa.me/2175550100",
		// email
		"maria.lopez@gmail.com",
		"write to Maria (maria_lopez+campaign@correo.example.mx) first",
		"MARIA@EXAMPLE.ORG",
		"mailto:maria@example.org",
		"<mailto:maria@example.org|maria@example.org>",
		"josé.núñez@correo.mx",
		"see https://forms.example/?email=maria@example.org",
	}
	notContact := []string{
		"Public Library",
		"Public Library, room 2",
		"Sangamon County Building, 200 S 9th St",
		"12:30",
		"2026-12-03",
		"2026-12-03 12:30",
		"12/03/2026 7:00pm",
		"dec 3 7pm",
		"next tuesday 12:30",
		"1373",
		"rule 1373 and SB 1373",
		"meeting 3",
		"meetings 3, 4 and 12",
		"rules 1 2 3 4 5 6 7 8 9",
		"rules 10 11 12 13 14 15 16",
		"1373 1374 1375 1376",
		"County policy 2019-4, checked with the clerk",
		"policy 2019-2020",
		"between 2019 and 2024",
		"$1,000,000 budget",
		"1.234.567.890 pesos",
		"call the sheriff's office",
		"y n n y e - n n y",
		"https://forms.gle/AbC123xyz",
		"https://docs.google.com/forms/d/e/1FAIpQLSf1234567890/viewform",
		"https://us02web.zoom.us/j/81234567890?pwd=abc",
		"Zoom 812 3456 7890",
		"Zoom id 81234567890",
		"@alex and @sam",
		"<@U01234567890>",
		"<@123456789012345678>",
		"alex@home",
		"the clerk said +5 votes",
		"5 + 3 = 8",
		"room 2175",
		"CP 06700, Ciudad de México",
		"ZIP 62701-1234",
		"9:00-10:30",
		"8 de diciembre, 19:00",
	}
	for _, s := range contact {
		if !bot.LooksLikeContact(s) {
			t.Errorf("LooksLikeContact(%q) = false, want true", s)
		}
	}
	for _, s := range notContact {
		if bot.LooksLikeContact(s) {
			t.Errorf("LooksLikeContact(%q) = true, want false", s)
		}
	}
}

// TestBindRefusesContactInNoContactText checks the binder: a NoContact
// option refuses a phone number or an email with the reason and the
// command's example, and keeps ordinary text; an unmarked option (an
// official's public contact) keeps them.
func TestBindRefusesContactInNoContactText(t *testing.T) {
	tree := bot.NewTree(
		&bot.Command{Name: "task", Example: `/task add title:"Call the sheriff's office"`, Handler: noop,
			Options: []bot.Option{{Name: "title", Kind: bot.Text, Required: true, NoContact: true}}},
		&bot.Command{Name: "official", Example: `/official contact:"(217) 555-0100"`, Handler: noop,
			Options: []bot.Option{{Name: "contact", Kind: bot.Text}}},
	)
	bind := func(line string) (map[string]bot.Value, error) {
		inv, err := tree.ParseLine(line)
		if err != nil {
			t.Fatal(err)
		}
		return bot.Bind(inv.Command, inv.Args, users)
	}
	for _, line := range []string{`/task title:"Call Maria at 217-555-0100"`, `/task title:"write maria@example.org"`} {
		v, err := bind(line)
		var e *bot.Error
		if !errors.As(err, &e) || e.Kind != bot.KindInvalid {
			t.Fatalf("%s: got %v, %v; want an Invalid *bot.Error", line, v, err)
		}
		if e.Field != "title" || e.Example == "" || !strings.Contains(e.Error(), "does not store personal contact details") || !strings.Contains(e.Error(), "/official add contact:") {
			t.Errorf("%s: got field %q, %q (example %q); want title, the reason and an example", line, e.Field, e.Error(), e.Example)
		}
		if es := bot.Translate("es", e.Msg); !strings.Contains(es, "no guarda datos de contacto personales") {
			t.Errorf("%s: in Spanish %q", line, es)
		}
	}
	for line, want := range map[string]string{
		`/task title:"Call the sheriff at 12:30 on 2026-12-03"`:          "Call the sheriff at 12:30 on 2026-12-03",
		`/official contact:"(217) 555-0100, sheriff@county.example.gov"`: "(217) 555-0100, sheriff@county.example.gov",
	} {
		v, err := bind(line)
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		for _, got := range v {
			if got.Text != want {
				t.Errorf("%s: got %q, want %q", line, got.Text, want)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NewTree accepted NoContact on an integer option")
		}
	}()
	bot.NewTree(&bot.Command{Name: "x", Handler: noop, Options: []bot.Option{{Name: "n", Kind: bot.Integer, NoContact: true}}})
}
