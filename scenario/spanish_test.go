package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/fcbot/fcbot/bot/console"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/locales"
)

// TestSpanishCampaign walks a campaign in Spanish from start to end: a
// lead sets the group up with language:es, gives roles, adds officials;
// a meeting typed the Spanish way, RSVPs with sí, si, tal vez, quizás and
// a button; reminders, the daily digest by direct message and in a
// channel; the meeting held, answers logged with Spanish words, the
// scorecard, the targets, a task and its reminder, the guide, the
// report-back, /rules, /me and ayuda. Most of the group's clients are in
// Spanish (Slack's es-LA, Discord's es-ES; the console reports no
// language, so the group's decides); lee's client is in English and he
// chooses Spanish with /me language:es.
//
// Nothing English may reach them: every reply, click, dialog, direct
// message and channel post, as read and as the platform carried it, is
// checked against the English catalog's fixed text (englishFragments)
// and for English words (englishWords).
func TestSpanishCampaign(t *testing.T) {
	t.Parallel()
	english := englishFragments(t)
	eachPlatform(t, func(t *testing.T, w *world) {
		raw := speakSpanish(w, map[string]string{"lee": "en-US"})
		var seen []shownText // what the walk read off the record
		offRecord := func(line string, wants ...string) string {
			t.Helper()
			var out string
			w.offRecord(func() { out = w.expect(line, wants...) })
			seen = append(seen, shownText{w.who.name + "> " + line, out})
			return out
		}

		// Setup in Spanish.
		w.as("alex")
		w.expect(`/setup jurisdiction:"Springfield" kind:ciudad timezone:America/Chicago language:es`, "Springfield", "America/Chicago")
		w.expect("/ayuda", "Lo que puedes hacer", "/meeting")
		w.expect("/meeting ayuda", "/meeting rsvp")
		w.expect("/guide", "Tu campaña", "/meeting schedule")

		// Officials; a Spanish word the option does not take is refused
		// in Spanish.
		w.expect(`/official add name:"Jane Roe" office:sheriff jurisdiction:"Sangamon County"`, "Jane Roe")
		w.expect(`/official add name:"Joe Quimby" office:mayor`, "Joe Quimby")
		w.expect(`/official add name:"Tom Chief" office:police-chief`, "Tom Chief")
		w.expect("/official list", "Funcionarios (3)")
		w.refuse(`/official add name:"Jane Roe" office:alcalde`, "`alcalde`")

		// lee's client is in English; he reads Spanish by choice (what
		// /me says of his platform's language differs by platform).
		w.as("lee")
		offRecord("/me language:es", "español")
		w.expect("/me", "español")

		// Roles: their scripts arrive by direct message, in Spanish.
		w.as("alex")
		w.expect("/role assign user:@sam role:scheduler", "sam")
		w.expectDMs("sam", "Springfield")
		w.expect("/role assign user:@ana role:spokesperson", "ana")
		w.expectDMs("ana", "Springfield")
		w.expect("/role assign user:@lee role:reporter", "lee")
		w.expectDMs("lee", "https://docs.google.com/a/bernalalto.com/forms/")
		w.expect("/role assign user:@eve role:attendance-keeper", "eve")
		w.expectDMs("eve", "Springfield")
		w.expect("/role assign user:@carol role:coordinator", "carol")
		w.expectDMs("carol")
		w.expect("/role list", "sam", "ana", "lee", "eve", "carol")

		// A meeting typed in Spanish: next Tuesday is Dec 1.
		w.as("sam")
		w.refuse(`/meeting schedule official:"Jane Roe" when:"30 de febrero 12:00" where:"Edificio del Condado"`, "30 de febrero")
		w.refuse(`/meeting schedule official:"Jane Roe" when:"ayer a las 3pm" where:"Edificio del Condado"`, "`when`")
		w.expect(`/meeting schedule official:"Jane Roe" when:"el próximo martes a las 12:30" where:"Edificio del Condado"`,
			"Reunión 1 agendada", "mar 1 dic 2026, 12:30 CST")
		w.expect(`/meeting schedule kind:organizing when:"3 de diciembre 19:00" where:"Biblioteca"`, "Reunión 2 agendada", "jue 3 dic 2026, 19:00 CST")
		w.expect("/meeting list", "mar 1 dic 2026, 12:30 CST")

		// RSVPs in Spanish words, one by button; a wrong word is refused
		// with the Spanish words, whoever's client is in English.
		w.expect("/meeting rsvp 1 sí", "reunión 1")
		for _, r := range []struct{ who, answer string }{{"ana", "si"}, {"lee", "sí"}, {"kim", "tal vez"}, {"bob", "no"}} {
			w.as(r.who)
			w.expect("/meeting rsvp 1 "+r.answer, "reunión 1")
		}
		w.as("kim")
		w.refuse("/meeting rsvp 1 puede", "sí, no, tal vez", "`/meeting rsvp 3 sí`")
		w.expect("/meeting rsvp 2 quizás", "reunión 2")
		w.as("lee")
		w.refuse("/meeting rsvp 2 puede", "sí, no, tal vez")
		w.expect("/meeting rsvp ayuda", "/meeting rsvp", "`/meeting rsvp 3 sí`")
		w.as("eve")
		w.expect("/meeting show 1", "Jane Roe")
		w.click("meeting rsvp id:1 answer:yes")
		w.as("alex")
		w.expect("/meeting show 1", "Sí (4): ana, eve, lee, sam", "Tal vez (1): kim", "No (1): bob")
		w.expect("/role assign user:@kim role:note-taker meeting:1", "kim")
		w.expectDMs("kim", "Springfield")

		// The daily digest reaches the coordinator, then a channel.
		w.step(at("11-30 08:00"))
		w.tick()
		w.expectDMs("carol", "Resumen diario de Springfield: lun 30 nov")
		w.as("carol")
		w.expect("/digest channel channel:#coord", "#coord")
		w.expect("/digest now", "Springfield")

		// Reminders: the day before, and an hour before the gathering.
		w.step(at("11-30 12:30"))
		for _, who := range []string{"sam", "ana", "lee", "eve"} {
			w.expectDMs(who, "reunión 1")
		}
		w.expectDMs("kim")
		w.step(at("12-01 08:00"))
		w.tick()
		w.expectPosts("coord", "Resumen diario de Springfield: mar 1 dic")
		w.step(at("12-01 11:10"))
		for _, who := range []string{"sam", "ana", "lee", "eve"} {
			w.expectDMs(who, "reunión 1")
		}

		// The meeting is held; attendance, then answers in Spanish words.
		w.step(at("12-01 12:35"))
		w.as("sam")
		w.expect("/meeting held 1", "reunión 1")
		w.as("eve")
		w.expect("/meeting attendance 1 @ana @lee @kim @eve @sam", "ana")
		w.as("ana")
		w.refuse(`/response log official:"Jane Roe" rule:1 in-place:puede meeting:1`, "`in-place`", "sí, no")
		w.offRecord(func() {
			out := w.run(`/response sheet official:"Jane Roe"`)
			seen = append(seen, shownText{`ana> /response sheet official:"Jane Roe"`, out})
			if !w.dialog() {
				offRecord(`/response bulk official:"Jane Roe" in-place:"sí sí si no evasivo no no no sí" would-support:"- - - sí no evasiva no sí -" meeting:1 note:"en el edificio del condado"`,
					"Jane Roe")
				return
			}
			out = w.fill("y -", "y -", "y -", "n y", "e n", "n e", "n n", "n y", "y -", "", "", "en el edificio del condado")
			seen = append(seen, shownText{"ana fills the sheet", out})
			if refused(out) || !strings.Contains(out, "Jane Roe") {
				t.Errorf("the filled sheet:\n%s", out)
			}
		})
		w.expect(`/response log official:"Joe Quimby" rule:3 in-place:no would-support:sí source:call`, "Joe Quimby")
		w.expect(`/response log official:"Tom Chief" rule:2 in-place:desconocido would-support:evasivo`, "Tom Chief")
		w.expect("/scorecard", "Springfield", "3 de 9")
		w.expect("/target list", "Jane Roe")
		w.expect(`/target show official:"Jane Roe"`, "Jane Roe")
		w.as("alex")
		w.expect(`/response settle rule:3 in-place:no note:"la cárcel deja entrar a ICE"`, "Regla 3")
		w.expect("/scorecard", "Springfield")
		w.expect("/guide", "Tu campaña")

		// The report-back.
		w.as("lee")
		w.expect("/report meeting:1", "Jane Roe")
		w.expect("/report meeting:1 filed:sí", "lee")

		// A task, its reminder, and done.
		w.as("alex")
		w.expect(`/task add title:"Llamar a la oficina del alcalde" tactic:calls-letters due:"mañana a las 5pm" user:@sam`, "Tarea 1 agregada", "mié 2 dic 2026, 17:00 CST")
		w.expectDMs("sam", "Llamar a la oficina del alcalde")
		w.expect("/task list", "Llamar a la oficina del alcalde")
		w.step(at("12-01 17:00"))
		w.expectDMs("sam", "Llamar a la oficina del alcalde")
		w.as("sam")
		w.expect("/task done 1", "Tarea 1")
		w.as("alex")
		w.expect("/guide", "Tu campaña")
		w.expect("/rules number:1", "Ciudad de Springfield")
		if w.platform == console.Platform {
			offRecord("/me", "español (el del grupo)")
		} else {
			offRecord("/me", "español (el idioma de tu aplicación)")
		}
		w.step(at("12-02 08:00"))
		w.tick()
		w.expectDMs("carol")
		w.expectPosts("coord", "Resumen diario de Springfield: mié 2 dic")
		for _, who := range spanishGroup {
			w.dms(who)
		}

		// Everything they were shown, and everything the platform carried.
		for _, e := range w.transcript {
			where, body, _ := strings.Cut(e, "\n") // the line typed, or the harness's heading
			seen = append(seen, shownText{where, body})
		}
		for _, d := range w.drv.sent() {
			seen = append(seen, shownText{"delivered to " + d.to, d.msg.text})
		}
		for _, leak := range english.leaks(seen, raw(), w) {
			t.Error(leak)
		}
	})
}

