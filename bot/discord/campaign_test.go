package discord_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// The campaign's own commands on Discord, through the real router: the
// answer sheet as a modal, RSVP and Mark done buttons, role scripts by
// direct message, and the ready commands that buttons carry.

// opt is one option of a command interaction.
func opt(name string, typ int, v any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": v}
}

// subcommand is the data of /name sub with options; users named in
// resolved are those a USER option picked.
func subcommand(name, sub string, resolved map[string]string, opts ...any) map[string]any {
	data := map[string]any{"name": name, "type": 1, "options": []any{map[string]any{"name": sub, "type": 1, "options": opts}}}
	if len(resolved) > 0 {
		users := map[string]any{}
		for id, n := range resolved {
			users[id] = map[string]any{"id": id, "username": strings.ToLower(n), "global_name": n, "discriminator": "0"}
		}
		data["resolved"] = map[string]any{"users": users}
	}
	return data
}

// buttonIDs are the custom ids of a message's buttons.
func buttonIDs(resp response) []string {
	var ids []string
	for _, row := range resp.Data.Components {
		comps, _ := row["components"].([]any)
		for _, c := range comps {
			ids = append(ids, c.(map[string]any)["custom_id"].(string))
		}
	}
	return ids
}

// click presses the button with customID on the message on as user. As
// Discord does, the click carries the message it was made on.
func (r *rig) click(id, customID, user string, on response) response {
	r.t.Helper()
	var v map[string]any
	_ = json.Unmarshal(interaction(id, 3, map[string]any{"custom_id": customID, "component_type": 2}, user, memberPerms), &v)
	v["message"] = map[string]any{
		"id": "200000000000000001", "channel_id": "800000000000000001", "type": 20,
		"author":    map[string]any{"id": "100000000000000001", "username": "fcbot", "bot": true, "discriminator": "0"},
		"timestamp": "2026-11-27T15:00:00.000000+00:00",
		"content":   on.Data.Content, "embeds": on.Data.Embeds, "components": on.Data.Components, "flags": on.Data.Flags,
	}
	body, _ := json.Marshal(v)
	_, resp := r.post(body)
	return resp
}

// campaignRig is a rig whose group Alice set up, so she is its lead.
func campaignRig(t *testing.T, s *storage.Store) *rig {
	t.Helper()
	r := newRig(t, s, rigOpt{})
	if _, resp := r.post(interaction(newID(), 2, setupData("Springfield"), alice, memberPerms)); !strings.Contains(resp.text(), "Springfield is set up") {
		t.Fatalf("/setup: got %q", resp.text())
	}
	return r
}

