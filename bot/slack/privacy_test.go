package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fcbot/fcbot/bot"
	"github.com/fcbot/fcbot/bot/slack/fakeslack"
	"github.com/fcbot/fcbot/storage"
	"github.com/fcbot/fcbot/storage/storagetest"
)

// TestPrivacyExportArrivesAsAFile: /privacy export sends the caller, by
// direct message, a summary and their data as a JSON file, uploaded as
// Slack takes files (files.getUploadURLExternal, the upload, then
// files.completeUploadExternal in the direct message).
func TestPrivacyExportArrivesAsAFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		r := newRig(t, s, rigOptions{})
		if code, m, _ := r.slash("U0002", "/meeting", `schedule when:"2030-01-10 18:00" where:"Library" kind:organizing`); code != http.StatusOK {
			t.Fatalf("/meeting schedule: %d %v", code, m)
		}
		r.slash("U0002", "/meeting", "rsvp 1 yes")
		_, m, trig := r.slash("U0002", "/privacy", "export")
		text := visible(m)
		if m == nil { // the reply came through response_url
			calls := r.fake.WaitCalls("response", 1)
			text = visible(calls[len(calls)-1].JSON)
		}
		if !strings.Contains(text, "Your data is on its way by direct message") {
			t.Fatalf("/privacy export (%s): %s", trig, text)
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(r.fake.Files("D0002")) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		files := r.fake.Files("D0002")
		if len(files) != 1 {
			t.Fatalf("files shared with Bob: %d, want 1 (all: %+v)", len(files), r.fake.Files(""))
		}
		f := files[0]
		var export struct {
			Member struct {
				PlatformID string `json:"platform_user_id"`
			} `json:"member"`
			RSVPs []struct{ Answer string } `json:"rsvps"`
		}
		if err := json.Unmarshal(f.Data, &export); err != nil {
			t.Fatalf("the file %s is not JSON: %v", f.Name, err)
		}
		if !strings.HasPrefix(f.Name, "fcbot-data-") || !strings.HasSuffix(f.Name, ".json") || export.Member.PlatformID != "U0002" || len(export.RSVPs) != 1 {
			t.Errorf("file %q for %q with %d RSVPs; want fcbot-data-….json for U0002 with 1", f.Name, export.Member.PlatformID, len(export.RSVPs))
		}
		var summary bool
		for _, msg := range r.fake.Messages("D0002") {
			summary = summary || strings.Contains(msg.Text, "Your data in fcbot")
		}
		if !summary {
			t.Errorf("no summary in Bob's direct messages: %+v", r.fake.Messages("D0002"))
		}
	})
}

// TestSendUploadsFiles: a message's files follow it into the conversation,
// each under its name; an upload the fake refuses is an error.
func TestSendUploadsFiles(t *testing.T) {
	r := newRig(t, storagetest.Open(t, storage.SQLite), rigOptions{})
	file := bot.File{Name: "notes.txt", ContentType: "text/plain", Data: []byte("three meetings")}
	if err := r.ad.Sender().Send(context.Background(), inGeneral, bot.Reply{Text: "attached", Files: []bot.File{file}}); err != nil {
		t.Fatal(err)
	}
	got := r.fake.Files(fakeslack.DefaultChannel)
	if len(got) != 1 || got[0].Name != "notes.txt" || string(got[0].Data) != "three meetings" {
		t.Errorf("files in #general: %+v", got)
	}
	r.fake.Fail("files.completeUploadExternal", "not_in_channel")
	if err := r.ad.Sender().Send(context.Background(), inGeneral, bot.Reply{Text: "again", Files: []bot.File{file}}); err == nil {
		t.Error("a refused upload: got nil, want an error")
	}
}