// shownText is something a person was shown, and where: the line typed,
// or the delivery.
type shownText struct{ where, text string }

// spanishGroup are the people of the Spanish walk.
var spanishGroup = []string{"alex", "sam", "ana", "lee", "kim", "bob", "eve", "carol"}

// speakSpanish gives the people of w Spanish clients: Slack's users.info
// says es-LA, and Discord's interactions carry locale es-ES, except for
// the people listed with another locale. The console reports none. It
// returns what the platform carried beyond what the walk reads: the
// strings of every message, modal and response sent, for the leak check.
func speakSpanish(w *world, except map[string]string) func() []string {
	w.t.Helper()
	localeOf := func(id, spanish string) string {
		if p := w.byID[id]; p != nil {
			if l, ok := except[strings.ToLower(p.name)]; ok {
				return l
			}
		}
		return spanish
	}
	// Everyone is made known before the first command, so that each
	// one's locale is set before anything asks the platform about them.
	for _, name := range spanishGroup {
		w.person(name)
	}
	switch d := w.drv.(type) {
	case *slackDriver:
		for _, p := range w.people {
			d.fake.AddUser(fakeslack.User{ID: p.id, Name: p.name, Locale: localeOf(p.id, "es-LA")})
		}
		return func() []string {
			var out []string
			for _, c := range d.fake.Calls("") {
				for _, vs := range c.Form {
					for _, v := range vs {
						out = append(out, jsonStrings([]byte(v))...)
					}
				}
				if c.JSON != nil {
					b, _ := json.Marshal(c.JSON)
					out = append(out, jsonStrings(b)...)
				}
			}
			return out
		}
	case *discordDriver:
		// A Spanish Discord client: the interaction the driver signs is
		// sent again with the person's locale, signed anew with the same
		// key, and each response the adapter gives is kept.
		var mu sync.Mutex
		var responses [][]byte
		orig := d.srv
		w.t.Cleanup(orig.Close)
		d.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(rw, err.Error(), http.StatusBadRequest)
				return
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var v map[string]any
			if err := dec.Decode(&v); err != nil {
				http.Error(rw, err.Error(), http.StatusBadRequest)
				return
			}
			user, _ := v["user"].(map[string]any)
			if m, ok := v["member"].(map[string]any); ok {
				user, _ = m["user"].(map[string]any)
			}
			id, _ := user["id"].(string)
			v["locale"] = localeOf(id, "es-ES")
			body, _ = json.Marshal(v)
			rec := httptest.NewRecorder()
			d.ad.ServeHTTP(rec, d.key.Request(w.t, orig.URL, body))
			mu.Lock()
			responses = append(responses, rec.Body.Bytes())
			mu.Unlock()
			for k, vs := range rec.Header() {
				rw.Header()[k] = vs
			}
			rw.WriteHeader(rec.Code)
			_, _ = rw.Write(rec.Body.Bytes())
		}))
		return func() []string {
			var out []string
			mu.Lock()
			for _, b := range responses {
				out = append(out, jsonStrings(b)...)
			}
			mu.Unlock()
			for _, c := range d.fake.Calls() {
				out = append(out, jsonStrings(c.Body)...)
			}
			return out
		}
	}
	return func() []string { return nil }
}

