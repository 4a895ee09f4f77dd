package bot

import (
	"io/fs"
	"log/slog"
	"maps"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/fcbot/fcbot/locales"
)

// Message is a catalog entry to be rendered in the reader's locale.
type Message struct {
	ID   string
	Data map[string]any
}

// M builds a Message; kv are template name/value pairs:
// M("rules.unknown", "Number", 12). A value that is itself a Message, or
// another Localized value (a Moment, a Word), is rendered in the reader's
// locale too.
func M(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 0 {
		m.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			name, _ := kv[i].(string)
			m.Data[name] = kv[i+1]
		}
	}
	return m
}

var catalog = sync.OnceValue(func() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(locales.FS, "*.toml")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(locales.FS, f); err != nil {
			panic("bot: message catalog " + f + ": " + err.Error())
		}
	}
	return b
})

var localizers sync.Map // locale → *i18n.Localizer

// Localize renders m in locale: a Message inside another's values is
// rendered in the outer one's locale.
func (m Message) Localize(locale string) string { return Translate(locale, m) }

// Translate renders m in locale, falling back to English and, for an id
// that no catalog has, to the id itself (which a test keeps from shipping).
// A message's "Count" value picks its plural form ("one", "other"): a
// count never meets a noun in code.
func Translate(locale string, m Message) string {
	l, ok := localizers.Load(locale)
	if !ok {
		l, _ = localizers.LoadOrStore(locale, i18n.NewLocalizer(catalog(), locale, "en"))
	}
	cfg := &i18n.LocalizeConfig{MessageID: m.ID, TemplateData: translateData(locale, m.Data)}
	if n, ok := m.Data["Count"]; ok {
		cfg.PluralCount = n
	}
	s, err := l.(*i18n.Localizer).Localize(cfg)
	if err != nil {
		slog.Warn("missing message", "id", m.ID, "locale", locale, "err", err)
		// A message or plural form missing in the reader's language comes
		// back in English, with the error: English is better than the id.
		if s != "" {
			return s
		}
		return m.ID
	}
	return s
}

// translateData renders the Messages and other Localized values among a
// message's values in locale (an option's description inside an error, a
// date, an answer's word), leaving the others as they are.
func translateData(locale string, data map[string]any) map[string]any {
	var out map[string]any
	for k, v := range data {
		if sub, ok := v.(Localized); ok {
			if out == nil {
				out = maps.Clone(data)
			}
			out[k] = sub.Localize(locale)
		}
	}
	if out == nil {
		return data
	}
	return out
}

// Languages lists the languages the catalog has, as BCP 47 tags, English
// (the fallback) first.
func Languages() []string {
	tags := catalog().LanguageTags()
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.String()
	}
	return out
}

// HasMessage reports whether the English catalog defines id.
func HasMessage(id string) bool {
	_, err := i18n.NewLocalizer(catalog(), "en").Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}
