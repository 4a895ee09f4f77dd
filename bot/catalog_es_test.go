package bot_test

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"
	"text/template/parse"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/locales"
)

// catalogLanguages are the languages fcbot ships: each has a twin of
// every English catalog file. Listing them here, rather than reading them
// from the file names, makes a language whose files all went missing fail.
var catalogLanguages = []string{"en", "es"}

// TestCatalogLanguagesMatchEnglish fails when a language lacks a file, a
// key or a plural form, or when a message's placeholders differ from its
// English twin's. Translate shows a message's id, not its English text,
// when the reader's language lacks it (go-i18n reports the fallback as an
// error), so a gap here is a raw id in front of users.
func TestCatalogLanguagesMatchEnglish(t *testing.T) {
	for _, p := range catalogProblems(locales.FS, catalogLanguages) {
		t.Error(p)
	}
}

// TestSpanishLocalesReadSpanish checks the catalog as Translate serves it:
// the locales Discord and Slack send for Spanish get the Spanish text, in
// every plural form, and English readers still get English.
func TestSpanishLocalesReadSpanish(t *testing.T) {
	es := readTOML(t, "rules.es.toml")["rules.title"]
	en := readTOML(t, "rules.en.toml")["rules.title"]
	if es == en {
		t.Fatalf("rules.title is %q in both languages; the test needs a message that differs", en)
	}
	for _, locale := range []string{"es", "es-ES", "es-419", "es-MX", "es-US"} {
		if got := bot.Translate(locale, bot.M("rules.title")); got != es {
			t.Errorf("Translate(%q, rules.title) = %q, want %q", locale, got, es)
		}
		for _, n := range []int{0, 1, 2, 1_000_000} {
			got := bot.Translate(locale, bot.M("list.more", "Count", n))
			if want := fmt.Sprintf("… y %d más", n); got != want {
				t.Errorf("Translate(%q, list.more, Count %d) = %q, want %q", locale, n, got, want)
			}
		}
	}
	for _, locale := range []string{"en", "en-US", "en-GB"} {
		if got := bot.Translate(locale, bot.M("rules.title")); got != en {
			t.Errorf("Translate(%q, rules.title) = %q, want %q", locale, got, en)
		}
	}
}

// TestCatalogChecksFindBreakage runs catalogProblems on small broken
// catalogs: each breakage must be reported, and the unbroken one must not.
func TestCatalogChecksFindBreakage(t *testing.T) {
	const en = `"greet" = "Hello {{.Name}}"
["items"]
one = "{{.Count}} item"
other = "{{.Count}} items"
`
	const es = `"greet" = "Hola {{.Name}}"
["items"]
one = "{{.Count}} elemento"
many = "{{.Count}} de elementos"
other = "{{.Count}} elementos"
`
	catalog := func(files ...string) fstest.MapFS {
		fsys := fstest.MapFS{}
		for i := 0; i+1 < len(files); i += 2 {
			fsys[files[i]] = &fstest.MapFile{Data: []byte(files[i+1])}
		}
		return fsys
	}
	langs := []string{"en", "es"}
	if got := catalogProblems(catalog("a.en.toml", en, "a.es.toml", es), langs); len(got) > 0 {
		t.Fatalf("the unbroken catalog has problems: %q", got)
	}
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		wants []string // each a substring of some problem
	}{
		{"no Spanish file", catalog("a.en.toml", en), []string{"a.es.toml"}},
		{"no English twin", catalog("a.en.toml", en, "a.es.toml", es, "b.es.toml", `"x" = "x"`), []string{"b.es.toml", "b.en.toml"}},
		{"language not shipped", catalog("a.en.toml", en, "a.es.toml", es, "a.fr.toml", `"greet" = "Bonjour {{.Name}}"`), []string{"a.fr.toml"}},
		{"key missing in Spanish", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, `"greet" = "Hola {{.Name}}"`, "", 1)), []string{"greet"}},
		{"key only in Spanish", catalog("a.en.toml", en, "a.es.toml", `"bye" = "Adiós"`+"\n"+es), []string{"bye"}},
		{"placeholder renamed", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, "{{.Name}}", "{{.Nombre}}", 1)), []string{"greet", ".Nombre"}},
		{"placeholder dropped", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, "Hola {{.Name}}", "Hola", 1)), []string{"greet", ".Name"}},
		{"placeholder dropped in a plural form", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, `many = "{{.Count}} de elementos"`, `many = "muchos elementos"`, 1)), []string{"items", "many"}},
		{"placeholder added in an if", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, "Hola {{.Name}}", "Hola{{if .Title}} {{.Title}}{{end}} {{.Name}}", 1)), []string{"greet", ".Title"}},
		{"required form missing", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, `many = "{{.Count}} de elementos"`, "", 1)), []string{"items", `"many"`}},
		{"English form missing", catalog("a.en.toml", strings.Replace(en, `one = "{{.Count}} item"`, "", 1), "a.es.toml", es), []string{"a.en.toml", `"one"`}},
		{"form the language never uses", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, "[\"items\"]\n", "[\"items\"]\nfew = \"{{.Count}} elementos\"\n", 1)), []string{"items", `"few"`}},
		{"plural in one language only", catalog("a.en.toml", en, "a.es.toml", `"greet" = "Hola {{.Name}}"`+"\n"+`"items" = "{{.Count}} elementos"`), []string{"items", "plural"}},
		{"template does not parse", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, "Hola {{.Name}}", "Hola {{.Name}", 1)), []string{"greet"}},
		{"template does not run", catalog("a.en.toml", en, "a.es.toml", strings.Replace(es, "Hola {{.Name}}", "Hola {{.Name.First}}", 1)), []string{"greet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := catalogProblems(tt.fsys, langs)
			all := strings.Join(got, "\n")
			t.Log(all)
			for _, want := range tt.wants {
				if !strings.Contains(all, want) {
					t.Errorf("problems found:\n%s\nwant one that mentions %s", all, want)
				}
			}
		})
	}
}