// jsonStrings returns every string value in a JSON document (strings
// that are JSON themselves, like Slack's form-encoded blocks, are opened
// too), or the text itself when it is not JSON.
func jsonStrings(b []byte) []string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return []string{string(b)}
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			t := strings.TrimSpace(v)
			if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
				out = append(out, jsonStrings([]byte(t))...)
				return
			}
			out = append(out, v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}

// fragments are the English catalog's fixed texts: each English message
// cut at its placeholders, its backquoted commands and its lines, keeping
// the pieces long enough to be English sentences (12 characters, or
// three words) that no Spanish message also has. from names the message
// each came from.
type fragments struct {
	list []string
	from map[string]string // fragment → "file: key"
	// whole are the English messages without placeholders that no
	// Spanish message reads the same ("Save", "Mark done"), for labels
	// too short to be fragments: a line, label or field name that is
	// one of them is English.
	whole map[string]string
}

// placeholder is a template action; code a backquoted command or
// example.
var (
	placeholder = regexp.MustCompile(`\{\{.*?\}\}`)
	code        = regexp.MustCompile("`[^`]*`")
)

// englishFragments reads locales/*.en.toml, and the Spanish twins to
// leave out what both languages write alike (links, addresses, rule
// numbers, emoji). A fragment counts as Spanish only when some other
// message's Spanish has it: a Spanish message left in English is still
// English.
func englishFragments(t *testing.T) *fragments {
	t.Helper()
	type message struct {
		file  string
		texts []string // one per plural form
	}
	read := func(lang string) map[string]message { // by id
		names, err := fs.Glob(locales.FS, "*."+lang+".toml")
		if err != nil || len(names) == 0 {
			t.Fatalf("no %s catalog: %v", lang, err)
		}
		out := map[string]message{}
		for _, name := range names {
			var m map[string]any
			if _, err := toml.DecodeFS(locales.FS, name, &m); err != nil {
				t.Fatal(err)
			}
			for id, v := range m {
				msg := message{file: name}
				switch v := v.(type) {
				case string:
					msg.texts = []string{v}
				case map[string]any:
					for _, form := range v {
						if s, ok := form.(string); ok {
							msg.texts = append(msg.texts, s)
						}
					}
				}
				out[id] = msg
			}
		}
		return out
	}
	es := read("es")
	spanishWhole := map[string]bool{}
	for _, m := range es {
		for _, s := range m.texts {
			spanishWhole[strings.ToLower(strings.TrimSpace(s))] = true
		}
	}
	// inOtherSpanish reports whether a Spanish message other than id's
	// twin has frag.
	inOtherSpanish := func(id, frag string) bool {
		for other, m := range es {
			if other == id {
				continue
			}
			for _, s := range m.texts {
				if strings.Contains(s, frag) {
					return true
				}
			}
		}
		return false
	}
	f := &fragments{from: map[string]string{}, whole: map[string]string{}}
	en := read("en")
	for _, id := range slices.Sorted(maps.Keys(en)) {
		key := en[id].file + ": " + id
		for _, text := range en[id].texts {
			if t := strings.TrimSpace(text); !strings.Contains(t, "{{") && !spanishWhole[strings.ToLower(t)] && strings.IndexFunc(t, unicode.IsLetter) >= 0 {
				f.whole[t] = key
			}
			// Placeholders first, so that a backquoted one (`{{.Field}}`)
			// goes with its quotes.
			marked := placeholder.ReplaceAllString(text, "\x00")
			for _, piece := range code.Split(marked, -1) {
				for _, part := range strings.Split(piece, "\x00") {
					for _, line := range strings.Split(part, "\n") {
						frag := strings.TrimFunc(line, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
						if _, dup := f.from[frag]; dup || !sentence(frag) || inOtherSpanish(id, frag) {
							continue
						}
						f.list = append(f.list, frag)
						f.from[frag] = key
					}
				}
			}
		}
	}
	if len(f.list) < 100 {
		t.Fatalf("only %d English fragments read from the catalog", len(f.list))
	}
	return f
}

// sentence reports whether s reads as words, not a name, number, command
// or emoji: at least two words of letters, and 12 characters or three
// such words.
func sentence(s string) bool {
	words := 0
	for _, f := range strings.Fields(s) {
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
		if len(f) < 2 || strings.ContainsAny(f, "/:@#") {
			continue
		}
		if strings.IndexFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' && r != '-' }) >= 0 {
			continue
		}
		words++
	}
	return words >= 2 && (len([]rune(s)) >= 12 || words >= 3)
}

