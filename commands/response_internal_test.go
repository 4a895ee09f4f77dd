package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
)

func TestBulkMarks(t *testing.T) {
	nine := "yes no no yes evasive unknown yes no no"
	tests := []struct {
		in        string
		want      string // the values joined by spaces, "" for "-"
		wantField string // the field of the error, when one is wanted
		wantMsg   string
	}{
		{in: "ynnyeuynn", want: nine},
		{in: "y n n y e u y n n", want: nine},
		{in: "y,n,n,y,e,u,y,n,n", want: nine},
		{in: "Y; N; N; Y; E; U; Y; N; N", want: nine},
		{in: "yes no no yes evasive unknown yes no no", want: nine},
		{in: "1y 2n 3n 4y 5e 6u 7y 8n 9n", want: nine},
		{in: "✅ ❌ ❌ ✅ ⚠️ ❔ ✅ ❌ ❌", want: nine},
		{in: "ynnyeuynn y", want: nine + " yes"},
		{in: "-yn-euyne", want: " yes no  evasive unknown yes no evasive"},
		{in: "ynnyeuyn", wantField: "f", wantMsg: "has 8 marks"},
		{in: "ynnyeuynnyn", wantField: "f", wantMsg: "has 11 marks"},
		{in: "", wantField: "f", wantMsg: "has 0 marks"},
		{in: "ynnyxuynn", wantField: "f", wantMsg: "mark 5 (rule 5) is `x`"},
		{in: "ynnyeuyn-", want: "yes no no yes evasive unknown yes no "},
		{in: "ynnyeuynz", wantField: "f", wantMsg: "mark 9 (rule 9) is `z`"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := bulkMarks("f", tt.in)
			if tt.wantField != "" {
				var e *bot.Error
				if !errors.As(err, &e) || e.Field != tt.wantField || !strings.Contains(e.Error(), tt.wantMsg) {
					t.Fatalf("bulkMarks(%q) = %q, %v; want an error on field %q saying %q", tt.in, got, err, tt.wantField, tt.wantMsg)
				}
				return
			}
			words := make([]string, len(got))
			for i, m := range got {
				words[i] = string(m)
			}
			if err != nil || strings.Join(words, " ") != tt.want {
				t.Errorf("bulkMarks(%q) = %q, %v; want %q", tt.in, strings.Join(words, " "), err, tt.want)
			}
		})
	}
}