// readTOML reads one catalog file's plain messages.
func readTOML(t *testing.T, name string) map[string]string {
	t.Helper()
	var m map[string]any
	if _, err := toml.DecodeFS(locales.FS, name, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, v := range m {
		if s, ok := v.(string); ok {
			out[id] = s
		}
	}
	return out
}

// catalogFile is one file of the catalog, AREA.LANG.toml. A plain message
// has the one form ""; a plural message has its CLDR forms.
type catalogFile struct {
	name, area, lang string
	msgs             map[string]map[string]string
}

var pluralFormNames = []string{"zero", "one", "two", "few", "many", "other"}

// catalogProblems lists what is wrong with the catalog in fsys for the
// languages langs (the first the one all others follow), one sentence
// each, naming the file and the message.
func catalogProblems(fsys fs.FS, langs []string) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return []string{err.Error()}
	}
	files := map[string]map[string]*catalogFile{} // lang → area → file
	for _, name := range names {
		f, err := readCatalogFile(fsys, name)
		if err != nil {
			bad("%v", err)
			continue
		}
		if !slices.Contains(langs, f.lang) {
			bad("%s is in language %q, which is not one of %q: add the language to catalogLanguages, with a twin of every file", name, f.lang, langs)
			continue
		}
		if files[f.lang] == nil {
			files[f.lang] = map[string]*catalogFile{}
		}
		files[f.lang][f.area] = f
	}
	base := langs[0]
	for _, lang := range langs[1:] {
		for _, area := range slices.Sorted(maps.Keys(files[base])) {
			if files[lang][area] == nil {
				bad("%s.%s.toml is missing: every %s file needs its %s twin", area, lang, base, lang)
			}
		}
		for _, area := range slices.Sorted(maps.Keys(files[lang])) {
			if files[base][area] == nil {
				bad("%s.%s.toml has no %s twin %s.%s.toml", area, lang, base, area, base)
			}
		}
	}

	for _, lang := range langs {
		tag, err := language.Parse(lang)
		if err != nil {
			bad("language %q: %v", lang, err)
			continue
		}
		forms, _ := pluralForms(tag)
		for _, area := range slices.Sorted(maps.Keys(files[lang])) {
			f := files[lang][area]
			twin := files[base][area]
			for _, id := range slices.Sorted(maps.Keys(f.msgs)) {
				msg := f.msgs[id]
				problems = append(problems, formProblems(f, id, msg, forms)...)
				if lang == base || twin == nil {
					for form, src := range msg {
						if _, err := placeholders(src); err != nil {
							bad("%s: %q%s does not parse: %v", f.name, id, formLabel(form), err)
						}
					}
					continue
				}
				orig, ok := twin.msgs[id]
				if !ok {
					bad("%s: %q is not in %s: remove it, or add it there first", f.name, id, twin.name)
					continue
				}
				problems = append(problems, placeholderProblems(f, twin, id, msg, orig)...)
			}
			if twin == nil || lang == base {
				continue
			}
			for _, id := range slices.Sorted(maps.Keys(twin.msgs)) {
				if _, ok := f.msgs[id]; !ok {
					bad("%s: %q is missing (%s has it)", f.name, id, twin.name)
				}
			}
		}
	}
	if len(problems) == 0 {
		problems = renderProblems(fsys, names, files, langs)
	}
	return problems
}

