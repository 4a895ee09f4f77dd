package commands

import (
	"testing"

	"github.com/fcbot/fcbot/bot"
)

// TestCampaignMessagesExist checks the message ids that the answers,
// scorecard, target and task code builds from values, which the console
// tests might not all reach.
func TestCampaignMessagesExist(t *testing.T) {
	var ids []string
	for _, tc := range Tactics {
		ids = append(ids, "tactic."+tc.Name, "target.task."+tc.Name)
	}
	for _, v := range []string{"yes", "no", "evasive", "unknown"} {
		ids = append(ids, "scorecard.in_place."+v, "scorecard.pos.support."+v)
	}
	for _, v := range []string{"open", "mine", "overdue", "done", "all"} {
		ids = append(ids, "task.list.title."+v, "task.list.none."+v)
	}
	ids = append(ids, "task.already.open", "task.already.done")
	for _, id := range ids {
		if !bot.HasMessage(id) {
			t.Errorf("the catalog lacks %q", id)
		}
	}
	for _, name := range []string{"in-person", "calls-letters", "town-hall", "rally", "petition", "testimony", "letter-to-editor"} {
		if _, ok := TacticByName(name); !ok {
			t.Errorf("suggested tactic %q is not in the catalog of tactics", name)
		}
	}
}
