package bot_test

import (
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
)

// TestFormatDateEnglishIsGo checks that English dates are exactly what
// Go's layouts wrote before dates had languages, on every weekday and in
// every month, morning and afternoon.
func TestFormatDateEnglishIsGo(t *testing.T) {
	layouts := map[bot.DateStyle]string{
		bot.DateFull:  "Mon Jan 2, 2006, 3:04 PM MST",
		bot.DateZone:  "Mon Jan 2, 3:04 PM MST",
		bot.DateTime:  "Mon Jan 2, 3:04 PM",
		bot.DateList:  "Mon Jan 2 3:04 PM",
		bot.DateDay:   "Mon Jan 2",
		bot.DateShort: "Jan 2",
		bot.DateClock: "3:04 PM",
		bot.DateLog:   "Jan 2 3:04 PM",
	}
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	for d := 0; d < 366; d += 5 {
		at := time.Date(2026, 1, 1+d, 9+d%14, d%60, 0, 0, chicago)
		for style, layout := range layouts {
			if got, want := bot.FormatDate("en", at, style), at.Format(layout); got != want {
				t.Errorf("FormatDate(en, %v, %s) = %q, want %q", at, style, got, want)
			}
		}
	}
}

// TestFormatDateSpanish checks the Spanish names and order, and that a
// Moment in a message is written in the message's language.
func TestFormatDateSpanish(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC) // noon in Chicago
	tests := []struct {
		locale string
		style  bot.DateStyle
		want   string
	}{
		{"es", bot.DateTime, "mar 8 dic, 12:00"},
		{"es-MX", bot.DateFull, "mar 8 dic 2026, 12:00 CST"},
		{"es", bot.DateDay, "mar 8 dic"},
		{"es", bot.DateShort, "8 dic"},
		{"es", bot.DateClock, "12:00"},
		{"en", bot.DateTime, "Tue Dec 8, 12:00 PM"},
		{"fr", bot.DateTime, "Tue Dec 8, 12:00 PM"}, // no French catalog: English
	}
	for _, tt := range tests {
		if got := bot.At(at, chicago, tt.style).Localize(tt.locale); got != tt.want {
			t.Errorf("At(…, %s).Localize(%s) = %q, want %q", tt.style, tt.locale, got, tt.want)
		}
	}
	if got, want := bot.Translate("es", bot.M("date.no_such_day", "Month", bot.Month(time.February), "Day", 30, "Days", 28, "Year", 0, "Suggestion", "28 de febrero")), "No existe el 30 de febrero: febrero tiene 28 días. Prueba con un día como 28 de febrero."; got != want {
		t.Errorf("a month in a Spanish message reads %q, want %q", got, want)
	}
	if got := bot.Translate("es", bot.M("task.line.due", "When", bot.At(at, chicago, bot.DateTime))); got != "vence mar 8 dic, 12:00" {
		t.Errorf("a Moment in a Spanish message reads %q", got)
	}
}