// readCatalogFile reads AREA.LANG.toml.
func readCatalogFile(fsys fs.FS, name string) (*catalogFile, error) {
	parts := strings.Split(strings.TrimSuffix(path.Base(name), ".toml"), ".")
	if len(parts) != 2 {
		return nil, fmt.Errorf("%s: a catalog file is named AREA.LANG.toml", name)
	}
	var raw map[string]any
	if _, err := toml.DecodeFS(fsys, name, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f := &catalogFile{name: name, area: parts[0], lang: parts[1], msgs: map[string]map[string]string{}}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			f.msgs[id] = map[string]string{"": v}
		case map[string]any:
			forms := map[string]string{}
			for form, s := range v {
				text, ok := s.(string)
				if !ok || !slices.Contains(pluralFormNames, form) {
					return nil, fmt.Errorf("%s: %q has %q, which is not a plural form (%s) with a text", name, id, form, strings.Join(pluralFormNames, ", "))
				}
				forms[form] = text
			}
			f.msgs[id] = forms
		default:
			return nil, fmt.Errorf("%s: %q is a %T, want a text or a table of plural forms", name, id, v)
		}
	}
	return f, nil
}

// formProblems checks a plural message's forms against the forms its
// language uses: each must be there (or go-i18n falls back to "other" and
// reports an error, and Translate shows the id), and no other.
func formProblems(f *catalogFile, id string, msg map[string]string, forms []string) []string {
	if _, plain := msg[""]; plain {
		return nil
	}
	var problems []string
	for _, form := range forms {
		if msg[form] == "" {
			problems = append(problems, fmt.Sprintf("%s: %q lacks the plural form %q; %s uses %q", f.name, id, form, f.lang, forms))
		}
	}
	for form := range msg {
		if !slices.Contains(forms, form) {
			problems = append(problems, fmt.Sprintf("%s: %q has the plural form %q, which %s never uses (it uses %q)", f.name, id, form, f.lang, forms))
		}
	}
	return problems
}

// placeholderProblems compares a translated message with its original: the
// same kind (plain or plural), and in each form the same placeholders as the
// original's form of that name, or as its "other" form for a form the
// original's language does not have.
func placeholderProblems(f, twin *catalogFile, id string, msg, orig map[string]string) []string {
	_, plain := msg[""]
	_, origPlain := orig[""]
	if plain != origPlain {
		kind := map[bool]string{true: "a plain text", false: "plural"}
		return []string{fmt.Sprintf("%s: %q is %s, but in %s it is %s", f.name, id, kind[plain], twin.name, kind[origPlain])}
	}
	var problems []string
	for _, form := range slices.Sorted(maps.Keys(msg)) {
		origForm := form
		if _, ok := orig[form]; !ok {
			origForm = "other"
		}
		got, err := placeholders(msg[form])
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %q%s does not parse: %v", f.name, id, formLabel(form), err))
			continue
		}
		want, err := placeholders(orig[origForm])
		if err != nil {
			continue // reported with the original
		}
		if !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("%s: %q%s shows %s, want %s as %s%s has", f.name, id, formLabel(form), fieldList(got), fieldList(want), twin.name, formLabel(origForm)))
		}
	}
	return problems
}

