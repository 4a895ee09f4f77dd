package bot

import (
	"maps"
	"testing"
)

func TestFormArgs(t *testing.T) {
	fixed := map[string]string{"official": "Jane Roe"}
	got := FormArgs(fixed, []FormAnswer{
		{Option: "in-place would-support", Value: "y -"},
		{Option: "in-place would-support", Value: "n y"},
		{Option: "in-place would-support", Value: ""}, // nothing picked
		{Option: "meeting", Value: ""},                // "no meeting"
		{Option: "note", Value: "  at the county building "},
	})
	want := map[string]string{"official": "Jane Roe", "in-place": "y n", "would-support": "- y", "note": "at the county building"}
	if !maps.Equal(got, want) {
		t.Errorf("FormArgs = %v, want %v", got, want)
	}
	if fixed["in-place"] != "" || len(fixed) != 1 {
		t.Errorf("FormArgs changed the fixed options: %v", fixed)
	}
}

func TestFormFieldOptions(t *testing.T) {
	f := FormField{Option: "in-place would-support"}
	if got := f.Options(); len(got) != 2 || got[0] != "in-place" || got[1] != "would-support" {
		t.Errorf("Options = %q", got)
	}
	form := &Form{Fields: []FormField{{Option: "note"}}}
	if form.HasChoices() {
		t.Error("a form of text boxes reports choices")
	}
	form.Fields = append(form.Fields, FormField{Option: "meeting", Choices: Choices("1", "2")})
	if !form.HasChoices() {
		t.Error("a form with a picker reports no choices")
	}
}
