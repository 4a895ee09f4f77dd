package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// The campaign's own commands on Slack, through the real router: the
// answer sheet as a modal, role scripts by direct message, and the ready
// commands that buttons carry.

// campaignRig is a rig whose group is set up by Alice (U0001), its lead.
func campaignRig(t *testing.T, s *storage.Store) *rig {
	t.Helper()
	r := newRig(t, s, rigOptions{})
	if _, m, _ := r.slash("U0001", "/setup", "jurisdiction:Springfield kind:city timezone:America/Chicago"); !strings.Contains(visible(m), "Springfield is set up") {
		t.Fatalf("/setup: got %s", visible(m))
	}
	return r
}

// groupID is the database id of the test workspace's group.
func groupID(t *testing.T, s *storage.Store) int64 {
	t.Helper()
	g, err := s.GroupByPlatform(context.Background(), slack.Platform, team)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

// buttonValues are the actions of a message's buttons.
func buttonValues(m map[string]any) []string {
	var out []string
	blocks, _ := m["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm["type"] != "actions" {
			continue
		}
		for _, el := range bm["elements"].([]any) {
			out = append(out, fmt.Sprint(el.(map[string]any)["value"]))
		}
	}
	return out
}

// click sends a block_actions payload for a button carrying action, as
// user, and returns the reply posted to its response_url.
func (r *rig) click(user, action string) map[string]any {
	r.t.Helper()
	trig := r.trigger()
	before := len(r.fake.Calls("response"))
	body := payload(r.t, "block_actions.json", "{{USER}}", user, "{{USERNAME}}", strings.ToLower(user), "{{TRIGGER}}", trig,
		"{{RESPONSE_URL}}", r.fake.ResponseURL(trig), "{{ACTION_ID}}", jsonEscape(action), "{{VALUE}}", jsonEscape(action))
	if code, ack := r.do(slack.InteractionsPath, url.Values{"payload": {string(body)}}, time.Now()); code != 200 || ack != nil {
		r.t.Fatalf("click %q: got %d %v, want an empty 200", action, code, ack)
	}
	calls := r.fake.WaitCalls("response", before+1)
	for _, c := range calls[before:] {
		if c.Path == "/response/"+trig {
			return c.JSON
		}
	}
	r.t.Fatalf("click %q: nothing posted to its response_url", action)
	return nil
}