func TestResponseSheetModal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		_, resp := r.post(interaction(newID(), 2, subcommand("official", "add", nil, opt("name", 3, "Jane Roe"), opt("office", 3, "sheriff")), alice, memberPerms))
		if !strings.Contains(resp.text(), "Jane Roe") {
			t.Fatalf("/official add: got %q", resp.text())
		}
		_, resp = r.post(interaction(newID(), 2, subcommand("meeting", "record", nil, opt("when", 3, "yesterday noon"), opt("where", 3, "County Building"), opt("official", 3, "Jane Roe")), alice, memberPerms))
		if !strings.Contains(resp.text(), "Meeting 1 recorded") {
			t.Fatalf("/meeting record: got %q", resp.text())
		}
		_, resp = r.post(interaction(newID(), 2, subcommand("response", "sheet", nil, opt("official", 3, "Jane Roe")), alice, memberPerms))
		if resp.Type != 4 || resp.Data.Flags != ephemeral|componentsV2 {
			t.Fatalf("/response sheet: got type %d flags %d %q, want a private V2 sheet", resp.Type, resp.Data.Flags, resp.text())
		}
		checkV2(t, resp.Data.Content, len(resp.Data.Embeds), resp.Data.Components)
		sh := sheet{flags: resp.Data.Flags, components: resp.Data.Components}
		var ids []string
		for _, sel := range sh.selects() {
			ids = append(ids, sel["custom_id"].(string))
		}
		if len(ids) != 11 || ids[0] != "s:0:in-place would-support" || ids[9] != "s:9:in-place would-support" || ids[10] != "s:10:meeting" {
			t.Fatalf("sheet selects %q, want a choice per rule and the meeting", ids)
		}
		if got := strings.Join(sh.picked(), ","); got != "- -,- -,- -,- -,- -,- -,- -,- -,- -,- -,1" {
			t.Errorf("sheet defaults %q, want every rule not asked and meeting 1", got)
		}
		answers := func() []storage.Answer { return storagetest.LatestAnswers(t, s, mustGroup(t, s)) }
		note := func(s sheet, text string) response {
			t.Helper()
			modal := r.on(newID(), 3, map[string]any{"custom_id": s.button(t, "Save…"), "component_type": 2}, s)
			if modal.Type != 9 {
				t.Fatalf("Save…: got type %d %q, want the note's modal", modal.Type, modal.text())
			}
			input := modal.Data.Components[0]["components"].([]any)[0].(map[string]any)
			return r.on(newID(), 5, map[string]any{"custom_id": modal.Data.CustomID, "components": []any{
				map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": input["custom_id"], "value": text}}},
			}}, s)
		}

		// Nothing picked: refused privately, the sheet kept as it was.
		if refused := note(sh, ""); refused.Type != 4 || refused.Data.Flags&ephemeral == 0 || !strings.Contains(refused.text(), "there is nothing to log") {
			t.Errorf("an empty sheet: got type %d %q, want a private refusal", refused.Type, refused.text())
		}
		if n := len(answers()); n != 0 {
			t.Fatalf("an empty sheet logged %d answers", n)
		}
		sh = r.pickIn(sh, "s:0:in-place would-support", "y -")
		sh = r.pickIn(sh, "s:1:in-place would-support", "n y")
		sh = r.pickIn(sh, "s:4:in-place would-support", "e e")
		done := note(sh, "at the county building")
		if done.Type != 7 || !strings.Contains(done.text(), "Logged 3 answers from Jane Roe") || !strings.Contains(done.text(), "From meeting 1.") {
			t.Fatalf("three answers: got type %d %q, want the sheet replaced by Logged 3 answers from meeting 1", done.Type, done.text())
		}
		got := map[string]string{}
		for _, a := range answers() {
			got[a.Rule] = string(a.InPlace) + "/" + string(a.WouldSupport) + "/" + a.Note
		}
		if fmt.Sprint(got) != "map[1:yes//at the county building 2:no/yes/at the county building 5:evasive/evasive/at the county building]" {
			t.Errorf("logged %v", got)
		}

		// The sheet button of /target show opens the sheet.
		_, resp = r.post(interaction(newID(), 2, subcommand("target", "show", nil, opt("official", 3, "Jane Roe")), alice, memberPerms))
		var button string
		for _, id := range buttonIDs(resp) {
			if strings.HasPrefix(id, "a:response sheet ") {
				button = id
			}
		}
		if button == "" {
			t.Fatalf("/target show buttons %q, want the answer sheet", buttonIDs(resp))
		}
		if opened := r.click(newID(), button, alice, resp); opened.Type != 4 || opened.Data.Flags != ephemeral|componentsV2 {
			t.Errorf("sheet button: got type %d flags %d, want the sheet", opened.Type, opened.Data.Flags)
		}
	})
}

func TestMeetingRSVPAndTaskDoneButtons(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		_, resp := r.post(interaction(newID(), 2, subcommand("meeting", "schedule", nil, opt("when", 3, "next tuesday 12:30"), opt("where", 3, "Public Library")), alice, memberPerms))
		if !strings.Contains(resp.text(), "Meeting 1") {
			t.Fatalf("/meeting schedule: got %q", resp.text())
		}
		_, resp = r.post(interaction(newID(), 2, subcommand("meeting", "show", nil, opt("id", 4, 1)), bob, memberPerms))
		ids := buttonIDs(resp)
		if len(ids) != 3 || ids[0] != "a:meeting rsvp id:1 answer:yes" {
			t.Fatalf("/meeting show buttons %q, want the three RSVPs", ids)
		}
		click := newID()
		show := resp
		first := r.click(click, ids[0], bob, show)
		again := r.click(click, ids[0], bob, show)
		if first.Data.Flags&64 == 0 || !strings.Contains(strings.ToLower(first.text()), "yes") || !strings.Contains(again.text(), "already handled") {
			t.Errorf("RSVP click twice: got %q then %q, want a private yes, then already handled", first.text(), again.text())
		}
		_, resp = r.post(interaction(newID(), 2, subcommand("meeting", "show", nil, opt("id", 4, 1)), alice, memberPerms))
		if text := resp.text(); !strings.Contains(text, "Yes (1): User 2") || !strings.Contains(text, "Maybe (0)") || !strings.Contains(text, "No (0)") {
			t.Errorf("/meeting show after one click: got %q, want one yes, from Bob", text)
		}

		_, resp = r.post(interaction(newID(), 2, subcommand("task", "add", nil, opt("title", 3, "Print flyers"), opt("due", 3, "friday 5pm")), bob, memberPerms))
		ids = buttonIDs(resp)
		if len(ids) != 1 || ids[0] != "a:task done id:1" {
			t.Fatalf("/task add buttons %q, want Mark done", ids)
		}
		click = newID()
		first = r.click(click, ids[0], bob, resp)
		again = r.click(click, ids[0], bob, resp)
		task, err := s.TaskByNumber(context.Background(), mustGroup(t, s), 1)
		if err != nil || task.Status != "done" || !strings.Contains(again.text(), "already handled") {
			t.Errorf("Mark done twice: task %+v (%v), replies %q and %q; want it done once", task, err, first.text(), again.text())
		}
		// Someone who may not close the task is refused, privately.
		_, resp = r.post(interaction(newID(), 2, subcommand("task", "add", nil, opt("title", 3, "Book the room")), bob, memberPerms))
		refused := r.click(newID(), buttonIDs(resp)[0], carol, resp)
		if task, _ := s.TaskByNumber(context.Background(), mustGroup(t, s), 2); task == nil || task.Status != "open" || refused.Data.Flags&64 == 0 {
			t.Errorf("a stranger's Mark done: task %+v, reply flags %d %q; want it open and a private refusal", task, refused.Data.Flags, refused.text())
		}
	})
}