// englishWords are words no Spanish sentence has: a line with one,
// once commands, examples and names are taken out, is English.
var englishWords = []string{"the", "and", "you", "your", "is", "not"}

// exampleWords are English words that, in the quoted values of a
// command's example (when:"next tuesday 12:30", where:"Public Library"),
// make an example a Spanish reader would copy in English.
var exampleWords = append([]string{
	"next", "tomorrow", "today", "tonight", "noon", "midnight", "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "jan", "apr", "aug", "dec", "hours", "week",
	"library", "building", "room", "office", "call", "meeting",
}, englishWords...)

// buttonText is how a reply's button reads as plain text: [Label: /action].
var buttonText = regexp.MustCompile(`\[([^\[\]]*?): /[^\]]*\]`)

// quoted is a quoted value in a command: title:"…".
var quoted = regexp.MustCompile(`"[^"]*"`)

// leaks lists every English fragment in what the people of w were shown
// (seen, as plain text) or sent (raw, the platform's strings), with the
// catalog message it comes from; every line shown with an English word
// outside commands, examples and names; and every example whose quoted
// values are English. Each is reported once, with where it was seen.
func (f *fragments) leaks(seen []shownText, raw []string, w *world) []string {
	names := []string{"Jane Roe", "Joe Quimby", "Tom Chief", "Sheriff Roe", "Springfield", "Sangamon County"}
	for _, p := range w.people {
		names = append(names, p.name)
	}
	for i, n := range names {
		names[i] = regexp.QuoteMeta(n)
	}
	named := regexp.MustCompile(`@?\b(` + strings.Join(names, "|") + `)\b`)
	clean := func(s string) string {
		s = buttonText.ReplaceAllString(s, "[$1]")
		s = code.ReplaceAllString(s, " ")
		return named.ReplaceAllString(s, " ")
	}
	hasWord := func(s string, words []string) string {
		padded := " " + strings.ToLower(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || r == '\'' {
				return r
			}
			return ' '
		}, named.ReplaceAllString(s, " "))) + " "
		for _, word := range words {
			if strings.Contains(padded, " "+word+" ") {
				return word
			}
		}
		return ""
	}
	found := map[string]bool{}
	var out []string
	report := func(what, where, line string) {
		if !found[what] {
			found[what] = true
			out = append(out, fmt.Sprintf("%s\n\tseen at %s:\n\t%s", what, where, line))
		}
	}
	// whole looks for an English label: the line, its field name, or a
	// button's label.
	bullets := func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("*•-✗✓", r) }
	// catalog reports the English catalog's text in line: a whole
	// message (the line, its field name or a button's label), or a
	// fragment of one. It says whether it found any.
	catalog := func(where, line string) bool {
		hit := false
		cands := []string{line}
		if name, _, ok := strings.Cut(line, ": "); ok {
			cands = append(cands, name)
		}
		for _, b := range buttonText.FindAllStringSubmatch(line, -1) {
			cands = append(cands, b[1])
		}
		for _, c := range cands {
			if key, ok := f.whole[strings.TrimFunc(c, bullets)]; ok {
				report(fmt.Sprintf("English text of %s: %q", key, strings.TrimFunc(c, bullets)), where, line)
				hit = true
			}
		}
		c := clean(line)
		for _, frag := range f.list {
			if strings.Contains(c, frag) {
				report(fmt.Sprintf("English text of %s: %q", f.from[frag], frag), where, line)
				hit = true
			}
		}
		return hit
	}
	for _, s := range seen {
		for _, line := range strings.Split(s.text, "\n") {
			// A line of the catalog's English is reported as that; the
			// words find what the catalog does not have.
			if !catalog(s.where, line) {
				if word := hasWord(clean(line), englishWords); word != "" {
					report(fmt.Sprintf("English word %q in %q", word, strings.TrimSpace(clean(line))), s.where, line)
				}
			}
			for _, ex := range code.FindAllString(line, -1) {
				for _, q := range quoted.FindAllString(ex, -1) {
					if word := hasWord(q, exampleWords); word != "" {
						report(fmt.Sprintf("English example %s (the word %q)", q, word), s.where, line)
					}
				}
			}
		}
	}
	for _, s := range raw {
		for _, line := range strings.Split(s, "\n") {
			catalog("what the platform carried", line)
		}
	}
	return out
}
