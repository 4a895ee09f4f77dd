package commands_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/commands"
	"github.com/fcbot/fcbot/storage"
)

const springfield = `/setup jurisdiction:"Springfield" kind:city timezone:America/Chicago`

// auditActions lists the console group's audit actions, oldest first.
func auditActions(t *testing.T, b *testBot) []string {
	t.Helper()
	g, err := b.store.EnsureGroup(context.Background(), "console", "console")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := b.store.AuditLog(context.Background(), g.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r.Action + " " + r.Before + " -> " + r.After
	}
	return out
}

func TestRoleAssignListRemove(t *testing.T) {
	eachBot(t, func(t *testing.T, b *testBot) {
		b.expect(springfield, "first lead")
		b.expect(`/meeting schedule when:"tomorrow 12:30pm" where:"Library"`, "Meeting 1 scheduled")

		b.do("as bob")
		b.refuse("/role assign user:@carol role:scheduler", "Only a lead (or higher)", "`/role list` shows who to ask")
		b.refuse("/role remove user:@you role:lead", "Only a lead (or higher)")
		b.expect("/role list", "lead: you")

		b.do("as you")
		b.expect("/role assign user:@bob role:scheduler", "bob is now scheduler", "books a meeting",
			`/task add title:"Schedule the meeting with our chief law-enforcement officer (within two weeks)" user:@bob due:"2026-11-30 17:00"`,
			"[Add this task: /task add title:")
		b.refuse("/role assign user:@bob role:scheduler", "bob is already scheduler.")
		out := b.expect("/role assign user:@bob role:spokesperson meeting:1", "bob is now spokesperson for meeting 1", "forceful ask")
		if strings.Contains(out, "/task add") {
			t.Errorf("spokesperson has no duty task, got:\n%s", out)
		}
		b.expect("/role assign user:@carol role:reporter meeting:1", "carol is now reporter for meeting 1",
			`/task add title:"File the report-back form on meeting 1" user:@carol due:"2026-11-29 12:30" meeting:1`)
		b.refuse("/role assign user:@bob role:lead meeting:1", "`lead` is a group-wide role", "Example: `/role assign user:@alex role:lead`")
		b.refuse("/role assign user:@bob role:inviter meeting:9", "There is no meeting 9 in this group")
		b.refuse("/role assign user:@bob role:chef", "`role` must be one of spokesperson, scheduler")
		b.refuse("/role assign role:scheduler", "The option `user` is required")

		b.expect("/role list", "spokesperson (meeting 1): bob", "scheduler: bob", "reporter (meeting 1): carol", "lead: you")
		b.expect("/role list meeting:1", "Roles, with meeting 1's", "spokesperson (meeting 1): bob")
		b.expect("/meeting show 1", "Spokesperson: bob")

		b.refuse("/role remove user:@you role:lead", "you is the group's last lead")
		b.refuse("/role remove user:@bob role:inviter", "bob is not inviter")
		b.refuse("/role remove user:@bob role:spokesperson", "bob is not spokesperson;")
		b.expect("/role remove user:@bob role:spokesperson meeting:1", "bob is no longer spokesperson for meeting 1.")
		b.expect("/role assign user:@bob role:lead", "bob is now lead")
		b.expect("/role remove user:@you role:lead", "you is no longer lead.")
		b.do("as bob")
		b.refuse("/role remove user:@bob role:lead", "bob is the group's last lead")
		b.expect("/role list", "lead: bob")

		got := strings.Join(auditActions(t, b), "\n")
		for _, want := range []string{
			"role.assign  -> bob: scheduler",
			"role.assign  -> bob: spokesperson for meeting 1",
			"role.remove bob: spokesperson for meeting 1 -> ",
			"role.remove you: lead -> ",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("audit log:\n%s\nwant an entry %q", got, want)
			}
		}
		if strings.Contains(got, "role.remove bob: lead") || strings.Count(got, "role.assign  -> bob: scheduler") != 1 {
			t.Errorf("refused changes reached the audit log:\n%s", got)
		}
	})
}

// TestCampaignMessagesExist keeps catalog ids used by the role, official and
// meeting commands from shipping without their sentence.
func TestCampaignMessagesExist(t *testing.T) {
	ids := map[string]bool{}
	lit := regexp.MustCompile(`\b[TM]\("((?:role|official|office|meeting)\.[a-z0-9_.-]+[a-z0-9_-])"`)
	for _, f := range []string{"role.go", "official.go", "meeting.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") {
				ids[m[1]] = true
			}
		}
	}
	for _, r := range commands.Roles {
		ids["role.about."+string(r.Name)] = true
		if r.Duty != "" {
			ids[r.Duty] = true
			ids[r.Duty+".meeting"] = true
		}
	}
	for _, o := range storage.Offices {
		ids["office."+string(o)] = true
	}
	for _, k := range storage.MeetingKinds {
		ids["meeting.kind."+string(k)] = true
	}
	for _, s := range storage.MeetingStatuses {
		ids["meeting.status."+string(s)] = true
	}
	for _, w := range []string{storage.MeetingsUpcoming, storage.MeetingsPast, storage.MeetingsCancelled, storage.MeetingsAll} {
		ids["meeting.list.title."+w], ids["meeting.list.empty."+w] = true, true
	}
	for _, a := range []string{"yes", "no", "maybe"} {
		ids["meeting.rsvp.done."+a], ids["meeting.rsvp.changed."+a] = true, true
	}
	if len(ids) < 90 {
		t.Fatalf("found only %d message ids; the scan is broken", len(ids))
	}
	for id := range ids {
		if !bot.HasMessage(id) {
			t.Errorf("message %q is used but not in the catalog", id)
		}
	}
}
