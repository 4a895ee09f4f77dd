package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/discord"
	"github.com/fcbot/fcbot/bot/discord/discordtest"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestPrivacyExportArrivesAsAFile: /privacy export sends the caller, by
// direct message, a summary and their data as a JSON file, uploaded as
// Discord takes files (multipart/form-data: payload_json and files[0]).
func TestPrivacyExportArrivesAsAFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		export := map[string]any{"name": "privacy", "type": 1, "options": []any{opt("action", 3, "export")}}
		_, resp := r.post(interaction(newID(), 2, export, bob, memberPerms))
		if !strings.Contains(resp.text(), "Your data is on its way by direct message") || resp.Data.Flags&64 == 0 {
			t.Fatalf("/privacy export: flags %d, %q; want a private reply that the data is on its way", resp.Data.Flags, resp.text())
		}
		post := r.fake.Wait(t, http.MethodPost, "/channels/4"+bob+"/messages")
		msgs := r.fake.Messages("4" + bob)
		if len(msgs) != 1 || len(msgs[0].Files) != 1 {
			t.Fatalf("Bob's direct messages: %d (the last: %s), want one with the file", len(msgs), msgs[len(msgs)-1].Body)
		}
		if !strings.Contains(string(msgs[0].Body), "Your data in fcbot") || !strings.Contains(string(post.Body), `name="files[0]"`) {
			t.Errorf("the message's JSON: %s", msgs[0].Body)
		}
		f := msgs[0].Files[0]
		var data struct {
			Member struct {
				PlatformID string `json:"platform_user_id"`
			} `json:"member"`
		}
		if err := json.Unmarshal(f.Data, &data); err != nil || f.ContentType != "application/json" || !strings.HasPrefix(f.Name, "fcbot-data-") {
			t.Fatalf("file %q (%s): %v", f.Name, f.ContentType, err)
		}
		if data.Member.PlatformID != bob {
			t.Errorf("the file is about %q, want Bob %s", data.Member.PlatformID, bob)
		}
	})
}

// TestSendOnceWithFiles: a message with files sent with a key is one
// multipart upload that carries the nonce, and sending it again posts
// nothing more.
func TestSendOnceWithFiles(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOpt{})
	snd := r.ad.Sender()
	const ch = "555000000000000021"
	to := bot.Destination{Platform: discord.Platform, Channel: ch}
	reply := bot.Reply{Text: "attached", Files: []bot.File{{Name: "notes.txt", ContentType: "text/plain", Data: []byte("three meetings")}}}
	for range 2 {
		if err := snd.SendOnce(context.Background(), to, reply, "notes-1"); err != nil {
			t.Fatal(err)
		}
	}
	msgs := r.fake.Messages(ch)
	if len(msgs) != 1 || len(msgs[0].Files) != 1 || string(msgs[0].Files[0].Data) != "three meetings" || msgs[0].Nonce == "" {
		var files []discordtest.File
		for _, m := range msgs {
			files = append(files, m.Files...)
		}
		t.Errorf("%d messages with files %+v; want one message, with the file and a nonce", len(msgs), files)
	}
}

// TestForgetSomeoneWhoLeft: a lead can forget a member who has left the
// server, whom Discord no longer counts as a member.
func TestForgetSomeoneWhoLeft(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := campaignRig(t, s)
		const dave = "600000000000000004" // in the group's data, no longer in the server
		r.post(interaction(newID(), 2, map[string]any{"name": "privacy", "type": 1}, dave, memberPerms))
		forget := subcommand("member", "forget", map[string]string{dave: "Dave"}, opt("user", 6, dave), opt("confirm", 5, true))
		_, resp := r.post(interaction(newID(), 2, forget, alice, memberPerms))
		if !strings.Contains(resp.text(), "fcbot has forgotten that member") {
			t.Fatalf("/member forget of someone who left: %q", resp.text())
		}
		if _, err := s.MemberByPlatformID(context.Background(), mustGroup(t, s), dave); err == nil {
			t.Error("the member who left is still known by their Discord id")
		}
	})
}