// jsonEscape escapes s for a JSON string literal, without the quotes.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestResponseSheetModal(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		if _, m, _ := r.slash("U0001", "/official", `add name:"Jane Roe" office:sheriff`); !strings.Contains(visible(m), "Jane Roe") {
			t.Fatalf("/official add: got %s", visible(m))
		}
		if _, m, _ := r.slash("U0001", "/meeting", `record official:"Jane Roe" when:"yesterday noon" where:"County Building"`); !strings.Contains(visible(m), "Meeting 1 recorded") {
			t.Fatalf("/meeting record: got %s", visible(m))
		}
		code, m, trig := r.slash("U0001", "/response", `sheet official:"Jane Roe"`)
		if code != 200 || m != nil {
			t.Fatalf("/response sheet: got %d %v, want an empty 200 (the modal is the answer)", code, m)
		}
		open := r.fake.WaitCalls("views.open", 1)[0].JSON
		if open["trigger_id"] != trig {
			t.Errorf("views.open trigger %v, want the command's %s", open["trigger_id"], trig)
		}
		view := open["view"].(map[string]any)
		var ids []string
		for _, b := range view["blocks"].([]any) {
			bm := b.(map[string]any)
			ids = append(ids, fmt.Sprint(bm["block_id"], ":", bm["element"].(map[string]any)["type"]))
		}
		want := "f0/in-place/would-support:static_select f1/in-place/would-support:static_select f2/in-place/would-support:static_select " +
			"f3/in-place/would-support:static_select f4/in-place/would-support:static_select f5/in-place/would-support:static_select " +
			"f6/in-place/would-support:static_select f7/in-place/would-support:static_select f8/in-place/would-support:static_select " +
			"f9/in-place/would-support:static_select f10/meeting:static_select f11/note:plain_text_input"
		if got := strings.Join(ids, " "); got != want {
			t.Fatalf("modal blocks\n%s\nwant a choice per rule, the meeting and the note:\n%s", got, want)
		}
		if title := view["title"].(map[string]any)["text"].(string); len([]rune(title)) > 24 || title == "" {
			t.Errorf("modal title %q, want 1 to 24 characters", title)
		}
		answers := func() []storage.Answer { return storagetest.LatestAnswers(t, s, groupID(t, s)) }

		// Nothing picked: refused on the first rule, nothing logged, the
		// modal stays open with its picks.
		code, ack := r.submitPicks(view, "U0001", nil, map[string]string{"f11/note": "kept"})
		errs, _ := ack["errors"].(map[string]any)
		if code != 200 || ack["response_action"] != "errors" || !strings.Contains(fmt.Sprint(errs["f0/in-place/would-support"]), "there is nothing to log") {
			t.Errorf("an empty sheet: got %d %v, want the error on the first rule", code, ack)
		}
		if n := len(answers()); n != 0 {
			t.Fatalf("an empty sheet logged %d answers, want 0", n)
		}

		picks := map[string]string{
			"f0/in-place/would-support": "y -", "f1/in-place/would-support": "n y", "f2/in-place/would-support": "n e",
			"f4/in-place/would-support": "e n", "f9/in-place/would-support": "n -",
		}
		code, ack = r.submitPicks(view, "U0001", picks, map[string]string{"f11/note": "at the county building"})
		if code != 200 || ack != nil {
			t.Fatalf("five answers: got %d %v, want an empty 200 that closes the modal", code, ack)
		}
		eph := r.fake.WaitCalls("chat.postEphemeral", 1)[0].Form
		if eph.Get("user") != "U0001" || eph.Get("channel") != "C0001" || !strings.Contains(eph.Get("text"), "Logged 5 answers from Jane Roe") ||
			!strings.Contains(eph.Get("text"), "From meeting 1.") {
			t.Errorf("result posted as %v, want Logged 5 answers from meeting 1, ephemeral to Alice in C0001", eph)
		}
		got := map[string]string{}
		for _, a := range answers() {
			got[a.Rule] = string(a.InPlace) + "/" + string(a.WouldSupport)
			if a.MeetingID == nil || a.Note != "at the county building" {
				t.Errorf("answer on rule %s: meeting %v, note %q; want meeting 1 and the note", a.Rule, a.MeetingID, a.Note)
			}
		}
		if fmt.Sprint(got) != "map[1:yes/ 1373:no/ 2:no/yes 3:no/evasive 5:evasive/no]" {
			t.Errorf("logged %v, want rules 1, 2, 3, 5 and 1373 as picked, the others not asked", got)
		}
		_, m, _ = r.slash("U0001", "/scorecard", "")
		if !strings.Contains(visible(m), "Jane Roe") {
			t.Errorf("/scorecard: got %s, want Jane Roe on it", visible(m))
		}

		// The sheet button of /target show opens the modal with the
		// click's trigger id.
		_, m, _ = r.slash("U0001", "/target", `show official:"Jane Roe"`)
		var sheet string
		for _, b := range buttonValues(m) {
			if strings.HasPrefix(b, "response sheet ") {
				sheet = b
			}
		}
		if sheet == "" {
			t.Fatalf("/target show buttons %q, want the answer sheet", buttonValues(m))
		}
		body := payload(t, "block_actions.json", "{{USER}}", "U0001", "{{USERNAME}}", "alice", "{{TRIGGER}}", "sheet.1",
			"{{RESPONSE_URL}}", r.fake.ResponseURL("sheet"), "{{ACTION_ID}}", jsonEscape(sheet), "{{VALUE}}", jsonEscape(sheet))
		r.do(slack.InteractionsPath, url.Values{"payload": {string(body)}}, time.Now())
		if opened := r.fake.WaitCalls("views.open", 2)[1].JSON; opened["trigger_id"] != "sheet.1" {
			t.Errorf("sheet button: views.open trigger %v, want the click's sheet.1", opened["trigger_id"])
		}
	})
}

// scriptLine is the first line of the scheduler's script in Springfield.
const scriptLine = "Call the office of the top law-enforcement officer for Springfield"

func TestRoleScriptByDirectMessage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		_, m, _ := r.slash("U0001", "/role", "assign user:<@U0002|bob> role:scheduler")
		if !strings.Contains(visible(m), "scheduler") || m["response_type"] != "in_channel" {
			t.Fatalf("/role assign: got %s", visible(m))
		}
		if strings.Contains(visible(m), scriptLine) {
			t.Errorf("the script was shown in the channel although the direct message went out: %s", visible(m))
		}
		if open := r.fake.Calls("conversations.open"); len(open) != 1 || open[0].Form.Get("users") != "U0002" {
			t.Fatalf("conversations.open: got %v, want one for U0002", open)
		}
		posts := r.fake.Calls("chat.postMessage")
		if len(posts) != 1 || posts[0].Form.Get("channel") != "D0002" || !strings.Contains(posts[0].Form.Get("text"), scriptLine) {
			t.Fatalf("chat.postMessage: got %v, want the script in Bob's DM channel D0002", posts)
		}

		// When Slack refuses the DM, the script is in the reply instead.
		r.fake.Fail("conversations.open", "cannot_dm_bot")
		_, m, _ = r.slash("U0001", "/role", "assign user:<@U0003|carol> role:scheduler")
		if !strings.Contains(visible(m), "For carol (I could not message them directly)") || !strings.Contains(visible(m), scriptLine) {
			t.Errorf("DM refused: got %s, want the script in the reply", visible(m))
		}
		if n := len(r.fake.Calls("chat.postMessage")); n != 1 {
			t.Errorf("%d chat.postMessage calls, want still 1", n)
		}
	})
}

