package commands

import (
	"errors"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, chicago) // a Friday
	tests := []struct {
		in   string
		want string // formatted in Chicago, or "" for an error
		err  error
	}{
		{"tomorrow 3pm", "Sat 2026-11-28 15:00", nil},
		{"next tuesday 12:30", "Tue 2026-12-01 12:30", nil},
		{"dec 3 noon", "Thu 2026-12-03 12:00", nil},
		{"2026-12-03 12:00", "Thu 2026-12-03 12:00", nil},
		{"12/3 14:00", "Thu 2026-12-03 14:00", nil},
		{"12/3/2026 2pm", "Thu 2026-12-03 14:00", nil},
		{"tues 7:30pm", "Tue 2026-12-01 19:30", nil},
		{"friday 6pm", "Fri 2026-12-04 18:00", nil},
		{"Tomorrow at noon", "Sat 2026-11-28 12:00", nil},
		{"2026-12-03T18:00:00Z", "Thu 2026-12-03 12:00", nil},
		{"1/5 9am", "Tue 2027-01-05 09:00", nil},
		{"dec 3", "", errNoTimeOfDay},
		{"someday soonish maybe", "", errUnreadableTime},
		{"", "", errUnreadableTime},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in, now, chicago)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseTime(%q) = %v, %v; want error %v", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tt.in, err)
			}
			if s := got.In(chicago).Format("Mon 2006-01-02 15:04"); s != tt.want {
				t.Errorf("ParseTime(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func BenchmarkParseTimePhrase(b *testing.B) {
	chicago, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, chicago)
	for b.Loop() {
		if _, err := ParseTime("next tuesday 12:30", now, chicago); err != nil {
			b.Fatal(err)
		}
	}
}
