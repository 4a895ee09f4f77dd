package slack_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot/slack"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// The Directory keeps people and channels of other workspaces out: the
// bot never messages a person, or posts in a channel, that the caller's
// workspace does not have.

// strangers are people users.info knows who are not members of the test
// workspace T0001, and one on its Enterprise Grid organisation.
func (r *rig) addStrangers() {
	r.fake.AddUser(fakeslack.User{ID: "U9001", Name: "Eve", Locale: "en-US", TeamID: "T0002"})
	r.fake.AddUser(fakeslack.User{ID: "U9002", Name: "Gone", Locale: "en-US", Deleted: true})
	r.fake.AddUser(fakeslack.User{ID: "U9003", Name: "Grace", Locale: "en-US", TeamID: "T0003", EnterpriseID: "E0001", Teams: []string{"T0003"}})
}

// directMessages are the calls that would reach a person: opening a
// direct message and posting anything.
func (r *rig) directMessages() int {
	return len(r.fake.Calls("conversations.open")) + len(r.fake.Calls("chat.postMessage"))
}

func TestCampaignRefusesPeopleOfAnotherWorkspace(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		r.addStrangers()
		for _, tc := range []struct{ command, text string }{
			{"/role", "assign user:<@U9001|eve> role:scheduler"},
			{"/task", `add title:"Call the sheriff" user:<@U9001|eve> due:"friday 5pm"`},
			{"/role", "assign user:<@U9002> role:scheduler"},
			{"/task", `add title:"Call the sheriff" user:<@U9999>`},
		} {
			_, m, _ := r.slash("U0001", tc.command, tc.text)
			if !strings.Contains(visible(m), "not a member of this workspace") || m["response_type"] != "ephemeral" {
				t.Errorf("%s %s: got %s, want a private refusal", tc.command, tc.text, visible(m))
			}
		}
		if n := r.directMessages(); n != 0 {
			t.Errorf("people of other workspaces were messaged: %d conversations.open and chat.postMessage calls, want 0", n)
		}
		if n := tasks(t, s); n != 0 {
			t.Errorf("%d tasks made for strangers, want 0", n)
		}
		// A member of the workspace is still assigned and messaged.
		if _, m, _ := r.slash("U0001", "/role", "assign user:<@U0002|bob> role:scheduler"); !strings.Contains(visible(m), "scheduler") {
			t.Fatalf("/role assign bob: got %s", visible(m))
		}
		if open := r.fake.Calls("conversations.open"); len(open) != 1 || open[0].Form.Get("users") != "U0002" {
			t.Errorf("conversations.open: got %v, want one for Bob", open)
		}
	})
}

func TestDirectoryMembers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{testCommands: true})
		r.addStrangers()
		for _, tc := range []struct {
			name, who, enterprise, want string
		}{
			{"member", "<@U0002|bob>", "", "hello bob (U0002)"},
			{"member named by users.info", "<@U0003>", "", "hello Carol (U0003)"},
			{"another workspace", "<@U9001|eve>", "", "not a member"},
			{"deactivated", "<@U9002>", "", "not a member"},
			{"unknown to Slack", "<@U9999>", "", "not a member"},
			{"same Grid organisation", "<@U9003>", "E0001", "hello Grace (U9003)"},
			{"Grid user outside Grid", "<@U9003>", "", "not a member"},
			{"another Grid organisation", "<@U9003>", "E0002", "not a member"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				form := fakeslack.SlashCommand(team, "C0001", "U0001", "alice", "/greet", tc.who, r.trigger(), r.fake.ResponseURL("g"))
				if tc.enterprise != "" {
					form.Set("enterprise_id", tc.enterprise)
				}
				_, m := r.do(slack.CommandsPath, form, time.Now())
				if !strings.Contains(visible(m), tc.want) {
					t.Errorf("/greet %s: got %s, want %q", tc.who, visible(m), tc.want)
				}
			})
		}
		// When Slack cannot say, nobody is let through.
		r.fake.Fail("users.info", "internal_error")
		if _, m, _ := r.slash("U0001", "/greet", "<@U0004|dan>"); strings.Contains(visible(m), "hello") {
			t.Errorf("/greet while users.info fails: got %s, want a failure", visible(m))
		}
	})
}

func TestDirectoryChannels(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{testCommands: true})
	r.fake.AddChannel(fakeslack.Channel{ID: "C0002", Name: "theirs", TeamID: "T0002", BotMember: true})
	r.fake.AddChannel(fakeslack.Channel{ID: "C0003", Name: "open", TeamID: team})
	r.fake.AddChannel(fakeslack.Channel{ID: "G0004", Name: "secret", TeamID: team, Private: true})
	r.fake.AddChannel(fakeslack.Channel{ID: "G0005", Name: "inner", TeamID: team, Private: true, BotMember: true})
	r.fake.AddChannel(fakeslack.Channel{ID: "C0006", Name: "connect", TeamID: "T0002", SharedTeams: []string{"T0002", team}, BotMember: true})
	r.fake.AddChannel(fakeslack.Channel{ID: "C0007", Name: "old", TeamID: team, BotMember: true, Archived: true})
	r.fake.AddChannel(fakeslack.Channel{ID: "C0008", Name: "grid", TeamID: "T0003", InternalTeams: []string{"T0003", team}, BotMember: true})
	for _, tc := range []struct{ typed, want string }{
		{"<#C0001|general>", "channel C0001"}, // as Slack sends a mention
		{"<#C0001>", "channel C0001"},
		{"#C0001", "channel C0001"},
		{"C0001", "channel C0001"},
		{"<#C0002|theirs>", "not a channel"},  // another workspace's
		{"C0003", "channel C0003"},            // public, the bot not in it
		{"<#G0004|secret>", "not a channel"},  // private, the bot not in it
		{"<#G0005|inner>", "channel G0005"},   // private, the bot in it
		{"<#C0006|connect>", "channel C0006"}, // shared with the workspace
		{"<#C0007|old>", "not a channel"},     // archived
		{"<#C0008|grid>", "channel C0008"},    // the organisation's, in the workspace
		{"<#C0999|gone>", "not a channel"},    // unknown to Slack
		{"#general", "not a channel"},         // a name, not an id
		{"<#D0002>", "not a channel"},         // a direct message
	} {
		_, m, _ := r.slash("U0001", "/where", tc.typed)
		if !strings.Contains(visible(m), tc.want) {
			t.Errorf("/where %s: got %s, want %q", tc.typed, visible(m), tc.want)
		}
	}
	infos := r.fake.Calls("conversations.info")
	for _, c := range infos {
		if id := c.Form.Get("channel"); id == "general" || strings.HasPrefix(id, "D") {
			t.Errorf("conversations.info asked about %q, which is no channel id", id)
		}
	}
	if len(infos) != 12 {
		t.Errorf("%d conversations.info calls, want 12 (one per channel id typed)", len(infos))
	}
	// A click builds its request with the Directory too.
	reply := r.click("U0002", "where <#C0002>")
	if !strings.Contains(fmt.Sprint(reply["text"]), "not a channel of T0001") {
		t.Errorf("click /where <#C0002>: got %v, want it refused by the Directory", reply["text"])
	}
	r.fake.Fail("conversations.info", "internal_error")
	if _, m, _ := r.slash("U0001", "/where", "C0001"); strings.Contains(visible(m), "channel C0001") {
		t.Errorf("/where while conversations.info fails: got %s, want a failure", visible(m))
	}
}
