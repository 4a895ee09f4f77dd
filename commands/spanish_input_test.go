package commands_test

import (
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
)

// TestSpanishInput walks a Spanish reader (a console that reports "es")
// through answers typed in Spanish words, refusals that name the Spanish
// words and give a Spanish example, dates written the Spanish way, the
// jurisdiction named as Spanish names it, and `ayuda` for help.
func TestSpanishInput(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.con.Locale = "es"
		b.expect(`/setup jurisdiction:"Sangamon County" kind:condado timezone:America/Chicago`,
			"Campaña en Sangamon County (condado)", "(ahora: vie 27 nov, 09:00 CST)")
		b.expect("/rules number:1", "Los funcionarios del Condado de Sangamon deberán")
		b.expect("/rules number:3", "las instalaciones del Condado de Sangamon")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Jane Roe")

		// A time typed in Spanish, echoed in Spanish.
		b.expect(`/meeting schedule official:"Jane Roe" when:"8 de diciembre 12:00" where:"Cárcel"`,
			"Reunión 1 agendada", "mar 8 dic 2026, 12:00 CST")
		b.refuse(`/meeting schedule when:"30 de febrero 12:00" where:"Cárcel"`, "No existe el 30 de febrero: febrero tiene 28 días")
		b.refuse(`/meeting schedule when:"mañana 13pm" where:"Cárcel"`, "escribe 13:00 o 1pm")

		// Answers in Spanish words, a word of two included.
		b.expect("/meeting rsvp 1 sí", "Vas a ir a la reunión 1 (mar 8 dic 2026, 12:00 CST)")
		b.expect("/meeting rsvp 1 tal vez", "Cambiaste tu respuesta de sí a tal vez")
		b.expect("/meeting rsvp id:1 answer:no", "Cambiaste tu respuesta de tal vez a no")
		b.expect("/meeting list", "mar 8 dic 2026, 12:00 CST")

		b.expect(`/response log official:"Jane Roe" rule:3 in-place:no would-support:sí`, "Vigente: ❌ no", "La apoyaría: ✅ sí")
		b.expect(`/response log official:"Jane Roe" rule:3 in-place:evasivo`,
			"Vigente: ⚠️ EVASIVA", "Reemplaza la respuesta anterior (regla 3: vigente: no, la apoyaría: sí)")
		b.expect(`/response bulk official:"Jane Roe" in-place:"sí no no si evasiva desconocido n y u"`,
			"Vigente: ✅ sí", "Vigente: ❔ desconocida")

		// Refusals list the Spanish words and give a Spanish example.
		b.refuse("/meeting rsvp 1 puede", "debe ser uno de estos valores: sí, no, tal vez; no `puede`", "Ejemplo: `/meeting rsvp 3 sí`")
		b.refuse(`/response log official:"Jane Roe" rule:2 in-place:no would-support:tal vez`,
			"sí, no, evasiva, desconocida; no `tal vez`", "Ejemplo: `/response log official:\"Sheriff Roe\" rule:3 in-place:no would-support:sí meeting:1`")

		// The task list writes a due date the short way.
		b.expect(`/task add title:"Llamar a la oficina" due:"8 de diciembre 12:00"`, "Tarea 1 agregada")
		b.expect("/task list", "vence mar 8 dic, 12:00")

		// ayuda is help: alone, as a command, and after one.
		b.expect("/ayuda", "Lo que puedes hacer", "`/response log official:\"Sheriff Roe\" rule:3 in-place:no would-support:sí meeting:1`")
		b.expect("ayuda", "Lo que puedes hacer")
		b.expect("/meeting ayuda", "/meeting rsvp")
		b.expect("/meeting rsvp ayuda", "/meeting rsvp", "answer:", "Ejemplo: `/meeting rsvp 3 sí`")
	})
}

// TestEnglishWordsForSpanishReaders checks that the English words still
// work for a Spanish reader, and that Spanish words work for an English
// one, who still reads English.
func TestEnglishWordsForSpanishReaders(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "Springfield is set up")
		b.expect(`/official add name:"Jane Roe" office:sheriff`, "Jane Roe")
		b.expect(`/meeting schedule official:"Jane Roe" when:"dec 8 noon" where:"Jail"`, "Tue Dec 8, 2026, 12:00 PM CST")
		b.expect("/meeting rsvp 1 sí", "You're coming to meeting 1 (Tue Dec 8, 2026, 12:00 PM CST)")
		b.expect("/meeting rsvp 1 quizás", "Changed from yes to maybe")
		b.expect(`/response log official:"Jane Roe" rule:3 in-place:desconocido`, "In place: ❔ unknown")
		b.refuse("/meeting rsvp 1 puede", "must be one of yes, no, maybe, not `puede`", "Example: `/meeting rsvp 3 yes`")
		b.expect("/rules number:1", "Springfield officials shall")

		b.con.Locale = "es"
		b.expect("/meeting rsvp 1 yes", "Cambiaste tu respuesta de tal vez a sí")
		b.expect(`/response log official:"Jane Roe" rule:4 in-place:no would-support:evasive`, "La apoyaría: ⚠️ EVASIVA")
		b.expect(`/response bulk official:"Jane Roe" in-place:"yes no no yes evasive unknown n y u"`, "Vigente: ✅ sí")
		b.expect("/rules number:1", "Los funcionarios de la Ciudad de Springfield")
		b.expect("/meeting help", "/meeting rsvp")
	})
}

// TestChoiceWordsAreUnambiguous reads every choice and yes/no option of
// the command tree: each word a language lists must name one value of
// the option, and English must show each value as it is typed, so that
// English replies read as they did before other languages had words.
func TestChoiceWordsAreUnambiguous(t *testing.T) {
	tree := commands.Tree(&commands.Env{})
	check := func(where string, values []string, shown bool) {
		owner := map[string]string{}
		for _, v := range values {
			if words := bot.Words("en", v); shown && len(words) > 0 && words[0] != v {
				t.Errorf("%s: English shows %q as %q", where, v, words[0])
			}
			for _, w := range append(bot.Accepted(v), v) {
				w = strings.ToLower(w)
				if other, ok := owner[w]; ok && other != v {
					t.Errorf("%s: %q is a word for both %q and %q", where, w, other, v)
				}
				owner[w] = v
			}
		}
	}
	tree.Leaves(func(c *bot.Command) {
		for _, o := range c.Options {
			switch o.Kind {
			case bot.Choice:
				values := make([]string, len(o.Choices))
				for i, ch := range o.Choices {
					values[i] = ch.Value
				}
				check("/"+c.Path()+" "+o.Name, values, true)
			case bot.Boolean:
				check("/"+c.Path()+" "+o.Name, []string{"true", "false"}, false)
			}
		}
	})
	if got := bot.Accepted("help"); len(got) < 2 {
		t.Errorf("help is asked for with %q, want a word in every language", got)
	}
	for _, lang := range bot.Languages() {
		if len(bot.Words(lang, "yes")) == 0 {
			t.Errorf("%s has no words for yes", lang)
		}
	}
}