func TestReadyTaskButtonMentionsAssignee(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		_, m, _ := r.slash("U0001", "/role", "assign user:<@U0002|bob> role:scheduler")
		buttons := buttonValues(m)
		if len(buttons) != 1 || !strings.HasPrefix(buttons[0], "task add ") || !strings.Contains(buttons[0], "user:<@U0002>") {
			t.Fatalf("buttons %q, want one ready task add for <@U0002>", buttons)
		}
		reply := r.click("U0001", buttons[0])
		if !strings.Contains(fmt.Sprint(reply["text"]), "Task 1") {
			t.Fatalf("click Add this task: got %v, want task 1 added", reply["text"])
		}
		task, err := s.TaskByNumber(context.Background(), groupID(t, s), 1)
		if err != nil {
			t.Fatal(err)
		}
		who, err := s.MemberByID(context.Background(), groupID(t, s), *task.AssigneeID)
		if err != nil || who.PlatformUserID == nil || *who.PlatformUserID != "U0002" || who.DisplayName != "Bob" {
			t.Errorf("task 1 is assigned to %+v (%v), want Bob (U0002)", who, err)
		}
		if !strings.HasPrefix(task.Title, "Schedule the meeting") || task.DueAt == nil {
			t.Errorf("task 1 is %q due %v, want the scheduler's duty with a due time", task.Title, task.DueAt)
		}
		// The same click again has no second effect.
		before := len(r.fake.Calls("response"))
		body := payload(t, "block_actions.json", "{{USER}}", "U0001", "{{USERNAME}}", "alice", "{{TRIGGER}}", "dup.1",
			"{{RESPONSE_URL}}", r.fake.ResponseURL("dup"), "{{ACTION_ID}}", "x", "{{VALUE}}", jsonEscape(buttons[0]))
		for range 2 {
			r.do(slack.InteractionsPath, url.Values{"payload": {string(body)}}, time.Now())
		}
		r.fake.WaitCalls("response", before+2)
		if _, err := s.TaskByNumber(context.Background(), groupID(t, s), 3); err == nil {
			t.Error("a repeated click added a third task")
		}
	})
}

func TestMeetingAndTaskButtons(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		_, m, _ := r.slash("U0001", "/meeting", `schedule when:"next tuesday 12:30" where:"Public Library"`)
		if !strings.Contains(visible(m), "Meeting 1") {
			t.Fatalf("/meeting schedule: got %s", visible(m))
		}
		_, m, _ = r.slash("U0002", "/meeting", "show 1")
		buttons := buttonValues(m)
		if len(buttons) != 3 || buttons[0] != "meeting rsvp id:1 answer:yes" {
			t.Fatalf("/meeting show buttons %q, want the three RSVPs", buttons)
		}
		reply := r.click("U0002", buttons[0])
		if !strings.Contains(strings.ToLower(fmt.Sprint(reply["text"])), "yes") {
			t.Errorf("RSVP click: got %v", reply["text"])
		}
		_, m, _ = r.slash("U0001", "/meeting", "show 1")
		if !strings.Contains(visible(m), "Yes (1)*\\nBob") {
			t.Errorf("/meeting show after Bob's RSVP: got %s, want one yes", visible(m))
		}

		_, m, _ = r.slash("U0002", "/task", `add title:"Print flyers" due:"friday 5pm"`)
		buttons = buttonValues(m)
		if len(buttons) != 1 || buttons[0] != "task done id:1" {
			t.Fatalf("/task add buttons %q, want Mark done", buttons)
		}
		reply = r.click("U0002", buttons[0])
		task, err := s.TaskByNumber(context.Background(), groupID(t, s), 1)
		if err != nil || task.Status != "done" {
			t.Errorf("after Mark done: task %+v (%v), reply %v; want it done", task, err, reply["text"])
		}
		// A click from someone who may not close the task changes nothing.
		r.fake.AddUser(fakeslack.User{ID: "U0004", Name: "Dan", Locale: "en-US"})
		_, m, _ = r.slash("U0002", "/task", `add title:"Book the room"`)
		reply = r.click("U0004", buttonValues(m)[0])
		if task, _ := s.TaskByNumber(context.Background(), groupID(t, s), 2); task == nil || task.Status != "open" || reply["response_type"] != "ephemeral" {
			t.Errorf("a stranger's Mark done: task %+v, reply %v; want it open and a private refusal", task, reply)
		}
	})
}
