package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/locales"
)

// TestExamplePhrasesReadTheSame: a translated example phrase that is a
// time must be read as the same time as its English original, and a
// Spanish reader's example shows the translation, so that what a reader
// copies from an example works and means what the example meant.
func TestExamplePhrasesReadTheSame(t *testing.T) {
	var en map[string]string
	if _, err := toml.DecodeFS(locales.FS, "examples.en.toml", &en); err != nil {
		t.Fatal(err)
	}
	chicago, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, chicago)
	times := 0
	for id, english := range en {
		want, err := commands.ParseTime(english, now, chicago)
		if err != nil {
			continue // not a time: a place, a title or a note
		}
		times++
		spanish := bot.Translate("es", bot.M(id))
		if spanish == english {
			t.Errorf("%s: the Spanish example is the English %q", id, english)
		}
		got, err := commands.ParseTime(spanish, now, chicago)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %q reads %v (%v), want %v as %q does", id, spanish, got, err, want, english)
		}
	}
	if times == 0 {
		t.Fatal("no example phrase is a time: the test checks nothing")
	}
	cmd := commands.Tree(&commands.Env{}).Lookup("meeting schedule")
	if got := bot.LocalExample("es", cmd, cmd.Example); !strings.Contains(got, `when:"el próximo martes a las 12:30"`) || strings.Contains(got, "next tuesday") {
		t.Errorf("Spanish example %s, want its time in Spanish", got)
	}
	if got := bot.LocalExample("en", cmd, cmd.Example); got != cmd.Example {
		t.Errorf("English example %s, want it unchanged: %s", got, cmd.Example)
	}
}