func formLabel(form string) string {
	if form == "" {
		return ""
	}
	return " (" + form + ")"
}

func fieldList(names []string) string {
	if len(names) == 0 {
		return "no placeholder"
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "{{." + n + "}}"
	}
	return strings.Join(parts, " ")
}

// placeholders lists, sorted, the data fields a message template reads:
// {{.Name}}, and those in conditions ({{if eq .Count 0}}).
func placeholders(src string) ([]string, error) {
	tmpl, err := template.New("").Parse(src)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	var walk func(parse.Node)
	branch := func(b *parse.BranchNode) {
		walk(b.Pipe)
		walk(b.List)
		walk(b.ElseList)
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			set[n.Ident[0]] = true
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			branch(&n.BranchNode)
		case *parse.RangeNode:
			branch(&n.BranchNode)
		case *parse.WithNode:
			branch(&n.BranchNode)
		}
	}
	if tmpl.Tree != nil {
		walk(tmpl.Tree.Root)
	}
	return slices.Sorted(maps.Keys(set)), nil
}

// probeCounts are the counts pluralForms tries: fcbot's counts are whole
// numbers, and CLDR rules for them turn on the last digits or on millions.
var probeCounts = func() []int {
	var ns []int
	for n := range 1100 {
		ns = append(ns, n)
	}
	return append(ns, 10_000, 100_000, 1_000_000, 2_000_000, 10_000_000, 1_000_000_000)
}()

// pluralForms lists the plural forms go-i18n picks for tag's whole
// numbers, in CLDR order, with a count that picks each. It asks go-i18n:
// its rules (CLDR, in an internal package) are what Translate uses, and
// they differ from golang.org/x/text's older tables (Spanish gained "many",
// for whole millions, in CLDR 38).
func pluralForms(tag language.Tag) (forms []string, example map[string]int) {
	b := i18n.NewBundle(language.English)
	probe := &i18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	if err := b.AddMessages(tag, probe); err != nil {
		return []string{"other"}, map[string]int{"other": 0}
	}
	l := i18n.NewLocalizer(b, tag.String())
	example = map[string]int{}
	for _, n := range probeCounts {
		form, err := l.Localize(&i18n.LocalizeConfig{MessageID: "probe", PluralCount: n})
		if _, seen := example[form]; err == nil && !seen {
			example[form] = n
		}
	}
	for _, f := range pluralFormNames {
		if _, ok := example[f]; ok {
			forms = append(forms, f)
		}
	}
	return forms, example
}

// renderProblems loads the catalog as bot's catalog does and renders every
// message in its own language, in each plural form, with every placeholder
// filled: what go-i18n rejects, cannot run, or serves from another language
// is a problem.
func renderProblems(fsys fs.FS, names []string, files map[string]map[string]*catalogFile, langs []string) []string {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, name := range names {
		if _, err := b.LoadMessageFileFS(fsys, name); err != nil {
			return []string{fmt.Sprintf("go-i18n cannot load %s: %v", name, err)}
		}
	}
	var problems []string
	for _, lang := range langs {
		tag := language.MustParse(lang)
		l := i18n.NewLocalizer(b, lang)
		_, counts := pluralForms(tag)
		for _, area := range slices.Sorted(maps.Keys(files[lang])) {
			f := files[lang][area]
			for _, id := range slices.Sorted(maps.Keys(f.msgs)) {
				msg := f.msgs[id]
				data := map[string]any{}
				for _, src := range msg {
					fields, _ := placeholders(src)
					for _, name := range fields {
						data[name] = "x"
					}
				}
				for form := range msg {
					cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
					if form != "" {
						data["Count"] = counts[form]
						cfg.PluralCount = counts[form]
					}
					_, got, err := l.LocalizeWithTag(cfg)
					if err != nil || got.String() != tag.String() {
						problems = append(problems, fmt.Sprintf("%s: %q%s renders in %v with error %v, want %v without error", f.name, id, formLabel(form), got, err, tag))
					}
				}
			}
		}
	}
	return problems
}
