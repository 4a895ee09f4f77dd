package commands

import (
	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/storage"
)

// Tactic is one of the guide's ways to press officials to adopt the rules.
// Its one-line description lives in the catalog under tactic.<Name>.
type Tactic struct {
	Name string
}

// Tactics lists the guide's suggested tactics, in its order.
var Tactics = []Tactic{
	{"calls-letters"}, {"in-person"}, {"town-hall"}, {"rally"}, {"petition"},
	{"testimony"}, {"letter-to-editor"}, {"solidarity"}, {"window-signs"},
}

// TacticByName returns the tactic called name.
func TacticByName(name string) (Tactic, bool) {
	for _, t := range Tactics {
		if t.Name == name {
			return t, true
		}
	}
	return Tactic{}, false
}

// Description is the tactic's one-line description from the guide.
func (t Tactic) Description(locale string) string {
	return bot.Translate(locale, bot.M("tactic."+t.Name))
}

// tacticNames are the tactic names, for Choice options.
func tacticNames() []string {
	out := make([]string, len(Tactics))
	for i, t := range Tactics {
		out[i] = t.Name
	}
	return out
}

// suggestTactics picks up to three tactics for an official, following the
// guide: meet law enforcement in person first; call out evasion in public;
// press a refusal with numbers; take elected officials to their own
// meetings.
func suggestTactics(office storage.Office, st targetState) []Tactic {
	lawEnforcement := office.LawEnforcement()
	var names []string
	switch {
	case st == notAsked && lawEnforcement:
		names = []string{"in-person", "calls-letters"}
	case st == notAsked:
		names = []string{"calls-letters", "in-person", "town-hall"}
	case st == evasive:
		names = []string{"calls-letters", "town-hall", "letter-to-editor"}
	case st == refused && lawEnforcement:
		names = []string{"rally", "petition", "letter-to-editor"}
	case st == refused:
		names = []string{"testimony", "petition", "rally"}
	case lawEnforcement:
		names = []string{"in-person", "calls-letters", "petition"}
	default:
		names = []string{"calls-letters", "testimony", "town-hall"}
	}
	out := make([]Tactic, 0, len(names))
	for _, n := range names {
		t, _ := TacticByName(n)
		out = append(out, t)
	}
	return out
}

// targetState is what most needs pressing with an official.
type targetState int

const (
	undecided targetState = iota // asked, but support not yet clear
	notAsked
	evasive
	refused
)

// stateOf classifies an official's open rules.
func stateOf(asked bool, evasions, refusals int) targetState {
	switch {
	case !asked:
		return notAsked
	case evasions > 0:
		return evasive
	case refusals > 0:
		return refused
	}
	return undecided
}