// scriptLine is the first line of the scheduler's script in Springfield.
const scriptLine = "Call the office of the top law-enforcement officer for Springfield"

// assign is /role assign user:<who> role:<role> as Alice.
func (r *rig) assign(who, name, role string) response {
	r.t.Helper()
	_, resp := r.post(interaction(newID(), 2, subcommand("role", "assign", map[string]string{who: name}, opt("user", 6, who), opt("role", 3, role)), alice, memberPerms))
	return resp
}

func TestRoleScriptByDirectMessage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		resp := r.assign(bob, "Bob", "scheduler")
		if !strings.Contains(resp.text(), "Bob is now scheduler") || strings.Contains(resp.text(), scriptLine) {
			t.Fatalf("/role assign: got %q, want the assignment without the script", resp.text())
		}
		open := r.fake.Wait(t, http.MethodPost, "/users/@me/channels")
		var rcpt struct {
			RecipientID string `json:"recipient_id"`
		}
		open.JSON(t, &rcpt)
		if rcpt.RecipientID != bob {
			t.Errorf("DM channel opened for %q, want Bob %s", rcpt.RecipientID, bob)
		}
		dm := r.fake.Wait(t, http.MethodPost, "/channels/4"+bob+"/messages")
		if !strings.Contains(string(dm.Body), scriptLine) {
			t.Errorf("DM to Bob: got %s, want the scheduler's script", dm.Body)
		}

		// When Discord refuses the DM (the member does not accept DMs from
		// the server), the script is in the reply instead.
		r.fake.Fail(http.MethodPost, "/channels/4"+carol+"/messages", http.StatusForbidden)
		resp = r.assign(carol, "Carol", "scheduler")
		if !strings.Contains(resp.text(), "For Carol (I could not message them directly)") || !strings.Contains(resp.text(), scriptLine) {
			t.Errorf("DM refused: got %q, want the script in the reply", resp.text())
		}
	})
}

func TestReadyTaskButtonMentionsAssignee(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		resp := r.assign(bob, "Bob", "scheduler")
		ids := buttonIDs(resp)
		if len(ids) != 1 {
			t.Fatalf("/role assign buttons %q, want Add this task", ids)
		}
		if len([]rune(ids[0])) > 100 {
			t.Errorf("custom id is %d characters, Discord's limit is 100", len([]rune(ids[0])))
		}
		if !strings.Contains(resp.text(), "`/task add title:") || !strings.Contains(resp.text(), "user:<@"+bob+">") {
			t.Errorf("/role assign: got %q, want the ready task add for <@%s> shown", resp.text(), bob)
		}
		// A click whose message no longer shows the action is refused.
		var bare response
		if stale := r.click(newID(), ids[0], alice, bare); !strings.Contains(stale.text(), "out of date") {
			t.Errorf("click without the message: got %q, want the button out of date", stale.text())
		}
		click := newID()
		added := r.click(click, ids[0], alice, resp)
		again := r.click(click, ids[0], alice, resp)
		if !strings.Contains(added.text(), "Task 1") || !strings.Contains(added.text(), "— for Bob") || !strings.Contains(again.text(), "already handled") {
			t.Fatalf("Add this task twice: got %q then %q, want task 1 added once", added.text(), again.text())
		}
		task, err := s.TaskByNumber(context.Background(), mustGroup(t, s), 1)
		if err != nil {
			t.Fatal(err)
		}
		who, err := s.MemberByID(context.Background(), mustGroup(t, s), *task.AssigneeID)
		if err != nil || who.PlatformUserID == nil || *who.PlatformUserID != bob {
			t.Errorf("task 1 is assigned to %+v (%v), want Bob", who, err)
		}
		if !strings.HasPrefix(task.Title, "Schedule the meeting") || task.DueAt == nil {
			t.Errorf("task 1 is %q due %v, want the scheduler's duty with a due time", task.Title, task.DueAt)
		}
		var body struct {
			Embeds []embed `json:"embeds"`
		}
		r.fake.Wait(t, http.MethodPost, "/channels/4"+bob+"/messages")
		n := 0
		for _, c := range r.fake.Find(http.MethodPost, "/channels/4"+bob+"/messages") {
			_ = json.Unmarshal(c.Body, &body)
			if len(body.Embeds) > 0 && strings.Contains(body.Embeds[0].Title, "gave you task 1") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("Bob got %d DMs about task 1, want 1", n)
		}
	})
}
